# SPDX-License-Identifier: GPL-2.0
"""Shared loading and statistics for the io-pgtable-bench results scripts.

What this module promises:
  * load_run(path) reads a run (a results directory of <backend>.json files,
    or one Google Benchmark JSON file) into Bench objects keyed by
    (backend, name), keeping every repetition; bad input raises BenchError
    with a one-line message that names the file and the problem.
  * per-benchmark metrics per repetition: ns per call, ns per page (pages per
    call derived from items_per_second and the time base Google Benchmark
    used for the rate), pages/s, and user counters.
  * statistics: Mann-Whitney U (Google Benchmark's own calc_utest from
    Debian's libbenchmark-tools when present), Welch's t-test from
    aggregates when only aggregates were written, a bootstrap CI of the
    ratio of medians, Benjamini-Hochberg adjustment, and change-point
    detection (CUSUM with a permutation test, binary segmentation).
  * write_atomic(): every output file is written to a temporary name in the
    same directory and renamed into place.
  * a run directory holding INCOMPLETE (bench.sh's marker, removed only after
    every backend's JSON was checked) or a hidden .tmp file is refused by
    load_run() unless the caller asks for it, and then carries a caveat;
    check_results() is that check: the JSON parses and holds every benchmark
    the binary was asked to run.

Only the standard library, numpy and scipy are used (Debian packages).
"""

import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

import numpy as np
from scipy import stats

# Debian's libbenchmark-tools ships Google Benchmark's compare.py modules here.
GBENCH_TOOLS = "/usr/share/benchmark"

# Counters that count what the code did per call, not how long it took: any
# change between two runs of the same benchmark is a behaviour change.
# pgtable_bytes is not among them: the suite reports the bytes held at the
# end of the benchmark, which grows with the iteration count Google
# Benchmark picks (compare.py --exact pgtable_bytes compares it anyway).
DETERMINISTIC = ("pte_writes", "tables_alloc", "tables_freed",
                 "lines_cleaned", "cache_lines", "barriers", "tlb_cmds",
                 "tlb_syncs", "tlb_add_page", "tlb_flush_walk",
                 "dma_maps", "dma_syncs", "incoherent_starts",
                 "incoherent_flushes")
# Context keys under the names the suite has used for them.
CONTEXT_ALIASES = {"cache_maint": ("cache_maint", "cache_maintenance"),
                   "caches": ("cpu_caches", "caches"),
                   "host_name": ("host", "host_name")}

# Keys of a Google Benchmark row that are not user counters.
ROW_KEYS = {"name", "family_index", "per_family_instance_index", "run_name",
            "run_type", "repetitions", "repetition_index", "threads",
            "iterations", "real_time", "cpu_time", "time_unit",
            "aggregate_name", "aggregate_unit", "label", "error_occurred",
            "error_message", "big_o", "rms", "complexity"}

# Name suffixes Google Benchmark appends for run options, not for what is
# measured: stripped so that names line up across profiles.
_OPTION_SUFFIX = re.compile(r"/(repeats|min_time|min_warmup_time|iterations)"
                            r":[^/]+|/(real_time|manual_time)(?=/|$)")
_TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
_RUN_ID_TIME = re.compile(r"^(\d{8}T\d{6}Z)")

ALPHA = 0.05
UTEST_MIN = 2       # below this no test at all (as Google Benchmark)
UTEST_OPTIMAL = 9   # Google Benchmark's recommendation


class BenchError(Exception):
    """A problem with the input, reported as one line, never a traceback."""


# ----------------------------------------------------------------- names

def strip_options(name):
    return _OPTION_SUFFIX.sub("", name)


def parse_name(name):
    """Split `<concern>/<core>/<fmt>-<granule>/<key>:<value>/...`.

    Returns a dict with concern, core, fmt (e.g. "s1-4k"), params (ordered
    key -> value) and rest (components that are not key:value). Names that do
    not follow the scheme still parse: missing parts are "".
    """
    parts = name.split("/")
    out = {"concern": parts[0], "core": "", "fmt": "", "params": {}, "rest": []}
    i = 1
    for field in ("core", "fmt"):
        if i < len(parts) and ":" not in parts[i]:
            out[field] = parts[i]
            i += 1
    for p in parts[i:]:
        if ":" in p:
            k, v = p.split(":", 1)
            out["params"][k] = v
        else:
            out["rest"].append(p)
    return out


