// SPDX-License-Identifier: GPL-2.0
/*
 * "range" flush model: the kernel's gather. Leaves accumulate in the
 * iotlb gather (iommu_iotlb_gather_add_page syncs first when a leaf of
 * another size or a disjoint one arrives); iotlb_sync issues one range
 * invalidation for the gathered span and waits. A freed table gets its
 * own range invalidation, waited for at once.
 */
#include "shadow.h"
#include "tlb.h"

static void inv_range(struct tlb_model *m, unsigned long iova, size_t size,
		      bool leaf)
{
	m->cnt.cmds++;
	m->cnt.inv_bytes += size;
	if (!leaf)
		m->cnt.walk_cmds++;
	m->cnt.hw_sync++;
	tlb_shadow_inv_range(m, iova, size, leaf);
}

static void range_flush_all(void *cookie)
{
	tlb_flush_ctx_sync(tlb_model_bound(cookie));
}

static void range_flush_walk(unsigned long iova, size_t size, size_t granule,
			     void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.flush_walk++;
	inv_range(m, iova, size, false);
}

static void range_add_page(struct iommu_iotlb_gather *gather,
			   unsigned long iova, size_t granule, void *cookie)
{
	tlb_model_bound(cookie)->cnt.add_page++;
	/* The cookie is the domain: the helper may sync it first. */
	iommu_iotlb_gather_add_page(cookie, gather, iova, granule);
}

static const struct iommu_flush_ops range_flush_ops = {
	.tlb_flush_all = range_flush_all,
	.tlb_flush_walk = range_flush_walk,
	.tlb_add_page = range_add_page,
};

static void range_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	m->cnt.sync++;
	if (!gather || !gather->end)
		return;
	inv_range(m, gather->start, gather->end - gather->start + 1, true);
}

static void range_model_flush_all(struct tlb_model *m)
{
	m->cnt.flush_all++;
	m->cnt.cmds++;
	m->cnt.hw_sync++;
	tlb_shadow_inv_ctx(m);
}

const struct tlb_model_ops tlb_model_range = {
	.name = "range",
	.flush_ops = &range_flush_ops,
	.sync = range_sync,
	.flush_all = range_model_flush_all,
};
