#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the benchmark binaries `make bench` built, one JSON file per backend
# under results/<host>/<run-id>/, then print the summary table.
#
# Usage: scripts/bench.sh <bench-binary>...      (make bench [PROFILE=] [FILTER=] [BACKENDS=])
#   PROFILE=quick  (default) a representative subset, short min time: every
#                  backend in well under five minutes on a small machine
#   PROFILE=full   the whole matrix, 9 repetitions, random interleaving
#   PROFILE=cmp    the rows kernel developers publish: 1x4K, 256x4K, 256x2M
#                  through iommu_map/iommu_unmap, mean and minimum
#   FILTER=<regex> the benchmarks to run, among those the profile registers
#   BACKENDS="a b" (to make) builds and passes only bench-a, bench-b: the
#                  backends are chosen once, in the Makefile
#   RUNNER=        command prefix for cross-built binaries (qemu-aarch64)
#   CORE=          the core's name as the Makefile knows it (checked against the binary)
#   PIN_CPU=<n>    CPU to pin to with taskset (default: the last online CPU; "none")
#   RESULTS=<dir>  results root (default: results)
#   EXTRA_ARGS=    more --benchmark_* flags for every binary (they override the profile's)
# Exit status: 0 if every binary ran cleanly and its JSON holds every
# benchmark asked for; 1 otherwise (a binary exits 3 when a benchmark
# skipped with an error, e.g. a failed verification; 4 when its JSON could
# not be written); 2 for bad options. Until all is checked the run
# directory holds INCOMPLETE; an interrupted run keeps it.
set -u

die() { echo "bench.sh: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $0 <bench-binary>... (run through make bench)"
PROFILE=${PROFILE:-quick}
export PROFILE

# ---------------------------------------------------------------- profile
# The profiles (rows, repetitions, interleaving) are defined once, in the
# binary (bench/lib/profile.c): $PROFILE passes the name on, and the
# binary refuses an unknown one. FILTER, if given, is the binary's
# --benchmark_filter and picks among the rows the profile registers.
bins=
for a in "$@"; do
	case $a in
	-*) die "unknown option '$a' (usage: $0 <bench-binary>...)" ;;
	esac
	[ -x "$a" ] || die "$a is not an executable (make bench builds it)"
	bins="$bins $a"
done
[ -n "$bins" ] || die "usage: $0 <bench-binary>... (make bench)"
set --
[ -n "${FILTER:-}" ] && set -- "--benchmark_filter=$FILTER"
# Bad options (PROFILE, FILTER, EXTRA_ARGS) are refused before anything is
# created, in the binary's own words (its last line says what is wrong).
first=${bins# }; first=${first%% *}
# shellcheck disable=SC2086
why=$(${RUNNER:-} "$first" "$@" ${EXTRA_ARGS:-} --benchmark_list_tests=true 2>&1 >/dev/null) ||
	die "$(echo "$why" | tail -n 1) (nothing was run)"

# ---------------------------------------------------------------- where
host=$(hostname)
# BENCH_COMMIT/BENCH_DIRTY/BENCH_COMPILER: a build's own, where there is no
# .git or compiler (a make dist tarball on a board).
commit=${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)}
dirty=${BENCH_DIRTY:-no}
if [ -z "${BENCH_COMMIT:-}" ] && git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
	dirty=yes
fi
run_id=$(date -u +%Y%m%dT%H%M%SZ)-$commit$([ $dirty = yes ] && echo -dirty)
dir=${RESULTS:-results}/$host/$run_id
mkdir -p "$dir" || die "cannot create $dir"

# ---------------------------------------------------------------- context
first_line() { "$@" 2>/dev/null | head -n 1; }
cc=${CC:-cc}
pin=${PIN_CPU:-}
if [ -z "$pin" ]; then
	n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
	pin=$((n - 1))
fi
taskset=
if [ "$pin" != none ] && command -v taskset >/dev/null 2>&1 && taskset -c "$pin" true 2>/dev/null; then
	taskset="taskset -c $pin"
else
	pin=none
