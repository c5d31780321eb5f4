/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: the page allocator calls of 5.15 and 6.1
 * (alloc_pages_node, page_address, free_pages...) routed to the backend's
 * iommu-pages calls; struct page is an opaque handle equal to the address.
 *
 * Table memory for a tree whose core takes pages straight from the page
 * allocator (5.15, 6.1: alloc_pages_node + page_address, free_pages), with
 * no cfg->alloc. This "page allocator" shim routes those calls to the
 * iommu-pages calls that every backend implements, so the same backends
 * serve these trees as well: a struct page is never dereferenced by
 * io-pgtable-arm.c, so here it is an opaque handle whose address is the
 * table's.
 */
#ifndef _SHIM_KVER_PAGES_PAGE_H
#define _SHIM_KVER_PAGES_PAGE_H

#include <linux/gfp.h>
#include <linux/types.h>
#include "iommu-pages.h"

struct page;

/* __GFP_ZERO or not, backends return zeroed tables, as iommu-pages does. */
static inline struct page *alloc_pages_node(int nid, gfp_t gfp,
					    unsigned int order)
{
	return (struct page *)iommu_alloc_pages_node_sz(nid, gfp,
							PAGE_SIZE << order);
}

static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

static inline void *page_address(const struct page *page)
{
	return (void *)page;
}

static inline struct page *virt_to_page(const void *virt)
{
	return (struct page *)virt;
}

static inline void __free_pages(struct page *page, unsigned int order)
{
	iommu_free_pages(page);
}

static inline void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		iommu_free_pages((void *)addr);
}

static inline unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	return (unsigned long)alloc_pages(gfp, order);
}

#endif
