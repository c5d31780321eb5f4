// SPDX-License-Identifier: GPL-2.0
/*
 * Cache maintenance for architectures the suite has no instructions for:
 * nothing is cleaned and nothing is counted, and the description says so,
 * so that no result pretends to have measured a cost it did not incur.
 */
#include <stdio.h>
#include "arch/cache.h"

static char desc[96];

void arch_cache_init(void)
{
	snprintf(desc, sizeof(desc), "not implemented on this architecture");
}

bool arch_cache_supported(void) { return false; }
const char *arch_cache_describe(void) { if (!desc[0]) arch_cache_init(); return desc; }
size_t arch_dcache_line_size(void) { return 64; }
void arch_clean_dcache_range(const void *addr, size_t len) { (void)addr; (void)len; }
