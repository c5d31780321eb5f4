#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the same rows in user space and in the kernel: the user-space binary
# first (a KSRC= build of the running kernel's version), then every row it
# ran, for exactly its iteration count, through the iopgt_kmod module's
# debugfs files. POSIX sh: runs in the VM's busybox and on a board.
# Usage: scripts/kmod-run.sh <iopgt_kmod.ko> <bench-binary> <outdir> [filter]
# Writes <outdir>/<backend>.json (user space) and <outdir>/kmod.json.
# Needs root (insmod, debugfs); unloads the module when done.
set -u

die() { echo "kmod-run: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: kmod-run.sh <iopgt_kmod.ko> <bench-binary> <outdir> [filter]"
ko=$1 bin=$2 outdir=$3
filter=${4:-'^(map|unmap)/[^/]+/s[12]-(4k/pgsize:4k|16k/pgsize:16k|64k/pgsize:64k)/count:(1|512)/pattern:seq/(tables:cold/)?walk:coherent$|^cmp/[^/]+/s1-4k/op:(map|unmap)/size:[^/]+$'}
[ "$(id -u)" = 0 ] || die "needs root: insmod and debugfs (run it with sudo)"
[ -f "$ko" ] || die "$ko: no such module (make kmod)"
[ -x "$bin" ] || die "$bin: no such binary"
backend=${bin##*/bench-}
dbg=/sys/kernel/debug
grep -q " $dbg debugfs " /proc/mounts || mount -t debugfs debugfs $dbg || die "cannot mount debugfs on $dbg"
mkdir -p "$outdir" || die "cannot create $outdir"

echo "kmod-run: user space: $bin, filter '$filter'"
# One repetition a row: the kernel runs each row once, for its iterations.
"$bin" --profile=quick --benchmark_filter="$filter" --benchmark_min_time=0.02 \
	--benchmark_out="$outdir/.$backend.json.tmp" --benchmark_out_format=json >/dev/null ||
	die "$bin failed (its JSON, if any: $outdir/.$backend.json.tmp)"
mv "$outdir/.$backend.json.tmp" "$outdir/$backend.json"

lsmod 2>/dev/null | grep -q '^iopgt_kmod ' && rmmod iopgt_kmod
insmod "$ko" || die "insmod $ko failed (kernel version? dmesg says why)"
d=$dbg/iopgt-bench
[ -w "$d/rows" ] || { rmmod iopgt_kmod; die "$d/rows missing: debugfs not mounted?"; }
# Google Benchmark's JSON has one key a line: "name" comes before "iterations".
awk -F'"' '/^ *"name": / { name = $4 } /^ *"iterations": / { n = $3; gsub(/[^0-9]/, "", n); print name, n }' \
	"$outdir/$backend.json" >"$outdir/.rows"
rows=$(wc -l <"$outdir/.rows")
echo "kmod-run: the kernel: $rows rows through $(uname -r)'s io-pgtable-arm"
while read -r line; do
	echo "$line" >"$d/rows"
done <"$outdir/.rows"
cat "$d/results" >"$outdir/.kmod.json.tmp" && mv "$outdir/.kmod.json.tmp" "$outdir/kmod.json"
rc=$?
rm -f "$outdir/.rows"
rmmod iopgt_kmod
exit $rc