def replace_param(name, key, value):
    """The name with one key:value component replaced (or dropped if None)."""
    out = []
    for p in name.split("/"):
        if p.startswith(key + ":"):
            if value is None:
                continue
            p = "%s:%s" % (key, value)
        out.append(p)
    return "/".join(out)


def family(name):
    """The benchmark family used to group plots: concern/fmt-granule."""
    n = parse_name(name)
    return "/".join(x for x in (n["concern"], n["fmt"]) if x)


def short_name(name):
    """The name without its concern and core, for table rows and labels."""
    n = parse_name(name)
    bits = [n["fmt"]] if n["fmt"] else []
    bits += ["%s:%s" % kv for kv in n["params"].items()] + n["rest"]
    return "/".join(bits) or name


def parse_size(text):
    """'4k' -> 4096, '2M' -> 2 MiB, '512' -> 512; None when not a size."""
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text or "")
    if not m:
        return None
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    return int(m.group(1)) * mult


# --------------------------------------------------------------- loading

class Bench:
    """One benchmark of one backend in one run: every repetition kept."""

    def __init__(self, name, backend, context, path):
        self.name = name
        self.backend = backend
        self.context = context
        self.path = path
        self.reps = []      # iteration rows
        self.aggregates = {}    # aggregate_name -> row
        self.error = None
        self.real_time_based = False

    @property
    def core(self):
        return parse_name(self.name)["core"] or self.context.get("core", "")

    @property
    def nreps(self):
        if self.reps:
            return len(self.reps)
        if self.aggregates:
            return int(_first(self.aggregates).get("repetitions", 1))
        return 0

    def _rows(self):
        """Per-repetition rows; an aggregate stands in if there are none."""
        if self.reps:
            return self.reps
        for agg in ("median", "mean"):
            if agg in self.aggregates:
                return [self.aggregates[agg]]
        return []

    def times_ns(self, field="real_time"):
        return np.array([_ns(r, field) for r in self._rows()], dtype=float)

    def pages_per_call(self):
        """Pages per iteration, from items_per_second and the rate's time base.

        Google Benchmark divides items by CPU time unless the benchmark
        uses real or manual time (then its name says so), so multiply back
        by the same time. A "pages" counter, if present, wins.
        """
        rows = self._rows()
        if not rows:
            return None
        if "pages" in rows[0]:
            return float(rows[0]["pages"])
        field = "real_time" if self.real_time_based else "cpu_time"
        vals = [r["items_per_second"] * _ns(r, field) * 1e-9
                for r in rows if _num(r.get("items_per_second"))]
        if not vals:
            return None
        v = float(np.median(vals))
        if v <= 0:
            return None
        r = round(v)
        return float(r) if r >= 1 and abs(v - r) <= 0.01 * r else v

    def metric(self, metric):
        """Per-repetition values of a metric as a numpy array (may be empty).

        ns_per_call (= real_time), cpu_ns_per_call (= cpu_time), ns_per_page,
        cpu_ns_per_page, pages_per_s; anything else is a user counter.
        """
        if metric in ("ns_per_call", "real_time"):
            return self.times_ns("real_time")
        if metric in ("cpu_ns_per_call", "cpu_time"):
            return self.times_ns("cpu_time")
        if metric in ("ns_per_page", "cpu_ns_per_page"):
            ppc = self.pages_per_call()
            if not ppc:
                return np.array([])
            field = "cpu_time" if metric.startswith("cpu") else "real_time"
            return self.times_ns(field) / ppc
        if metric in ("pages_per_s", "items_per_second"):
            ppc = self.pages_per_call()
            if not ppc:
                return np.array([])
            return ppc * 1e9 / self.times_ns("real_time")
        return np.array([float(r[metric]) for r in self._rows()
                         if _num(r.get(metric))], dtype=float)

    def counters(self):
        """User counters: name -> list of per-repetition values."""
        out = {}
        for r in self._rows():
            for k, v in r.items():
                if k in ROW_KEYS or k in ("items_per_second",
                                          "bytes_per_second"):
                    continue
                if _num(v):
                    out.setdefault(k, []).append(float(v))
        return out

    def min_iterations(self):
        its = [r.get("iterations") for r in self._rows() if _num(r.get("iterations"))]
        return min(its) if its else 1

    def stddev_ns(self, field="real_time"):
        row = self.aggregates.get("stddev")
        return _ns(row, field) if row else None


