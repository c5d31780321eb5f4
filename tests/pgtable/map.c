// SPDX-License-Identifier: GPL-2.0
/*
 * Every format x granule x page/block size: map, translate (core and the
 * architectural walker agree), neighbours stay unmapped, unmap, and all
 * table memory is returned at the end.
 */
#include <string.h>
#include "common.h"

static void check_translation(struct pt_domain *pd, struct pt_hw *hw, u64 iova,
			      u64 pa, size_t size)
{
	static const u64 probes[] = { 0, 1, 4095 };
	struct pt_xlate x;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		CHECK_EQ_HEX(pt_phys(pd, iova + probes[i]), pa + probes[i]);
		CHECK_EQ_HEX(pt_phys(pd, iova + size - 1 - probes[i]),
			     pa + size - 1 - probes[i]);
	}
	CHECK_EQ_HEX(pt_phys(pd, iova + size / 2), pa + size / 2);
	REQUIRE(pt_hw_translate(hw, iova + size / 2, &x) == 0);
	CHECK_EQ_HEX(x.pa, pa + size / 2);
	CHECK_EQ_HEX(x.size, size);
}

static void map_every_size(enum io_pgtable_fmt fmt, size_t gran)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran };
	u64 base = backend_bytes_held();
	unsigned long sizes;
	struct pt_domain pd;
	struct pt_hw hw;
	unsigned int bit;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	REQUIRE(pt_hw_from_domain(&hw, &pd) == 0);
	sizes = pd.dom.cfg.pgsize_bitmap;
	CHECK_EQ_HEX(sizes, pt_granule_sizes(gran, 48));

	for_each_set_bit(bit, &sizes, BITS_PER_LONG) {
		u64 size = 1ULL << bit, iova = 5 * size;
		u64 pa = (1ULL << min(40u, pd.dom.cfg.oas - 1)) + 7 * size;
		size_t mapped;

		if (iova + 4 * size > (1ULL << 48))
			continue;
		CHECK_EQ(pt_map(&pd, iova, pa, size, 1, IOMMU_READ | IOMMU_WRITE, &mapped), 0);
		CHECK_EQ_HEX(mapped, size);
		check_translation(&pd, &hw, iova, pa, size);
		CHECK_EQ(pt_phys(&pd, iova - 1), 0);
		CHECK_EQ(pt_phys(&pd, iova + size), 0);
		CHECK_EQ_HEX(pt_unmap(&pd, iova, size, 1), size);
		CHECK_EQ(pt_phys(&pd, iova), 0);
		CHECK_EQ(pt_phys(&pd, iova + size - 1), 0);

		/* Three at once, then one call unmaps them all. */
		CHECK_EQ(pt_map(&pd, iova, pa, size, 3, IOMMU_READ, &mapped), 0);
		CHECK_EQ_HEX(mapped, 3 * size);
		check_translation(&pd, &hw, iova + 2 * size, pa + 2 * size, size);
		CHECK_EQ(pt_phys(&pd, iova + 3 * size), 0);
		CHECK_EQ_HEX(pt_unmap(&pd, iova, size, 3), 3 * size);
		CHECK_EQ(pt_phys(&pd, iova + size), 0);
	}
	pt_domain_release(&pd);
	CHECK_EQ(backend_bytes_held(), base);
}

TEST(pgtable_map_every_size)
{
	enum io_pgtable_fmt f;
	size_t g;

	for_each_fmt_granule(f, g)
		map_every_size(f, g);
}

/*
 * An address past every range (~0UL, without TTBR1) translates to nothing.
 * Mainline walks [iova, iova + 1) for iova_to_phys: at ~0UL the end wraps
 * to 0, the walk visits nothing, and the descriptor it returns was never
 * read (here the one the previous lookup left on the stack). That is a
 * kernel finding; for the own core it is a failure. Nothing is mapped
 * where ~0UL's index bits point, so a core that merely ignores the bits
 * above the input size (5.15 to 6.12) rightly finds nothing.
 */
static void lookup_top(enum io_pgtable_fmt fmt, size_t gran, bool *reported)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .ias = 40 };
	u64 pa = 0x40000000ULL;
	struct pt_domain pd;
	u64 got;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	REQUIRE(pt_map(&pd, 0, pa, gran, 1, IOMMU_READ, NULL) == 0);
	CHECK_EQ_HEX(pt_phys(&pd, 5), pa + 5);
	got = pt_ops(&pd)->iova_to_phys(pt_ops(&pd), ~0UL);
	if (got && !pgtable_core_is_own()) {
		if (!*reported)
			KERNEL_FINDING("iova_to_phys(%#lx) returned %#llx, expected 0: the walk of [iova, iova + 1) ends at 0, visits nothing and returns a descriptor it never read",
				       ~0UL, (unsigned long long)got);
		*reported = true;
	} else {
		CHECK_EQ_HEX(got, 0);
	}
	pt_domain_release(&pd);
}

TEST(pgtable_iova_to_phys_top_of_range)
{
	bool reported = false;
	enum io_pgtable_fmt f;
	size_t g;

	for_each_fmt_granule(f, g)
		lookup_top(f, g, &reported);
}
