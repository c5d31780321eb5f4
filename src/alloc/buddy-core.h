/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A binary buddy page allocator over one contiguous region, shared by the
 * buddy, hyp and drvcache backends (it is not a backend itself).
 *
 * Promises: blocks of PAGE_SIZE << order, aligned to their size in both
 * the virtual and the physical view (the region is aligned to the largest
 * block); zeroed memory, either cleared on allocation (the kernel's
 * __GFP_ZERO) or kept clear by clearing on free (pKVM's hyp_pool);
 * split on allocation and merged with the buddy on free, one free list per
 * order; thread-safe (one lock per region). Per-page descriptors live
 * outside the region, like struct page, so that free memory is never
 * touched by the allocator's own bookkeeping; under AddressSanitizer free
 * blocks are poisoned, so a use after free of a table is caught.
 *
 * The second half is the iommu-pages API implemented over a region, which
 * buddy.c and hyp.c share: fault injection and statistics (common.c), the
 * page list, and the incoherent-walker state of each table.
 */
#ifndef _ALLOC_BUDDY_CORE_H
#define _ALLOC_BUDDY_CORE_H

#include <pthread.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/types.h>
#include "common.h"

#define BUDDY_MAX_ORDER		10	/* 4 MiB blocks, as the kernel's MAX_PAGE_ORDER */

enum buddy_zero {
	BUDDY_ZERO_ON_ALLOC,	/* clear a block when it is handed out */
	BUDDY_ZERO_ON_FREE,	/* clear a block when it returns; the region starts clear */
};

enum buddy_state {
	BP_TAIL,		/* inside a block whose head is another page */
	BP_FREE,		/* head of a free block */
	BP_ALLOC,		/* head of an allocated block */
};

/* One per page of the region. */
struct buddy_page {
	struct list_head lru;	/* free list, or an iommu_pages_list when allocated */
	u8 state;		/* enum buddy_state */
	u8 order;		/* heads only */
	bool incoherent;	/* started for a non-coherent walker (every page of the table) */
	s8 nid;			/* node the block was requested for (heads only) */
};

struct buddy_stats {
	u64 total_pages;
	u64 free_pages;
	u64 nr_free[BUDDY_MAX_ORDER + 1];	/* free blocks per order */
	u64 splits;
	u64 merges;
};

struct buddy {
	pthread_mutex_t lock;
	char *virt;
	phys_addr_t phys;
	size_t size;
	unsigned int max_order;
	enum buddy_zero zero;
	struct buddy_page *pages;
	struct list_head free_area[BUDDY_MAX_ORDER + 1];
	u64 nr_free[BUDDY_MAX_ORDER + 1];
	u64 free_pages, splits, merges;
};

/*
 * Reserve @size bytes of anonymous memory aligned to @align (a power of
 * two), committed up front if @populate, else on first touch. NULL on failure.
 */
void *buddy_map_region(size_t size, size_t align, bool populate);
void buddy_unmap_region(void *virt, size_t size, size_t align);
/* Mark memory unusable / usable again for AddressSanitizer (no-ops without it). */
void buddy_poison(void *virt, size_t len);
void buddy_unpoison(void *virt, size_t len);

/*
 * Manage [@virt, @virt + @size) whose physical address is @phys. @virt and
 * @phys must be aligned to PAGE_SIZE << @max_order; @size a multiple of
 * PAGE_SIZE. The memory must already be zero for BUDDY_ZERO_ON_FREE.
 */
int buddy_init(struct buddy *b, void *virt, phys_addr_t phys, size_t size,
	       unsigned int max_order, enum buddy_zero zero);
void buddy_destroy(struct buddy *b);

/* Order of the smallest block holding @size bytes (at least one page). */
unsigned int buddy_size_order(size_t size);

/* A zeroed block of PAGE_SIZE << @order, or NULL when none is free. */
void *buddy_alloc(struct buddy *b, unsigned int order);
/* Free an allocated block by its address: its order, or -EINVAL (with a WARN). */
int buddy_free(struct buddy *b, void *virt);
/* Order of the allocated block at @virt, or -EINVAL if @virt heads none. */
int buddy_block_order(struct buddy *b, const void *virt);

void buddy_get_stats(struct buddy *b, struct buddy_stats *out);

static inline bool buddy_contains(const struct buddy *b, const void *virt)
{
	return (const char *)virt >= b->virt && (const char *)virt < b->virt + b->size;
}

static inline bool buddy_contains_phys(const struct buddy *b, phys_addr_t phys)
{
	return phys >= b->phys && phys - b->phys < b->size;
}

static inline struct buddy_page *buddy_page_of(const struct buddy *b, const void *virt)
{
	return &b->pages[((const char *)virt - b->virt) >> PAGE_SHIFT];
}

static inline void *buddy_page_virt(const struct buddy *b, const struct buddy_page *p)
{
	return b->virt + ((size_t)(p - b->pages) << PAGE_SHIFT);
}

static inline phys_addr_t buddy_virt_to_phys(const struct buddy *b, const void *virt)
{
	return b->phys + (phys_addr_t)((const char *)virt - b->virt);
}

static inline void *buddy_phys_to_virt(const struct buddy *b, phys_addr_t phys)
{
	return b->virt + (phys - b->phys);
}

/*
 * iommu-pages over a region. start_incoherent cleans the whole table and
 * marks its pages; flush_incoherent WARNs on a range outside a started
 * table; free_incoherent WARNs if the table was never started. Start/stop
 * and flushes are counted in struct alloc_stats (maps, unmaps, syncs).
 */
void *bpages_alloc(struct buddy *b, int nid, gfp_t gfp, size_t size);
void bpages_free(struct buddy *b, void *virt);
void bpages_list_add(struct buddy *b, struct iommu_pages_list *list, void *virt);
void bpages_put_list(struct buddy *b, struct iommu_pages_list *list);
int bpages_start_incoherent(struct buddy *b, void *virt);
void bpages_flush_incoherent(struct buddy *b, void *virt, size_t offset, size_t len);
void bpages_free_incoherent(struct buddy *b, void *virt);

/*
 * The streaming DMA API over a region (dma == phys): map the start of an
 * allocated block for the walker (DMA_MAPPING_ERROR and a WARN for
 * anything else, or a block already mapped), sync a range inside a mapped
 * block, unmap. A mapping marks the block exactly as start_incoherent does.
 */
dma_addr_t bpages_dma_map(struct buddy *b, void *ptr, size_t size);
void bpages_dma_unmap(struct buddy *b, dma_addr_t addr, size_t size);
void bpages_dma_sync(struct buddy *b, dma_addr_t addr, size_t size);

#endif
