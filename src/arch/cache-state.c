// SPDX-License-Identifier: GPL-2.0
/*
 * The selected cache operation (process-wide) and the per-thread counters,
 * kept once for every architecture's cache.c. An architecture without cache
 * maintenance never counts anything, so its counters stay zero.
 */
#include "cache-state.h"

static enum cache_op cur_op;
__thread struct cache_stats arch_cache_thread_stats;

void arch_cache_set_op(enum cache_op op)
{
	__atomic_store_n(&cur_op, op, __ATOMIC_RELAXED);
}

enum cache_op arch_cache_get_op(void)
{
	return __atomic_load_n(&cur_op, __ATOMIC_RELAXED);
}

void arch_cache_stats(struct cache_stats *out)
{
	*out = arch_cache_thread_stats;
}

void arch_cache_stats_reset(void)
{
	arch_cache_thread_stats = (struct cache_stats){ 0 };
}
