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
 * comparison (bench/lib/matrix.h).
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

static size_t round_run(struct iommu_domain *d, const struct bench_layout *l,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (iommu_unmap(d, l->iova[i], l->region) != l->region)
			break;
	return i;
}

static void bm_unmap(struct gb_state *st, void *arg)
{
	const struct bench_case *c = arg;
	struct bench_counters sum = { 0 }, cnt;
	struct bench_layout l;
	struct bench_domain bd;
	u64 n, done = 0;
	size_t r, ok;
	int ret;

	ret = bench_layout_init(&l, c, 0x5eed);
	if (ret) {
		gb_skip_with_errorf(st, "layout: %s", strerror(-ret));
		return;
	}
	n = gb_loop_begin(st);
	while (done < n) {
		r = min_t(u64, l.slots, n - done);
		gb_pause(st);
		if (round_setup(st, &bd, c, &l, r))
			break;
		bench_counters_begin(&cnt, &bd);
		gb_resume(st);
		ok = round_run(&bd.dom, &l, r);
		gb_pause(st);
		bench_counters_end(&cnt, &bd);
		bench_counters_add(&sum, &cnt);
		if (ok != r)
			gb_skip_with_errorf(st, "iommu_unmap(iova 0x%lx, %zu) did not unmap it all",
					    l.iova[ok], l.region);
		else
			bench_layout_verify(st, &bd, &l, r, c->pgsize, false);
		bench_domain_release(&bd);
		if (gb_error_occurred(st))
			break;
		done += r;
	}
	gb_loop_end(st);
	bench_layout_free(&l);
	if (gb_error_occurred(st))
		return;
	gb_set_items_processed(st, n * c->pgcount);
	bench_counters_report(st, &sum, n);
	if (c->published_ns)
		gb_counter_set(st, "published_ns_other_machine", c->published_ns,
			       GB_CNT_DEFAULT);
}

static void register_case(const struct bench_case *c, void *priv)
{
	struct bench_case *copy = malloc(sizeof(*copy));
	struct bench_name name;

	if (!copy)
		abort();
	*copy = *c;
	bench_case_name(&name, "unmap", c, false);
	gb_register(name.buf, bm_unmap, copy);
}

static void unmap_register(void)
{
	bench_matrix(false, register_case, NULL);
	bench_cmp_register("unmap", bm_unmap);
}
BENCH_SUITE(unmap_register)
