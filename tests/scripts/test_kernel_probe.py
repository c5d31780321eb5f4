"""What scripts/kernel-version.sh reads from a kernel tree's source, and the
one line a tree the shims cannot serve ends with (kernel-version.sh --check,
kernel-cc.sh), on small fake trees: no real kernel tree needed."""

import os
import subprocess

from conftest import ROOT

KVER = os.path.join(ROOT, "scripts", "kernel-version.sh")
KCC = os.path.join(ROOT, "scripts", "kernel-cc.sh")


def fake_tree(tmp_path, arm_c, selftests=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 0\nSUBLEVEL = 0\n")
    d = tmp_path / "drivers" / "iommu"
    d.mkdir(parents=True)
    (d / "io-pgtable-arm.c").write_text(arm_c)
    (d / "io-pgtable.c").write_text("#include <linux/io-pgtable.h>\n")
    if selftests is not None:
        (d / "io-pgtable-arm-selftests.c").write_text(selftests)
    return str(tmp_path)


def kver(*args):
    return subprocess.run([KVER, *args], capture_output=True, text=True)


ALLOC_SZ = "p = iommu_alloc_pages_node_sz(nid, gfp, size);\n"


def test_selftest_kind_is_read_from_the_source(tmp_path):
    arm = ALLOC_SZ + "#ifdef CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST\n#endif\n"
    assert kver("--selftest", fake_tree(tmp_path / "a", arm)).stdout == "in-file\n"
    kunit = "kunit_test_suite(io_pgtable_arm_test);\n"
    assert kver("--selftest", fake_tree(tmp_path / "b", ALLOC_SZ, kunit)).stdout == "kunit\n"
    initcall = "subsys_initcall(arm_lpae_do_selftests);\n"
    assert kver("--selftest", fake_tree(tmp_path / "c", ALLOC_SZ, initcall)).stdout == "initcall\n"
    assert kver("--selftest", fake_tree(tmp_path / "d", ALLOC_SZ)).stdout == "none\n"


def test_noncoherent_path_is_read_from_the_source(tmp_path):
    dma = ALLOC_SZ + "dma = dma_map_single(dev, pages, size, DMA_TO_DEVICE);\n"
    rework = ALLOC_SZ + "ret = iommu_pages_start_incoherent(pages, dev);\n"
    assert kver("--noncoherent", fake_tree(tmp_path / "a", dma)).stdout == "dma-api\n"
    assert kver("--noncoherent", fake_tree(tmp_path / "b", rework)).stdout == "iommu-pages-incoherent\n"
    feats = kver("--features", fake_tree(tmp_path / "c", rework)).stdout
    assert '#define KCORE_NONCOHERENT_TABLES\t"iommu-pages-incoherent"' in feats
    assert "#define KCORE_HAS_INCOHERENT_PAGES\t1" in feats


def test_map_without_permission_is_read_from_the_source(tmp_path):
    check = "\tif (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))\n"
    old = fake_tree(tmp_path / "a", ALLOC_SZ + check + "\t\treturn 0;\n")
    new = fake_tree(tmp_path / "b", ALLOC_SZ + check + "\t\treturn -EINVAL;\n")
    assert "#define KCORE_HAS_MAP_NOPERM_EINVAL\t0" in kver("--features", old).stdout
    assert "#define KCORE_HAS_MAP_NOPERM_EINVAL\t1" in kver("--features", new).stdout


def test_unknown_header_is_one_line(tmp_path):
    arm = "#include <linux/sizes.h>\n#include <linux/no-such-shim.h>\n" + ALLOC_SZ
    r = kver("--check", fake_tree(tmp_path, arm))
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "io-pgtable-arm.c:2: includes <linux/no-such-shim.h>" in lines[0]


def test_known_headers_pass_the_check(tmp_path):
    arm = '#include <linux/sizes.h>\n#include "io-pgtable-arm.h"\n' + ALLOC_SZ
    tree = fake_tree(tmp_path, arm)
    open(os.path.join(tree, "drivers", "iommu", "io-pgtable-arm.h"), "w").close()
    r = kver("--check", tree)
    assert r.returncode == 0, r.stdout


def test_compiler_error_is_one_line_naming_the_symbol(tmp_path):
    src = tmp_path / "k.c"
    src.write_text("void f(void)\n{\n\tkmalloc_frob(1);\n}\n")
    obj = str(tmp_path / "k.o")
    r = subprocess.run([KCC, "gcc", "-Wall", "-Werror", "-c", str(src), "-o", obj],
                       capture_output=True, text=True)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "k.c:3: the tree uses function kmalloc_frob()" in lines[0]
    assert os.path.exists(obj + ".log")
