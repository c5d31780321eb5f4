// SPDX-License-Identifier: GPL-2.0
/*
 * "strict-page" flush model: a driver without range invalidation and
 * without batching, like arm-smmu (v2) writing TLBIVA registers. Every
 * leaf the table reports is invalidated at once, one command per call;
 * a freed table is invalidated one granule at a time over the span it
 * covered and waited for before the table goes. iotlb_sync only waits.
 */
#include "shadow.h"
#include "tlb.h"

static void inv_one(struct tlb_model *m, unsigned long iova, size_t size,
		    bool leaf)
{
	m->cnt.cmds++;
	m->cnt.inv_bytes += size;
	if (!leaf)
		m->cnt.walk_cmds++;
	tlb_shadow_inv_range(m, iova, size, leaf);
}

static void strict_flush_all(void *cookie)
{
	tlb_flush_ctx_sync(tlb_model_bound(cookie));
}

static void strict_flush_walk(unsigned long iova, size_t size, size_t granule,
			      void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);
	size_t off;

	m->cnt.flush_walk++;
	for (off = 0; off < size; off += granule)
		inv_one(m, iova + off, granule, false);
	/* The table is freed on return: wait for the invalidations. */
	m->cnt.hw_sync++;
}

static void strict_add_page(struct iommu_iotlb_gather *gather,
			    unsigned long iova, size_t granule, void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.add_page++;
	inv_one(m, iova, granule, true);
	/* Remember there is something to wait for at sync. */
	iommu_iotlb_gather_add_range(gather, iova, granule);
}

static const struct iommu_flush_ops strict_flush_ops = {
	.tlb_flush_all = strict_flush_all,
	.tlb_flush_walk = strict_flush_walk,
	.tlb_add_page = strict_add_page,
};

static void strict_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	m->cnt.sync++;
	if (gather && gather->end)
		m->cnt.hw_sync++;
}

static void strict_model_flush_all(struct tlb_model *m)
{
	m->cnt.flush_all++;
	m->cnt.cmds++;
	m->cnt.hw_sync++;
	tlb_shadow_inv_ctx(m);
}

const struct tlb_model_ops tlb_model_strict_page = {
	.name = "strict-page",
	.flush_ops = &strict_flush_ops,
	.sync = strict_sync,
	.flush_all = strict_model_flush_all,
};
