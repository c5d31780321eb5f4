// SPDX-License-Identifier: GPL-2.0
/*
 * libc backend: the baseline. Tables come from aligned_alloc() in whole
 * pages, as iommu-pages hands them out, and are zeroed by hand; physical
 * addresses are the virtual ones; DMA mapping is the identity plus a real
 * cache clean, as on a system with no IOMMU in front of the walker.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include "arch/cache.h"
#include "common.h"
#include "iommu-pages.h"

const char *backend_name(void) { return "libc"; }
bool backend_has_dma_api(void) { return true; }
const char *backend_describe(void) { return "aligned_alloc + memset, phys == virt"; }
int backend_init(void) { return 0; }
int backend_prepare(size_t tables) { (void)tables; return 0; }

void backend_setup_cfg(struct io_pgtable_cfg *cfg)
{
	cfg->alloc = NULL;
	cfg->free = NULL;
}

phys_addr_t virt_to_phys(const volatile void *virt) { return (phys_addr_t)(uintptr_t)virt; }
void *phys_to_virt(phys_addr_t phys) { return (void *)(uintptr_t)phys; }

/*
 * As the kernel's iommu-pages: whole pages, whatever the request. Only a
 * driver's cfg->alloc may hand out less (the drvcache backend).
 */
void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size)
{
	size_t sz = max_t(size_t, alloc_round_size(size), PAGE_SIZE);
	void *p;

	(void)nid;
	(void)gfp;
	if (alloc_fault_should_fail())
		return NULL;
	p = aligned_alloc(sz, sz);
	if (!p) {
		alloc_account_failure();
		return NULL;
	}
	memset(p, 0, sz);
	if (!meta_insert(p, sz)) {
		free(p);
		alloc_account_failure();
		return NULL;
	}
	alloc_account_alloc(sz);
	return p;
}

void iommu_free_pages(void *virt)
{
	struct table_meta *m;

	if (!virt)
		return;
	m = meta_find(virt);
	if (WARN_ON(!m))
		return;
	/* The kernel would leak the DMA mapping: free_incoherent was due. */
	if (WARN(m->incoherent, "iommu_free_pages: %p is still mapped for an incoherent walker", virt))
		alloc_account_dma_unmap();
	alloc_account_free(m->size);
	meta_remove(m);
	free(virt);
}

void iommu_pages_list_add(struct iommu_pages_list *list, void *virt)
{
	struct table_meta *m = meta_find(virt);

	if (!WARN_ON(!m))
		list_add_tail(&m->lru, &list->pages);
}

void iommu_put_pages_list(struct iommu_pages_list *list)
{
	struct table_meta *m, *n;

	list_for_each_entry_safe(m, n, &list->pages, lru) {
		list_del(&m->lru);
		/* A list has no device to unmap with: tearing it down ends the mapping. */
		if (m->incoherent) {
			m->incoherent = false;
			alloc_account_dma_unmap();
		}
		iommu_free_pages(m->virt);
	}
	INIT_LIST_HEAD(&list->pages);
}

int iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	struct table_meta *m = meta_find(virt);

	(void)dma_dev;
	if (WARN_ON(!m) || WARN_ON(m->incoherent))
		return -EINVAL;
	arch_clean_dcache_range(virt, m->size);
	m->incoherent = true;
	m->dma = virt_to_phys(virt);
	alloc_account_dma_map();
	return 0;
}

void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
				  size_t offset, size_t len)
{
	(void)dma_dev;
	arch_clean_dcache_range((char *)virt + offset, len);
	alloc_account_dma_sync();
}

void iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	struct table_meta *m = meta_find(virt);

	(void)dma_dev;
	if (m && !WARN(!m->incoherent, "iommu_pages_free_incoherent: %p was never started", virt)) {
		m->incoherent = false;
		alloc_account_dma_unmap();
	}
	iommu_free_pages(virt);
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	(void)dev;
	(void)dir;
	arch_clean_dcache_range(ptr, size);
	alloc_account_dma_map();
	return virt_to_phys(ptr);
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	(void)dev; (void)addr; (void)size; (void)dir;
	alloc_account_dma_unmap();
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR;
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	(void)dev;
	(void)dir;
	arch_clean_dcache_range(phys_to_virt(addr), size);
	alloc_account_dma_sync();
}
