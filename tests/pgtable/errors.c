// SPDX-License-Identifier: GPL-2.0
/*
 * Error paths: overlapping maps, bad arguments, allocation failure, and
 * unmaps of nothing or of part of a block. Each must return its error and
 * leave every table byte as it was (checked with the architectural
 * walker's hash), and WARN exactly where mainline does: under NO_WARN
 * still for an address or page size the caller could never have had, and
 * for a partial unmap of a block.
 */
#include <string.h>
#include "common.h"

#define RW	(IOMMU_READ | IOMMU_WRITE)

static bool same_tables(const struct pt_sum *a, const struct pt_sum *b)
{
	return a->hash == b->hash && a->tables == b->tables &&
	       a->leaves == b->leaves;
}

/* The sizes of a granule: page, next-level block (and the largest). */
static void sizes_of(struct pt_domain *pd, u64 *page, u64 *block)
{
	unsigned long bm = pd->dom.cfg.pgsize_bitmap;

	*page = 1ULL << __ffs(bm);
	bm &= ~*page;
	*block = 1ULL << __ffs(bm);
}

static void overlap(enum io_pgtable_fmt fmt, size_t gran, unsigned long quirks)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .quirks = quirks };
	u64 base = backend_bytes_held(), page, block, iova;
	struct pt_sum before, after;
	struct pt_domain pd;
	size_t mapped;
	unsigned long warns;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	iova = 3 * block;

	/* A page inside a block-sized region, and a block next to it. */
	REQUIRE(pt_map(&pd, iova + 5 * page, 0x80000000ULL, page, 1, RW, NULL) == 0);
	REQUIRE(pt_map(&pd, iova + block, 4 * block, block, 1, RW, NULL) == 0);
	pt_sum_of(&pd, &before);

	warns = shim_warn_count();
	/* The same page again, and a run of pages running into it. */
	CHECK_EQ(pt_map(&pd, iova + 5 * page, 0, page, 1, RW, &mapped), -EEXIST);
	CHECK_EQ(pt_map(&pd, iova, 0, page, 8, RW, &mapped), -EEXIST);
	CHECK_EQ(mapped, 0);
	/* A page inside the block, and the block itself. */
	CHECK_EQ(pt_map(&pd, iova + block + page, 0, page, 1, RW, &mapped), -EEXIST);
	CHECK_EQ(pt_map(&pd, iova + block, 0, block, 1, RW, &mapped), -EEXIST);
	pt_sum_of(&pd, &after);
	CHECK(same_tables(&before, &after));
	if (quirks & IO_PGTABLE_QUIRK_NO_WARN)
		CHECK_EQ(shim_warn_count(), warns);
	else
		CHECK_EQ(shim_warn_count(), warns + 4);

	/* Still what was mapped. */
	CHECK_EQ_HEX(pt_phys(&pd, iova + 5 * page), 0x80000000ULL);
	CHECK_EQ_HEX(pt_phys(&pd, iova + block + 7), 4 * block + 7);
	CHECK_EQ(pt_phys(&pd, iova), 0);

	/* Once the page is gone its empty table gives way to a block. */
	CHECK_EQ_HEX(pt_unmap(&pd, iova + 5 * page, page, 1), page);
	CHECK_EQ(pt_map(&pd, iova, 8 * block, block, 1, RW, &mapped), 0);
	CHECK_EQ_HEX(pt_phys(&pd, iova + 5 * page), 8 * block + 5 * page);
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

/*
 * Run @fn for every format x granule: expecting the core's WARNs, or with
 * IO_PGTABLE_QUIRK_NO_WARN (formats that take quirks) and none expected.
 */
static void every_case(void (*fn)(enum io_pgtable_fmt, size_t, unsigned long),
		       bool no_warn)
{
	enum io_pgtable_fmt f;
	size_t g;

	if (!no_warn) {
		expect_warnings();
		shim_printk_quiet(true);
	} else if (!pgtable_core_has(CORE_F_NO_WARN)) {
		SKIP("this kernel tree has no IO_PGTABLE_QUIRK_NO_WARN (6.1, 6.12): alloc_io_pgtable_ops rejects it");
	}
	for_each_fmt_granule(f, g)
		if (!no_warn || pt_fmt_takes_quirks(f))
			fn(f, g, no_warn ? IO_PGTABLE_QUIRK_NO_WARN : 0);
}

