#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Pack built bench binaries into a tarball a board runs without building:
# bin/bench-<backend>, lib/ with the shared libraries they need beyond
# glibc (Google Benchmark, libstdc++, libgcc_s: a board's rootfs may have
# other versions or none), scripts/bench.sh (and its Python checks), lava/ (the LAVA test
# definition and lava/board-run.sh) and VERSION (commit, compiler, core).
# The result is what a LAVA job's test definition fetches (DIST_URL=).
# Usage: scripts/lava-dist.sh <out.tar.gz> <bench-binary>...   (make dist)
set -eu

die() { echo "lava-dist: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: $0 <out.tar.gz> <bench-binary>..."
out=$1; shift
case $out in *.tar.gz) ;; *) die "$out: the tarball's name must end in .tar.gz" ;; esac

readelf=${CROSS_COMPILE:-}readelf
command -v "$readelf" >/dev/null 2>&1 || readelf=readelf
# Where the toolchain's target libraries live (cross or native).
libdirs="/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib \
/usr/lib/$(uname -m)-linux-gnu /lib/$(uname -m)-linux-gnu"
[ "${ARCH:-}" = arm64 ] || libdirs="/usr/lib/$(uname -m)-linux-gnu /lib/$(uname -m)-linux-gnu"

stage=$(mktemp -d "${TMPDIR:-/tmp}/iopgt-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
top=$stage/io-pgtable-bench
mkdir -p "$top/bin" "$top/lib" "$top/scripts" "$top/lava"

for bin in "$@"; do
	[ -x "$bin" ] || die "$bin is not an executable (make dist builds it)"
	cp "$bin" "$top/bin/"
	for lib in $("$readelf" -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case $lib in
		libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*) continue ;;
		esac
		[ -f "$top/lib/$lib" ] && continue
		found=
		for d in $libdirs; do
			if [ -f "$d/$lib" ]; then
				cp -L "$d/$lib" "$top/lib/$lib"
				found=1
				break
			fi
		done
		[ -n "$found" ] || die "$bin needs $lib, not found in $libdirs"
	done
done

# bench.sh and what it runs where the board has python3 with numpy.
cp scripts/bench.sh scripts/check-results.py scripts/benchlib.py scripts/summary.py "$top/scripts/"
cp -r lava/testdef lava/board-run.sh "$top/lava/"
# BENCH_COMMIT/BENCH_DIRTY as for scripts/bench.sh: a tree without .git.
commit=${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)}
dirty=${BENCH_DIRTY:-no}
[ -n "${BENCH_COMMIT:-}" ] || ! git status --porcelain --untracked-files=no 2>/dev/null | grep -q . || dirty=yes
{
	echo "commit: $commit"
	echo "dirty: $dirty"
	echo "arch: ${ARCH:-$(uname -m)}"
	echo "core: ${CORE:-own}"
	echo "compiler: $(${CC:-cc} --version 2>/dev/null | head -n 1)"
	echo "cflags: ${CFLAGS:-}"
	echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$top/VERSION"

mkdir -p "$(dirname "$out")"
# The test definition's repository is the tarball's top level.
tar -C "$top" -czf "$out.tmp" . || die "tar failed"
mv "$out.tmp" "$out"
echo "dist: $out ($(ls "$top/bin" | tr '\n' ' ')commit $commit$([ $dirty = yes ] && echo ', dirty'))"
