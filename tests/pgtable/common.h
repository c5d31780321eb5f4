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
 * Can this core give a non-coherent walker tables with this backend? 6.1
 * and 6.12 DMA-map them (dma_map_single), which a backend without a DMA
 * API (the hypervisor carve-out) refuses by design; the own core, like
 * mainline, cleans them through the iommu-pages calls instead.
 */
static inline bool pt_noncoherent_ok(void)
{
	return pgtable_core_is_own() || pgtable_core_has(CORE_F_IOMMU_PAGES_SZ) ||
	       backend_has_dma_api();
}

#define PT_NONCOHERENT_WHY \
	"this kernel tree DMA-maps a non-coherent walker's tables; this backend has no DMA API"

#endif
