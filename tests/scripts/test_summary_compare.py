"""summary.py and compare.py end to end, on the fixture runs."""

import json
import os
import shutil
import subprocess

import pytest

import compare
import summary
from conftest import SCRIPTS, fixture

PY = "/usr/bin/python3"


def run_cli(script, *args):
    p = subprocess.run([PY, "%s/%s" % (SCRIPTS, script)] + list(args),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_summary_marks_fastest_backend(capsys):
    assert summary.main([fixture("runs", "base")]) == 0
    out = capsys.readouterr().out
    rows = [l for l in out.splitlines() if l.startswith("map/own/s1-4k/pgsize:4k/count:512")]
    assert len(rows) == 2
    for r in rows:
        assert r.rstrip().endswith("*")          # pool is 20% faster
        assert r.count("*") == 1
    assert "ns/page" in out


def test_summary_shows_emulation_caveat(capsys):
    summary.main([fixture("runs", "emulated")])
    assert "DC CVAC" in capsys.readouterr().out


def test_aa_comparison_is_no_change(capsys, tmp_path):
    out_json = str(tmp_path / "cmp.json")
    rc = compare.main([fixture("runs", "base"), fixture("runs", "same"),
                       "--json", out_json])
    out = capsys.readouterr().out
    assert rc == 0
    doc = json.load(open(out_json))
    rows = doc["comparisons"][0]["rows"]
    assert len(rows) == 16
    assert {r["verdict"] for r in rows} == {"no change"}
    assert "Deterministic counters: identical" in out


def test_injected_slowdown_is_significant_and_fails(tmp_path):
    out_json = str(tmp_path / "cmp.json")
    rc = compare.main([fixture("runs", "base"), fixture("runs", "slow"),
                       "--json", out_json])
    assert rc == 1
    rows = json.load(open(out_json))["comparisons"][0]["rows"]
    for r in rows:
        if r["benchmark"].startswith("map/"):
            assert r["verdict"] == "slower", r
            assert 1.07 < r["ratio"] < 1.13
            assert r["q"] < 0.05
        else:
            assert r["verdict"] == "no change", r


def test_slowdown_below_threshold_passes():
    assert compare.main([fixture("runs", "base"), fixture("runs", "slow"),
                         "--threshold", "20"]) == 0


def test_reverse_direction_is_faster_and_passes_unless_any():
    args = [fixture("runs", "slow"), fixture("runs", "base")]
    assert compare.main(args) == 0
    assert compare.main(args + ["--fail-on", "any"]) == 1


def test_counter_change_is_a_behaviour_change(tmp_path, capsys):
    out_json = str(tmp_path / "cmp.json")
    rc = compare.main([fixture("runs", "base"), fixture("runs", "counter"),
                       "--json", out_json])
    assert rc == 1
    changes = json.load(open(out_json))["comparisons"][0]["behaviour_changes"]
    assert len(changes) == 2                    # one benchmark, two backends
    assert {(c["counter"], c["a"], c["b"]) for c in changes} == {("pte_writes", 512, 513)}
    assert "Behaviour changes" in capsys.readouterr().out


def test_within_run_by_backend(tmp_path):
    out_json = str(tmp_path / "cmp.json")
    compare.main(["--run", fixture("runs", "base"), "--by", "backend",
                  "--json", out_json])
    doc = json.load(open(out_json))
    assert "libc (A) vs pool (B)" in doc["comparisons"][0]["title"]
    assert {r["verdict"] for r in doc["comparisons"][0]["rows"]} == {"faster"}


def test_within_run_by_core_needs_two_cores():
    rc, out, err = run_cli("compare.py", "--run", fixture("runs", "base"),
                           "--by", "core")
    assert rc == 2 and "only one core" in err


@pytest.mark.parametrize("args,msg", [
    (["runs/base", "bad/empty.json"], "empty file"),
    (["runs/base", "bad/truncated.json"], "not valid JSON"),
    (["runs/base", "bad/notbench.json"], "not Google Benchmark JSON"),
    (["runs/base", "runs/norep"], "no repetitions"),
    (["runs/base", "runs/other"], "no benchmarks in common"),
])
def test_bad_input_one_line_error_no_traceback(args, msg):
    rc, out, err = run_cli("compare.py", *[fixture(a) for a in args])
    assert rc == 2
    assert msg in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert fixture(args[1]) in err or "in common" in msg


def test_no_test_allows_single_repetition():
    rc, out, err = run_cli("compare.py", fixture("runs", "base"),
                           fixture("runs", "norep"), "--no-test")
    assert rc == 0 and "untested" in out


def test_summary_bad_input_exit_code():
    rc, out, err = run_cli("summary.py", fixture("bad", "empty.json"))
    assert rc == 2 and "empty file" in err and "Traceback" not in err


def test_no_run_given_means_the_newest_runs(tmp_path, monkeypatch, capsys):
    host = tmp_path / os.uname().nodename
    for name in ("base", "slow"):
        shutil.copytree(fixture("runs", name), host / name)
    os.utime(host / "base" / "libc.json", (1, 1))
    monkeypatch.setenv("RESULTS", str(tmp_path))
    # Run ids without a timestamp order by the JSON date: same here, so by
    # label; either way both are picked and base (A) sorts first.
    assert compare.main([]) == 1
    out = capsys.readouterr().out
    assert "comparing the two newest runs" in out and "slower" in out
    assert summary.main([]) == 0


def test_too_few_runs_for_default(tmp_path, monkeypatch):
    monkeypatch.setenv("RESULTS", str(tmp_path))
    os.makedirs(tmp_path / os.uname().nodename)
    import benchlib as bl
    with pytest.raises(bl.BenchError, match="need 2"):
        compare.main([])


def _rounds(tmp_path, slow=1.0):
    """A compare-kernels run: per round one single-repetition file per
    backend and kernel (<backend>.<A|B>.r<N>.json), cores k6.1 and k6.12."""
    run = tmp_path / "kcmp"
    run.mkdir()
    src = json.load(open(fixture("runs", "base", "libc.json")))
    iters = [r for r in src["benchmarks"] if r["run_type"] == "iteration"]
    for side, core, factor in (("A", "k6.1", 1.0), ("B", "k6.12", slow)):
        for rnd in range(9):
            rows = []
            for r in iters:
                if r["repetition_index"] != rnd:
                    continue
                r = dict(r, repetitions=1, repetition_index=0)
                r["name"] = r["run_name"] = r["name"].replace("/own/", "/%s/" % core)
                r["real_time"] *= factor
                rows.append(r)
            doc = {"context": dict(src["context"], core=core), "benchmarks": rows}
            (run / ("libc.%s.r%d.json" % (side, rnd + 1))).write_text(json.dumps(doc))
    return str(run)


def test_rounds_merge_and_compare_by_core(tmp_path, capsys):
    run = _rounds(tmp_path, slow=1.10)
    out_json = str(tmp_path / "c.json")
    rc = compare.main(["--run", run, "--by", "core", "--base", "k6.1",
                       "--json", out_json])
    doc = json.load(open(out_json))
    rows = doc["comparisons"][0]["rows"]
    assert "core k6.1 (A) vs k6.12 (B)" in doc["comparisons"][0]["title"]
    assert all(r["reps"] == [9, 9] for r in rows)
    assert {r["verdict"] for r in rows} == {"slower"} and rc == 1
    assert rows[0]["benchmark"].startswith("map/*/s1-4k/")


def test_rounds_same_kernel_no_change(tmp_path):
    run = _rounds(tmp_path, slow=1.0)
    assert compare.main(["--run", run, "--by", "core"]) == 0


def test_summary_cmp_rows_per_call_with_published_column(tmp_path, capsys):
    row = {"name": "cmp/own/s1-4k/op:map/size:256x4k", "run_type": "iteration",
           "iterations": 100, "real_time": 2000.0, "cpu_time": 1000.0,
           "time_unit": "ns", "items_per_second": 256 / 1e-6,
           "published_ns_other_machine": 389.0}
    (tmp_path / "libc.json").write_text(json.dumps(
        {"context": {"backend": "libc"}, "benchmarks": [row]}))
    summary.main([str(tmp_path)])
    out = capsys.readouterr().out
    line = [l for l in out.splitlines() if l.startswith("cmp/")][0]
    assert "ns/call" in line and "2000" in line and line.rstrip().endswith("389")
    assert "not measured here" in out
