// SPDX-License-Identifier: GPL-2.0
/*
 * What each flush model issues when a block, not a page, is unmapped: one
 * leaf of 2M or 1G is one invalidation for a per-page model (the kernel's
 * tlb_add_page is called once, with the block size), never one per 4K in
 * it, never a fixed two. The page-sized case is tlb_model_command_counts
 * in shadow.c; together they pin the count for every leaf size.
 */
#include <string.h>
#include <linux/io-pgtable.h>
#include "tlbtest.h"

#define PA	0x80000000000UL
#define IOVA	(4UL * SZ_1G)

static void check_block(const char *model, bool range_inv, size_t block,
			u64 want_cmds)
{
	struct tlb_params p = { .range_inv = range_inv };
	struct iommu_iotlb_gather g;
	struct io_pgtable_ops *ops;
	struct tt_dom t;
	size_t mapped = 0;

	REQUIRE(tt_init(&t, model, NULL, ARM_64_LPAE_S1, SZ_4K, &p) == 0);
	ops = t.d.ops;
	REQUIRE(ops->map_pages(ops, IOVA, PA, block, 1, IOMMU_READ,
			       GFP_KERNEL, &mapped) == 0);
	REQUIRE(mapped == block);
	tlb_counters_reset(t.m);
	iommu_iotlb_gather_init(&g);
	CHECK_EQ(ops->unmap_pages(ops, IOVA, block, 1, &g), block);
	iommu_iotlb_sync(&t.d, &g);
	if (t.m->cnt.cmds != want_cmds || t.m->cnt.hw_sync != 1)
		test_fail(__FILE__, __LINE__, "%s%s, %zuM block: %llu cmds %llu syncs, want %llu 1",
			  model, range_inv ? "/range" : "", block >> 20,
			  (unsigned long long)t.m->cnt.cmds,
			  (unsigned long long)t.m->cnt.hw_sync,
			  (unsigned long long)want_cmds);
	if (strcmp(model, "flush-all"))
		CHECK_EQ(t.m->cnt.inv_bytes, block);
	tt_release(&t);
}

TEST(tlb_model_block_command_counts)
{
	static const char *const models[] = { "strict-page", "range", "flush-all", "smmuv3" };
	static const size_t blocks[] = { SZ_2M, SZ_1G };
	size_t i, b;

	for (b = 0; b < ARRAY_SIZE(blocks); b++) {
		for (i = 0; i < ARRAY_SIZE(models); i++)
			check_block(models[i], false, blocks[b], 1);
		check_block("smmuv3", true, blocks[b], 1);
	}
}