TEST(pgtable_overlap_eexist)
{
	every_case(overlap, false);
}

TEST(pgtable_overlap_eexist_no_warn)
{
	every_case(overlap, true);
}

static void bad_args(enum io_pgtable_fmt fmt, size_t gran)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .ias = 40, .oas = 40 };
	struct pt_sum before, after;
	struct pt_domain pd;
	u64 page, block, iova;
	size_t mapped;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	iova = 2 * block;
	REQUIRE(pt_map(&pd, iova, block, page, 4, RW, NULL) == 0);
	pt_sum_of(&pd, &before);

#define BAD_MAP(want, ...) do {						\
		mapped = 0;						\
		CHECK_EQ(pt_map(&pd, __VA_ARGS__, &mapped), want);	\
		CHECK_EQ(mapped, 0);					\
	} while (0)
	BAD_MAP(-EINVAL, iova + 8 * page, 0, page / 2, 1, RW);	/* size not in bitmap */
	BAD_MAP(-EINVAL, iova + 8 * page, 0, page * 2, 1, RW);
	BAD_MAP(-EINVAL, iova + 8 * page, 0, 0, 1, RW);
	/*
	 * A kernel core leaves counts and alignment to the IOMMU core
	 * (iommu_map checks them) and would map these: the own core's
	 * contract only.
	 */
	if (pgtable_core_is_own()) {
		BAD_MAP(-EINVAL, iova + 8 * page, 0, page, 0, RW);	/* no pages */
		BAD_MAP(-EINVAL, iova + 8 * page + 512, 0, page, 1, RW); /* iova misaligned */
		BAD_MAP(-EINVAL, iova + 8 * page, 512, page, 1, RW);	/* paddr misaligned */
		BAD_MAP(-EINVAL, iova + block, page, block, 1, RW);
	}
	BAD_MAP(-ERANGE, 1ULL << 40, 0, page, 1, RW);			/* iova >= 2^ias */
	BAD_MAP(-ERANGE, ~0UL & ~(page - 1), 0, page, 1, RW);
	BAD_MAP(-ERANGE, iova + 8 * page, 1ULL << 40, page, 1, RW);	/* paddr >= 2^oas */
#undef BAD_MAP
	/*
	 * No access: -EINVAL, as mainline. An older tree (5.15) returns 0
	 * having mapped nothing ("nothing to do"): allowed for a kernel core,
	 * never for the own one.
	 */
#define NO_ACCESS_MAP(prot) do {						\
		int __ret;							\
		mapped = 0;							\
		__ret = pt_map(&pd, iova + 8 * page, 0, page, 1, prot, &mapped); \
		CHECK(__ret == -EINVAL || (!__ret && !pgtable_core_is_own()));	\
		CHECK_EQ(mapped, 0);						\
		CHECK_EQ(pt_phys(&pd, iova + 8 * page), 0);			\
	} while (0)
	NO_ACCESS_MAP(0);
	NO_ACCESS_MAP(IOMMU_CACHE);
#undef NO_ACCESS_MAP
	CHECK_EQ(pt_unmap(&pd, iova, page / 2, 1), 0);
	CHECK_EQ(pt_unmap(&pd, iova, page, 0), 0);
	if (pgtable_core_is_own())	/* a kernel core unmaps the page around it */
		CHECK_EQ(pt_unmap(&pd, iova + 512, page, 1), 0);
	CHECK_EQ(pt_unmap(&pd, 1ULL << 40, page, 1), 0);
	pt_sum_of(&pd, &after);
	CHECK(same_tables(&before, &after));
	CHECK_EQ_HEX(pt_phys(&pd, iova + 3 * page + 1), block + 3 * page + 1);
	pt_domain_release(&pd);
}

