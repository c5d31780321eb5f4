// SPDX-License-Identifier: GPL-2.0
/*
 * drvcache backend: a driver's own table allocator through cfg->alloc /
 * cfg->free, as GPU drivers do to keep page allocation out of their
 * fence-signalling path. Tables are reserved ahead of time into a pool of
 * power-of-two size classes (64 B .. 4 MiB), from a backing arena with its
 * own physical addresses (base 0x9_0000_0000); cfg->alloc only pops a
 * zeroed table and never allocates, so an empty class is NULL (-ENOMEM in
 * the core). cfg->free clears the table and pushes it back.
 *
 * What gets reserved, and when (never in a timed region):
 *  - backend_setup_cfg(), as a driver does when it creates a VM: one free
 *    table in every class a root can take for the domain's granule
 *    (64 B .. 16 granules, a concatenated stage-2 level), and
 *    DRVCACHE_DOMAIN_RESERVE granule tables;
 *  - backend_prepare(n): every class in use (the granules of the domains set
 *    up, and any class that ran empty) topped up to n free tables;
 *  - drvcache_reserve(size, n) for one class explicitly.
 *
 * The core DMA-maps these tables itself for a non-coherent walker, so the
 * streaming DMA calls are implemented here for pool tables (dma == phys,
 * cleaned through src/arch), and checked: mapping something that is not a
 * handed-out table, or freeing a table still mapped, WARNs.
 *
 * iommu-pages stays what it is in a kernel: the page allocator beside the
 * driver (a lazily committed 64 MiB buddy region at phys 0x8_0000_0000).
 * The core uses it only when cfg->alloc is NULL, which a domain set up
 * through backend_setup_cfg() never is, and a driver's cfg->alloc may wrap
 * it. Its tables are counted in the common statistics and apart, in
 * drvcache_stats.page_allocs, so that a drvcache result can show that its
 * tables came from the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include "arch/cache.h"
#include "buddy-core.h"
#include "drvcache.h"
#include "iommu-pages.h"

#define ARENA_SIZE	(256UL << 20)
#define ARENA_PHYS	0x900000000ULL
#define KPAGES_SIZE	(64UL << 20)
#define KPAGES_PHYS	0x800000000ULL

struct dc_class {
	void **free;		/* stack of free tables */
	size_t nfree;
	size_t total;		/* tables of this class, free or out: the stack's capacity */
	bool wanted;		/* topped up by backend_prepare() */
};

/*
 * Per arena page: which class it was carved for, which tables are out or
 * mapped. The bit masks are atomics: tables sharing a page belong to
 * different callers, which map and free them without the pool lock.
 */
struct dc_page {
	s8 cls;			/* -1: not pool memory */
	u64 out;		/* bit per slot for sub-page classes; bit 0 otherwise */
	u64 mapped;
};

#define test_bits(p, b)		(__atomic_load_n(&(p), __ATOMIC_ACQUIRE) & (b))
#define set_bits(p, b)		__atomic_fetch_or(&(p), (b), __ATOMIC_ACQ_REL)
#define clear_bits(p, b)	__atomic_fetch_and(&(p), ~(b), __ATOMIC_ACQ_REL)

static struct buddy arena;		/* the driver's pool is carved from it */
static struct buddy kpages;		/* the kernel's page allocator, for iommu-pages */
static u64 page_allocs;
static struct dc_page *pages;
static struct dc_class classes[DRVCACHE_NR_CLASSES];
static u64 reserved_bytes, misses;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_err;

const char *backend_name(void) { return "drvcache"; }
bool backend_has_dma_api(void) { return true; }

const char *backend_describe(void)
{
	return "driver table pool via cfg->alloc, reserved ahead (backend_prepare), "
	       "phys base 0x900000000, core DMA-maps tables; iommu-pages beside it at 0x800000000";
}

static size_t class_size(int c) { return 1UL << (c + DRVCACHE_MIN_SHIFT); }

