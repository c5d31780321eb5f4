// SPDX-License-Identifier: GPL-2.0
/*
 * Binary buddy allocator and the iommu-pages API over it (see buddy-core.h).
 *
 * A free block is the head page's descriptor on free_area[order]; a block's
 * buddy is the block whose page index differs only in bit @order. Only
 * heads carry a meaningful order; every other page of a block is BP_TAIL,
 * so a stale order can never make a page look like a free buddy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include "arch/cache.h"
#include "buddy-core.h"

/*
 * Under AddressSanitizer a free block is poisoned, so that a core reading
 * or writing a table it has freed is caught on the spot. The runtime's
 * entry points are declared weak: in an ordinary build they are NULL and
 * nothing is called.
 */
void __asan_poison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
void __asan_unpoison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));

void buddy_poison(void *virt, size_t len)
{
	if (__asan_poison_memory_region)
		__asan_poison_memory_region(virt, len);
}

void buddy_unpoison(void *virt, size_t len)
{
	if (__asan_unpoison_memory_region)
		__asan_unpoison_memory_region(virt, len);
}

void *buddy_map_region(size_t size, size_t align, bool populate)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t span = size + align;
	char *raw, *start;

	/* A donated carve-out is real memory; an arena is committed on first touch. */
	flags |= populate ? MAP_POPULATE : MAP_NORESERVE;
	raw = mmap(NULL, span, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	/* Trim the slack on both sides so that only the aligned region stays mapped. */
	start = (char *)ALIGN((uintptr_t)raw, align);
	if (start > raw)
		munmap(raw, start - raw);
	if (raw + span > start + size)
		munmap(start + size, raw + span - (start + size));
	return start;
}

void buddy_unmap_region(void *virt, size_t size, size_t align)
{
	(void)align;
	if (virt)
		munmap(virt, size);
}

unsigned int buddy_size_order(size_t size)
{
	size_t pages = DIV_ROUND_UP(max_t(size_t, size, 1), PAGE_SIZE);

	return order_base_2(pages);
}

static size_t page_idx(const struct buddy *b, const struct buddy_page *p)
{
	return p - b->pages;
}

static void free_area_add(struct buddy *b, struct buddy_page *p, unsigned int order)
{
	p->state = BP_FREE;
	p->order = order;
	list_add(&p->lru, &b->free_area[order]);
	b->nr_free[order]++;
}

static void free_area_del(struct buddy *b, struct buddy_page *p)
{
	list_del(&p->lru);
	b->nr_free[p->order]--;
	p->state = BP_TAIL;
}

int buddy_init(struct buddy *b, void *virt, phys_addr_t phys, size_t size,
	       unsigned int max_order, enum buddy_zero zero)
{
	size_t npages = size >> PAGE_SHIFT, idx = 0, align;
	unsigned int o;

	align = PAGE_SIZE << max_order;
	if (max_order > BUDDY_MAX_ORDER || !npages || size % PAGE_SIZE ||
	    (uintptr_t)virt % align || phys % align)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->pages = calloc(npages, sizeof(*b->pages));
	if (!b->pages)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	b->virt = virt;
	b->phys = phys;
	b->size = size;
	b->max_order = max_order;
	b->zero = zero;
	for (o = 0; o <= max_order; o++)
		INIT_LIST_HEAD(&b->free_area[o]);
	/* Carve the region into the largest naturally aligned blocks that fit. */
	while (idx < npages) {
		o = min_t(unsigned int, max_order, idx ? __ffs(idx) : max_order);
		while ((1UL << o) > npages - idx)
			o--;
		free_area_add(b, &b->pages[idx], o);
		idx += 1UL << o;
	}
	b->free_pages = npages;
	buddy_poison(virt, size);
	return 0;
}

void buddy_destroy(struct buddy *b)
{
	buddy_unpoison(b->virt, b->size);
	free(b->pages);
	pthread_mutex_destroy(&b->lock);
	memset(b, 0, sizeof(*b));
}

/* Take a free block of at least @order and split it down; lock held. */
static struct buddy_page *take_block(struct buddy *b, unsigned int order)
{
	struct buddy_page *p;
	unsigned int o;

	for (o = order; o <= b->max_order; o++)
		if (!list_empty(&b->free_area[o]))
			break;
	if (o > b->max_order)
		return NULL;
	p = list_first_entry(&b->free_area[o], struct buddy_page, lru);
	free_area_del(b, p);
	/* Hand back the upper halves, largest first. */
	while (o > order) {
		o--;
		free_area_add(b, p + (1UL << o), o);
		b->splits++;
	}
	p->state = BP_ALLOC;
	p->order = order;
	b->free_pages -= 1UL << order;
	return p;
}

