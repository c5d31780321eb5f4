#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Give Google Benchmark JSON that came back from the VM its host-side context.

Inside the VM a benchmark binary sees an arm64 CPU running an arm64 kernel
and cannot tell it is emulated; only the host knows. This sets, in every
<name>.json of a results folder, the context entries that scripts/vm-run.sh
wrote into vm.env (emulated: qemu-system-aarch64 <version> (TCG|KVM),
vm_kernel, vm_machine, vm_boot_s) and any --set KEY=VALUE given, keeping
what the binary said under <key>_in_guest where it differed. Files are
rewritten through a temporary file and a rename.
"""
import argparse
import json
import os
import sys


def read_env(path):
    ctx = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                ctx[key] = value
    return ctx


def patch(path, extra):
    with open(path) as f:
        doc = json.load(f)
    ctx = doc.setdefault("context", {})
    for key, value in extra.items():
        old = ctx.get(key)
        if old is not None and old != value:
            ctx[key + "_in_guest"] = old
        ctx[key] = value
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="results folder with vm.env and <name>.json files")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="one more context entry (repeatable)")
    args = ap.parse_args(argv)
    env_path = os.path.join(args.dir, "vm.env")
    if not os.path.exists(env_path):
        ap.error("%s: no vm.env (not written by scripts/vm-run.sh?)" % args.dir)
    extra = read_env(env_path)
    for kv in args.set:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            ap.error("--set %r: want KEY=VALUE" % kv)
        extra[key] = value
    names = sorted(n for n in os.listdir(args.dir)
                   if n.endswith(".json") and not n.endswith(".failed.json"))
    for name in names:
        try:
            patch(os.path.join(args.dir, name), extra)
        except (OSError, ValueError) as e:
            print("vm-results: %s: %s" % (name, e), file=sys.stderr)
            return 1
    print("vm-results: context set in %d file(s) of %s" % (len(names), args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
