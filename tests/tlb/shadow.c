// SPDX-License-Identifier: GPL-2.0
/*
 * The checking TLB's own rules, driven directly: which invalidation
 * evicts which entry (tags, leaf-only, TTL and TG hints, single address
 * inside a block, ranges), and the SMMUv3 consumer applying the same rules
 * to commands decoded from the queue.
 */
#include <string.h>
#include "tlb/smmuv3.h"
#include "tlbtest.h"

#define PA	0x80000000000UL

/* A block at 2M and a table of pages at 4M, cached, then cleared behind the TLB's back. */
static int setup(struct tt_dom *t, const char *model, const struct tlb_params *p,
		 enum io_pgtable_fmt fmt)
{
	struct io_pgtable_ops *ops;
	struct iommu_iotlb_gather g;
	size_t mapped;
	int ret;

	ret = tt_init(t, model, NULL, fmt, SZ_4K, p);
	if (ret)
		return ret;
	ops = t->d.ops;
	if (iommu_map(&t->d, SZ_2M, PA, SZ_2M, IOMMU_READ, GFP_KERNEL) ||
	    ops->map_pages(ops, SZ_4M, PA, SZ_4K, 4, IOMMU_READ, GFP_KERNEL, &mapped))
		return -EIO;
	if (tlb_model_lookup(t->m, &t->d, SZ_2M + SZ_64K) != PA + SZ_64K ||
	    tlb_model_lookup(t->m, &t->d, SZ_4M + SZ_4K) != PA + SZ_4K ||
	    tlb_model_lookup(t->m, &t->d, SZ_4M + 2 * SZ_4K) != PA + 2 * SZ_4K)
		return -EIO;
	if (tlb_model_stale(t->m, &t->d, NULL, 0))
		return -EIO;
	/*
	 * Clear the PTEs with gathers nobody syncs: the TLB keeps them. (One
	 * gather for both would sync itself when the page size changes.)
	 */
	iommu_iotlb_gather_init(&g);
	ops->unmap_pages(ops, SZ_2M, SZ_2M, 1, &g);
	iommu_iotlb_gather_init(&g);
	ops->unmap_pages(ops, SZ_4M + SZ_4K, SZ_4K, 2, &g);
	return 0;
}

static size_t stale(struct tt_dom *t)
{
	return tlb_model_stale(t->m, &t->d, NULL, 0);
}

TEST(tlb_shadow_lookup_hits_and_walks)
{
	struct tt_dom t;
	struct tlb_shadow_stats st;

	REQUIRE(tt_init(&t, "count", NULL, ARM_64_LPAE_S2, SZ_4K, NULL) == 0);
	REQUIRE(iommu_map(&t.d, SZ_1G, PA, SZ_2M, IOMMU_READ, GFP_KERNEL) == 0);
	CHECK_EQ_HEX(tlb_model_lookup(t.m, &t.d, SZ_1G + 0x1234), PA + 0x1234);
	CHECK_EQ_HEX(tlb_model_lookup(t.m, &t.d, SZ_1G + SZ_1M), PA + SZ_1M);
	CHECK_EQ_HEX(tlb_model_lookup(t.m, &t.d, SZ_1G + SZ_2M), 0);
	tlb_shadow_stats(t.m, &st);
	/* One walk for the block, one hit inside it, one fault. */
	CHECK_EQ(st.misses, 2);
	CHECK_EQ(st.hits, 1);
	CHECK_EQ(st.faults, 1);
	CHECK_EQ(st.walk_mismatch, 0);
	tt_release(&t);
}

TEST(tlb_shadow_eviction_rules)
{
	struct tlb_inv inv;
	struct tt_dom t;

	REQUIRE(setup(&t, "count", NULL, ARM_64_LPAE_S1) == 0);
	CHECK_EQ(stale(&t), 3);		/* the block and two pages */

	/* Wrong ASID, or stage 2: nothing goes. */
	inv = (struct tlb_inv) { .scope = TLB_INV_VA, .stage = 1, .asid = 2,
				 .start = 0, .last = ~0UL };
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 3);
	inv.asid = 1;
	inv.stage = 2;
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 3);

	/* TTL says level 3: the level-2 block stays, as the architecture allows. */
	inv = (struct tlb_inv) { .scope = TLB_INV_VA, .stage = 1, .asid = 1,
				 .leaf = true, .tg_shift = 12, .ttl = 3,
				 .start = SZ_2M, .last = SZ_4M - 1 };
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 3);
	/* TG of another granule: not ours either. */
	inv.ttl = 2;
	inv.tg_shift = 16;
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 3);
	/* A single address anywhere in the block evicts the block. */
	inv = (struct tlb_inv) { .scope = TLB_INV_VA, .stage = 1, .asid = 1,
				 .leaf = true, .start = SZ_2M + SZ_1M,
				 .last = SZ_2M + SZ_1M };
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 2);
	/* A range over the first of the two pages only. */
	inv.start = SZ_4M;
	inv.last = SZ_4M + 2 * SZ_4K - 1;
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 1);
	inv.start = inv.last = SZ_4M + 2 * SZ_4K + 0x10;
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 0);
	tt_release(&t);
}

