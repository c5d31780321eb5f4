/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: 6.12's by-order iommu-pages API
 * (drivers/iommu/iommu-pages.h as of 6.12) mapped onto the by-size calls the
 * backends implement; the order passed to free is ignored.
 *
 * Table memory for a tree whose core uses 6.12's iommu-pages API:
 * allocation by order (iommu_alloc_pages_node(nid, gfp, order)), freeing
 * with the order again (iommu_free_pages(virt, order)). Mapped onto the
 * mainline-style calls that every backend implements.
 *
 * It defines the kernel header's include guard so that the tree's own
 * drivers/iommu/iommu-pages.h (found first because io-pgtable-arm.c
 * includes it with quotes) expands to nothing: that header reaches into
 * struct page, folios and vmstat, none of which exist here.
 *
 * The names clash: 6.12's iommu_free_pages takes two arguments, the
 * backends' one. The backend's function is therefore declared under
 * another C name bound to the same symbol (an asm label), and the 6.12
 * names are macros, so the file being compiled never declares a second
 * iommu_free_pages.
 */
#ifndef __IOMMU_PAGES_H
#define __IOMMU_PAGES_H

#include <linux/gfp.h>
#include <linux/types.h>

void *shim_backend_alloc_sz(int nid, gfp_t gfp, size_t size)
	__asm__("iommu_alloc_pages_node_sz");
void shim_backend_free(void *virt) __asm__("iommu_free_pages");

/* 6.12 always returns zeroed memory: so do the backends. */
#define iommu_alloc_pages_node(nid, gfp, order) \
	shim_backend_alloc_sz((nid), (gfp), PAGE_SIZE << (order))
#define iommu_alloc_pages(gfp, order) \
	iommu_alloc_pages_node(NUMA_NO_NODE, (gfp), (order))
#define iommu_alloc_page_node(nid, gfp)	iommu_alloc_pages_node((nid), (gfp), 0)
#define iommu_alloc_page(gfp)		iommu_alloc_pages((gfp), 0)
#define iommu_free_pages(virt, order)	shim_backend_free(virt)
#define iommu_free_page(virt)		shim_backend_free(virt)
/*
 * iommu_put_pages_list(struct list_head *) links struct pages through
 * page->lru; io-pgtable-arm.c does not use it, so it is left undeclared
 * and a tree that starts using it fails to build rather than misbehave.
 */

#endif
