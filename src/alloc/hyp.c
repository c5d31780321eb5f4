// SPDX-License-Identifier: GPL-2.0
/*
 * hyp backend: io-pgtable-arm built into a hypervisor (pKVM in the
 * reference mail). The host donates a fixed carve-out up front (committed
 * at init, 64 MiB by default, IOPGT_HYP_CARVEOUT_MB to change); the
 * hypervisor runs its own small buddy pool over it, which keeps free
 * memory clear (pages are zeroed when they come back, so allocation hands
 * them out as they are). phys = virt + a fixed offset, by arithmetic.
 *
 * There is no DMA API at that level: the iommu-pages incoherent calls do
 * the cache maintenance themselves, and dma_map_single() and friends WARN
 * and fail, because the core may only reach them through cfg->alloc,
 * which a hypervisor build never installs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include "buddy-core.h"
#include "common.h"
#include "hyp.h"
#include "iommu-pages.h"

#define CARVEOUT_DEFAULT_MB	64
#define CARVEOUT_PHYS		0xc0000000ULL	/* below 4 GiB, as a firmware carve-out often is */

static struct buddy pool;
static s64 physvirt_offset;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_err;

const char *backend_name(void) { return "hyp"; }
bool backend_has_dma_api(void) { return false; }

const char *backend_describe(void)
{
	static char desc[128];

	backend_init();		/* the size is known once the memory is */
	snprintf(desc, sizeof(desc),
		 "hypervisor carve-out pool, %zu MiB donated, phys base %#llx, zeroed on free, no DMA API",
		 pool.size >> 20, (unsigned long long)CARVEOUT_PHYS);
	return desc;
}

static void do_init(void)
{
	size_t size, align = PAGE_SIZE << BUDDY_MAX_ORDER;
	void *virt;

	/* At least one max-order block (4 MiB); bad values are refused. */
	init_err = alloc_env_mb("IOPGT_HYP_CARVEOUT_MB", CARVEOUT_DEFAULT_MB, 4, 65536, &size);
	if (init_err)
		return;
	/* Donated memory is real memory: commit it now, not on first touch. */
	virt = buddy_map_region(size, align, true);
	if (!virt) {
		init_err = -ENOMEM;
		return;
	}
	physvirt_offset = (s64)(CARVEOUT_PHYS - (u64)(uintptr_t)virt);
	init_err = buddy_init(&pool, virt, CARVEOUT_PHYS, size, BUDDY_MAX_ORDER,
			      BUDDY_ZERO_ON_FREE);
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

struct buddy *hyp_backend_pool(void)
{
	return backend_init() ? NULL : &pool;
}

s64 hyp_backend_physvirt_offset(void)
{
	return physvirt_offset;
}

phys_addr_t virt_to_phys(const volatile void *virt)
{
	const void *v = (const void *)virt;

	if (WARN(!buddy_contains(&pool, v), "virt_to_phys: %p is outside the carve-out", v))
		return 0;
	return (phys_addr_t)((s64)(uintptr_t)v + physvirt_offset);
}

void *phys_to_virt(phys_addr_t phys)
{
	if (WARN(!buddy_contains_phys(&pool, phys),
		 "phys_to_virt: %#llx is outside the carve-out", (unsigned long long)phys))
		return NULL;
	return (void *)(uintptr_t)((s64)phys - physvirt_offset);
}

void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size)
{
	if (backend_init())
		return NULL;
	/* The hypervisor has no NUMA view: the node is recorded, not honoured. */
	return bpages_alloc(&pool, nid, gfp, size);
}

void iommu_free_pages(void *virt) { bpages_free(&pool, virt); }

void iommu_pages_list_add(struct iommu_pages_list *list, void *virt)
{
	bpages_list_add(&pool, list, virt);
}

void iommu_put_pages_list(struct iommu_pages_list *list)
{
	bpages_put_list(&pool, list);
}

int iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	(void)dma_dev;
	return bpages_start_incoherent(&pool, virt);
}

void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
				  size_t offset, size_t len)
{
	(void)dma_dev;
	bpages_flush_incoherent(&pool, virt, offset, len);
}

void iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	(void)dma_dev;
	bpages_free_incoherent(&pool, virt);
}

/* No DMA API in a hypervisor: any use is a bug in the build, made loud. */
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	WARN(1, "dma_map_single(%p, %zu) in a hypervisor build: there is no DMA API", ptr, size);
	return DMA_MAPPING_ERROR;
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	WARN(1, "dma_unmap_single(%#llx) in a hypervisor build: there is no DMA API",
	     (unsigned long long)addr);
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR;
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	WARN(1, "dma_sync_single_for_device(%#llx) in a hypervisor build: there is no DMA API",
	     (unsigned long long)addr);
}
