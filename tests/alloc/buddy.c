// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy backend and the buddy allocator under it: splitting and
 * merging back to the starting free lists, exhaustion of a small region,
 * the arena's own physical address space, page-sized minimum blocks,
 * node recording, and the DMA-API semantics of the incoherent calls.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "alloc/buddy-core.h"
#include "alloc/buddy.h"
#include "harness.h"
#include "iommu-pages.h"

#define REGION_ORDER	BUDDY_MAX_ORDER
#define REGION_ALIGN	(PAGE_SIZE << REGION_ORDER)

/* A private region: the backend's arena is shared with every other test. */
static void *region(size_t size)
{
	return buddy_map_region(size, REGION_ALIGN, false);
}

static bool same_shape(const struct buddy_stats *a, const struct buddy_stats *b)
{
	return !memcmp(a->nr_free, b->nr_free, sizeof(a->nr_free)) &&
	       a->free_pages == b->free_pages;
}

static u64 rng_next(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

TEST(buddy_core_split_then_merge_to_one_block)
{
	struct buddy b;
	struct buddy_stats st;
	void *mem = region(REGION_ALIGN), *p;
	unsigned int o;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0x40000000, REGION_ALIGN, REGION_ORDER,
			   BUDDY_ZERO_ON_ALLOC) == 0);
	buddy_get_stats(&b, &st);
	CHECK_EQ(st.nr_free[REGION_ORDER], 1);
	p = buddy_alloc(&b, 0);
	REQUIRE(p == mem);
	buddy_get_stats(&b, &st);
	/* One page taken out of 2^10: one free block at every lower order. */
	for (o = 0; o < REGION_ORDER; o++)
		CHECK_EQ(st.nr_free[o], 1);
	CHECK_EQ(st.nr_free[REGION_ORDER], 0);
	CHECK_EQ(st.splits, REGION_ORDER);
	CHECK_EQ(buddy_free(&b, p), 0);
	buddy_get_stats(&b, &st);
	for (o = 0; o < REGION_ORDER; o++)
		CHECK_EQ(st.nr_free[o], 0);
	CHECK_EQ(st.nr_free[REGION_ORDER], 1);
	CHECK_EQ(st.merges, REGION_ORDER);
	CHECK_EQ(st.free_pages, st.total_pages);
	buddy_destroy(&b);
	buddy_unmap_region(mem, REGION_ALIGN, REGION_ALIGN);
}

TEST(buddy_core_random_churn_no_overlap_and_full_merge)
{
	enum { N = 300, SIZE = 4 * REGION_ALIGN };
	struct { char *p; unsigned int order; } blk[N];
	struct buddy_stats st0, st;
	u64 seed = test_seed() | 1;
	struct buddy b;
	char *mem = region(SIZE);
	int i, j, n = 0;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0x100000000ULL, SIZE, REGION_ORDER,
			   BUDDY_ZERO_ON_ALLOC) == 0);
	buddy_get_stats(&b, &st0);
	for (i = 0; i < 4 * N; i++) {
		bool do_alloc = n < N && (n == 0 || rng_next(&seed) % 3);

		if (do_alloc) {
			unsigned int order = rng_next(&seed) % 5;
			char *p = buddy_alloc(&b, order);

			REQUIRE(p);
			CHECK(IS_ALIGNED((uintptr_t)(p - mem), PAGE_SIZE << order));
			CHECK(p[0] == 0 && p[(PAGE_SIZE << order) - 1] == 0);
			memset(p, 0x5a, PAGE_SIZE << order);
			blk[n].p = p;
			blk[n].order = order;
			n++;
		} else {
			j = rng_next(&seed) % n;
			CHECK_EQ(buddy_free(&b, blk[j].p), blk[j].order);
			blk[j] = blk[--n];
		}
	}
	/* No two live blocks overlap. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			char *a = blk[i].p, *c = blk[j].p;

			CHECK(a + (PAGE_SIZE << blk[i].order) <= c ||
			      c + (PAGE_SIZE << blk[j].order) <= a);
		}
	while (n) {
		j = rng_next(&seed) % n;
		CHECK_EQ(buddy_free(&b, blk[j].p), blk[j].order);
		blk[j] = blk[--n];
	}
	buddy_get_stats(&b, &st);
	CHECK(same_shape(&st0, &st));
	CHECK_EQ(st.nr_free[REGION_ORDER], 4);
	buddy_destroy(&b);
	buddy_unmap_region(mem, SIZE, REGION_ALIGN);
}

TEST(buddy_core_odd_sized_region_carved_in_aligned_blocks)
{
	/* 1 max block + 4 pages + 1 page: free lists say exactly that. */
	size_t size = REGION_ALIGN + 5 * PAGE_SIZE;
	struct buddy_stats st;
	char *mem = region(size + REGION_ALIGN);
	struct buddy b;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0x80000000, size, REGION_ORDER,
			   BUDDY_ZERO_ON_ALLOC) == 0);
	buddy_get_stats(&b, &st);
	CHECK_EQ(st.nr_free[REGION_ORDER], 1);
	CHECK_EQ(st.nr_free[2], 1);
	CHECK_EQ(st.nr_free[0], 1);
	CHECK_EQ(st.free_pages, REGION_ALIGN / PAGE_SIZE + 5);
	/* A block of order 3 fits only in the big one. */
	CHECK(buddy_alloc(&b, 3) == mem);
	buddy_destroy(&b);
	buddy_unmap_region(mem, size + REGION_ALIGN, REGION_ALIGN);
}

