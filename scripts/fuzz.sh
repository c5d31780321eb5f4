#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make fuzz: build the libFuzzer target with clang (-fsanitize=fuzzer,
# address,undefined) for each backend asked for and run it for N seconds
# from the seed corpus (tests/fuzz/corpus) and the saved regressions
# (tests/fuzz/regressions). New inputs go to build/fuzz/corpus-<backend>;
# a crash leaves its input in build/fuzz/artifacts/ and says how to keep it
# as a regression test, which every test binary then replays.
#
# Usage: scripts/fuzz.sh <seconds>
#   FUZZ_BACKENDS=libc|all|"buddy hyp"   backends to fuzz (default libc)
#   FUZZ_JOBS=N                           parallel fuzzing jobs per backend (default 1)
#   CC=clang                              any clang; gcc has no libFuzzer
set -u

die() { echo "fuzz.sh: $*" >&2; exit 2; }

[ $# = 1 ] || die "usage: $0 <seconds>  (make fuzz FUZZ_SECONDS=N [FUZZ_BACKENDS=libc|all|...])"
secs=$1
case "$secs" in ''|*[!0-9]*) die "FUZZ_SECONDS must be a whole number of seconds, not '$secs'" ;; esac
[ "$secs" -gt 0 ] || die "FUZZ_SECONDS must be at least 1"
# The backends are decided once, in the Makefile (MAKEFLAGS= : not the
# jobserver of a make that runs this script).
all=$(MAKEFLAGS= make -s --no-print-directory KSRC= list-backends | tr ' ' '\n')
backends=${FUZZ_BACKENDS:-libc}
[ "$backends" = all ] && backends=$all
for b in $backends; do
	echo "$all" | grep -qx "$b" || die "unknown backend '$b' (have: $(echo $all))"
done
jobs=${FUZZ_JOBS:-1}
case "$jobs" in ''|*[!0-9]*|0) die "FUZZ_JOBS must be a positive number" ;; esac
# After the options: make exports ARCH, and a typo must be named as such
# whatever ARCH the caller's make was given.
host_arch=$(uname -m | sed -e 's/aarch64/arm64/')
[ "${ARCH:-$host_arch}" = "$host_arch" ] ||
	die "libFuzzer runs natively only: ARCH=${ARCH} is not this machine ($host_arch)"
[ -z "${KSRC:-}" ] || echo "fuzz.sh: fuzzing the kernel tree's core from KSRC=$KSRC"

# Options are checked first: bad input is reported whatever is installed.
# clang, whatever CC says: libFuzzer is clang's.
fcc=${FUZZ_CC:-clang}
case "${CC:-}" in *clang*) fcc=$CC ;; esac
[ -n "${NO_DEPS:-}" ] || scripts/deps.sh --fuzz || die "could not install clang (scripts/deps.sh --fuzz)"
command -v "$fcc" >/dev/null || die "$fcc not found (scripts/deps.sh --fuzz installs clang)"
fcxx=$(echo "$fcc" | sed 's/clang$/clang++/; s/clang-\([0-9]*\)$/clang++-\1/')

san=fuzzer-no-link,address,undefined
out=build/fuzz
bin=$out/$host_arch-san-$(echo "$san" | tr , -)${KSRC:+/$(scripts/kernel-version.sh --core "$KSRC")}
mkdir -p "$out/artifacts"
status=0

for b in $backends; do
	echo "== fuzz-$b: building with $fcc"
	make --no-print-directory -j2 O="$out" CC="$fcc" CXX="$fcxx" SANITIZE="$san" \
		NO_DEPS=1 "$bin/fuzz-$b" >"$out/build-$b.log" 2>&1 ||
		{ tail -n 20 "$out/build-$b.log" >&2; die "build of fuzz-$b failed (see $out/build-$b.log)"; }
	corpus=$out/corpus-$b${KSRC:+-$(scripts/kernel-version.sh --core "$KSRC")}
	mkdir -p "$corpus" tests/fuzz/regressions
	echo "== fuzz-$b: ${secs}s, corpus $corpus + tests/fuzz/corpus + tests/fuzz/regressions"
	# Parallel jobs write fuzz-<n>.log into the current directory: keep them in $out.
	par=""
	[ "$jobs" -gt 1 ] && par="-jobs=$jobs -workers=$jobs"
	top=$(pwd)
	rm -f "$out"/fuzz-*.log
	# detect_leaks: a table the core forgets to free is a bug like any other.
	(cd "$out" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$top/$bin/fuzz-$b" -max_total_time="$secs" -max_len=4096 -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 $par \
		-artifact_prefix="$top/$out/artifacts/$b-" \
		"$top/$corpus" "$top/tests/fuzz/corpus" "$top/tests/fuzz/regressions") \
		>"$out/run-$b.log" 2>&1
	rc=$?
	[ -z "$par" ] || cat "$out"/fuzz-*.log >>"$out/run-$b.log" 2>/dev/null
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$out/run-$b.log" | tail -n 3
	if [ $rc != 0 ]; then
		status=1
		grep -E '^fuzz: |ERROR: |runtime error|SUMMARY' "$out/run-$b.log" | head -n 5
		for a in $(ls -t "$out/artifacts/$b-"* 2>/dev/null | head -n 3); do
			echo "fuzz-$b: FAILED; input saved as $a"
			echo "  reproduce: $bin/fuzz-$b $a"
			echo "  keep as a regression test: cp $a tests/fuzz/regressions/$b-$(basename "$a" | sed "s/^$b-//") && git add tests/fuzz/regressions"
		done
		echo "fuzz-$b: see $out/run-$b.log"
	else
		echo "fuzz-$b: ${secs}s, no failure ($(ls "$corpus" | wc -l) inputs in $corpus)"
	fi
done
exit $status
