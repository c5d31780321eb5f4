#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Compare two runs, or the backends (or cores) of one run, with statistics.

  compare.py A B                 A is the baseline, B the candidate
  compare.py                     the two newest runs under results/<host>/
  compare.py --run R --by backend|core [--base NAME]

For every benchmark in both: the median ns per call of each side (wall
clock; --time cpu for the calling thread's CPU time), the ratio
B/A with a 95% bootstrap confidence interval, the two-sided Mann-Whitney U
p-value over the repetitions (Google Benchmark's calc_utest), adjusted for
the number of benchmarks compared (Benjamini-Hochberg), and a verdict:
slower / faster when the adjusted p-value is below --alpha AND the change is
beyond --threshold percent, otherwise "no change". Deterministic counters
(PTE writes, tables, cache lines, barriers, TLB commands and syncs) are
compared exactly: any difference is listed as a behaviour change.

Exit status: 0 no significant change beyond the threshold, 1 a significant
slowdown or a behaviour change (--fail-on any: also a speed-up; never: 0),
2 bad input (one line naming the file and the problem).
"""

import argparse
import json
import math
import os

import numpy as np

import benchlib as bl


class Row:
    """One benchmark compared: A (baseline) against B."""

    def __init__(self, key, a, b, field="real_time"):
        self.key, self.a, self.b, self.field = key, a, b, field
        self.sa = a.times_ns(field)
        self.sb = b.times_ns(field)
        self.med_a = float(np.median(self.sa))
        self.med_b = float(np.median(self.sb))
        self.ratio = self.med_b / self.med_a if self.med_a else math.inf
        self.p = self.q = self.ci = None
        self.test = "none"
        self.verdict = "untested"
        self.note = ""

    @property
    def change(self):
        return self.ratio - 1

    def run_test(self):
        if self.a.reps and self.b.reps:
            self.p = bl.utest(self.sa, self.sb)
            self.ci = bl.bootstrap_ratio_ci(self.sa, self.sb)
            self.test = "U"
        elif self.a.aggregates and self.b.aggregates:
            self.p = bl.welch_from_aggregates(self.a, self.b, self.field)
            self.test = "Welch"
        if self.p is None:
            self.note = "%d vs %d repetitions: no test" % (self.a.nreps, self.b.nreps)

    def decide(self, alpha, threshold):
        if self.q is None:
            return
        beyond = abs(self.change) > threshold
        if self.q < alpha and beyond:
            self.verdict = "slower" if self.change > 0 else "faster"
            return
        self.verdict = "no change"
        if self.q < alpha:
            self.note = "significant but within %g%%" % (threshold * 100)
        elif beyond:
            self.note = "beyond %g%% but not significant" % (threshold * 100)
        if min(self.a.nreps, self.b.nreps) < bl.UTEST_OPTIMAL and not self.note:
            self.note = "%d vs %d repetitions (%d+ recommended)" % (
                self.a.nreps, self.b.nreps, bl.UTEST_OPTIMAL)

    def as_dict(self):
        return {"benchmark": self.key, "median_a_ns": self.med_a,
                "median_b_ns": self.med_b, "ratio": self.ratio,
                "ci95": self.ci, "p": self.p, "q": self.q, "test": self.test,
                "reps": [self.a.nreps, self.b.nreps],
                "verdict": self.verdict, "note": self.note}


def counter_changes(key, a, b, exact=bl.DETERMINISTIC):
    """Deterministic counters that differ between a and b.

    Only counters named in `exact` are compared (others, such as software
    perf counters, are noise), equal within the rounding of a per-call
    average (benchlib.counters_equal). A listed counter that varies between
    the repetitions of one run is reported: it should not.
    """
    ca, cb = a.counters(), b.counters()
    its = min(a.min_iterations(), b.min_iterations())
    out = []
    for name in sorted((set(ca) | set(cb)) & set(exact)):
        va, vb = ca.get(name), cb.get(name)
        if va is None or vb is None:
            out.append((key, name, va and va[0], vb and vb[0], "missing on one side"))
            continue
        steady = all(bl.counters_equal(v, vals[0], its)
                     for vals in (va, vb) for v in vals)
        if not steady:
            out.append((key, name, va[0], vb[0], "varies between repetitions"))
        elif not bl.counters_equal(va[0], vb[0], its):
            out.append((key, name, va[0], vb[0], ""))
    return out


def pair_runs(ra, rb):
    """Common benchmarks of two runs: key -> (bench A, bench B).

    Runs of one backend each pair by name (a backend against another);
    otherwise by backend and name.
    """
    one = len(ra.backends()) == 1 and len(rb.backends()) == 1
    def keyed(run):
        return {(n if one else "%s [%s]" % (n, be)): b
                for (be, n), b in run.benches.items()}
    ka, kb = keyed(ra), keyed(rb)
    common = sorted(set(ka) & set(kb))
    if not common:
        raise bl.BenchError(
            "%s and %s have no benchmarks in common (%d vs %d benchmarks, e.g. "
            "'%s' vs '%s')" % (ra.path, rb.path, len(ka), len(kb),
                               min(ka), min(kb)))
    return {k: (ka[k], kb[k]) for k in common}


def group_key(bench, by):
    if by == "backend":
        return bench.backend, bench.name
    core = bench.core or "?"
    parts = bench.name.split("/")
    if len(parts) > 1 and parts[1] == core:
        parts[1] = "*"
    return core, "%s [%s]" % ("/".join(parts), bench.backend)


def pair_within(run, by, base=None):
    """Within one run: {(base, other): {key: (bench base, bench other)}}."""
    groups = {}
    for b in run.benches.values():
        g, key = group_key(b, by)
        groups.setdefault(g, {})[key] = b
    names = sorted(groups)
    if len(names) < 2:
        raise bl.BenchError("%s: only one %s (%s), nothing to compare"
                            % (run.path, by, names[0] if names else "none"))
    if base is None:
        base = "libc" if by == "backend" and "libc" in groups else names[0]
    if base not in groups:
        raise bl.BenchError("%s: no %s '%s' (has %s)" % (run.path, by, base,
                                                          ", ".join(names)))
    out = {}
    for other in names:
        if other == base:
            continue
        common = sorted(set(groups[base]) & set(groups[other]))
        if common:
            out[(base, other)] = {k: (groups[base][k], groups[other][k])
                                  for k in common}
    if not out:
        raise bl.BenchError("%s: the %ss have no benchmarks in common" % (run.path, by))
    return out


def compare(pairs, alpha, threshold, pattern=None, exact=bl.DETERMINISTIC,
            field="real_time"):
    rx = bl.regex(pattern)
    rows, changes = [], []
    for key, (a, b) in pairs.items():
        if rx and not rx.search(key):
            continue
        if a.error or b.error:
            continue
        r = Row(key, a, b, field)
        r.run_test()
        rows.append(r)
        changes += counter_changes(key, a, b, exact)
    qs = bl.bh_adjust([r.p for r in rows])
    for r, q in zip(rows, qs):
        r.q = q
        r.decide(alpha, threshold)
    return rows, changes


def render(title, rows, changes, threshold, alpha):
    out = [title]
    table = []
    for r in rows:
        ci = "[%.3f, %.3f]" % r.ci if r.ci else "-"
        p = "%.2g" % r.q if r.q is not None else "-"
        table.append([r.key, bl.fmt_ns(r.med_a), bl.fmt_ns(r.med_b),
                      "%+.1f%%" % (100 * r.change), ci, p, r.verdict, r.note])
    out.append(bl.table(table, ["benchmark", "A median", "B median", "change",
                                "B/A 95% CI", "q", "verdict", "note"],
                        ["l", "r", "r", "r", "r", "r", "l", "l"]))
    counts = {}
    for r in rows:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    out.append("%d compared: %s. Verdict: Mann-Whitney U q < %g (Benjamini-"
               "Hochberg over %d tests) and |change| > %g%%."
               % (len(rows), ", ".join("%d %s" % (n, v) for v, n in
                                       sorted(counts.items())),
                  alpha, sum(r.p is not None for r in rows), threshold * 100))
    if changes:
        out.append("Behaviour changes (deterministic counters, compared exactly):")
        out.append(bl.table([[k, n, _fmtc(a), _fmtc(b), why] for k, n, a, b, why
                             in changes],
                            ["benchmark", "counter", "A", "B", "note"],
                            ["l", "l", "r", "r", "l"]))
    else:
        out.append("Deterministic counters: identical.")
    return "\n".join(out)


def _fmtc(v):
    return "-" if v is None else "%.6g" % v


def check_reps(rows, runs):
    """No test possible at all: say which input lacks repetitions."""
    if not rows or any(r.p is not None for r in rows):
        return
    for run in runs:
        if run.max_reps() < bl.UTEST_MIN:
            raise bl.BenchError(
                "%s: no repetitions (1 sample per benchmark); the significance "
                "test needs them: make bench PROFILE=full (9 repetitions) or "
                "--benchmark_repetitions=9; --no-test compares medians only"
                % (run.files[0] if len(run.files) == 1 else run.path))
    raise bl.BenchError("no benchmark has repetitions on both sides; "
                        "--no-test compares medians only")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="*", metavar="RUN",
                    help="baseline and candidate: run dirs or JSON files")
    ap.add_argument("--run", help="compare within this one run")
    ap.add_argument("--by", choices=("backend", "core"), default="backend")
    ap.add_argument("--base", help="baseline backend/core for --run "
                                   "(default libc, else the first)")
    ap.add_argument("--threshold", type=bl.number(0, 1000), default=5.0,
                    help="percent change that matters (default 5)")
    ap.add_argument("--alpha", type=bl.number(0, 1, lo_open=True), default=bl.ALPHA)
    ap.add_argument("--filter", help="only benchmarks matching REGEX")
    ap.add_argument("--fail-on", choices=("slower", "any", "never"),
                    default="slower")
    ap.add_argument("--no-test", action="store_true",
                    help="allow runs without repetitions (medians only)")
    ap.add_argument("--time", choices=("real", "cpu"), default="real",
                    help="wall-clock (default) or CPU time of the calling "
                         "thread (steadier on a busy machine)")
    ap.add_argument("--exact", action="append", default=[], metavar="COUNTER",
                    help="also compare this counter exactly (repeatable)")
    ap.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    args = ap.parse_args(argv)
    thr = args.threshold / 100.0

    if args.run:
        if args.runs:
            ap.error("give either --run or two runs, not both")
        run = bl.load_run(args.run)
        groups = pair_within(run, args.by, args.base)
        runs = [run]
        jobs = [("%s: %s %s (A) vs %s (B)" % (run.path, args.by, a, b), pairs)
                for (a, b), pairs in groups.items()]
    else:
        if not args.runs:
            args.runs = bl.latest_runs(2)
            print("comparing the two newest runs under %s"
                  % os.path.dirname(args.runs[0]))
        if len(args.runs) != 2:
            ap.error("need two runs (A B), or --run RUN --by backend|core")
        runs = [bl.load_run(p) for p in args.runs]
        jobs = [("A = %s (%s), B = %s (%s)" % (runs[0].path, runs[0].machine(),
                                               runs[1].path, runs[1].machine()),
                 pair_runs(*runs))]

    results, status, blocks = [], 0, []
    for title, pairs in jobs:
        rows, changes = compare(pairs, args.alpha, thr, args.filter,
                                tuple(bl.DETERMINISTIC) + tuple(args.exact),
                                args.time + "_time")
        if not rows:
            raise bl.BenchError("no common benchmark matches '%s'" % args.filter)
        if not args.no_test:
            check_reps(rows, runs)
        blocks.append(render(title, rows, changes, thr, args.alpha))
        bad = [r for r in rows if r.verdict == "slower" or
               (args.fail_on == "any" and r.verdict == "faster")]
        real = [c for c in changes if c[4] != "missing on one side"]
        if (bad or real) and args.fail_on != "never":
            status = 1
        results.append({"title": title, "rows": [r.as_dict() for r in rows],
                        "behaviour_changes": [
                            {"benchmark": k, "counter": n, "a": a, "b": b, "note": w}
                            for k, n, a, b, w in changes]})
    notes = {}
    if len({r.platform() for r in runs}) > 1:
        blocks.append("note: A ran on %s, B on %s: the ratios compare platforms, "
                      "not code." % (runs[0].platform(), runs[1].platform()))
    for run in runs:
        for c in run.caveats():
            notes.setdefault(c, []).append(run.label)
    lines = []
    for c, labels in notes.items():
        who = "" if len(labels) == len(runs) else " (%s)" % ", ".join(labels)
        lines.append("note%s: %s" % (who, c))
    if lines:
        blocks.append("\n".join(lines))
    print("\n\n".join(blocks))
    if args.json:
        bl.write_atomic(args.json, json.dumps({"threshold_pct": args.threshold,
                                               "alpha": args.alpha,
                                               "comparisons": results,
                                               "status": status}, indent=1))
    return status


if __name__ == "__main__":
    bl.cli(main)
