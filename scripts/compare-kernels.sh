#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark two page-table cores against each other, interleaved:
#   make compare-kernels A=<side> B=<side>
# where a side is
#   own             the suite's own core (src/pgtable)
#   <dir>           a kernel tree (KSRC=), e.g. build/kernel/6.12
#   <ref>           with GIT=<repo>: that tag, branch or commit of the
#                   repository, put into $O/kernel/git-<ref> first by
#                   scripts/kernel-source.sh (so GIT=~/linux A=v7.0 B=my-series
#                   compares a series with its base in one command); with
#                   PATCHES="a.patch b.mbox" too, B gets them applied (so
#                   A=v7.0 B=v7.0 PATCHES=series.mbox compares a posted series)
#
# Builds both sides' bench binaries for the same backends, then runs them
# interleaved, A B A B ..., for ROUNDS rounds, so that drift of the machine
# (frequency, other load) hits both sides alike; each invocation is one
# repetition of every selected benchmark, pinned to one CPU when taskset
# exists. Results go to results/<host>/kcmp-<time>-<coreA>-vs-<coreB>/, then
# scripts/walker-path.py says, per side and backend, which path the
# non-coherent walker's tables took (DMA API or incoherent iommu-pages) and
# what did not run, scripts/compare.py prints per benchmark both medians, the
# ratio with its confidence interval and a Mann-Whitney U test over the
# rounds, and scripts/plot.py draws the plots (each skipped, saying so, if
# absent).
#
# Environment: ROUNDS (default 5), BACKENDS (default: every backend),
# FILTER (benchmark regex; default: S1 4K map/unmap of 1 and 512 pages and
# 2M blocks, cold and warm tables, coherent and non-coherent walker), MIN_TIME (default 0.05 s per
# benchmark), THRESHOLD (percent, default 5), GIT, PATCHES, O, ARCH, RUNNER, PYTHON,
# RESULTS, PIN_CPU (a CPU number, or "none").
set -eu

die() { echo "compare-kernels: $*" >&2; exit 2; }

A=${1:-} B=${2:-}
[ -n "$A" ] && [ -n "$B" ] ||
	die "usage: make compare-kernels A=<own|linux tree|ref> B=<own|linux tree|ref> [GIT=<repo>]"
here=$(cd "$(dirname "$0")" && pwd)
O=${O:-build}
GIT=${GIT:-}
PATCHES=${PATCHES:-}
[ -z "$PATCHES" ] || [ -n "$GIT" ] || die "PATCHES= applies to B's ref: it needs GIT=<repo>"
ROUNDS=${ROUNDS:-5}
MIN_TIME=${MIN_TIME:-0.05}
PYTHON=${PYTHON:-/usr/bin/python3}
FILTER=${FILTER:-'^(map|unmap)/[^/]+/s1-4k/pgsize:(4k|2m)/count:(1|512)/pattern:seq/(tables:(cold|warm)/)?walk:(coherent|noncoherent)$'}
case $ROUNDS in ''|*[!0-9]*|0) die "ROUNDS=$ROUNDS: want a positive number" ;; esac

# A side's kernel tree: "" for own, the directory itself, or the git ref
# extracted under $O/kernel (kernel-source.sh prints where).
tree_of() {	# $1 side, $2 patches for it
	if [ "$1" = own ]; then
		[ -z "$2" ] || die "PATCHES= applies to a ref, not to the own core"
		echo ""
	elif [ -n "$GIT" ]; then
		log=$(mktemp)
		if ! "$here/kernel-source.sh" --git "$GIT" --ref "$1" --patches "$2" \
			--outdir "$O/kernel" >"$log" 2>&1; then
			grep '^kernel-source:' "$log" | tail -n 1 >&2
			rm -f "$log"
			exit 2
		fi
		sed -n 's/^kernel-source: \(.*\) \(= Linux\|is up to date\).*/\1/p' "$log" | tail -n 1
		rm -f "$log"
	else
		[ -f "$1/drivers/iommu/io-pgtable-arm.c" ] ||
			die "$1 has no drivers/iommu/io-pgtable-arm.c (own, a tree that make kernel-source made, or a ref with GIT=<repo>)"
		echo "$1"
	fi
}
ta=$(tree_of "$A" "") || exit 2
tb=$(tree_of "$B" "$PATCHES") || exit 2

core_of() {	# $1 tree
	if [ -z "$1" ]; then echo own; else "$here/kernel-version.sh" --core "$1"; fi
}
describe() {	# $1 side, $2 tree
	if [ -z "$2" ]; then
		echo "own core (src/pgtable)"
	elif [ "$1" = "$2" ]; then
		echo "$2 (Linux $("$here/kernel-version.sh" --full "$2"))"
	else
		echo "$1 = $2 (Linux $("$here/kernel-version.sh" --full "$2"))"
	fi
}
ca=$(core_of "$ta") cb=$(core_of "$tb")
# Two trees with one core name (two copies of one version) would share a
# build directory and benchmark names: give each its own.
if [ "$ca" = "$cb" ]; then
	oa=$O/kcmp-a ob=$O/kcmp-b
else
	oa=$O ob=$O
fi

