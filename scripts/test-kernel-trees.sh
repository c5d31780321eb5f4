#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make test against every kernel tree a run can find, one after the other,
# and one closing line adding them up ("total: N passed, M failed, ...").
#
#   every linux-*/ under KERNELS (default ../shared/kernels): as it is, and
#     once more with the patches under KERNELS/patches/ that apply to it
#     (a scratch copy under $O/trees/, core k<ver>-patched);
#   Debian's linux-source-<ver> for each VER in DEBIAN_TREES (default
#     "6.1 6.12"), unpacked by scripts/kernel-source.sh into $O/trees/.
#
# A tree that is not there is skipped with the reason, never counted as
# passed: CI has ../shared/kernels, a user usually does not. Each tree's
# line gives its passed/failed/skipped and its build+test time. Extra make
# arguments (TEST_ARGS=--quick ...) are passed to every make test.
# Usage: scripts/test-kernel-trees.sh [make args...]
set -u
cd "$(dirname "$0")/.."

KERNELS=${KERNELS:-../shared/kernels}
DEBIAN_TREES=${DEBIAN_TREES-6.1 6.12}
O=${O:-build}
trees=$O/trees
passed=0 failed=0 skipped=0 findings=0 status=0 summary=""

num() {	# num <word>: the number before <word> in $line, 0 if none
	v=$(echo "$line" | sed -nE "s/.*[^0-9]([0-9]+) $1.*/\1/p")
	echo "${v:-0}"
}

add() {	# add <label> <seconds> <log>: tally its "total:" line
	line=$(grep -E '^total: [0-9]+ passed, [0-9]+ failed' "$3" | tail -n 1)
	if [ -z "$line" ]; then
		summary="$summary
  $1: did not build or run (see above) ($2 s)"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + $(echo "$line" | sed -E 's/^total: ([0-9]+) passed.*/\1/')))
	failed=$((failed + $(num failed)))
	skipped=$((skipped + $(num skipped)))
	findings=$((findings + $(num 'kernel findings')))
	summary="$summary
  $1: ${line#total: } ($2 s)"
}

run_tree() {	# run_tree <label> <ksrc> [make args...]
	label=$1 ksrc=$2
	shift 2
	log=$(mktemp)
	t0=$(date +%s)
	echo "== make test KSRC=$ksrc $*"
	make --no-print-directory test KSRC="$ksrc" O="$O" SKIP_PYTEST=1 "$@" >"$log" 2>&1 || status=1
	cat "$log"
	add "$label" $(( $(date +%s) - t0 )) "$log"
	rm -f "$log"
}

skip_tree() {	# skip_tree <label> <reason>
	echo "== $1: skipped: $2"
	summary="$summary
  $1: skipped: $2"
}

# A scratch copy of $1 with every patch of $KERNELS/patches that applies.
patched_copy() {
	src=$1 dst=$trees/$(basename "$1")-patched applied=""
	rm -rf "$dst"
	mkdir -p "$dst"
	# Through a symlinked tree too; the inputs may be read-only.
	cp -R "$src/." "$dst"
	chmod -R u+w "$dst"
	for p in "$KERNELS"/patches/*.patch "$KERNELS"/patches/*.mbox; do
		[ -f "$p" ] || continue
		p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
		# git apply as a plain patch(1) (not installed everywhere): the
		# ceiling keeps git from finding this repository above the copy.
		if (cd "$dst" && GIT_CEILING_DIRECTORIES=$(dirname "$PWD") \
		    git apply --check "$p" >/dev/null 2>&1); then
			(cd "$dst" && GIT_CEILING_DIRECTORIES=$(dirname "$PWD") git apply "$p") || return 1
			applied="$applied $(basename "$p")"
		fi
	done
	if [ -z "$applied" ]; then
		rm -rf "$dst"
		return 1
	fi
	echo patched >"$dst/.kernel-ref"
	echo "test-kernel-trees: $dst = $(basename "$src") +$applied"
}

if [ -d "$KERNELS" ]; then
	found=0
	for t in "$KERNELS"/linux-*/; do
		[ -f "$t/Makefile" ] || continue
		t=${t%/}
		found=1
		run_tree "$(basename "$t")" "$t" "$@"
		if patched_copy "$t"; then
			run_tree "$(basename "$t") + patches" "$trees/$(basename "$t")-patched" "$@"
		else
			skip_tree "$(basename "$t") + patches" "no patch in $KERNELS/patches applies to it"
		fi
	done
	[ $found = 1 ] || skip_tree "$KERNELS" "no linux-*/ tree with a Makefile in it"
else
	skip_tree "$KERNELS/linux-*" "no $KERNELS directory (CI has it; point KERNELS= at yours)"
fi

for v in $DEBIAN_TREES; do
	if [ ! -f "/usr/src/linux-source-$v.tar.xz" ] &&
	   ! apt-cache show "linux-source-$v" >/dev/null 2>&1; then
		skip_tree "Debian $v" "no linux-source-$v package on this system or in its apt sources"
		continue
	fi
	if [ -f "$trees/$v/Makefile" ]; then
		echo "test-kernel-trees: reusing $trees/$v (delete it to unpack again)"
	elif ! scripts/kernel-source.sh "$v" "$trees/$v" >/dev/null; then
		summary="$summary
  Debian $v: scripts/kernel-source.sh $v failed"
		failed=$((failed + 1))
		status=1
		continue
	fi
	run_tree "Debian $v" "$trees/$v" "$@"
done

echo "== kernel trees:$summary"
line="total: $passed passed, $failed failed"
[ $skipped -gt 0 ] && line="$line, $skipped skipped"
[ $findings -gt 0 ] && line="$line, $findings kernel findings"
echo "$line"
exit $status
