#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What a kernel tree is: its version from the top Makefile, and what its
# io-pgtable-arm.c offers, detected from the source itself.
# Usage: scripts/kernel-version.sh [--full|--core|--pages-api|--features] <ksrc>
#   (none)       VERSION.PATCHLEVEL, e.g. 6.12
#   --core       the <core> name: k<VERSION.PATCHLEVEL>, plus -<name> for a
#                tree that make kernel-source GIT= REF= made (its .kernel-ref),
#                e.g. k7.0-rework: two refs of one version never collide
#   --full       VERSION.PATCHLEVEL.SUBLEVEL plus EXTRAVERSION, e.g. 6.12.57
#   --pages-api  how the core gets table memory: sz (mainline iommu-pages by
#                size), order (6.12 iommu-pages by order), page (6.1 page
#                allocator); selects shims/kernel/kver/pages-<api>.h
#   --features   a C header of KCORE_* defines (name, version, one 0/1 per
#                feature of shims/kernel/kcore.h, the selftest's kind, how
#                non-coherent tables are handled) for the build directory
#   --selftest   the kernel selftest's kind: kunit (a KUnit suite in
#                io-pgtable-arm-selftests.c), initcall (that file as an
#                initcall), in-file (in io-pgtable-arm.c), or none
#   --noncoherent  how tables reach a non-coherent walker:
#                iommu-pages-incoherent (iommu_pages_start_incoherent), or
#                dma-api (dma_map_single + dma_sync_single_for_device)
#                (PTE syncs: see pte_sync below)
#   --check      one line naming the first header the tree's files include
#                that neither shims/kernel nor the tree provides; exit 1
set -eu

mode=short
case "${1:-}" in
--full|--core|--pages-api|--features|--selftest|--noncoherent|--check) mode=${1#--}; shift ;;
esac
ksrc=${1:?usage: kernel-version.sh [--full|--core|--pages-api|--features|--selftest|--noncoherent|--check] <ksrc>}
mk="$ksrc/Makefile"
arm="$ksrc/drivers/iommu/io-pgtable-arm.c"
selftests="$ksrc/drivers/iommu/io-pgtable-arm-selftests.c"
shims="$(dirname "$0")/../shims/kernel"
[ -f "$mk" ] || { echo "kernel-version: no $mk" >&2; exit 1; }

var() {	# the value of "NAME = value" among the Makefile's first lines
	sed -n "1,20s/^$1[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$mk" | head -n 1
}
v=$(var VERSION) p=$(var PATCHLEVEL) s=$(var SUBLEVEL) e=$(var EXTRAVERSION)
[ -n "$v" ] && [ -n "$p" ] || { echo "kernel-version: $mk has no VERSION/PATCHLEVEL" >&2; exit 1; }
ref=$(cat "$ksrc/.kernel-ref" 2>/dev/null || true)
core=k$v.$p${ref:+-$ref}

has() {	# 1 if the core's source matches the extended regex $1, else 0
	grep -Eq "$1" "$arm" && echo 1 || echo 0
}

pages_api() {
	if grep -Eq 'iommu_alloc_pages(_node)?_sz[[:space:]]*\(' "$arm"; then
		echo sz
	elif grep -Eq 'iommu_alloc_pages(_node)?[[:space:]]*\(' "$arm"; then
		echo order
	elif grep -Eq 'alloc_pages(_node)?[[:space:]]*\(' "$arm"; then
		echo page
	else
		echo "kernel-version: can't tell how $arm allocates tables" >&2
		exit 1
	fi
}

selftest_kind() {
	if [ -f "$selftests" ]; then
		if grep -Eq 'kunit_test_suites?[[:space:]]*\(' "$selftests"; then
			echo kunit
		else
			echo initcall
		fi
	elif grep -q 'CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST' "$arm"; then
		echo in-file
	else
		echo none
	fi
}

noncoherent() {
	if grep -Eq 'iommu_pages_start_incoherent[[:space:]]*\(' "$arm"; then
		echo iommu-pages-incoherent
	else
		echo dma-api
	fi
}

# 1 if a map without IOMMU_READ|IOMMU_WRITE is refused with -EINVAL; 5.15
# returns 0 having mapped nothing (a caller looping until all is mapped,
# as the IOMMU core does, never ends).
noperm_einval() {
	awk '/if \(!\(iommu_prot & \(IOMMU_READ \| IOMMU_WRITE\)\)\)/ { getline; print; exit }' "$arm" |
		grep -q -- '-EINVAL' && echo 1 || echo 0
}

# How PTE writes reach a non-coherent walker: the posted rework still
# syncs them with dma_sync_single_for_device(); the own core cleans with
# iommu_pages_flush_incoherent().
pte_sync() {
	if grep -Eq 'iommu_pages_flush_incoherent[[:space:]]*\(' "$arm"; then
		echo iommu-pages-flush
	else
		echo dma-sync
	fi
}

# The files of the tree the build compiles: io-pgtable-arm.c, io-pgtable.c
# and the selftest file when there is one.
sources() {
	echo "$arm" "$ksrc/drivers/iommu/io-pgtable.c"
	[ ! -f "$selftests" ] || echo "$selftests"
}

# Every #include of the compiled files must be served: <x> by shims/kernel
# (the tree's include/ is never on the path), "x" by the tree's directory
# or the shims. The first that is not ends the build with one line.
check() {
	for f in $(sources); do
		grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
		sed -E 's/^([0-9]+):[^<"]*[<"]([^>"]+)[>"].*/\1 \2/' |
		while read -r line hdr; do
			[ -f "$shims/$hdr" ] && continue
			[ -f "$(dirname "$f")/$hdr" ] && continue
			echo "kernel-version: $f:$line: includes <$hdr>, which shims/kernel does not provide (add a shim for it)"
			exit 1
		done || exit 1
	done
}

case $mode in
check) check ;;
selftest) selftest_kind ;;
noncoherent) noncoherent ;;
short) echo "$v.$p" ;;
core) echo "$core" ;;
full) echo "$v.$p.${s:-0}$e" ;;
pages-api)
	[ -f "$arm" ] || { echo "kernel-version: no $arm" >&2; exit 1; }
	pages_api
	;;
