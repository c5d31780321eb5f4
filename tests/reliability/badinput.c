// SPDX-License-Identifier: GPL-2.0
/*
 * Bad arguments through the public calls a driver makes — iommu_map,
 * iommu_unmap, iova_to_phys of the IOMMU core over the page table — on a
 * populated table, for every format x granule, coherent and not, on every
 * backend: each returns the kernel's result and leaves the tables byte for
 * byte as they were (hash of every table from the architectural walker),
 * cleans no cache line and allocates nothing. (The page-table calls
 * themselves are covered the same way in tests/pgtable/errors.c.)
 *
 * Kernel results (drivers/iommu/iommu.c and io-pgtable-arm.c, 6.1 and
 * 6.12): iommu_map of size 0 or misaligned iova/paddr/size: -EINVAL;
 * iova or paddr out of range: -ERANGE from map_pages; no IOMMU_READ or
 * IOMMU_WRITE: -EINVAL; over a live mapping: -EEXIST, the part already
 * mapped unwound; iommu_unmap of nothing or misaligned: 0 bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kcore.h>
#include <linux/iommu.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "arch/cache.h"
#include "pgtable/pgtable-stats.h"
#include "harness.h"
#include "lib/pt.h"

#define RW	(IOMMU_READ | IOMMU_WRITE)

struct snap {
	struct pt_sum sum;
	struct alloc_stats st;
	struct cache_stats cs;
};

/*
 * iova_to_phys(~0UL) finds nothing. Mainline's walk of [iova, iova + 1)
 * wraps to an empty range there and returns a descriptor it never read:
 * a kernel finding (reported once per test), a failure for the own core.
 */
static void lookup_past_every_range(struct pt_domain *pd)
{
	static bool reported;
	u64 pa = iommu_iova_to_phys(&pd->dom, ~0UL);

	if (!pa || pgtable_core_is_own()) {
		CHECK_EQ_HEX(pa, 0);
		return;
	}
	if (!reported)
		KERNEL_FINDING("iova_to_phys(%#lx) returned %#llx, expected 0: the walk of [iova, iova + 1) ends at 0, visits nothing and returns a descriptor it never read",
			       ~0UL, (unsigned long long)pa);
	reported = true;
}

static void take(struct pt_domain *pd, struct snap *s)
{
	struct pt_hw hw;

	memset(s, 0, sizeof(*s));
	if (!pt_hw_from_domain(&hw, pd))
		pt_hw_summary(&hw, &s->sum);
	backend_stats(&s->st);
	arch_cache_stats(&s->cs);
}

/* Nothing changed: same tables, same bytes, no allocation, no clean. */
static void same_but_cleans(const char *what, const struct snap *a, const struct snap *b,
			    bool may_clean)
{
	if (a->sum.hash != b->sum.hash || a->sum.tables != b->sum.tables ||
	    a->sum.leaves != b->sum.leaves)
		test_fail(__FILE__, __LINE__, "%s: tables changed (%zu tables, %zu leaves, hash %#llx -> %zu, %zu, %#llx)",
			  what, a->sum.tables, a->sum.leaves, (unsigned long long)a->sum.hash,
			  b->sum.tables, b->sum.leaves, (unsigned long long)b->sum.hash);
	if (a->st.allocs != b->st.allocs || a->st.bytes_held != b->st.bytes_held)
		test_fail(__FILE__, __LINE__, "%s: allocated (%llu -> %llu allocations)", what,
			  (unsigned long long)a->st.allocs, (unsigned long long)b->st.allocs);
	if (a->cs.lines != b->cs.lines && !may_clean)
		test_fail(__FILE__, __LINE__, "%s: cleaned %llu cache lines", what,
			  (unsigned long long)(b->cs.lines - a->cs.lines));
}

static void same(const char *what, const struct snap *a, const struct snap *b)
{
	same_but_cleans(what, a, b, false);
}

