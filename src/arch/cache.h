/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data-cache maintenance to the point of coherency, for real.
 *
 * One implementation per architecture (src/arch/<arch>/cache.c, or
 * src/arch/generic/cache.c where none exists), chosen by linking. Every
 * clean counts the lines it touched and the barriers it issued in
 * per-thread counters; where the architecture has no implementation,
 * arch_cache_supported() is false, cleans count nothing, and
 * arch_cache_describe() says so.
 */
#ifndef _ARCH_CACHE_H
#define _ARCH_CACHE_H

#include <linux/types.h>

enum cache_op {
	CACHE_OP_CLEAN,			/* DC CVAC / CLWB */
	CACHE_OP_CLEAN_INVAL,		/* DC CIVAC / CLFLUSHOPT */
};

struct cache_stats {
	u64 calls;		/* arch_clean_dcache_range() calls */
	u64 lines;		/* cache lines cleaned */
	u64 barriers;		/* completion barriers issued */
};

void arch_cache_init(void);
bool arch_cache_supported(void);
/* e.g. "dc cvac + dsb sy, 64-byte lines (CTR_EL0)" or "not implemented on riscv64" */
const char *arch_cache_describe(void);
size_t arch_dcache_line_size(void);
void arch_cache_set_op(enum cache_op op);
enum cache_op arch_cache_get_op(void);

/* Clean every line overlapping [addr, addr + len), then one barrier. */
void arch_clean_dcache_range(const void *addr, size_t len);

/* This thread's counters. */
void arch_cache_stats(struct cache_stats *out);
void arch_cache_stats_reset(void);

#endif
