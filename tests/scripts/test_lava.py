"""scripts/lava.py: every generated job passes LAVA's own schema validator
(Debian's lava-common), recorded job logs from this machine's lava-run
parse into a results directory the other tools read, and every way a job
can go wrong is one line and no results directory."""

import json
import re
import os
import stat
import subprocess
import sys

import pytest
import yaml

import benchlib
import lava

lava_schemas = pytest.importorskip("lava_common.schemas",
                                   reason="lava-common not installed (make deps)")

VARS = {"KERNEL_URL": "https://lab.example/Image",
        "DTB_URL": "https://lab.example/board.dtb",
        "RAMDISK_URL": "https://lab.example/rootfs.cpio.gz",
        "NFSROOTFS_URL": "https://lab.example/rootfs.tar.xz",
        "BOOT_URL": "https://lab.example/boot.img",
        "ROOTFS_URL": "https://lab.example/rootfs.img.xz"}
SCRIPT = os.path.join(lava.ROOT, "scripts", "lava.py")


def job_argv(device_type, *extra, source=("--dist-url", "https://ci.example/d.tar.gz")):
    argv = ["job", "--device-type", device_type] + list(source) + list(extra)
    for k, v in VARS.items():
        argv += ["--set", "%s=%s" % (k, v)]
    return argv


def run_cli(*argv, env=None):
    return subprocess.run([sys.executable, SCRIPT] + list(argv), capture_output=True,
                          text=True, env=env, cwd=lava.ROOT)


@pytest.mark.parametrize("device_type", lava.device_types())
@pytest.mark.parametrize("source", [("--dist-url", "https://ci.example/d.tar.gz"),
                                    ("--git", "https://git.example/iopgt.git",
                                     "--ref", "main")])
def test_every_job_passes_lavas_validator(tmp_path, device_type, source):
    out = tmp_path / "job.yaml"
    assert lava.main(job_argv(device_type, "--profile", "full", "--filter", "^map/",
                              "--backends", "libc buddy", "-o", str(out),
                              source=source)) == 0
    job = yaml.safe_load(out.read_text())
    lava_schemas.validate(job, strict=True)
    test = job["actions"][-1]["test"]["definitions"][0]
    assert test["path"] == lava.TESTDEF
    assert test["parameters"]["PROFILE"] == "full"
    assert test["parameters"]["BACKENDS"] == "libc buddy"
    assert [next(iter(a)) for a in job["actions"]] == ["deploy", "boot", "test"]


def test_the_validator_is_really_called(tmp_path):
    # A job LAVA would refuse must be refused here too.
    job = lava.make_job(lava.main.__globals__["argparse"].Namespace(
        device_type="qemu", values=list(VARS.items()), profile="quick", filter="",
        backends="", ksrc="", dist_url="https://ci.example/d.tar.gz", git="",
        ref="", emulator="", timeout=0))
    del job["visibility"]
    with pytest.raises(lava.LavaError, match="fails LAVA's job schema"):
        lava.validate(job)
    job["visibility"] = "public"
    job["actions"][0]["deploy"]["to"] = "nowhere"
    with pytest.raises(lava.LavaError, match="fails LAVA's job schema"):
        lava.validate(job)


def test_test_definition_passes_lavas_schema():
    r = run_cli("validate", os.path.join(lava.ROOT, lava.TESTDEF))
    assert r.returncode == 0, r.stderr


def test_unknown_device_type_is_one_line_and_no_file(tmp_path):
    out = tmp_path / "job.yaml"
    r = run_cli(*job_argv("cray-1", "-o", str(out)))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1
    assert "unknown device type 'cray-1'" in r.stderr and "juno-r2" in r.stderr
    assert not out.exists()


def test_missing_lab_urls_are_named(tmp_path):
    out = tmp_path / "job.yaml"
    r = run_cli("job", "--device-type", "juno-r2", "--dist-url",
                "https://ci.example/d.tar.gz", "-o", str(out))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    for var in ("KERNEL_URL=", "DTB_URL=", "NFSROOTFS_URL="):
        assert var in r.stderr
    assert not out.exists()


def test_no_suite_source_is_an_error():
    r = run_cli("job", "--device-type", "qemu", "--set", "KERNEL_URL=a", "--set",
                "RAMDISK_URL=b")
    assert r.returncode == 1 and "DIST_URL=" in r.stderr and "GIT=" in r.stderr


# ----------------------------------------------------------------- logs

def recorded(fx, name):
    return fx("lava", name)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """The recorded qemu job (job 4 of lava-run here), parsed once."""
    res = tmp_path_factory.mktemp("lava") / "results"
    r = run_cli("parse", os.path.join(lava.ROOT, "tests", "scripts", "fixtures", "lava",
                                      "qemu-ok.jsonl"), "--job", "2", "--device",
                "qemu-local", "--device-type", "qemu", "--results", str(res))
    assert r.returncode == 0, r.stderr
    return res, r


