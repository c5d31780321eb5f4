/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters of the suite's own page-table core (src/pgtable).
 *
 * Per-thread, cheap (plain increments, no atomics on the PTE path): PTE
 * writes, PTE-run cleans for non-coherent walkers, tables allocated and
 * freed, and table bytes allocated minus freed by this thread.
 * pgtable_held_bytes() is exact per page table (atomic, updated only when a
 * table is allocated or freed).
 *
 * A kernel tree's io-pgtable-arm.c has none of this: the functions are weak
 * so that benchmarks can test `if (pgtable_stats_get)` and report "n/a"
 * when built with KSRC=.
 */
#ifndef _PGTABLE_STATS_H
#define _PGTABLE_STATS_H

#include <linux/io-pgtable.h>
#include <linux/types.h>

struct pgtable_stats {
	u64 pte_writes;		/* descriptors written: leaves, tables, clears */
	u64 pte_syncs;		/* cleans of a run of PTEs (non-coherent walker) */
	u64 tables_allocated;	/* including the pgd */
	u64 tables_freed;
	s64 table_bytes;	/* bytes allocated minus bytes freed, this thread */
};

/* This thread's counters since its last reset. */
void pgtable_stats_get(struct pgtable_stats *out) __attribute__((weak));
void pgtable_stats_reset(void) __attribute__((weak));
/* Bytes of tables @ops holds right now (pgd included), as requested from the allocator. */
size_t pgtable_held_bytes(struct io_pgtable_ops *ops) __attribute__((weak));

#endif
