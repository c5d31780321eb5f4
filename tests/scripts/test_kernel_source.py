"""scripts/kernel-source.sh --git: a ref's build files out of a git
repository, patches applied, named after the ref, the user's repository left
as it was; bad input is one line, a non-zero exit and nothing written.

The repositories are small synthetic Linux trees made here (a Makefile with
a version, drivers/iommu/ and include/linux/ files, and files the build must
not take), so these tests need neither a kernel tree nor a compiler."""

import hashlib
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KSOURCE = os.path.join(ROOT, "scripts", "kernel-source.sh")
KVERSION = os.path.join(ROOT, "scripts", "kernel-version.sh")

BUILD_FILES = {
    "Makefile",
    "drivers/iommu/io-pgtable-arm.c",
    "drivers/iommu/io-pgtable.c",
    "drivers/iommu/io-pgtable-arm.h",
    "drivers/iommu/io-pgtable-arm-selftests.c",
    "drivers/iommu/iommu-pages.h",
    "include/linux/io-pgtable.h",
}
OTHER_FILES = {"README", "drivers/iommu/iommu.c", "include/linux/iommu.h"}
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="no git here")


def git(repo, *args):
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", "-C", str(repo)] + list(args), env=env, check=True,
                          capture_output=True, text=True).stdout