def test_recorded_qemu_job_parses_into_a_run(parsed):
    res, r = parsed
    runs = os.listdir(res / "qemu-local")
    assert len(runs) == 1 and runs[0].endswith("-job2")
    run = benchlib.load_run(str(res / "qemu-local" / runs[0]))
    assert run.backends() == ["buddy", "libc"]
    assert run.ctx("board") == "qemu-local" and run.ctx("lava_job") == "2"
    assert run.host == "qemu-local"
    # The VM shows the guest a real Cortex-A57: the device type says emulated.
    assert "qemu-system-aarch64" in run.ctx("emulated")
    assert run.ctx("arch") in ("arm64", "aarch64")
    # Same benchmarks, same names as a local run.
    assert any(n.startswith("map/own/s1-4k/") for n in run.names())


def test_fetching_twice_leaves_the_first_copy(parsed, fx):
    res, _ = parsed
    args = ["parse", recorded(fx, "qemu-ok.jsonl"), "--job", "2", "--device",
            "qemu-local", "--device-type", "qemu", "--results", str(res)]
    r = run_cli(*args)
    assert r.returncode == 0 and "already holds job 2" in r.stdout
    assert len(os.listdir(res / "qemu-local")) == 1


def test_failed_job_is_one_line_and_no_results(tmp_path, fx):
    res = tmp_path / "results"
    r = run_cli("parse", recorded(fx, "qemu-boot-timeout.jsonl"), "--job", "1",
                "--device", "qemu-local", "--device-type", "qemu", "--results", str(res))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "job 1 failed: auto-login-action timed out" in r.stderr
    assert not res.exists()


def cut(fx, tmp_path, keep):
    lines = open(recorded(fx, "qemu-ok.jsonl")).read().splitlines()
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(l for l in lines if keep(l)) + "\n")
    return str(path)


def parse_err(path, tmp_path):
    res = tmp_path / "results"
    r = run_cli("parse", path, "--job", "9", "--device", "qemu-local",
                "--device-type", "qemu", "--results", str(res))
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert not res.exists()
    return r.stderr


def test_log_cut_short_is_not_a_run(tmp_path, fx):
    lines = open(recorded(fx, "qemu-ok.jsonl")).read().splitlines()
    end = next(i for i, l in enumerate(lines) if "IOPGT-JSON-END" in l)
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(lines[:end]) + "\n")
    assert "cut short or timed out" in parse_err(str(path), tmp_path)


def test_corrupt_json_in_log_is_not_a_run(tmp_path, fx):
    lines = open(recorded(fx, "qemu-ok.jsonl")).read().splitlines()
    begin = next(i for i, l in enumerate(lines) if "IOPGT-JSON-BEGIN" in l)
    entry = json.loads(lines[begin + 2])
    msg = entry["msg"]
    entry["msg"] = msg[:10] + ("A" if msg[10] != "A" else "B") + msg[11:]
    lines[begin + 2] = json.dumps(entry)
    path = tmp_path / "corrupt.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert "corrupt in the log" in parse_err(str(path), tmp_path)


def test_board_failure_is_not_a_run(tmp_path, fx):
    # lava-test-raise on the board: the suite's case is a fail.
    path = cut(fx, tmp_path, lambda l: True)
    lines = open(path).read().splitlines()
    i = next(i for i, l in enumerate(lines)
             if '"lvl": "results"' in l and '"case": "io-pgtable-bench"' in l)
    lines[i] = lines[i].replace('"result": "pass"', '"result": "fail"')
    assert '"result": "fail"' in lines[i]
    open(path, "w").write("\n".join(lines) + "\n")
    assert "reported a failure on the board" in parse_err(path, tmp_path)


def test_not_a_lava_log(tmp_path):
    path = tmp_path / "x.log"
    path.write_text("hello: [\n")
    assert "not LAVA's YAML log" in parse_err(str(path), tmp_path)


# ------------------------------------------------------- the lab (lavacli)

def fake_lavacli(tmp_path, body):
    """A lavacli on PATH that answers from a shell case statement."""
    d = tmp_path / "bin"
    d.mkdir()
    f = d / "lavacli"
    f.write_text("#!/bin/sh\n" + body)
    f.chmod(f.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH="%s:%s" % (d, os.environ["PATH"]))
    return env


def test_lab_refusing_a_job_is_one_line(tmp_path):
    job = tmp_path / "job.yaml"
    assert lava.main(job_argv("juno-r2", "-o", str(job))) == 0
    env = fake_lavacli(tmp_path, 'echo "Unable to submit job: device type juno-r2 '
                       'not available" >&2; exit 1\n')
    r = run_cli("submit", str(job), env=env)
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "lab said no" in r.stderr and "not available" in r.stderr