/* Leaves unchanged though tables may have been added (an unwound partial map). */
static void same_mappings(const char *what, const struct snap *a, const struct snap *b)
{
	if (a->sum.leaves != b->sum.leaves || a->sum.mapped != b->sum.mapped)
		test_fail(__FILE__, __LINE__, "%s: %zu leaves / %#llx bytes mapped, now %zu / %#llx",
			  what, a->sum.leaves, (unsigned long long)a->sum.mapped,
			  b->sum.leaves, (unsigned long long)b->sum.mapped);
}

#define BAD_MAP_CLEAN(want, iova, pa, size, prot, may_clean) do {		\
	struct snap __b, __a;							\
	take(&pd, &__b);							\
	CHECK_EQ(iommu_map(&pd.dom, (iova), (pa), (size), (prot), GFP_KERNEL), (want));\
	take(&pd, &__a);							\
	same_but_cleans("iommu_map(" #iova ", " #pa ", " #size ", " #prot ")",	\
			&__b, &__a, (may_clean));				\
} while (0)
#define BAD_MAP(want, iova, pa, size, prot)	BAD_MAP_CLEAN(want, iova, pa, size, prot, false)

#define BAD_UNMAP(iova, size) do {						\
	struct snap __b, __a;							\
	take(&pd, &__b);							\
	CHECK_EQ(iommu_unmap(&pd.dom, (iova), (size)), 0);			\
	take(&pd, &__a);							\
	same("iommu_unmap(" #iova ", " #size ")", &__b, &__a);			\
} while (0)

