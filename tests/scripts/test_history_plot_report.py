"""history.py change points, plot.py and report.py outputs."""

import json
import os
import shutil
import subprocess

import pytest

import benchlib as bl
import history
import plot
import report
from conftest import SCRIPTS, fixture

HIST = fixture("history", "fixturehost")


def test_history_flags_the_injected_step(tmp_path, capsys):
    out = str(tmp_path / "h.json")
    assert history.main(["--metric", "ns_per_page", HIST, "--json", out]) == 0
    doc = json.load(open(out))
    by = {s["benchmark"]: s for s in doc["series"]}
    for name, s in by.items():
        cps = s["change_points"]
        if name.startswith("map/"):
            # Fixture: map 10 % slower from the 7th run on.
            assert [c["run"] for c in cps] == ["20261107T100000Z-c006"], name
            assert cps[0]["after"] / cps[0]["before"] == pytest.approx(1.10, abs=0.02)
        else:
            assert cps == [], name
    assert "Change points:" in capsys.readouterr().out


def test_history_runs_are_ordered_by_time():
    runs, bad = bl.find_runs(HIST)
    assert not bad
    assert [r.label[:8] for r in runs] == ["202611%02d" % d for d in range(1, 11)]


def test_history_counter_change_is_exact(tmp_path):
    out = str(tmp_path / "h.json")
    history.main(["--metric", "tlb_cmds", "--filter", "strict", HIST, "--json", out])
    s = json.load(open(out))["series"][0]
    assert [(c["run"], c["before"], c["after"]) for c in s["change_points"]] == \
        [("20261109T100000Z-c008", 512, 256)]


def test_history_fail_on_change_and_plot(tmp_path):
    base = str(tmp_path / "hist")
    rc = history.main(["--metric", "ns_per_page", "--filter", "count:512", HIST,
                       "--fail-on-change", "--plot", base])
    assert rc == 1
    for ext in ("png", "svg"):
        assert os.path.getsize(base + "." + ext) > 1000


def test_history_bad_root_is_one_line():
    p = subprocess.run(["/usr/bin/python3", os.path.join(SCRIPTS, "history.py"),
                        "--metric", "ns_per_page", fixture("bad")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "no loadable runs" in p.stderr or "no run" in p.stderr


def _copy_run(tmp_path, name):
    dst = tmp_path / "results" / "fixturehost" / name
    shutil.copytree(fixture("runs", name), dst)
    return str(dst)


def test_plot_writes_png_and_svg(tmp_path):
    run = _copy_run(tmp_path, "base")
    assert plot.main([run]) == 0
    files = sorted(os.listdir(os.path.join(run, "plots")))
    for stem in ("backends-map", "backends-tlbi", "backends-unmap", "pgcount",
                 "tlbi", "coherence"):
        for ext in ("png", "svg"):
            f = os.path.join(run, "plots", "%s.%s" % (stem, ext))
            assert os.path.getsize(f) > 1000, f
    assert not [f for f in files if f.startswith(".tmp")]


def test_plot_history_from_sibling_runs(tmp_path):
    run = bl.load_run(fixture("history", "fixturehost", "20261110T100000Z-c009"))
    files = plot.history_for(run, HIST, str(tmp_path))
    assert sorted(os.path.basename(f) for f in files) == ["history.png", "history.svg"]
    assert "change point" in open(files[1]).read()


def test_plot_says_when_there_are_no_error_bars(tmp_path):
    run = bl.load_run(fixture("runs", "norep"))
    files = plot.plot_backends(run, str(tmp_path))
    svg = open([f for f in files if f.endswith("backends-map.svg")][0]).read()
    assert "No repetitions" in svg


def test_plot_of_emulated_run_carries_the_caveat(tmp_path):
    run = bl.load_run(fixture("runs", "emulated"))
    svg = open(plot.plot_coherence(run, str(tmp_path))[1]).read()
    assert "QEMU" in svg and "DC CVAC" in svg


def test_report_is_self_contained(tmp_path):
    run = _copy_run(tmp_path, "emulated")
    assert report.main([run, "--baseline", fixture("runs", "base")]) == 0
    page = open(os.path.join(run, "report.html")).read()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("data:image/png;base64,") >= 6
    assert "Read this first" in page and "DC CVAC" in page
    assert "Backend libc (A) vs pool (B)" in page
    assert "Baseline base (A)" in page
    # Nothing fetched from elsewhere.
    assert "src=\"http" not in page and "<link" not in page and "<script" not in page


def test_report_svg_inline_and_out(tmp_path):
    out = str(tmp_path / "r.html")
    report.main([fixture("runs", "norep"), "--svg", "--out", out])
    page = open(out).read()
    assert "<svg" in page and "data:image/png" not in page
    assert "no repetitions" in page.lower()
    assert not os.path.exists(fixture("runs", "norep", "plots"))


def test_bad_filter_regex_is_one_line(tmp_path):
    for script, args in (("compare.py", [fixture("runs", "base"), fixture("runs", "same")]),
                         ("summary.py", [fixture("runs", "base")]),
                         ("plot.py", [fixture("runs", "base"), "--out", str(tmp_path)]),
                         ("history.py", ["--metric", "ns_per_page", HIST])):
        p = subprocess.run(["/usr/bin/python3", os.path.join(SCRIPTS, script)] + args +
                           ["--filter", "("], capture_output=True, text=True)
        assert p.returncode == 2, script
        assert "bad --filter regex" in p.stderr and "Traceback" not in p.stderr


def test_plot_filter_limits_figures(tmp_path):
    files = plot.plot_run(bl.filter_run(bl.load_run(fixture("runs", "base")), "^tlbi/"),
                          str(tmp_path))
    names = sorted(os.path.basename(f) for f in files)
    assert names == ["backends-tlbi.png", "backends-tlbi.svg", "tlbi.png", "tlbi.svg"]


def test_history_keeps_platforms_apart(tmp_path):
    root = tmp_path / "host"
    shutil.copytree(HIST, root)
    # An emulated arm64 run, newest, must not become a "step" of x86_64.
    shutil.copytree(fixture("runs", "emulated"), root / "20261111T100000Z-emu")
    out = str(tmp_path / "h.json")
    history.main(["--metric", "ns_per_page", "--filter", "^map/.*count:512/.*walk:coherent",
                  str(root), "--json", out])
    series = json.load(open(out))["series"]
    native = [s for s in series if s["backend"] == "libc" and len(s["runs"]) == 10]
    assert len(native) == 1
    assert [c["run"] for c in native[0]["change_points"]] == ["20261107T100000Z-c006"]
    assert all(len(s["runs"]) == 1 for s in series if s not in native)