TEST(pgtable_bad_arguments)
{
	enum io_pgtable_fmt f;
	size_t g;

	expect_warnings();	/* mainline WARNs on most of these */
	shim_printk_quiet(true);
	for_each_fmt_granule(f, g)
		bad_args(f, g);
}

/*
 * Under NO_WARN a caller bug still WARNs, as in mainline: a page size not
 * in the bitmap, no pages to unmap, an address outside the input or output
 * range. Each call WARNs once and changes nothing.
 */
static void no_warn_caller_bugs(enum io_pgtable_fmt fmt, size_t gran, unsigned long quirks)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .ias = 40, .oas = 40,
			    .quirks = quirks };
	struct pt_sum before, after;
	unsigned long warns;
	struct pt_domain pd;
	u64 page, block;
	size_t mapped = 0;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	REQUIRE(pt_map(&pd, block, 0, page, 2, RW, NULL) == 0);
	pt_sum_of(&pd, &before);

#define WARNS_ONCE(call, want) do {					\
		warns = shim_warn_count();				\
		CHECK_EQ(call, want);					\
		CHECK_EQ(shim_warn_count() - warns, 1);			\
	} while (0)
	WARNS_ONCE(pt_map(&pd, 2 * block, 0, page * 2, 1, RW, &mapped), -EINVAL);
	WARNS_ONCE(pt_map(&pd, 1ULL << 40, 0, page, 1, RW, &mapped), -ERANGE);
	WARNS_ONCE(pt_map(&pd, 2 * block, 1ULL << 40, page, 1, RW, &mapped), -ERANGE);
	WARNS_ONCE(pt_unmap(&pd, block, page * 2, 1), 0);
	WARNS_ONCE(pt_unmap(&pd, block, page, 0), 0);
	WARNS_ONCE(pt_unmap(&pd, 1ULL << 40, page, 1), 0);
#undef WARNS_ONCE
	CHECK_EQ(mapped, 0);
	pt_sum_of(&pd, &after);
	CHECK(same_tables(&before, &after));
	pt_domain_release(&pd);
}

TEST(pgtable_no_warn_still_warns_on_caller_bugs)
{
	enum io_pgtable_fmt f;
	size_t g;

	if (!pgtable_core_has(CORE_F_NO_WARN))
		SKIP("this kernel tree has no IO_PGTABLE_QUIRK_NO_WARN (6.1, 6.12): alloc_io_pgtable_ops rejects it");
	expect_warnings();	/* each one counted */
	shim_printk_quiet(true);
	for_each_fmt_granule(f, g)
		if (pt_fmt_takes_quirks(f))
			no_warn_caller_bugs(f, g, IO_PGTABLE_QUIRK_NO_WARN);
}

/*
 * Unmapping nothing (0, WARN unless NO_WARN) or part of a block (0, WARN
 * whatever the quirks), nothing changed.
 */
