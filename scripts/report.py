#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One self-contained HTML report of a run, attachable to a mail.

  report.py [--baseline RUN] [--out FILE] [--svg] <run-dir|file>
  report.py [--out FILE] <run> <run>...   one run per board: scripts/boards.py

The page holds the run's context and caveats, the summary table (ns per
page, a column per backend, fastest marked), the backend comparison with
significance tests (when the run has repetitions), optionally a comparison
against a baseline run, and every plot of plot.py embedded (base64 PNG, or
inline SVG with --svg). Nothing is linked from outside the file. Written
atomically to <run>/report.html unless --out says otherwise.
"""

import argparse
import base64
import html
import os
import tempfile


import benchlib as bl
import compare
import plot
import summary

CONTEXT_KEYS = ("suite", "core", "core_version", "backend", "arch", "emulated",
                "compiler", "cflags", "commit", "dirty", "cpu_model", "caches",
                "num_cpus", "mhz_per_cpu", "run_id", "profile", "cpu_governor",
                "pinned_cpu", "cache_maint", "perf_counters", "date",
                "library_build_type")

CSS = """
body { font-family: sans-serif; max-width: 1200px; margin: 1em auto; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
td, th { border: 1px solid #ddd; padding: 2px 6px; }
th { background: #f0f0f0; } td.n { text-align: right; font-family: monospace; }
td.name { font-family: monospace; }
.best { font-weight: bold; background: #e8f6e8; }
.slower { background: #fbe3e3; } .faster { background: #e3f0fb; }
.caveat { background: #fff4d6; border: 1px solid #e0b000; padding: 0.5em 1em; }
img, svg { max-width: 100%; height: auto; }
"""


def esc(x):
    return html.escape(str(x))


def html_table(header, rows, classes=None):
    out = ["<table><tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header)]
    for i, r in enumerate(rows):
        cls = classes[i] if classes else [""] * len(r)
        out.append("<tr>%s</tr>" % "".join(
            '<td class="%s">%s</td>' % (c, esc(v)) for v, c in zip(r, cls)))
    out.append("</table>")
    return "\n".join(out)


def context_section(run):
    backends = run.backends()
    rows = []
    for k in CONTEXT_KEYS:
        vals = [str(run.contexts.get(be, {}).get(k, "")) for be in backends]
        if not any(vals):
            continue
        rows.append([k, vals[0] if len(set(vals)) == 1 else
                     "; ".join("%s: %s" % (be, v) for be, v in zip(backends, vals))])
    return "<h2>Context</h2>\n" + html_table(["key", "value"], rows,
                                            [["name", ""]] * len(rows))


def summary_section(run, metric="ns_per_page"):
    """summary.py's table in HTML: same cells, same units, same marks."""
    backends = run.backends()
    pub = {n: summary.published(run, n) for n in run.names()}
    show_pub = any(pub.values())
    rows, classes = [], []
    for name in run.names():
        vals, unit = summary.cells(run, name, metric)
        nums = {be: v[0] for be, v in vals.items() if v and not isinstance(v[0], str)}
        best = min(nums, key=nums.get) if len(nums) > 1 else None
        row = [name, unit]
        for be in backends:
            v = vals.get(be)
            row.append("-" if v is None else v[0] if isinstance(v[0], str) else
                       "%.4g%s" % (v[0], " *" if be == best else ""))
        rows.append(row + ([pub[name] or ""] if show_pub else []))
        classes.append(["name", ""] + ["n best" if be == best else "n"
                                       for be in backends] + ["n"] * show_pub)
    head = ["benchmark", "unit"] + backends + (["published*"] if show_pub else [])
    out = ["<h2>Summary: %s (median), fastest backend marked *</h2>"
           % metric.replace("_", " "), html_table(head, rows, classes)]
    if show_pub:
        out.append("<p>published*: ns per call published for another machine "
                   "(see the context); not measured here.</p>")
    return "\n".join(out)


def compare_table(title, rows, changes, thr):
    trs, classes = [], []
    for r in rows:
        trs.append([r.key, bl.fmt_ns(r.med_a), bl.fmt_ns(r.med_b),
                    "%+.1f%%" % (100 * r.change),
                    "[%.3f, %.3f]" % r.ci if r.ci else "-",
                    "%.2g" % r.q if r.q is not None else "-", r.verdict, r.note])
        v = r.verdict if r.verdict in ("slower", "faster") else ""
        classes.append(["name", "n", "n", "n " + v, "n", "n", v, ""])
    out = ["<h3>%s</h3>" % esc(title),
           html_table(["benchmark", "A median", "B median", "change", "B/A 95% CI",
                       "q (BH)", "verdict", "note"], trs, classes),
           "<p>Verdict: two-sided Mann-Whitney U over repetitions, "
           "Benjamini-Hochberg adjusted q &lt; %g, and |change| &gt; %g%%.</p>"
           % (bl.ALPHA, thr * 100)]
    if changes:
        out.append("<p><b>Behaviour changes</b> (deterministic counters, "
                   "compared exactly):</p>")
        out.append(html_table(["benchmark", "counter", "A", "B", "note"],
                              [[k, n, compare._fmtc(a), compare._fmtc(b), w]
                               for k, n, a, b, w in changes]))
    else:
        out.append("<p>Deterministic counters: identical.</p>")
    return "\n".join(out)


def comparisons_section(run, baseline, thr, field="real_time"):
    out = ["<h2>Comparisons</h2>",
           "<p>Times compared: %s.</p>" % ("CPU time of the benchmark thread"
                                           if field == "cpu_time" else
                                           "wall-clock time per call")]
    if baseline is not None:
        rows, changes = compare.compare(compare.pair_runs(baseline, run), bl.ALPHA,
                                        thr, field=field)
        out.append(compare_table("Baseline %s (A) vs this run %s (B)"
                                 % (baseline.label, run.label), rows, changes, thr))
    if len(run.backends()) > 1:
        if run.max_reps() < bl.UTEST_MIN:
            out.append("<p>Backends are not compared with a significance test: "
                       "this run has no repetitions (make bench PROFILE=full).</p>")
        else:
            for (a, b), pairs in compare.pair_within(run, "backend").items():
                rows, changes = compare.compare(pairs, bl.ALPHA, thr, field=field)
                out.append(compare_table("Backend %s (A) vs %s (B)" % (a, b),
                                         rows, changes, thr))
    return "\n".join(out) if len(out) > 2 else ""


def plots_section(run, rundir, svg, history_root, pattern=None):
    with tempfile.TemporaryDirectory() as tmp:
        outdir = os.path.join(rundir, "plots") if rundir else tmp
        files = plot.plot_run(run, outdir, history_root, pattern)
        out = ["<h2>Plots</h2>"]
        for f in files:
            if f.endswith(".svg") and svg:
                with open(f, encoding="utf-8") as fh:
                    text = fh.read()
                out.append("<figure>%s</figure>" % text[text.find("<svg"):])
            elif f.endswith(".png") and not svg:
                with open(f, "rb") as fh:
                    data = base64.b64encode(fh.read()).decode()
                out.append('<figure><img alt="%s" src="data:image/png;base64,%s">'
                           "</figure>" % (esc(os.path.basename(f)), data))
    return "\n".join(out)


def render(run, baseline=None, svg=False, rundir=None, history_root=None, thr=0.05,
           pattern=None, field="real_time"):
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
             "<title>io-pgtable-bench %s</title>" % esc(run.run_id),
             "<style>%s</style></head><body>" % CSS,
             "<h1>io-pgtable-bench: run %s on %s</h1>" % (esc(run.run_id),
                                                         esc(run.machine())),
             "<p>%d benchmarks, backends %s, %d repetition(s) per benchmark, "
             "core %s, commit %s.</p>" % (len(run.names()), esc(", ".join(run.backends())),
                                          run.max_reps(), esc(run.ctx("core", "?")),
                                          esc(run.ctx("commit", "?")))]
    cav = run.caveats()
    if cav:
        parts.append('<div class="caveat"><b>Read this first:</b><ul>%s</ul></div>'
                     % "".join("<li>%s</li>" % esc(c) for c in cav))
    errors = [b for b in run.benches.values() if b.error]
    if errors:
        parts.append("<p><b>Benchmarks that reported an error:</b></p>" + html_table(
            ["benchmark", "backend", "error"], [[b.name, b.backend, b.error] for b in errors]))
    parts += [summary_section(run), comparisons_section(run, baseline, thr, field),
              plots_section(run, rundir, svg, history_root, pattern),
              context_section(run),
              "<p>Generated by scripts/report.py from %s.</p>" % esc(", ".join(
                  os.path.relpath(f) for f in run.files)),
              "</body></html>"]
    return "\n".join(p for p in parts if p)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="*",
                    help="results/<host>/<run-id>/ or one JSON file "
                         "(default: the newest run under results/<host>/); "
                         "several runs, one per board: a report across boards (boards.py)")
    ap.add_argument("--baseline", help="also compare against this run (A)")
    ap.add_argument("--out", help="output file (default <run>/report.html)")
    ap.add_argument("--svg", action="store_true", help="inline SVG instead of PNG")
    ap.add_argument("--threshold", type=bl.number(0, 1000), default=5.0)
    ap.add_argument("--time", choices=("real", "cpu"), default="real",
                    help="compare wall-clock (default) or CPU time")
    ap.add_argument("--filter", help="only benchmarks matching REGEX")
    args = ap.parse_args(argv)
    if len(args.run) > 1:
        if args.baseline:
            raise bl.BenchError("a report across boards takes no --baseline "
                                "(use make compare A= B= for two runs)")
        import boards
        return boards.main(args.run + (["--out", args.out] if args.out else []) +
                           (["--filter", args.filter] if args.filter else []))
    args.run = args.run[0] if args.run else bl.latest_runs(1)[0]
    run = bl.filter_run(bl.load_run(args.run), args.filter)
    baseline = bl.load_run(args.baseline) if args.baseline else None
    isdir = os.path.isdir(args.run)
    # Plots go to <run>/plots as `make plot` puts them, unless --out sends
    # the report elsewhere (then the run directory is left untouched).
    # A committed run is never modified: its views go under build/views/.
    base = args.run if isdir else os.path.dirname(args.run) or "."
    rundir = os.path.dirname(bl.view_dir(base, "plots")) if isdir and not args.out else None
    root = os.path.dirname(os.path.abspath(args.run)) if isdir else None
    out = args.out or bl.view_dir(base, "report.html")
    page = render(run, baseline, args.svg, rundir, root, args.threshold / 100,
                  args.filter, args.time + "_time")
    bl.write_atomic(out, page)
    print("wrote %s (%d KiB)" % (out, len(page) // 1024))
    return 0


if __name__ == "__main__":
    bl.cli(main)
