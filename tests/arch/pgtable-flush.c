// SPDX-License-Identifier: GPL-2.0
/*
 * Exact cache-maintenance counts of the page-table core.
 *
 * A non-coherent walker must see every descriptor the core writes, and
 * nothing more should be cleaned: mapping a run of pgcount PTEs into a
 * fresh table cleans each new table once (when it is handed to the
 * walker), the one line of each new table descriptor, and the lines the
 * run of leaf PTEs occupies, each with one barrier. Mapping or unmapping
 * a run in an existing table cleans just the run's lines, once. A
 * coherent walker cleans nothing at all. Expectations are computed here
 * from the VMSAv8-64 geometry (levels from granule and IAS) and the CPU's
 * line size, not read back from the core.
 *
 * Kernel trees differ on unmap: 6.1 cleans each cleared PTE on its own
 * (one clean and one barrier per PTE), later kernels clean the run once.
 * The own core must batch; a kernel tree's unmap must match one of the
 * two exactly, and the test says which it saw.
 */
#include <string.h>
#include <kcore.h>
#include <linux/io-pgtable.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "arch/cache.h"
#include "iommu-core/iommu-core.h"
#include "tlb/tlb.h"
#include "harness.h"
#include "pgtable/common.h"

#define IAS		48
#define PTE_BYTES	8

struct flush_dom {
	struct iommu_domain d;
	struct tlb_model *tlb;
	int err;
};

static unsigned int ilog2_sz(size_t v)
{
	return __builtin_ctzll(v);
}

/* Levels of a stage-1 table for @granule and IAS bits: 4, 4, 3 at 48 bits. */
static unsigned int levels(size_t granule)
{
	unsigned int shift = ilog2_sz(granule), bpl = shift - 3;

	return (IAS - shift + bpl - 1) / bpl;
}

static u64 lines_of(size_t off, size_t len)
{
	size_t line = arch_dcache_line_size();
	size_t s = off & ~(line - 1), e = (off + len + line - 1) & ~(line - 1);

	return len ? (e - s) / line : 0;
}

static void dom_init(struct flush_dom *fd, size_t granule, bool coherent)
{
	struct io_pgtable_cfg cfg = { 0 };
	struct tlb_params tp = { .granule = granule };

	fd->d.ops = NULL;
	fd->tlb = tlb_model_create("count", &tp);
	if (!fd->tlb) {
		fd->err = -ENOMEM;
		return;
	}
	cfg.pgsize_bitmap = granule;
	cfg.ias = IAS;
	cfg.oas = IAS;
	cfg.coherent_walk = coherent;
	fd->err = iommu_domain_init(&fd->d, ARM_64_LPAE_S1, &cfg, fd->tlb);
}

static void dom_release(struct flush_dom *fd)
{
	if (!fd->err)
		iommu_domain_release(&fd->d);
	if (fd->tlb)
		tlb_model_destroy(fd->tlb);
}

static void stats_since_reset(struct cache_stats *st)
{
	arch_cache_stats(st);
}

static const char *unmap_style;	/* what a kernel tree's unmap did */

/* Unmap of @n PTEs from @idx: one clean of the run, or (kernel trees) one per PTE. */
static void check_unmap_counts(const struct cache_stats *st, unsigned int idx,
			       unsigned int n)
{
	bool own = !strcmp(pgtable_core_name(), "own");
	bool per_run = st->lines == lines_of(idx * PTE_BYTES, n * PTE_BYTES) &&
		       st->barriers == 1 && st->calls == 1;
	bool per_pte = st->lines == n && st->barriers == n && st->calls == n;

	if (per_run || (!own && per_pte)) {
		if (!own)
			unmap_style = per_run ? "cleans the run once" : "cleans each PTE";
		return;
	}
	test_fail(__FILE__, __LINE__, "unmap of %u PTEs from %u: %llu lines, %llu barriers, %llu calls",
		  n, idx, (unsigned long long)st->lines, (unsigned long long)st->barriers,
		  (unsigned long long)st->calls);
}

/*
 * Map @n granule pages from entry @idx of a fresh table; check the
 * counts of that first map, of a second run in the same leaf table, and
 * of unmapping each.
 */
static const char *skip_why;

