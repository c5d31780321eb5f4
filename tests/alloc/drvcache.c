// SPDX-License-Identifier: GPL-2.0
/*
 * The drvcache backend: cfg->alloc only pops what was reserved (an empty
 * class is NULL and a counted failure, and the pool never grows on its
 * own), backend_prepare() refills, domain setup reserves a root of every
 * possible size, sub-page tables share pages without overlapping, the DMA
 * calls the core makes are checked, and iommu-pages works beside the pool
 * but is counted apart, so a domain's tables provably come from the pool.
 */
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "alloc/common.h"
#include "alloc/drvcache.h"
#include "iommu-core/iommu-core.h"
#include "harness.h"
#include "kcore.h"
#include "iommu-pages.h"

static struct io_pgtable_cfg cfg;
static int cookie;

static void setup(unsigned long granule)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.pgsize_bitmap = granule | (granule << 9);
	cfg.coherent_walk = false;
	backend_setup_cfg(&cfg);
}

static int cls(size_t size) { return ilog2(size) - DRVCACHE_MIN_SHIFT; }

TEST(drvcache_installs_cfg_callbacks)
{
	setup(SZ_4K);
	CHECK(cfg.alloc != NULL);
	CHECK(cfg.free != NULL);
}

TEST(drvcache_setup_reserves_every_root_size)
{
	struct drvcache_stats st;
	size_t size;

	setup(SZ_16K);
	drvcache_get_stats(&st);
	for (size = 64; size <= 16 * SZ_16K; size <<= 1)
		CHECK(st.free[cls(size)] >= 1);
	CHECK(st.free[cls(SZ_16K)] >= DRVCACHE_DOMAIN_RESERVE);
}

TEST(drvcache_pool_exhaustion_and_refill)
{
	struct alloc_stats s0, s1;
	struct drvcache_stats d0, d1;
	size_t n, i;
	void *p[80], *extra;

	setup(SZ_4K);
	REQUIRE(drvcache_reserve(SZ_4K, 8) == 0);
	n = drvcache_pool_free(SZ_4K);
	REQUIRE(n >= 8 && n <= ARRAY_SIZE(p));
	backend_stats(&s0);
	drvcache_get_stats(&d0);
	for (i = 0; i < n; i++) {
		p[i] = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
		REQUIRE(p[i]);
	}
	/* Empty: NULL, counted, and nothing was taken from the arena to cover it. */
	CHECK(cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC) == NULL);
	backend_stats(&s1);
	drvcache_get_stats(&d1);
	CHECK_EQ(s1.failures - s0.failures, 1);
	CHECK_EQ(s1.injected - s0.injected, 0);
	CHECK_EQ(d1.misses - d0.misses, 1);
	CHECK_EQ(d1.reserved_bytes, d0.reserved_bytes);
	CHECK_EQ(drvcache_pool_free(SZ_4K), 0);
	/* The refill happens outside the timed path. */
	REQUIRE(backend_prepare(4) == 0);
	CHECK_EQ(drvcache_pool_free(SZ_4K), 4);
	extra = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	CHECK(extra != NULL);
	for (i = 0; i < n; i++)
		cfg.free(&cookie, p[i], SZ_4K);
	if (extra)
		cfg.free(&cookie, extra, SZ_4K);
	CHECK_EQ(drvcache_pool_free(SZ_4K), n + 4);
}

TEST(drvcache_prepare_refills_a_class_that_ran_dry)
{
	void *p;

	setup(SZ_4K);
	while ((p = cfg.alloc(&cookie, SZ_8K, GFP_ATOMIC)))
		;	/* leaked on purpose: this class is drained for good */
	CHECK_EQ(drvcache_pool_free(SZ_8K), 0);
	REQUIRE(backend_prepare(3) == 0);
	CHECK_EQ(drvcache_pool_free(SZ_8K), 3);
}

TEST(drvcache_alloc_and_free_never_touch_the_arena)
{
	struct drvcache_stats d0, d1;
	void *p[16];
	int i;

	setup(SZ_4K);
	REQUIRE(backend_prepare(16) == 0);
	drvcache_get_stats(&d0);
	for (i = 0; i < 16; i++)
		REQUIRE((p[i] = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC)));
	for (i = 0; i < 16; i++)
		cfg.free(&cookie, p[i], SZ_4K);
	drvcache_get_stats(&d1);
	CHECK_EQ(d1.reserved_bytes, d0.reserved_bytes);
	CHECK_EQ(d1.total[cls(SZ_4K)], d0.total[cls(SZ_4K)]);
}

