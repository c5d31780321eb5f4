#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the suite's SMMUv3 model with QEMU's SMMUv3 under the real driver.

Reads <dir>/qemu-trace.log (QEMU's smmuv3_cmdq_opcode events of a VM in
which iopgt_kmod's "smmu" file unmapped each size through arm-smmu-v3, each
unmap between two markers of CMD_TLBI_NH_ASID, CMD_SYNC twice over), the
sizes in order (--sizes), and <dir>/<backend>.json with the suite's
tlbi/<core>/s1-4k/model:smmuv3/inv:<mode>/cmdns:0/size:<s>/op:unmap rows.
For each size: the invalidation commands (CMD_TLBI_NH_VA) and syncs
(CMD_SYNC) the driver sent, against the model's tlb_cmds and tlb_hw_syncs
per unmap for --inv (range: the driver uses range invalidation when the
SMMU has it, as QEMU's does). Exit 1 on any difference; prints
"smmu-truth: N passed, M failed".
"""
import argparse
import json
import os
import sys

MARK = ["SMMU_CMD_TLBI_NH_ASID", "SMMU_CMD_SYNC"] * 2


def opcodes(path):
    out = []
    with open(path) as f:
        for line in f:
            if "smmuv3_cmdq_opcode" in line:
                out.append(line.split()[-1])
    return out


def unmap_segments(ops):
    """Commands between marker 2k and 2k+1: the k-th unmap's."""
    marks, i = [], 0
    while i + len(MARK) <= len(ops):
        if ops[i:i + len(MARK)] == MARK:
            marks.append(i)
            i += len(MARK)
        else:
            i += 1
    return [ops[marks[k] + len(MARK):marks[k + 1]] for k in range(0, len(marks) - 1, 2)]


def model_rows(path, inv):
    with open(path) as f:
        doc = json.load(f)
    rows = {}
    for b in doc.get("benchmarks", []):
        parts = b["name"].split("/")
        if ("model:smmuv3" in parts and "inv:" + inv in parts and "cmdns:0" in parts
                and "op:unmap" in parts):
            size = [p[5:] for p in parts if p.startswith("size:")][0]
            rows[size] = b
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="folder with qemu-trace.log and <backend>.json")
    ap.add_argument("--sizes", required=True, help="the sizes unmapped, in order, e.g. 4k,64k,2m")
    ap.add_argument("--inv", default="range", choices=("range", "page"))
    ap.add_argument("--backend", default="libc")
    args = ap.parse_args(argv)
    sizes = args.sizes.split(",")
    try:
        segs = unmap_segments(opcodes(os.path.join(args.dir, "qemu-trace.log")))
        model = model_rows(os.path.join(args.dir, args.backend + ".json"), args.inv)
    except (OSError, ValueError, IndexError) as e:
        print("smmu-truth: %s" % e, file=sys.stderr)
        return 2
    if len(segs) != len(sizes):
        print("smmu-truth: FAILED: %d unmaps in the trace, %d sizes asked" % (len(segs), len(sizes)))
        print("smmu-truth: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    print("%-6s %22s %22s  %s" % ("size", "QEMU: NH_VA / SYNC", "model: cmds / syncs", "other commands"))
    for size, seg in zip(sizes, segs):
        va, sync = seg.count("SMMU_CMD_TLBI_NH_VA"), seg.count("SMMU_CMD_SYNC")
        other = sorted(set(seg) - {"SMMU_CMD_TLBI_NH_VA", "SMMU_CMD_SYNC"})
        row = model.get(size)
        if row is None:
            print("%-6s %10d / %-10d %22s  FAIL: no model row for size:%s" % (size, va, sync, "-", size))
            failed += 1
            continue
        mc, ms = round(row.get("tlb_cmds", -1)), round(row.get("tlb_hw_syncs", -1))
        ok = (va, sync) == (mc, ms) and not other
        print("%-6s %10d / %-10d %10d / %-10d  %s%s" % (size, va, sync, mc, ms, ",".join(other) or "-",
                                                       "" if ok else "  FAIL"))
        passed += ok
        failed += not ok
    print("smmu-truth: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
