// SPDX-License-Identifier: GPL-2.0
/*
 * What every allocator backend promises, checked through the path the
 * page-table core takes with it: cfg->alloc/cfg->free when the backend
 * installs them (drvcache), iommu-pages otherwise. Linked into every
 * test binary, so each backend runs the same checks: zeroed and
 * size-aligned tables of every size class in both address views, a
 * virt/phys round trip, statistics, fault injection (nth and every),
 * the pages list and the incoherent-walker calls.
 */
#include <pthread.h>
#include <string.h>
#include <asm/io.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "alloc/common.h"
#include "harness.h"
#include "iommu-pages.h"

/* The core asks for max(size, 64) up to a 16-table concatenated 64K level. */
#define MIN_TABLE	64UL
#define MAX_TABLE	(16 * SZ_64K)

static struct io_pgtable_cfg cfg;
static int cookie;	/* stands in for the domain a driver's callbacks receive */

/* A 64K-granule setup readies every size class a root can take. */
static void setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.pgsize_bitmap = SZ_64K | SZ_512M;
	cfg.ias = 48;
	cfg.oas = 48;
	cfg.coherent_walk = true;
	backend_setup_cfg(&cfg);
	backend_prepare(32);
}

static void *tbl_alloc(size_t size)
{
	size = max(size, MIN_TABLE);
	if (cfg.alloc)
		return cfg.alloc(&cookie, size, GFP_KERNEL);
	return iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, size);
}

static void tbl_free(void *virt, size_t size)
{
	if (cfg.free)
		cfg.free(&cookie, virt, max(size, MIN_TABLE));
	else
		iommu_free_pages(virt);
}

static bool all_zero(const void *p, size_t len)
{
	const u64 *w = p;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

TEST(alloc_every_size_class_zeroed_and_aligned)
{
	size_t size;

	setup();
	for (size = MIN_TABLE; size <= MAX_TABLE; size <<= 1) {
		void *p = tbl_alloc(size), *q;
		phys_addr_t phys;

		REQUIRE(p);
		phys = virt_to_phys(p);
		CHECK(IS_ALIGNED((uintptr_t)p, size));
		CHECK(IS_ALIGNED(phys, size));
		CHECK(all_zero(p, size));
		/* Dirty it: a table that comes back must be zeroed again. */
		memset(p, 0xa5, size);
		tbl_free(p, size);
		q = tbl_alloc(size);
		REQUIRE(q);
		CHECK(all_zero(q, size));
		tbl_free(q, size);
	}
}

/*
 * iommu-pages hands out whole pages whatever the request, as the kernel's
 * does (a sub-page pgd included: a Mali TRANSTAB or a 64-byte S1 root
 * relies on it); only a driver's cfg->alloc may hand out less. Every
 * backend serves iommu-pages, the drvcache one beside its pool.
 */
TEST(alloc_iommu_pages_whole_pages_for_sub_page_requests)
{
	static const size_t sizes[] = { 8, 64, 512, PAGE_SIZE - 8 };
	struct alloc_stats s0, s1;
	size_t i;

	REQUIRE(backend_init() == 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p;

		backend_stats(&s0);
		p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, sizes[i]);
		REQUIRE(p);
		backend_stats(&s1);
		CHECK_EQ_HEX(virt_to_phys(p) & (PAGE_SIZE - 1), 0);
		CHECK_EQ_HEX((uintptr_t)p & (PAGE_SIZE - 1), 0);
		CHECK_EQ(s1.bytes_held - s0.bytes_held, PAGE_SIZE);
		CHECK(all_zero(p, PAGE_SIZE));
		iommu_free_pages(p);
	}
}

TEST(alloc_virt_phys_round_trip)
{
	void *p[4];
	int i;

	setup();
	for (i = 0; i < 4; i++) {
		phys_addr_t phys;

		p[i] = tbl_alloc(SZ_4K);
		REQUIRE(p[i]);
		phys = virt_to_phys(p[i]);
		CHECK(phys_to_virt(phys) == p[i]);
		CHECK(phys_to_virt(phys + 8) == (char *)p[i] + 8);
		CHECK_EQ_HEX(virt_to_phys((char *)p[i] + SZ_4K - 8), phys + SZ_4K - 8);
	}
	for (i = 0; i < 4; i++)
		tbl_free(p[i], SZ_4K);
}