void *buddy_alloc(struct buddy *b, unsigned int order)
{
	struct buddy_page *p;
	void *virt;

	if (order > b->max_order)
		return NULL;
	pthread_mutex_lock(&b->lock);
	p = take_block(b, order);
	pthread_mutex_unlock(&b->lock);
	if (!p)
		return NULL;
	virt = buddy_page_virt(b, p);
	buddy_unpoison(virt, PAGE_SIZE << order);
	if (b->zero == BUDDY_ZERO_ON_ALLOC)
		memset(virt, 0, PAGE_SIZE << order);
	return virt;
}

/* Is the page at @idx a free block of exactly @order? */
static bool is_free_buddy(struct buddy *b, size_t idx, unsigned int order)
{
	struct buddy_page *q;

	if (idx + (1UL << order) > b->size >> PAGE_SHIFT)
		return false;
	q = &b->pages[idx];
	return q->state == BP_FREE && q->order == order;
}

/* Return an allocated block and merge it upwards; lock held. */
static void put_block(struct buddy *b, struct buddy_page *p)
{
	unsigned int order = p->order;
	size_t idx = page_idx(b, p);

	b->free_pages += 1UL << order;
	p->state = BP_TAIL;
	while (order < b->max_order) {
		size_t buddy = idx ^ (1UL << order);

		if (!is_free_buddy(b, buddy, order))
			break;
		free_area_del(b, &b->pages[buddy]);
		idx &= ~(1UL << order);
		order++;
		b->merges++;
	}
	free_area_add(b, &b->pages[idx], order);
}

int buddy_block_order(struct buddy *b, const void *virt)
{
	struct buddy_page *p;
	int order = -EINVAL;

	if (!buddy_contains(b, virt) || ((uintptr_t)virt & (PAGE_SIZE - 1)))
		return -EINVAL;
	p = buddy_page_of(b, virt);
	pthread_mutex_lock(&b->lock);
	if (p->state == BP_ALLOC)
		order = p->order;
	pthread_mutex_unlock(&b->lock);
	return order;
}

int buddy_free(struct buddy *b, void *virt)
{
	struct buddy_page *p;
	int order = buddy_block_order(b, virt);

	if (WARN(order < 0, "buddy: freeing %p, which heads no allocated block", virt))
		return -EINVAL;
	p = buddy_page_of(b, virt);
	/* Cleared before it is visible as free: nobody else may see stale data. */
	if (b->zero == BUDDY_ZERO_ON_FREE)
		memset(virt, 0, PAGE_SIZE << order);
	pthread_mutex_lock(&b->lock);
	if (WARN(p->state != BP_ALLOC, "buddy: double free of %p", virt)) {
		pthread_mutex_unlock(&b->lock);
		return -EINVAL;
	}
	/* Before the block is visible as free: a racing allocation unpoisons after us. */
	buddy_poison(virt, PAGE_SIZE << order);
	put_block(b, p);
	pthread_mutex_unlock(&b->lock);
	return order;
}

void buddy_get_stats(struct buddy *b, struct buddy_stats *out)
{
	unsigned int o;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&b->lock);
	out->total_pages = b->size >> PAGE_SHIFT;
	out->free_pages = b->free_pages;
	for (o = 0; o <= b->max_order; o++)
		out->nr_free[o] = b->nr_free[o];
	out->splits = b->splits;
	out->merges = b->merges;
	pthread_mutex_unlock(&b->lock);
}

/* ------------------------------------------------ iommu-pages over a region */

/* The allocated table that @virt heads, or NULL with a WARN. */
static struct buddy_page *table_of(struct buddy *b, const void *virt, const char *what)
{
	if (WARN(buddy_block_order(b, virt) < 0,
		 "%s: %p is not a table from this allocator", what, virt))
		return NULL;
	return buddy_page_of(b, virt);
}

static void set_incoherent(struct buddy_page *p, bool on)
{
	size_t i;

	for (i = 0; i < 1UL << p->order; i++)
		p[i].incoherent = on;
}

void *bpages_alloc(struct buddy *b, int nid, gfp_t gfp, size_t size)
{
	unsigned int order = buddy_size_order(size);
	struct buddy_page *p;
	void *virt;

	(void)gfp;	/* every allocation is zeroed and may not sleep here anyway */
	if (alloc_fault_should_fail())
		return NULL;
	virt = buddy_alloc(b, order);
	if (!virt) {
		alloc_account_failure();
		return NULL;
	}
	p = buddy_page_of(b, virt);
	p->nid = nid < 0 ? -1 : (s8)min(nid, 127);
	INIT_LIST_HEAD(&p->lru);
	alloc_account_alloc(PAGE_SIZE << order);
	return virt;
}

