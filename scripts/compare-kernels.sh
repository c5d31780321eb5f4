#!/bin/sh
# Benchmark two kernel trees' io-pgtable-arm.c against each other:
# make compare-kernels A=<ksrc> B=<ksrc>  (e.g. A=build/kernel/6.1 B=build/kernel/6.12)
#
# Builds both trees' bench binaries for the same backends, then runs them
# interleaved, A B A B ..., for ROUNDS rounds, so that drift of the machine
# (frequency, other load) hits both sides alike; each invocation is one
# repetition of every selected benchmark, pinned to one CPU when taskset
# exists. Results go to results/<host>/kcmp-<time>-<A>-vs-<B>/, then
# scripts/compare.py prints per benchmark both medians, the ratio with its
# confidence interval and a Mann-Whitney U test over the rounds, and
# scripts/plot.py draws the plots (both skipped, saying so, if absent).
#
# Environment: ROUNDS (default 5), BACKENDS (default: every backend),
# FILTER (benchmark regex; default: S1 4K map/unmap of 1 and 512 pages and
# 2M blocks, coherent walker), MIN_TIME (default 0.05 s per benchmark),
# THRESHOLD (percent, default 5), O, ARCH, RUNNER, PYTHON, PIN_CPU (a CPU
# number, or "none").
set -eu

die() { echo "compare-kernels: $*" >&2; exit 2; }

A=${1:-} B=${2:-}
[ -n "$A" ] && [ -n "$B" ] || die "usage: make compare-kernels A=<linux tree> B=<linux tree>"
for t in "$A" "$B"; do
	[ -f "$t/drivers/iommu/io-pgtable-arm.c" ] ||
		die "$t has no drivers/iommu/io-pgtable-arm.c (make kernel-source KVER=<ver> unpacks one)"
done
here=$(cd "$(dirname "$0")" && pwd)
O=${O:-build}
ROUNDS=${ROUNDS:-5}
MIN_TIME=${MIN_TIME:-0.05}
PYTHON=${PYTHON:-/usr/bin/python3}
FILTER=${FILTER:-'^(map|unmap)/[^/]+/s1-4k/pgsize:(4k|2m)/count:(1|512)/pattern:seq/(tables:warm/)?walk:coherent$'}
case $ROUNDS in ''|*[!0-9]*|0) die "ROUNDS=$ROUNDS: want a positive number" ;; esac

va=$("$here/kernel-version.sh" "$A") vb=$("$here/kernel-version.sh" "$B")
fa=$("$here/kernel-version.sh" --full "$A") fb=$("$here/kernel-version.sh" --full "$B")
# Two trees of one version would share a build directory: give each its own.
if [ "$va" = "$vb" ]; then
	oa=$O/kcmp-a ob=$O/kcmp-b
else
	oa=$O ob=$O
fi

# make exports BACKENDS (every src/alloc backend) to this script.
backends=${BACKENDS:-$(ls "$here/../src/alloc/"*.c | sed 's|.*/||; s|\.c$||' |
	grep -vx -e common -e buddy-core)}
arch=${ARCH:-$(uname -m | sed 's/aarch64/arm64/')}

echo "compare-kernels: A = $A (Linux $fa), B = $B (Linux $fb); backends: $(echo $backends)"
bindir() {	# $1 version, $2 O: where make puts that tree's binaries
	echo "$2/$arch/k$1"
}
build() {	# $1 tree, $2 version, $3 O
	targets=""
	for b in $backends; do
		targets="$targets $(bindir "$2" "$3")/bench-$b"
	done
	make --no-print-directory -C "$here/.." O="$3" KSRC="$1" SANITIZE= NO_DEPS=1 \
		$targets >/dev/null || die "building $1 failed"
}
echo "compare-kernels: building both trees"
build "$A" "$va" "$oa"
build "$B" "$vb" "$ob"
da=$(bindir "$va" "$oa") db=$(bindir "$vb" "$ob")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
run="${RESULTS:-results}/$(hostname)/kcmp-$stamp-k$fa-vs-k$fb"
[ "$va" = "$vb" ] && run_a=$run/A run_b=$run/B || run_a=$run run_b=$run
mkdir -p "$run_a" "$run_b"

pin=""
if [ "${PIN_CPU:-}" != none ] && command -v taskset >/dev/null; then
	cpu=${PIN_CPU:-$(($(nproc) - 1))}
	pin="taskset -c $cpu"
fi

# One repetition of every selected benchmark of one binary, into $3.
one() {	# $1 binary, $2 tree, $3 output json
	tmp="$3.tmp"
	$pin ${RUNNER:-} "$1" --benchmark_filter="$FILTER" \
		--benchmark_min_time="$MIN_TIME" --benchmark_out="$tmp" \
		--benchmark_out_format=json --benchmark_context=ksrc="$2" \
		--benchmark_context=round="$r" >"$3.log" 2>&1 ||
		die "$1 failed (see $3.log)"
	rm -f "$3.log"
	mv "$tmp" "$3"
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	echo "compare-kernels: round $r of $ROUNDS"
	for b in $backends; do
		one "$da/bench-$b" "$A" "$run_a/$b.A.r$r.json"
		one "$db/bench-$b" "$B" "$run_b/$b.B.r$r.json"
	done
	r=$((r + 1))
done
echo "compare-kernels: results in $run"

status=0
if [ -f "$here/compare.py" ]; then
	if [ "$va" = "$vb" ]; then
		"$PYTHON" "$here/compare.py" "$run_a" "$run_b" --threshold "${THRESHOLD:-5}" || status=$?
	else
		"$PYTHON" "$here/compare.py" --run "$run" --by core --base "k$va" \
			--threshold "${THRESHOLD:-5}" || status=$?
	fi
else
	echo "compare-kernels: scripts/compare.py is not there: no comparison printed"
fi
if [ -f "$here/plot.py" ]; then
	for d in $(echo "$run_a $run_b" | tr ' ' '\n' | sort -u); do
		"$PYTHON" "$here/plot.py" "$d" || echo "compare-kernels: plot.py failed on $d"
	done
else
	echo "compare-kernels: scripts/plot.py is not there: no plots"
fi
# compare.py: 1 = significant slowdown or behaviour change; pass it on.
exit $status
