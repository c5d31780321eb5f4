/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: IOMMU_* prot flags and the iotlb gather helpers mirror
 * include/linux/iommu.h (mainline: struct iommu_pages_list freelist; no
 * version pinned: see README.md). Changed for the suite: struct iova_bitmap
 * is a flat bitmap (the kernel's pins user pages, iommufd), and
 * iommu_iotlb_sync() is the suite's IOMMU core's, not a driver's.
 *
 * <linux/iommu.h>: the slice of the IOMMU API that page-table code sees —
 * IOMMU_* prot flags, the iotlb gather and its helpers, dirty-bitmap
 * recording. struct iommu_domain and iommu_iotlb_sync() belong to the
 * suite's IOMMU core (src/iommu-core), which the gather helpers call when a
 * new page would make the gathered range disjoint, exactly as the kernel.
 */
#ifndef _SHIM_LINUX_IOMMU_H
#define _SHIM_LINUX_IOMMU_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/types.h>

#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)
#define IOMMU_NOEXEC	(1 << 3)
#define IOMMU_MMIO	(1 << 4)
#define IOMMU_PRIV	(1 << 5)

#define IOMMU_DIRTY_NO_CLEAR	(1 << 0)

struct iommu_domain;

/* Mainline keeps freed table pages on a typed list; 6.x before it, a list_head. */
struct iommu_pages_list {
	struct list_head pages;
};

#define IOMMU_PAGES_LIST_INIT(name) { .pages = LIST_HEAD_INIT(name.pages) }

struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	struct iommu_pages_list freelist;
	bool queued;
};

void iommu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *gather);

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	*gather = (struct iommu_iotlb_gather) {
		.start = ULONG_MAX,
		.freelist = IOMMU_PAGES_LIST_INIT(gather->freelist),
	};
}

static inline bool iommu_iotlb_gather_is_disjoint(struct iommu_iotlb_gather *gather,
						  unsigned long iova, size_t size)
{
	unsigned long start = iova, end = start + size - 1;

	return gather->end != 0 &&
		(end + 1 < gather->start || start > gather->end + 1);
}

static inline void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *gather,
						unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;

	if (gather->start > iova)
		gather->start = iova;
	if (gather->end < end)
		gather->end = end;
}

static inline void iommu_iotlb_gather_add_page(struct iommu_domain *domain,
					       struct iommu_iotlb_gather *gather,
					       unsigned long iova, size_t size)
{
	/* A different page size or a gap means one range can't cover both: sync first. */
	if ((gather->pgsize && gather->pgsize != size) ||
	    iommu_iotlb_gather_is_disjoint(gather, iova, size))
		iommu_iotlb_sync(domain, gather);

	gather->pgsize = size;
	iommu_iotlb_gather_add_range(gather, iova, size);
}

static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *gather)
{
	return gather && gather->queued;
}

/* Dirty tracking: a flat bitmap, one bit per (1 << pgshift) bytes from base. */
struct iova_bitmap {
	unsigned long base;
	unsigned int pgshift;
	unsigned long nbits;
	unsigned long *bits;
};

static inline void iova_bitmap_set(struct iova_bitmap *b, unsigned long iova, size_t length)
{
	unsigned long first = (iova - b->base) >> b->pgshift;
	unsigned long last = (iova + length - 1 - b->base) >> b->pgshift;

	for (; first <= last && first < b->nbits; first++)
		b->bits[first / BITS_PER_LONG] |= 1UL << (first % BITS_PER_LONG);
}

struct iommu_dirty_bitmap {
	struct iova_bitmap *bitmap;
	struct iommu_iotlb_gather *gather;
};

static inline void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *dirty,
					     unsigned long iova, unsigned long length)
{
	if (dirty->bitmap)
		iova_bitmap_set(dirty->bitmap, iova, length);
	if (dirty->gather)
		iommu_iotlb_gather_add_range(dirty->gather, iova, length);
}

#endif
