#!/usr/bin/python3
"""Mutation testing: apply each deliberate bug of tests/mutate/mutations,
one at a time, to a scratch copy of the tree, run the fast tests that must
catch it, and report killed / survived with a score.

The work tree is never touched: the scratch copy is made of the files git
knows (tracked and untracked-not-ignored, as they are now; --head: the
last commit), built with its own O= directory. A mutation whose find: text
no longer occurs exactly once is reported as "no match" and counts as not
killed, so the list cannot rot silently. Every test command runs under a
timeout: a hang is a kill within seconds, not a stalled run. Before any
mutation, every test command must pass on the unmutated copy.

Exit status: 0 when every mutation was killed, 1 otherwise, 2 for bad
usage or a baseline that fails.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


class Mutation:
    def __init__(self, ident, what):
        self.id, self.what = ident, what
        self.file = self.find = self.replace = None
        self.runs = []
        self.result = "not run"


def unescape(text):
    return text.replace("\\n", "\n").replace("\\t", "\t")


def parse(path):
    """The mutations file: one '## id: what' block per mutation."""
    muts, cur = [], None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = re.match(r"^## ([a-z0-9-]+): (.+)$", line)
            if m:
                cur = Mutation(m.group(1), m.group(2))
                muts.append(cur)
                continue
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, val = line.partition(": ")
            if cur is None or not sep or key not in ("file", "find", "replace", "run"):
                raise SystemExit("mutate: %s:%d: expected file:, find:, replace: or run:"
                                 % (path, n))
            if key == "run":
                kind, _, args = val.partition(" ")
                if kind not in ("c", "py") or not args.strip():
                    raise SystemExit("mutate: %s:%d: run: c <tests> or py <args>" % (path, n))
                cur.runs.append((kind, tuple(args.split())))
            else:
                setattr(cur, key, unescape(val) if key != "file" else val)
    for m in muts:
        if not (m.file and m.find and m.replace is not None and m.runs):
            raise SystemExit("mutate: %s: mutation %s lacks file, find, replace or run"
                             % (path, m.id))
    ids = [m.id for m in muts]
    if len(set(ids)) != len(ids):
        raise SystemExit("mutate: %s: duplicate mutation ids" % path)
    return muts


def scratch_copy(dest, head):
    """The tree into dest: git's files as they are now, or the last commit."""
    if head:
        arch = subprocess.run(["git", "-C", ROOT, "archive", "HEAD"],
                              capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", dest], input=arch, check=True)
        return
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached",
                            "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.split(b"\0")
    for rel in files:
        rel = rel.decode()
        src = os.path.join(ROOT, rel)
        if not rel or not os.path.isfile(src) or rel.startswith("build/"):
            continue
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


class Runner:
    def __init__(self, tree, timeout, verbose):
        self.tree, self.timeout, self.verbose = tree, timeout, verbose
        arch = platform.machine().replace("aarch64", "arm64")
        self.obuild = "build/mutate"
        self.test_bin = os.path.join(self.obuild, arch, "test-libc")
        self.env = dict(os.environ, O=self.obuild, NO_DEPS="1", PYTHONDONTWRITEBYTECODE="1",
                        MPLBACKEND="Agg")
        for k in ("RUNNER", "SANITIZE", "KSRC", "BIN", "ARCH", "CROSS_COMPILE", "MAKEFLAGS"):
            self.env.pop(k, None)

    def sh(self, cmd, timeout):
        t0 = time.time()
        try:
            p = subprocess.run(cmd, cwd=self.tree, env=self.env, capture_output=True,
                               text=True, timeout=timeout)
            rc, out = p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired as e:
            rc = "timeout"
            out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
                else (e.stdout or "")
        if self.verbose:
            print("    $ %s -> %s (%.0f s)" % (" ".join(cmd), rc, time.time() - t0))
        return rc, out

    def build(self):
        return self.sh(["make", "--no-print-directory", "-j2", "O=" + self.obuild,
                        "NO_DEPS=1", self.test_bin], 1800)

    def run(self, kind, args):
        """(passed, why): the test command's verdict on the tree as it is."""
        if kind == "c":
            rc, out = self.build()
            if rc != 0:
                return False, "build failed"
            rc, out = self.sh([self.test_bin] + list(args), self.timeout)
            if rc == "timeout":
                return False, "timed out after %d s (a hang)" % self.timeout
            # A filter that selects nothing must not pass for a test that ran.
            tally = re.search(r"^([0-9]+) passed, ([0-9]+) failed", out, re.M)
            ran = re.search(r"^(not )?ok ", out, re.M) or \
                (tally and int(tally.group(1)) + int(tally.group(2)) > 0)
            if not ran:
                return False, "no test ran (%s)" % " ".join(args)
            return rc == 0, "exit %s" % rc
        rc, out = self.sh([PY, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"] +
                          list(args), max(self.timeout, 600))
        if rc == 5:
            return False, "pytest selected no test (%s)" % " ".join(args)
        if rc == 0 and not re.search(r"\b[1-9][0-9]* passed", out):
            return False, "every selected test skipped (%s)" % " ".join(args)
        return rc == 0, "timed out" if rc == "timeout" else "exit %s" % rc


def apply(tree, m):
    """The original text of m.file, after writing the mutant; None if no match."""
    path = os.path.join(tree, m.file)
    try:
        with open(path) as f:
            orig = f.read()
    except OSError:
        return None
    if orig.count(m.find) != 1:
        return None
    with open(path, "w") as f:
        f.write(orig.replace(m.find, m.replace))
    return orig


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", default=os.path.join(HERE, "mutations"),
                    help="mutations file (default tests/mutate/mutations)")
    ap.add_argument("--only", default="", help="comma-separated mutation ids")
    ap.add_argument("--head", action="store_true",
                    help="mutate the last commit instead of the work tree")
    ap.add_argument("--timeout", type=int, default=20,
                    help="seconds per C test command: a hang is a kill (default 20)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch tree")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.timeout < 1:
        ap.error("--timeout: expected a whole number of seconds >= 1")
    muts = parse(args.list)
    if args.only:
        want = set(args.only.split(","))
        unknown = want - {m.id for m in muts}
        if unknown:
            ap.error("--only: unknown mutation(s): %s" % ", ".join(sorted(unknown)))
        muts = [m for m in muts if m.id in want]

    t0 = time.time()
    tree = tempfile.mkdtemp(prefix="iopgt-mutate-")
    try:
        scratch_copy(tree, args.head)
        r = Runner(tree, args.timeout, args.verbose)
        print("mutate: scratch tree %s, %d mutation(s)" % (tree, len(muts)))
        cmds = sorted({run for m in muts for run in m.runs if run[0] == "c"})
        # Every pytest selection at once: the files and their -k's, or'ed.
        pyruns = [args for m in muts for k, args in m.runs if k == "py"]
        pyfiles = sorted({a for args in pyruns for a in args if a.endswith(".py")})
        keys = sorted({args[i + 1] for args in pyruns for i, a in enumerate(args[:-1])
                       if a == "-k"})
        if pyfiles:
            cmds.append(("py", tuple(pyfiles) + (("-k", " or ".join(keys)) if keys and
                         all("-k" in args for args in pyruns) else ())))
        for kind, targs in cmds:
            ok, why = r.run(kind, targs)
            if not ok:
                print("mutate: baseline fails before any mutation: %s %s: %s"
                      % (kind, " ".join(targs), why), file=sys.stderr)
                return 2
        print("mutate: baseline passes (%d test command(s))" % len(cmds))
        for m in muts:
            orig = apply(tree, m)
            if orig is None:
                m.result = "NO MATCH (find: text not found once in %s)" % m.file
            else:
                try:
                    for kind, targs in m.runs:
                        ok, why = r.run(kind, targs)
                        if not ok:
                            m.result = "killed (%s %s: %s)" % (kind, " ".join(targs), why)
                            break
                    else:
                        m.result = "SURVIVED"
                finally:
                    with open(os.path.join(tree, m.file), "w") as f:
                        f.write(orig)
            print("%-28s %s" % (m.id, m.result), flush=True)
    finally:
        if args.keep:
            print("mutate: kept %s" % tree)
        else:
            shutil.rmtree(tree, ignore_errors=True)
    killed = sum(m.result.startswith("killed") for m in muts)
    print("mutate: score %d/%d killed in %.0f s%s" % (killed, len(muts), time.time() - t0,
          "" if killed == len(muts) else
          " (not killed: %s)" % ", ".join(m.id for m in muts if not m.result.startswith("killed"))))
    return 0 if killed == len(muts) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
