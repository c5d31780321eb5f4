#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print one table for a run: a row per benchmark, a column per backend.

Cells are ns per page (the median over repetitions of real time per call
divided by the pages one call maps or unmaps); the fastest backend of each
row is marked (*). Benchmarks that report no pages (items) show ns per call
instead, marked in the unit column. Called by scripts/bench.sh at the end of
`make bench`; usage: summary.py [--filter REGEX] [--metric M] <run-dir|file>.
"""

import argparse
import sys

import numpy as np

import benchlib as bl


def cells(run, name, metric):
    """Per backend: (value, nreps) or None; and the unit shown."""
    unit = metric
    out = {}
    for be in run.backends():
        b = run.benches.get((be, name))
        if b is None:
            continue
        if b.error:
            out[be] = ("error", 0)
            continue
        m = metric
        # The cmp rows are per-call figures people publish (map 4K, 256x4K,
        # 256x2M): show them per call, as published.
        per_call = not b.pages_per_call() or bl.parse_name(name)["concern"] == "cmp"
        if m in ("ns_per_page", "cpu_ns_per_page") and per_call:
            m = m.replace("page", "call")
            unit = "ns/call"
        v = b.metric(m)
        out[be] = (float(np.median(v)), len(v)) if len(v) else None
    if metric in ("ns_per_page", "cpu_ns_per_page") and unit == metric:
        unit = "ns/page"
    return out, unit


PUBLISHED = "published_ns_other_machine"


def published(run, name):
    """A published reference figure the benchmark carries, if any."""
    for be in run.backends():
        b = run.benches.get((be, name))
        v = b.metric(PUBLISHED) if b and not b.error else []
        if len(v):
            return "%.4g" % v[0]
    return None


def render(run, metric="ns_per_page", pattern=None):
    rx = bl.regex(pattern)
    backends = run.backends()
    rows = []
    pub = {n: published(run, n) for n in run.names()}
    show_pub = any(pub.values())
    for name in run.names():
        if rx and not rx.search(name):
            continue
        vals, unit = cells(run, name, metric)
        nums = {be: v[0] for be, v in vals.items()
                if v and not isinstance(v[0], str)}
        best = min(nums, key=nums.get) if len(nums) > 1 else None
        row = [name, unit]
        for be in backends:
            v = vals.get(be)
            if v is None:
                row.append("-")
            elif isinstance(v[0], str):
                row.append(v[0])
            else:
                row.append("%.4g%s" % (v[0], " *" if be == best else "  "))
        if show_pub:
            row.append(pub[name] or "")
        rows.append(row)
    if not rows:
        raise bl.BenchError("%s: no benchmark matches '%s'" % (run.path, pattern))
    out = ["Run %s on %s: %d benchmarks, %s, %d repetition(s) (median)"
           % (run.run_id, run.machine(), len(rows),
              "backends " + ", ".join(backends), run.max_reps())]
    extra = ["published*"] if show_pub else []
    out.append(bl.table(rows, ["benchmark", "unit"] + backends + extra,
                        ["l", "l"] + ["r"] * (len(backends) + len(extra))))
    out.append("(*) fastest backend of the row; lower is better.")
    if show_pub:
        out.append("published*: ns per call published for another machine "
                   "(see the run's context); not measured here.")
    errors = sorted((b for b in run.benches.values() if b.error),
                    key=lambda b: (b.name, b.backend))
    for b in errors[:10]:
        out.append("error: %s [%s]: %s" % (b.name, b.backend, b.error))
    if len(errors) > 10:
        out.append("error: ... and %d more" % (len(errors) - 10))
    for c in run.caveats():
        out.append("note: " + c)
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="?",
                    help="results/<host>/<run-id>/ or one JSON file "
                         "(default: the newest run under results/<host>/)")
    ap.add_argument("--filter", help="only benchmarks whose name matches REGEX")
    ap.add_argument("--metric", default="ns_per_page",
                    help="ns_per_page (default), cpu_ns_per_page, ns_per_call, "
                         "cpu_ns_per_call, pages_per_s or a counter name")
    args = ap.parse_args(argv)
    args.run = args.run or bl.latest_runs(1)[0]
    # An interrupted or failed run is still shown (what did finish), with
    # INCOMPLETE as its first note and a non-zero exit status.
    run = bl.load_run(args.run, allow_incomplete=True)
    print(render(run, args.metric, args.filter))
    if run.incomplete:
        print("summary: %s: incomplete run: %s" % (args.run, run.incomplete),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    bl.cli(main)