def write(root, path, text):
    p = os.path.join(str(root), path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


@pytest.fixture
def repo(tmp_path):
    """base (tag): a 7.0 tree without io-pgtable-arm.h; series (branch): one
    commit on top that changes io-pgtable-arm.c and adds the header, same
    version. Also series.patch and series.mbox (with a cover letter)."""
    r = tmp_path / "linux"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    write(r, "Makefile", "# SPDX\nVERSION = 7\nPATCHLEVEL = 0\nSUBLEVEL = 0\nEXTRAVERSION =\n")
    for f in BUILD_FILES - {"Makefile", "drivers/iommu/io-pgtable-arm.h"}:
        write(r, f, "/* %s at base */\n" % f)
    for f in OTHER_FILES:
        write(r, f, "not for the build\n")
    git(r, "add", "-A")
    git(r, "commit", "-q", "-m", "base")
    git(r, "tag", "base")
    git(r, "checkout", "-q", "-b", "series")
    write(r, "drivers/iommu/io-pgtable-arm.c", "/* reworked */\niommu_pages_start_incoherent();\n")
    write(r, "drivers/iommu/io-pgtable-arm.h", "/* new header */\n")
    git(r, "add", "-A")
    git(r, "commit", "-q", "-m", "iommu/io-pgtable-arm: rework")
    patches = tmp_path / "patches"
    git(r, "format-patch", "-q", "--cover-letter", "-o", str(patches), "base..series")
    one = sorted(p for p in os.listdir(patches) if p.startswith("0001"))[0]
    shutil.copy(patches / one, tmp_path / "series.patch")
    with open(tmp_path / "series.mbox", "w") as out:
        for p in sorted(os.listdir(patches)):
            out.write((patches / p).read_text())
    git(r, "checkout", "-q", "main")
    return r


def run(*args, cwd=ROOT):
    return subprocess.run([KSOURCE] + [str(a) for a in args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def tree_files(d):
    out = set()
    for top, _, files in os.walk(d):
        for f in files:
            out.add(os.path.relpath(os.path.join(top, f), d))
    return out


def core(tree):
    return subprocess.run([KVERSION, "--core", str(tree)], capture_output=True,
                          text=True, check=True).stdout.strip()


def state(r):
    """What a user would notice changing in their repository."""
    index = os.path.join(str(r), ".git", "index")
    digest = hashlib.sha256(open(index, "rb").read()).hexdigest() if os.path.exists(index) else ""
    return (git(r, "rev-parse", "HEAD"), git(r, "status", "--porcelain"),
            git(r, "count-objects", "-v"), git(r, "for-each-ref"), digest)


def test_ref_gives_only_the_build_files_named_after_the_ref(repo, tmp_path):
    out = tmp_path / "kernel"
    p = run("--git", repo, "--ref", "base", "--outdir", out)
    assert p.returncode == 0, p.stderr
    tree = out / "git-base"
    files = tree_files(tree)
    assert files - {".kernel-ref", ".source", ".extracted"} == \
        BUILD_FILES - {"drivers/iommu/io-pgtable-arm.h"}
    assert (tree / ".kernel-ref").read_text().strip() == "base"
    assert core(tree) == "k7.0-base"
    assert os.listdir(out) == ["git-base"], "a temporary directory was left behind"


def test_two_refs_of_one_version_get_their_own_tree_and_core(repo, tmp_path):
    out = tmp_path / "kernel"
    for ref in ("base", "series"):
        assert run("--git", repo, "--ref", ref, "--outdir", out).returncode == 0
    a, b = out / "git-base", out / "git-series"
    assert core(a) == "k7.0-base" and core(b) == "k7.0-series"
    assert "reworked" in (b / "drivers/iommu/io-pgtable-arm.c").read_text()
    assert "reworked" not in (a / "drivers/iommu/io-pgtable-arm.c").read_text()
    assert (b / "drivers/iommu/io-pgtable-arm.h").exists()
    # A plain directory (KSRC=) keeps the version-only name.
    shutil.copytree(a, tmp_path / "plain")
    os.unlink(tmp_path / "plain" / ".kernel-ref")
    assert core(tmp_path / "plain") == "k7.0"


def test_branch_names_are_sanitised(repo, tmp_path):
    git(repo, "branch", "user/my-series", "series")
    p = run("--git", repo, "--ref", "user/my-series", "--outdir", tmp_path / "k")
    assert p.returncode == 0, p.stderr
    assert core(tmp_path / "k" / "git-user-my-series") == "k7.0-user-my-series"


def test_the_users_repository_is_not_touched(repo, tmp_path):
    # A user mid-work: a dirty file and something staged.
    write(repo, "README", "edited\n")
    write(repo, "new.c", "staged\n")
    git(repo, "add", "new.c")
    before = state(repo)
    for ref, patches in (("series", ""), ("base", str(tmp_path / "series.patch"))):
        p = run("--git", repo, "--ref", ref, "--patches", patches, "--outdir", tmp_path / "k")
        assert p.returncode == 0, p.stderr
    assert state(repo) == before
    assert (repo / "README").read_text() == "edited\n"


def test_bare_and_shallow_repositories(repo, tmp_path):
    bare = tmp_path / "shallow.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--depth", "1", "--branch", "series",
                    "file://%s" % repo, str(bare)], check=True, capture_output=True)
    assert git(bare, "rev-parse", "--is-shallow-repository").strip() == "true"
    p = run("--git", bare, "--ref", "series", "--outdir", tmp_path / "k")
    assert p.returncode == 0, p.stderr
    assert "reworked" in (tmp_path / "k/git-series/drivers/iommu/io-pgtable-arm.c").read_text()


@pytest.mark.parametrize("kind", ["series.patch", "series.mbox"])
def test_patches_and_mboxes_give_the_branch(repo, tmp_path, kind):
    out = tmp_path / "k"
    assert run("--git", repo, "--ref", "series", "--outdir", out).returncode == 0
    p = run("--git", repo, "--ref", "base", "--patches", tmp_path / kind, "--outdir", out)
    assert p.returncode == 0, p.stderr
    if kind.endswith("mbox"):
        assert "has no diff, skipped" in p.stdout, "the cover letter is not a patch"
    patched = [d for d in os.listdir(out) if d.startswith("git-base-patched-")]
    assert len(patched) == 1, os.listdir(out)
    for f in BUILD_FILES:
        want, got = out / "git-series" / f, out / patched[0] / f
        assert want.exists() == got.exists(), f
        if want.exists():
            assert want.read_text() == got.read_text(), f


def test_make_kernel_source_passes_git_ref_patches_and_name(repo, tmp_path):
    o = tmp_path / "o"
    p = subprocess.run(["make", "--no-print-directory", "kernel-source", "O=%s" % o,
                        "GIT=%s" % repo, "REF=base", "PATCHES=%s" % (tmp_path / "series.patch"),
                        "NAME=mine"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert core(o / "kernel" / "git-mine") == "k7.0-mine"
    assert "reworked" in (o / "kernel/git-mine/drivers/iommu/io-pgtable-arm.c").read_text()


BAD = {
    "not a repository": (lambda r, t: ["--git", t, "--ref", "base"], "not a git repository"),
    "unknown ref": (lambda r, t: ["--git", r, "--ref", "no-such-ref"], "no commit 'no-such-ref'"),
    "no ref": (lambda r, t: ["--git", r], "needs"),
    "patch does not apply": (lambda r, t: ["--git", r, "--ref", "series", "--patches",
                                           t / "series.patch", "--name", "keep"],
                             "does not apply"),
    "missing patch": (lambda r, t: ["--git", r, "--ref", "base", "--patches", t / "nope.patch"],
                      "nope.patch"),
    "unknown option": (lambda r, t: ["--git", r, "--ref", "base", "--bogus", "x"], "--bogus"),
    "not a linux tree": (lambda r, t: ["--git", r, "--ref", "plain"], "not a Linux tree"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_writes_nothing(repo, tmp_path, case):
    args, words = BAD[case]
    out = tmp_path / "k"
    # A tree from before, under the name the failing call would write.
    assert run("--git", repo, "--ref", "base", "--name", "keep", "--outdir", out).returncode == 0
    before = (out / "git-keep" / "drivers/iommu/io-pgtable-arm.c").read_text()
    git(repo, "checkout", "-q", "--orphan", "plain")
    git(repo, "rm", "-q", "-r", "--cached", "drivers")
    git(repo, "commit", "-q", "-m", "no drivers")
    git(repo, "checkout", "-q", "-f", "main")
    p = run(*(args(repo, tmp_path) + ["--outdir", out]))
    assert p.returncode != 0
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    assert words in lines[0], lines[0]
    assert sorted(os.listdir(out)) == ["git-keep"], "half-written output left behind"
    assert (out / "git-keep" / "drivers/iommu/io-pgtable-arm.c").read_text() == before


def test_linked_worktree_and_partial_clone(repo, tmp_path):
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt), "series")
    p = run("--git", wt, "--ref", "HEAD", "--name", "wt", "--outdir", tmp_path / "k")
    assert p.returncode == 0, p.stderr
    assert "reworked" in (tmp_path / "k/git-wt/drivers/iommu/io-pgtable-arm.c").read_text()
    git(repo, "config", "uploadpack.allowFilter", "true")
    blobless = tmp_path / "blobless"
    subprocess.run(["git", "clone", "-q", "--no-checkout", "--filter=blob:none",
                    "file://%s" % repo, str(blobless)], check=True, capture_output=True)
    p = run("--git", blobless, "--ref", "origin/series", "--outdir", tmp_path / "k")
    assert p.returncode == 0, p.stderr
    assert "reworked" in (tmp_path / "k/git-origin-series/drivers/iommu/io-pgtable-arm.c").read_text()


def test_rerun_is_up_to_date_until_the_ref_moves(repo, tmp_path):
    out = tmp_path / "k"
    assert run("--git", repo, "--ref", "series", "--outdir", out).returncode == 0
    p = run("--git", repo, "--ref", "series", "--outdir", out)
    assert p.returncode == 0 and "is up to date" in p.stdout, p.stdout
    git(repo, "checkout", "-q", "series")
    write(repo, "drivers/iommu/io-pgtable.c", "/* moved on */\n")
    git(repo, "commit", "-q", "-am", "more")
    p = run("--git", repo, "--ref", "series", "--outdir", out)
    assert p.returncode == 0 and "is up to date" not in p.stdout
    assert (out / "git-series/drivers/iommu/io-pgtable.c").read_text() == "/* moved on */\n"
