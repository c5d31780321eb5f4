#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build kmod/ (the iopgt_kmod module) with the kernel's own kbuild against a
# kernel build directory, into <outdir> (kbuild writes beside the sources,
# so they are copied there first, with the header the module shares with
# src/iommu-core: the source tree stays clean).
# Usage: scripts/kmod-build.sh <kdir> <outdir>
#   <kdir>  /lib/modules/$(uname -r)/build on a board, or the VM kernel's
#           unpacked linux-headers (make kmod finds it)
# Cross-builds with CROSS_COMPILE=aarch64-linux-gnu- when the host is not
# arm64. BTF for the module is left out when pahole is missing (it only
# serves BPF; the module loads the same).
set -eu

die() { echo "kmod-build: $*" >&2; exit 1; }
[ $# = 2 ] || die "usage: kmod-build.sh <kdir> <outdir>"
kdir=$1 out=$2
[ -f "$kdir/Makefile" ] || die "$kdir is no kernel build directory (no Makefile): KDIR=/lib/modules/\$(uname -r)/build on a board (linux-headers), or make vm-image first"
mkdir -p "$out/iommu-core"
cp kmod/Kbuild kmod/*.c "$out/"
# Shared with the user-space IOMMU core (the page-size split): kernel headers only.
cp src/iommu-core/pgsize.h "$out/iommu-core/"
abs=$(cd "$out" && pwd)
cross=
[ "$(uname -m)" = aarch64 ] || cross="ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}"
nobtf=
command -v pahole >/dev/null || nobtf="CONFIG_DEBUG_INFO_BTF_MODULES="
# Not the suite's make's variables: O= (in MAKEFLAGS) means another thing to kbuild.
# shellcheck disable=SC2086
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CC -u CXX -u CFLAGS -u ARCH \
	make -s -C "$kdir" M="$abs" $cross $nobtf modules
echo "kmod-build: $out/iopgt_kmod.ko (against $kdir)"