features)
	[ -f "$arm" ] || { echo "kernel-version: no $arm" >&2; exit 1; }
	api=$(pages_api)
	cat <<EOT
/* Generated by scripts/kernel-version.sh --features $ksrc: do not edit. */
#define KCORE_NAME		"$core"
#define KCORE_VERSION		"$v.$p.${s:-0}$e"
#define KCORE_PAGES_API		"$api"
#define KCORE_HAS_MAP_PAGES	$(has '\.map_pages[[:space:]]*=')
#define KCORE_HAS_MAP_SINGLE	$(has '\.map[[:space:]]*=')
#define KCORE_HAS_CFG_ALLOC	$(has 'cfg->alloc')
#define KCORE_HAS_IOMMU_PAGES	$([ "$api" = page ] && echo 0 || echo 1)
#define KCORE_HAS_IOMMU_PAGES_SZ	$([ "$api" = sz ] && echo 1 || echo 0)
#define KCORE_HAS_S2FWB		$(has 'IO_PGTABLE_QUIRK_ARM_S2FWB')
#define KCORE_HAS_ARM_HD	$(has 'IO_PGTABLE_QUIRK_ARM_HD')
#define KCORE_HAS_NO_WARN	$(has 'IO_PGTABLE_QUIRK_NO_WARN')
#define KCORE_HAS_PGTABLE_WALK	$(has '\.pgtable_walk[[:space:]]*=')
#define KCORE_HAS_SPLIT_BLOCK	$(has 'arm_lpae_split_blk_unmap')
#define KCORE_HAS_ADD_PAGE_ALL	$(has 'else if \(!iommu_iotlb_gather_queued\(gather\)\)' | tr 01 10)
#define KCORE_SELFTEST_KIND	"$(selftest_kind)"
#define KCORE_HAS_SELFTEST	$([ "$(selftest_kind)" = none ] && echo 0 || echo 1)
#define KCORE_NONCOHERENT_TABLES	"$(noncoherent)"
#define KCORE_HAS_INCOHERENT_PAGES	$([ "$(noncoherent)" = iommu-pages-incoherent ] && echo 1 || echo 0)
#define KCORE_NONCOHERENT_PTE_SYNC	"$(pte_sync)"
#define KCORE_HAS_MAP_NOPERM_EINVAL	$(noperm_einval)
EOT
	;;
esac