/* The class serving a request of @size, or -1 if none is big enough. */
static int class_of(size_t size)
{
	int c = ilog2(alloc_round_size(size)) - DRVCACHE_MIN_SHIFT;

	return c < DRVCACHE_NR_CLASSES ? c : -1;
}

static void do_init(void)
{
	size_t align = PAGE_SIZE << BUDDY_MAX_ORDER, i;
	void *virt = buddy_map_region(ARENA_SIZE, align, false);

	if (!virt) {
		init_err = -ENOMEM;
		return;
	}
	pages = calloc(ARENA_SIZE >> PAGE_SHIFT, sizeof(*pages));
	if (!pages) {
		init_err = -ENOMEM;
		return;
	}
	for (i = 0; i < ARENA_SIZE >> PAGE_SHIFT; i++)
		pages[i].cls = -1;
	/* The page-sized class is what a 4K-granule driver lives on. */
	classes[class_of(PAGE_SIZE)].wanted = true;
	init_err = buddy_init(&arena, virt, ARENA_PHYS, ARENA_SIZE, BUDDY_MAX_ORDER,
			      BUDDY_ZERO_ON_ALLOC);
	if (init_err)
		return;
	virt = buddy_map_region(KPAGES_SIZE, align, false);
	if (!virt) {
		init_err = -ENOMEM;
		return;
	}
	init_err = buddy_init(&kpages, virt, KPAGES_PHYS, KPAGES_SIZE, BUDDY_MAX_ORDER,
			      BUDDY_ZERO_ON_ALLOC);
}

int backend_init(void)
{
	pthread_once(&init_once, do_init);
	return init_err;
}

static struct dc_page *page_of(const void *virt)
{
	return &pages[((const char *)virt - arena.virt) >> PAGE_SHIFT];
}

/*
 * The table containing @virt: its start, class and slot bit. With @exact,
 * @virt must be the start. Tables are size-aligned within the arena, so a
 * multi-page table's head is found by aligning down.
 */
static char *table_of(const void *virt, bool exact, int *cls, u64 *bit, struct dc_page **head)
{
	struct dc_page *pg;
	size_t size, off;
	char *start;

	if (!buddy_contains(&arena, virt))
		return NULL;
	pg = page_of(virt);
	if (pg->cls < 0)
		return NULL;
	size = class_size(pg->cls);
	off = (const char *)virt - arena.virt;
	start = arena.virt + ALIGN_DOWN(off, size);
	if (exact && start != virt)
		return NULL;
	*cls = pg->cls;
	*head = page_of(start);
	*bit = size < PAGE_SIZE ? 1ULL << ((off & (PAGE_SIZE - 1)) / size) : 1;
	return start;
}

/* Add @nr fresh tables to class @c; lock held. */
static int grow_class(int c, size_t nr)
{
	struct dc_class *k = &classes[c];
	size_t size = class_size(c), per_block, blocks, i, j;
	unsigned int order = buddy_size_order(size);
	void **stack;

	per_block = size < PAGE_SIZE ? PAGE_SIZE / size : 1;
	blocks = DIV_ROUND_UP(nr, per_block);
	stack = realloc(k->free, (k->total + blocks * per_block) * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	k->free = stack;
	for (i = 0; i < blocks; i++) {
		char *blk = buddy_alloc(&arena, order);
		size_t p;

		if (!blk)
			return -ENOMEM;
		for (p = 0; p < 1UL << order; p++)
			page_of(blk + (p << PAGE_SHIFT))->cls = c;
		/* Highest address first, so that the stack hands out in address order. */
		for (j = per_block; j-- > 0;)
			k->free[k->nfree++] = blk + j * size;
		buddy_poison(blk, PAGE_SIZE << order);	/* pool tables are free memory */
		k->total += per_block;
		reserved_bytes += PAGE_SIZE << order;
	}
	return 0;
}

static int top_up(int c, size_t n)
{
	int ret = 0;

	if (c < 0)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	if (classes[c].nfree < n)
		ret = grow_class(c, n - classes[c].nfree);
	pthread_mutex_unlock(&lock);
	return ret;
}

int drvcache_reserve(size_t size, size_t n)
{
	int ret = backend_init();

	return ret ? ret : top_up(class_of(size), n);
}

size_t drvcache_pool_free(size_t size)
{
	int c = class_of(size);
	size_t n;

	if (c < 0)
		return 0;
	pthread_mutex_lock(&lock);
	n = classes[c].nfree;
	pthread_mutex_unlock(&lock);
	return n;
}

void drvcache_get_stats(struct drvcache_stats *out)
{
	int c;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&lock);
	out->reserved_bytes = reserved_bytes;
	out->misses = misses;
	out->page_allocs = __atomic_load_n(&page_allocs, __ATOMIC_RELAXED);
	for (c = 0; c < DRVCACHE_NR_CLASSES; c++) {
		out->free[c] = classes[c].nfree;
		out->total[c] = classes[c].total;
	}
	pthread_mutex_unlock(&lock);
}

