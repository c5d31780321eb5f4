// SPDX-License-Identifier: GPL-2.0
/*
 * buddy backend: the kernel's default path. iommu_alloc_pages_node_sz()
 * takes zeroed, size-aligned blocks of at least a page from a buddy
 * allocator (cleared on allocation, as __GFP_ZERO does) over a lazily
 * committed arena with its own physical address space (phys != virt).
 * Non-coherent walkers get DMA-API semantics: start maps and cleans the
 * whole table (dma == phys, no IOMMU in front of the walker), flush cleans
 * a range, free_incoherent unmaps and frees. The node argument is recorded
 * and reported; there is one node, so every request is served from it.
 *
 * IOPGT_BUDDY_ARENA_MB sets the arena size (default 256).
 */
#include <stdio.h>
#include <stdlib.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include "buddy.h"
#include "buddy-core.h"
#include "common.h"
#include "iommu-pages.h"

#define ARENA_DEFAULT_MB	256
#define ARENA_PHYS		0x800000000ULL	/* 32 GiB: needs more than 32 address bits */

static struct buddy arena;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_err;
static u64 node_requests[BUDDY_NODE_SLOTS];

const char *backend_name(void) { return "buddy"; }
bool backend_has_dma_api(void) { return true; }

const char *backend_describe(void)
{
	static char desc[128];

	backend_init();		/* the size is known once the memory is */
	snprintf(desc, sizeof(desc),
		 "buddy page allocator, %zu MiB arena, phys base %#llx, zeroed on alloc, 1 node",
		 arena.size >> 20, (unsigned long long)ARENA_PHYS);
	return desc;
}

static void do_init(void)
{
	size_t size, align = PAGE_SIZE << BUDDY_MAX_ORDER;
	void *virt;

	/* At least one max-order block (4 MiB); bad values are refused. */
	init_err = alloc_env_mb("IOPGT_BUDDY_ARENA_MB", ARENA_DEFAULT_MB, 4, 65536, &size);
	if (init_err)
		return;
	virt = buddy_map_region(size, align, false);
	if (!virt) {
		init_err = -ENOMEM;
		return;
	}
	init_err = buddy_init(&arena, virt, ARENA_PHYS, size, BUDDY_MAX_ORDER,
			      BUDDY_ZERO_ON_ALLOC);
}

int backend_init(void)
{
	pthread_once(&init_once, do_init);
	return init_err;
}

int backend_prepare(size_t tables) { (void)tables; return 0; }

void backend_setup_cfg(struct io_pgtable_cfg *cfg)
{
	cfg->alloc = NULL;
	cfg->free = NULL;
}

struct buddy *buddy_backend_arena(void)
{
	return backend_init() ? NULL : &arena;
}

void buddy_backend_node_requests(u64 out[BUDDY_NODE_SLOTS])
{
	int i;

	for (i = 0; i < BUDDY_NODE_SLOTS; i++)
		out[i] = __atomic_load_n(&node_requests[i], __ATOMIC_RELAXED);
}

phys_addr_t virt_to_phys(const volatile void *virt)
{
	const void *v = (const void *)virt;

	if (WARN(!buddy_contains(&arena, v), "virt_to_phys: %p is outside the buddy arena", v))
		return 0;
	return buddy_virt_to_phys(&arena, v);
}

void *phys_to_virt(phys_addr_t phys)
{
	if (WARN(!buddy_contains_phys(&arena, phys),
		 "phys_to_virt: %#llx is outside the buddy arena", (unsigned long long)phys))
		return NULL;
	return buddy_phys_to_virt(&arena, phys);
}

void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size)
{
	int slot = nid < 0 ? 0 : min(nid + 1, BUDDY_NODE_SLOTS - 1);

	if (backend_init())
		return NULL;
	/* One node here: a specific node is served from node 0 and counted. */
	__atomic_add_fetch(&node_requests[slot], 1, __ATOMIC_RELAXED);
	return bpages_alloc(&arena, nid, gfp, size);
}

void iommu_free_pages(void *virt) { bpages_free(&arena, virt); }

void iommu_pages_list_add(struct iommu_pages_list *list, void *virt)
{
	bpages_list_add(&arena, list, virt);
}

void iommu_put_pages_list(struct iommu_pages_list *list)
{
	bpages_put_list(&arena, list);
}

int iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	(void)dma_dev;
	return bpages_start_incoherent(&arena, virt);
}

void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
				  size_t offset, size_t len)
{
	(void)dma_dev;
	bpages_flush_incoherent(&arena, virt, offset, len);
}

void iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	(void)dma_dev;
	bpages_free_incoherent(&arena, virt);
}

/*
 * The streaming DMA API for memory in the arena: the core only uses it for
 * cfg->alloc tables, which this backend never installs, but a driver's
 * allocator wrapping iommu-pages may. dma == phys; anything but the start
 * of a table fails to map, with a WARN.
 */
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	return bpages_dma_map(&arena, ptr, size);
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	bpages_dma_unmap(&arena, addr, size);
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR;
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	bpages_dma_sync(&arena, addr, size);
}
