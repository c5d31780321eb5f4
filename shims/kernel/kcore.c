// SPDX-License-Identifier: GPL-2.0
/*
 * Core identification for binaries built with the suite's own core. The
 * definitions are weak: a kernel-tree build (make KSRC=) links
 * shims/kernel/kver/kcore.c, whose strong ones describe that tree.
 * The own core follows current mainline, so it has mainline's features.
 */
#include <kcore.h>

static const char *const feature_names[CORE_F_NR] = {
	[CORE_F_MAP_PAGES]	= "map_pages",
	[CORE_F_MAP_SINGLE]	= "map_single",
	[CORE_F_CFG_ALLOC]	= "cfg_alloc",
	[CORE_F_IOMMU_PAGES]	= "iommu_pages",
	[CORE_F_IOMMU_PAGES_SZ]	= "iommu_pages_sz",
	[CORE_F_S2FWB]		= "s2fwb",
	[CORE_F_ARM_HD]		= "arm_hd",
	[CORE_F_NO_WARN]	= "no_warn",
	[CORE_F_PGTABLE_WALK]	= "pgtable_walk",
	[CORE_F_SPLIT_BLOCK]	= "split_block",
	[CORE_F_ADD_PAGE_ALL]	= "add_page_all",
	[CORE_F_SELFTEST]	= "selftest",
	[CORE_F_STATS]		= "stats",
	[CORE_F_INCOHERENT_PAGES] = "incoherent_pages",
	[CORE_F_MAP_NOPERM_EINVAL] = "map_noperm_einval",
};

__attribute__((weak)) const char *pgtable_core_name(void)
{
	return "own";
}

__attribute__((weak)) const char *pgtable_core_version(void)
{
	return "";
}

__attribute__((weak)) bool pgtable_core_has(enum pgtable_core_feature f)
{
	switch (f) {
	case CORE_F_MAP_SINGLE:
	case CORE_F_PGTABLE_WALK:
	case CORE_F_SPLIT_BLOCK:
	case CORE_F_SELFTEST:
	case CORE_F_NR:
		return false;
	default:
		return true;
	}
}

__attribute__((weak)) const char *pgtable_core_selftest_kind(void)
{
	return "none";
}

/* The own core allocates as the iommu-pages rework does. */
__attribute__((weak)) const char *pgtable_core_noncoherent_tables(void)
{
	return "iommu-pages-incoherent";
}

__attribute__((weak)) const char *pgtable_core_noncoherent_pte_sync(void)
{
	return "iommu-pages-flush";
}

const char *pgtable_core_feature_name(enum pgtable_core_feature f)
{
	return f < CORE_F_NR && feature_names[f] ? feature_names[f] : "?";
}
