/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: the API of drivers/iommu/iommu-pages.h as of the
 * 7.0 snapshot (../shared/kernels/linux-7.0), but every function is out of
 * line and implemented by the allocator backend linked into the binary
 * (src/alloc/<backend>.c), so that backends can be swapped and the
 * incoherent calls counted (noncoherent.h, ld --wrap). The kernel's
 * struct ioptdesc/folio internals, the *_incoherent_list calls and the
 * per-arch inline flush/free (clflush on x86, dma_sync elsewhere) are not here.
 *
 * "iommu-pages.h" (drivers/iommu/iommu-pages.h in the kernel), current
 * mainline API: table memory by size, zeroed, rounded up to a power of two
 * and aligned to that size; start/flush/free for tables that a
 * non-coherent walker reads.
 */
#ifndef __IOMMU_PAGES_H
#define __IOMMU_PAGES_H

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/types.h>

void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size);
void iommu_free_pages(void *virt);
void iommu_put_pages_list(struct iommu_pages_list *list);
void iommu_pages_list_add(struct iommu_pages_list *list, void *virt);

/* DMA-map a fresh table for an incoherent walker and clean it; -EOPNOTSUPP if dma != phys. */
int iommu_pages_start_incoherent(void *virt, struct device *dma_dev);
/* Clean [virt + offset, virt + offset + len) to the point of coherency. */
void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
				  size_t offset, size_t len);
/* Undo start_incoherent, then free. */
void iommu_pages_free_incoherent(void *virt, struct device *dma_dev);

static inline void *iommu_alloc_pages_sz(gfp_t gfp, size_t size)
{
	return iommu_alloc_pages_node_sz(NUMA_NO_NODE, gfp, size);
}

static inline void iommu_pages_list_splice(struct iommu_pages_list *from,
					   struct iommu_pages_list *to)
{
	list_splice_init(&from->pages, &to->pages);
}

static inline bool iommu_pages_list_empty(struct iommu_pages_list *list)
{
	return list_empty(&list->pages);
}

#endif
