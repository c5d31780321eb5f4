"""Bad options are refused: a short error naming the problem, non-zero exit,
nothing run. Covers the benchmark and test binaries (when built) and the
reliability/perf scripts; a typo must never run a default workload and
report it as if it had been asked for."""

import os
import platform
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ARCH = platform.machine().replace("aarch64", "arm64")
BIN = os.environ.get("BIN") or os.path.join("build", ARCH)


def run(cmd, env=None, timeout=60):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def one_line_error(p, *words):
    """Non-zero exit, exactly one line on stderr, naming every word given."""
    assert p.returncode != 0, p
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, p.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def binary(name):
    path = os.path.join(ROOT, BIN, name)
    if os.environ.get("RUNNER") or not os.access(path, os.X_OK):
        pytest.skip(f"{BIN}/{name} not built here (or cross-built)")
    return os.path.join(BIN, name)


def test_bench_binary_unknown_option():
    one_line_error(run([binary("bench-libc"), "--benchmark_filtr=map"]), "--benchmark_filtr")


def test_bench_binary_bad_perf_events():
    p = run([binary("bench-libc"), "--benchmark_filter=^$"], env={"PERF_EVENTS": "cycles,bogus"})
    one_line_error(p, "bogus")
    assert p.returncode == 2


def test_test_binary_unknown_option():
    one_line_error(run([binary("test-libc"), "--quik"]), "--quik")


def test_test_binary_filter_selecting_nothing():
    p = run([binary("test-libc"), "no_test_has_this_name"])
    one_line_error(p, "no test name contains")
    assert p.returncode == 2


def test_run_tests_filter_selecting_nothing_anywhere_fails():
    b = binary("test-libc")
    sh = os.path.join("scripts", "run-tests.sh")
    none = run(["sh", sh, b], env={"SKIP_PYTEST": "1", "TEST_ARGS": "no_test_has_this_name"})
    assert none.returncode != 0
    assert "select no test in any binary" in none.stderr
    assert none.stdout.rstrip().endswith("total: 0 passed, 1 failed")
    some = run(["sh", sh, b], env={"SKIP_PYTEST": "1", "TEST_ARGS": "shim_warn_once"})
    assert some.returncode == 0, some.stdout + some.stderr
    assert "total: 1 passed, 0 failed" in some.stdout


@pytest.mark.parametrize("args,word", [
    ([], "usage"),
    (["{bin}/bench-libc", ""], "FILTER"),
    (["/nonexistent/bench-libc", "map"], "not an executable"),
])
def test_perf_sh(args, word):
    args = [a.format(bin=BIN) for a in args]
    one_line_error(run(["scripts/perf.sh"] + args), word)


def test_perf_sh_filter_matching_nothing():
    one_line_error(run(["scripts/perf.sh", binary("bench-libc"), "^no-such-benchmark$"]),
                   "matches no benchmark")


@pytest.mark.parametrize("secs", ["", "abc", "1.5", "0", "-3"])
def test_fuzz_sh_bad_seconds(secs):
    one_line_error(run(["scripts/fuzz.sh", secs]), "FUZZ_SECONDS")


def test_fuzz_sh_unknown_backend():
    # No clang needed to reject a typo: the options are checked first.
    p = run(["scripts/fuzz.sh", "1"], env={"FUZZ_BACKENDS": "nosuch", "NO_DEPS": "1",
                                           "FUZZ_CC": "no-such-clang", "CC": "gcc"})
    one_line_error(p, "unknown backend 'nosuch'")


def test_fuzz_sh_bad_jobs():
    p = run(["scripts/fuzz.sh", "1"], env={"FUZZ_JOBS": "two", "NO_DEPS": "1",
                                           "FUZZ_CC": "no-such-clang", "CC": "gcc"})
    one_line_error(p, "FUZZ_JOBS")


def test_fuzz_sh_typo_named_under_another_arch():
    # make exports ARCH: make test ARCH=arm64 must still see the typo named.
    p = run(["scripts/fuzz.sh", "1"], env={"FUZZ_BACKENDS": "nosuch", "ARCH": "riscv64",
                                           "NO_DEPS": "1"})
    one_line_error(p, "unknown backend 'nosuch'")


def test_fuzz_sh_refuses_another_arch():
    p = run(["scripts/fuzz.sh", "1"], env={"ARCH": "riscv64", "NO_DEPS": "1"})
    one_line_error(p, "natively only", "ARCH=riscv64")


@pytest.mark.parametrize("args,word", [
    (["abc", "{bin}/test-libc"], "SECONDS"),
    (["5"], "usage"),
    (["5", "/nonexistent/test-libc"], "not an executable"),
])
def test_soak_sh(args, word):
    args = [a.format(bin=BIN) for a in args]
    one_line_error(run(["scripts/soak.sh"] + args), word)


def test_memcheck_sh_rejects_options():
    one_line_error(run(["scripts/memcheck.sh", "--leak-check=no"]), "unknown option '--leak-check=no'")


def test_memcheck_sh_no_binaries():
    one_line_error(run(["scripts/memcheck.sh"]), "usage")


def test_bench_sh_bad_profile():
    one_line_error(run(["scripts/bench.sh", os.path.join(BIN, "bench-libc")],
                       env={"PROFILE": "fast"}), "PROFILE=fast")
