// SPDX-License-Identifier: GPL-2.0
/*
 * Core identification for a kernel-tree build (make KSRC=): the strong
 * definitions that override shims/kernel/kcore.c's weak ones, from the
 * kfeatures.h that scripts/kernel-version.sh generated for this tree.
 */
#include <kcore.h>
#include <kfeatures.h>

static const bool has[CORE_F_NR] = {
	[CORE_F_MAP_PAGES]	= KCORE_HAS_MAP_PAGES,
	[CORE_F_MAP_SINGLE]	= KCORE_HAS_MAP_SINGLE,
	[CORE_F_CFG_ALLOC]	= KCORE_HAS_CFG_ALLOC,
	[CORE_F_IOMMU_PAGES]	= KCORE_HAS_IOMMU_PAGES,
	[CORE_F_IOMMU_PAGES_SZ]	= KCORE_HAS_IOMMU_PAGES_SZ,
	[CORE_F_S2FWB]		= KCORE_HAS_S2FWB,
	[CORE_F_ARM_HD]		= KCORE_HAS_ARM_HD,
	[CORE_F_NO_WARN]	= KCORE_HAS_NO_WARN,
	[CORE_F_PGTABLE_WALK]	= KCORE_HAS_PGTABLE_WALK,
	[CORE_F_SPLIT_BLOCK]	= KCORE_HAS_SPLIT_BLOCK,
	[CORE_F_ADD_PAGE_ALL]	= KCORE_HAS_ADD_PAGE_ALL,
	[CORE_F_SELFTEST]	= KCORE_HAS_SELFTEST,
	[CORE_F_STATS]		= false,	/* src/pgtable counts its own work only */
	[CORE_F_INCOHERENT_PAGES] = KCORE_HAS_INCOHERENT_PAGES,
	[CORE_F_MAP_NOPERM_EINVAL] = KCORE_HAS_MAP_NOPERM_EINVAL,
};

const char *pgtable_core_name(void)
{
	return KCORE_NAME;
}

const char *pgtable_core_version(void)
{
	return KCORE_VERSION;
}

const char *pgtable_core_selftest_kind(void)
{
	return KCORE_SELFTEST_KIND;
}

const char *pgtable_core_noncoherent_tables(void)
{
	return KCORE_NONCOHERENT_TABLES;
}

const char *pgtable_core_noncoherent_pte_sync(void)
{
	return KCORE_NONCOHERENT_PTE_SYNC;
}

bool pgtable_core_has(enum pgtable_core_feature f)
{
	return f < CORE_F_NR && has[f];
}
