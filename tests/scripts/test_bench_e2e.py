"""Real benchmark binaries end to end, with short filters: the counters a
benchmark reports have the values they must have (computed here from the
geometry, not read back), a wrong translation fails the run and bench.sh
keeps no result of it, and an output that cannot be written is an exit
status. Builds what it needs with make (the own core, libc backend), in
$O (the O= of make test, default build/)."""

import json
import os
import platform
import subprocess

import pytest

from conftest import ROOT

ARCH = platform.machine().replace("aarch64", "arm64")
O = os.environ.get("O") or "build"
ROW = "map/own/s1-4k/pgsize:4k/count:512/pattern:seq/tables:warm/walk:coherent"

pytestmark = pytest.mark.skipif(bool(os.environ.get("RUNNER")),
                                reason="cross-built binaries: run natively on the target")


def build(variant="", knobs=(), backend="libc"):
    """The plain build of bench-<backend>, whatever make test was asked for:
    the sanitizer and kernel tree of the calling make are not passed on."""
    path = os.path.join(O, ARCH + variant, "bench-" + backend)
    env = {k: v for k, v in os.environ.items()
           if k not in ("KSRC", "SANITIZE", "BENCH_MAP_DELAY_NS", "BENCH_CORRUPT_PTE",
                        "MAKEFLAGS", "MFLAGS", "ARCH", "CROSS_COMPILE", "BIN")}
    p = subprocess.run(["make", "--no-print-directory", "-j2", "NO_DEPS=1", "O=" + O]
                       + list(knobs) + [path], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    return os.path.join(ROOT, path)


def run_bench(binary, pattern, tmp_path, *extra):
    out = tmp_path / "out.json"
    p = subprocess.run([binary, "--profile=quick", "--benchmark_filter=" + pattern,
                        "--benchmark_repetitions=1", "--benchmark_min_time=0.001",
                        "--benchmark_out=%s" % out, "--benchmark_out_format=json"]
                       + list(extra), capture_output=True, text=True, timeout=600)
    rows = {}
    if out.exists() and out.stat().st_size:
        for r in json.load(open(out))["benchmarks"]:
            rows[r["run_name"]] = r
    return p, rows


@pytest.fixture(scope="module")
def bench():
    return build()


# What each row must count per call, from first principles (4K granule, 8-byte
# PTEs, 64-byte lines on every machine this runs on, so 8 PTEs a line):
#   512 x 4K into warm tables: 512 PTE writes, no table; a coherent walker
#   cleans nothing; a non-coherent one cleans 512 * 8 / 64 = 64 lines with
#   one barrier; one 4K page cleans 1 line. Unmapping one page with the
#   count model: one PTE cleared, one tlb_add_page, one sync, no command.
#   TLB models unmapping one 2M block: one leaf, one command, one sync.
EXPECT = {
    ROW: dict(pte_writes=512, tables_alloc=0, tables_freed=0, cache_lines=0,
              barriers=0, tlb_cmds=0, tlb_syncs=0, tlb_add_page=0),
    ROW.replace("walk:coherent", "walk:noncoherent"):
        dict(pte_writes=512, tables_alloc=0, cache_lines=64, barriers=1),
    "map/own/s1-4k/pgsize:4k/count:1/pattern:seq/tables:warm/walk:noncoherent":
        dict(pte_writes=1, tables_alloc=0, cache_lines=1, barriers=1),
    "unmap/own/s1-4k/pgsize:4k/count:1/pattern:sparse/walk:coherent":
        dict(pte_writes=1, tables_freed=0, tlb_add_page=1, tlb_syncs=1, tlb_cmds=0,
             cache_lines=0),
    "tlbi/own/s1-4k/model:strict-page/size:2m/op:unmap/manual_time":
        dict(tlb_cmds=1, tlb_syncs=1, tlb_add_page=1),
    "tlbi/own/s1-4k/model:range/size:2m/op:unmap/manual_time":
        dict(tlb_cmds=1, tlb_syncs=1),
}


def test_deterministic_counters_have_their_values(bench, tmp_path):
    pattern = "|".join("^%s(/manual_time)?$" % n.replace("/manual_time", "")
                       for n in EXPECT)
    p, rows = run_bench(bench, pattern, tmp_path)
    assert p.returncode == 0, p.stderr
    assert sorted(rows) == sorted(EXPECT), p.stderr
    for name, want in EXPECT.items():
        got = {k: rows[name].get(k) for k in want}
        assert got == {k: float(v) for k, v in want.items()}, name


def test_wrong_translation_fails_the_run(tmp_path):
    bad = build("-corruptpte", ["BENCH_CORRUPT_PTE=1"])
    p, rows = run_bench(bad, "^%s$" % ROW, tmp_path)
    assert p.returncode == 3, (p.returncode, p.stderr)
    assert rows[ROW].get("error_occurred"), rows[ROW]
    assert "iova_to_phys" in rows[ROW].get("error_message", "")
    # bench.sh keeps it only as <backend>.failed.json, marks the run INCOMPLETE.
    env = dict(os.environ, RESULTS=str(tmp_path / "res"), PIN_CPU="none",
               PROFILE="quick", FILTER="^%s$" % ROW, EXTRA_ARGS="--benchmark_min_time=0.001")
    env.pop("RUNNER", None)
    s = subprocess.run(["scripts/bench.sh", bad], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert s.returncode == 1, s.stderr
    runs = [os.path.join(d, f) for d, ds, fs in os.walk(tmp_path / "res") for f in fs]
    names = sorted(os.path.basename(f) for f in runs)
    assert "libc.failed.json" in names and "INCOMPLETE" in names
    assert "libc.json" not in names


def test_unwritable_output_fails(bench, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    p = subprocess.run([bench, "--profile=quick", "--benchmark_filter=^%s$" % ROW,
                        "--benchmark_repetitions=1", "--benchmark_min_time=0.001",
                        "--benchmark_out=/dev/full"], capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 4, (p.returncode, p.stderr)
    assert "/dev/full" in p.stderr
    assert os.path.exists("/dev/full")


@pytest.mark.parametrize("args,word", [
    (["--benchmark_filter=^no-such-benchmark$"], "selects none"),
    (["--benchmark_filter=("], "selects none"),
    (["--benchmark_repetitions=-3"], "--benchmark_repetitions=-3"),
    (["--benchmark_min_time=nan"], "--benchmark_min_time=nan"),
    (["--profile=nope"], "--profile=nope"),
])
def test_bad_options_are_an_error(bench, tmp_path, args, word):
    out = tmp_path / "x.json"
    p = subprocess.run([bench] + args + ["--benchmark_out=%s" % out],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert word in p.stderr.strip().splitlines()[-1]
    assert not out.exists()


@pytest.mark.parametrize("value", ["abc", "0", "12abc", "-1"])
def test_bad_arena_size_is_an_error(value):
    binary = build(backend="buddy")
    p = subprocess.run([binary, "--benchmark_list_tests=true"], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, IOPGT_BUDDY_ARENA_MB=value))
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "IOPGT_BUDDY_ARENA_MB=%s" % value in lines[0]
