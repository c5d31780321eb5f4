#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the kernel ran the user-space rows with the same counters.

Reads <dir>/<backend>.json (a user-space binary built with KSRC= the running
kernel's source) and <dir>/kmod.json (the same rows through that kernel's
own io-pgtable-arm, iopgt_kmod, for the same iteration counts: see
scripts/kmod-run.sh). For every user-space row the kernel's row of the same
name (core live-<release>) must exist, not have failed, and have equal
totals (per-call value x iterations, an integer) of every counter both
sides count: tables_alloc, tables_freed, tlb_add_page, tlb_flush_walk,
tlb_syncs. Times are shown, never compared. Exit 0 when every row is
equal, 1 otherwise, 2 on bad input. Prints "kmod-check: N passed, M failed".
"""
import argparse
import json
import os
import re
import sys

COUNTERS = ("tables_alloc", "tables_freed", "tlb_add_page", "tlb_flush_walk", "tlb_syncs")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("kmod-check: %s: %s" % (path, e)) from None


def strip_core(name):
    parts = name.split("/")
    if len(parts) > 1:
        parts[1] = "*"
    return "/".join(parts)


def upstream(version):
    """'6.12.117+deb12-arm64' and '6.12.117' -> '6.12.117'."""
    m = re.match(r"(\d+\.\d+(\.\d+)?)", version or "")
    return m.group(1) if m else ""


def compare_row(u, k):
    """A list of reasons the rows differ (empty when equal)."""
    if k.get("error_occurred"):
        return ["the kernel's row failed: %s" % k.get("error_message")]
    if u.get("iterations") != k.get("iterations"):
        return ["iterations %s vs %s" % (u.get("iterations"), k.get("iterations"))]
    n = u["iterations"]
    bad = []
    for c in COUNTERS:
        if c not in u or c not in k:
            bad.append("%s missing on one side" % c)
            continue
        tu, tk = round(u[c] * n), round(k[c] * n)
        if tu != tk:
            bad.append("%s: user space %d, kernel %d (over %d calls)" % (c, tu, tk, n))
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="folder with <backend>.json and kmod.json")
    ap.add_argument("--backend", default="drvcache", help="the user-space file (default: drvcache)")
    args = ap.parse_args(argv)
    user = load(os.path.join(args.dir, args.backend + ".json"))
    kern = load(os.path.join(args.dir, "kmod.json"))
    uver = user.get("context", {}).get("core_version", "")
    kver = kern.get("context", {}).get("core_version", "")
    print("kmod-check: user space core %s (%s), kernel %s" %
          (user.get("context", {}).get("core"), uver, kver))
    if upstream(uver) != upstream(kver):
        print("kmod-check: FAILED: user space ran %s's source, the kernel is %s: "
              "the counters need the same version" % (uver, kver))
        print("kmod-check: 0 passed, 1 failed")
        return 1
    # Rows pair in order per name (a repeated row is run again by the kernel).
    krows = {}
    for b in kern.get("benchmarks", []):
        krows.setdefault(strip_core(b["name"]), []).append(b)
    urows = [b for b in user.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration"]
    if not urows:
        print("kmod-check: FAILED: no user-space rows in %s" % args.dir)
        print("kmod-check: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    print("%-82s %12s %12s  %s" % ("row", "user ns", "kernel ns", "counters"))
    for u in urows:
        key = strip_core(u["name"])
        k = krows.get(key, []).pop(0) if krows.get(key) else None
        bad = ["no kernel row"] if k is None else compare_row(u, k)
        if u.get("error_occurred"):
            bad = ["the user-space row failed: %s" % u.get("error_message")]
        kns = k.get("real_time", 0) if k else 0
        print("%-82s %12.1f %12.1f  %s" % (key, u.get("real_time", 0), kns,
                                           "equal" if not bad else "FAIL"))
        for b in bad:
            print("    FAIL " + b)
        failed += bool(bad)
        passed += not bad
    print("kmod-check: counters compared: %s (times: TCG or a board, shown only)" % ", ".join(COUNTERS))
    print("kmod-check: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
