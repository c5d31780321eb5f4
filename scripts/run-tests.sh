#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test binary given (under $RUNNER when cross-built), then the
# Python script tests if any, and print one closing line adding them up:
# "total: N passed, M failed". Exit non-zero if anything failed or crashed.
# The binaries speak TAP (tests/harness.h): "ok N name", "not ok N name",
# "ok N name # SKIP reason", diagnostics and kernel findings as "# " lines;
# every line but a plain pass is shown.
set -u

passed=0 failed=0 skipped=0 findings=0 status=0 unselected=0
tally() {	# $1: a binary's TAP output, $2: the binary; adds up its results
	plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$1" | head -n 1)
	p=$(grep -cE '^ok [0-9]+ ' "$1")
	s=$(grep -cE '^ok [0-9]+ .* # SKIP' "$1")
	f=$(grep -cE '^not ok [0-9]+ ' "$1")
	k=$(grep -cE '^# kernel finding: ' "$1")
	passed=$((passed + p - s)); failed=$((failed + f)); skipped=$((skipped + s))
	findings=$((findings + k))
	# The runner itself died: the tests it did not report failed.
	if [ -z "$plan" ]; then
		echo "run-tests: $2 printed no TAP plan (crashed before its tests?)" >&2
		failed=$((failed + 1))
		status=1
	elif [ $((p + f)) -lt "$plan" ]; then
		echo "run-tests: $2 reported $((p + f)) of $plan tests (crashed?)" >&2
		failed=$((failed + plan - p - f))
		status=1
	fi
}

# A hung binary (a deadlock, or an emulator stuck in a syscall) must fail
# the run, not stall it: each binary gets TEST_TIMEOUT seconds.
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
log=$(mktemp) findings_log=$(mktemp)
trap 'rm -f "$log" "$findings_log"' EXIT
for bin in "$@"; do
	echo "== $bin ${RUNNER:+(under $RUNNER)}"
	timeout -k 10 "$TEST_TIMEOUT" ${RUNNER:-} "$bin" ${TEST_ARGS:-} >"$log" 2>&1
	rc=$?
	# Name filters in TEST_ARGS may select nothing in one backend's binary
	# (exit 2, one line); that is no failure unless no binary ran anything.
	if [ $rc = 2 ] && grep -q 'no test name contains any of the filters' "$log"; then
		echo "run-tests: $(basename "$bin"): no test selected by the filters"
		unselected=$((unselected + 1))
		continue
	fi
	grep -vE '^ok [0-9]+ [^#]*$|^TAP version |^1\.\.[0-9]+$' "$log"
	grep -E '^# kernel finding: ' "$log" | sed "s|^# kernel finding: |$(basename "$bin"): |" >>"$findings_log"
	[ $rc = 124 ] && echo "run-tests: $bin timed out after $TEST_TIMEOUT s" >&2
	[ $rc = 0 ] || status=1
	tally "$log" "$bin"
done

if [ $# -gt 0 ] && [ "$unselected" = $# ]; then
	echo "run-tests: the filters in TEST_ARGS ('${TEST_ARGS:-}') select no test in any binary" >&2
	failed=$((failed + 1))
	status=1
fi

if [ -d tests/scripts ] && [ -z "${SKIP_PYTEST:-}" ]; then
	echo "== pytest tests/scripts"
	${PYTHON:-python3} -m pytest -q tests/scripts >"$log" 2>&1
	rc=$?
	tail -n 15 "$log"
	[ $rc = 0 ] || status=1
	line=$(grep -E '[0-9]+ (passed|failed)' "$log" | tail -n 1)
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
	f=$(echo "$line" | grep -oE '[0-9]+ (failed|errors?)' | awk '{ s += $1 } END { if (NR) print s }')
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	[ $rc = 0 ] || [ -n "$f" ] || failed=$((failed + 1))
fi

if [ -s "$findings_log" ]; then
	echo "== kernel findings (behaviour of a kernel tree that is wrong; not failures of the suite)"
	cat "$findings_log"
fi
summary="total: $passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
[ $findings -gt 0 ] && summary="$summary, $findings kernel findings"
echo "$summary"
[ $status = 0 ] && [ $failed = 0 ]