def _first(d):
    return next(iter(d.values()))


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _ns(row, field):
    unit = row.get("time_unit", "ns")
    return float(row[field]) * _TIME_UNIT_NS.get(unit, 1.0)


def load_json(path):
    """Parse one Google Benchmark JSON file or raise BenchError."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise BenchError("%s: cannot read: %s" % (path, e.strerror or e))
    if not raw.strip():
        raise BenchError("%s: empty file (did the benchmark run crash?)" % path)
    try:
        doc = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as e:
        raise BenchError("%s: not valid JSON, truncated or corrupt "
                         "(line %s column %s)" % (path, getattr(e, "lineno", "?"),
                                                  getattr(e, "colno", "?")))
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise BenchError("%s: not Google Benchmark JSON (no 'benchmarks' list)" % path)
    if not isinstance(doc.get("context", {}), dict):
        raise BenchError("%s: 'context' is not an object" % path)
    return doc


def _add_rows(benches, doc, path, backend_hint):
    ctx = doc.get("context", {}) or {}
    backend = str(ctx.get("backend") or backend_hint)
    for i, row in enumerate(doc["benchmarks"]):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise BenchError("%s: benchmark #%d has no name" % (path, i))
        run_type = row.get("run_type", "iteration")
        base = row.get("run_name", row["name"])
        if run_type == "aggregate" and "run_name" not in row:
            base = re.sub(r"_[a-z]+$", "", base)
        name = strip_options(base)
        key = (backend, name)
        b = benches.get(key)
        if b is None:
            b = benches[key] = Bench(name, backend, ctx, path)
            b.real_time_based = bool(re.search(r"/(real|manual)_time(/|$)", base))
        if row.get("error_occurred"):
            b.error = str(row.get("error_message", "error"))
            continue
        if not _num(row.get("real_time")) or not _num(row.get("cpu_time")):
            raise BenchError("%s: benchmark '%s' has no numeric real_time/cpu_time"
                             % (path, row["name"]))
        if run_type == "aggregate":
            b.aggregates[str(row.get("aggregate_name", "?"))] = row
        else:
            b.reps.append(row)
    return ctx, backend


class Run:
    """A run: one or more JSON files, benchmarks keyed by (backend, name)."""

    def __init__(self, path):
        self.path = path.rstrip("/") or path
        self.files = []
        self.failed = []	# <backend>.failed.json: a binary that failed
        self.incomplete = ""	# why the run did not finish, "" if it did
        self.contexts = {}  # backend -> context
        self.benches = {}

    @property
    def label(self):
        return os.path.basename(self.path)

    @property
    def context(self):
        return _first(self.contexts) if self.contexts else {}

    def ctx(self, key, default=""):
        """A context value, or the distinct values joined when backends differ."""
        vals = []
        for c in self.contexts.values():
            for k in CONTEXT_ALIASES.get(key, (key,)):
                v = c.get(k)
                if v not in (None, "") and not isinstance(v, (list, dict)):
                    if str(v) not in vals:
                        vals.append(str(v))
                    break
        return ", ".join(vals) if vals else default

    @property
    def host(self):
        return self.ctx("host_name") or os.path.basename(os.path.dirname(
            os.path.abspath(self.path))) or "?"

    @property
    def run_id(self):
        return self.ctx("run_id") or self.label

    @property
    def time(self):
        """When the run happened: run_id's timestamp, else the JSON date."""
        m = _RUN_ID_TIME.match(self.run_id) or _RUN_ID_TIME.match(self.label)
        if m:
            return datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(
                tzinfo=timezone.utc)
        date = self.ctx("date").split(",")[0]
        try:
            t = datetime.fromisoformat(date)
            return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
        except ValueError:
            return datetime.fromtimestamp(os.path.getmtime(self.files[0]),
                                          timezone.utc)

    def backends(self):
        return sorted({b for b, _ in self.benches})

    def names(self):
        return sorted({n for _, n in self.benches})

    def max_reps(self):
        return max((b.nreps for b in self.benches.values()), default=0)

    def platform(self):
        """What a number's scale depends on besides the code: the
        architecture and whether it ran under an emulator."""
        arch = self.ctx("arch", "?")
        emu = self.ctx("emulated", "no")
        return arch if emu.lower() in ("no", "") else "%s (emulated)" % arch

    def machine(self):
        """'host (cpu model, arch)' for figure titles."""
        bits = [self.ctx("cpu_model"), self.ctx("arch")]
        bits = [b for b in bits if b]
        return "%s (%s)" % (self.host, ", ".join(bits)) if bits else self.host

    def _loaded_machine(self):
        """Say so when the wall-clock time is far above the CPU time: the
        benchmark thread waited for a CPU (a loaded machine)."""
        ratios = []
        for b in self.benches.values():
            if b.error or b.name.startswith(("tlbi/", "concurrent/")):
                continue
            r, c = b.times_ns("real_time"), b.times_ns("cpu_time")
            if len(r) and np.median(c) > 0:
                ratios.append(np.median(r) / np.median(c))
        if ratios and np.median(ratios) > 1.3:
            return ("Real time is %.1fx the CPU time (median over benchmarks): "
                    "the machine was busy; compare with --time cpu, or rerun "
                    "on an idle machine." % np.median(ratios))
        return ""

    def caveats(self):
        """Plain statements a reader must see next to the numbers."""
        out = []
        if self.incomplete:
            out.append("INCOMPLETE RUN: %s. Backends or benchmarks may be "
                       "missing; do not use it as a result." % self.incomplete)
        for f in self.failed:
            out.append("%s: that binary failed during the run; its partial "
                       "results are not shown." % os.path.basename(f))
        errs = sorted({b.name for b in self.benches.values() if b.error})
        if errs:
            out.append("%d benchmark(s) reported an error instead of a time "
                       "(e.g. %s)." % (len(errs), errs[0]))
        if self._loaded_machine():
            out.append(self._loaded_machine())
        emu = self.ctx("emulated", "")
        if emu and emu.lower() not in ("no", "native", "false", "0"):
            out.append("Emulated (%s): times are emulator times, not hardware "
                       "times (not cycle-accurate); QEMU models no caches, so "
                       "DC CVAC is a no-op there and only the cache-maintenance "
                       "counts mean anything." % emu)
        cm = self.ctx("cache_maint")
        if cm and re.search(r"none|no-op|unavailable|not supported", cm, re.I):
            out.append("Cache maintenance: %s." % cm)
        pc = self.ctx("perf_counters")
        if pc and re.search(r"^(no|none|unavailable)", pc, re.I):
            out.append("Hardware perf counters: %s." % pc)
        if self.max_reps() < 2:
            out.append("No repetitions: no error bars and no significance "
                       "tests (make bench PROFILE=full runs 9).")
        if self.ctx("dirty") in ("1", "yes", "true", "True"):
            out.append("Built from a dirty tree (commit %s + local changes)."
                       % self.ctx("commit", "?"))
        return out