int backend_prepare(size_t tables)
{
	int c, ret = backend_init();

	for (c = 0; c < DRVCACHE_NR_CLASSES && !ret; c++)
		if (classes[c].wanted)
			ret = top_up(c, tables);
	return ret;
}

/* cfg->alloc: pop a reserved table; an empty class fails, it never allocates. */
static void *dc_alloc(void *cookie, size_t size, gfp_t gfp)
{
	int c = class_of(size);
	struct dc_page *head;
	struct dc_class *k;
	u64 bit;
	void *p;

	if (alloc_fault_should_fail())
		return NULL;
	if (c < 0) {
		alloc_account_failure();
		return NULL;
	}
	k = &classes[c];
	pthread_mutex_lock(&lock);
	if (!k->nfree) {
		misses++;
		k->wanted = true;	/* the next backend_prepare() refills it */
		pthread_mutex_unlock(&lock);
		alloc_account_failure();
		return NULL;
	}
	p = k->free[--k->nfree];
	table_of(p, true, &c, &bit, &head);
	set_bits(head->out, bit);
	pthread_mutex_unlock(&lock);
	buddy_unpoison(p, class_size(c));
	alloc_account_alloc(class_size(c));
	return p;
}

/* cfg->free: clear the table and put it back in its class. */
static void dc_free(void *cookie, void *virt, size_t size)
{
	struct dc_page *head;
	int cls;
	u64 bit;

	if (WARN(!table_of(virt, true, &cls, &bit, &head) || !test_bits(head->out, bit),
		 "drvcache: freeing %p, which is no table handed out", virt))
		return;
	WARN(cls != class_of(size), "drvcache: %p freed as %zu bytes, allocated as %zu",
	     virt, size, class_size(cls));
	if (WARN(test_bits(head->mapped, bit), "drvcache: %p freed while DMA-mapped", virt)) {
		clear_bits(head->mapped, bit);
		alloc_account_dma_unmap();
	}
	memset(virt, 0, class_size(cls));
	buddy_poison(virt, class_size(cls));
	pthread_mutex_lock(&lock);
	clear_bits(head->out, bit);
	classes[cls].free[classes[cls].nfree++] = virt;
	pthread_mutex_unlock(&lock);
	alloc_account_free(class_size(cls));
}

void backend_setup_cfg(struct io_pgtable_cfg *cfg)
{
	unsigned long granules = cfg->pgsize_bitmap & (SZ_4K | SZ_16K | SZ_64K);
	size_t granule = granules ? 1UL << __ffs(granules) : SZ_4K, size;

	cfg->alloc = dc_alloc;
	cfg->free = dc_free;
	if (backend_init())
		return;
	pthread_mutex_lock(&lock);
	classes[class_of(granule)].wanted = true;
	pthread_mutex_unlock(&lock);
	/* Failures here surface as -ENOMEM from the core, where they belong. */
	for (size = 64; size <= 16 * granule; size <<= 1)
		top_up(class_of(size), 1);
	top_up(class_of(granule), DRVCACHE_DOMAIN_RESERVE);
}