static void check_fresh_map(size_t granule, unsigned int idx, unsigned int n)
{
	size_t line = arch_dcache_line_size();
	unsigned int new_tables = levels(granule) - 1;
	unsigned int entries = granule / PTE_BYTES;
	unsigned long base = 0x40000000UL;	/* leaf-table aligned at every granule */
	unsigned long iova = base + (unsigned long)idx * granule;
	struct alloc_stats a0, a1;
	struct cache_stats st;
	struct flush_dom fd;
	u64 want;

	/* Runs inside one leaf table only: the core splits longer ones. */
	if (idx + n > entries)
		return;
	/* Where failing is legitimate (below), its WARN is not news. */
	shim_printk_quiet(!pgtable_core_has(CORE_F_IOMMU_PAGES_SZ));
	dom_init(&fd, granule, false);
	shim_printk_quiet(false);
	if (fd.err && !pgtable_core_has(CORE_F_IOMMU_PAGES_SZ)) {
		/* 6.1/6.12 DMA-map tables: a backend without a DMA API WARNs, rightly. */
		dom_release(&fd);
		shim_warn_reset();
		skip_why = "non-coherent walkers need the DMA API in this kernel; the backend has none";
		return;
	}
	if (fd.err) {
		dom_release(&fd);
		test_fail(__FILE__, __LINE__, "%s: non-coherent %zuK domain: error %d",
			  backend_name(), granule >> 10, fd.err);
		return;
	}
	backend_stats(&a0);
	arch_cache_stats_reset();
	CHECK_EQ(iommu_map(&fd.d, iova, 0x80000000UL, (size_t)n * granule,
			   IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
	stats_since_reset(&st);
	backend_stats(&a1);

	CHECK_EQ(a1.allocs - a0.allocs, new_tables);
	want = new_tables * (granule / line + 1) + lines_of(idx * PTE_BYTES, n * PTE_BYTES);
	CHECK_EQ(st.lines, want);
	CHECK_EQ(st.barriers, 2 * new_tables + 1);
	CHECK_EQ(st.calls, 2 * new_tables + 1);

	/* A second run after the first, in the same (now existing) leaf table. */
	if (idx + 2 * n <= entries) {
		arch_cache_stats_reset();
		CHECK_EQ(iommu_map(&fd.d, iova + (size_t)n * granule, 0x90000000UL,
				   (size_t)n * granule, IOMMU_READ, GFP_KERNEL), 0);
		stats_since_reset(&st);
		CHECK_EQ(st.lines, lines_of((idx + n) * PTE_BYTES, n * PTE_BYTES));
		CHECK_EQ(st.barriers, 1);

		arch_cache_stats_reset();
		CHECK_EQ(iommu_unmap(&fd.d, iova + (size_t)n * granule, (size_t)n * granule),
			 (size_t)n * granule);
		stats_since_reset(&st);
		check_unmap_counts(&st, idx + n, n);
	}

	/* Clearing the first run: its lines once more, no table freed. */
	arch_cache_stats_reset();
	CHECK_EQ(iommu_unmap(&fd.d, iova, (size_t)n * granule), (size_t)n * granule);
	stats_since_reset(&st);
	check_unmap_counts(&st, idx, n);
	dom_release(&fd);
}

static void check_granule(size_t granule)
{
	unsigned int entries = granule / PTE_BYTES;

	if (!arch_cache_supported())
		SKIP(arch_cache_describe());
	if (pt_backend_unusable())
		SKIP(pt_backend_unusable());
	if (pt_noncoherent_why())	/* asked of the core, see tests/pgtable/common.h */
		SKIP(pt_noncoherent_why());
	skip_why = NULL;
	check_fresh_map(granule, 0, 1);
	if (skip_why)
		SKIP(skip_why);
	check_fresh_map(granule, 7, 1);
	check_fresh_map(granule, 3, 16);
	/* Runs whose last PTE starts a new line: 9 from 0, 2 from 7. */
	check_fresh_map(granule, 0, 9);
	check_fresh_map(granule, 7, 2);
	check_fresh_map(granule, 0, 16);
	check_fresh_map(granule, 0, 512);
	check_fresh_map(granule, 5, 512);
	/* A whole leaf table in one run. */
	check_fresh_map(granule, 0, entries);
	if (unmap_style)
		printf(" [%s: unmap %s]", pgtable_core_name(), unmap_style);
}

TEST(pgtable_flush_exact_counts_4k)
{
	check_granule(SZ_4K);
}

TEST(pgtable_flush_exact_counts_16k)
{
	check_granule(SZ_16K);
}

TEST(pgtable_flush_exact_counts_64k)
{
	check_granule(SZ_64K);
}

TEST(pgtable_flush_coherent_walker_cleans_nothing)
{
	static const size_t granules[] = { SZ_4K, SZ_16K, SZ_64K };
	struct cache_stats st;
	struct flush_dom fd;
	size_t i;

	if (pt_backend_unusable())
		SKIP(pt_backend_unusable());
	for (i = 0; i < 3; i++) {
		size_t g = granules[i];

		arch_cache_stats_reset();
		dom_init(&fd, g, true);
		REQUIRE(!fd.err);
		CHECK_EQ(iommu_map(&fd.d, 0x40000000UL + 3 * g, 0x80000000UL, 512 * g,
				   IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
		CHECK_EQ(iommu_unmap(&fd.d, 0x40000000UL + 3 * g, 512 * g), 512 * g);
		dom_release(&fd);
		stats_since_reset(&st);
		CHECK_EQ(st.calls, 0);
		CHECK_EQ(st.lines, 0);
		CHECK_EQ(st.barriers, 0);
	}
}