TEST(drvcache_small_tables_share_pages_without_overlap)
{
	enum { N = 70 };
	u64 *p[N];
	int i, j;

	setup(SZ_4K);
	REQUIRE(drvcache_reserve(64, N) == 0);
	for (i = 0; i < N; i++) {
		p[i] = cfg.alloc(&cookie, 64, GFP_ATOMIC);
		REQUIRE(p[i]);
		CHECK(IS_ALIGNED((uintptr_t)p[i], 64));
		CHECK(IS_ALIGNED(virt_to_phys(p[i]), 64));
		for (j = 0; j < 8; j++)
			CHECK_EQ(p[i][j], 0);
		for (j = 0; j < 8; j++)
			p[i][j] = i;
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < 8; j++)
			CHECK_EQ(p[i][j], i);
	for (i = 0; i < N; i++)
		cfg.free(&cookie, p[i], 64);
}

TEST(drvcache_phys_is_the_arena_address_space)
{
	void *p;
	phys_addr_t phys;

	setup(SZ_4K);
	p = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	REQUIRE(p);
	phys = virt_to_phys(p);
	CHECK(phys >= 0x900000000ULL && phys < 0x900000000ULL + (256UL << 20));
	CHECK((uintptr_t)p != phys);
	CHECK(phys_to_virt(phys) == p);
	CHECK(phys_to_virt(phys + 0xff8) == (char *)p + 0xff8);
	cfg.free(&cookie, p, SZ_4K);
}

TEST(drvcache_dma_map_sync_unmap)
{
	struct alloc_stats s0, s1;
	dma_addr_t dma;
	u64 *p;

	setup(SZ_4K);
	p = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	REQUIRE(p);
	backend_stats(&s0);
	dma = dma_map_single(cfg.iommu_dev, p, SZ_4K, DMA_TO_DEVICE);
	REQUIRE(!dma_mapping_error(cfg.iommu_dev, dma));
	CHECK_EQ_HEX(dma, virt_to_phys(p));
	p[5] = 0x3;
	dma_sync_single_for_device(cfg.iommu_dev, dma + 5 * 8, 8, DMA_TO_DEVICE);
	iommu_pages_flush_incoherent(cfg.iommu_dev, p, 6 * 8, 16);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped - s0.mapped, 1);
	CHECK_EQ(s1.syncs - s0.syncs, 2);
	dma_unmap_single(cfg.iommu_dev, dma, SZ_4K, DMA_TO_DEVICE);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	CHECK_EQ(s1.unmaps - s0.unmaps, 1);
	cfg.free(&cookie, p, SZ_4K);
}

TEST(drvcache_dma_misuse_warns)
{
	struct alloc_stats s0, s1;
	dma_addr_t dma;
	void *p, *q;
	int local;

	setup(SZ_4K);
	p = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	q = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	REQUIRE(p && q);
	backend_stats(&s0);
	expect_warnings();
	shim_printk_quiet(true);
	shim_warn_reset();
	CHECK(dma_mapping_error(NULL, dma_map_single(NULL, &local, 8, DMA_TO_DEVICE)));
	CHECK(dma_mapping_error(NULL, dma_map_single(NULL, p, 2 * SZ_4K, DMA_TO_DEVICE)));
	CHECK_EQ(shim_warn_count(), 2);
	dma_sync_single_for_device(NULL, virt_to_phys(q), 8, DMA_TO_DEVICE);	/* q not mapped */
	CHECK_EQ(shim_warn_count(), 3);
	dma = dma_map_single(NULL, p, SZ_4K, DMA_TO_DEVICE);
	REQUIRE(!dma_mapping_error(NULL, dma));
	CHECK(dma_mapping_error(NULL, dma_map_single(NULL, p, SZ_4K, DMA_TO_DEVICE)));
	CHECK_EQ(shim_warn_count(), 4);
	cfg.free(&cookie, p, SZ_4K);		/* still mapped: warned, unmapped */
	CHECK_EQ(shim_warn_count(), 5);
	dma_unmap_single(NULL, dma, SZ_4K, DMA_TO_DEVICE);	/* already gone */
	CHECK_EQ(shim_warn_count(), 6);
	cfg.free(&cookie, q, SZ_16K);		/* wrong size: warned, still freed */
	CHECK_EQ(shim_warn_count(), 7);
	cfg.free(&cookie, q, SZ_4K);		/* double free */
	CHECK_EQ(shim_warn_count(), 8);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	CHECK_EQ(s1.bytes_held, s0.bytes_held - 2 * SZ_4K);
}

