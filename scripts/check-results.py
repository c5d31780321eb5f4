#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check one benchmark binary's JSON before it is kept as a result.

It must parse as Google Benchmark JSON and hold exactly the benchmarks the
same command listed with --benchmark_list_tests (one name a line in the
--expect file). scripts/bench.sh runs this before renaming the file into
the run directory; exit 0 if complete, 1 (one line saying what is wrong) if
not, 2 for bad usage.
"""

import argparse
import sys

import benchlib as bl


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", help="the binary's --benchmark_out file")
    ap.add_argument("--expect", required=True, metavar="FILE",
                    help="the names --benchmark_list_tests printed, one a line")
    args = ap.parse_args(argv)
    try:
        with open(args.expect, errors="replace") as f:
            names = [ln.strip() for ln in f if ln.strip()]
    except OSError as e:
        raise bl.BenchError("%s: cannot read: %s" % (args.expect, e.strerror or e))
    try:
        bl.check_results(args.json, names)
    except bl.BenchError as e:
        print("check-results: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    bl.cli(main)
