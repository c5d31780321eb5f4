"""Results that cannot lie: each test here fails when one specific guard of
the tools is removed (tests/mutate lists those removals and checks that
these tests catch them)."""

import json
import math
import os
import shutil
import stat
import subprocess

import pytest

import benchlib as bl
import compare
import summary
from conftest import ROOT, SCRIPTS, fixture

PY = "/usr/bin/python3"

# Spelled out, not read from benchlib.DETERMINISTIC: dropping one from there
# must fail this test.
COUNTERS = ("pte_writes", "tables_alloc", "tables_freed", "cache_lines",
            "barriers", "tlb_cmds", "tlb_syncs", "tlb_add_page", "tlb_flush_walk",
            "dma_maps", "dma_syncs", "incoherent_starts", "incoherent_flushes")


def run_cli(script, *args, env=None):
    full = dict(os.environ, **(env or {}))
    p = subprocess.run([PY, os.path.join(SCRIPTS, script)] + list(args),
                       capture_output=True, text=True, timeout=120, env=full)
    return p.returncode, p.stdout, p.stderr


def copy_run(tmp_path, name, edit=None):
    """A copy of fixture run `name`; edit(row, backend) may change each row."""
    dst = tmp_path / name
    shutil.copytree(fixture("runs", name), dst)
    if edit:
        for f in dst.glob("*.json"):
            doc = json.loads(f.read_text())
            for row in doc["benchmarks"]:
                edit(row, f.stem)
            f.write_text(json.dumps(doc))
    return str(dst)


def test_every_counter_change_is_a_behaviour_change(tmp_path):
    # One counter changed per (backend, benchmark), all in one comparison.
    names = sorted({r["run_name"] for r in json.load(open(
        fixture("runs", "base", "libc.json")))["benchmarks"]})
    slots = [(be, n) for be in ("libc", "pool") for n in names]
    assert len(slots) >= len(COUNTERS)
    which = {slot: c for slot, c in zip(slots, COUNTERS)}

    def edit(delta):
        def f(row, backend):
            c = which.get((backend, row["run_name"]))
            if c:
                row[c] = row.get(c, 0) * 0 + delta
        return f
    a = copy_run(tmp_path, "base", edit(0))
    b = copy_run(tmp_path / "b", "base", edit(1))
    out = str(tmp_path / "cmp.json")
    assert compare.main([a, b, "--json", out]) == 1
    got = {(c["benchmark"], c["counter"]) for c in
           json.load(open(out))["comparisons"][0]["behaviour_changes"]}
    for (be, n), c in which.items():
        assert ("%s [%s]" % (n, be), c) in got, c


def test_q_values_are_benjamini_hochberg(tmp_path):
    out = str(tmp_path / "cmp.json")
    compare.main([fixture("runs", "base"), fixture("runs", "slow"), "--json", out])
    rows = [r for r in json.load(open(out))["comparisons"][0]["rows"]
            if r.get("p") is not None]
    m = len(rows)
    assert m >= 2
    # By hand: q_i = min over j with p_j >= p_i of p_j * m / rank_j.
    ps = sorted(r["p"] for r in rows)
    for r in rows:
        want = min(min(1.0, p * m / (k + 1)) for k, p in enumerate(ps) if p >= r["p"])
        assert math.isclose(r["q"], want, rel_tol=1e-9), (r, want)
    assert any(r["q"] > r["p"] for r in rows)


def test_bh_adjust_by_hand():
    q = bl.bh_adjust([0.01, 0.04, 0.03, None, 0.005])
    assert q[3] is None
    assert [round(v, 6) for v in (q[4], q[0], q[2], q[1])] == [0.02, 0.02, 0.04, 0.04]


def test_failed_json_is_never_a_result(tmp_path):
    run = copy_run(tmp_path, "base")
    os.rename(os.path.join(run, "pool.json"), os.path.join(run, "pool.failed.json"))
    r = bl.load_run(run)
    assert r.backends() == ["libc"]
    assert [os.path.basename(f) for f in r.failed] == ["pool.failed.json"]
    assert any("pool.failed.json" in c for c in r.caveats())


def test_time_cpu_compares_cpu_time(tmp_path):
    # Wall-clock 30 % slower, CPU time unchanged: a busy machine, not the code.
    def slower_wall(row, backend):
        row["real_time"] *= 1.3
    a = copy_run(tmp_path, "base")
    b = copy_run(tmp_path / "b", "base", slower_wall)
    assert compare.main([a, b]) == 1
    assert compare.main([a, b, "--time", "cpu"]) == 0


