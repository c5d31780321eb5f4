#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a gzip-compressed initramfs (cpio "newc") from a list of entries.

Every entry is owned by root, whoever runs this, and device nodes need no
privileges: the VM's initramfs is built by an ordinary user (or CI) without
fakeroot. The list is read from a file, one entry a line, the format of the
kernel's own gen_init_cpio:

    dir   <name> <mode>
    file  <name> <source> <mode>
    nod   <name> <mode> c|b <major> <minor>
    slink <name> <target> <mode>

The archive is written to <out>.tmp and renamed into place when complete.
"""
import argparse
import gzip
import os
import sys

TYPES = {"dir": 0o040000, "file": 0o100000, "slink": 0o120000}


def header(name, mode, size, ino, rdev=(0, 0), nlink=1):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1],
              len(name) + 1, 0)
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    return pad(head + name.encode() + b"\0")


def pad(data):
    return data + b"\0" * (-len(data) % 4)


def entries(lines):
    """Yield (name, mode, data, rdev) for every non-comment line."""
    for lineno, line in enumerate(lines, 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        kind, name = words[0], words[1].lstrip("/")
        try:
            if kind == "dir":
                yield name, TYPES[kind] | int(words[2], 8), b"", (0, 0)
            elif kind == "file":
                with open(words[2], "rb") as f:
                    yield name, TYPES[kind] | int(words[3], 8), f.read(), (0, 0)
            elif kind == "slink":
                yield name, TYPES[kind] | int(words[3], 8), words[2].encode(), (0, 0)
            elif kind == "nod":
                dev = 0o020000 if words[3] == "c" else 0o060000
                yield name, dev | int(words[2], 8), b"", (int(words[4]), int(words[5]))
            else:
                raise ValueError("unknown entry type '%s'" % kind)
        except (IndexError, ValueError, OSError) as e:
            raise SystemExit("vm-cpio: line %d: %s" % (lineno, e))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("list", help="entry list (gen_init_cpio format)")
    ap.add_argument("out", help="the .cpio.gz to write")
    args = ap.parse_args(argv)
    with open(args.list) as f:
        lines = f.readlines()
    tmp = args.out + ".tmp"
    try:
        with gzip.open(tmp, "wb", compresslevel=6) as out:
            for ino, (name, mode, data, rdev) in enumerate(entries(lines), 1):
                out.write(header(name, mode, len(data), ino, rdev))
                out.write(pad(data))
            out.write(header("TRAILER!!!", 0, 0, 0))
    except BaseException:
        os.unlink(tmp)
        raise
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