INCOMPLETE = "INCOMPLETE"


def incomplete_reason(path):
    """Why the run at path (a directory or one of its files) is not complete,
    or "": bench.sh's INCOMPLETE marker, or a result still being written."""
    d = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    marker = os.path.join(d, INCOMPLETE)
    if os.path.exists(marker):
        try:
            with open(marker, errors="replace") as f:
                why = " ".join(f.read().split())
        except OSError:
            why = ""
        return why or "the run did not finish"
    tmp = sorted(glob.glob(os.path.join(d, ".*.tmp")))
    if tmp:
        return "%s is still being written (or was left by an interrupted run)" \
            % os.path.basename(tmp[0])
    return ""


def check_results(path, expected):
    """Raise BenchError unless the JSON at path parses and holds a result or
    an error for every name in expected (what --benchmark_list_tests said
    the same command would run), and nothing else."""
    doc = load_json(path)
    got = set()
    for row in doc["benchmarks"]:
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            got.add(row.get("run_name", row["name"]))
    want = set(expected)
    if not want:
        raise BenchError("%s: no benchmark was expected (empty list)" % path)
    missing = sorted(want - got)
    if missing:
        raise BenchError("%s: %d of %d benchmarks missing (first: %s)"
                         % (path, len(missing), len(want), missing[0]))
    extra = sorted(got - want)
    if extra:
        raise BenchError("%s: %d benchmarks that were not asked for (first: %s)"
                         % (path, len(extra), extra[0]))
    return len(want)