@pytest.mark.parametrize("opt,val", [("--threshold", "nan"), ("--threshold", "-5"),
                                     ("--threshold", "inf"), ("--alpha", "-1"),
                                     ("--alpha", "0"), ("--alpha", "nan"),
                                     ("--alpha", "2")])
def test_gate_cannot_be_switched_off(opt, val):
    rc, out, err = run_cli("compare.py", fixture("runs", "base"),
                           fixture("runs", "slow"), opt, val)
    assert rc == 2, (rc, out, err)
    assert opt in err


def test_incomplete_run_is_refused_or_flagged(tmp_path):
    run = copy_run(tmp_path, "base")
    with open(os.path.join(run, "INCOMPLETE"), "w") as f:
        f.write("interrupted by a signal\n")
    rc, out, err = run_cli("compare.py", run, fixture("runs", "base"))
    assert rc == 2 and "incomplete" in err
    rc, out, err = run_cli("summary.py", run)
    assert rc == 1
    assert "INCOMPLETE" in out and "interrupted" in out
    os.unlink(os.path.join(run, "INCOMPLETE"))
    open(os.path.join(run, ".pool.json.tmp"), "w").close()
    with pytest.raises(bl.BenchError):
        bl.load_run(run)


def test_check_results_wants_every_benchmark(tmp_path):
    src = fixture("runs", "base", "libc.json")
    names = sorted({r["run_name"] for r in json.load(open(src))["benchmarks"]})
    exp = tmp_path / "expected"
    exp.write_text("\n".join(names) + "\n")
    assert run_cli("check-results.py", src, "--expect", str(exp))[0] == 0
    exp.write_text("\n".join(names + ["map/own/not-run"]) + "\n")
    rc, out, err = run_cli("check-results.py", src, "--expect", str(exp))
    assert rc == 1 and "missing" in err
    exp.write_text("\n".join(names[1:]) + "\n")
    assert run_cli("check-results.py", src, "--expect", str(exp))[0] == 1
    trunc = tmp_path / "t.json"
    trunc.write_bytes(open(src, "rb").read()[:4096])
    exp.write_text("\n".join(names) + "\n")
    assert run_cli("check-results.py", str(trunc), "--expect", str(exp))[0] == 1


FAKE_BENCH = """#!/bin/sh
# A stand-in bench binary: lists two benchmarks, writes a JSON with $ROWS of them.
out=
for a in "$@"; do
	case $a in
	--benchmark_list_tests=true) printf 'map/a\\nmap/b\\n'; exit 0 ;;
	--benchmark_out=*) out=${a#--benchmark_out=} ;;
	esac
done
rows='{"name": "map/a", "run_name": "map/a", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}'
[ "$ROWS" = 2 ] && rows="$rows"', {"name": "map/b", "run_name": "map/b", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}'
printf '{"context": {"backend": "fake"}, "benchmarks": [%s]}\\n' "$rows" >"$out"
exit 0
"""


def fake_bench(tmp_path):
    path = tmp_path / "bin" / "bench-fake"
    path.parent.mkdir()
    path.write_text(FAKE_BENCH)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.parametrize("rows,ok", [("2", True), ("1", False)])
def test_bench_sh_keeps_only_complete_json(tmp_path, rows, ok):
    env = dict(os.environ, RESULTS=str(tmp_path / "res"), ROWS=rows,
               PIN_CPU="none", PYTHON=PY, PROFILE="quick")
    env.pop("RUNNER", None)
    p = subprocess.run(["scripts/bench.sh", fake_bench(tmp_path)], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=120)
    runs = [os.path.join(dp, d) for dp, ds, _ in os.walk(tmp_path / "res")
            for d in ds if d[0].isdigit()]
    assert len(runs) == 1, p.stderr
    files = sorted(os.listdir(runs[0]))
    if ok:
        assert p.returncode == 0, p.stderr
        assert files == ["fake.json"]
    else:
        assert p.returncode == 1, p.stderr
        assert "fake.json" not in files
        assert "INCOMPLETE" in files and "fake.failed.json" in files
        assert "1 of 2 benchmarks missing" in p.stderr


def test_views_of_a_committed_run_go_elsewhere(tmp_path):
    repo = tmp_path / "repo"
    rundir = repo / "results" / "host" / "20260101T000000Z-abc"
    rundir.mkdir(parents=True)
    (rundir / "libc.json").write_text("{}")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "run"], check=True)
    assert bl.committed(str(rundir))
    view = bl.view_dir(str(rundir), "plots")
    assert not os.path.abspath(view).startswith(str(repo) + os.sep), view
    assert view.endswith(os.path.join("host", "20260101T000000Z-abc", "plots"))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert bl.view_dir(str(fresh), "plots") == os.path.join(str(fresh), "plots")