TEST(buddy_core_rejects_misaligned_region)
{
	struct buddy b;
	char *mem = region(2 * REGION_ALIGN);

	REQUIRE(mem);
	CHECK_EQ(buddy_init(&b, mem + PAGE_SIZE, 0, REGION_ALIGN, REGION_ORDER,
			    BUDDY_ZERO_ON_ALLOC), -EINVAL);
	CHECK_EQ(buddy_init(&b, mem, PAGE_SIZE, REGION_ALIGN, REGION_ORDER,
			    BUDDY_ZERO_ON_ALLOC), -EINVAL);
	CHECK_EQ(buddy_init(&b, mem, 0, REGION_ALIGN + 1, REGION_ORDER,
			    BUDDY_ZERO_ON_ALLOC), -EINVAL);
	buddy_unmap_region(mem, 2 * REGION_ALIGN, REGION_ALIGN);
}

TEST(buddy_core_exhaustion_is_null_then_recovers)
{
	size_t size = 16 * PAGE_SIZE;
	void *mem = region(REGION_ALIGN), *p[17];
	struct buddy b;
	int i;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0, size, REGION_ORDER, BUDDY_ZERO_ON_ALLOC) == 0);
	for (i = 0; i < 16; i++)
		REQUIRE((p[i] = buddy_alloc(&b, 0)));
	CHECK(buddy_alloc(&b, 0) == NULL);
	CHECK(buddy_alloc(&b, REGION_ORDER + 1) == NULL);
	buddy_free(&b, p[7]);
	p[16] = buddy_alloc(&b, 0);
	CHECK(p[16] == p[7]);
	CHECK(buddy_alloc(&b, 1) == NULL);	/* one page free, no pair */
	buddy_destroy(&b);
	buddy_unmap_region(mem, REGION_ALIGN, REGION_ALIGN);
}

TEST(buddy_core_double_free_warns)
{
	void *mem = region(REGION_ALIGN), *p;
	struct buddy b;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0, REGION_ALIGN, REGION_ORDER, BUDDY_ZERO_ON_ALLOC) == 0);
	p = buddy_alloc(&b, 2);
	REQUIRE(p);
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	CHECK_EQ(buddy_free(&b, p), 2);
	CHECK_EQ(buddy_free(&b, p), -EINVAL);
	CHECK_EQ(buddy_free(&b, (char *)p + PAGE_SIZE), -EINVAL);
	CHECK_EQ(shim_warn_count(), 2);
	buddy_destroy(&b);
	buddy_unmap_region(mem, REGION_ALIGN, REGION_ALIGN);
}

TEST(buddy_arena_phys_is_its_own_address_space)
{
	struct buddy *a = buddy_backend_arena();
	void *p;

	REQUIRE(a);
	CHECK_EQ_HEX(a->phys, 0x800000000ULL);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p);
	CHECK((uintptr_t)p != virt_to_phys(p));
	CHECK_EQ_HEX(virt_to_phys(p), a->phys + ((char *)p - a->virt));
	CHECK(phys_to_virt(virt_to_phys(p)) == p);
	CHECK_EQ_HEX(virt_to_phys(a->virt), a->phys);
	CHECK(phys_to_virt(a->phys + a->size - 1) == a->virt + a->size - 1);
	iommu_free_pages(p);
}

TEST(buddy_arena_rejects_foreign_addresses)
{
	struct buddy *a = buddy_backend_arena();
	int local;

	REQUIRE(a);
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	CHECK(phys_to_virt(a->phys + a->size) == NULL);
	CHECK(phys_to_virt(a->phys - 1) == NULL);
	CHECK_EQ(virt_to_phys(&local), 0);
	CHECK(dma_mapping_error(NULL, dma_map_single(NULL, &local, 8, DMA_TO_DEVICE)));
	iommu_free_pages(&local);
	CHECK_EQ(shim_warn_count(), 5);
}

