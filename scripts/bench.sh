#!/bin/sh
# Run the benchmark binaries `make bench` built, one JSON file per backend
# under results/<host>/<run-id>/, then print the summary table.
#
# Usage: scripts/bench.sh <bench-binary>...      (make bench [PROFILE=] [FILTER=] [BACKENDS=])
#   PROFILE=quick  (default) a representative subset, short min time: every
#                  backend in well under five minutes on a small machine
#   PROFILE=full   the whole matrix, 9 repetitions, random interleaving
#   PROFILE=cmp    the rows kernel developers publish: 1x4K, 256x4K, 256x2M
#                  through iommu_map/iommu_unmap, mean and minimum
#   FILTER=<regex> replaces the profile's benchmark filter
#   BACKENDS="a b" only the binaries bench-a, bench-b
#   RUNNER=        command prefix for cross-built binaries (qemu-aarch64)
#   CORE=          the core's name as the Makefile knows it (checked against the binary)
#   PIN_CPU=<n>    CPU to pin to with taskset (default: the last online CPU; "none")
#   RESULTS=<dir>  results root (default: results)
#   EXTRA_ARGS=    more --benchmark_* flags for every binary
# Exit status: 0 if every binary ran cleanly, 1 otherwise (a binary exits 3
# when a benchmark skipped with an error, e.g. a failed verification).
set -u

die() { echo "bench.sh: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $0 <bench-binary>... (run through make bench)"
PROFILE=${PROFILE:-quick}
export PROFILE

# ---------------------------------------------------------------- profile
# Quick: the page size and first block size of the 4K and 64K granules,
# 1 and 512 pages, seq and sparse, stage 1 (plus stage 2 4K pages), both
# walkers and both table states; every other concern as it registers.
not_map_unmap='^([^mu]|m[^a]|ma[^p]|map[^/]|u[^n]|un[^m]|unm[^a]|unma[^p]|unmap[^/])'
quick_mu='^(map|unmap)/[^/]+/(s1-(4k/pgsize:(4k|2m)|64k/pgsize:(64k|512m))|s2-4k/pgsize:4k)/count:(1|512)/pattern:(seq|sparse)/'
# On arm64 every granule is benchmarked (boards differ in which they run
# fastest); under QEMU the emulated subset keeps each granule's base page,
# the flush and TLB rows, and stays under ten minutes for four backends.
quick_mu_arm64='^(map|unmap)/[^/]+/(s1-(4k/pgsize:(4k|2m)|16k/pgsize:(16k|32m)|64k/pgsize:(64k|512m))|s2-4k/pgsize:4k)/count:(1|512)/pattern:(seq|sparse)/'
quick_emulated='^(flush|tlbi|shim)/|^(map|unmap)/[^/]+/s1-(4k/pgsize:4k|16k/pgsize:16k|64k/pgsize:64k)/count:(1|512)/pattern:seq/'
case $PROFILE in
quick)
	if [ -n "${RUNNER:-}" ]; then
		filter=$quick_emulated
	elif [ "${ARCH:-}" = arm64 ]; then
		filter="$quick_mu_arm64|$not_map_unmap"
	else
		filter="$quick_mu|$not_map_unmap"
	fi
	set -- "$@" --benchmark_min_time=0.02 ;;
full)
	filter=.
	set -- "$@" --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \
		--benchmark_report_aggregates_only=false ;;
cmp)
	# Mean and minimum over 10 repetitions; the published figures (other
	# machine) are in every row as published_ns_other_machine.
	filter='^cmp/'
	set -- "$@" --benchmark_repetitions=10 --benchmark_min_time=0.1 ;;
*)
	die "PROFILE=$PROFILE: expected quick, full or cmp" ;;
esac
filter=${FILTER:-$filter}

# The binaries come first in "$@", the profile's flags after them.
bins= flags=
for a in "$@"; do
	case $a in
	--*) flags="$flags $a" ;;
	*) bins="$bins $a" ;;
	esac
done

# ---------------------------------------------------------------- where
host=$(hostname)
# BENCH_COMMIT/BENCH_DIRTY: a build's own, where there is no .git (make dist).
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
export BENCH_CTX_compiler="$(first_line $cc --version)"
export BENCH_CTX_cflags="${CFLAGS:-} ${SANITIZE:+-fsanitize=$SANITIZE}"
export BENCH_CTX_cpu_governor="$governor"
export BENCH_CTX_pinned_cpu="$pin"
export BENCH_CTX_filter="$filter"
export BENCH_CTX_host="$host"
# The binary reports what it sees from inside; the runner is known only here.
export IOPGT_EMULATOR="${RUNNER:+$emulated}"

echo "bench: profile $PROFILE, results in $dir"
echo "bench: filter '$filter'"
[ "$pin" = none ] && echo "bench: not pinned (no taskset or PIN_CPU=none)" || echo "bench: pinned to cpu $pin"

# ---------------------------------------------------------------- run
status=0 ran=0
for bin in $bins; do
	backend=${bin##*/bench-}
	if [ -n "${BACKENDS:-}" ] && ! echo " $BACKENDS " | grep -q " $backend "; then
		continue
	fi
	[ -x "$bin" ] || die "$bin is not an executable (make bench builds it)"
	echo "== $backend: $bin ${RUNNER:+(under $RUNNER)}"
	tmp=$dir/.$backend.json.tmp
	# shellcheck disable=SC2086
	$taskset ${RUNNER:-} "$bin" --benchmark_filter="$filter" \
		--benchmark_out="$tmp" --benchmark_out_format=json \
		$flags ${EXTRA_ARGS:-}
	rc=$?
	ran=$((ran + 1))
	if [ $rc != 0 ]; then
		status=1
		echo "bench: $backend exited with status $rc" >&2
		# Keep what it wrote, under a name no script takes for a result.
		[ -s "$tmp" ] && mv "$tmp" "$dir/$backend.failed.json"
		continue
	fi
	mv "$tmp" "$dir/$backend.json" || status=1
done
[ $ran -gt 0 ] || die "no binary left after BACKENDS='${BACKENDS:-}'"

# ---------------------------------------------------------------- summary
if [ -f scripts/summary.py ]; then
	${PYTHON:-python3} scripts/summary.py "$dir" || status=1
else
	echo "bench: scripts/summary.py not there yet: results are in $dir/*.json"
fi
echo "bench: results in $dir"
exit $status