static void unmap_nothing(enum io_pgtable_fmt fmt, size_t gran, unsigned long quirks)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .quirks = quirks };
	struct pt_sum before, after;
	unsigned long warns;
	struct pt_domain pd;
	u64 page, block;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	REQUIRE(pt_map(&pd, block, 0, block, 1, RW, NULL) == 0);
	REQUIRE(pt_map(&pd, 4 * block, 0, page, 2, RW, NULL) == 0);
	pt_sum_of(&pd, &before);
	warns = shim_warn_count();

	CHECK_EQ(pt_unmap(&pd, 8 * block, page, 1), 0);		/* no table there */
	CHECK_EQ(pt_unmap(&pd, 4 * block + 2 * page, page, 1), 0);	/* empty leaf slot */
	CHECK_EQ(pt_unmap(&pd, 6 * block, block, 1), 0);		/* empty block slot */
	pt_sum_of(&pd, &after);
	CHECK(same_tables(&before, &after));
	CHECK_EQ(shim_warn_count() - warns, quirks & IO_PGTABLE_QUIRK_NO_WARN ? 0 : 3);

	warns = shim_warn_count();
	if (pgtable_core_has(CORE_F_SPLIT_BLOCK)) {
		/*
		 * 6.1/6.12 split the block into a table and unmap just the
		 * page, silently; the rest of the block still translates.
		 */
		CHECK_EQ_HEX(pt_unmap(&pd, block + page, page, 1), page);
		CHECK_EQ_HEX(pt_unmap(&pd, block, page, 1), page);
		CHECK_EQ(pt_phys(&pd, block + page), 0);
		CHECK_EQ(pt_phys(&pd, block), 0);
		CHECK_EQ_HEX(pt_phys(&pd, block + 2 * page + 3), 2 * page + 3);
		CHECK_EQ(shim_warn_count(), warns);
	} else {
		expect_warnings();	/* counted below, NO_WARN or not */
		shim_printk_quiet(true);
		CHECK_EQ(pt_unmap(&pd, block + page, page, 1), 0);	/* inside a block */
		CHECK_EQ(pt_unmap(&pd, block, page, 1), 0);
		pt_sum_of(&pd, &after);
		CHECK(same_tables(&before, &after));
		/*
		 * A refused partial unmap WARNs even under NO_WARN (a
		 * WARN_ONCE: printed once, counted every time).
		 */
		CHECK_EQ(shim_warn_count() - warns, 2);
		CHECK_EQ_HEX(pt_phys(&pd, block + page), page);
	}

	/* A run stops at the first hole: two of four go. */
	warns = shim_warn_count();
	CHECK_EQ_HEX(pt_unmap(&pd, 4 * block, page, 4), 2 * page);
	CHECK_EQ(shim_warn_count() - warns, quirks & IO_PGTABLE_QUIRK_NO_WARN ? 0 : 1);
	CHECK_EQ(pt_phys(&pd, 4 * block), 0);
	pt_domain_release(&pd);
}

TEST(pgtable_unmap_nothing_warns)
{
	every_case(unmap_nothing, false);
}

TEST(pgtable_unmap_nothing_no_warn)
{
	every_case(unmap_nothing, true);
}

/*
 * Allocation failure at each table level: -ENOMEM with nothing mapped by
 * the failing call, earlier mappings intact, no leaf added; a caller loop
 * (as the IOMMU core's) reports exactly the bytes mapped before it.
 */
static void enomem_nth(enum io_pgtable_fmt fmt, size_t gran, int nth)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran };
	u64 base = backend_bytes_held(), page, block, top = 1ULL << 47;
	struct pt_sum before, after;
	struct pt_domain pd;
	size_t mapped;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	REQUIRE(pt_map(&pd, 0, 0, page, 1, RW, NULL) == 0);
	pt_sum_of(&pd, &before);
	backend_fail_nth(nth);
	CHECK_EQ(pt_map(&pd, top, page, page, 1, RW, &mapped), -ENOMEM);
	backend_fault_clear();
	CHECK_EQ(mapped, 0);
	pt_sum_of(&pd, &after);
	CHECK_EQ(after.leaves, before.leaves);
	CHECK_EQ(after.tables, before.tables + nth - 1);
	if (nth == 1)
		CHECK(same_tables(&before, &after));
	CHECK_EQ(pt_phys(&pd, top), 0);
	CHECK_EQ(pt_phys(&pd, 1), 1);
	/* And it works once memory is back. */
	CHECK_EQ(pt_map(&pd, top, page, page, 1, RW, &mapped), 0);
	CHECK_EQ_HEX(pt_phys(&pd, top + 1), page + 1);
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

