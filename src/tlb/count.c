// SPDX-License-Identifier: GPL-2.0
/*
 * "count" flush model: issues nothing, counts every callback and sync.
 * The baseline for the others, and the model the core's tests use.
 */
#include "tlb.h"

static void count_flush_all(void *cookie)
{
	iommu_cookie_tlb(cookie)->cnt.flush_all++;
}

static void count_flush_walk(unsigned long iova, size_t size, size_t granule,
			     void *cookie)
{
	(void)iova; (void)size; (void)granule;
	iommu_cookie_tlb(cookie)->cnt.flush_walk++;
}

static void count_add_page(struct iommu_iotlb_gather *gather,
			   unsigned long iova, size_t granule, void *cookie)
{
	(void)gather; (void)iova; (void)granule;
	iommu_cookie_tlb(cookie)->cnt.add_page++;
}

static const struct iommu_flush_ops count_flush_ops = {
	.tlb_flush_all = count_flush_all,
	.tlb_flush_walk = count_flush_walk,
	.tlb_add_page = count_add_page,
};

static void count_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	(void)gather;
	m->cnt.sync++;
}

static void count_model_flush_all(struct tlb_model *m)
{
	m->cnt.flush_all++;
}

const struct tlb_model_ops tlb_model_count = {
	.name = "count",
	.flush_ops = &count_flush_ops,
	.sync = count_sync,
	.flush_all = count_model_flush_all,
};
