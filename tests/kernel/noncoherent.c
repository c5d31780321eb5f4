// SPDX-License-Identifier: GPL-2.0
/*
 * Which calls a core makes for a non-coherent walker, counted at the calls
 * (shims/kernel/noncoherent.c), against what its source says
 * (scripts/kernel-version.sh: KCORE_NONCOHERENT_TABLES and _PTE_SYNC):
 *
 *   tables     dma-api: dma_map_single/dma_unmap_single per table (up to
 *              7.0); iommu-pages-incoherent: iommu_pages_start/
 *              free_incoherent per table (the rework, the own core);
 *              through a driver's cfg->alloc, always the DMA API.
 *   PTE syncs  dma-sync: dma_sync_single_for_device (every kernel tree,
 *              the posted rework included); iommu-pages-flush: the own core.
 *
 * On the hyp backend (pKVM: no DMA API) the same test states what the
 * backend can serve: tables through iommu-pages, never a DMA API call. A
 * core that still makes DMA API calls there is counted and its WARNs
 * expected: the test passes by saying exactly what a hypervisor build
 * would have to provide, and fails if the counts disagree with the source.
 */
#include <stdio.h>
#include <string.h>
#include <alloc/backend.h>
#include <kcore.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <noncoherent.h>
#include "harness.h"
#include "lib/pt.h"

/* Three pages in three 1G regions: a pgd and two tables each. */
#define NC_PAGES	3

struct nc_run {
	struct noncoherent_counts d;
	u64 tables;
	int init_ret;
	bool all_mapped;
};

static void run_noncoherent(struct nc_run *r)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K, .noncoherent = true };
	struct noncoherent_counts before;
	struct alloc_stats a0, a1;
	struct pt_domain pd;
	int i;

	memset(r, 0, sizeof(*r));
	backend_stats(&a0);
	noncoherent_counts_get(&before);
	r->init_ret = pt_domain_init(&pd, &c);
	if (!r->init_ret) {
		r->all_mapped = true;
		for (i = 0; i < NC_PAGES; i++)
			r->all_mapped &= !iommu_map(&pd.dom, (u64)i * SZ_1G, SZ_2M, SZ_4K,
						    IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		for (i = 0; i < NC_PAGES; i++)
			iommu_unmap(&pd.dom, (u64)i * SZ_1G, SZ_4K);
		pt_domain_release(&pd);
	}
	noncoherent_counts_since(&before, &r->d);
	backend_stats(&a1);
	r->tables = a1.allocs - a0.allocs;
}

static bool uses_cfg_alloc(void)
{
	struct io_pgtable_cfg probe = { 0 };

	backend_setup_cfg(&probe);
	return probe.alloc && pgtable_core_has(CORE_F_CFG_ALLOC);
}

TEST(kernel_noncoherent_calls_match_the_source)
{
	const char *tables = uses_cfg_alloc() ? "dma-api" : pgtable_core_noncoherent_tables();
	const char *ptes = uses_cfg_alloc() ? "dma-sync" : pgtable_core_noncoherent_pte_sync();
	bool dma_tables = !strcmp(tables, "dma-api");
	bool dma_ptes = !strcmp(ptes, "dma-sync");
	struct nc_run r;

	REQUIRE(backend_init() == 0);
	REQUIRE(backend_prepare(64) == 0);
	if (!backend_has_dma_api() && (dma_tables || dma_ptes))
		expect_warnings();	/* hyp WARNs at each DMA API call: counted below */
	shim_printk_quiet(true);
	run_noncoherent(&r);
	shim_printk_quiet(false);

	printf("# %s on %s: tables %s, PTE syncs %s: %llu table(s); dma_map_single %llu, "
	       "dma_unmap_single %llu, dma_sync_single_for_device %llu, "
	       "iommu_pages_start_incoherent %llu, _flush_incoherent %llu, _free_incoherent %llu\n",
	       pgtable_core_name(), backend_name(), tables, ptes,
	       (unsigned long long)r.tables, (unsigned long long)r.d.dma_maps,
	       (unsigned long long)r.d.dma_unmaps, (unsigned long long)r.d.dma_syncs,
	       (unsigned long long)r.d.incoherent_starts,
	       (unsigned long long)r.d.incoherent_flushes,
	       (unsigned long long)r.d.incoherent_frees);

	if (!backend_has_dma_api() && dma_tables) {
		/* No DMA API, no table: the first dma_map_single is refused. */
		printf("# %s cannot serve a non-coherent walker: every table needs dma_map_single\n",
		       backend_name());
		CHECK(r.init_ret != 0);
		CHECK_EQ(r.d.dma_maps, 1);
		CHECK_EQ(r.d.incoherent_starts, 0);
		return;
	}
	REQUIRE(r.init_ret == 0);
	CHECK(r.tables >= 1 + 2 * NC_PAGES);
	/* Every table that was made visible was unmade: no leak of mappings. */
	if (dma_tables) {
		CHECK_EQ(r.d.dma_maps, r.tables);
		CHECK_EQ(r.d.dma_unmaps, r.tables);
		CHECK_EQ(r.d.incoherent_starts + r.d.incoherent_frees, 0);
	} else {
		CHECK_EQ(r.d.incoherent_starts, r.tables);
		CHECK_EQ(r.d.incoherent_frees, r.tables);
		CHECK_EQ(r.d.dma_maps + r.d.dma_unmaps, 0);
	}
	/* Each map writes a PTE and each unmap clears one: at least one sync each. */
	if (dma_ptes) {
		CHECK(r.d.dma_syncs >= 2 * NC_PAGES);
		CHECK_EQ(r.d.incoherent_flushes, 0);
	} else {
		CHECK(r.d.incoherent_flushes >= 2 * NC_PAGES);
		CHECK_EQ(r.d.dma_syncs, 0);
	}
	if (!backend_has_dma_api() && dma_ptes)
		printf("# %s serves the tables (iommu-pages), not the %llu PTE syncs "
		       "(dma_sync_single_for_device): a hypervisor build must provide them\n",
		       backend_name(), (unsigned long long)r.d.dma_syncs);
}
