"""scripts/walker-path.py: per side and backend of a compare-kernels run,
which path the non-coherent walker's tables took, from what the binaries
reported; backends that could not serve a core are named, and a coherent
benchmark that failed is an error (exit 3)."""

import json

import pytest

import importlib

wp = importlib.import_module("walker-path")

NC = "map/%s/s1-4k/pgsize:4k/count:512/pattern:seq/tables:cold/walk:noncoherent"
CO = "map/%s/s1-4k/pgsize:4k/count:512/pattern:seq/tables:cold/walk:coherent"


def row(name, **extra):
    r = {"name": name, "run_name": name, "run_type": "iteration", "iterations": 10,
         "real_time": 100.0, "cpu_time": 90.0, "time_unit": "ns"}
    r.update(extra)
    return r


def err(name, msg):
    return {"name": name, "run_name": name, "run_type": "iteration",
            "error_occurred": True, "error_message": msg}


def put(run, fname, core, rows, **ctx):
    context = {"core": core, "backend": fname.split(".")[0], "side": "x"}
    context.update(ctx)
    (run / fname).write_text(json.dumps({"context": context, "benchmarks": rows}))


def lines(capsys):
    return [l for l in capsys.readouterr().out.splitlines() if l.startswith("walker path:")]


def test_dma_api_and_incoherent_iommu_pages_are_told_apart(tmp_path, capsys):
    put(tmp_path, "buddy.A.r1.json", "k7.0-base",
        [row(CO % "k7.0-base", dma_maps=0.0),
         row(NC % "k7.0-base", dma_maps=1.0, dma_syncs=3.0, incoherent_starts=0.0,
             incoherent_flushes=0.0)])
    put(tmp_path, "buddy.B.r1.json", "k7.0-rework",
        [row(NC % "k7.0-rework", dma_maps=0.0, dma_syncs=3.0, incoherent_starts=1.0,
             incoherent_flushes=0.0)])
    put(tmp_path, "libc.B.r1.json", "k7.0-rework",
        [row(NC % "k7.0-rework", dma_maps=0.0, dma_syncs=0.0, incoherent_starts=1.0,
             incoherent_flushes=2.0)])
    assert wp.main([str(tmp_path)]) == 0
    out = lines(capsys)
    assert len(out) == 3
    a, b, c = out
    assert "A k7.0-base" in a and "buddy" in a
    assert "  tables: DMA API, PTE syncs: DMA API (" in a
    assert "dma_maps 1" in a
    assert "B k7.0-rework" in b
    assert "  tables: incoherent iommu-pages, PTE syncs: DMA API (" in b
    assert "libc" in c
    assert "  tables: incoherent iommu-pages, PTE syncs: incoherent iommu-pages (" in c


def test_context_field_is_shown_and_missing_counters_are_said(tmp_path, capsys):
    put(tmp_path, "buddy.A.r1.json", "own", [row(NC % "own")],
        noncoherent_tables="incoherent iommu-pages")
    put(tmp_path, "buddy.B.r1.json", "k6.12", [row(NC % "k6.12")])
    assert wp.main([str(tmp_path)]) == 0
    a, b = lines(capsys)
    assert "  declared: incoherent iommu-pages (noncoherent_tables: incoherent iommu-pages)" in a
    assert "not reported by this build" in b


def test_counters_win_over_the_declared_path(tmp_path, capsys):
    put(tmp_path, "buddy.A.r1.json", "k7.0-base", [row(NC % "k7.0-base")],
        noncoherent_tables="dma-api")
    put(tmp_path, "buddy.B.r1.json", "k7.0-rework",
        [row(NC % "k7.0-rework", dma_syncs=3.0, incoherent_starts=1.0)],
        noncoherent_tables="iommu-pages-incoherent")
    assert wp.main([str(tmp_path)]) == 0
    a, b = lines(capsys)
    assert "  declared: DMA API (noncoherent_tables: dma-api)" in a
    assert "  tables: incoherent iommu-pages, PTE syncs: DMA API " \
        "(noncoherent_tables: iommu-pages-incoherent; per call, mean of the rows: dma_syncs 3" in b


def test_backends_that_cannot_serve_a_core_are_named(tmp_path, capsys):
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    (tmp_path / "A" / "hyp.A.none").write_text("core=k7.0 binary=x\n")
    put(tmp_path / "B", "hyp.B.r1.json", "k7.0",
        [row(CO % "k7.0"), err(NC % "k7.0", "domain init: Operation not supported")])
    put(tmp_path / "B", "hyp.B.r2.json", "k7.0",
        [row(CO % "k7.0"), err(NC % "k7.0", "domain init: Operation not supported")])
    assert wp.main([str(tmp_path)]) == 0
    a, b = lines(capsys)
    assert "A k7.0" in a and "registered none of the selected benchmarks" in a
    assert "could not run: domain init: Operation not supported (2 of 2 rows)" in b


def test_a_failed_coherent_benchmark_is_an_error(tmp_path, capsys):
    put(tmp_path, "buddy.A.r1.json", "own",
        [err(CO % "own", "iova_to_phys(0x1000) = 0x0, expected 0x2000"), row(NC % "own")])
    assert wp.main([str(tmp_path)]) == 3
    assert "iova_to_phys(0x1000)" in capsys.readouterr().out


def test_no_noncoherent_row_is_said(tmp_path, capsys):
    put(tmp_path, "buddy.A.r1.json", "own", [row(CO % "own")])
    assert wp.main([str(tmp_path)]) == 0
    assert "no walk:noncoherent benchmark selected" in lines(capsys)[0]


@pytest.mark.parametrize("content", [None, "", "{not json"])
def test_bad_run_is_one_line(tmp_path, capsys, content):
    if content is not None:
        (tmp_path / "buddy.A.r1.json").write_text(content)
    assert wp.main([str(tmp_path)]) == 2
    err_lines = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err_lines) == 1 and err_lines[0].startswith("walker-path: ")


def test_warns_are_counted_on_the_line_of_their_side(tmp_path, capsys):
    put(tmp_path, "hyp.B.r1.json", "k7.0-rework", [row(NC % "k7.0-rework")])
    put(tmp_path, "hyp.A.r1.json", "k7.0-base", [row(NC % "k7.0-base")])
    (tmp_path / "hyp.B.warn").write_text(
        "WARNING: src/alloc/hyp.c:171: dma_sync_single_for_device(...) in a "
        "hypervisor build: there is no DMA API\n" * 3)
    assert wp.main([str(tmp_path)]) == 0
    a, b = lines(capsys)
    assert "WARN" not in a
    assert "WARNs: dma_sync_single_for_device(...) in a hypervisor build: " \
        "there is no DMA API (3)" in b
