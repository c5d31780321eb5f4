// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 cache maintenance: write dirty lines back to memory, as a
 * non-coherent table walker needs, with the best instruction the CPU has.
 *
 * CACHE_OP_CLEAN uses CLWB (CPUID.(7,0):EBX[24]) which writes back and may
 * keep the line; without it CLFLUSHOPT (EBX[23]) or CLFLUSH (CPUID.1:EDX[19]),
 * which also invalidate, and the description says so. CACHE_OP_CLEAN_INVAL
 * uses CLFLUSHOPT, else CLFLUSH. Each call ends with one SFENCE, which
 * orders the weakly-ordered CLWB/CLFLUSHOPT before later stores (the
 * walker may be told about the table right after). The line size is
 * CPUID.1:EBX[15:8] * 8.
 *
 * IOPGT_CACHE_INSN=clwb|clflushopt|clflush in the environment, read by
 * arch_cache_init(), forces the clean instruction (to compare their costs);
 * an instruction the CPU lacks is refused and the description says so.
 * The instructions are emitted as inline asm, so a baseline -march build
 * runs everywhere and picks at run time.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cache-state.h"

enum x86_insn { INSN_NONE, INSN_CLFLUSH, INSN_CLFLUSHOPT, INSN_CLWB };

static const char *const insn_names[] = {
	[INSN_NONE] = "none", [INSN_CLFLUSH] = "clflush",
	[INSN_CLFLUSHOPT] = "clflushopt", [INSN_CLWB] = "clwb",
};

static struct {
	size_t line;			/* bytes, power of two */
	const char *line_src;
	bool has[INSN_CLWB + 1];
	enum x86_insn insn[2];		/* indexed by enum cache_op */
	char desc[2][128];
} cc;


static void probe_cpu(void)
{
	unsigned int a, b, c, d, sz;

	memset(cc.has, 0, sizeof(cc.has));
	cc.line = 64;
	cc.line_src = "default: cpuid reports none";
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		cc.has[INSN_CLFLUSH] = d & (1u << 19);
		sz = ((b >> 8) & 0xff) * 8;
		/* The field is only defined when CLFLUSH is. */
		if (cc.has[INSN_CLFLUSH] && sz >= 16 && !(sz & (sz - 1))) {
			cc.line = sz;
			cc.line_src = "cpuid";
		}
	}
	if (__get_cpuid_max(0, NULL) >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		cc.has[INSN_CLFLUSHOPT] = b & (1u << 23);
		cc.has[INSN_CLWB] = b & (1u << 24);
	}
}

static enum x86_insn best_of(const enum x86_insn *prefs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (cc.has[prefs[i]])
			return prefs[i];
	return INSN_NONE;
}

static void describe(enum cache_op op, const char *note)
{
	enum x86_insn i = cc.insn[op];

	if (i == INSN_NONE) {
		snprintf(cc.desc[op], sizeof(cc.desc[op]),
			 "no cache flush instruction (cpuid reports no clflush)");
		return;
	}
	snprintf(cc.desc[op], sizeof(cc.desc[op]), "%s + sfence%s, %zu-byte lines (%s)%s",
		 insn_names[i],
		 op == CACHE_OP_CLEAN && i != INSN_CLWB ? " (also invalidates: no clwb)" : "",
		 cc.line, cc.line_src, note);
}

void arch_cache_init(void)
{
	static const enum x86_insn clean_prefs[] = { INSN_CLWB, INSN_CLFLUSHOPT, INSN_CLFLUSH };
	static const enum x86_insn inval_prefs[] = { INSN_CLFLUSHOPT, INSN_CLFLUSH };
	const char *force = getenv("IOPGT_CACHE_INSN");
	char note[64] = "";
	int i;

	probe_cpu();
	cc.insn[CACHE_OP_CLEAN] = best_of(clean_prefs, 3);
	cc.insn[CACHE_OP_CLEAN_INVAL] = best_of(inval_prefs, 2);
	if (force && *force) {
		for (i = INSN_CLFLUSH; i <= INSN_CLWB; i++)
			if (!strcmp(force, insn_names[i]))
				break;
		if (i <= INSN_CLWB && cc.has[i])
			cc.insn[CACHE_OP_CLEAN] = i;
		else
			snprintf(note, sizeof(note), " [IOPGT_CACHE_INSN=%.20s unsupported here]",
				 force);
	}
	describe(CACHE_OP_CLEAN, note);
	describe(CACHE_OP_CLEAN_INVAL, "");
}

/* Before any benchmark or test asks: the line size must never change under them. */
__attribute__((constructor)) static void cache_ctor(void)
{
	arch_cache_init();
}

bool arch_cache_supported(void)
{
	return cc.insn[CACHE_OP_CLEAN] != INSN_NONE;
}

const char *arch_cache_describe(void)
{
	return cc.desc[arch_cache_get_op()];
}

size_t arch_dcache_line_size(void)
{
	return cc.line;
}

/*
 * One loop per instruction keeps the dispatch out of the per-line path.
 * The "+m" operand tells the compiler the line is read and written, so
 * stores to it are not moved across the flush.
 */
static void clwb_lines(uintptr_t p, uintptr_t end, size_t line)
{
	for (; p < end; p += line)
		__asm__ __volatile__("clwb %0" : "+m" (*(volatile char *)p));
}

static void clflushopt_lines(uintptr_t p, uintptr_t end, size_t line)
{
	for (; p < end; p += line)
		__asm__ __volatile__("clflushopt %0" : "+m" (*(volatile char *)p));
}

static void clflush_lines(uintptr_t p, uintptr_t end, size_t line)
{
	for (; p < end; p += line)
		__asm__ __volatile__("clflush %0" : "+m" (*(volatile char *)p));
}

void arch_clean_dcache_range(const void *addr, size_t len)
{
	size_t line = cc.line ? cc.line : (arch_cache_init(), cc.line);
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(line - 1);
	uintptr_t end = ((uintptr_t)addr + len + line - 1) & ~(uintptr_t)(line - 1);

	arch_cache_thread_stats.calls++;
	/* An empty range touches no line and needs no ordering. */
	if (!len)
		return;
	switch (cc.insn[arch_cache_get_op()]) {
	case INSN_CLWB:
		clwb_lines(start, end, line);
		break;
	case INSN_CLFLUSHOPT:
		clflushopt_lines(start, end, line);
		break;
	case INSN_CLFLUSH:
		clflush_lines(start, end, line);
		break;
	case INSN_NONE:
		return;
	}
	__asm__ __volatile__("sfence" ::: "memory");
	arch_cache_thread_stats.lines += (end - start) / line;
	arch_cache_thread_stats.barriers++;
}
