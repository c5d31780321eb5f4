/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every src/arch/<arch>/cache.c shares (src/arch/cache-state.c): the
 * selected cache operation and this thread's counters. Only the cache.c
 * files include this; everyone else reads them through cache.h.
 */
#ifndef _ARCH_CACHE_STATE_H
#define _ARCH_CACHE_STATE_H

#include "cache.h"

extern __thread struct cache_stats arch_cache_thread_stats;

#endif
