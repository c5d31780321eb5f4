#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The LAVA flavour of make vm's initramfs: the same busybox, glibc and
# libraries, with lava/vm/init (a shell on the console for LAVA's qemu
# boot action) in place of the VM's own /init, which runs the tests and
# powers off. LAVA appends its test overlay to this cpio itself.
# Usage: scripts/lava-initrd.sh <vm initrd.cpio.gz> <out.cpio.gz>
set -eu

die() { echo "lava-initrd: $*" >&2; exit 2; }
[ $# = 2 ] || die "usage: $0 <vm initrd.cpio.gz> <out.cpio.gz>"
in=$1 out=$2
[ -f "$in" ] || die "$in: no such initramfs (make vm-image builds it)"
command -v cpio >/dev/null || die "cpio is not installed"

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/iopgt-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && gzip -dc | cpio -id --quiet) <"$in" || die "$in is not a gzip'd cpio"
[ -x "$work/bin/busybox" ] || die "$in has no /bin/busybox"
rm -f "$work/init"
cp "$here/lava/vm/init" "$work/init"
chmod 755 "$work/init"
mkdir -p "$(dirname "$out")"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out.tmp"
mv "$out.tmp" "$out"
echo "lava-initrd: $out"
