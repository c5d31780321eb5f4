// SPDX-License-Identifier: GPL-2.0
/*
 * How the core treats its memory: the per-thread counters, held bytes,
 * cache cleans for non-coherent walkers (one per PTE run), the driver
 * allocator path (cfg->alloc/cfg->free), and concurrent maps racing to
 * install the same tables.
 */
#include <pthread.h>
#include <string.h>
#include "arch/cache.h"
#include "pgtable/pgtable-stats.h"
#include "iommu-pages.h"
#include "common.h"

#define RW	(IOMMU_READ | IOMMU_WRITE)

static void counters(bool noncoherent)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K,
			    .noncoherent = noncoherent };
	struct pgtable_stats st;
	struct pt_domain pd;
	struct pt_sum s;

	if (!pgtable_stats_get)
		SKIP("core has no pgtable-stats (kernel tree)");
	REQUIRE(pt_domain_init(&pd, &c) == 0);
	pgtable_stats_reset();
	/* 16 pages in a fresh corner: three new tables below the pgd. */
	REQUIRE(pt_map(&pd, 7ULL * SZ_1G, 0, SZ_4K, 16, RW, NULL) == 0);
	pgtable_stats_get(&st);
	CHECK_EQ(st.tables_allocated, 3);
	CHECK_EQ(st.table_bytes, 3 * SZ_4K);
	CHECK_EQ(st.pte_writes, 3 + 16);
	CHECK_EQ(st.pte_syncs, noncoherent ? 3 + 1 : 0);
	pt_sum_of(&pd, &s);
	CHECK_EQ(pgtable_held_bytes(pt_ops(&pd)), s.table_bytes);

	/* 16 more in the same table: no tables, one clean for the run. */
	pgtable_stats_reset();
	REQUIRE(pt_map(&pd, 7ULL * SZ_1G + 16 * SZ_4K, 0, SZ_4K, 16, RW, NULL) == 0);
	pgtable_stats_get(&st);
	CHECK_EQ(st.tables_allocated, 0);
	CHECK_EQ(st.pte_writes, 16);
	CHECK_EQ(st.pte_syncs, noncoherent ? 1 : 0);

	pgtable_stats_reset();
	CHECK_EQ_HEX(pt_unmap(&pd, 7ULL * SZ_1G, SZ_4K, 32), 32 * SZ_4K);
	pgtable_stats_get(&st);
	CHECK_EQ(st.pte_writes, 32);
	CHECK_EQ(st.pte_syncs, noncoherent ? 1 : 0);
	CHECK_EQ(st.tables_freed, 0);

	/* A 1G unmap over the (empty) table takes the last-level and level-2 tables. */
	REQUIRE(pt_map(&pd, 7ULL * SZ_1G, 0, SZ_4K, 1, RW, NULL) == 0);
	pgtable_stats_reset();
	CHECK_EQ_HEX(pt_unmap(&pd, 7ULL * SZ_1G, SZ_1G, 1), SZ_1G);
	pgtable_stats_get(&st);
	CHECK_EQ(st.tables_freed, 2);
	CHECK_EQ(st.table_bytes, -2 * SZ_4K);
	CHECK_EQ(pd.tlb->cnt.flush_walk, 1);
	pt_sum_of(&pd, &s);
	CHECK_EQ(pgtable_held_bytes(pt_ops(&pd)), s.table_bytes);
	pt_domain_release(&pd);
}

TEST(pgtable_counters_coherent)
{
	counters(false);
}

TEST(pgtable_counters_noncoherent)
{
	counters(true);
}

/* The walker can't snoop: something must actually be cleaned, and only then. */
TEST(pgtable_noncoherent_cleans_caches)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S2, .granule = SZ_4K };
	struct cache_stats cs;
	struct pt_domain pd;
	int nc;

	if (!arch_cache_supported())
		SKIP("no cache maintenance on this architecture");
	if (pt_noncoherent_why())
		SKIP(pt_noncoherent_why());
	for (nc = 0; nc < 2; nc++) {
		c.noncoherent = nc;
		REQUIRE(pt_domain_init(&pd, &c) == 0);
		arch_cache_stats_reset();
		REQUIRE(pt_map(&pd, SZ_1G, 0, SZ_4K, 64, RW, NULL) == 0);
		arch_cache_stats(&cs);
		if (nc) {
			/* New tables (2 x 4K) cleaned whole, then 3 table PTEs and one 512-byte run. */
			CHECK(cs.lines >= 2 * SZ_4K / arch_dcache_line_size() + 3 +
				       512 / arch_dcache_line_size());
			CHECK(cs.barriers >= 1);
		} else {
			CHECK_EQ(cs.lines, 0);
		}
		pt_domain_release(&pd);
	}
}

/* A driver allocator: table memory comes from the backend, through cfg->alloc. */
struct drv_alloc {
	int allocs, frees, outstanding;
	size_t sizes[8];
	bool bad_cookie;
};

static void *drv_alloc_fn(void *cookie, size_t size, gfp_t gfp)
{
	struct drv_alloc *a = cookie;
	void *p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, gfp, size);

	if (!p)
		return NULL;
	if (a->allocs < 8)
		a->sizes[a->allocs] = size;
	a->allocs++;
	a->outstanding++;
	return p;
}

