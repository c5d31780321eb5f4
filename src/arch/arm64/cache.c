// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 cache maintenance: clean table lines to the point of coherency, as
 * the kernel's dcache_clean_poc() does before a non-coherent walker reads
 * them: DC CVAC on every line of the range, then one DSB SY so that the
 * cleans have completed before the caller tells the walker (or the TLB)
 * anything. CACHE_OP_CLEAN_INVAL uses DC CIVAC instead.
 *
 * The line size is the smallest data-cache line in the system,
 * 4 << CTR_EL0.DminLine bytes. Linux lets EL0 read CTR_EL0 and execute
 * DC CVAC/CIVAC (SCTLR_EL1.UCT/UCI), trapping and emulating where an
 * erratum requires. Under qemu-user the instructions execute as no-ops,
 * so counts stay exact while their timing means nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include "arch/cache-state.h"

static struct {
	size_t line;
	char desc[2][96];
} cc;


static uint64_t read_ctr_el0(void)
{
	uint64_t ctr;

	__asm__ __volatile__("mrs %0, ctr_el0" : "=r" (ctr));
	return ctr;
}

void arch_cache_init(void)
{
	cc.line = 4UL << ((read_ctr_el0() >> 16) & 0xf);
	snprintf(cc.desc[CACHE_OP_CLEAN], sizeof(cc.desc[0]),
		 "dc cvac + dsb sy, %zu-byte lines (CTR_EL0.DminLine)", cc.line);
	snprintf(cc.desc[CACHE_OP_CLEAN_INVAL], sizeof(cc.desc[0]),
		 "dc civac + dsb sy, %zu-byte lines (CTR_EL0.DminLine)", cc.line);
}

/* Before any benchmark or test asks: the line size must never change under them. */
__attribute__((constructor)) static void cache_ctor(void)
{
	arch_cache_init();
}

bool arch_cache_supported(void)
{
	return true;
}

const char *arch_cache_describe(void)
{
	return cc.desc[arch_cache_get_op()];
}

size_t arch_dcache_line_size(void)
{
	return cc.line;
}

static void cvac_lines(uintptr_t p, uintptr_t end, size_t line)
{
	for (; p < end; p += line)
		__asm__ __volatile__("dc cvac, %0" : : "r" (p) : "memory");
}

static void civac_lines(uintptr_t p, uintptr_t end, size_t line)
{
	for (; p < end; p += line)
		__asm__ __volatile__("dc civac, %0" : : "r" (p) : "memory");
}

void arch_clean_dcache_range(const void *addr, size_t len)
{
	size_t line = cc.line ? cc.line : (arch_cache_init(), cc.line);
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(line - 1);
	uintptr_t end = ((uintptr_t)addr + len + line - 1) & ~(uintptr_t)(line - 1);

	arch_cache_thread_stats.calls++;
	/* An empty range touches no line and needs no completion. */
	if (!len)
		return;
	if (arch_cache_get_op() == CACHE_OP_CLEAN_INVAL)
		civac_lines(start, end, line);
	else
		cvac_lines(start, end, line);
	__asm__ __volatile__("dsb sy" ::: "memory");
	arch_cache_thread_stats.lines += (end - start) / line;
	arch_cache_thread_stats.barriers++;
}
