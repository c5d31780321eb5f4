#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# valgrind memcheck on a short benchmark run of every backend binary given
# (make memcheck), and with MEMCHECK_TESTS=1 on the quick test run too.
# Passes only with zero errors and zero definite/indirect/possible leaks:
# --error-exitcode makes each of those a failure, not a line in a log.
# Logs: $MEMCHECK_LOGS (default build/memcheck)/<binary>.log.
#
# Usage: scripts/memcheck.sh bench-<backend>...
#   MEMCHECK_FILTER=<regex>  benchmarks to run (default: a small 4K map/unmap set)
set -u

usage() {
	echo "memcheck: usage: $0 <bench-binary>... (make memcheck)" >&2
	exit 2
}
[ $# -gt 0 ] || usage
for b in "$@"; do
	case "$b" in -*) echo "memcheck: unknown option '$b' (usage: $0 <bench-binary>...)" >&2; exit 2 ;; esac
	[ -x "$b" ] || { echo "memcheck: '$b' is not an executable" >&2; exit 2; }
done
if [ -n "${RUNNER:-}" ]; then
	echo "memcheck: binaries are cross-built (run under $RUNNER); valgrind cannot run them here — run make memcheck on the target" >&2
	exit 2
fi
if [ -n "${SANITIZE:-}" ]; then
	echo "memcheck: SANITIZE=$SANITIZE builds cannot run under valgrind; build without SANITIZE" >&2
	exit 2
fi
command -v valgrind >/dev/null || { echo "memcheck: valgrind not installed (make deps installs it)" >&2; exit 2; }

logs=${MEMCHECK_LOGS:-build/memcheck}
mkdir -p "$logs"
# Small but real: map and unmap of 4K pages, so tables are allocated and freed.
filter=${MEMCHECK_FILTER:-'^(map|unmap)/[^/]*/s1-4k/pgsize:4k/count:16/'}
vg="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite,indirect,possible \
--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
--num-callers=30 --suppressions=$(dirname "$0")/memcheck.supp"
status=0

run() {	# run <log> <cmd...>: one memcheck run, summarised in one line
	log=$1; shift
	$vg --log-file="$log" "$@" >"$log.out" 2>&1
	rc=$?
	errs=$(sed -nE 's/.*ERROR SUMMARY: ([0-9]+) errors.*/\1/p' "$log" | tail -n 1)
	lost=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes.*/\1/p' "$log" | tail -n 1)
	supp=$(sed -nE 's/.*suppressed: ([0-9,]+) bytes in ([0-9,]+) blocks.*/\1 bytes in \2 blocks/p' "$log" | tail -n 1)
	if grep -q 'Failed to match any benchmarks' "$log.out"; then
		echo "memcheck: $(basename "$log" .log): FAILED: the filter matched no benchmark, nothing was checked"
		status=1
		return
	fi
	if [ $rc = 0 ] && [ "${errs:-x}" = 0 ]; then
		echo "memcheck: $(basename "$log" .log): 0 errors, ${lost:-0} bytes definitely lost: ok (suppressed: ${supp:-none}, benchmark registration, see scripts/memcheck.supp)"
	elif [ $rc != 99 ] && [ "${errs:-x}" = 0 ]; then
		# Clean memory, but the program itself failed (under valgrind's CPU model).
		echo "memcheck: $(basename "$log" .log): 0 memory errors, but it exited $rc under valgrind — see $log.out"
		grep -E '^not ok |skipped with an error' "$log.out" | head -n 5
		status=1
	else
		echo "memcheck: $(basename "$log" .log): FAILED (exit $rc, ${errs:-?} errors, ${lost:-?} bytes definitely lost) — see $log"
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|[0-9,]+ bytes in)' "$log" | head -n 5
		status=1
	fi
}

for b in "$@"; do
	name=$(basename "$b")
	# The quick profile keeps registration small; min_time keeps each run short.
	run "$logs/$name.log" "$b" --profile=quick --benchmark_filter="$filter" \
		--benchmark_min_time=0.001 --benchmark_repetitions=1
	if [ -n "${MEMCHECK_TESTS:-}" ]; then
		t=$(dirname "$b")/$(echo "$name" | sed 's/^bench-/test-/')
		# One process (no fork per test): one leak summary for the whole run.
		[ -x "$t" ] && run "$logs/$(basename "$t").log" "$t" --quick --no-fork
	fi
done
[ $status = 0 ] && echo "memcheck: all clean" || echo "memcheck: FAILED (memory errors, leaks, or a program failing under valgrind: see above)"
exit $status
