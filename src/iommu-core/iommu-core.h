/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU core around a page table, as drivers/iommu/iommu.c does it:
 * iommu_map() splits a request into the largest page sizes that IOVA,
 * paddr and size alignment allow and calls map_pages per run (undoing a
 * partial map on failure); iommu_unmap() does the same with unmap_pages
 * into a gather, then syncs through the domain's TLB flush model.
 *
 * A domain owns its page table and is the cookie the table's flush ops and
 * a driver's cfg->alloc receive.
 */
#ifndef _IOMMU_CORE_H
#define _IOMMU_CORE_H

#include <linux/device.h>
#include <linux/io-pgtable.h>
#include "iommu-core/pgsize.h"	/* iommu_pgsize(): the split iommu_map() uses */
#include "tlb/tlb.h"

struct iommu_domain {
	enum io_pgtable_fmt fmt;
	struct io_pgtable_cfg cfg;	/* filled in by the page-table core */
	struct io_pgtable_ops *ops;
	unsigned long pgsize_bitmap;
	struct tlb_model *tlb;
	struct device dev;		/* the IOMMU, for DMA and NUMA */
};

/*
 * Allocate the page table for @fmt with @cfg (the backend's allocator is
 * installed into it), flushing through @tlb. Returns 0 or -errno.
 */
int iommu_domain_init(struct iommu_domain *d, enum io_pgtable_fmt fmt,
		      const struct io_pgtable_cfg *cfg, struct tlb_model *tlb);
void iommu_domain_release(struct iommu_domain *d);


/* 0 or -errno; on failure nothing of the request stays mapped. */
int iommu_map(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
	      size_t size, int prot, gfp_t gfp);
/* Bytes unmapped; synced before return. */
size_t iommu_unmap(struct iommu_domain *d, unsigned long iova, size_t size);
/* Bytes unmapped into @gather; the caller syncs. */
size_t iommu_unmap_fast(struct iommu_domain *d, unsigned long iova,
			size_t size, struct iommu_iotlb_gather *gather);
void iommu_flush_iotlb_all(struct iommu_domain *d);
phys_addr_t iommu_iova_to_phys(struct iommu_domain *d, unsigned long iova);

#endif
