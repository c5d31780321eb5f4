"""scripts/compare-kernels.sh refuses bad sides before building anything:
one line naming the problem, exit 2, no results directory. (The end-to-end
run is test_compare_kernels_git.py.)"""

import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(ROOT, "scripts", "compare-kernels.sh")


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "linux"
    (r / "drivers" / "iommu").mkdir(parents=True)
    (r / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 0\n")
    (r / "include" / "linux").mkdir(parents=True)
    for f in ("drivers/iommu/io-pgtable-arm.c", "drivers/iommu/io-pgtable.c",
              "include/linux/io-pgtable.h"):
        (r / f).write_text("/* */\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"], ["tag", "base"]):
        subprocess.run(["git", "-C", str(r)] + cmd, env=env, check=True, capture_output=True)
    return r


CASES = {
    "no sides": ([], {}, "usage"),
    "not a tree": (["own", "{tmp}"], {}, "has no drivers/iommu/io-pgtable-arm.c"),
    "not a repository": (["own", "base"], {"GIT": "{tmp}"}, "not a git repository"),
    "unknown ref": (["base", "nope"], {"GIT": "{repo}"}, "no commit 'nope'"),
    "bad rounds": (["own", "own"], {"ROUNDS": "x"}, "ROUNDS=x"),
    "patches without git": (["own", "{repo}"], {"PATCHES": "x.patch"}, "needs GIT=<repo>"),
    "patches onto own": (["base", "own"], {"GIT": "{repo}", "PATCHES": "x.patch"},
                         "not to the own core"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_sides_are_one_line_and_build_nothing(repo, tmp_path, case):
    args, env, words = CASES[case]
    fill = {"tmp": str(tmp_path / "empty"), "repo": str(repo)}
    (tmp_path / "empty").mkdir()
    full = dict(os.environ, O=str(tmp_path / "o"), RESULTS=str(tmp_path / "results"))
    full.pop("GIT", None)
    full.update({k: v.format(**fill) for k, v in env.items()})
    p = subprocess.run([SCRIPT] + [a.format(**fill) for a in args], cwd=ROOT, env=full,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and words in lines[0], p.stderr
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / "o" / "compare-kernels-build.log").exists()