phys_addr_t virt_to_phys(const volatile void *virt)
{
	const void *v = (const void *)virt;

	if (buddy_contains(&kpages, v))
		return buddy_virt_to_phys(&kpages, v);
	if (WARN(!buddy_contains(&arena, v), "virt_to_phys: %p is outside the driver's arena", v))
		return 0;
	return buddy_virt_to_phys(&arena, v);
}

void *phys_to_virt(phys_addr_t phys)
{
	if (buddy_contains_phys(&kpages, phys))
		return buddy_phys_to_virt(&kpages, phys);
	if (WARN(!buddy_contains_phys(&arena, phys),
		 "phys_to_virt: %#llx is outside the driver's arena", (unsigned long long)phys))
		return NULL;
	return buddy_phys_to_virt(&arena, phys);
}

/* ------------------------ DMA API, for pool tables and page-allocator ones */

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	struct dc_page *head;
	int cls;
	u64 bit;

	if (buddy_contains(&kpages, ptr))
		return bpages_dma_map(&kpages, ptr, size);
	if (WARN(!table_of(ptr, true, &cls, &bit, &head) || !test_bits(head->out, bit) ||
		 size > class_size(cls) || test_bits(head->mapped, bit),
		 "dma_map_single: %p+%zu is not an unmapped table of this driver", ptr, size))
		return DMA_MAPPING_ERROR;
	set_bits(head->mapped, bit);
	arch_clean_dcache_range(ptr, size);
	alloc_account_dma_map();
	return buddy_virt_to_phys(&arena, ptr);
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	struct dc_page *head;
	void *virt = buddy_contains_phys(&arena, addr) ? buddy_phys_to_virt(&arena, addr) : NULL;
	int cls;
	u64 bit;

	if (buddy_contains_phys(&kpages, addr)) {
		bpages_dma_unmap(&kpages, addr, size);
		return;
	}
	if (WARN(!virt || !table_of(virt, true, &cls, &bit, &head) || !test_bits(head->mapped, bit),
		 "dma_unmap_single: %#llx is not mapped", (unsigned long long)addr))
		return;
	clear_bits(head->mapped, bit);
	alloc_account_dma_unmap();
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR;
}

/* Clean [virt, virt + len) if it lies inside one mapped table. */
static void sync_range(const char *virt, size_t len, const char *what)
{
	struct dc_page *head;
	char *start;
	int cls;
	u64 bit;

	start = virt && len ? table_of(virt, false, &cls, &bit, &head) : NULL;
	if (WARN(!start || !test_bits(head->mapped, bit) || virt + len > start + class_size(cls),
		 "%s: %p+%zu is not inside a mapped table", what, virt, len))
		return;
	arch_clean_dcache_range(virt, len);
	alloc_account_dma_sync();
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	void *virt = buddy_contains_phys(&arena, addr) ? buddy_phys_to_virt(&arena, addr) : NULL;

	if (buddy_contains_phys(&kpages, addr)) {
		bpages_dma_sync(&kpages, addr, size);
		return;
	}
	sync_range(virt, size, "dma_sync_single_for_device");
}

/* --------------------- iommu-pages: the kernel's page allocator, counted apart */

void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size)
{
	void *p;

	if (backend_init())
		return NULL;
	p = bpages_alloc(&kpages, nid, gfp, size);
	if (p)
		__atomic_add_fetch(&page_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void iommu_free_pages(void *virt) { bpages_free(&kpages, virt); }

void iommu_pages_list_add(struct iommu_pages_list *list, void *virt)
{
	bpages_list_add(&kpages, list, virt);
}

void iommu_put_pages_list(struct iommu_pages_list *list)
{
	bpages_put_list(&kpages, list);
}

int iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	return bpages_start_incoherent(&kpages, virt);
}

/* The core cleans PTEs of a cfg->alloc table with a DMA sync; this works too. */
void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
				  size_t offset, size_t len)
{
	char *start = (char *)virt + offset;

	if (buddy_contains(&kpages, start))
		bpages_flush_incoherent(&kpages, virt, offset, len);
	else
		sync_range(start, len, "iommu_pages_flush_incoherent");
}

void iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	bpages_free_incoherent(&kpages, virt);
}
