/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: not a kernel header at all; the suite's own API
 * (implemented by kcore.c, or kver/kcore.c for make KSRC=).
 *
 * Which page-table core this binary runs, and what it offers.
 *
 * A binary links either the suite's own core (src/pgtable: "own") or a
 * kernel tree's io-pgtable-arm.c (make KSRC=...: "k6.12"). Benchmarks put
 * the name in their names and context; tests ask pgtable_core_has() before
 * exercising something a kernel version lacks or does differently, and SKIP
 * with the reason instead of failing. A kernel tree's answers are detected
 * from the tree at build time (scripts/kernel-version.sh --features), never
 * assumed from its version number.
 */
#ifndef _SHIM_KCORE_H
#define _SHIM_KCORE_H

#include <linux/types.h>

enum pgtable_core_feature {
	/* ops->map_pages/->unmap_pages (5.15+). */
	CORE_F_MAP_PAGES,
	/* ops->map/->unmap single-size calls filled as well (6.1). */
	CORE_F_MAP_SINGLE,
	/* cfg->alloc/cfg->free honoured (6.12+); 6.1 ignores them. */
	CORE_F_CFG_ALLOC,
	/* Tables from the iommu-pages API (6.12+); else the page allocator. */
	CORE_F_IOMMU_PAGES,
	/* iommu_alloc_pages_node_sz and iommu_pages_*_incoherent (mainline). */
	CORE_F_IOMMU_PAGES_SZ,
	/* IO_PGTABLE_QUIRK_ARM_S2FWB accepted for stage 2. */
	CORE_F_S2FWB,
	/* IO_PGTABLE_QUIRK_ARM_HD and ops->read_and_clear_dirty. */
	CORE_F_ARM_HD,
	/* IO_PGTABLE_QUIRK_NO_WARN. */
	CORE_F_NO_WARN,
	/* ops->pgtable_walk. */
	CORE_F_PGTABLE_WALK,
	/*
	 * Unmapping part of a block splits it into a table (6.1, 6.12);
	 * without it (mainline) the core WARNs and unmaps nothing.
	 */
	CORE_F_SPLIT_BLOCK,
	/*
	 * unmap_pages reports every entry it clears with tlb_add_page, tables
	 * included, after the flush_walks (6.10+); without it (6.1) a freed
	 * table gets only its flush_walk, interleaved with the leaves' pages.
	 */
	CORE_F_ADD_PAGE_ALL,
	/* The kernel's own selftest is compiled in (see <linux/init.h>). */
	CORE_F_SELFTEST,
	/* The suite's core counters (PTE writes...) count this core's work. */
	CORE_F_STATS,
	/*
	 * Tables for a non-coherent walker go through iommu-pages
	 * (iommu_pages_start_incoherent/_free_incoherent: the iommu-pages
	 * rework); without it, through the DMA API (dma_map_single).
	 */
	CORE_F_INCOHERENT_PAGES,
	/*
	 * map_pages without IOMMU_READ|IOMMU_WRITE fails with -EINVAL; 5.15
	 * returns 0 having mapped nothing, so a caller that loops until
	 * everything is mapped (the IOMMU core) never ends.
	 */
	CORE_F_MAP_NOPERM_EINVAL,
	CORE_F_NR,
};

/* "own", or "k<VERSION>.<PATCHLEVEL>" for a kernel tree. */
const char *pgtable_core_name(void);
/* "" for the own core, "6.12.117" (VERSION.PATCHLEVEL.SUBLEVEL) for a tree. */
const char *pgtable_core_version(void);
bool pgtable_core_has(enum pgtable_core_feature f);
/*
 * True when the suite's own core is the one under test. A test of the own
 * core's contract (its error codes, counters, quirks) that a kernel core
 * need not honour should SKIP otherwise, saying so.
 */
static inline bool pgtable_core_is_own(void)
{
	const char *n = pgtable_core_name();

	return n[0] == 'o' && n[1] == 'w' && n[2] == 'n' && !n[3];
}
/*
 * The kernel selftest this core carries: "none", "in-file" (an initcall
 * in io-pgtable-arm.c), "initcall" (io-pgtable-arm-selftests.c) or
 * "kunit" (that file as a KUnit suite).
 */
const char *pgtable_core_selftest_kind(void);
/*
 * How its non-coherent tables reach the walker when no cfg->alloc is
 * given: "iommu-pages-incoherent" or "dma-api" (see CORE_F_INCOHERENT_PAGES).
 */
const char *pgtable_core_noncoherent_tables(void);
/*
 * How its PTE writes reach a non-coherent walker without cfg->alloc:
 * "dma-sync" (dma_sync_single_for_device, every tree up to the posted
 * rework included) or "iommu-pages-flush" (iommu_pages_flush_incoherent).
 */
const char *pgtable_core_noncoherent_pte_sync(void);
/* The feature's name ("cfg_alloc"...), for messages and result context. */
const char *pgtable_core_feature_name(enum pgtable_core_feature f);

#endif