def test_submit_prints_the_job_id(tmp_path):
    job = tmp_path / "job.yaml"
    assert lava.main(job_argv("qemu", "-o", str(job))) == 0
    env = fake_lavacli(tmp_path, 'echo 4242\n')
    r = run_cli("submit", str(job), env=env)
    assert r.returncode == 0 and "job 4242" in r.stdout


@pytest.mark.parametrize("state,health,want", [
    ("Running", "Unknown", "still Running"),
    ("Finished", "Incomplete", "ended Incomplete on qemu01: lava-test-raise"),
    ("Finished", "Canceled", "ended Canceled"),
])
def test_fetch_of_an_unfinished_or_failed_job(tmp_path, state, health, want):
    env = fake_lavacli(tmp_path, """case "$*" in
*"jobs show"*) printf 'state: %s\\nhealth: %s\\ndevice: qemu01\\ndevice_type: qemu\\nfailure_comment: lava-test-raise io-pgtable-bench\\n' ;;
*) echo "unexpected $*" >&2; exit 1 ;;
esac
""" % (state, health))
    res = tmp_path / "results"
    r = run_cli("fetch", "--results", str(res), "77", env=env)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert want in r.stderr
    assert not res.exists()


def test_fetch_of_a_finished_job(tmp_path, fx):
    env = fake_lavacli(tmp_path, """case "$*" in
*"jobs show"*) printf 'state: Finished\\nhealth: Complete\\ndevice: qemu01\\ndevice_type: qemu\\n' ;;
*"jobs logs"*) cat '%s' ;;
*) exit 1 ;;
esac
""" % recorded(fx, "qemu-ok.jsonl"))
    res = tmp_path / "results"
    r = run_cli("fetch", "--results", str(res), "77", env=env)
    assert r.returncode == 0, r.stderr
    [run_dir] = os.listdir(res / "qemu01")
    run = benchlib.load_run(str(res / "qemu01" / run_dir))
    assert run.ctx("lava_job") == "77" and run.ctx("device_type") == "qemu"
    assert "qemu-system-aarch64" in run.ctx("emulated")


# ------------------------------------------------- reports across boards

def board_copy(src, dst, name, counter_bump=None):
    """The recorded qemu run as if another board had run it."""
    os.makedirs(dst)
    for f in os.listdir(src):
        doc = json.load(open(os.path.join(src, f)))
        doc["context"]["board"] = doc["context"]["host_name"] = name
        if counter_bump:
            for row in doc["benchmarks"]:
                if counter_bump in row:
                    row[counter_bump] += 1
        json.dump(doc, open(os.path.join(dst, f), "w"))
    return str(dst)


def test_report_across_boards(tmp_path, parsed):
    import report
    res, _ = parsed
    [a] = [str(res / "qemu-local" / d) for d in os.listdir(res / "qemu-local")]
    b = board_copy(a, tmp_path / "juno" / "r1", "juno-r2")
    out = tmp_path / "boards" / "report.html"
    assert report.main([a, b, "--out", str(out), "--filter", "^map/.*count:512/.*warm|^tlbi/.*size:4k/op:unmap"]) == 0
    page = out.read_text()
    assert "qemu-local" in page and "juno-r2" in page
    assert "Every deterministic counter agrees" in page
    plots = os.listdir(tmp_path / "boards" / "plots")
    assert "boards-map.png" in plots and "boards-tlbi.png" in plots

    # A behaviour difference between boards is listed, not averaged away.
    import boards
    c = board_copy(a, tmp_path / "rock" / "r1", "rock-pi", counter_bump="pte_writes")
    runs = boards.load_boards([a, c])
    diffs = boards.counter_differences(runs, boards.common_keys(runs))
    assert diffs and {d[2] for d in diffs} == {"pte_writes"}
    assert {d[5] for d in diffs} == {"behaviour differs"}


def test_one_off_cost_per_run_is_told_apart():
    import boards
    # 1 PTE per call plus 3 tables once: 1 + 3/1000 and 1 + 3/90000.
    assert round(boards.one_off(1.003, 1000, 1 + 3 / 90000, 90000)) == 3
    # The same iteration count, or a per-call change: no such explanation.
    assert boards.one_off(1.003, 1000, 1.0, 1000) is None
    assert boards.one_off(2.0, 1000, 1.0, 90000) is None


def test_report_across_boards_refuses_one_board_twice(tmp_path, parsed):
    import boards
    res, _ = parsed
    [a] = [str(res / "qemu-local" / d) for d in os.listdir(res / "qemu-local")]
    b = board_copy(a, tmp_path / "again" / "r1", "qemu-local")
    with pytest.raises(benchlib.BenchError, match="both from board qemu-local"):
        boards.main([a, b, "--out", str(tmp_path / "x.html")])


