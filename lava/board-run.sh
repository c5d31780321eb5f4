#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run io-pgtable-bench on a LAVA device and report it to LAVA: the step of
# lava/testdef/io-pgtable-bench.yaml. Runs scripts/bench.sh exactly as
# `make bench` does, then
#   - one lava-test-case per benchmark (test set = backend) with its time
#     per call in ns, and one per deterministic counter (units: per call);
#   - each backend's Google Benchmark JSON, gzip+base64 between
#     "IOPGT-JSON-BEGIN <backend> <sha256>" and "IOPGT-JSON-END" lines of the
#     log, which `make lava-fetch` turns back into results/<device>/<run-id>/;
#   - lava-test-raise when a binary failed (exit != 0): the job then ends
#     Incomplete and no result of it is taken for a run.
# The repository is a `make dist` tarball (bin/, lib/, VERSION) or a git
# checkout, which is built here first (make deps all).
# Environment: PROFILE FILTER BACKENDS KSRC (as for make bench), EMULATOR.
set -u

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)

# Outside LAVA (tests, a board by hand) the helpers only print.
if ! command -v lava-test-case >/dev/null 2>&1; then
	lava_test_case() { echo "lava-test-case $*"; }
	lava_test_raise() { echo "lava-test-raise $*"; exit 1; }
else
	lava_test_case() { lava-test-case "$@"; }
	lava_test_raise() { lava-test-raise "$@"; exit 1; }
fi

if [ -d bin ]; then
	bins=$(ls bin/bench-* 2>/dev/null)
	export LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	# The build's commit, since a tarball has no .git (see scripts/bench.sh).
	BENCH_COMMIT=$(sed -n 's/^commit: //p' VERSION)
	BENCH_DIRTY=$(sed -n 's/^dirty: //p' VERSION)
	export BENCH_COMMIT BENCH_DIRTY
	BENCH_COMPILER=$(sed -n 's/^compiler: //p' VERSION)
	CFLAGS=$(sed -n 's/^cflags: //p' VERSION)
	export BENCH_COMPILER CFLAGS
else
	make --no-print-directory deps all ${KSRC:+KSRC=$KSRC} ||
		lava_test_raise "io-pgtable-bench: the build on the board failed"
	bins=$(ls build/*/${KSRC:+k*/}bench-* 2>/dev/null)
fi
[ -n "$bins" ] || lava_test_raise "io-pgtable-bench: no bench binary found"
if [ -n "${BACKENDS:-}" ]; then
	chosen=
	for b in $bins; do
		case " $BACKENDS " in *" ${b##*/bench-} "*) chosen="$chosen $b" ;; esac
	done
	[ -n "$chosen" ] || lava_test_raise "io-pgtable-bench: no binary for BACKENDS='$BACKENDS' among:" $bins
	bins=$chosen
fi
echo "board-run: $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs, binaries:" $bins
[ -n "${EMULATOR:-}" ] && echo "board-run: emulated by $EMULATOR (times are emulator times)"

# No python3 with numpy and scipy (what benchlib needs) on a small rootfs:
# the summary table is then made on the host, where make lava-fetch loads
# every JSON file before it keeps the run.
if ! "${PYTHON:-python3}" -c 'import numpy, scipy' >/dev/null 2>&1; then
	echo "board-run: no python3 with numpy and scipy here: the results are checked and summed up on the host"
	export PYTHON=true
fi
out=$(mktemp -d /tmp/iopgt-lava.XXXXXX)
log=$out/bench.log
PROFILE=${PROFILE:-quick} FILTER=${FILTER:-} RESULTS=$out/results \
	sh scripts/bench.sh $bins >"$log" 2>&1
rc=$?
cat "$log"

# Test cases from each backend's JSON (Google Benchmark writes one key a
# line): the median aggregate when there are repetitions, else the mean of
# the iterations; the counters, identical in every repetition, from the first.
counters='^(pte_writes|tables_alloc|tables_freed|pgtable_bytes|cache_lines|barriers|tlb_add_page|tlb_flush_walk|tlb_cmds|tlb_syncs)$'
for f in "$out"/results/*/*/*.json; do
	[ -f "$f" ] || continue
	awk -v backend="$(basename "$f" .json)" -v counters="$counters" '
	function val(line) { sub(/^[^:]*: */, "", line); sub(/,$/, "", line); gsub(/"/, "", line); return line }
	/^    [{]$/ { name = ""; type = ""; agg = ""; rt = ""; unit = ""; nc = 0; next }
	/^      "name": / { name = val($0); next }
	/^      "run_type": / { type = val($0); next }
	/^      "aggregate_name": / { agg = val($0); next }
	/^      "real_time": / { rt = val($0); next }
	/^      "time_unit": / { unit = val($0); next }
	/^      "[a-z_]+": / {
		k = $1; gsub(/[":]/, "", k)
		if (k ~ counters) { ck[nc] = k; cv[nc++] = val($0) }
		next
	}
	/^    [}],?$/ {
		if (name == "") next
		base = name; sub(/_(mean|median|stddev|cv)$/, "", base)
		if (!(base in seen)) { seen[base] = 1; order[n++] = base; u[base] = unit
			for (i = 0; i < nc; i++) cnt[base] = cnt[base] "\t" ck[i] "=" cv[i] }
		if (type == "aggregate" && agg == "median") med[base] = rt
		else if (type != "aggregate") { sum[base] += rt; reps[base]++ }
	}
	END {
		for (i = 0; i < n; i++) {
			b = order[i]
			t = (b in med) ? med[b] : (reps[b] ? sum[b] / reps[b] : "")
			if (t == "") continue
			printf "%s\t%s\t%.6g\t%s\n", backend, b, t, u[b]
			m = split(substr(cnt[b], 2), kv, "\t")
			for (j = 1; j <= m; j++) {
				split(kv[j], p, "=")
				printf "%s\t%s.%s\t%.6g\tper_call\n", backend, b, p[1], p[2]
			}
		}
	}' "$f"
done >"$out/cases"

set_now=
while IFS='	' read -r backend name value unit; do
	if [ "$backend" != "$set_now" ]; then
		[ -n "$set_now" ] && lava-test-set stop "$set_now" 2>/dev/null
		lava-test-set start "$backend" 2>/dev/null
		set_now=$backend
	fi
	# LAVA case names: letters, digits and -_. only.
	case_name=$(echo "$name" | sed 's/[^A-Za-z0-9._-]/_/g')
	# A lab keeps at most 100 characters of a name: the rest becomes a hash.
	if [ ${#case_name} -gt 100 ]; then
		case_name="$(echo "$case_name" | cut -c1-91)_$(echo "$name" | md5sum | cut -c1-8)"
	fi
	lava_test_case "$case_name" --result pass --measurement "$value" --units "$unit"
done <"$out/cases"
[ -n "$set_now" ] && lava-test-set stop "$set_now" 2>/dev/null

# The JSON files back to the host, in the log.
for f in "$out"/results/*/*/*.json; do
	[ -f "$f" ] || continue
	b=$(basename "$f" .json)
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	echo "IOPGT-JSON-BEGIN $b $sum"
	gzip -c "$f" | base64
	echo "IOPGT-JSON-END"
done
if [ $rc != 0 ]; then
	lava_test_case io-pgtable-bench --result fail
	lava_test_raise "io-pgtable-bench: scripts/bench.sh exited $rc (a failed binary or a wrong translation)"
fi
lava_test_case io-pgtable-bench --result pass
