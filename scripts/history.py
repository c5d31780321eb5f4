#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A metric across every run under results/<host>/, with change points.

  history.py --metric ns_per_page [--filter REGEX] results/<host>

Runs are ordered by their time (the run id's UTC timestamp, else the JSON
date). For each benchmark, backend and platform (architecture, native or
emulated) the per-run value is the median over repetitions. A change point is flagged where the series steps by more
than --threshold percent and the step is significant (benchlib's
change_points: with repetitions, Mann-Whitney U of the repetitions either
side plus a t-test of the run medians against run-to-run scatter; without,
Taylor's CUSUM permutation test); binary segmentation finds several. Deterministic counters are compared exactly:
any change of value is a change point.
Exit status: 0, or 1 with --fail-on-change when a change makes things worse;
2 on bad input.
"""

import argparse
import json

import benchlib as bl


def render(root, runs, series, metric, threshold):
    out = ["%s across %d runs under %s (oldest first), %d series"
           % (metric, len(runs), root, len(series))]
    if len(series) <= 4:
        rows = []
        for run in runs:
            row = [run.label, run.ctx("commit", "-")]
            for s in series:
                try:
                    i = s.runs.index(run)
                except ValueError:
                    row.append("-")
                    continue
                mark = " <" if any(p[0] == i for p in s.points) else "  "
                row.append("%.4g%s" % (s.values[i], mark))
            rows.append(row)
        out.append(bl.table(rows, ["run", "commit"] +
                            ["(%d)" % (i + 1) for i in range(len(series))]))
        for i, s in enumerate(series):
            out.append("(%d) %s" % (i + 1, s.label))
        out.append("(<) change point: the value steps at this run.")
    else:
        rows = [[s.label, len(s.values), "%.4g" % s.values[0], "%.4g" % s.values[-1],
                 len(s.points)] for s in series]
        out.append(bl.table(rows, ["series", "runs", "first", "last", "changes"]))
    pts = [(s, p) for s in series for p in s.points]
    if not pts:
        out.append("No change points (significant steps > %g%%)." % (threshold * 100))
    else:
        out.append("Change points:")
        rows = []
        for s, (i, before, after, conf) in pts:
            run = s.runs[i]
            rows.append([s.label, "%s (%s)" % (run.label, run.ctx("commit", "-")),
                         "%.4g" % before, "%.4g" % after,
                         "%+.1f%%" % (100 * (after / before - 1)) if before else "new",
                         "exact" if s.exact else "p=%.2g" % max(1 - conf, 0.0),
                         "behaviour change" if s.exact else
                         "worse" if s.worse(before, after, metric) else "better"])
        out.append(bl.table(rows, ["series", "from run", "before", "after",
                                   "step", "test", ""]))
    short = [s.label for s in series if not s.exact and len(s.values) < 4 and
             min(len(x) for x in s.samples) < bl.UTEST_MIN]
    if short:
        out.append("note: %d series have fewer than 4 runs and no repetitions: "
                   "too few to test for change points." % len(short))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="results/<host>/ (a directory of runs)")
    ap.add_argument("--metric", default="",
                    help="ns_per_page (default), ns_per_call, cpu_time, "
                         "pages_per_s or a counter name")
    ap.add_argument("--filter", help="only benchmarks matching REGEX")
    ap.add_argument("--threshold", type=bl.number(0, 1000), default=5.0,
                    help="smallest step that counts, percent (default 5)")
    ap.add_argument("--alpha", type=bl.number(0, 1, lo_open=True), default=bl.ALPHA)
    ap.add_argument("--plot", metavar="BASE",
                    help="also draw BASE.png and BASE.svg (first series)")
    ap.add_argument("--json", metavar="FILE", help="write series and change points")
    ap.add_argument("--fail-on-change", action="store_true",
                    help="exit 1 when a change point makes a series worse")
    args = ap.parse_args(argv)
    metric = args.metric or "ns_per_page"
    thr = args.threshold / 100.0

    runs, bad = bl.find_runs(args.root)
    if not runs:
        why = "; ".join(e for _, e in bad[:3]) if bad else "no run directories"
        raise bl.BenchError("%s: no loadable runs (%s)" % (args.root, why))
    series = bl.collect_series(runs, metric, args.filter)
    if not series:
        raise bl.BenchError("%s: no benchmark has metric '%s'%s" % (
            args.root, metric, " matching '%s'" % args.filter if args.filter else ""))
    bl.detect_changes(series, metric, args.alpha, thr)
    print(render(args.root, runs, series, metric, thr))
    for path, err in bad:
        print("skipped: %s" % err)
    if args.plot:
        import plot
        files = plot.plot_history(series, metric, args.plot, runs)
        print("wrote " + ", ".join(files))
    if args.json:
        bl.write_atomic(args.json, json.dumps({"metric": metric, "series": [
            {"backend": s.backend, "benchmark": s.name,
             "runs": [r.label for r in s.runs], "values": s.values,
             "change_points": [{"run": s.runs[i].label, "before": b, "after": a,
                                "confidence": c} for i, b, a, c in s.points]}
            for s in series]}, indent=1))
    worse = any(s.worse(p[1], p[2], metric) for s in series for p in s.points)
    return 1 if args.fail_on_change and worse else 0


if __name__ == "__main__":
    bl.cli(main)