TEST(alloc_distinct_tables_do_not_overlap)
{
	enum { N = 64 };
	char *p[N];
	int i, j;

	setup();
	REQUIRE(backend_prepare(N) == 0);
	for (i = 0; i < N; i++) {
		p[i] = tbl_alloc(SZ_4K);
		REQUIRE(p[i]);
		memset(p[i], i + 1, SZ_4K);
	}
	for (i = 0; i < N; i++) {
		for (j = 0; j < SZ_4K; j += 512)
			if (p[i][j] != (char)(i + 1))
				break;
		CHECK_EQ(j, SZ_4K);
	}
	for (i = 0; i < N; i++)
		tbl_free(p[i], SZ_4K);
}

TEST(alloc_stats_follow_allocations)
{
	struct alloc_stats s0, s1, s2;
	void *p, *q;

	setup();
	backend_stats_reset();
	backend_stats(&s0);
	CHECK_EQ(s0.allocs, 0);
	CHECK_EQ(s0.peak_bytes, s0.bytes_held);
	p = tbl_alloc(SZ_4K);
	q = tbl_alloc(SZ_16K);
	REQUIRE(p && q);
	backend_stats(&s1);
	CHECK_EQ(s1.allocs, 2);
	/* Backends round up (a page at least, or a power of two), never down. */
	CHECK(s1.bytes_held - s0.bytes_held >= SZ_4K + SZ_16K);
	CHECK_EQ(s1.pages_held, DIV_ROUND_UP(s1.bytes_held, PAGE_SIZE));
	CHECK(s1.peak_bytes >= s1.bytes_held);
	tbl_free(p, SZ_4K);
	tbl_free(q, SZ_16K);
	backend_stats(&s2);
	CHECK_EQ(s2.frees, 2);
	CHECK_EQ(s2.bytes_held, s0.bytes_held);
	CHECK_EQ(s2.peak_bytes, s1.peak_bytes);
	CHECK_EQ(s2.failures, 0);
}

TEST(alloc_fail_nth)
{
	struct alloc_stats s0, s1;
	void *p[4];
	int i;

	setup();
	backend_stats(&s0);
	backend_fail_nth(3);
	for (i = 0; i < 4; i++)
		p[i] = tbl_alloc(SZ_4K);
	CHECK(p[0] && p[1] && p[3]);
	CHECK(!p[2]);
	backend_stats(&s1);
	CHECK_EQ(s1.injected - s0.injected, 1);
	CHECK_EQ(s1.failures - s0.failures, 1);
	CHECK_EQ(s1.allocs - s0.allocs, 3);
	for (i = 0; i < 4; i++)
		if (p[i])
			tbl_free(p[i], SZ_4K);
}

TEST(alloc_fail_every)
{
	struct alloc_stats s0, s1;
	void *p[9];
	int i, failed = 0;

	setup();
	backend_stats(&s0);
	backend_fail_every(3);
	for (i = 0; i < 9; i++) {
		p[i] = tbl_alloc(SZ_4K);
		if (!p[i]) {
			failed++;
			CHECK_EQ(i % 3, 2);
		}
	}
	CHECK_EQ(failed, 3);
	backend_fault_clear();
	backend_stats(&s1);
	CHECK_EQ(s1.injected - s0.injected, 3);
	for (i = 0; i < 9; i++)
		if (p[i])
			tbl_free(p[i], SZ_4K);
	/* Cleared: the next allocation succeeds. */
	p[0] = tbl_alloc(SZ_4K);
	CHECK(p[0]);
	if (p[0])
		tbl_free(p[0], SZ_4K);
}

