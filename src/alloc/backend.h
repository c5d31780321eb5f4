/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocator backend control interface.
 *
 * A backend is one .c file in src/alloc/ that provides the memory services
 * kernel page-table code expects — the iommu-pages API ("iommu-pages.h"),
 * virt_to_phys/phys_to_virt (<asm/io.h>) and the streaming DMA calls
 * (<linux/dma-mapping.h>) — plus the control calls below, which the
 * benchmarks and tests use. Exactly one backend is linked into a binary.
 *
 * Every backend is thread-safe, keeps struct alloc_stats through
 * src/alloc/common.c, honours fault injection, and reports exhaustion as a
 * NULL allocation (which the page-table core turns into -ENOMEM).
 */
#ifndef _ALLOC_BACKEND_H
#define _ALLOC_BACKEND_H

#include <linux/io-pgtable.h>
#include <linux/types.h>

struct alloc_stats {
	u64 pages_held;		/* PAGE_SIZE units currently allocated */
	u64 bytes_held;		/* bytes currently allocated (after rounding) */
	u64 peak_bytes;		/* high-water mark of bytes_held */
	u64 allocs;		/* successful allocations */
	u64 frees;
	u64 failures;		/* failed allocations, injected or real */
	u64 injected;		/* of which injected */
	/*
	 * Tables made visible to a non-coherent walker: started with
	 * iommu_pages_start_incoherent() or dma_map_single(), stopped by
	 * free_incoherent/dma_unmap_single, and the range cleans in between
	 * (iommu_pages_flush_incoherent, dma_sync_single_for_device).
	 */
	u64 maps;
	u64 unmaps;
	u64 mapped;		/* currently mapped (a holding, not reset) */
	u64 syncs;
};

/* Name ("buddy", "drvcache", "hyp", "libc") and a one-line description. */
const char *backend_name(void);
const char *backend_describe(void);

/*
 * False where the streaming DMA API does not exist (a hypervisor build):
 * there dma_map_single() & co. WARN and fail, so a test that drives the
 * core's cfg->alloc path with a non-coherent walker must skip.
 */
bool backend_has_dma_api(void);

/* Set up the backend's memory (arena, pool, carve-out). Idempotent. */
int backend_init(void);

/*
 * Make @cfg use this backend: a driver-style backend installs cfg->alloc /
 * cfg->free (they receive the domain as cookie, as a driver's would); the
 * others leave them NULL so that the core uses iommu-pages.
 */
void backend_setup_cfg(struct io_pgtable_cfg *cfg);

/*
 * Ready the backend for about @tables further table allocations outside the
 * timed region (a driver's pool refill); a no-op for backends without one.
 */
int backend_prepare(size_t tables);

/* Snapshot of the statistics; reset zeroes the cumulative ones, not holdings. */
void backend_stats(struct alloc_stats *out);
void backend_stats_reset(void);

/*
 * Fault injection: fail the @nth allocation from now (1 = the next one), or
 * every @every-th allocation; 0 disables. Cleared by backend_fault_clear().
 */
void backend_fail_nth(u64 nth);
void backend_fail_every(u64 every);
void backend_fault_clear(void);

#endif
