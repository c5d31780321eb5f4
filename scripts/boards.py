#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One report across boards: a run per board, a figure per concern with a
series per board.

  boards.py [--out FILE] [--filter REGEX] <run> <run>...
  (make report RUN="results/<board-a>/<run> results/<board-b>/<run>")

A board is what a run's context names it (`board`, set by make lava-fetch,
else the host); runs of the same board are refused, so each series is one
machine. Per concern (map, unmap, tlbi, flush, ...) the figure has the
benchmarks every board ran, a bar per board: ns per page (per call where a
row maps no pages), median with interquartile error bars. The deterministic
counters must agree between boards running the same code: the page lists
every counter that differs, and says when a difference is consistent with
a one-off cost per run (the first map's tables) averaged over different
iteration counts. Emulated boards carry their caveat; their times
are emulator times. Written atomically, self-contained (PNG inline).
"""

import argparse
import base64
import html
import os
import re
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import benchlib as bl  # noqa: E402
import plot  # noqa: E402

ROWS = 24
ONE_OFF_MAX = 512


def board(run):
    return run.ctx("board") or run.host


def label(run):
    emu = run.ctx("emulated", "no")
    return board(run) + ("" if emu.lower() in ("no", "native", "") else " (emulated)")


def load_boards(paths, pattern=None):
    runs = [bl.filter_run(bl.load_run(p), pattern) if pattern else bl.load_run(p)
            for p in paths]
    seen = {}
    for r in runs:
        if board(r) in seen:
            raise bl.BenchError("%s and %s are both from board %s: give one run per board"
                                % (seen[board(r)], r.path, board(r)))
        seen[board(r)] = r.path
    return runs


def common_keys(runs):
    keys = set(runs[0].benches)
    for r in runs[1:]:
        keys &= set(r.benches)
    keys = {k for k in keys if not any(r.benches[k].error for r in runs)}
    if not keys:
        raise bl.BenchError("the runs have no benchmark in common (same backend and name)")
    return sorted(keys, key=lambda k: (bl.parse_name(k[1])["concern"], k[1], k[0]))


def value(bench):
    v = bench.metric("ns_per_page")
    return (v, "ns per page") if len(v) else (bench.metric("ns_per_call"), "ns per call")


def figure(runs, concern, keys, base):
    keys = keys[:ROWS]
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.38 * len(keys) * max(1, len(runs) / 2)))
    h = 0.8 / len(runs)
    units, allv = set(), []
    for i, r in enumerate(runs):
        meds, errs = [], [[], []]
        for k in keys:
            v, unit = value(r.benches[k])
            units.add(unit)
            med, (lo, hi) = plot.med_err(v) if len(v) else (np.nan, (0, 0))
            meds.append(med)
            errs[0].append(lo)
            errs[1].append(hi)
        allv += meds
        y = np.arange(len(keys)) + i * h
        ax.barh(y, meds, h, xerr=errs, label=label(r), color=plot.COLORS[i % len(plot.COLORS)])
    ax.set_yticks(np.arange(len(keys)) + 0.4 - h / 2)
    ax.set_yticklabels(["%s [%s]" % (bl.short_name(n), b) for b, n in keys], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(" / ".join(sorted(units)) + " (median; bars: interquartile range)")
    plot.log_if_wide(ax, allv)
    ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("%s across boards: %s" % (concern, ", ".join(label(r) for r in runs)),
                 fontsize=10)
    notes = ["Series per board; each board's run: %s." % "; ".join(
        "%s = %s (%s, commit %s)" % (board(r), r.run_id, r.ctx("cpu_model", "?"),
                                     r.ctx("commit", "?")) for r in runs)]
    for r in runs:
        notes += ["%s: %s" % (board(r), c) for c in r.caveats()]
    fig.text(0.01, -0.01, "\n".join(plot._wrap(x) for x in notes), fontsize=7,
             va="top", ha="left")
    return plot.save(fig, base)


def plot_boards(runs, outdir, keys):
    by = {}
    for k in keys:
        by.setdefault(bl.parse_name(k[1])["concern"], []).append(k)
    files = []
    for concern, ks in sorted(by.items()):
        base = os.path.join(outdir, "boards-%s" % re.sub(r"\W+", "_", concern))
        files += figure(runs, concern, ks, base)
    return files


def one_off(a, its_a, b, its_b):
    """Per-call counters are (per-call events + one-off events) / iterations:
    a one-off cost (the first map's upper-level tables) averages to more on
    a board that ran fewer iterations. The one-off count that explains a and
    b with the same per-call count, or None if none does (or is needed)."""
    if its_a == its_b:
        return None
    f = (a - b) / (1.0 / its_a - 1.0 / its_b)
    # A few tables' worth at most (4 tables of 64-byte lines is 256): a
    # per-call change looks like a one-off of (change x iterations).
    return f if 0.5 < f <= ONE_OFF_MAX and abs(f - round(f)) < 0.05 * f + 1 else None


def counter_differences(runs, keys):
    """[benchmark, backend, counter, A, B, why] for every deterministic
    counter that differs from the first board's."""
    rows = []
    ref = runs[0]
    for k in keys:
        a = ref.benches[k]
        ca = {c: np.median(v) for c, v in a.counters().items()}
        for r in runs[1:]:
            b = r.benches[k]
            its = min(a.min_iterations(), b.min_iterations())
            for c, v in sorted(b.counters().items()):
                if c not in ca or c not in bl.DETERMINISTIC or \
                        bl.counters_equal(ca[c], np.median(v), its):
                    continue
                f = one_off(ca[c], a.min_iterations(), np.median(v), b.min_iterations())
                why = ("consistent with the same count per call plus a one-off %d per "
                       "run, averaged over %d and %d iterations (equal iteration counts "
                       "would settle it)" % (round(f), a.min_iterations(), b.min_iterations())
                       if f else "behaviour differs")
                rows.append([k[1], k[0], c, "%s: %g" % (board(ref), ca[c]),
                             "%s: %g" % (board(r), np.median(v)), why])
    return rows


def esc(x):
    return html.escape(str(x))


def table(header, rows):
    return "<table><tr>%s</tr>%s</table>" % (
        "".join("<th>%s</th>" % esc(h) for h in header),
        "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % esc(v) for v in r) for r in rows))


def render(runs, pattern=None, plotdir=None):
    keys = common_keys(runs)
    with tempfile.TemporaryDirectory() as tmp:
        files = [f for f in plot_boards(runs, plotdir or tmp, keys) if f.endswith(".png")]
        figs = []
        for f in files:
            with open(f, "rb") as fh:
                figs.append('<figure><img alt="%s" src="data:image/png;base64,%s"></figure>'
                            % (esc(os.path.basename(f)), base64.b64encode(fh.read()).decode()))
    diffs = counter_differences(runs, keys)
    info = [[board(r), r.ctx("device_type", "-"), r.ctx("lava_job", "-"), r.ctx("arch", "?"),
             r.ctx("cpu_model", "?"), r.ctx("emulated", "no"), r.ctx("commit", "?"), r.run_id]
            for r in runs]
    cav = ["%s: %s" % (board(r), c) for r in runs for c in r.caveats()]
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
             "<title>io-pgtable-bench across boards</title>",
             "<style>body{font-family:sans-serif;max-width:1200px;margin:1em auto}"
             "table{border-collapse:collapse;font-size:.8em}td,th{border:1px solid #ddd;"
             "padding:2px 6px}img{max-width:100%}.caveat{background:#fff4d6;padding:.5em}"
             "</style></head><body>",
             "<h1>io-pgtable-bench across %d boards</h1>" % len(runs),
             table(["board", "device type", "LAVA job", "arch", "CPU", "emulated", "commit",
                    "run"], info),
             "<p>%d benchmarks (backend and name) ran on every board%s.</p>"
             % (len(keys), " matching '%s'" % esc(pattern) if pattern else "")]
    if cav:
        parts.append('<div class="caveat"><b>Read this first:</b><ul>%s</ul></div>'
                     % "".join("<li>%s</li>" % esc(c) for c in cav))
    parts.append("<h2>Deterministic counters</h2>")
    real = [d for d in diffs if d[5] == "behaviour differs"]
    parts.append("<p>%s</p>" % (
        "Every deterministic counter agrees between the boards." if not diffs else
        "%d counter(s) differ in behaviour; %d differ in a way consistent with a "
        "one-off cost per run averaged over different iteration counts." % (len(real), len(diffs) - len(real))))
    if diffs:
        parts.append(table(["benchmark", "backend", "counter", "A", "B", "why"], diffs))
    parts += ["<h2>A figure per concern, a series per board</h2>"] + figs
    parts.append("<p>Generated by scripts/boards.py from %s.</p></body></html>"
                 % esc(", ".join(r.path for r in runs)))
    return "\n".join(parts), diffs


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="results/<board>/<run-id>/, one per board")
    ap.add_argument("--out", default=None,
                    help="output file (default build/views/boards-<boards>.html); "
                         "the figures go to plots/ beside it")
    ap.add_argument("--filter", help="only benchmarks matching REGEX")
    args = ap.parse_args(argv)
    if len(args.runs) < 2:
        raise bl.BenchError("a report across boards needs two runs or more")
    runs = load_boards(args.runs, args.filter)
    out = args.out or os.path.join("build", "views", "boards-%s.html" % "-".join(
        re.sub(r"\W+", "_", board(r)) for r in runs))
    # The figures also as files (PNG, SVG), for a README or a mail.
    plotdir = os.path.join(os.path.dirname(os.path.abspath(out)), "plots")
    page, diffs = render(runs, args.filter, plotdir)
    bl.write_atomic(out, page)
    real = sum(d[5] == "behaviour differs" for d in diffs)
    print("wrote %s (%d KiB): %d boards, %d counter(s) differing in behaviour, %d "
          "consistent with a one-off cost per run" % (out, len(page) // 1024, len(runs), real,
                                         len(diffs) - real))
    return 0


if __name__ == "__main__":
    bl.cli(main)