TEST(drvcache_iommu_pages_is_the_page_allocator_counted_apart)
{
	struct drvcache_stats d0, d1;
	void *p, *q;

	setup(SZ_4K);
	drvcache_get_stats(&d0);
	p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);
	REQUIRE(p);
	CHECK(virt_to_phys(p) >= 0x800000000ULL && virt_to_phys(p) < 0x900000000ULL);
	CHECK(phys_to_virt(virt_to_phys(p)) == p);
	q = cfg.alloc(&cookie, SZ_4K, GFP_ATOMIC);
	REQUIRE(q);
	drvcache_get_stats(&d1);
	CHECK_EQ(d1.page_allocs - d0.page_allocs, 1);
	CHECK_EQ(d1.free[cls(SZ_4K)], d0.free[cls(SZ_4K)] - 1);
	iommu_free_pages(p);
	cfg.free(&cookie, q, SZ_4K);
}

/* Through the IOMMU core: every table of a domain comes out of the pool. */
TEST(drvcache_core_tables_all_come_from_the_pool)
{
	struct io_pgtable_cfg c = {
		.pgsize_bitmap = SZ_4K | SZ_2M, .ias = 48, .oas = 48,
		.coherent_walk = false,
	};
	struct tlb_params tp = { .granule = SZ_4K };
	struct drvcache_stats d0, d1, d2;
	struct alloc_stats s0, s1;
	struct tlb_model *tlb;
	struct iommu_domain d;

	if (!pgtable_core_has(CORE_F_CFG_ALLOC))
		SKIP("this core ignores cfg->alloc: its tables cannot come from the pool");
	tlb = tlb_model_create("count", &tp);
	REQUIRE(tlb);
	/*
	 * A first domain of this kind reserves its root classes, as a driver
	 * does when it creates a VM; the second one below must take nothing
	 * new, whatever ran before this test in its process (nothing does).
	 */
	REQUIRE(iommu_domain_init(&d, ARM_64_LPAE_S1, &c, tlb) == 0);
	iommu_domain_release(&d);
	REQUIRE(backend_prepare(16) == 0);
	drvcache_get_stats(&d0);
	backend_stats(&s0);
	REQUIRE(iommu_domain_init(&d, ARM_64_LPAE_S1, &c, tlb) == 0);
	CHECK_EQ(iommu_map(&d, SZ_1G, SZ_2M, SZ_4M, IOMMU_READ, GFP_ATOMIC), 0);
	CHECK_EQ(iommu_map(&d, 3UL * SZ_1G, SZ_4K, SZ_64K, IOMMU_READ, GFP_ATOMIC), 0);
	CHECK_EQ_HEX(iommu_iova_to_phys(&d, 3UL * SZ_1G + 0x1234), SZ_4K + 0x1234);
	drvcache_get_stats(&d1);
	backend_stats(&s1);
	CHECK_EQ(d1.page_allocs, d0.page_allocs);
	CHECK_EQ(d1.reserved_bytes, d0.reserved_bytes);
	CHECK(s1.allocs - s0.allocs >= 4);	/* root, L1, L2, L2 + L3 for the pages */
	/* The core DMA-mapped each table it took, as it must for cfg->alloc. */
	CHECK_EQ(s1.maps - s0.maps, s1.allocs - s0.allocs);
	iommu_domain_release(&d);
	tlb_model_destroy(tlb);
	drvcache_get_stats(&d2);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped, s0.mapped);
	CHECK_EQ(s1.bytes_held, s0.bytes_held);
	CHECK_EQ(d2.free[cls(SZ_4K)], d0.free[cls(SZ_4K)]);
}

int __asan_address_is_poisoned(void const volatile *addr) __attribute__((weak));

TEST(drvcache_pool_tables_are_poisoned_under_asan)
{
	char *p;

	if (!__asan_address_is_poisoned)
		SKIP("not built with AddressSanitizer (SANITIZE=1 is)");
	setup(SZ_4K);
	REQUIRE(drvcache_reserve(128, 2) == 0);
	p = cfg.alloc(&cookie, 128, GFP_ATOMIC);
	REQUIRE(p);
	CHECK(!__asan_address_is_poisoned(p + 127));
	cfg.free(&cookie, p, 128);
	CHECK(__asan_address_is_poisoned(p));
	CHECK(__asan_address_is_poisoned(p + 127));
}