static void drv_free_fn(void *cookie, void *pages, size_t size)
{
	struct drv_alloc *a = cookie;

	a->frees++;
	a->outstanding--;
	iommu_free_pages(pages);
}

TEST(pgtable_cfg_alloc_path)
{
	u64 base = backend_bytes_held();
	int nc;

	if (!pgtable_core_has(CORE_F_CFG_ALLOC))
		SKIP("this kernel tree ignores cfg->alloc/cfg->free (6.1): tables come from the page allocator");
	for (nc = 0; nc < 2; nc++) {
		struct drv_alloc a = { 0 };
		struct io_pgtable_cfg cfg = {
			.pgsize_bitmap = SZ_16K | SZ_32M, .ias = 40, .oas = 48,
			.coherent_walk = !nc, .alloc = drv_alloc_fn, .free = drv_free_fn,
		};
		struct io_pgtable_ops *ops;
		size_t mapped = 0;

		/*
		 * A hypervisor has no DMA API to map a non-coherent walker's
		 * tables: the core must refuse cleanly and give the memory back.
		 */
		if (nc && !strcmp(backend_name(), "hyp")) {
			expect_warnings();
			shim_printk_quiet(true);
			CHECK(!alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, &a));
			CHECK_EQ(a.allocs, 1);
			CHECK_EQ(a.outstanding, 0);
			continue;
		}
		ops = alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, &a);
		REQUIRE(ops);
		CHECK_EQ(a.allocs, 1);
		/*
		 * 16K S2, 40-bit input, 48-bit output: a level-1 start with 16
		 * entries = 128 bytes (with a 40-bit output, concatenation at
		 * level 2 would be mandatory: tests/pgtable/format.c).
		 */
		CHECK_EQ(a.sizes[0], 128);
		CHECK_EQ(ops->map_pages(ops, SZ_32M * 3, 0, SZ_16K, 4, RW, GFP_KERNEL, &mapped), 0);
		CHECK_EQ(mapped, 4 * SZ_16K);
		CHECK_EQ(a.allocs, 3);
		CHECK_EQ(a.sizes[1], SZ_16K);
		CHECK_EQ(a.sizes[2], SZ_16K);
		CHECK_EQ_HEX(ops->iova_to_phys(ops, SZ_32M * 3 + 5), 5);
		free_io_pgtable_ops(ops);
		CHECK_EQ(a.frees, 3);
		CHECK_EQ(a.outstanding, 0);
	}
	/* alloc without free (or the reverse) is refused. */
	{
		struct drv_alloc a = { 0 };
		struct io_pgtable_cfg cfg = {
			.pgsize_bitmap = SZ_4K, .ias = 40, .oas = 40, .coherent_walk = true,
			.alloc = drv_alloc_fn,
		};

		CHECK(!alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &a));
		cfg.alloc = NULL;
		cfg.free = drv_free_fn;
		CHECK(!alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &a));
		CHECK_EQ(a.allocs, 0);
	}
	CHECK_EQ(backend_bytes_held(), base);
}

/* Threads racing to install the same tables: every map lands, no table leaks. */
struct racer {
	struct pt_domain *pd;
	int id, nthreads;
	u64 base;
	int failures;
};

static void *race_fn(void *arg)
{
	struct racer *r = arg;
	int i;

	/* Interleaved pages: every thread needs every table at once. */
	for (i = r->id; i < 4096; i += r->nthreads)
		if (pt_map(r->pd, r->base + (u64)i * SZ_4K, (u64)i * SZ_4K, SZ_4K, 1,
			   RW, NULL))
			r->failures++;
	return NULL;
}

TEST(pgtable_concurrent_table_install)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K };
	u64 base = backend_bytes_held();
	struct racer r[4];
	pthread_t th[4];
	int round, i, nc;

	for (nc = 0; nc < 2; nc++) {
		if (nc && pt_noncoherent_why())
			SKIP(pt_noncoherent_why());	/* the coherent half ran */
		c.noncoherent = nc;
		for (round = 0; round < 8; round++) {
			struct pt_domain pd;
			struct pt_sum s;
			u64 at = (u64)(round + 1) << 39;

			REQUIRE(pt_domain_init(&pd, &c) == 0);
			for (i = 0; i < 4; i++) {
				r[i] = (struct racer){ &pd, i, 4, at, 0 };
				REQUIRE(pthread_create(&th[i], NULL, race_fn, &r[i]) == 0);
			}
			for (i = 0; i < 4; i++) {
				pthread_join(th[i], NULL);
				CHECK_EQ(r[i].failures, 0);
			}
			pt_sum_of(&pd, &s);
			CHECK_EQ(s.leaves, 4096);
			/* pgd + L1 + L2 + 8 last-level tables, no duplicates. */
			CHECK_EQ(s.tables, 1 + 1 + 1 + 8);
			CHECK_EQ(s.bad, 0);
			for (i = 0; i < 4096; i += 97)
				CHECK_EQ_HEX(pt_phys(&pd, at + (u64)i * SZ_4K + 1), (u64)i * SZ_4K + 1);
			if (pgtable_held_bytes)
				CHECK_EQ(pgtable_held_bytes(pt_ops(&pd)), s.table_bytes);
			pt_domain_release(&pd);
		}
	}
	CHECK_EQ(backend_bytes_held(), base);
}