static void release(struct buddy *b, struct buddy_page *p)
{
	void *virt = buddy_page_virt(b, p);
	int order = p->order;

	if (buddy_free(b, virt) >= 0)
		alloc_account_free(PAGE_SIZE << order);
}

void bpages_free(struct buddy *b, void *virt)
{
	struct buddy_page *p;

	if (!virt)
		return;
	p = table_of(b, virt, "iommu_free_pages");
	if (!p)
		return;
	/* The kernel would leak the DMA mapping: free_incoherent was due. */
	if (WARN(p->incoherent, "iommu_free_pages: %p is still mapped for an incoherent walker", virt)) {
		set_incoherent(p, false);
		alloc_account_dma_unmap();
	}
	release(b, p);
}

void bpages_list_add(struct buddy *b, struct iommu_pages_list *list, void *virt)
{
	struct buddy_page *p = table_of(b, virt, "iommu_pages_list_add");

	if (p)
		list_add_tail(&p->lru, &list->pages);
}

void bpages_put_list(struct buddy *b, struct iommu_pages_list *list)
{
	struct buddy_page *p, *n;

	list_for_each_entry_safe(p, n, &list->pages, lru) {
		list_del(&p->lru);
		/* A list has no device to unmap with: tearing it down ends the mapping. */
		if (p->incoherent) {
			set_incoherent(p, false);
			alloc_account_dma_unmap();
		}
		release(b, p);
	}
	INIT_LIST_HEAD(&list->pages);
}

int bpages_start_incoherent(struct buddy *b, void *virt)
{
	struct buddy_page *p = table_of(b, virt, "iommu_pages_start_incoherent");

	if (!p)
		return -EINVAL;
	if (WARN(p->incoherent, "iommu_pages_start_incoherent: %p started twice", virt))
		return -EINVAL;
	/* The walker must never see the pre-zeroing contents: clean it all now. */
	arch_clean_dcache_range(virt, PAGE_SIZE << p->order);
	set_incoherent(p, true);
	alloc_account_dma_map();
	return 0;
}

void bpages_flush_incoherent(struct buddy *b, void *virt, size_t offset, size_t len)
{
	char *start = (char *)virt + offset;

	/* Two compares and a load: cheap enough for the PTE-write path. */
	if (WARN(!buddy_contains(b, start) || !len ||
		 !buddy_contains(b, start + len - 1) ||
		 !buddy_page_of(b, start)->incoherent,
		 "iommu_pages_flush_incoherent: %p+%zu,%zu is not a started table",
		 virt, offset, len))
		return;
	arch_clean_dcache_range(start, len);
	alloc_account_dma_sync();
}

void bpages_free_incoherent(struct buddy *b, void *virt)
{
	struct buddy_page *p = table_of(b, virt, "iommu_pages_free_incoherent");

	if (!p)
		return;
	if (!WARN(!p->incoherent, "iommu_pages_free_incoherent: %p was never started", virt)) {
		set_incoherent(p, false);
		alloc_account_dma_unmap();
	}
	release(b, p);
}

dma_addr_t bpages_dma_map(struct buddy *b, void *ptr, size_t size)
{
	int order = buddy_block_order(b, ptr);
	struct buddy_page *p;

	if (WARN(order < 0 || !size || size > PAGE_SIZE << order ||
		 buddy_page_of(b, ptr)->incoherent,
		 "dma_map_single: %p+%zu is not an unmapped table of this allocator", ptr, size))
		return DMA_MAPPING_ERROR;
	p = buddy_page_of(b, ptr);
	arch_clean_dcache_range(ptr, size);
	set_incoherent(p, true);
	alloc_account_dma_map();
	return buddy_virt_to_phys(b, ptr);
}

void bpages_dma_unmap(struct buddy *b, dma_addr_t addr, size_t size)
{
	void *virt = buddy_contains_phys(b, addr) ? buddy_phys_to_virt(b, addr) : NULL;
	struct buddy_page *p;

	if (WARN(!virt || buddy_block_order(b, virt) < 0 ||
		 !buddy_page_of(b, virt)->incoherent,
		 "dma_unmap_single: %#llx is not a mapped table", (unsigned long long)addr))
		return;
	p = buddy_page_of(b, virt);
	set_incoherent(p, false);
	alloc_account_dma_unmap();
}

void bpages_dma_sync(struct buddy *b, dma_addr_t addr, size_t size)
{
	if (WARN(!buddy_contains_phys(b, addr),
		 "dma_sync_single_for_device: %#llx is outside this allocator",
		 (unsigned long long)addr))
		return;
	bpages_flush_incoherent(b, buddy_phys_to_virt(b, addr), 0, size);
}