/* A caller's loop across a table boundary where the second table fails. */
static void enomem_loop(enum io_pgtable_fmt fmt, size_t gran)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran };
	u64 base = backend_bytes_held(), page, block, iova, done;
	struct pt_domain pd;
	size_t mapped;
	int i, ret;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	iova = 16 * block - 4 * page;
	/* Leave the first last-level table in place, empty. */
	REQUIRE(pt_map(&pd, iova, 0, page, 1, RW, NULL) == 0);
	REQUIRE(pt_unmap(&pd, iova, page, 1) == page);
	for (done = 0, ret = 0; done < 8 * page && !ret; done += mapped) {
		mapped = 0;
		backend_fail_nth(1);
		ret = pt_map(&pd, iova + done, done, page, (8 * page - done) / page,
			     RW, &mapped);
	}
	backend_fault_clear();
	CHECK_EQ(ret, -ENOMEM);
	CHECK_EQ_HEX(done, 4 * page);
	for (i = 0; i < 4; i++)
		CHECK_EQ_HEX(pt_phys(&pd, iova + i * page + 3), i * page + 3);
	CHECK_EQ(pt_phys(&pd, iova + 4 * page), 0);
	CHECK_EQ_HEX(pt_unmap(&pd, iova, page, 4), 4 * page);
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

static void enomem(enum io_pgtable_fmt fmt, size_t gran)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran };
	struct pt_domain pd;
	struct pt_hw hw;
	int nth, levels;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	REQUIRE(pt_hw_from_domain(&hw, &pd) == 0);
	levels = 4 - hw.start_level;
	pt_domain_release(&pd);
	for (nth = 1; nth < levels; nth++)
		enomem_nth(fmt, gran, nth);
	enomem_loop(fmt, gran);
}

TEST(pgtable_alloc_failure_enomem)
{
	enum io_pgtable_fmt f;
	size_t g;

	shim_printk_quiet(true);
	for_each_fmt_granule(f, g)
		enomem(f, g);
}

/* The IOMMU core's iommu_map undoes a partial map when a table allocation fails. */
TEST(pgtable_iommu_map_unwinds_on_enomem)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K };
	u64 base = backend_bytes_held();
	struct pt_domain pd;
	struct pt_sum s;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	/* 4K pages spanning three last-level tables; the third fails. */
	backend_fail_nth(5);
	CHECK_EQ(iommu_map(&pd.dom, SZ_2M - SZ_4K, SZ_1G + SZ_4K, SZ_4M, RW, GFP_KERNEL),
		 -ENOMEM);
	backend_fault_clear();
	pt_sum_of(&pd, &s);
	CHECK_EQ(s.leaves, 0);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, SZ_2M - SZ_4K), 0);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, SZ_2M), 0);
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

/*
 * A block mapped over a live next-level table: every kernel version unmaps
 * and frees the table (its leaves with it, announced by one tlb_flush_walk)
 * and installs the block. Only a leaf in the way is an overlap.
 */
static void block_over_live_table(enum io_pgtable_fmt fmt, size_t gran)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran };
	u64 base = backend_bytes_held(), page, block, iova, with_table;
	struct pt_domain pd;
	size_t mapped = 0;
	u64 walks;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	sizes_of(&pd, &page, &block);
	iova = 5 * block;

	REQUIRE(pt_map(&pd, iova + 3 * page, 0x40000000ULL, page, 2, RW, NULL) == 0);
	with_table = backend_bytes_held();
	walks = pd.tlb->cnt.flush_walk;

	CHECK_EQ(pt_map(&pd, iova, 2 * block, block, 1, RW, &mapped), 0);
	CHECK_EQ(mapped, block);
	CHECK_EQ(pd.tlb->cnt.flush_walk, walks + 1);
	CHECK(backend_bytes_held() < with_table);
	CHECK_EQ_HEX(pt_phys(&pd, iova + 3 * page), 2 * block + 3 * page);
	CHECK_EQ_HEX(pt_phys(&pd, iova + 4 * page + 9), 2 * block + 4 * page + 9);

	CHECK_EQ_HEX(pt_unmap(&pd, iova, block, 1), block);
	CHECK_EQ(pt_phys(&pd, iova + 3 * page), 0);
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

TEST(pgtable_block_replaces_live_table)
{
	enum io_pgtable_fmt f;
	size_t g;

	for_each_fmt_granule(f, g)
		block_over_live_table(f, g);
}