fi
governor=$(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo "n/a (no cpufreq)")
emulated=no
if [ -n "${RUNNER:-}" ]; then
	emulated="$RUNNER $(first_line ${RUNNER} --version | sed -E 's/.*version ([^ ]+).*/\1/')"
fi

export BENCH_CTX_run_id="$run_id"
export BENCH_CTX_commit="$commit"
export BENCH_CTX_dirty="$dirty"
export BENCH_CTX_compiler="${BENCH_COMPILER:-$(first_line $cc --version)}"
export BENCH_CTX_cflags="${CFLAGS:-} ${SANITIZE:+-fsanitize=$SANITIZE}"
export BENCH_CTX_cpu_governor="$governor"
export BENCH_CTX_pinned_cpu="$pin"
export BENCH_CTX_filter="${FILTER:-profile $PROFILE}"
export BENCH_CTX_host="$host"
# The binary reports what it sees from inside; the runner is known only here.
export IOPGT_EMULATOR="${RUNNER:+$emulated}"

echo "bench: profile $PROFILE, results in $dir"
[ -n "${FILTER:-}" ] && echo "bench: filter '$FILTER'"
[ "$pin" = none ] && echo "bench: not pinned (no taskset or PIN_CPU=none)" || echo "bench: pinned to cpu $pin"

# ---------------------------------------------------------------- run
# The run directory says INCOMPLETE until every backend's JSON was checked:
# an interrupted or failed run never passes for a complete one (the
# scripts refuse it, or print the reason first).
echo "bench.sh started $(date -u +%Y-%m-%dT%H:%M:%SZ) and has not finished" >"$dir/INCOMPLETE" ||
	die "cannot write in $dir"
interrupted() {
	rm -f "$dir"/.*.json.tmp "$dir"/.*.expected
	echo "interrupted by a signal at $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$dir/INCOMPLETE"
	echo "bench: interrupted; $dir is marked INCOMPLETE" >&2
	exit 130
}
trap interrupted INT TERM HUP

status=0 failed=
for bin in $bins; do
	backend=${bin##*/bench-}
	echo "== $backend: $bin ${RUNNER:+(under $RUNNER)}"
	tmp=$dir/.$backend.json.tmp expected=$dir/.$backend.expected
	# What this command will run: the JSON must hold exactly these.
	# shellcheck disable=SC2086
	${RUNNER:-} "$bin" "$@" ${EXTRA_ARGS:-} --benchmark_list_tests=true >"$expected"
	rc=$?
	if [ $rc = 0 ]; then
		# shellcheck disable=SC2086
		$taskset ${RUNNER:-} "$bin" "$@" \
			--benchmark_out="$tmp" --benchmark_out_format=json ${EXTRA_ARGS:-}
		rc=$?
	fi
	if [ $rc = 0 ] && ! ${PYTHON:-python3} scripts/check-results.py "$tmp" \
			--expect "$expected"; then
		rc=check
	fi
	rm -f "$expected"
	if [ $rc != 0 ]; then
		status=1 failed="$failed $backend"
		echo "bench: $backend failed (exit $rc)" >&2
		echo "$backend: failed (exit $rc)" >>"$dir/INCOMPLETE"
		# Keep what it wrote, under a name no script takes for a result.
		if [ -s "$tmp" ]; then mv "$tmp" "$dir/$backend.failed.json"; else rm -f "$tmp"; fi
		continue
	fi
	mv "$tmp" "$dir/$backend.json" || die "cannot rename $tmp"
done
trap - INT TERM HUP
if [ $status = 0 ]; then
	rm -f "$dir/INCOMPLETE"
else
	{ echo "bench.sh finished $(date -u +%Y-%m-%dT%H:%M:%SZ), not every backend ran cleanly:"
	  grep -v '^bench.sh started' "$dir/INCOMPLETE"; } >"$dir/.INCOMPLETE.new" &&
		mv "$dir/.INCOMPLETE.new" "$dir/INCOMPLETE"
fi

# ---------------------------------------------------------------- summary
if [ -f scripts/summary.py ]; then
	${PYTHON:-python3} scripts/summary.py "$dir" || status=1
else
	echo "bench: scripts/summary.py not there yet: results are in $dir/*.json"
fi
echo "bench: results in $dir"
exit $status
