#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Which path a non-coherent walker's page tables took, per side and backend.

Reads a `make compare-kernels` run (files <backend>.<A|B>.r<N>.json, in the
run directory or its A/ and B/ subdirectories) and prints one line per side
and backend for the benchmarks with a non-coherent walker (walk:noncoherent):

  walker path: A k7.0-base    buddy     DMA API (dma_map_single 1 per call, ...)
  walker path: B k7.0-rework  hyp       could not run: <the benchmark's error>

The path is read from what the binary reported, never from the tree's
version: context entries naming the non-coherent path, and the per-call
counters of the DMA API (dma_*) and of incoherent iommu-pages (*incoherent*).
A build that reports neither says so. A binary that registered none of the
selected benchmarks (<backend>.<side>.none) says so too, and the WARNs a
binary printed (<backend>.<side>.warn: a DMA API call in a hypervisor build)
are counted on its line: a row can have run and still lack what a real
non-coherent walker needs. Any other benchmark
that ended with an error is listed, and makes the exit status 3: a coherent
walker's benchmark must run everywhere. The timing comparison is compare.py's.
"""

import argparse
import collections
import glob
import os
import re
import sys

import benchlib as bl

NONCOHERENT = re.compile(r"/walk:noncoherent(/|$)")
FILE = re.compile(r"^([^.]+)\.([AB])\.r\d+\.json$")
NONE = re.compile(r"^([^.]+)\.([AB])\.none$")
WARN = re.compile(r"^([^.]+)\.([AB])\.warn$")
# Context keys that name the path (a field the shims add per binary).
CONTEXT_KEY = re.compile(r"coheren|walker_path|table_path", re.I)
DMA_COUNTER = re.compile(r"(^|_)dma(_|$)", re.I)
IOMMU_PAGES_COUNTER = re.compile(r"incoherent", re.I)


def result_files(run):
    if not os.path.isdir(run):
        raise bl.BenchError("%s: not a compare-kernels run directory" % run)
    files = sorted(glob.glob(os.path.join(run, "*.json")) +
                   glob.glob(os.path.join(run, "[AB]", "*.json")))
    files = [f for f in files if FILE.match(os.path.basename(f))]
    none = sorted(glob.glob(os.path.join(run, "*.none")) +
                  glob.glob(os.path.join(run, "[AB]", "*.none")))
    none = [f for f in none if NONE.match(os.path.basename(f))]
    warn = sorted(glob.glob(os.path.join(run, "*.warn")) +
                  glob.glob(os.path.join(run, "[AB]", "*.warn")))
    warn = [f for f in warn if WARN.match(os.path.basename(f))]
    if not files and not none:
        raise bl.BenchError("%s: no <backend>.<A|B>.r<N>.json files" % run)
    return files, none, warn


class Side:
    """What one side's binary of one backend reported over every round."""

    def __init__(self):
        self.core = "?"
        self.ref = ""
        self.context = {}
        self.counters = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.other_errors = collections.Counter()
        self.rows = 0
        self.registered_none = False
        self.warns = collections.Counter()


def collect(files, none, warn):
    sides = collections.OrderedDict()
    for f in warn:
        backend, side = WARN.match(os.path.basename(f)).groups()
        s = sides.setdefault((side, backend), Side())
        with open(f, errors="replace") as fh:
            for line in fh:
                if line.strip():
                    s.warns[re.sub(r"^WARNING: \S+: ", "", line.strip())] += 1
    for f in none:
        backend, side = NONE.match(os.path.basename(f)).groups()
        s = sides.setdefault((side, backend), Side())
        s.registered_none = True
        with open(f) as fh:
            m = re.search(r"core=(\S+)", fh.read())
        if m:
            s.core = m.group(1)
    for f in files:
        backend, side = FILE.match(os.path.basename(f)).groups()
        doc = bl.load_json(f)
        ctx = doc.get("context", {}) or {}
        s = sides.setdefault((side, backend), Side())
        s.core = str(ctx.get("core", s.core))
        s.ref = str(ctx.get("side", s.ref))
        s.context.update({k: v for k, v in ctx.items() if CONTEXT_KEY.search(k)})
        for row in doc["benchmarks"]:
            if row.get("run_type", "iteration") != "iteration":
                continue
            if not NONCOHERENT.search(str(row.get("name", ""))):
                if row.get("error_occurred"):
                    s.other_errors["%s: %s" % (row.get("name"),
                                               row.get("error_message", "error"))] += 1
                continue
            s.rows += 1
            if row.get("error_occurred"):
                s.errors[str(row.get("error_message", "error"))] += 1
                continue
            for k, v in row.items():
                if DMA_COUNTER.search(k) or IOMMU_PAGES_COUNTER.search(k):
                    if isinstance(v, (int, float)):
                        s.counters[k].append(float(v))
    return sides


