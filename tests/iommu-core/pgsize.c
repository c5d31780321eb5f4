// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core's page-size split (iommu_pgsize) and what iommu_map /
 * iommu_unmap leave in the table: the largest leaves that alignment allows,
 * read back through the architectural walker.
 */
#include <linux/sizes.h>
#include "harness.h"
#include "lib/pt.h"

#define RW	(IOMMU_READ | IOMMU_WRITE)
#define BM_4K	(SZ_4K | SZ_2M | SZ_1G)

TEST(iommu_pgsize_split)
{
	static const struct {
		unsigned long bitmap, iova;
		u64 paddr;
		size_t size, pgsize, count;
	} cases[] = {
		/* Aligned and big enough: the largest size. */
		{ BM_4K, 0, 0, SZ_2M, SZ_2M, 1 },
		{ BM_4K, SZ_1G, SZ_1G, 3UL * SZ_1G, SZ_1G, 3 },
		/* Stop at the next 2M boundary so the rest can use 2M blocks. */
		{ BM_4K, SZ_4K, SZ_4K, SZ_4M, SZ_4K, 511 },
		/* ... unless the rest isn't a whole 2M. */
		{ BM_4K, SZ_4K, SZ_4K, SZ_2M, SZ_4K, 512 },
		/* iova and paddr disagree within 2M: pages all the way. */
		{ BM_4K, SZ_4K, 2 * SZ_4K, SZ_4M, SZ_4K, 1024 },
		/* 2M-aligned, but only 1G's worth short of a 1G boundary. */
		{ BM_4K, SZ_1G - SZ_4M, SZ_1G - SZ_4M, SZ_1G + SZ_4M, SZ_2M, 2 },
		/* Smaller than any block. */
		{ BM_4K, 0, 0, 3 * SZ_4K, SZ_4K, 3 },
		{ SZ_16K | SZ_32M, SZ_32M - SZ_16K, SZ_32M - SZ_16K, SZ_64M, SZ_16K, 1 },
		{ SZ_64K | SZ_512M, 0, SZ_512M, SZ_1G, SZ_512M, 2 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t count = 0, pgsize;

		pgsize = iommu_pgsize(cases[i].bitmap, cases[i].iova, cases[i].paddr,
				      cases[i].size, &count);
		CHECK_EQ_HEX(pgsize, cases[i].pgsize);
		CHECK_EQ(count, cases[i].count);
	}
}

static int count_leaves(struct pt_domain *pd, u64 iova, u64 size, u64 leaf_size)
{
	struct pt_hw hw;
	struct pt_xlate x;
	int n = 0;
	u64 a;

	if (pt_hw_from_domain(&hw, pd))
		return -1;
	for (a = iova; a < iova + size; a += x.size) {
		if (pt_hw_translate(&hw, a, &x))
			return -1;
		if (x.size == leaf_size)
			n++;
	}
	return n;
}

TEST(iommu_map_uses_largest_leaves)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K };
	u64 iova = SZ_1G - SZ_4M - SZ_8K, size = SZ_1G + SZ_8M + SZ_16K;
	struct pt_domain pd;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	/* 2 pages, 2 x 2M up to 1G, one 1G block, 2 x 2M, 2 pages. */
	REQUIRE(iommu_map(&pd.dom, iova, iova, size, RW, GFP_KERNEL) == 0);
	CHECK_EQ(count_leaves(&pd, iova, size, SZ_4K), 2 + 2);
	CHECK_EQ(count_leaves(&pd, iova, size, SZ_2M), 2 + 2);
	CHECK_EQ(count_leaves(&pd, iova, size, SZ_1G), 1);
	CHECK_EQ_HEX(iommu_iova_to_phys(&pd.dom, iova + size - 1), iova + size - 1);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, iova + size), 0);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, iova - 1), 0);

	/* Unmap the same range: every leaf reported to the TLB model once. */
	tlb_counters_reset(pd.tlb);
	CHECK_EQ_HEX(iommu_unmap(&pd.dom, iova, size), size);
	CHECK_EQ(pd.tlb->cnt.add_page, 4 + 4 + 1);
	CHECK_EQ(pd.tlb->cnt.sync >= 1, 1);
	CHECK_EQ(iommu_iova_to_phys(&pd.dom, iova + SZ_1G), 0);
	pt_domain_release(&pd);
}

TEST(iommu_map_refuses_misaligned)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S2, .granule = SZ_64K };
	struct pt_domain pd;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	CHECK_EQ(iommu_map(&pd.dom, SZ_4K, 0, SZ_64K, RW, GFP_KERNEL), -EINVAL);
	CHECK_EQ(iommu_map(&pd.dom, 0, SZ_4K, SZ_64K, RW, GFP_KERNEL), -EINVAL);
	CHECK_EQ(iommu_map(&pd.dom, 0, 0, SZ_4K, RW, GFP_KERNEL), -EINVAL);
	CHECK_EQ(iommu_map(&pd.dom, 0, 0, 0, RW, GFP_KERNEL), -EINVAL);
	CHECK_EQ(iommu_unmap(&pd.dom, SZ_4K, SZ_64K), 0);
	pt_domain_release(&pd);
}
