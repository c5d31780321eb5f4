#!/bin/sh
# Run every test binary given (under $RUNNER when cross-built), then the
# Python script tests if any, and print one closing line adding them up:
# "total: N passed, M failed". Exit non-zero if anything failed or crashed.
set -u

passed=0 failed=0 skipped=0 findings=0 status=0
tally() {	# $1: log file; adds its closing "N passed, M failed[, K skipped]" line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "run-tests: $2 printed no result line (crashed?)" >&2
		failed=$((failed + 1))
		status=1
		return
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	k=$(echo "$line" | sed -nE 's/.* ([0-9]+) kernel findings.*/\1/p')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
	findings=$((findings + ${k:-0}))
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
	grep -vE ' ok$' "$log"
	grep -E '^# kernel finding: ' "$log" | sed "s|^# kernel finding: |$(basename "$bin"): |" >>"$findings_log"
	[ $rc = 124 ] && echo "run-tests: $bin timed out after $TEST_TIMEOUT s" >&2
	[ $rc = 0 ] || status=1
	tally "$log" "$bin"
done

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