TEST(buddy_small_tables_take_a_whole_page)
{
	struct alloc_stats s0, s1;
	void *p;

	backend_stats(&s0);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, 64);
	REQUIRE(p);
	backend_stats(&s1);
	CHECK_EQ(s1.bytes_held - s0.bytes_held, PAGE_SIZE);
	CHECK_EQ(s1.pages_held - s0.pages_held, 1);
	CHECK(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	CHECK_EQ(buddy_block_order(buddy_backend_arena(), p), 0);
	iommu_free_pages(p);
	/* Sizes between powers of two round up to the next order. */
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, 3 * SZ_4K);
	REQUIRE(p);
	CHECK_EQ(buddy_block_order(buddy_backend_arena(), p), 2);
	CHECK(IS_ALIGNED(virt_to_phys(p), 4 * SZ_4K));
	iommu_free_pages(p);
}

TEST(buddy_node_argument_is_recorded)
{
	u64 before[BUDDY_NODE_SLOTS], after[BUDDY_NODE_SLOTS];
	void *p, *q, *r;

	buddy_backend_node_requests(before);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	q = iommu_alloc_pages_node_sz(0, GFP_KERNEL, SZ_4K);
	r = iommu_alloc_pages_node_sz(3, GFP_KERNEL, SZ_4K);
	REQUIRE(p && q && r);
	buddy_backend_node_requests(after);
	CHECK_EQ(after[0] - before[0], 1);
	CHECK_EQ(after[1] - before[1], 1);
	CHECK_EQ(after[4] - before[4], 1);
	CHECK_EQ(buddy_page_of(buddy_backend_arena(), r)->nid, 3);
	iommu_free_pages(p);
	iommu_free_pages(q);
	iommu_free_pages(r);
}

TEST(buddy_arena_split_merge_back_after_freeing_all)
{
	static const size_t sizes[] = { 64, SZ_4K, SZ_8K, SZ_16K, SZ_64K, SZ_1M, SZ_4M };
	struct buddy *a = buddy_backend_arena();
	struct buddy_stats st0, st1, st2;
	void *p[ARRAY_SIZE(sizes) * 3];
	size_t i;

	REQUIRE(a);
	buddy_get_stats(a, &st0);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL,
						 sizes[i % ARRAY_SIZE(sizes)]);
		REQUIRE(p[i]);
	}
	buddy_get_stats(a, &st1);
	CHECK(st1.splits > st0.splits);
	CHECK(!same_shape(&st0, &st1));
	/* Free in an order unrelated to allocation: merging must not care. */
	for (i = 0; i < ARRAY_SIZE(p); i++)
		iommu_free_pages(p[(i * 5) % ARRAY_SIZE(p)]);	/* 5 is coprime to 21 */
	buddy_get_stats(a, &st2);
	CHECK(same_shape(&st0, &st2));
}

TEST(buddy_incoherent_is_a_dma_mapping)
{
	struct device dev = { .name = "walker" };
	struct alloc_stats s0, s1;
	void *p, *big;

	backend_stats(&s0);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	big = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_64K);
	REQUIRE(p && big);
	CHECK_EQ(iommu_pages_start_incoherent(p, &dev), 0);
	CHECK_EQ(iommu_pages_start_incoherent(big, &dev), 0);
	/* A PTE in the last page of a multi-page table is part of it. */
	iommu_pages_flush_incoherent(&dev, big, SZ_64K - 8, 8);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped - s0.mapped, 2);
	CHECK_EQ(s1.syncs - s0.syncs, 1);
	iommu_pages_free_incoherent(p, &dev);
	iommu_pages_free_incoherent(big, &dev);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	CHECK_EQ(s1.bytes_held, s0.bytes_held);
}

TEST(buddy_incoherent_misuse_warns)
{
	struct device dev = { .name = "walker" };
	struct alloc_stats s0, s1;
	void *p, *q;

	backend_stats(&s0);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	q = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p && q);
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	iommu_pages_flush_incoherent(&dev, p, 0, 8);	/* never started */
	CHECK_EQ(shim_warn_count(), 1);
	CHECK_EQ(iommu_pages_start_incoherent(p, &dev), 0);
	CHECK_EQ(iommu_pages_start_incoherent(p, &dev), -EINVAL);	/* twice */
	CHECK_EQ(shim_warn_count(), 2);
	iommu_free_pages(p);			/* leaks the mapping: warned, cleaned up */
	CHECK_EQ(shim_warn_count(), 3);
	iommu_pages_free_incoherent(q, &dev);	/* never started */
	CHECK_EQ(shim_warn_count(), 4);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	CHECK_EQ(s1.bytes_held, s0.bytes_held);
}