TEST(tlb_shadow_walk_cache_needs_non_leaf)
{
	struct io_pgtable_ops *ops;
	struct iommu_iotlb_gather g;
	struct tlb_stale st[8];
	struct tlb_inv inv;
	struct tt_dom t;
	size_t mapped, n, i;
	bool table = false;

	REQUIRE(tt_init(&t, "count", NULL, ARM_64_LPAE_S1, SZ_4K, NULL) == 0);
	ops = t.d.ops;
	REQUIRE(ops->map_pages(ops, SZ_2M, PA, SZ_4K, 512, IOMMU_READ,
			       GFP_KERNEL, &mapped) == 0);
	CHECK_EQ_HEX(tlb_model_lookup(t.m, &t.d, SZ_2M + SZ_8K), PA + SZ_8K);
	/* Unmapping the whole 2M frees the table: its walk-cache entry goes stale. */
	iommu_iotlb_gather_init(&g);
	CHECK_EQ(ops->unmap_pages(ops, SZ_2M, SZ_2M, 1, &g), SZ_2M);
	n = tlb_model_stale(t.m, &t.d, st, ARRAY_SIZE(st));
	for (i = 0; i < n; i++)
		table |= !st[i].leaf && st[i].level == 2;
	CHECK(table);
	/* Leaf-only invalidation leaves the table entry behind. */
	inv = (struct tlb_inv) { .scope = TLB_INV_VA, .stage = 1, .asid = 1,
				 .leaf = true, .start = SZ_2M, .last = SZ_4M - 1 };
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 1);
	inv.leaf = false;
	tlb_shadow_inv(t.m->shadow, &inv);
	CHECK_EQ(stale(&t), 0);
	tt_release(&t);
}

/* The same rules reached through commands decoded by the emulated SMMU. */
TEST(tlb_smmuv3_commands_evict)
{
	struct smmu_cmd c;
	struct tt_dom t;

	REQUIRE(setup(&t, "smmuv3", NULL, ARM_64_LPAE_S1) == 0);
	CHECK_EQ(stale(&t), 3);
	/* Range, 4K granule, TTL 3 over both pages: the block (level 2) stays. */
	c = (struct smmu_cmd) { .op = CMDQ_OP_TLBI_NH_VA, .asid = 1, .leaf = true,
				.tg = 1, .ttl = 3, .num = 1, .scale = 0,
				.addr = SZ_4M + SZ_4K };
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 1);
	/* Wrong ASID for the block. */
	c = (struct smmu_cmd) { .op = CMDQ_OP_TLBI_NH_VA, .asid = 2, .leaf = true,
				.addr = SZ_2M };
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 1);
	c.asid = 1;
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 0);
	tt_release(&t);

	/* Stage 2: S2_IPA by VMID, then the context-wide S12_VMALL. */
	REQUIRE(setup(&t, "smmuv3", NULL, ARM_64_LPAE_S2) == 0);
	c = (struct smmu_cmd) { .op = CMDQ_OP_TLBI_NH_VA, .asid = 1, .leaf = true,
				.addr = SZ_2M };
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 3);		/* a stage-1 command: no effect */
	c = (struct smmu_cmd) { .op = CMDQ_OP_TLBI_S2_IPA, .vmid = 1, .leaf = true,
				.addr = SZ_2M };
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 2);
	c = (struct smmu_cmd) { .op = CMDQ_OP_TLBI_S12_VMALL, .vmid = 2 };
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 2);
	c.vmid = 1;
	smmuv3_issue(t.m, &c);
	smmuv3_sync(t.m);
	CHECK_EQ(stale(&t), 0);
	tt_release(&t);
}

/* What each model issues for one unmap: counts follow from the strategy. */
TEST(tlb_model_command_counts)
{
	static const struct {
		const char *name;
		bool range_inv;
		u64 cmds, hw_sync;
	} want[] = {
		/* 2M of 4K pages in one unmap_pages: 512 leaves, one sync. */
		{ "strict-page", false, 512, 1 },
		{ "range", false, 1, 1 },
		{ "flush-all", false, 1, 1 },
		{ "smmuv3", false, 512, 1 },
		{ "smmuv3", true, 1, 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct tlb_params p = { .range_inv = want[i].range_inv };
		struct io_pgtable_ops *ops;
		struct tt_dom t;
		size_t mapped;

		REQUIRE(tt_init(&t, want[i].name, NULL, ARM_64_LPAE_S1, SZ_4K, &p) == 0);
		ops = t.d.ops;
		/* Pages in a table, and one more so the table is not freed. */
		REQUIRE(ops->map_pages(ops, SZ_1G, PA, SZ_4K, 512, IOMMU_READ,
				       GFP_KERNEL, &mapped) == 0);
		REQUIRE(ops->map_pages(ops, SZ_1G + SZ_2M, PA, SZ_4K, 1, IOMMU_READ,
				       GFP_KERNEL, &mapped) == 0);
		tlb_counters_reset(t.m);
		{
			struct iommu_iotlb_gather g;

			iommu_iotlb_gather_init(&g);
			CHECK_EQ(ops->unmap_pages(ops, SZ_1G, SZ_4K, 512, &g), SZ_2M);
			iommu_iotlb_sync(&t.d, &g);
		}
		if (t.m->cnt.cmds != want[i].cmds || t.m->cnt.hw_sync != want[i].hw_sync)
			test_fail(__FILE__, __LINE__, "%s%s: %llu cmds %llu syncs, want %llu %llu",
				  want[i].name, want[i].range_inv ? "/range" : "",
				  (unsigned long long)t.m->cnt.cmds,
				  (unsigned long long)t.m->cnt.hw_sync,
				  (unsigned long long)want[i].cmds,
				  (unsigned long long)want[i].hw_sync);
		if (strcmp(want[i].name, "flush-all"))
			CHECK_EQ(t.m->cnt.inv_bytes, SZ_2M);
		tt_release(&t);
	}
}
