/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers local to the core's tests: the format x granule matrix and checks. */
#ifndef _TESTS_PGTABLE_COMMON_H
#define _TESTS_PGTABLE_COMMON_H

#include <linux/iommu.h>
#include <linux/sizes.h>
#include <kcore.h>
#include "alloc/backend.h"
#include "harness.h"
#include "lib/pt.h"

static const enum io_pgtable_fmt pt_fmts[] = {
	ARM_64_LPAE_S1, ARM_64_LPAE_S2, ARM_MALI_LPAE,
};
static const size_t pt_granules[] = { SZ_4K, SZ_16K, SZ_64K };

/* Mali LPAE has the 4K granule only. */
static inline bool pt_fmt_has_granule(enum io_pgtable_fmt fmt, size_t gran)
{
	return fmt != ARM_MALI_LPAE || gran == SZ_4K;
}

/* Mali takes no quirk at all, not even IO_PGTABLE_QUIRK_NO_WARN. */
static inline bool pt_fmt_takes_quirks(enum io_pgtable_fmt fmt)
{
	return fmt != ARM_MALI_LPAE;
}

/* Every format with every granule it has. */
#define for_each_fmt_granule(f, g)					\
	for (size_t __fi = 0; __fi < ARRAY_SIZE(pt_fmts); __fi++)	\
		for (size_t __gi = 0; __gi < ARRAY_SIZE(pt_granules); __gi++) \
			if (((f) = pt_fmts[__fi], (g) = pt_granules[__gi], \
			     pt_fmt_has_granule(f, g)))

static inline u64 backend_bytes_held(void)
{
	struct alloc_stats st;

	backend_stats(&st);
	return st.bytes_held;
}

static inline int pt_map(struct pt_domain *pd, u64 iova, u64 pa, size_t pgsize,
			 size_t count, int prot, size_t *mapped)
{
	size_t m = 0;
	int ret = pt_ops(pd)->map_pages(pt_ops(pd), iova, pa, pgsize, count,
					prot, GFP_KERNEL, &m);

	if (mapped)
		*mapped = m;
	return ret;
}

static inline size_t pt_unmap(struct pt_domain *pd, u64 iova, size_t pgsize,
			      size_t count)
{
	struct iommu_iotlb_gather g;
	size_t ret;

	iommu_iotlb_gather_init(&g);
	ret = pt_ops(pd)->unmap_pages(pt_ops(pd), iova, pgsize, count, &g);
	iommu_iotlb_sync(&pd->dom, &g);
	return ret;
}

static inline u64 pt_phys(struct pt_domain *pd, u64 iova)
{
	return pt_ops(pd)->iova_to_phys(pt_ops(pd), iova);
}

static inline void pt_sum_of(struct pt_domain *pd, struct pt_sum *s)
{
	struct pt_hw hw;

	if (pt_hw_from_domain(&hw, pd)) {
		memset(s, 0xff, sizeof(*s));
		return;
	}
	pt_hw_summary(&hw, s);
}

/*
 * Why this core can't serve a non-coherent walker on this backend, or
 * NULL. A backend without a DMA API (the hypervisor carve-out, as pKVM)
 * refuses dma_map_single() and dma_sync_single_for_device() by design. The
 * own core, like the iommu-pages rework, starts tables with
 * iommu_pages_start_incoherent() and cleans PTEs with
 * iommu_pages_flush_incoherent(); 6.1 to 7.0 DMA-map every table, and the
 * rework as posted still syncs PTEs through the DMA API. Asked of the core,
 * not of its version: one non-coherent table and one page mapped and
 * unmapped. The WARNs of that refusal are the backend's, not news: the
 * count is reset, so ask before anything the test itself may WARN about.
 */
static inline const char *pt_noncoherent_why(void)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K, .ias = 32,
			    .noncoherent = true };
	unsigned long warns = shim_warn_count();
	const char *why = NULL;
	struct pt_domain pd;

	if (pgtable_core_is_own() || backend_has_dma_api())
		return NULL;
	shim_printk_quiet(true);
	if (pt_domain_init(&pd, &c)) {
		why = "this tree maps non-coherent tables with dma_map_single(); a hypervisor has no DMA API";
	} else {
		if (pt_map(&pd, 0, 0, SZ_4K, 1, IOMMU_READ, NULL) ||
		    pt_unmap(&pd, 0, SZ_4K, 1) != SZ_4K || shim_warn_count() != warns)
			why = "this tree syncs non-coherent PTEs with dma_sync_single_for_device(); a hypervisor has no DMA API";
		pt_domain_release(&pd);
	}
	shim_printk_quiet(false);
	if (why && shim_warn_count() != warns)
		shim_warn_reset();
	return why;
}

static inline bool pt_noncoherent_ok(void)
{
	return !pt_noncoherent_why();
}

#endif
