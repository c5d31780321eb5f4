#!/bin/sh
# Unpack the few files of a Debian linux-source-<ver> package that the suite
# builds against, into build/kernel/<ver>/ (a tree usable as KSRC=).
# Usage: scripts/kernel-source.sh <ver> [outdir]     e.g. 6.12, 6.1
#
# Only these members are extracted (tar with explicit names, --wildcards for
# the optional ones): the top Makefile (version), drivers/iommu/
# io-pgtable-arm.c, io-pgtable.c, io-pgtable-arm.h and iommu-pages.h when the
# version has it, and include/linux/io-pgtable.h. The last two are read for
# feature detection only: the build compiles against shims/kernel, never
# against the tree's headers. Nothing extracted is ever committed.
set -eu

ver=${1:-6.12}
out=${2:-${O:-build}/kernel/$ver}
tarball=/usr/src/linux-source-$ver.tar.xz
top=linux-source-$ver

case "$ver" in
[0-9]*.[0-9]*) ;;
*) echo "kernel-source: bad version '$ver' (want e.g. 6.12)" >&2; exit 2 ;;
esac

if [ ! -f "$tarball" ]; then
	"$(dirname "$0")/deps.sh" --kernel "$ver"
fi
[ -f "$tarball" ] || { echo "kernel-source: $tarball missing after install" >&2; exit 1; }

required="Makefile drivers/iommu/io-pgtable-arm.c drivers/iommu/io-pgtable.c
include/linux/io-pgtable.h"
optional="drivers/iommu/io-pgtable-arm.h drivers/iommu/iommu-pages.h"

# Up to date already? The stamp records the tarball it came from.
stamp="$out/.extracted"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(ls -l --time-style=+%s "$tarball")" ]; then
	echo "kernel-source: $out is up to date"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ksrc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
members=""
for f in $required $optional; do
	members="$members $top/$f"
done
echo "kernel-source: extracting from $tarball (decompresses the whole archive, ~1 min)"
# --wildcards lets the optional names match nothing; tar still reports the
# required ones below if they are absent.
tar -xJf "$tarball" -C "$tmp" --wildcards --ignore-failed-read $members 2>"$tmp/err" || true
for f in $required; do
	if [ ! -f "$tmp/$top/$f" ]; then
		echo "kernel-source: $tarball has no $top/$f" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
done

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp/$top" "$out"
ls -l --time-style=+%s "$tarball" >"$stamp"
echo "kernel-source: $out = Linux $("$(dirname "$0")/kernel-version.sh" --full "$out")"
(cd "$out" && find . -type f ! -name .extracted | sort | sed 's/^\.\//  /')
