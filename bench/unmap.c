// SPDX-License-Identifier: GPL-2.0
/*
 * unmap/...: one iommu_unmap() per iteration (src/iommu-core: page-size
 * split, unmap_pages into a gather, iotlb_sync through the TLB model,
 * exactly as the kernel's core does), across the matrix of
 * bench/lib/matrix.h without the tables axis: the tables are always
 * there when unmapping, and whether a call frees one (it does when the
 * request covers a whole table and the core's page-size split picks the
 * table's block size) is what the tables_freed counter shows.
 *
 * cmp/.../op:unmap/... rows are the same calls for the published
 * comparison (bench/lib/matrix.h), and beside each the same unmap with
 * less around it: .../path:core-nosync (iommu_unmap_fast(), the gather
 * never synced), .../path:direct (ops->unmap_pages() into a gather: the
 * flush model's add_page callbacks still run) and .../path:direct-nogather
 * (no gather: the page-table core alone). Leaf unmaps free no tables, so
 * an unsynced gather holds nothing to free.
 *
 * Timing as in map.c: rounds on a fresh domain whose slots are mapped
 * with map_pages(pgsize, count) under a paused timer; only the unmaps are
 * timed; afterwards a sample must no longer translate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/matrix.h"

static int round_setup(struct gb_state *st, struct bench_domain *bd,
		       const struct bench_case *c, const struct bench_layout *l,
		       size_t n)
{
	struct io_pgtable_ops *ops;
	size_t i, mapped;
	int ret;

	ret = bench_domain_init(bd, &c->cfg);
	if (ret) {
		gb_skip_with_errorf(st, "domain init: %s", strerror(-ret));
		return ret;
	}
	/* A driver's pool is refilled outside the timed path, before pre-mapping. */
	ret = backend_prepare(l->table_bytes / c->cfg.granule + 8);
	if (ret) {
		gb_skip_with_errorf(st, "backend_prepare: %s", strerror(-ret));
		bench_domain_release(bd);
		return ret;
	}
	ops = bd->dom.ops;
	for (i = 0; i < n; i++) {
		mapped = 0;
		ret = ops->map_pages(ops, l->iova[i], bench_layout_pa(l, l->iova[i]),
				     c->pgsize, c->pgcount, BENCH_PROT,
				     GFP_KERNEL, &mapped);
		if (ret || mapped != l->region) {
			gb_skip_with_errorf(st, "pre-map of iova 0x%lx failed",
					    l->iova[i]);
			bench_domain_release(bd);
			return -EIO;
		}
	}
	/* Unmapping reads what was mapped: check it first, untimed. */
	ret = bench_layout_verify(st, bd, l, n, c->pgsize, true);
	if (ret)
		bench_domain_release(bd);
	return ret;
}

/* One unmap by @c's path; bytes unmapped. */
static size_t unmap_one(struct iommu_domain *d, const struct bench_case *c,
			unsigned long iova, size_t size)
{
	struct io_pgtable_ops *ops = d->ops;
	struct iommu_iotlb_gather gather;

	switch (c->path) {
	case BENCH_PATH_CORE_NOSYNC:
		iommu_iotlb_gather_init(&gather);
		return iommu_unmap_fast(d, iova, size, &gather);
	case BENCH_PATH_DIRECT:
		iommu_iotlb_gather_init(&gather);
		return ops->unmap_pages(ops, iova, c->pgsize, c->pgcount, &gather);
	case BENCH_PATH_NOGATHER:
		return ops->unmap_pages(ops, iova, c->pgsize, c->pgcount, NULL);
	default:
		return iommu_unmap(d, iova, size);
	}
}

static size_t round_run(struct iommu_domain *d, const struct bench_case *c,
			const struct bench_layout *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (unmap_one(d, c, l->iova[i], l->region) != l->region)
			break;
	return i;
}

static void round_failed(struct gb_state *st, const struct bench_case *c,
			 const struct bench_layout *l, size_t slot)
{
	gb_skip_with_errorf(st, "iommu_unmap(iova 0x%lx, %zu) did not unmap it all",
			    l->iova[slot], l->region);
}

static void bm_unmap(struct gb_state *st, void *arg)
{
	static const struct bench_rounds rounds = {
		.setup = round_setup,
		.run = round_run,
		.failed = round_failed,
		.mapped_after = false,
	};

	bench_run_rounds(st, arg, &rounds);
}

static void unmap_register(void)
{
	bench_register_concern("unmap", false, bm_unmap);
}
BENCH_SUITE(unmap_register)
