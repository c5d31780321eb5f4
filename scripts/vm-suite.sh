#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the suite's arm64 binaries inside the VM (make vm-test, make vm-bench).
# Usage: scripts/vm-suite.sh test|bench <artefacts> <binary>...
#   test   scripts/run-tests.sh in the guest over the test-<backend> given,
#          TEST_ARGS= (default --quick); prints its "total:" line
#   bench  each bench-<backend> given with FILTER= (default below) and
#          EXTRA_ARGS=, JSON back into ${RESULTS:-results}/<host>/<run-id>/,
#          its context completed on the host (scripts/vm-results.py)
#   VM_TIMEOUT=<s> the limit for boot + run (default 600)
# The binaries must already be in the initramfs (make vm-image put them there).
set -eu

die() { echo "vm-suite: $*" >&2; exit 2; }
[ $# -ge 3 ] || die "usage: vm-suite.sh test|bench <artefacts> <binary>..."
mode=$1 art=$2
shift 2
here=$(dirname "$0")
timeout=${VM_TIMEOUT:-600}

# 'it'\''s' quoting for a value put into the guest's shell command.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

names=
for b in "$@"; do
	names="$names ./$(basename "$b")"
done

case $mode in
test)
	cmd="TEST_ARGS=$(q "${TEST_ARGS:---quick}") TEST_TIMEOUT=$timeout SKIP_PYTEST=1 ./run-tests.sh$names"
	exec "$here/vm-run.sh" --timeout "$timeout" "$art" "$cmd"
	;;
bench) ;;
*) die "mode '$mode': want test or bench" ;;
esac

# Each granule's base page, 1 and 512 pages, sequential: what TCG runs in
# about a minute per backend.
filter=${FILTER:-'^(map|unmap)/[^/]+/s1-(4k/pgsize:4k|16k/pgsize:16k|64k/pgsize:64k)/count:(1|512)/pattern:seq/'}
host=$(hostname)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
dirty=no
git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && dirty=yes
run_id=$(date -u +%Y%m%dT%H%M%SZ)-$commit$([ $dirty = yes ] && echo -dirty)
dir=${RESULTS:-results}/$host/$run_id
mkdir -p "$dir" || die "cannot create $dir"

cmd="export BENCH_CTX_run_id=$(q "$run_id") BENCH_CTX_commit=$(q "$commit") BENCH_CTX_dirty=$dirty"
cmd="$cmd BENCH_CTX_host=$(q "$host") BENCH_CTX_filter=$(q "$filter")"
cmd="$cmd BENCH_CTX_compiler=$(q "$(${CC:-aarch64-linux-gnu-gcc} --version 2>/dev/null | head -n 1)")"
cmd="$cmd BENCH_CTX_cflags=$(q "${CFLAGS:--O2 -g}") BENCH_CTX_pinned_cpu=none"
cmd="$cmd; status=0; for b in$names; do n=\${b#./bench-}; echo \"== \$n: \$b (in the VM)\";"
# The quick profile's single repetitions: inside, the binary sees no emulator.
cmd="$cmd \$b --profile=quick --benchmark_filter=$(q "$filter") --benchmark_min_time=0.02"
cmd="$cmd --benchmark_color=false ${EXTRA_ARGS:-}"
cmd="$cmd --benchmark_out=/results/.\$n.json.tmp --benchmark_out_format=json"
cmd="$cmd && mv /results/.\$n.json.tmp /results/\$n.json"
cmd="$cmd || { status=1; mv /results/.\$n.json.tmp /results/\$n.failed.json 2>/dev/null; }; done; exit \$status"

echo "vm-bench: filter '$filter', results in $dir"
status=0
"$here/vm-run.sh" --timeout "$timeout" --results "$dir" "$art" "$cmd" || status=$?
${PYTHON:-python3} "$here/vm-results.py" "$dir" || status=1
if [ $status = 0 ] && [ -f "$here/summary.py" ]; then
	${PYTHON:-python3} "$here/summary.py" "$dir" || status=1
fi
echo "vm-bench: results in $dir"
exit $status
