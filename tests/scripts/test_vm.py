"""The host side of make vm and make vm-kmod, without booting anything: the
initramfs writer, the context the host gives the VM's JSON, and the exact
counter check between user space and the kernel module."""

import gzip
import importlib
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

kmod_check = importlib.import_module("kmod-check")
vm_cpio = importlib.import_module("vm-cpio")
vm_results = importlib.import_module("vm-results")

COUNTERS = {"tables_alloc": 0.25, "tables_freed": 0.0, "tlb_add_page": 1.0,
            "tlb_flush_walk": 0.0, "tlb_syncs": 1.0}


def row(name, n=4, **over):
    r = {"name": name, "run_type": "iteration", "iterations": n, "real_time": 10.0}
    r.update(COUNTERS)
    r.update(over)
    return r


def write_pair(d, user_rows, kern_rows, kver="6.12.117+deb12-arm64", uver="6.12.117"):
    with open(os.path.join(d, "drvcache.json"), "w") as f:
        json.dump({"context": {"core": "k6.12", "core_version": uver},
                   "benchmarks": user_rows}, f)
    with open(os.path.join(d, "kmod.json"), "w") as f:
        json.dump({"context": {"core": "live-" + kver, "core_version": kver},
                   "benchmarks": kern_rows}, f)


NAME = "unmap/%s/s1-4k/pgsize:4k/count:1/pattern:seq/walk:coherent"


def test_equal_rows_pass(tmp_path, capsys):
    write_pair(tmp_path, [row(NAME % "k6.12")], [row(NAME % "live-6.12.117+deb12-arm64")])
    assert kmod_check.main([str(tmp_path)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize("counter", sorted(COUNTERS))
def test_one_call_more_fails(tmp_path, capsys, counter):
    k = row(NAME % "live-x", **{counter: COUNTERS[counter] + 0.25})
    write_pair(tmp_path, [row(NAME % "k6.12")], [k])
    assert kmod_check.main([str(tmp_path)]) == 1
    assert "FAIL %s: user space" % counter in capsys.readouterr().out


def test_missing_or_failed_kernel_row_fails(tmp_path):
    write_pair(tmp_path, [row(NAME % "k6.12"), row(NAME.replace("s1", "s2") % "k6.12")],
               [{"name": NAME % "live-x", "iterations": 4, "error_occurred": True,
                 "error_message": "walk:noncoherent not run in the module"}])
    assert kmod_check.main([str(tmp_path)]) == 1


def test_other_kernel_version_fails(tmp_path, capsys):
    write_pair(tmp_path, [row(NAME % "k6.1")], [row(NAME % "live-x")], uver="6.1.158")
    assert kmod_check.main([str(tmp_path)]) == 1
    assert "need the same version" in capsys.readouterr().out


def test_results_get_the_host_context(tmp_path):
    (tmp_path / "vm.env").write_text("emulated=qemu-system-aarch64 7.2.22 (TCG)\nvm_kernel=6.12.117\n")
    (tmp_path / "libc.json").write_text(json.dumps({"context": {"emulated": "no"}, "benchmarks": []}))
    (tmp_path / "libc.failed.json").write_text("not json")
    assert vm_results.main([str(tmp_path), "--set", "commit=abc"]) == 0
    ctx = json.loads((tmp_path / "libc.json").read_text())["context"]
    assert ctx["emulated"] == "qemu-system-aarch64 7.2.22 (TCG)"
    assert ctx["emulated_in_guest"] == "no"
    assert ctx["vm_kernel"] == "6.12.117" and ctx["commit"] == "abc"


def test_cpio_entries_owned_by_root_with_device_nodes(tmp_path):
    src = tmp_path / "hello"
    src.write_bytes(b"hi\n")
    lst = tmp_path / "list"
    lst.write_text("dir /dev 0755\nnod /dev/console 0600 c 5 1\nfile /init %s 0755\n"
                   "slink /bin/sh busybox 0777\n" % src)
    out = tmp_path / "initrd.cpio.gz"
    assert vm_cpio.main([str(lst), str(out)]) == 0
    data = gzip.decompress(out.read_bytes())
    names, pos = [], 0
    while True:
        hdr = data[pos:pos + 110]
        assert hdr[:6] == b"070701"
        f = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, uid, size, namesize = f[1], f[2], f[6], f[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos:pos + size]
        pos = (pos + size + 3) & ~3
        if name == "TRAILER!!!":
            break
        names.append(name)
        assert uid == 0
        if name == "dev/console":
            assert mode & 0o170000 == 0o020000 and (f[9], f[10]) == (5, 1)
        if name == "init":
            assert body == b"hi\n" and mode & 0o777 == 0o755
    assert names == ["dev", "dev/console", "init", "bin/sh"]


def test_cpio_bad_line_is_one_error_and_no_file(tmp_path):
    lst = tmp_path / "list"
    lst.write_text("file /init /no/such/file 0755\n")
    out = tmp_path / "initrd.cpio.gz"
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "vm-cpio.py"),
                        str(lst), str(out)], capture_output=True, text=True)
    assert p.returncode != 0 and "line 1" in p.stderr
    assert not out.exists() and not (tmp_path / "initrd.cpio.gz.tmp").exists()