TEST(alloc_pages_list_frees_every_table)
{
	struct iommu_pages_list list = IOMMU_PAGES_LIST_INIT(list);
	struct alloc_stats s0, s1;
	int i;

	setup();
	backend_stats(&s0);
	for (i = 0; i < 5; i++) {
		void *p = iommu_alloc_pages_node_sz(NUMA_NO_NODE, GFP_KERNEL, SZ_4K);

		REQUIRE(p);
		iommu_pages_list_add(&list, p);
	}
	CHECK(!iommu_pages_list_empty(&list));
	iommu_put_pages_list(&list);
	CHECK(iommu_pages_list_empty(&list));
	backend_stats(&s1);
	CHECK_EQ(s1.bytes_held, s0.bytes_held);
	CHECK_EQ(s1.frees - s0.frees, 5);
}

/*
 * A table for a non-coherent walker: iommu-pages start/flush/free, or for
 * cfg->alloc tables what the core does instead, dma_map_single, syncs and
 * dma_unmap_single. Either way it is counted as mapped until stopped.
 */
static int walker_start(struct device *dev, void *p, dma_addr_t *dma)
{
	if (!cfg.alloc)
		return iommu_pages_start_incoherent(p, dev);
	*dma = dma_map_single(dev, p, SZ_4K, DMA_TO_DEVICE);
	return dma_mapping_error(dev, *dma) ? -ENOMEM : 0;
}

static void walker_flush(struct device *dev, void *p, dma_addr_t dma, size_t off, size_t len)
{
	if (!cfg.alloc)
		iommu_pages_flush_incoherent(dev, p, off, len);
	else
		dma_sync_single_for_device(dev, dma + off, len, DMA_TO_DEVICE);
}

static void walker_free(struct device *dev, void *p, dma_addr_t dma)
{
	if (!cfg.alloc) {
		iommu_pages_free_incoherent(p, dev);
		return;
	}
	dma_unmap_single(dev, dma, SZ_4K, DMA_TO_DEVICE);
	tbl_free(p, SZ_4K);
}

TEST(alloc_incoherent_start_flush_free)
{
	struct device dev = { .name = "test-walker" };
	struct alloc_stats s0, s1, s2;
	dma_addr_t dma = 0;
	void *p;

	setup();
	backend_stats(&s0);
	p = tbl_alloc(SZ_4K);
	REQUIRE(p);
	REQUIRE(walker_start(&dev, p, &dma) == 0);
	if (cfg.alloc)
		CHECK_EQ_HEX(dma, virt_to_phys(p));
	walker_flush(&dev, p, dma, 64, 8);
	walker_flush(&dev, p, dma, 0, SZ_4K);
	backend_stats(&s1);
	CHECK_EQ(s1.mapped - s0.mapped, 1);
	CHECK_EQ(s1.maps - s0.maps, 1);
	CHECK_EQ(s1.syncs - s0.syncs, 2);
	walker_free(&dev, p, dma);
	backend_stats(&s2);
	CHECK_EQ(s2.mapped, s0.mapped);
	CHECK_EQ(s2.unmaps - s0.unmaps, 1);
	CHECK_EQ(s2.bytes_held, s0.bytes_held);
}

static void *churn(void *arg)
{
	uintptr_t id = (uintptr_t)arg, bad = 0;
	int round, i;

	for (round = 0; round < 200; round++) {
		u64 *p[8];

		for (i = 0; i < 8; i++) {
			p[i] = tbl_alloc(SZ_4K);
			if (!p[i])
				return (void *)(uintptr_t)-1;
			if (p[i][0] || p[i][511])
				bad++;
			p[i][0] = p[i][511] = id;
		}
		for (i = 0; i < 8; i++) {
			if (p[i][0] != id || p[i][511] != id)
				bad++;
			tbl_free(p[i], SZ_4K);
		}
	}
	return (void *)bad;
}

TEST(alloc_two_threads_never_share_a_table)
{
	pthread_t t[2];
	void *ret[2];
	uintptr_t i;

	setup();
	backend_prepare(64);
	for (i = 0; i < 2; i++)
		REQUIRE(pthread_create(&t[i], NULL, churn, (void *)(i + 1)) == 0);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], &ret[i]);
		CHECK_EQ((uintptr_t)ret[i], 0);
	}
}