def run_files(path):
    """The result files of a run. bench.sh keeps a crashed binary's partial
    output as <backend>.failed.json: never a result, so left out."""
    if os.path.isdir(path):
        files = sorted(f for f in glob.glob(os.path.join(path, "*.json"))
                       if not f.endswith(".failed.json"))
        if not files:
            raise BenchError("%s: no *.json result files in this directory" % path)
        return files
    if os.path.exists(path):
        return [path]
    raise BenchError("%s: no such file or directory" % path)


def load_run(path, allow_incomplete=False):
    """Load a run directory or a single JSON file; raise BenchError if bad,
    or if the run is incomplete and allow_incomplete is not set (then the
    reason is run.incomplete and the first caveat)."""
    run = Run(path)
    run.incomplete = incomplete_reason(path) if os.path.exists(path) else ""
    if run.incomplete and not allow_incomplete:
        raise BenchError("%s: incomplete run (%s): not used as a result"
                         % (path, run.incomplete))
    for f in run_files(path):
        doc = load_json(f)
        stem = os.path.splitext(os.path.basename(f))[0].split(".")[0]
        ctx, backend = _add_rows(run.benches, doc, f, stem)
        run.contexts.setdefault(backend, ctx)
        run.files.append(f)
    if os.path.isdir(path):
        run.failed = sorted(glob.glob(os.path.join(path, "*.failed.json")))
    live = {k: b for k, b in run.benches.items() if b.reps or b.aggregates}
    if not live:
        what = "every benchmark reported an error" if run.benches else "no benchmarks"
        raise BenchError("%s: %s" % (run.files[0] if len(run.files) == 1 else path, what))
    return run


def number(lo=None, hi=None, lo_open=False, integer=False):
    """An argparse type: a finite number (an integer if asked) in [lo, hi]
    (lo excluded if lo_open); anything else (nan, inf, out of range) is
    refused with a message naming the range."""
    what = "a whole number" if integer else "a finite number"
    if lo is not None and hi is not None:
        what += " in %s%g, %g]" % ("(" if lo_open else "[", lo, hi)
    elif lo is not None:
        what += " %s %g" % (">" if lo_open else ">=", lo)

    def parse(text):
        try:
            v = int(text, 10) if integer else float(text)
        except ValueError:
            v = None
        if v is None or not math.isfinite(v) or \
                (lo is not None and (v < lo or (lo_open and v == lo))) or \
                (hi is not None and v > hi):
            import argparse
            raise argparse.ArgumentTypeError("expected %s, got '%s'" % (what, text))
        return v
    parse.__name__ = "number"
    return parse


