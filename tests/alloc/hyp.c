// SPDX-License-Identifier: GPL-2.0
/*
 * The hyp backend: a donated carve-out that runs out (NULL, counted, not
 * a crash) and recovers, phys = virt + one fixed offset over the whole
 * carve-out, memory cleared when it returns to the pool, no DMA API (each
 * call WARNs and fails), and incoherent tables cleaned directly.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "alloc/buddy-core.h"
#include "alloc/hyp.h"
#include "arch/cache.h"
#include "harness.h"
#include "iommu-pages.h"

TEST(hyp_phys_is_virt_plus_fixed_offset)
{
	struct buddy *pool = hyp_backend_pool();
	s64 off = hyp_backend_physvirt_offset();
	char *first, *last;
	void *p;

	REQUIRE(pool);
	first = pool->virt;
	last = pool->virt + pool->size - 1;
	CHECK_EQ_HEX(virt_to_phys(first), 0xc0000000ULL);
	CHECK_EQ_HEX(virt_to_phys(first), (u64)(uintptr_t)first + off);
	CHECK_EQ_HEX(virt_to_phys(last), (u64)(uintptr_t)last + off);
	CHECK(phys_to_virt(virt_to_phys(last)) == last);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p);
	CHECK((uintptr_t)p != virt_to_phys(p));
	CHECK(phys_to_virt(virt_to_phys(p) + 0x18) == (char *)p + 0x18);
	iommu_free_pages(p);
}

TEST(hyp_foreign_addresses_warn)
{
	struct buddy *pool = hyp_backend_pool();
	int local;

	REQUIRE(pool);
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	CHECK_EQ(virt_to_phys(&local), 0);
	CHECK(phys_to_virt(pool->phys + pool->size) == NULL);
	CHECK_EQ(shim_warn_count(), 2);
}

TEST(hyp_carveout_exhaustion_and_recovery)
{
	struct buddy *pool = hyp_backend_pool();
	struct alloc_stats s0, s1;
	struct buddy_stats b0, b1;
	void **p;
	size_t n = 0, i;

	REQUIRE(pool);
	buddy_get_stats(pool, &b0);
	p = calloc(b0.free_pages + 1, sizeof(*p));
	REQUIRE(p);
	backend_stats(&s0);
	while (n <= b0.free_pages) {
		p[n] = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
		if (!p[n])
			break;
		n++;
	}
	/* Every free page, then NULL: a real failure, not an injected one. */
	CHECK_EQ(n, b0.free_pages);
	backend_stats(&s1);
	CHECK_EQ(s1.failures - s0.failures, 1);
	CHECK_EQ(s1.injected - s0.injected, 0);
	CHECK_EQ(s1.bytes_held - s0.bytes_held, n * PAGE_SIZE);
	buddy_get_stats(pool, &b1);
	CHECK_EQ(b1.free_pages, 0);
	/* A page comes back, a table can be allocated again. */
	if (n) {
		memset(p[n - 1], 0xff, PAGE_SIZE);
		iommu_free_pages(p[--n]);
		p[n] = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, 64);
		CHECK(p[n] != NULL);
		if (p[n])
			CHECK(((u64 *)p[n])[0] == 0 && ((u64 *)p[n])[511] == 0);
		n += p[n] != NULL;
	}
	for (i = 0; i < n; i++)
		iommu_free_pages(p[i]);
	free(p);
	buddy_get_stats(pool, &b1);
	CHECK_EQ(b1.free_pages, b0.free_pages);
	CHECK(!memcmp(b1.nr_free, b0.nr_free, sizeof(b0.nr_free)));
}

TEST(hyp_memory_is_cleared_on_free)
{
	struct buddy *pool = hyp_backend_pool();
	u64 *p;
	size_t i;
	bool clear = true;

	REQUIRE(pool);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_16K);
	REQUIRE(p);
	memset(p, 0x77, SZ_16K);
	iommu_free_pages(p);
	/* Peek on purpose (ASan poisons free blocks): no stale PTEs are left. */
	buddy_unpoison(p, SZ_16K);
	for (i = 0; i < SZ_16K / sizeof(*p); i++)
		clear &= p[i] == 0;
	buddy_poison(p, SZ_16K);
	CHECK(clear);
}

TEST(hyp_dma_api_warns_and_fails)
{
	void *p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	dma_addr_t dma;

	REQUIRE(p);
	CHECK(!backend_has_dma_api());
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	dma = dma_map_single(NULL, p, SZ_4K, DMA_TO_DEVICE);
	CHECK(dma_mapping_error(NULL, dma));
	CHECK_EQ(shim_warn_count(), 1);
	dma_sync_single_for_device(NULL, virt_to_phys(p), 8, DMA_TO_DEVICE);
	dma_unmap_single(NULL, virt_to_phys(p), SZ_4K, DMA_TO_DEVICE);
	CHECK_EQ(shim_warn_count(), 3);
	iommu_free_pages(p);
}

TEST(hyp_incoherent_tables_are_cleaned_directly)
{
	struct device dev = { .name = "walker" };
	struct alloc_stats s0, s1;
	struct cache_stats c0, c1;
	void *p;

	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p);
	backend_stats(&s0);
	arch_cache_stats(&c0);
	CHECK_EQ(iommu_pages_start_incoherent(p, &dev), 0);
	iommu_pages_flush_incoherent(&dev, p, 128, 16);
	arch_cache_stats(&c1);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped - s0.mapped, 1);
	CHECK_EQ(s1.syncs - s0.syncs, 1);
	if (arch_cache_supported())
		CHECK_EQ(c1.lines - c0.lines,
			 SZ_4K / arch_dcache_line_size() + 1);
	iommu_pages_free_incoherent(p, &dev);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	if (!arch_cache_supported())
		SKIP("no cache maintenance on this architecture: cleans not counted");
}