TEST(buddy_dma_api_maps_arena_memory)
{
	struct alloc_stats s0, s1;
	dma_addr_t dma;
	void *p;

	backend_stats(&s0);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p);
	dma = dma_map_single(NULL, p, SZ_4K, DMA_TO_DEVICE);
	CHECK(!dma_mapping_error(NULL, dma));
	CHECK_EQ_HEX(dma, virt_to_phys(p));
	dma_sync_single_for_device(NULL, dma + 8, 8, DMA_TO_DEVICE);
	dma_unmap_single(NULL, dma, SZ_4K, DMA_TO_DEVICE);
	backend_stats(&s1);
	CHECK_EQ(s1.maps - s0.maps, 1);
	CHECK_EQ(s1.unmaps - s0.unmaps, 1);
	CHECK_EQ(s1.syncs - s0.syncs, 1);
	iommu_free_pages(p);
}

TEST(buddy_arena_exhaustion_is_null_not_a_crash)
{
	struct alloc_stats s0, s1;
	void *p;

	backend_stats(&s0);
	/* Bigger than the largest block: the page allocator says no. */
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, 2 * SZ_4M);
	CHECK(p == NULL);
	backend_stats(&s1);
	CHECK_EQ(s1.failures - s0.failures, 1);
	CHECK_EQ(s1.injected - s0.injected, 0);
}

int __asan_address_is_poisoned(void const volatile *addr) __attribute__((weak));

TEST(buddy_freed_tables_are_poisoned_under_asan)
{
	char *p;

	if (!__asan_address_is_poisoned)
		SKIP("not built with AddressSanitizer (SANITIZE=1 is)");
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_8K);
	REQUIRE(p);
	CHECK(!__asan_address_is_poisoned(p));
	CHECK(!__asan_address_is_poisoned(p + SZ_8K - 1));
	iommu_free_pages(p);
	CHECK(__asan_address_is_poisoned(p));
	CHECK(__asan_address_is_poisoned(p + SZ_8K - 1));
}

struct churn_arg {
	struct buddy *b;
	u64 seed;
	u64 tag;
	int bad;
};

/* Random alloc/free on a shared region; each block carries its owner's tag. */
static void *core_churn(void *p)
{
	struct churn_arg *a = p;
	struct { u64 *p; unsigned int order; } live[32];
	int n = 0, i, j;

	for (i = 0; i < 3000; i++) {
		if (n < 32 && (n == 0 || rng_next(&a->seed) % 2)) {
			unsigned int order = rng_next(&a->seed) % 4;
			u64 *blk = buddy_alloc(a->b, order);

			if (!blk)
				continue;	/* the other thread holds the rest */
			if (blk[0] || blk[(PAGE_SIZE << order) / 8 - 1])
				a->bad++;	/* not zeroed: someone else wrote it */
			blk[0] = blk[(PAGE_SIZE << order) / 8 - 1] = a->tag;
			live[n].p = blk;
			live[n++].order = order;
		} else {
			j = rng_next(&a->seed) % n;
			if (live[j].p[0] != a->tag ||
			    live[j].p[(PAGE_SIZE << live[j].order) / 8 - 1] != a->tag)
				a->bad++;
			if (buddy_free(a->b, live[j].p) != (int)live[j].order)
				a->bad++;
			live[j] = live[--n];
		}
	}
	while (n--)
		if (buddy_free(a->b, live[n].p) != (int)live[n].order)
			a->bad++;
	return NULL;
}

TEST(buddy_core_two_threads_share_a_region_safely)
{
	size_t size = 2 * REGION_ALIGN;
	struct churn_arg a[2] = {
		{ .seed = test_seed() | 1, .tag = 0x1111 },
		{ .seed = (test_seed() << 1) | 3, .tag = 0x2222 },
	};
	struct buddy_stats st0, st;
	pthread_t t[2];
	struct buddy b;
	void *mem = region(size);
	int i;

	REQUIRE(mem);
	REQUIRE(buddy_init(&b, mem, 0, size, REGION_ORDER, BUDDY_ZERO_ON_ALLOC) == 0);
	buddy_get_stats(&b, &st0);
	for (i = 0; i < 2; i++) {
		a[i].b = &b;
		REQUIRE(pthread_create(&t[i], NULL, core_churn, &a[i]) == 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(a[i].bad, 0);
	}
	buddy_get_stats(&b, &st);
	CHECK(same_shape(&st0, &st));
	CHECK(st.splits > 0 && st.merges > 0);
	buddy_destroy(&b);
	buddy_unmap_region(mem, size, REGION_ALIGN);
}