def regex(pattern):
    """Compile a user's --filter, or None; a bad one is a BenchError."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as e:
        raise BenchError("bad --filter regex '%s': %s" % (pattern, e))


def counters_equal(a, b, iterations):
    """Per-call counters are averages of integer counts over `iterations`
    calls: an event that happens once per batch (a deferred flush every N
    unmaps) averages slightly differently when Google Benchmark picks a
    different iteration count. Equal means within that rounding."""
    tol = 2.0 / max(iterations, 1)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=max(tol, 1e-12))


def filter_run(run, pattern):
    """Keep only the benchmarks whose name matches the regex; BenchError if
    none does."""
    rx = regex(pattern)
    if rx is None:
        return run
    run.benches = {k: b for k, b in run.benches.items() if rx.search(k[1])}
    if not run.benches:
        raise BenchError("%s: no benchmark matches '%s'" % (run.path, pattern))
    return run


def find_runs(root):
    """Every run directory under root (results/<host>/), oldest first.

    Directories that fail to load are returned as (path, error) in the
    second list so callers can say what they skipped.
    """
    if not os.path.isdir(root):
        raise BenchError("%s: no such results directory" % root)
    runs, bad = [], []
    for d in sorted(os.listdir(root)):
        p = os.path.join(root, d)
        if not os.path.isdir(p) or not glob.glob(os.path.join(p, "*.json")):
            continue
        try:
            runs.append(load_run(p))
        except BenchError as e:
            bad.append((p, str(e)))
    runs.sort(key=lambda r: (r.time, r.label))
    return runs, bad


def default_root():
    """results/<host>/ as scripts/bench.sh names it (the host name)."""
    return os.path.join(os.environ.get("RESULTS", "results"), os.uname().nodename)


def latest_runs(n, root=None):
    """The n newest run directories under root (default results/<host>/),
    oldest first, for commands given no run: `make plot` after `make bench`."""
    root = root or default_root()
    runs, _ = find_runs(root)
    if len(runs) < n:
        raise BenchError("%s: %d run(s) there, need %d; name the run(s) "
                         "explicitly" % (root, len(runs), n))
    return [r.path for r in runs[-n:]]


# ------------------------------------------------------------ statistics

def _gbench_utest():
    """Google Benchmark's calc_utest, or None if the tools are not here."""
    if GBENCH_TOOLS not in sys.path and os.path.isdir(GBENCH_TOOLS):
        sys.path.append(GBENCH_TOOLS)
    try:
        from gbench.report import calc_utest
        return calc_utest
    except Exception:
        return None


_CALC_UTEST = _gbench_utest()


def utest(a, b):
    """Two-sided Mann-Whitney U p-value of samples a vs b, or None.

    Uses Google Benchmark's calc_utest (as its compare.py does) when
    Debian's libbenchmark-tools is installed, else scipy directly.
    """
    a, b = list(map(float, a)), list(map(float, b))
    if min(len(a), len(b)) < UTEST_MIN:
        return None
    if len(set(a)) == 1 and set(a) == set(b):
        return 1.0
    if _CALC_UTEST is not None:
        _, _, p = _CALC_UTEST([a, b], [a, b])
        if p is not None:
            return float(p)
    return float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def welch_from_aggregates(ba, bb, field="real_time"):
    """Welch's t-test from mean/stddev aggregates (aggregates-only runs)."""
    try:
        ma, sa = _ns(ba.aggregates["mean"], field), _ns(ba.aggregates["stddev"], field)
        mb, sb = _ns(bb.aggregates["mean"], field), _ns(bb.aggregates["stddev"], field)
    except KeyError:
        return None
    na, nb = ba.nreps, bb.nreps
    if min(na, nb) < 2:
        return None
    if sa == 0 and sb == 0:
        return 1.0 if ma == mb else 0.0
    return float(stats.ttest_ind_from_stats(ma, sa, na, mb, sb, nb,
                                            equal_var=False).pvalue)


def bootstrap_ratio_ci(a, b, level=0.95, n=2000, seed=1):
    """Percentile bootstrap CI of median(b)/median(a); None if too few."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if min(len(a), len(b)) < 2:
        return None
    rng = np.random.default_rng(seed)
    ma = np.median(rng.choice(a, (n, len(a))), axis=1)
    mb = np.median(rng.choice(b, (n, len(b))), axis=1)
    ratio = mb / ma
    lo, hi = np.percentile(ratio, [50 * (1 - level), 50 * (1 + level)])
    return float(lo), float(hi)


def bh_adjust(pvalues):
    """Benjamini-Hochberg q-values; None entries stay None."""
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    out = list(pvalues)
    m = len(idx)
    if not m:
        return out
    order = sorted(idx, key=lambda i: pvalues[i])
    prev = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        prev = min(prev, pvalues[i] * m / rank)
        out[i] = prev
    return out


def _best_split(x, min_seg):
    """The split k (x[:k] | x[k:]) minimising the within-side squared error."""
    best, where = None, None
    for k in range(min_seg, len(x) - min_seg + 1):
        sse = ((x[:k] - x[:k].mean()) ** 2).sum() + ((x[k:] - x[k:].mean()) ** 2).sum()
        if best is None or sse < best:
            best, where = sse, k
    return where


def _cusum_confidence(x, nperm, rng):
    """Taylor's CUSUM test: the share of random orders of x whose CUSUM
    range is smaller than x's own, i.e. the confidence that x has a step."""
    x = np.asarray(x, float)
    s = np.concatenate([[0.0], np.cumsum(x - x.mean())])
    sdiff = s.max() - s.min()
    if sdiff == 0:
        return 0.0
    perms = np.array([rng.permutation(x) for _ in range(nperm)])
    ps = np.cumsum(perms - x.mean(), axis=1)
    pdiff = np.maximum(ps.max(axis=1), 0) - np.minimum(ps.min(axis=1), 0)
    return float(np.mean(pdiff < sdiff))


