/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: not a kernel header at all; the suite's counters
 * of the calls that make tables visible to a non-coherent walker.
 *
 * How a core made its tables visible to a non-coherent walker, counted at
 * the calls themselves: the DMA API (dma_map_single, dma_unmap_single,
 * dma_sync_single_for_device: io-pgtable-arm up to 7.0) or the incoherent
 * iommu-pages calls (iommu_pages_start/flush/free_incoherent: the
 * iommu-pages rework). Every call from any object of the binary passes
 * through a counting wrapper (the Makefile links with ld's --wrap), then
 * reaches the backend's implementation unchanged. Counters are
 * process-wide, exact, and cheap enough to stay on in benchmarks.
 */
#ifndef _SHIM_NONCOHERENT_H
#define _SHIM_NONCOHERENT_H

#include <linux/types.h>

struct noncoherent_counts {
	u64 dma_maps;
	u64 dma_unmaps;
	u64 dma_syncs;
	u64 incoherent_starts;
	u64 incoherent_flushes;
	u64 incoherent_frees;
};

void noncoherent_counts_get(struct noncoherent_counts *out);
/* *d = now - *before, counter by counter. */
void noncoherent_counts_since(const struct noncoherent_counts *before,
			      struct noncoherent_counts *d);

#endif
