#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm-kmod: in the VM, the user-space rows of a KSRC= build of the VM
# kernel's own version, then the same rows through that kernel's
# io-pgtable-arm (iopgt_kmod), then the exact counter check on the host.
# Usage: scripts/vm-kmod.sh <artefacts> <k-bench-binary>
#   The initramfs must hold iopgt_kmod.ko, kmod-run.sh and the binary
#   (make vm-kmod builds it so). FILTER= narrows the rows, VM_TIMEOUT= (600).
# Results: ${RESULTS:-results}/<host>/<run-id>/{drvcache,kmod}.json, so that
# scripts/compare.py --run <that> --by core --no-test shows the kernel beside user space.
set -eu

die() { echo "vm-kmod: $*" >&2; exit 2; }
[ $# = 2 ] || die "usage: vm-kmod.sh <artefacts> <k-bench-binary>"
art=$1 bin=$2
here=$(dirname "$0")
sub=$(basename "$(dirname "$bin")")
host=$(hostname)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
dirty=
git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && dirty=-dirty
dir=${RESULTS:-results}/$host/$(date -u +%Y%m%dT%H%M%SZ)-$commit$dirty-kmod
mkdir -p "$dir" || die "cannot create $dir"
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

cmd="./kmod-run.sh ./iopgt_kmod.ko ./$sub/$(basename "$bin") /results${FILTER:+ $(q "$FILTER")}"
status=0
"$here/vm-run.sh" --timeout "${VM_TIMEOUT:-600}" --results "$dir" "$art" "$cmd" || status=$?
[ -f "$dir/kmod.json" ] || { echo "vm-kmod: no kmod.json came back from the VM" >&2; echo "total: 0 passed, 1 failed"; exit 1; }
${PYTHON:-python3} "$here/vm-results.py" "$dir" --set commit="$commit" >/dev/null || status=1
${PYTHON:-python3} "$here/kmod-check.py" "$dir" | tee "$dir/kmod-check.txt"
check=$(tail -n 1 "$dir/kmod-check.txt" | sed -n 's/^kmod-check: \(.*\)/\1/p')
echo "total: ${check:-0 passed, 1 failed}"
echo "vm-kmod: results in $dir"
case $check in *" 0 failed") ;; *) status=1 ;; esac
exit $status
