// SPDX-License-Identifier: GPL-2.0
/*
 * "flush-all" flush model: whatever was unmapped, invalidate the whole
 * context (ASID for stage 1, VMID for stage 2) at each sync that has
 * something to invalidate, and at once when a table is freed. One command
 * per sync however large the unmap; the cost moves to the refills.
 */
#include "shadow.h"
#include "tlb.h"

static void fa_flush_all(void *cookie)
{
	tlb_flush_ctx_sync(tlb_model_bound(cookie));
}

static void fa_flush_walk(unsigned long iova, size_t size, size_t granule,
			  void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.flush_walk++;
	tlb_flush_ctx_sync(m);
}

static void fa_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			size_t granule, void *cookie)
{
	tlb_model_bound(cookie)->cnt.add_page++;
	/* Only "something is pending": one flush covers any mix of leaves. */
	iommu_iotlb_gather_add_range(gather, iova, granule);
}

static const struct iommu_flush_ops fa_flush_ops = {
	.tlb_flush_all = fa_flush_all,
	.tlb_flush_walk = fa_flush_walk,
	.tlb_add_page = fa_add_page,
};

static void fa_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	m->cnt.sync++;
	if (gather && gather->end)
		tlb_flush_ctx_sync(m);
}

const struct tlb_model_ops tlb_model_flush_all = {
	.name = "flush-all",
	.flush_ops = &fa_flush_ops,
	.sync = fa_sync,
	.flush_all = tlb_flush_ctx_sync,
};
