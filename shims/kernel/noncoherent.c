// SPDX-License-Identifier: GPL-2.0
/*
 * The counting wrappers behind <noncoherent.h>. The Makefile links every
 * binary with -Wl,--wrap=<call> for each call below, so that a reference
 * to dma_map_single() anywhere (the suite's core, a kernel tree's) lands
 * in __wrap_dma_map_single(), which counts and calls the backend's
 * definition, __real_dma_map_single(). Nothing here changes behaviour.
 */
#include <linux/dma-mapping.h>
#include <noncoherent.h>
#include "iommu-pages.h"

static struct noncoherent_counts counts;

#define count(field)	__atomic_add_fetch(&counts.field, 1, __ATOMIC_RELAXED)

dma_addr_t __real_dma_map_single(struct device *dev, void *ptr, size_t size,
				 enum dma_data_direction dir);
void __real_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void __real_dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				       size_t size, enum dma_data_direction dir);
int __real_iommu_pages_start_incoherent(void *virt, struct device *dma_dev);
void __real_iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
					 size_t offset, size_t len);
void __real_iommu_pages_free_incoherent(void *virt, struct device *dma_dev);

dma_addr_t __wrap_dma_map_single(struct device *dev, void *ptr, size_t size,
				 enum dma_data_direction dir)
{
	count(dma_maps);
	return __real_dma_map_single(dev, ptr, size, dir);
}

void __wrap_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	count(dma_unmaps);
	__real_dma_unmap_single(dev, addr, size, dir);
}

void __wrap_dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				       size_t size, enum dma_data_direction dir)
{
	count(dma_syncs);
	__real_dma_sync_single_for_device(dev, addr, size, dir);
}

int __wrap_iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	count(incoherent_starts);
	return __real_iommu_pages_start_incoherent(virt, dma_dev);
}

void __wrap_iommu_pages_flush_incoherent(struct device *dma_dev, void *virt,
					 size_t offset, size_t len)
{
	count(incoherent_flushes);
	__real_iommu_pages_flush_incoherent(dma_dev, virt, offset, len);
}

void __wrap_iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	count(incoherent_frees);
	__real_iommu_pages_free_incoherent(virt, dma_dev);
}

static u64 load(const u64 *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

void noncoherent_counts_get(struct noncoherent_counts *out)
{
	out->dma_maps = load(&counts.dma_maps);
	out->dma_unmaps = load(&counts.dma_unmaps);
	out->dma_syncs = load(&counts.dma_syncs);
	out->incoherent_starts = load(&counts.incoherent_starts);
	out->incoherent_flushes = load(&counts.incoherent_flushes);
	out->incoherent_frees = load(&counts.incoherent_frees);
}

void noncoherent_counts_since(const struct noncoherent_counts *before,
			      struct noncoherent_counts *d)
{
	struct noncoherent_counts now;

	noncoherent_counts_get(&now);
	d->dma_maps = now.dma_maps - before->dma_maps;
	d->dma_unmaps = now.dma_unmaps - before->dma_unmaps;
	d->dma_syncs = now.dma_syncs - before->dma_syncs;
	d->incoherent_starts = now.incoherent_starts - before->incoherent_starts;
	d->incoherent_flushes = now.incoherent_flushes - before->incoherent_flushes;
	d->incoherent_frees = now.incoherent_frees - before->incoherent_frees;
}
