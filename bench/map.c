// SPDX-License-Identifier: GPL-2.0
/*
 * map/...: one io_pgtable_ops->map_pages() call per iteration, across the
 * matrix of bench/lib/matrix.h; cmp/.../op:map/...: one iommu_map() per
 * iteration for the published comparison rows (warm tables), and
 * .../path:direct the same map_pages() call without the IOMMU core's
 * page-size loop around it. Reports ns per call, pages per second
 * (items_per_second) and the deterministic per-call counters.
 *
 * Timing: a benchmark runs in rounds of up to a thousand calls. Each round
 * gets a fresh domain (and, for tables:warm, maps and unmaps its slots
 * once so that every table already exists); that setup, the pool refill
 * of a driver-style backend and the verification run with the timer
 * paused. One domain for all iterations would make "cold" warm after the
 * first round. Pausing costs two clock reads per round, under 1 ns per
 * call at these round sizes; manual time would avoid even that but makes
 * Google Benchmark append "/manual_time" to every name, breaking the
 * naming scheme that lines results up.
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
	/* The warm-up builds tables too: a driver's pool must hold them. */
	ret = c->warm ? backend_prepare(l->table_bytes / c->cfg.granule + 8) : 0;
	if (ret) {
		gb_skip_with_errorf(st, "backend_prepare: %s", strerror(-ret));
		bench_domain_release(bd);
		return ret;
	}
	ops = bd->dom.ops;
	for (i = 0; c->warm && i < n; i++) {
		mapped = 0;
		ret = ops->map_pages(ops, l->iova[i], bench_layout_pa(l, l->iova[i]),
				     c->pgsize, c->pgcount, BENCH_PROT,
				     GFP_KERNEL, &mapped);
		if (ret || mapped != l->region ||
		    ops->unmap_pages(ops, l->iova[i], c->pgsize, c->pgcount,
				     NULL) != l->region) {
			gb_skip_with_errorf(st, "warm-up of iova 0x%lx failed",
					    l->iova[i]);
			bench_domain_release(bd);
			return -EIO;
		}
	}
	ret = backend_prepare(l->table_bytes / c->cfg.granule + 8);
	if (ret) {
		gb_skip_with_errorf(st, "backend_prepare: %s", strerror(-ret));
		bench_domain_release(bd);
	}
	return ret;
}

/* The timed calls of one round; returns the failing slot or @n. */
static size_t round_run(struct iommu_domain *d, const struct bench_case *c,
			const struct bench_layout *l, size_t n)
{
	struct io_pgtable_ops *ops = d->ops;
	size_t i, mapped;

	if (c->path == BENCH_PATH_CORE) {
		for (i = 0; i < n; i++)
			if (iommu_map(d, l->iova[i], bench_layout_pa(l, l->iova[i]),
				      l->region, BENCH_PROT, GFP_KERNEL))
				break;
			else if (BENCH_MAP_DELAY_NS)
				bench_delay_ns(BENCH_MAP_DELAY_NS);
		return i;
	}
	for (i = 0; i < n; i++) {
		mapped = 0;
		if (ops->map_pages(ops, l->iova[i], bench_layout_pa(l, l->iova[i]),
				   c->pgsize, c->pgcount, BENCH_PROT,
				   GFP_KERNEL, &mapped) || mapped != l->region)
			break;
		if (BENCH_MAP_DELAY_NS)
			bench_delay_ns(BENCH_MAP_DELAY_NS);
	}
	return i;
}

static void round_failed(struct gb_state *st, const struct bench_case *c,
			 const struct bench_layout *l, size_t slot)
{
	gb_skip_with_errorf(st, "map_pages(iova 0x%lx, %zu x %zu) failed",
			    l->iova[slot], c->pgcount, c->pgsize);
}

static void bm_map(struct gb_state *st, void *arg)
{
	static const struct bench_rounds rounds = {
		.setup = round_setup,
		.run = round_run,
		.failed = round_failed,
		.mapped_after = true,
	};

	bench_run_rounds(st, arg, &rounds);
}

static void map_register(void)
{
	bench_register_concern("map", true, bm_map);
}
BENCH_SUITE(map_register)
