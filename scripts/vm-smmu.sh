#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm-smmu: ground truth for the suite's SMMUv3 model. In the VM, the
# model's tlbi/own/s1-4k/model:smmuv3 unmap rows (bench-libc), then the same
# sizes unmapped through the real arm-smmu-v3 driver (iopgt_kmod's "smmu"
# file, a pci-testdev in the module's domain) with QEMU tracing its SMMUv3
# command queue; scripts/smmu-truth.py compares the commands and syncs.
# Usage: scripts/vm-smmu.sh <artefacts>    (the initramfs holds
#   iopgt_kmod.ko and bench-libc: make vm-smmu builds it so)
# Results: ${RESULTS:-results}/<host>/<run-id>-smmu/ (libc.json,
# qemu-trace.log, smmu-truth.txt). VM_TIMEOUT= (600).
set -eu

die() { echo "vm-smmu: $*" >&2; exit 2; }
[ $# = 1 ] || die "usage: vm-smmu.sh <artefacts>"
art=$1
here=$(dirname "$0")
sizes="4k 64k 2m 32m 1g"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
dir=${RESULTS:-results}/$(hostname)/$(date -u +%Y%m%dT%H%M%SZ)-$commit-smmu
mkdir -p "$dir" || die "cannot create $dir"
filter='^tlbi/own/s1-4k/model:smmuv3/inv:(page|range)/cmdns:0/size:[^/]+/op:unmap'
cmd="./bench-libc --profile=full --benchmark_repetitions=1 --benchmark_filter='$filter'"
cmd="$cmd --benchmark_min_time=0.01 --benchmark_out=/results/libc.json --benchmark_out_format=json >/dev/null || exit 1"
cmd="$cmd; insmod ./iopgt_kmod.ko || exit 1"
cmd="$cmd; for s in $sizes; do echo \$s >/sys/kernel/debug/iopgt-bench/smmu || exit 1; done"
status=0
"$here/vm-run.sh" --timeout "${VM_TIMEOUT:-600}" --trace smmuv3_cmdq_opcode --results "$dir" "$art" "$cmd" || status=$?
[ $status = 0 ] || { echo "total: 0 passed, 1 failed"; exit $status; }
${PYTHON:-python3} "$here/vm-results.py" "$dir" --set commit="$commit" >/dev/null || status=1
csv=$(echo $sizes | tr ' ' ',')
echo "vm-smmu: inv:range (the driver's, QEMU's SMMUv3 has range invalidation)"
${PYTHON:-python3} "$here/smmu-truth.py" "$dir" --sizes "$csv" --inv range | tee "$dir/smmu-truth.txt" || status=1
echo "vm-smmu: inv:page, for reference only (QEMU $(sed -n 's/^emulated=qemu-system-aarch64 \([^ ]*\).*/\1/p' "$dir/vm.env") cannot hide range invalidation from the driver)"
${PYTHON:-python3} "$here/smmu-truth.py" "$dir" --sizes "$csv" --inv page >"$dir/smmu-truth-page.txt" || true
sed 's/^/    /' "$dir/smmu-truth-page.txt"
echo "total: $(tail -n 1 "$dir/smmu-truth.txt" | sed -n 's/^smmu-truth: //p')"
echo "vm-smmu: results in $dir"
exit $status
