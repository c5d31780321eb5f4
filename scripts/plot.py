#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Draw a run's plots as PNG and SVG into <run>/plots/.

  plot.py [--out DIR] [--history-root DIR] <run-dir|file>

Figures (each only when the run has the benchmarks it needs):
  backends-<concern>[-N]  ns per page per benchmark, a bar per backend
  pgcount                 pages/s against pgcount, a line per backend
  tlbi                    TLB commands and syncs per unmap by flush model
  coherence               coherent vs non-coherent walker: ns per page and
                          cache lines cleaned
  history                 ns per page across the runs next to this one
                          (results/<host>/), change points marked
Every figure names the machine and the run, has units on its axes, and
error bars from the repetitions (interquartile range); without repetitions
it says so in the figure. Emulated runs carry the QEMU caveat.
"""

import argparse
import io
import os
import re

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import benchlib as bl  # noqa: E402

# Same data, same SVG bytes: element ids from a fixed salt, not random.
plt.rcParams["svg.hashsalt"] = "io-pgtable-bench"

ROWS_PER_FIGURE = 40
MAX_PANELS = 6
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


# ---------------------------------------------------------------- helpers

def _small_png(data):
    """A palette PNG: a third of the bytes of matplotlib's RGBA output, no
    visible loss for line and bar plots; reports go into mails."""
    try:
        from PIL import Image
        im = Image.open(io.BytesIO(data)).convert("RGB")
        buf = io.BytesIO()
        im.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            buf, "PNG", optimize=True)
        return buf.getvalue() if buf.tell() < len(data) else data
    except Exception:
        return data


def save(fig, base):
    """Write base.png and base.svg atomically; return their paths."""
    out = []
    for fmt in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=110, bbox_inches="tight",
                    metadata={"Date": None} if fmt == "svg" else None)
        path = "%s.%s" % (base, fmt)
        data = buf.getvalue()
        bl.write_atomic(path, _small_png(data) if fmt == "png" else data)
        out.append(path)
    plt.close(fig)
    return out


def stamp(fig, run, what, notes=()):
    """Title naming what, the run and the machine; caveats at the bottom."""
    fig.suptitle("%s\n%s, run %s, core %s, commit %s"
                 % (what, run.machine(), run.run_id, run.ctx("core", "?"),
                    run.ctx("commit", "?")), fontsize=10)
    lines = list(notes)
    if run.max_reps() < 2:
        lines.append("No repetitions in this run: no error bars "
                     "(make bench PROFILE=full runs 9).")
    else:
        lines.append("Bars/points: median of %d repetitions; error bars: "
                     "interquartile range." % run.max_reps())
    lines += [c for c in run.caveats() if not c.startswith("No repetitions")]
    fig.text(0.01, -0.01, "\n".join(_wrap(x) for x in lines), fontsize=7,
             va="top", ha="left", color="#803000" if run.caveats() else "#333333")


def _wrap(text, width=150):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w).strip()
    return "\n".join(lines + [cur])


def med_err(values):
    """Median and (lower, upper) error-bar lengths from the IQR."""
    med, q1, q3 = bl.spread(values)
    return med, (max(med - q1, 0.0), max(q3 - med, 0.0))


def log_if_wide(ax, values, axis="x"):
    v = [x for x in values if x and x > 0 and np.isfinite(x)]
    if v and max(v) / min(v) > 30:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
        if any(x == 0 for x in values):
            ax.text(0.99, 0.99, "zeros are not drawn on a log axis",
                    transform=ax.transAxes, ha="right", va="top", fontsize=7)
        return True
    return False


def _concern(name):
    return bl.parse_name(name)["concern"]


# ------------------------------------------------------------- figures

def plot_backends(run, outdir):
    """Per concern: horizontal bars of ns per page, one per backend."""
    files = []
    backends = run.backends()
    by_concern = {}
    for name in run.names():
        by_concern.setdefault(_concern(name), []).append(name)
    for concern, names in sorted(by_concern.items()):
        names.sort(key=lambda n: (bl.family(n), n))
        pages = [names[i:i + ROWS_PER_FIGURE]
                 for i in range(0, len(names), ROWS_PER_FIGURE)]
        for pi, page in enumerate(pages):
            base = "backends-%s%s" % (re.sub(r"\W+", "_", concern),
                                      "-%d" % (pi + 1) if len(pages) > 1 else "")
            files += _backend_figure(run, concern, page, backends,
                                     os.path.join(outdir, base),
                                     "" if len(pages) == 1 else
                                     " (%d/%d)" % (pi + 1, len(pages)))
    return files


def _backend_figure(run, concern, names, backends, base, part):
    n, nb = len(names), len(backends)
    fig, ax = plt.subplots(layout="constrained", figsize=(11, 1.2 + 0.28 * n * max(1, nb / 2)))
    height = 0.8 / nb
    allv, per_call = [], False
    for j, be in enumerate(backends):
        ys, xs, errs = [], [], [[], []]
        for i, name in enumerate(names):
            b = run.benches.get((be, name))
            if b is None or b.error:
                continue
            v = b.metric("ns_per_page")
            if not len(v):
                v, per_call = b.metric("ns_per_call"), True
            med, (lo, hi) = med_err(v)
            ys.append(n - 1 - i + (nb - 1 - j - (nb - 1) / 2) * height)
            xs.append(med)
            errs[0].append(lo)
            errs[1].append(hi)
        allv += xs
        ax.barh(ys, xs, height=height, xerr=errs if run.max_reps() > 1 else None,
                label=be, color=COLORS[j % len(COLORS)], capsize=2,
                error_kw={"elinewidth": 0.8})
    ax.set_yticks(range(n))
    ax.set_yticklabels([bl.short_name(x) for x in reversed(names)], fontsize=7)
    log = log_if_wide(ax, allv, "x")
    ax.set_xlabel("ns per page%s%s (lower is better)" % (
        " (ns per call where a benchmark reports no pages)" if per_call else "",
        ", log scale" if log else ""))
    ax.set_ylabel("benchmark (%s/<core>/...)" % concern)
    ax.grid(axis="x", alpha=0.3, which="both")
    ax.legend(title="backend", fontsize=8, loc="best")
    stamp(fig, run, "%s: ns per page by backend%s" % (concern, part))
    return save(fig, base)


def _pick(keys, limit):
    """Prefer the plain variants: sequential IOVAs, warm tables, coherent."""
    def score(k):
        return -sum(s in k for s in ("pattern:seq", "tables:warm",
                                     "walk:coherent", "s1-4k"))
    return sorted(keys, key=lambda k: (score(k), k))[:limit]


def plot_pgcount(run, outdir):
    """pages/s against pgcount for series that vary only in count."""
    series = {}
    for (be, name), b in run.benches.items():
        c = bl.parse_name(name)["params"].get("count")
        if c is None or not c.isdigit() or b.error or \
                _concern(name) not in ("map", "unmap"):
            continue
        key = bl.replace_param(name, "count", "N")
        series.setdefault(key, {}).setdefault(be, {})[int(c)] = b
    series = {k: v for k, v in series.items()
              if max(len(x) for x in v.values()) >= 2}
    if not series:
        return []
    # Half map, half unmap; most pgcount points first, then plain variants.
    npts = {k: max(len(x) for x in v.values()) for k, v in series.items()}
    keys = []
    for concern in ("map", "unmap"):
        ks = [k for k in series if _concern(k) == concern]
        ks = sorted(_pick(ks, len(ks)), key=lambda k: -npts[k])
        keys += ks[:MAX_PANELS // 2]
    cols = min(3, len(keys))
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, layout="constrained", figsize=(5 * cols, 3.6 * rows),
                             squeeze=False)
    for ax, key in zip(axes.flat, keys):
        allv = []
        for j, be in enumerate(sorted(series[key])):
            pts = sorted(series[key][be].items())
            xs, ys, errs = [], [], [[], []]
            for c, b in pts:
                v = b.metric("pages_per_s")
                if not len(v):
                    continue
                med, (lo, hi) = med_err(v)
                xs.append(c)
                ys.append(med)
                errs[0].append(lo)
                errs[1].append(hi)
            allv += ys
            ax.errorbar(xs, ys, yerr=errs if run.max_reps() > 1 else None,
                        marker="o", ms=4, capsize=2, label=be,
                        color=COLORS[j % len(COLORS)])
        ax.set_xscale("log", base=2)
        counts = sorted({c for v in series[key].values() for c in v})
        ax.set_xticks(counts)
        ax.set_xticklabels([str(c) for c in counts])
        ax.minorticks_off()
        ax.set_title(key.replace("/%s/" % bl.parse_name(key)["core"], "/", 1),
                     fontsize=7)
        ax.set_xlabel("pgcount (pages per call, log2 scale)")
        log = log_if_wide(ax, allv, "y")
        ax.set_ylabel("throughput (pages/s%s)" % (", log scale" if log else ""))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    for ax in axes.flat[len(keys):]:
        ax.axis("off")
    notes = ["%d of %d series shown (most pgcounts, then seq/warm/coherent)."
             % (len(keys), len(series))] if len(series) > len(keys) else []
    stamp(fig, run, "Throughput vs pgcount (higher is better)", notes)
    return save(fig, os.path.join(outdir, "pgcount"))


def _tlbi_model(params):
    """The flush model's label: model plus its variant (smmuv3 inv:range)."""
    return "/".join([params["model"]] + ["%s:%s" % (k, params[k])
                                         for k in ("inv",) if k in params])


