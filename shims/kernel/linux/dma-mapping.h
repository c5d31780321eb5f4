/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: the declarations of include/linux/dma-mapping.h
 * that io-pgtable-arm calls (enum values as in include/linux/dma-direction.h),
 * implemented by the allocator backend, not a DMA layer: the hyp backend
 * refuses them (WARN, DMA_MAPPING_ERROR: no DMA API in a hypervisor), and
 * every call is counted on the way (noncoherent.h, ld --wrap).
 *
 * <linux/dma-mapping.h>: the streaming DMA calls io-pgtable-arm makes for
 * non-coherent walkers. They are implemented by the linked allocator
 * backend (it knows its phys/virt mapping) and route their cache
 * maintenance to src/arch.
 */
#ifndef _SHIM_LINUX_DMA_MAPPING_H
#define _SHIM_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/types.h>

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
int dma_mapping_error(struct device *dev, dma_addr_t addr);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir);

#endif