# make exports BACKENDS to this script; the list itself is the Makefile's.
backends=${BACKENDS:-$(MAKEFLAGS= make -s --no-print-directory -C "$here/.." KSRC= list-backends)}
arch=${ARCH:-$(uname -m | sed 's/aarch64/arm64/')}

echo "compare-kernels: A: $(describe "$A" "$ta"), core $ca"
echo "compare-kernels: B: $(describe "$B" "$tb"), core $cb"
echo "compare-kernels: backends: $(echo $backends)"
bindir() {	# $1 core, $2 O: where make puts that core's binaries
	if [ "$1" = own ]; then echo "$2/$arch"; else echo "$2/$arch/$1"; fi
}
build() {	# $1 tree ("" = own), $2 core, $3 O
	targets=""
	for b in $backends; do
		targets="$targets $(bindir "$2" "$3")/bench-$b"
	done
	make --no-print-directory -C "$here/.." O="$3" KSRC="$1" SANITIZE= NO_DEPS=1 \
		$targets >"$3/compare-kernels-build.log" 2>&1 ||
		die "building ${1:-the own core} failed: $(grep -m1 -E 'error|\*\*\*' \
			"$3/compare-kernels-build.log") (all of it: $3/compare-kernels-build.log)"
}
echo "compare-kernels: building both sides"
mkdir -p "$oa" "$ob"
build "$ta" "$ca" "$oa"
build "$tb" "$cb" "$ob"
da=$(bindir "$ca" "$oa") db=$(bindir "$cb" "$ob")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
run="${RESULTS:-results}/$(hostname)/kcmp-$stamp-$ca-vs-$cb"
[ "$ca" = "$cb" ] && run_a=$run/A run_b=$run/B || run_a=$run run_b=$run
mkdir -p "$run_a" "$run_b"

pin=""
if [ "${PIN_CPU:-}" != none ] && command -v taskset >/dev/null; then
	cpu=${PIN_CPU:-$(($(nproc) - 1))}
	pin="taskset -c $cpu"
fi

# One repetition of every selected benchmark of one binary, into $3.
# A benchmark the backend cannot serve (a kernel core's DMA API calls on the
# hyp backend) is an error row, or not registered at all, or WARNs: the JSON
# is kept and walker-path.py says which; <backend>.<side>.none marks a binary
# with none of the selected benchmarks, <backend>.<side>.warn keeps its WARNs. Any other failure (a crash, no JSON)
# stops the comparison.
one() {	# $1 binary, $2 side, $3 output json, $4 core
	tmp="$3.tmp" rc=0
	$pin ${RUNNER:-} "$1" --benchmark_filter="$FILTER" \
		--benchmark_min_time="$MIN_TIME" --benchmark_out="$tmp" \
		--benchmark_out_format=json --benchmark_context=side="$2" \
		--benchmark_context=round="$r" >"$3.log" 2>&1 || rc=$?
	# The shims' WARNs (a DMA API call in a hypervisor build...): what the
	# core asked of the backend that it could not do, for walker-path.py.
	warns=$(grep '^WARNING: ' "$3.log" | sed 's/([^)]*)/(...)/g') || true
	[ -z "$warns" ] || echo "$warns" >>"${3%.r*.json}.warn"
	if [ ! -s "$tmp" ] && grep -q -e 'Failed to match any benchmarks' \
		-e 'no benchmark ran' "$3.log"; then
		echo "core=$4 binary=$1" >"${3%.r*.json}.none"
		rm -f "$tmp" "$3.log"
		return 0
	fi
	[ "$rc" = 0 ] || { [ "$rc" = 3 ] && [ -s "$tmp" ]; } ||
		die "$1 failed, exit $rc (see $3.log)"
	[ "$rc" = 0 ] && rm -f "$3.log"
	mv "$tmp" "$3"
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	echo "compare-kernels: round $r of $ROUNDS"
	for b in $backends; do
		one "$da/bench-$b" "$A" "$run_a/$b.A.r$r.json" "$ca"
		one "$db/bench-$b" "$B" "$run_b/$b.B.r$r.json" "$cb"
	done
	r=$((r + 1))
done
echo "compare-kernels: results in $run"

status=0
"$PYTHON" "$here/walker-path.py" "$run" || status=$?
if [ -f "$here/compare.py" ]; then
	if [ "$ca" = "$cb" ]; then
		"$PYTHON" "$here/compare.py" "$run_a" "$run_b" --threshold "${THRESHOLD:-5}" || status=$?
	else
		"$PYTHON" "$here/compare.py" --run "$run" --by core --base "$ca" \
			--threshold "${THRESHOLD:-5}" || status=$?
	fi
else
	echo "compare-kernels: scripts/compare.py is not there: no comparison printed"
fi
if [ -f "$here/plot.py" ]; then
	for d in $(echo "$run_a $run_b" | tr ' ' '\n' | sort -u); do
		"$PYTHON" "$here/plot.py" "$d" >/dev/null || echo "compare-kernels: plot.py failed on $d"
	done
else
	echo "compare-kernels: scripts/plot.py is not there: no plots"
fi
# compare.py: 1 = significant slowdown or behaviour change; pass it on.
exit $status
