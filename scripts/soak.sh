#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make soak SECONDS=N: N seconds of map/unmap churn with random sizes
# against each backend (the soak test of every test binary given, in its
# long form), memory held sampled once a second into
# build/soak/<run-id>/<backend>.csv, and one line per backend: pages held
# at the start, at the peak and at the end. Passes if every soak passed:
# checks held, and held pages came back to their starting value.
#
# Usage: scripts/soak.sh <seconds> <test-binary>...
set -u

die() { echo "soak.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: $0 <seconds> <test-binary>...  (make soak SECONDS=N)"
secs=$1
shift
case "$secs" in ''|*[!0-9.]*|*.*.*) die "SECONDS must be a number of seconds, not '$secs'" ;; esac
for b in "$@"; do
	[ -x "$b" ] || die "'$b' is not an executable (make builds the test binaries)"
done

run_id=$(date -u +%Y%m%dT%H%M%SZ)
out=${O:-build}/soak/$run_id
mkdir -p "$out"
echo "soak: ${secs}s per backend, samples in $out/"
status=0
for b in "$@"; do
	name=$(basename "$b" | sed 's/^test-//')
	log=$out/$name.log
	# The test runs for $secs: its per-test timeout must leave it that long.
	SOAK_SECONDS=$secs SOAK_CSV=$(pwd)/$out/$name.csv ${RUNNER:-} "$b" \
		--timeout=$((secs * 2 + 300)) soak_ >"$log" 2>&1
	rc=$?
	summary=$(grep -E 'cycles,.*pages held' "$log" | sed 's/^[# ]*//')
	if [ $rc = 0 ] && grep -qE '^1 passed, 0 failed' "$log"; then
		echo "soak $name: ok: $summary"
	else
		echo "soak $name: FAILED (see $log)"
		grep -E '^# .*:[0-9]+: |^# .*(timed out|killed by signal)' "$log" | head -n 5
		status=1
	fi
done
exit $status