def plot_tlbi(run, outdir):
    """TLB commands and syncs per unmap, and ns per unmap, by flush model.

    One granule (s1-4k when present), the unmap rows (op:unmap when the
    benchmarks say), per-command cost 0 for the emulated command queue:
    one bar per model for every unmapped size.
    """
    benches = []
    for b in run.benches.values():
        n = bl.parse_name(b.name)
        p = n["params"]
        if _concern(b.name) != "tlbi" or b.error or "model" not in p or \
                "size" not in p or p.get("op", "unmap") != "unmap" or \
                p.get("cmdns", "0") != "0":
            continue
        benches.append((n["fmt"], b))
    if not benches:
        return []
    fmts = sorted({f for f, _ in benches})
    fmt = "s1-4k" if "s1-4k" in fmts else fmts[0]
    be0 = sorted({b.backend for f, b in benches if f == fmt})
    be0 = "libc" if "libc" in be0 else be0[0]
    table = {}
    for f, b in benches:
        if f == fmt and b.backend == be0:
            p = bl.parse_name(b.name)["params"]
            table[(p["size"], _tlbi_model(p))] = b
    sizes = sorted({s for s, _ in table}, key=lambda s: (bl.parse_size(s) or 0, s))
    models = sorted({m for _, m in table})
    panels = [("tlb_cmds", "invalidation commands per unmap"),
              ("tlb_syncs", "syncs per unmap"),
              ("ns_per_call", "ns per unmap")]
    fig, axes = plt.subplots(1, 3, layout="constrained", figsize=(17, 5))
    x = np.arange(len(sizes))
    width = 0.8 / len(models)
    for ax, (metric, label) in zip(axes, panels):
        vals = []
        for j, m in enumerate(models):
            ys, errs = [], [[], []]
            for sz in sizes:
                b = table.get((sz, m))
                v = b.metric(metric) if b else np.array([])
                med, (lo, hi) = med_err(v) if len(v) else (np.nan, (0, 0))
                ys.append(med)
                errs[0].append(lo)
                errs[1].append(hi)
            vals += ys
            timed = metric == "ns_per_call" and run.max_reps() > 1
            ax.bar(x + (j - (len(models) - 1) / 2) * width, ys, width,
                   yerr=errs if timed else None, capsize=2, label=m,
                   color=COLORS[j % len(COLORS)])
        log = log_if_wide(ax, vals, "y")
        ax.set_xticks(x)
        ax.set_xticklabels(sizes)
        ax.set_ylabel(label + (" (log scale)" if log else ""))
        ax.set_xlabel("unmapped region (%s; page sizes chosen by the IOMMU core)" % fmt)
        ax.grid(axis="y", alpha=0.3, which="both")
        if all(not np.isfinite(v) for v in vals):
            ax.text(0.5, 0.5, "no '%s' counter in this run" % metric,
                    transform=ax.transAxes, ha="center")
    axes[0].legend(title="flush model", fontsize=7)
    notes = ["Commands and syncs are deterministic counts (no error bars); "
             "time has error bars where there are repetitions. Emulated "
             "command queue at 0 ns per command."]
    if len(fmts) > 1:
        notes.append("Shown: %s; the run also has %s." % (
            fmt, ", ".join(f for f in fmts if f != fmt)))
    stamp(fig, run, "TLB invalidation per unmap by flush model (backend %s)" % be0,
          notes)
    return save(fig, os.path.join(outdir, "tlbi"))