def _samples_confidence(left, right, lmed, rmed, alpha):
    """Two-sample test around a split, with repetitions: Mann-Whitney U of
    the pooled repetitions on each side. Pooling ignores run-to-run drift,
    so the run medians on the two sides must also not overlap, and, where
    there are enough runs to measure the run-to-run scatter, a pooled
    t-test of the run medians must agree (a step, not drift)."""
    lmed, rmed = np.asarray(lmed, float), np.asarray(rmed, float)
    if not (max(lmed) < min(rmed) or min(lmed) > max(rmed)):
        return 0.0
    df = len(lmed) + len(rmed) - 2
    if df >= 2:
        ss = ((lmed - lmed.mean()) ** 2).sum() + ((rmed - rmed.mean()) ** 2).sum()
        sd = math.sqrt(ss / df)
        se = sd * math.sqrt(1 / len(lmed) + 1 / len(rmed))
        if se > 0:
            t = abs(rmed.mean() - lmed.mean()) / se
            if 2 * stats.t.sf(t, df) >= alpha:
                return 0.0
    p = utest(np.concatenate(left), np.concatenate(right))
    return 0.0 if p is None else 1.0 - p


def change_points(values, samples=None, alpha=ALPHA, threshold=0.05,
                  exact=False, nperm=2000, window=5, seed=7, iterations=None):
    """Indexes i where the series steps between values[i-1] and values[i].

    values: one number per run (the run's median), oldest first; samples:
    optionally each run's repetitions. Binary segmentation: the best split
    of a segment (least squared error) is a change point when the medians
    of up to `window` runs either side differ by more than `threshold`
    (relative) and the step is significant at `alpha`:
      * with repetitions (>= 2 in every run): Mann-Whitney U of the pooled
        repetitions of those runs, their run medians do not overlap, and
        a t-test of the run medians (run-to-run scatter) agrees when there
        are 4+ runs; a single run after the step can be enough (the
        latest run regressed);
      * without: Taylor's CUSUM permutation test on the run medians of the
        segment (needs several runs on each side to reach significance).
    exact=True is for deterministic counters: every change of value is a
    change point, no test needed (equal within counters_equal's rounding
    for `iterations` calls, when given).
    Returns a sorted list of (index, before, after, confidence).
    """
    x = np.asarray(values, float)
    if exact:
        its = iterations or 1e12
        return [(i, float(x[i - 1]), float(x[i]), 1.0) for i in range(1, len(x))
                if not counters_equal(x[i], x[i - 1], its)]
    reps = samples is not None and len(samples) == len(x) and \
        all(len(v) >= UTEST_MIN for v in samples)
    min_seg = 1 if reps else 2
    rng = np.random.default_rng(seed)
    found = []

    def segment(lo, hi):
        if hi - lo < 2 * min_seg:
            return
        k = lo + _best_split(x[lo:hi], min_seg)
        a, b = max(lo, k - window), min(hi, k + window)
        before, after = float(np.median(x[a:k])), float(np.median(x[k:b]))
        step = abs(after / before - 1) if before else math.inf
        if step <= threshold:
            return
        if reps:
            # The split was chosen as the best of hi - lo - 1: Bonferroni.
            conf = _samples_confidence(samples[a:k], samples[k:b], x[a:k],
                                        x[k:b], alpha / max(1, hi - lo - 1))
        else:
            conf = _cusum_confidence(x[lo:hi], nperm, rng)
        if conf < 1 - alpha:
            return
        found.append((k, before, after, conf))
        segment(lo, k)
        segment(k, hi)

    segment(0, len(x))
    return sorted(found)


def spread(values):
    """(median, lower, upper) with lower/upper the interquartile range."""
    v = np.asarray(values, float)
    if not len(v):
        return (math.nan, math.nan, math.nan)
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return float(med), float(q1), float(q3)


