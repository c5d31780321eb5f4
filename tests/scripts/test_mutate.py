"""tests/mutate/mutate.py's own rules: the list parses, a mutation whose
text no longer matches is caught, the list names each bug of the issue
that made it, and the work tree is never the one mutated."""

import importlib.util
import os

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location(
    "mutate", os.path.join(ROOT, "tests", "mutate", "mutate.py"))
mutate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutate)

LIST = os.path.join(ROOT, "tests", "mutate", "mutations")


def test_list_parses_and_every_find_matches_once():
    muts = mutate.parse(LIST)
    assert len(muts) >= 15
    for m in muts:
        with open(os.path.join(ROOT, m.file)) as f:
            assert f.read().count(m.find) == 1, "%s: find: no longer matches %s" % (m.id, m.file)


@pytest.mark.parametrize("ident", [
    "run-limit-plus-one", "strict-page-two-cmds", "clean-one-pte-fewer",
    "tlb-cmds-not-compared", "bh-removed", "failed-json-loaded", "time-cpu-ignored",
    "verify-disabled", "enomem-as-zero"])
def test_the_bugs_that_got_through_are_listed(ident):
    assert ident in {m.id for m in mutate.parse(LIST)}


def test_no_match_is_reported_not_applied(tmp_path):
    (tmp_path / "a.c").write_text("int x = 1;\nint x = 1;\n")
    m = mutate.Mutation("dup", "twice")
    m.file, m.find, m.replace = "a.c", "int x = 1;", "int x = 2;"
    assert mutate.apply(str(tmp_path), m) is None
    m.find = "int y"
    assert mutate.apply(str(tmp_path), m) is None
    assert (tmp_path / "a.c").read_text() == "int x = 1;\nint x = 1;\n"
    (tmp_path / "b.c").write_text("a\n\tb\n")
    m.file, m.find, m.replace = "b.c", mutate.unescape("a\\n\\tb"), "c"
    assert mutate.apply(str(tmp_path), m) == "a\n\tb\n"
    assert (tmp_path / "b.c").read_text() == "c\n"


def test_bad_list_is_refused(tmp_path):
    bad = tmp_path / "list"
    bad.write_text("## x: no file\nfind: a\nreplace: b\nrun: c t\n")
    with pytest.raises(SystemExit):
        mutate.parse(str(bad))
    bad.write_text("## x: bad run\nfile: f\nfind: a\nreplace: b\nrun: sh t\n")
    with pytest.raises(SystemExit):
        mutate.parse(str(bad))
