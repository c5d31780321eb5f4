"""benchlib: loading Google Benchmark JSON, derived metrics, statistics."""

import os

import numpy as np
import pytest

import benchlib as bl
from conftest import fixture

MAP512 = "map/own/s1-4k/pgsize:4k/count:512/pattern:seq/tables:warm/walk:coherent"


def test_load_run_dir_keeps_every_repetition():
    run = bl.load_run(fixture("runs", "base"))
    assert run.backends() == ["libc", "pool"]
    b = run.benches[("libc", MAP512)]
    assert len(b.reps) == 9
    assert set(b.aggregates) == {"mean", "median", "stddev", "cv"}
    assert b.nreps == 9 and run.max_reps() == 9


def test_pages_per_call_from_items_and_cpu_time():
    b = bl.load_run(fixture("runs", "base")).benches[("libc", MAP512)]
    assert b.pages_per_call() == 512
    ns = b.metric("ns_per_page")
    np.testing.assert_allclose(ns, b.times_ns() / 512)
    assert 15 < np.median(ns) < 20


def test_single_file_and_context():
    run = bl.load_run(fixture("runs", "base", "pool.json"))
    assert run.backends() == ["pool"]
    assert run.ctx("arch") == "x86_64"
    assert "Fixture CPU" in run.machine()


def test_option_suffixes_are_stripped():
    assert bl.strip_options("map/x/count:1/repeats:9/real_time") == "map/x/count:1"
    assert bl.strip_options("a/min_time:0.020/b") == "a/b"


def test_parse_name():
    n = bl.parse_name(MAP512)
    assert (n["concern"], n["core"], n["fmt"]) == ("map", "own", "s1-4k")
    assert n["params"]["count"] == "512"
    assert bl.family(MAP512) == "map/s1-4k"
    assert bl.replace_param(MAP512, "count", None).count("count:") == 0
    assert bl.parse_size("2M") == 2 << 20 and bl.parse_size("seq") is None


@pytest.mark.parametrize("name,msg", [
    ("empty.json", "empty file"),
    ("truncated.json", "not valid JSON"),
    ("notbench.json", "not Google Benchmark JSON"),
    ("list.json", "not Google Benchmark JSON"),
    ("nobench.json", "no benchmarks"),
])
def test_bad_input_names_file_and_problem(name, msg):
    path = fixture("bad", name)
    with pytest.raises(bl.BenchError) as e:
        bl.load_run(path)
    assert path in str(e.value) and msg in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_path_and_empty_dir(tmp_path):
    with pytest.raises(bl.BenchError, match="no such file"):
        bl.load_run(str(tmp_path / "nope"))
    with pytest.raises(bl.BenchError, match="no \\*.json"):
        bl.load_run(str(tmp_path))


def test_utest_separates_shifted_samples_and_not_equal_ones():
    rng = np.random.default_rng(0)
    a = 100 + rng.normal(0, 1, 9)
    assert bl.utest(a, a * 1.10) < 0.001
    # Same distribution: false positives at about the nominal 5 % rate.
    hits = sum(bl.utest(100 + rng.normal(0, 1, 9), 100 + rng.normal(0, 1, 9)) < 0.05
               for _ in range(300))
    assert 3 <= hits <= 30
    assert bl.utest([1.0], [2.0]) is None


def test_bh_adjust_is_monotone_and_keeps_none():
    q = bl.bh_adjust([0.01, None, 0.04, 0.03])
    assert q[1] is None
    assert q[0] == pytest.approx(0.03) and q[2] == pytest.approx(0.04)
    assert q[3] == pytest.approx(0.04)


def test_bootstrap_ci_contains_true_ratio():
    rng = np.random.default_rng(3)
    a = 100 + rng.normal(0, 1, 9)
    b = 110 + rng.normal(0, 1, 9)
    lo, hi = bl.bootstrap_ratio_ci(a, b)
    assert lo < 1.10 < hi and lo > 1.05


def test_change_points_find_a_step_and_ignore_noise():
    rng = np.random.default_rng(5)
    flat = 100 + rng.normal(0, 1, 12)
    assert bl.change_points(flat) == []
    step = np.concatenate([flat[:7], flat[7:] * 1.10])
    cps = bl.change_points(step)
    assert [c[0] for c in cps] == [7]
    assert cps[0][2] / cps[0][1] == pytest.approx(1.10, rel=0.03)
    # A significant but tiny step is not a change beyond 5 %.
    tiny = np.concatenate([flat[:6], flat[6:] + 3])
    assert bl.change_points(tiny) == []


def test_change_points_exact_for_counters():
    assert [c[0] for c in bl.change_points([4, 4, 4, 5, 5], exact=True)] == [3]


def test_write_atomic_leaves_no_temporaries(tmp_path):
    p = tmp_path / "sub" / "out.txt"
    bl.write_atomic(str(p), "hello")
    bl.write_atomic(str(p), b"again")
    assert p.read_bytes() == b"again"
    assert os.listdir(tmp_path / "sub") == ["out.txt"]


def test_caveats_for_emulated_and_single_repetition():
    emu = bl.load_run(fixture("runs", "emulated"))
    assert any("DC CVAC" in c and "qemu" in c for c in emu.caveats())
    norep = bl.load_run(fixture("runs", "norep"))
    assert any("No repetitions" in c for c in norep.caveats())
    base = bl.load_run(fixture("runs", "base"))
    assert not any("Emulated" in c for c in base.caveats())


def test_counters_equal_allows_batch_rounding_only():
    # A deferred flush every 256 unmaps, averaged over different call counts.
    assert bl.counters_equal(39 / 9990, 40 / 10240, 9990)
    assert not bl.counters_equal(1 / 256, 1 / 128, 9990)
    assert not bl.counters_equal(512, 513, 100)
    assert bl.counters_equal(512, 512, 1)


def test_write_atomic_files_are_readable(tmp_path):
    p = tmp_path / "r.html"
    old = os.umask(0o022)
    try:
        bl.write_atomic(str(p), "x")
    finally:
        os.umask(old)
    assert (p.stat().st_mode & 0o777) == 0o644