# ---------------------------------------------------------------- output

def committed(path):
    """Whether git tracks any file at or under path: a committed run."""
    d = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    try:
        out = subprocess.run(["git", "-C", d, "ls-files", "--", "."],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and bool(out.stdout.strip())


def view_dir(rundir, sub):
    """Where to write what is derived from a run (plots, a report): inside
    the run directory, unless git tracks files there; a command that only
    reads a committed run never modifies it, so then under
    build/views/<host>/<run-id>/."""
    if not committed(rundir):
        return os.path.join(rundir, sub)
    a = os.path.abspath(rundir)
    return os.path.join("build", "views", os.path.basename(os.path.dirname(a)),
                        os.path.basename(a), sub)


def write_atomic(path, data):
    """Write bytes or str to path via a temporary file and rename."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        # mkstemp makes 0600; a result file is as readable as any other.
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def fmt_ns(v):
    """A time in ns with 3-4 significant digits and a unit."""
    if v is None or not math.isfinite(v):
        return "-"
    for unit, div in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if abs(v) >= div:
            return "%.4g %s" % (v / div, unit)
    return "%.4g ns" % v


def table(rows, header, align=None):
    """Plain-text table: columns padded; align is 'l'/'r' per column."""
    rows = [[str(c) for c in r] for r in rows]
    header = [str(h) for h in header]
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    align = align or ["l"] + ["r"] * (len(header) - 1)

    def line(r):
        cells = [c.ljust(w) if a == "l" else c.rjust(w)
                 for c, w, a in zip(r, widths, align)]
        return "  ".join(cells).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def cli(main):
    """Run main(argv) turning BenchError into a one-line error, exit 2.

    Anything else unexpected is also one line (exit 3) unless BENCH_DEBUG
    is set, so a script never greets a user with a traceback.
    """
    prog = os.path.basename(sys.argv[0])
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        print("%s: error: %s" % (prog, e), file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:
        if os.environ.get("BENCH_DEBUG"):
            raise
        print("%s: internal error: %s: %s (BENCH_DEBUG=1 shows the traceback)"
              % (prog, type(e).__name__, e), file=sys.stderr)
        sys.exit(3)


# ------------------------------------------ a metric across runs (history, plot)

# Metrics where a larger value is better (a drop is the regression).
HIGHER_IS_BETTER = ("pages_per_s", "items_per_second")


class Series:
    """One benchmark of one backend across runs."""

    def __init__(self, backend, name, platform=""):
        self.backend, self.name, self.platform = backend, name, platform
        self.show_platform = False
        self.runs, self.values, self.samples = [], [], []
        self.iterations = []
        self.exact = False
        self.points = []

    @property
    def label(self):
        if self.show_platform:
            return "%s [%s, %s]" % (self.name, self.backend, self.platform)
        return "%s [%s]" % (self.name, self.backend)

    def worse(self, before, after, metric):
        if self.exact:
            return True
        return after < before if metric in HIGHER_IS_BETTER else after > before


def collect_series(runs, metric, pattern=None):
    """Series of @metric per (platform, backend, benchmark) across @runs."""
    rx = regex(pattern)
    series = {}
    for run in runs:
        plat = run.platform()
        for (be, name), b in sorted(run.benches.items()):
            if b.error or (rx and not rx.search(name) and not rx.search(
                    "%s [%s]" % (name, be))):
                continue
            v = b.metric(metric)
            if not len(v):
                continue
            # Native and emulated, x86_64 and arm64: separate series.
            s = series.setdefault((plat, be, name), Series(be, name, plat))
            s.runs.append(run)
            s.values.append(float(np.median(v)))
            s.samples.append(v)
            s.iterations.append(b.min_iterations())
    many = len({k[0] for k in series}) > 1
    for s in series.values():
        s.show_platform = many
    return [series[k] for k in sorted(series)]


def detect_changes(series, metric, alpha, threshold):
    """Fill each series' .points with its change points."""
    for s in series:
        s.exact = metric in DETERMINISTIC
        s.points = change_points(s.values, s.samples, alpha=alpha,
                                    threshold=threshold, exact=s.exact,
                                    iterations=min(s.iterations))
