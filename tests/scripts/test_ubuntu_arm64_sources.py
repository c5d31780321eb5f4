"""scripts/ubuntu-arm64-sources.sh: on an Ubuntu host, existing apt sources
are restricted to the host architecture and a ports.ubuntu.com source is
added for arm64; originals are kept; a second run changes nothing."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "ubuntu-arm64-sources.sh")
HOST = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                      text=True, check=True).stdout.strip()

DEB822 = """## A comment-only paragraph, as cloud images have: left alone.
# See sources.list(5).

Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates
Components: main universe
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe
Architectures: amd64 i386
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
"""

ONE_LINE = """# comment: deb http://example.org/ubuntu noble main
deb http://archive.ubuntu.com/ubuntu noble main universe
deb-src http://archive.ubuntu.com/ubuntu noble main
deb [signed-by=/usr/share/keyrings/x.gpg] http://example.org/x stable main
deb [arch=amd64] http://example.org/y stable main
"""


def make_apt_etc(tmp_path):
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list.d" / "ubuntu.sources").write_text(DEB822)
    (etc / "sources.list").write_text(ONE_LINE)
    osr = tmp_path / "os-release"
    osr.write_text("ID=ubuntu\nVERSION_CODENAME=noble\n")
    key = tmp_path / "keyring.gpg"
    key.write_text("")
    env = dict(os.environ, APT_ETC=str(etc), OS_RELEASE=str(osr), UBUNTU_KEYRING=str(key))
    return etc, env


def run(env):
    return subprocess.run(["sh", SCRIPT], env=env, capture_output=True, text=True)


def test_restricts_sources_and_adds_ports(tmp_path):
    etc, env = make_apt_etc(tmp_path)
    p = run(env)
    assert p.returncode == 0, p.stderr

    stanzas = (etc / "sources.list.d" / "ubuntu.sources").read_text().split("\n\n")
    assert "Architectures" not in stanzas[0]                # comments only
    assert f"Architectures: {HOST}" in stanzas[1]
    assert "Architectures: amd64 i386" in stanzas[2]        # already had one
    assert stanzas[2].count("Architectures:") == 1

    lines = (etc / "sources.list").read_text().splitlines()
    assert lines[0] == "# comment: deb http://example.org/ubuntu noble main"
    assert lines[1] == f"deb [arch={HOST}] http://archive.ubuntu.com/ubuntu noble main universe"
    assert lines[2] == f"deb-src [arch={HOST}] http://archive.ubuntu.com/ubuntu noble main"
    assert lines[3] == f"deb [arch={HOST} signed-by=/usr/share/keyrings/x.gpg] http://example.org/x stable main"
    assert lines[4] == "deb [arch=amd64] http://example.org/y stable main"

    ports = (etc / "sources.list.d" / "io-pgtable-bench-arm64.sources").read_text()
    assert "URIs: http://ports.ubuntu.com/ubuntu-ports" in ports
    assert "Suites: noble noble-updates noble-security" in ports
    assert "Architectures: arm64" in ports

    assert (etc / "sources.list.io-pgtable-bench.bak").read_text() == ONE_LINE
    assert (etc / "sources.list.d" / "ubuntu.sources.io-pgtable-bench.bak").read_text() == DEB822


def test_second_run_changes_nothing(tmp_path):
    etc, env = make_apt_etc(tmp_path)
    assert run(env).returncode == 0
    before = {p: p.read_text() for p in etc.rglob("*") if p.is_file()}
    p = run(env)
    assert p.returncode == 0 and p.stdout == ""
    assert {p: p.read_text() for p in etc.rglob("*") if p.is_file()} == before


def test_missing_codename_is_one_line_error(tmp_path):
    etc, env = make_apt_etc(tmp_path)
    (tmp_path / "os-release").write_text("ID=ubuntu\n")
    p = run(env)
    assert p.returncode != 0
    assert len(p.stderr.strip().splitlines()) == 1 and "VERSION_CODENAME" in p.stderr
    assert (etc / "sources.list").read_text() == ONE_LINE