# A counter's role: a new table made visible (dma_map_single,
# iommu_pages_start_incoherent) or a PTE range cleaned (dma_sync_*,
# iommu_pages_flush_incoherent); other walker counters (unmaps, frees) only
# show in the details.
TABLE_COUNTER = re.compile(r"map|start", re.I)
SYNC_COUNTER = re.compile(r"sync|flush", re.I)


def via(dma, pages):
    return {(True, True): "DMA API and incoherent iommu-pages",
            (True, False): "DMA API",
            (False, True): "incoherent iommu-pages",
            (False, False): "none counted"}[(dma, pages)]


def counted_path(mean):
    """What the per-call counters show, or None without counters."""
    if not mean:
        return None

    def used(role):
        hits = [k for k, v in mean.items() if v > 0 and role.search(k)]
        return (any(DMA_COUNTER.search(k) for k in hits),
                any(IOMMU_PAGES_COUNTER.search(k) and not DMA_COUNTER.search(k)
                    for k in hits))
    return "tables: %s, PTE syncs: %s" % (via(*used(TABLE_COUNTER)),
                                          via(*used(SYNC_COUNTER)))


def declared_path(context):
    """The path the context fields name (noncoherent_tables: dma-api or
    iommu-pages-incoherent...), or None."""
    vals = " ".join(str(v) for v in context.values()).lower()
    dma = "dma" in vals
    pages = "incoherent" in vals or "iommu-pages" in vals or "iommu_pages" in vals
    return "declared: %s" % via(dma, pages) if dma or pages else None


def verdict(s):
    parts = []
    if s.registered_none and not s.rows:
        parts.append("registered none of the selected benchmarks (a backend that "
                     "cannot build this core's domain registers no rows)")
    elif not s.rows:
        parts.append("no walk:noncoherent benchmark selected (FILTER)")
    mean = {k: sum(v) / len(v) for k, v in s.counters.items()}
    # What the binary counted wins over what its build declares.
    path = counted_path(mean) or declared_path(s.context)
    detail = [", ".join("%s: %s" % kv for kv in sorted(s.context.items()))] if s.context else []
    if mean:
        detail.append("per call, mean of the rows: " + ", ".join("%s %.3g" % (k, mean[k]) for k in sorted(mean)))
    if path:
        parts.append("%s (%s)" % (path, "; ".join(detail)))
    elif detail:
        parts.append("; ".join(detail))
    if s.errors:
        msg, n = s.errors.most_common(1)[0]
        what = "could not run" if sum(s.errors.values()) == s.rows else "partly failed"
        parts.append("%s: %s (%d of %d rows)" % (what, msg, sum(s.errors.values()), s.rows))
    if s.rows and not parts:
        parts.append("not reported by this build (no path counter or context field)")
    if s.warns:
        parts.append("WARNs: " + ", ".join("%s (%d)" % (m, n)
                                           for m, n in s.warns.most_common(2)))
    return "; ".join(parts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a compare-kernels run directory")
    args = ap.parse_args(argv)
    try:
        sides = collect(*result_files(args.run))
    except bl.BenchError as e:
        print("walker-path: %s" % e, file=sys.stderr)
        return 2
    cw = max(len(s.core) for s in sides.values())
    bw = max(len(k[1]) for k in sides)
    status = 0
    for (side, backend), s in sorted(sides.items()):
        print("walker path: %s %-*s  %-*s  %s" % (side, cw, s.core, bw, backend, verdict(s)))
    for (side, backend), s in sorted(sides.items()):
        for what, n in sorted(s.other_errors.items()):
            print("walker-path: %s %s %s: failed in %d round(s): %s"
                  % (side, s.core, backend, n, what))
            status = 3
    return status


if __name__ == "__main__":
    sys.exit(main())
