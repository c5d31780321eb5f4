/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extras of the drvcache backend (src/alloc/drvcache.c) for its tests and
 * benchmarks: explicit reservation per size class and the pool's state.
 * Only test-drvcache and bench-drvcache link them.
 */
#ifndef _ALLOC_DRVCACHE_H
#define _ALLOC_DRVCACHE_H

#include <linux/types.h>

#define DRVCACHE_MIN_SHIFT	6				/* 64-byte tables */
#define DRVCACHE_NR_CLASSES	17				/* 64 B .. 4 MiB */
#define DRVCACHE_DOMAIN_RESERVE	64	/* granule tables reserved per domain set up */

struct drvcache_stats {
	u64 reserved_bytes;			/* taken from the arena into the pool */
	u64 free[DRVCACHE_NR_CLASSES];		/* tables waiting in the pool, per class */
	u64 total[DRVCACHE_NR_CLASSES];		/* tables of the class, free or handed out */
	u64 misses;				/* cfg->alloc calls that found their class empty */
	u64 page_allocs;			/* iommu-pages allocations (not from the pool) */
};

/* Top the class holding @size up to @n free tables: 0 or -ENOMEM/-EINVAL. */
int drvcache_reserve(size_t size, size_t n);
/* Free tables of @size's class in the pool now. */
size_t drvcache_pool_free(size_t size);
void drvcache_get_stats(struct drvcache_stats *out);

#endif
