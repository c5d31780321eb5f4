#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per call of map/unmap benchmarks, counted by callgrind.

Times on a shared or virtual machine move with everybody else's load;
instruction counts do not. For every benchmark the filter selects, each
binary given runs it once under `valgrind --tool=callgrind`, collecting only
inside the benchmark's timed function (round_run of bench/map.c and
bench/unmap.c: the calls, not the setup or the verification), and the count
is divided by the calls round_run made. The rows of the binaries line up by
name with the core's name taken out, so that own and kernel cores compare
directly:

    scripts/icount.py build/x86_64/bench-buddy build/x86_64/k6.12/bench-buddy

prints one row per benchmark: instructions per call for each binary and
each binary's ratio to the last. Counts are for this compiler and flags;
they say nothing about cache misses or stalls, which is what the timed
rows are for.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def die(msg):
    print(f"icount: {msg}", file=sys.stderr)
    sys.exit(2)


def list_rows(binary, pattern):
    p = subprocess.run([binary, "--benchmark_list_tests", f"--benchmark_filter={pattern}"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        die(f"{binary} --benchmark_list_tests failed: {p.stderr.strip()[:200]}")
    return [l for l in p.stdout.splitlines() if l.strip()]


def parse_callgrind(path, timed_fn):
    """(instructions collected, calls made from @timed_fn to its busiest callee)."""
    total = None
    calls = {}
    names = {}
    fn = cfn = None
    with open(path) as f:
        for line in f:
            m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    names[ident] = name.strip()
                if kind == "fn":
                    fn = names.get(ident)
                else:
                    cfn = names.get(ident)
                continue
            m = re.match(r"calls=(\d+)", line)
            if m and fn == timed_fn:
                calls[cfn] = calls.get(cfn, 0) + int(m.group(1))
                continue
            m = re.match(r"(?:summary|totals): (\d+)", line)
            if m:
                total = int(m.group(1))
    if total is None or not calls:
        return None, None
    return total, max(calls.values())


def posix_escape(text):
    """Escape for Google Benchmark's POSIX regex (re.escape's \\: is invalid there)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


def count(binary, row, timed_fn, keep_dir):
    out = os.path.join(keep_dir, "callgrind.out")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
           f"--toggle-collect={timed_fn}", binary,
           f"--benchmark_filter=^{posix_escape(row)}$", "--benchmark_min_time=0.005",
           "--benchmark_repetitions=1"]
    env = dict(os.environ, PROFILE="full")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0 or "ERROR OCCURRED" in p.stdout:
        die(f"{binary} {row} failed under callgrind: {(p.stdout + p.stderr).strip()[-300:]}")
    total, calls = parse_callgrind(out, timed_fn)
    os.unlink(out)
    if not calls:
        die(f"{binary} {row}: no calls made from {timed_fn} (is it the timed function?)")
    return total / calls


def core_free(name):
    """The name without its core (second) component: map/own/... -> map/..."""
    parts = name.split("/")
    return "/".join(parts[:1] + parts[2:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="The last binary is the base of the ratios.")
    ap.add_argument("binaries", nargs="+", help="bench-<backend> binaries (own, k<ver>, ...)")
    ap.add_argument("--filter", default=r"^cmp/",
                    help="benchmark regex (default ^cmp/: every cmp row and path)")
    ap.add_argument("--timed-fn", default="round_run",
                    help="the function whose calls are the timed calls (default round_run)")
    args = ap.parse_args()

    if not shutil.which("valgrind"):
        die("valgrind not installed (apt-get install valgrind)")
    for b in args.binaries:
        if not os.access(b, os.X_OK):
            die(f"'{b}' is not an executable (build it first)")
    if os.environ.get("RUNNER"):
        die("cross-built binaries: run icount on the target or natively")

    rows = {}
    for b in args.binaries:
        for r in list_rows(b, args.filter):
            rows.setdefault(core_free(r), {})[b] = r
    if not rows:
        die(f"filter '{args.filter}' matches no benchmark")

    labels = [os.path.relpath(b) for b in args.binaries]
    print("instructions per call (callgrind, collected in %s only)" % args.timed_fn)
    for i, l in enumerate(labels):
        print(f"  [{i}] {l}")
    head = "%-52s" % "row" + "".join("%12s" % f"[{i}]" for i in range(len(labels)))
    head += "".join("%9s" % f"[{i}]/[{len(labels) - 1}]" for i in range(len(labels) - 1))
    print(head)
    with tempfile.TemporaryDirectory(prefix="icount-") as tmp:
        for key in sorted(rows):
            per = rows[key]
            vals = [count(b, per[b], args.timed_fn, tmp) if b in per else None
                    for b in args.binaries]
            line = "%-52s" % key + "".join("%12s" % ("%.0f" % v if v else "-") for v in vals)
            base = vals[-1]
            line += "".join("%9s" % ("%.3f" % (v / base) if v and base else "-")
                            for v in vals[:-1])
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
