#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Profile exactly one benchmark: perf record -g, perf report --stdio (top
# symbols) and a perf stat summary, written next to the run's results in
# results/<host>/<run-id>/perf/. Set-up is kept out of the profile: perf
# starts with its events disabled (-D -1) and the benchmark's timed loops
# switch them on and off through --control FIFOs (src/arch/perfcount.c).
#
# Usage: scripts/perf.sh <bench-binary> <filter-regex>   (make perf FILTER= BACKEND=)
#   PERF_MIN_TIME=<s>   minimum time of the benchmark (default 2)
#   PERF_EVENT=<ev>     sampling event (default: cycles with a PMU, else cpu-clock)
#   PERF_CALLGRAPH=fp|dwarf|lbr   call-graph mode (default dwarf: -O2 code
#                       has no frame pointers)
#   RESULTS=<dir>       results root (default results)
set -u

die() { echo "perf.sh: $*" >&2; exit 2; }

[ $# = 2 ] || die "usage: $0 <bench-binary> <filter-regex> (make perf FILTER=<regex> BACKEND=<b>)"
bin=$1 filter=$2
[ -x "$bin" ] || die "'$bin' is not an executable (build it first)"
[ -n "$filter" ] || die "FILTER= is required: a regex matching the one benchmark to profile (see: $bin --benchmark_list_tests)"
[ -z "${RUNNER:-}" ] || die "cross-built binary (runs under $RUNNER): perf cannot profile inside QEMU user mode; run make perf on the target"
case "${PERF_MIN_TIME:-2}" in *[!0-9.]*|'') die "PERF_MIN_TIME must be a number of seconds" ;; esac

# Exactly one benchmark: a profile of several would mix them.
matches=$("$bin" --benchmark_list_tests --benchmark_filter="$filter" 2>/dev/null)
n=$(printf '%s\n' "$matches" | grep -c .)
[ "$n" -ge 1 ] || die "FILTER '$filter' matches no benchmark in $bin"
if [ "$n" -gt 1 ]; then
	printf '%s\n' "$matches" | head -n 10 >&2
	die "FILTER '$filter' matches $n benchmarks; narrow it to one (anchor with ^...$)"
fi
bench=$matches

[ -n "${NO_DEPS:-}" ] || scripts/deps.sh --perf >&2 || die "could not install perf (scripts/deps.sh --perf)"
command -v perf >/dev/null && perf --version >/dev/null 2>&1 ||
	die "perf not installed or not working for this kernel (scripts/deps.sh --perf installs it)"

host=$(hostname)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
run_id=${RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)-$commit$dirty}
out=${RESULTS:-results}/$host/$run_id/perf
data_dir=${O:-build}/perf/$run_id	# perf.data is large and machine-specific: not in results/
mkdir -p "$out" "$data_dir"
tag=$(basename "$bin")

# Hardware cycles if the PMU counts them, else the kernel's cpu-clock timer.
if [ -z "${PERF_EVENT:-}" ]; then
	if perf stat -x, -e cycles:u true 2>&1 | grep -q '^[0-9]'; then
		PERF_EVENT=cycles:u
	else
		PERF_EVENT=cpu-clock:u
		echo "perf.sh: no hardware cycles counter here (no PMU or perf_event_paranoid); sampling cpu-clock"
	fi
fi
stat_events=$(perf stat -x, -e cycles:u,instructions:u true 2>&1 | grep -q '^[0-9]' &&
	echo cycles:u,instructions:u,branch-misses:u,L1-dcache-load-misses:u,LLC-load-misses:u,dTLB-load-misses:u,task-clock,page-faults ||
	echo task-clock,page-faults,context-switches)

fifo_dir=$(mktemp -d)
trap 'rm -rf "$fifo_dir"' EXIT
mkfifo "$fifo_dir/ctl" "$fifo_dir/ack"

bench_args="--benchmark_filter=$filter --benchmark_min_time=${PERF_MIN_TIME:-2} --benchmark_repetitions=1"
controlled() {	# controlled <perf subcommand and options...>: run the benchmark under perf, events on only in timed loops
	PERF_CTL_FIFO=$fifo_dir/ctl PERF_ACK_FIFO=$fifo_dir/ack \
		perf "$@" -D -1 --control "fifo:$fifo_dir/ctl,$fifo_dir/ack" -- \
		"$bin" $bench_args
}

echo "perf.sh: $bench ($tag), event $PERF_EVENT, results in $out"
controlled record -q -g --call-graph "${PERF_CALLGRAPH:-dwarf}" -F "${PERF_FREQ:-999}" \
	-e "$PERF_EVENT" -o "$data_dir/$tag.data" >"$out/$tag.bench.txt" 2>"$out/$tag.record.log" ||
	{ cat "$out/$tag.record.log" >&2; die "perf record failed (see $out/$tag.record.log)"; }

perf report -i "$data_dir/$tag.data" --stdio --no-children --sort symbol \
	--percent-limit 0.5 -g none 2>/dev/null >"$out/$tag.report.txt"
# Where each hot symbol was called from (inlined frames named), hottest first.
perf report -i "$data_dir/$tag.data" --stdio --no-children --sort symbol \
	--percent-limit 2 -g caller,0.5,callee,function --max-stack 12 2>/dev/null >"$out/$tag.callgraph.txt"
if ! grep -q '%' "$out/$tag.report.txt"; then
	die "perf recorded no samples in the timed loops (was the benchmark built with src/arch/perfcount hooks in shims/gbench?)"
fi

controlled stat -x, -e "$stat_events" -o "$out/$tag.stat.csv" >/dev/null 2>"$out/$tag.stat.log" ||
	echo "perf.sh: perf stat failed (see $out/$tag.stat.log)" >&2

{
	echo "benchmark: $bench"
	echo "binary: $bin"
	echo "event: $PERF_EVENT (events enabled only inside timed loops)"
	echo "perf.data: $data_dir/$tag.data; call chains: $out/$tag.callgraph.txt"
	echo "top symbols (self %):"
	grep -E '^ +[0-9.]+%' "$out/$tag.report.txt" | head -n 15
	echo "perf stat (timed loops only):"
	grep -vE '^#|^$' "$out/$tag.stat.csv" 2>/dev/null | awk -F, '{ printf "  %-28s %s %s\n", $3, $1, $2 }'
} | tee "$out/$tag.summary.txt"