# ------------------------------------------- the board's side, on the host

FAKE_BENCH = """#!/bin/sh
# A stand-in bench binary: lists its names, writes the prepared JSON.
here=$(dirname "$0")/..
for a; do
	case $a in
	--benchmark_list_tests=true) cat "$here/names"; exit 0 ;;
	--benchmark_out=*) out=${a#--benchmark_out=} ;;
	esac
done
cp "$here/doc.json" "$out"
echo "fake: ran"
"""


def board_tree(tmp_path, fail=False):
    """A make-dist tree whose one binary writes a known JSON: three
    repetitions and their median aggregate per benchmark."""
    src = json.load(open(os.path.join(lava.ROOT, "results", "vm",
                                      "20261125T180023Z-08e8999", "libc.json")))
    base = [r for r in src["benchmarks"] if r["name"].startswith("map/")][:2]
    rows = []
    for r in base:
        for i, t in enumerate((300.0, 100.0, 110.0)):
            rows.append(dict(r, real_time=t, repetitions=3, repetition_index=i))
        rows.append(dict(r, name=r["name"] + "_median", run_type="aggregate",
                         aggregate_name="median", real_time=110.0))
    doc = dict(src, benchmarks=rows)
    doc["context"] = dict(src["context"], run_id="20261202T000000Z-abc1234",
                          backend="libc")
    root = tmp_path / "dist"
    for d in ("bin", "lib", "scripts", "lava"):
        (root / d).mkdir(parents=True)
    (root / "doc.json").write_text(json.dumps(doc, indent=2))
    (root / "names").write_text("\n".join(r["name"] for r in base) + "\n")
    fake = root / "bin" / "bench-libc"
    fake.write_text(FAKE_BENCH if not fail else "#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    for f in ("scripts/bench.sh", "lava/board-run.sh"):
        dst = root / f
        dst.write_text(open(os.path.join(lava.ROOT, f)).read())
        dst.chmod(0o755)
    (root / "VERSION").write_text("commit: abc1234\ndirty: no\ncompiler: cc 1\ncflags: -O2\n")
    return root, doc, base


# What make exports to its recipes (make test ARCH=arm64 runs pytest with
# ARCH=arm64 RUNNER=qemu-aarch64): a board sees none of it.
MAKE_EXPORTS = ("ARCH", "RUNNER", "QEMU_CPU", "CORE", "BIN", "KSRC", "KVER", "PROFILE",
                "CC", "CXX", "CFLAGS", "SANITIZE", "TEST_ARGS", "PYTHON", "MAKEFLAGS", "MFLAGS")


def run_board(root):
    env = {k: v for k, v in os.environ.items() if k not in MAKE_EXPORTS}
    env.update(PYTHON="/nonexistent/python3", FILTER="", BACKENDS="", PATH="/usr/bin:/bin")
    return subprocess.run(["sh", str(root / "lava" / "board-run.sh")], capture_output=True,
                          text=True, env=env, cwd=str(root))


def as_lava_log(output, verdict):
    """The board's console as LAVA logs it, and the suite's result."""
    lines = [json.dumps({"dt": "x", "lvl": "target", "msg": l}) for l in output.splitlines()]
    lines.append(json.dumps({"dt": "x", "lvl": "results", "msg": {
        "case": "io-pgtable-bench", "definition": "0_io-pgtable-bench", "result": verdict}}))
    return "\n".join(lines) + "\n"


def test_board_run_reports_cases_and_hands_back_the_json(tmp_path):
    root, doc, base = board_tree(tmp_path)
    r = run_board(root)
    assert r.returncode == 0, r.stdout + r.stderr
    cases = [l for l in r.stdout.splitlines() if l.startswith("lava-test-case ")]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", base[0]["name"])
    # The median of the repetitions (their mean is 170), in the binary's
    # unit, and each counter as its own case.
    assert "lava-test-case %s --result pass --measurement 110 --units ns" % name in cases
    assert any(c.startswith("lava-test-case %s.pte_writes " % name) and "per_call" in c
               for c in cases)
    assert cases[-1] == "lava-test-case io-pgtable-bench --result pass"
    files = lava.parse_log(as_lava_log(r.stdout, "pass"), "1")
    assert list(files) == ["libc"]
    assert files["libc"] == doc		# byte for byte what the binary wrote


def test_board_run_raises_when_a_binary_fails(tmp_path):
    root, _, _ = board_tree(tmp_path, fail=True)
    r = run_board(root)
    assert r.returncode != 0
    assert "lava-test-case io-pgtable-bench --result fail" in r.stdout
    assert "lava-test-raise" in r.stdout
    with pytest.raises(lava.LavaError, match="reported a failure on the board"):
        lava.parse_log(as_lava_log(r.stdout, "fail"), "1")