def plot_coherence(run, outdir):
    """walk:coherent against walk:noncoherent, same benchmark otherwise."""
    pairs = {}
    for (be, name), b in run.benches.items():
        w = bl.parse_name(name)["params"].get("walk")
        if w in ("coherent", "noncoherent") and not b.error:
            pairs.setdefault((be, bl.replace_param(name, "walk", None)), {})[w] = b
    pairs = {k: v for k, v in pairs.items() if len(v) == 2}
    if not pairs:
        return []
    backends = sorted({be for be, _ in pairs})
    be0 = "libc" if "libc" in backends else backends[0]
    keys = sorted(n for be, n in pairs if be == be0)[:ROWS_PER_FIGURE]
    fig, (ax, ax2) = plt.subplots(1, 2, layout="constrained", sharey=True,
                                  figsize=(14, 1.5 + 0.32 * len(keys)),
                                  gridspec_kw={"width_ratios": [3, 2]})
    y = np.arange(len(keys))[::-1]
    allv = []
    for j, w in enumerate(("coherent", "noncoherent")):
        xs, errs = [], [[], []]
        for k in keys:
            v = pairs[(be0, k)][w].metric("ns_per_page")
            med, (lo, hi) = med_err(v) if len(v) else (np.nan, (0, 0))
            xs.append(med)
            errs[0].append(lo)
            errs[1].append(hi)
        allv += xs
        ax.barh(y + (0.2 if j == 0 else -0.2), xs, 0.4,
                xerr=errs if run.max_reps() > 1 else None, capsize=2,
                label="walk:" + w, color=COLORS[j])
    ax.set_yticks(y)
    ax.set_yticklabels([bl.short_name(k) for k in keys], fontsize=7)
    log = log_if_wide(ax, allv, "x")
    ax.set_xlabel("ns per page%s" % (", log scale" if log else ""))
    ax.grid(axis="x", alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title("time (backend %s)" % be0, fontsize=9)
    counts = []
    for j, (metric, label) in enumerate((("lines_cleaned", "cache lines cleaned"),
                                         ("barriers", "barriers"))):
        xs = []
        for k in keys:
            b = pairs[(be0, k)]["noncoherent"]
            v = b.metric(metric)
            if not len(v) and metric == "lines_cleaned":
                v = b.metric("cache_lines")
            ppc = b.pages_per_call() or 1
            xs.append(float(np.median(v)) / ppc if len(v) else np.nan)
        counts += xs
        ax2.barh(y + (0.2 if j == 0 else -0.2), xs, 0.4, label=label,
                 color=COLORS[2 + j])
    # sharey: the rows line up with the time panel's labels.
    log2 = log_if_wide(ax2, counts, "x")
    ax2.set_xlabel("per page, non-coherent walker (count%s)"
                   % (", log scale" if log2 else ""))
    ax2.set_title("cache maintenance issued (deterministic counts)", fontsize=9)
    ax2.grid(axis="x", alpha=0.3)
    ax2.legend(fontsize=8)
    notes = [] if any(c.startswith("Cache maintenance") for c in run.caveats()) \
        else ["Cache maintenance: %s" % run.ctx("cache_maint", "not recorded")]
    stamp(fig, run, "Coherent vs non-coherent table walker", notes)
    return save(fig, os.path.join(outdir, "coherence"))


def plot_history(series, metric, base, runs):
    """Up to MAX_PANELS series over runs, change points marked in red.

    series: benchlib.Series objects (with .runs, .values, .samples, .points).
    """
    # Series with change points first, then the plain map/unmap rows.
    plain = {k: i for i, k in enumerate(_pick([s.name for s in series], len(series)))}
    chosen = sorted(series, key=lambda s: (
        not s.points, _concern(s.name) not in ("map", "unmap"),
        plain[s.name], s.label))[:MAX_PANELS]
    cols = min(2, len(chosen))
    rows = (len(chosen) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, layout="constrained", figsize=(7 * cols, 3.4 * rows),
                             squeeze=False)
    order = {r.label: i for i, r in enumerate(runs)}
    for ax, s in zip(axes.flat, chosen):
        xs = [order[r.label] for r in s.runs]
        meds, errs = [], [[], []]
        for v in s.samples:
            med, (lo, hi) = med_err(v)
            meds.append(med)
            errs[0].append(lo)
            errs[1].append(hi)
        has_reps = max(len(v) for v in s.samples) > 1
        ax.errorbar(xs, meds, yerr=errs if has_reps else None, marker="o",
                    ms=4, capsize=2, color=COLORS[0])
        for i, before, after, conf in s.points:
            ax.axvline(xs[i] - 0.5, color="red", ls="--", lw=1)
            ax.annotate("%+.1f%%" % (100 * (after / before - 1)) if before else "new",
                        (xs[i] - 0.5, after), color="red", fontsize=8,
                        xytext=(3, 3), textcoords="offset points")
        ax.set_title(s.label, fontsize=7)
        ax.set_xticks(xs)
        ax.set_xticklabels([_run_tick(r) for r in s.runs], rotation=45,
                           ha="right", fontsize=6)
        ax.set_xlabel("run (oldest first)")
        ax.set_ylabel(_metric_label(metric))
        ax.grid(alpha=0.3)
        if not has_reps:
            ax.text(0.01, 0.97, "no repetitions: no error bars",
                    transform=ax.transAxes, fontsize=7, va="top")
    for ax in axes.flat[len(chosen):]:
        ax.axis("off")
    last = runs[-1]
    host = last.host
    fig.suptitle("History of %s on %s: %d runs, %s to %s\nred dashed line: "
                 "change point (significant step)" % (
                     metric, host, len(runs), runs[0].label, last.label),
                 fontsize=10)
    notes = ["%d of %d series shown (those with change points first, then "
             "plain map/unmap rows)."
             % (len(chosen), len(series))] if len(series) > len(chosen) else []
    notes += ["Points: median over repetitions; error bars: interquartile range."]
    notes += [c for c in last.caveats() if not c.startswith("No repetitions")]
    fig.text(0.01, -0.01, "\n".join(_wrap(x) for x in notes), fontsize=7,
             va="top")
    return save(fig, base)


def _run_tick(run):
    """'11-01 10:00 abc1234' from a run id 'YYYYmmddTHHMMSSZ-<commit>'."""
    m = re.match(r"\d{4}(\d\d)(\d\d)T(\d\d)(\d\d)\d\dZ-?(.*)", run.label)
    if not m:
        return run.label[:20]
    return "%s-%s %s:%s %s" % (m.group(1), m.group(2), m.group(3), m.group(4),
                               m.group(5)[:14])


def _metric_label(metric):
    return {"ns_per_page": "ns per page", "ns_per_call": "ns per call",
            "real_time": "ns per call", "cpu_time": "CPU ns per call",
            "pages_per_s": "pages/s"}.get(metric, "%s (count per call)" % metric)


def history_for(run, root, outdir, metric="ns_per_page", pattern=None):
    """The history figure for the runs around this one, if there are 2+."""
    try:
        runs, _ = bl.find_runs(root)
    except bl.BenchError:
        return []
    # Same platform, and nothing newer than the run being plotted.
    runs = [r for r in runs if r.platform() == run.platform() and
            (r.time, r.label) <= (run.time, run.label)]
    if len(runs) < 2:
        return []
    series = bl.collect_series(runs, metric, pattern)
    series = [s for s in series if len(s.values) >= 2]
    if not series:
        return []
    bl.detect_changes(series, metric, bl.ALPHA, 0.05)
    return plot_history(series, metric, os.path.join(outdir, "history"), runs)


def plot_run(run, outdir, history_root=None, pattern=None):
    files = []
    for fn in (plot_backends, plot_pgcount, plot_tlbi, plot_coherence):
        files += fn(run, outdir)
    if history_root:
        files += history_for(run, history_root, outdir, pattern=pattern)
    return files


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="?",
                    help="results/<host>/<run-id>/ or one JSON file "
                         "(default: the newest run under results/<host>/)")
    ap.add_argument("--out", help="output directory (default <run>/plots, or "
                                  "build/views/<host>/<run-id>/plots for a "
                                  "committed run: never modified)")
    ap.add_argument("--history-root",
                    help="directory of runs for the history figure "
                         "(default: the run's parent directory)")
    ap.add_argument("--filter", help="only benchmarks matching REGEX")
    args = ap.parse_args(argv)
    args.run = args.run or bl.latest_runs(1)[0]
    run = bl.filter_run(bl.load_run(args.run), args.filter)
    rundir = args.run if os.path.isdir(args.run) else os.path.dirname(args.run) or "."
    outdir = args.out or bl.view_dir(rundir, "plots")
    root = args.history_root or (os.path.dirname(os.path.abspath(rundir))
                                 if os.path.isdir(args.run) else None)
    files = plot_run(run, outdir, root, args.filter)
    for f in files:
        print("wrote", f)
    return 0


if __name__ == "__main__":
    bl.cli(main)
