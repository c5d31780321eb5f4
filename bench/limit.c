// SPDX-License-Identifier: GPL-2.0
/*
 * limit/...: what a 512-page map would cost if writing the PTEs were all
 * there is to it, to hold the page-table cores' per-PTE cost against.
 * One iteration writes 512 stage-1 4K page descriptors (the bytes a map
 * of 512 pages writes into one last-level table: attributes | address,
 * the address growing by 4K) into a 4 KiB table:
 *
 *   limit/s1-4k/op:store/count:512/tables:N        a plain store loop
 *   limit/s1-4k/op:check-store/count:512/tables:N  each slot read and tested
 *                                                  first, as a map must (-EEXIST)
 *
 * tables:1 writes the same table every time (it stays in L1: the stores
 * alone); tables:1024 walks a ring of 1024 tables (4 MiB) in order, as the
 * map row's sequential round walks a fresh table per call, so that the
 * same cache misses are in both.
 *
 * Set beside map/<core>/s1-4k/pgsize:4k/count:512/pattern:seq/tables:warm/
 * walk:coherent (ns per call / 512 = ns per PTE). A compiler barrier after
 * each table keeps the stores from being dropped or merged across
 * iterations; within one table the compiler may vectorise as it would any
 * store loop. No page-table core, allocator or IOMMU core is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include "lib/bench.h"

#define LIMIT_PTES	512
/* nG | AF | SH outer | AP[1] | page: the own core's S1 bits for IOMMU_READ | IOMMU_WRITE. */
#define LIMIT_ATTRS	0xe43ULL

#define LIMIT_RING	1024

struct limit_case {
	bool check;
	unsigned int tables;
};

static void store_run(u64 *t, u64 desc)
{
	unsigned int i;

	for (i = 0; i < LIMIT_PTES; i++, desc += SZ_4K)
		t[i] = desc;
}

/*
 * A map reads every slot before it writes the run (a live leaf is
 * -EEXIST). Here the slot must not already hold what is about to go in:
 * the same load, compare and branch per PTE, and the caller alternates
 * between two output ranges so that it never does.
 */
static bool check_store_run(u64 *t, u64 desc)
{
	unsigned int i;
	u64 d = desc;

	for (i = 0; i < LIMIT_PTES; i++, d += SZ_4K)
		if (t[i] == d)
			return false;
	for (i = 0; i < LIMIT_PTES; i++, desc += SZ_4K)
		t[i] = desc;
	return true;
}

static void bm_limit(struct gb_state *st, void *arg)
{
	const struct limit_case *lc = arg;
	u64 base[2] = { LIMIT_ATTRS | 0x40000000ULL, LIMIT_ATTRS | 0x80000000ULL };
	size_t bytes = (size_t)lc->tables * SZ_4K;
	u64 *ring, *t = NULL, desc = base[0];
	u64 i, n;

	ring = aligned_alloc(SZ_4K, bytes);
	if (!ring) {
		gb_skip_with_error(st, "out of memory for the tables");
		return;
	}
	memset(ring, 0, bytes);
	n = gb_loop_begin(st);
	for (i = 0; i < n; i++) {
		/* Both ranges alternate per pass over the ring. */
		t = ring + (i % lc->tables) * LIMIT_PTES;
		desc = base[(i / lc->tables) & 1];
		if (!lc->check)
			store_run(t, desc);
		else if (!check_store_run(t, desc))
			break;
		gb_do_not_optimize(t);
		gb_clobber_memory();
	}
	gb_loop_end(st);
	if (i != n)
		gb_skip_with_error(st, "a slot already held its new descriptor");
	/* The last table written must hold what was stored. */
	else if (n && (t[0] != desc || t[LIMIT_PTES - 1] != desc + (LIMIT_PTES - 1) * SZ_4K))
		gb_skip_with_error(st, "the stores did not reach the table");
	free(ring);
	if (gb_error_occurred(st))
		return;
	gb_set_items_processed(st, n * LIMIT_PTES);
	gb_counter_set(st, "pte_writes", LIMIT_PTES, GB_CNT_DEFAULT);
}

static void limit_register(void)
{
	static const struct limit_case cases[] = {
		{ false, 1 }, { false, LIMIT_RING }, { true, 1 }, { true, LIMIT_RING },
	};
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "limit/s1-4k/op:%s/count:%d/tables:%u",
			 cases[i].check ? "check-store" : "store", LIMIT_PTES,
			 cases[i].tables);
		gb_register(name, bm_limit, (void *)&cases[i]);
	}
}
BENCH_SUITE(limit_register)