/* 1: the core can't build this table with this backend (said, not hidden). */
static int bad_calls(enum io_pgtable_fmt fmt, size_t g, bool noncoherent)
{
	struct pt_cfg c = { .fmt = fmt, .granule = g, .ias = 40, .oas = 40,
			    .noncoherent = noncoherent };
	u64 blk = g * (g / 8), base = 4 * blk, pa = (u64)SZ_1G;
	struct pt_domain pd;
	struct snap b, a;

	backend_prepare(32);
	if (pt_domain_init(&pd, &c)) {
		if (noncoherent && !pgtable_stats_get)
			return 1;
		test_fail(__FILE__, __LINE__, "pt_domain_init failed");
		return 0;
	}
	/* Populated: pages, a block, a run across a table boundary. */
	if (iommu_map(&pd.dom, base, pa, 8 * g, RW, GFP_KERNEL) ||
	    iommu_map(&pd.dom, 2 * blk, 2 * blk, blk, RW, GFP_KERNEL) ||
	    iommu_map(&pd.dom, 6 * blk - 2 * g, pa + blk, 4 * g, RW, GFP_KERNEL)) {
		test_fail(__FILE__, __LINE__, "populating the table failed");
		pt_domain_release(&pd);
		return 0;
	}
	backend_prepare(32);

	BAD_MAP(-EINVAL, base + 16 * g, pa, 0, RW);			/* size 0 */
	BAD_MAP(-EINVAL, base + 16 * g + 512, pa, g, RW);		/* iova misaligned */
	BAD_MAP(-EINVAL, base + 16 * g, pa + 512, g, RW);		/* paddr misaligned */
	BAD_MAP(-EINVAL, base + 16 * g, pa, g + 512, RW);		/* size misaligned */
	BAD_MAP(-ERANGE, 1ULL << 40, pa, g, RW);			/* iova at 2^ias */
	BAD_MAP(-ERANGE, (1ULL << 41) + 16 * g, pa, g, RW);		/* iova past 2^ias */
	BAD_MAP(-ERANGE, base + 16 * g, 1ULL << 40, g, RW);		/* paddr at 2^oas */
	BAD_MAP(-EINVAL, base + 16 * g, pa, g, 0);			/* no access */
	BAD_MAP(-EINVAL, base + 16 * g, pa, g, IOMMU_CACHE | IOMMU_NOEXEC);
	BAD_MAP(-EEXIST, base, pa, g, RW);				/* the same page again */
	/*
	 * A page inside the block: the walk meets the block where it expects
	 * a table and, like mainline's __arm_lpae_map, cleans that entry for a
	 * non-coherent walker before it sees it is a leaf. A redundant clean of
	 * an already clean line, no byte changed: allowed here, on purpose.
	 */
	BAD_MAP_CLEAN(-EEXIST, 2 * blk + g, pa, g, RW, true);

	/* Overlap after a mapped prefix: -EEXIST and the prefix unwound. */
	take(&pd, &b);
	CHECK_EQ(iommu_map(&pd.dom, base - 4 * g, pa, 6 * g, RW, GFP_KERNEL), -EEXIST);
	take(&pd, &a);
	same_mappings("iommu_map over a mapping after 4 free pages", &b, &a);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, base - 4 * g), 0);
	CHECK_EQ_HEX(iommu_iova_to_phys(&pd.dom, base), pa);

	/* Running off the end of the input range: -ERANGE, nothing left mapped. */
	take(&pd, &b);
	CHECK_EQ(iommu_map(&pd.dom, (1ULL << 40) - 2 * g, pa, 4 * g, RW, GFP_KERNEL), -ERANGE);
	take(&pd, &a);
	same_mappings("iommu_map across 2^ias", &b, &a);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, (1ULL << 40) - 2 * g), 0);

	BAD_UNMAP(base + 16 * g, 0);					/* nothing */
	BAD_UNMAP(base + 512, g);					/* misaligned */
	BAD_UNMAP(base, g + 512);					/* size misaligned */
	BAD_UNMAP(base + 64 * g, 8 * g);				/* unmapped */
	BAD_UNMAP(8 * blk, blk);					/* no table at all */

	/* Lookups out of range or of holes find nothing, and change nothing. */
	take(&pd, &b);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, 1ULL << 40), 0);
	lookup_past_every_range(&pd);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, base + 64 * g), 0);
	take(&pd, &a);
	same("iova_to_phys", &b, &a);

	/* What was mapped before all this is intact. */
	CHECK_EQ_HEX(iommu_iova_to_phys(&pd.dom, base + 7 * g + 8), pa + 7 * g + 8);
	CHECK_EQ_HEX(iommu_iova_to_phys(&pd.dom, 2 * blk + 3 * g), 2 * blk + 3 * g);
	CHECK_EQ(iommu_unmap(&pd.dom, base, 8 * g), 8 * g);
	CHECK_EQ(iommu_unmap(&pd.dom, 2 * blk, blk), blk);
	CHECK_EQ(iommu_unmap(&pd.dom, 6 * blk - 2 * g, 4 * g), 4 * g);
	pt_domain_release(&pd);
	return 0;
}

static void all_bad_calls(bool noncoherent)
{
	static char reason[160];
	int skipped = 0;
	static const enum io_pgtable_fmt fmts[] = { ARM_64_LPAE_S1, ARM_64_LPAE_S2 };
	static const size_t grans[] = { SZ_4K, SZ_16K, SZ_64K };
	struct alloc_stats st0, st1;
	size_t f, g;

	expect_warnings();	/* the kernel WARNs on out-of-range and overlapping maps */
	shim_printk_quiet(true);
	backend_stats(&st0);
	for (f = 0; f < 2; f++)
		for (g = 0; g < 3; g++)
			skipped += bad_calls(fmts[f], grans[g], noncoherent);
	backend_stats(&st1);
	CHECK_EQ(st1.bytes_held, st0.bytes_held);
	if (skipped == 6) {
		snprintf(reason, sizeof(reason),
			 "this kernel tree cannot make a non-coherent table on the %s backend (no DMA API)",
			 backend_name());
		SKIP(reason);
	}
	CHECK_EQ(skipped, 0);
}

TEST(badinput_iommu_core_calls_coherent)
{
	all_bad_calls(false);
}

TEST(badinput_iommu_core_calls_noncoherent)
{
	all_bad_calls(true);
}
