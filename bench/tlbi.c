// SPDX-License-Identifier: GPL-2.0
/*
 * tlbi/...: what TLB invalidation costs an unmap under each flush model
 * (src/tlb): count-only, strict per-page, gathered range, flush-all,
 * deferred (flush queue) and the emulated SMMUv3 command queue with and
 * without range invalidation and with a per-command cost.
 *
 *   tlbi/<core>/<fmt>-<granule>/model:<m>[/inv:page|range/cmdns:<ns>]/size:<s>/op:unmap
 *	one iommu_unmap() of a region of <s> bytes (4k .. 1g, mapped by
 *	iommu_map(), so the core picks the page and block sizes), timed in
 *	rounds: regions are mapped untimed, then only the unmaps are timed
 *	(manual time, no pause/resume per call);
 *   .../op:steady
 *	iommu_map() followed by iommu_unmap() of the same region, timed
 *	together: the steady state of a DMA-mapping user;
 *   tlbi/<core>/<fmt>-<granule>/model:smmuv3/cmdns:<ns>/crossover
 *	the size at which invalidating the whole context (one command)
 *	becomes cheaper than invalidating the range, for that per-command
 *	cost: see crossover() below for how it is computed.
 *
 * Per-unmap counters: tlb_cmds, tlb_hw_syncs, tlb_range_cmds,
 * tlb_walk_cmds, tlb_flush_all, inv_bytes_per_cmd (bytes named by
 * address-based commands; a context-wide one names none), and for smmuv3
 * queue_full_waits and sync_wait_ns; for deferred, max_stale_unmaps (how
 * many later unmaps a stale translation outlived). Every round checks
 * that a sample of what it unmapped no longer translates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sizes.h>
#include "lib/bench.h"

enum tlbi_op { OP_UNMAP, OP_STEADY, OP_CROSSOVER };

struct tlbi_case {
	struct bench_cfg cfg;
	size_t size;
	enum tlbi_op op;
};

#define IOVA_BASE	(4UL * SZ_1G)
#define PA_BASE		(64UL * SZ_1G)

/* Regions per timed round: enough to amortise the clock reads. */
static size_t round_slots(size_t size)
{
	if (size <= SZ_2M)
		return 64;
	return size <= SZ_32M ? 16 : 4;
}

static void tlb_sum(struct tlb_counters *s, const struct tlb_counters *d)
{
	u64 *a = (u64 *)s;
	const u64 *b = (const u64 *)d;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
		a[i] += b[i];
	/* A maximum, not a sum. */
	s->max_stale_unmaps -= d->max_stale_unmaps;
	if (d->max_stale_unmaps > s->max_stale_unmaps)
		s->max_stale_unmaps = d->max_stale_unmaps;
}

static void set_per(struct gb_state *st, const char *name, u64 v, u64 calls)
{
	gb_counter_set(st, name, calls ? (double)v / calls : 0, GB_CNT_DEFAULT);
}

static void report(struct gb_state *st, const struct tlbi_case *c,
		   const struct tlb_counters *t, u64 calls)
{
	const char *model = c->cfg.tlb_model;

	set_per(st, "tlb_cmds", t->cmds, calls);
	set_per(st, "tlb_hw_syncs", t->hw_sync, calls);
	set_per(st, "tlb_range_cmds", t->range_cmds, calls);
	set_per(st, "tlb_walk_cmds", t->walk_cmds, calls);
	set_per(st, "tlb_flush_all", t->flush_all, calls);
	set_per(st, "tlb_add_page", t->add_page, calls);
	set_per(st, "tlb_flush_walk", t->flush_walk, calls);
	set_per(st, "tlb_syncs", t->sync, calls);
	gb_counter_set(st, "inv_bytes_per_cmd",
		       t->cmds ? (double)t->inv_bytes / t->cmds : 0,
		       GB_CNT_DEFAULT);
	if (!strcmp(model, "smmuv3")) {
		set_per(st, "queue_full_waits", t->queue_full_waits, calls);
		set_per(st, "queue_full_ns", t->queue_full_ns, calls);
		set_per(st, "sync_wait_ns", t->sync_wait_ns, calls);
	}
	if (!strcmp(model, "deferred")) {
		set_per(st, "deferred_flushes", t->deferred_flushes, calls);
		gb_counter_set(st, "max_stale_unmaps", (double)t->max_stale_unmaps,
			       GB_CNT_DEFAULT);
	}
}

static unsigned long slot_iova(const struct tlbi_case *c, size_t i)
{
	return IOVA_BASE + i * c->size;
}

static int map_slot(struct gb_state *st, struct bench_domain *bd,
		    const struct tlbi_case *c, size_t i)
{
	int ret = iommu_map(&bd->dom, slot_iova(c, i), PA_BASE + i * c->size,
			    c->size, BENCH_PROT, GFP_KERNEL);

	if (ret)
		gb_skip_with_errorf(st, "iommu_map(0x%lx, %zu): %s", slot_iova(c, i),
				    c->size, strerror(-ret));
	return ret;
}

static int unmap_slot(struct gb_state *st, struct bench_domain *bd,
		      const struct tlbi_case *c, size_t i)
{
	size_t got = iommu_unmap(&bd->dom, slot_iova(c, i), c->size);

	if (got == c->size)
		return 0;
	gb_skip_with_errorf(st, "iommu_unmap(0x%lx, %zu) unmapped %zu",
			    slot_iova(c, i), c->size, got);
	return -EIO;
}

/* One round of @r regions; returns the timed nanoseconds, 0 on error. */
static u64 round_run(struct gb_state *st, struct bench_domain *bd,
		     const struct tlbi_case *c, size_t r)
{
	u64 t0, t1;
	size_t i;

	if (c->op == OP_UNMAP) {
		for (i = 0; i < r; i++)
			if (map_slot(st, bd, c, i))
				return 0;
		if (bench_verify_mapped(st, bd, slot_iova(c, 0), PA_BASE, c->size,
					c->size < SZ_2M ? c->size : SZ_2M))
			return 0;
	}
	tlb_counters_reset(bd->tlb);
	t0 = bench_now_ns();
	for (i = 0; i < r; i++) {
		if (c->op == OP_STEADY && map_slot(st, bd, c, i))
			return 0;
		if (unmap_slot(st, bd, c, i))
			return 0;
	}
	t1 = bench_now_ns();
	/* What was unmapped must not translate any more. */
	if (bench_verify_unmapped(st, bd, slot_iova(c, 0), r * c->size,
				  c->size < SZ_2M ? c->size : SZ_2M))
		return 0;
	return t1 - t0 ? t1 - t0 : 1;
}

static void bm_tlbi(struct gb_state *st, void *arg)
{
	const struct tlbi_case *c = arg;
	struct tlb_counters sum = { 0 };
	struct bench_domain bd;
	u64 n, done = 0, ns = 0, t;
	size_t r;
	int ret;

	ret = bench_domain_init(&bd, &c->cfg);
	if (ret) {
		gb_skip_with_errorf(st, "domain init: %s", strerror(-ret));
		return;
	}
	n = gb_loop_begin(st);
	while (done < n) {
		r = min_t(u64, round_slots(c->size), n - done);
		t = round_run(st, &bd, c, r);
		if (!t)
			break;
		ns += t;
		tlb_sum(&sum, &bd.tlb->cnt);
		done += r;
	}
	gb_loop_end(st);
	bench_domain_release(&bd);
	if (gb_error_occurred(st))
		return;
	gb_set_iteration_time(st, ns / 1e9);
	gb_set_items_processed(st, n);
	gb_set_bytes_processed(st, n * c->size);
	report(st, c, &sum, n);
}

/*
 * The crossover, computed from measured costs. For one granule-aligned
 * run of k pages (k = 1, 2, 4 .. 256, inside one last-level table so
 * that no table is freed), time iommu_unmap() on three smmuv3 domains
 * with the same per-command cost: per-page commands, range commands, and
 * always the context-wide command (inv_all_over = 1). Fit each to
 * t(k) = a + b k by least squares; the crossover for a strategy is where
 * its line meets the flush-all line, k* = (a_all - a) / (b - b_all),
 * reported in bytes (0 when the lines do not cross for k >= 1, i.e.
 * flush-all never or always wins; beyond fit_max_bytes it is an
 * extrapolation). What the fit cannot see: the TLB refills a real device
 * pays after flush-all threw everything away. The SMMU is a second thread:
 * on a loaded machine its scheduling shows up in these times.
 */
#define XO_POINTS	9
#define XO_REPS		16

static int xo_measure(struct gb_state *st, const struct tlbi_case *c,
		      const struct tlb_params *p, double t[XO_POINTS])
{
	struct bench_cfg cfg = c->cfg;
	struct bench_domain bd;
	unsigned long iova = IOVA_BASE + c->cfg.granule;
	int i, rep, ret;

	cfg.tlb = *p;
	ret = bench_domain_init(&bd, &cfg);
	if (ret) {
		gb_skip_with_errorf(st, "domain init: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < XO_POINTS && !ret; i++) {
		size_t size = (c->cfg.granule) << i;
		u64 ns = 0, t0;

		for (rep = 0; rep < XO_REPS && !ret; rep++) {
			ret = iommu_map(&bd.dom, iova, PA_BASE, size, BENCH_PROT,
					GFP_KERNEL);
			if (ret)
				break;
			t0 = bench_now_ns();
			if (iommu_unmap(&bd.dom, iova, size) != size)
				ret = -EIO;
			ns += bench_now_ns() - t0;
		}
		t[i] = (double)ns / XO_REPS;
	}
	bench_domain_release(&bd);
	if (ret)
		gb_skip_with_errorf(st, "crossover measurement: %s", strerror(-ret));
	return ret;
}

static void fit(const double t[XO_POINTS], double *a, double *b)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, x;
	int i;

	for (i = 0; i < XO_POINTS; i++) {
		x = (double)(1 << i);
		sx += x;
		sy += t[i];
		sxx += x * x;
		sxy += x * t[i];
	}
	*b = (XO_POINTS * sxy - sx * sy) / (XO_POINTS * sxx - sx * sx);
	*a = (sy - *b * sx) / XO_POINTS;
}

static double crossing(double a, double b, double a_all, double b_all)
{
	double k;

	if (b <= b_all)
		return 0;
	k = (a_all - a) / (b - b_all);
	return k >= 1 ? k : 0;
}

static void bm_crossover(struct gb_state *st, void *arg)
{
	const struct tlbi_case *c = arg;
	struct tlb_params page = c->cfg.tlb, range = c->cfg.tlb, all = c->cfg.tlb;
	double tp[XO_POINTS], tr[XO_POINTS], ta[XO_POINTS];
	double ap, bp, ar, br, aa, ba;
	u64 n, i, t0, ns = 0;

	page.range_inv = false;
	range.range_inv = true;
	all.inv_all_over = 1;
	n = gb_loop_begin(st);
	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		if (xo_measure(st, c, &page, tp) || xo_measure(st, c, &range, tr) ||
		    xo_measure(st, c, &all, ta))
			break;
		ns += bench_now_ns() - t0;
	}
	gb_loop_end(st);
	if (gb_error_occurred(st))
		return;
	gb_set_iteration_time(st, ns / 1e9);
	fit(tp, &ap, &bp);
	fit(tr, &ar, &br);
	fit(ta, &aa, &ba);
	gb_counter_set(st, "page_ns_per_page", bp, GB_CNT_DEFAULT);
	gb_counter_set(st, "range_ns_per_page", br, GB_CNT_DEFAULT);
	gb_counter_set(st, "flushall_ns_fixed", aa, GB_CNT_DEFAULT);
	gb_counter_set(st, "crossover_page_bytes",
		       crossing(ap, bp, aa, ba) * c->cfg.granule, GB_CNT_DEFAULT);
	gb_counter_set(st, "crossover_range_bytes",
		       crossing(ar, br, aa, ba) * c->cfg.granule, GB_CNT_DEFAULT);
	/* A crossover beyond this was extrapolated from the fit. */
	gb_counter_set(st, "fit_max_bytes",
		       (double)(c->cfg.granule << (XO_POINTS - 1)), GB_CNT_DEFAULT);
}

/* ---------------------------------------------------------- registration */

struct model_variant {
	const char *model;
	const char *inv;	/* smmuv3: "page" or "range" */
	unsigned int cmd_ns;
};

static const struct model_variant models[] = {
	{ "count" }, { "strict-page" }, { "range" }, { "flush-all" },
	{ "deferred" },
	{ "smmuv3", "page", 0 }, { "smmuv3", "range", 0 },
	{ "smmuv3", "page", 100 }, { "smmuv3", "range", 100 },
	{ "smmuv3", "page", 1000 }, { "smmuv3", "range", 1000 },
};

static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_2M, SZ_32M, SZ_1G };

static void name_case(struct bench_name *nm, const struct tlbi_case *c,
		      const struct model_variant *v)
{
	bench_name_init(nm, "tlbi", &c->cfg);
	bench_name_add(nm, "model", "%s", v->model);
	if (v->inv) {
		bench_name_add(nm, "inv", "%s", v->inv);
		bench_name_add(nm, "cmdns", "%u", v->cmd_ns);
	}
}

static struct tlbi_case *new_case(const struct bench_cfg *cfg,
				  const struct model_variant *v, size_t size,
				  enum tlbi_op op)
{
	struct tlbi_case *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->cfg = *cfg;
	c->cfg.tlb_model = v->model;
	c->cfg.tlb.range_inv = v->inv && !strcmp(v->inv, "range");
	c->cfg.tlb.per_cmd_ns = v->cmd_ns;
	c->size = size;
	c->op = op;
	return c;
}

static void register_sizes(const struct bench_cfg *cfg,
			   const struct model_variant *v, bool quick)
{
	static const char *const ops[] = { "unmap", "steady" };
	struct bench_name nm;
	char buf[16];
	size_t s;
	int op;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		if (sizes[s] < cfg->granule)
			continue;
		if (quick && sizes[s] != SZ_4K && sizes[s] != SZ_2M && sizes[s] != SZ_1G)
			continue;
		for (op = 0; op < 2; op++) {
			struct tlbi_case *c = new_case(cfg, v, sizes[s], op);

			name_case(&nm, c, v);
			bench_name_add(&nm, "size", "%s", bench_size_name(sizes[s], buf));
			bench_name_add(&nm, "op", "%s", ops[op]);
			gb_use_manual_time(gb_register(nm.buf, bm_tlbi, c));
		}
	}
}

static void register_crossover(const struct bench_cfg *cfg, unsigned int cmd_ns)
{
	static const struct model_variant v = { "smmuv3" };
	struct tlbi_case *c = new_case(cfg, &v, 0, OP_CROSSOVER);
	struct bench_name nm;

	c->cfg.tlb.per_cmd_ns = cmd_ns;
	bench_name_init(&nm, "tlbi", &c->cfg);
	bench_name_add(&nm, "model", "smmuv3");
	bench_name_add(&nm, "cmdns", "%u", cmd_ns);
	/* A name element without a value: the row is the result. */
	strncat(nm.buf, "/crossover", sizeof(nm.buf) - strlen(nm.buf) - 1);
	gb_iterations(gb_use_manual_time(gb_register(nm.buf, bm_crossover, c)), 1);
}

static void tlbi_register(void)
{
	static const struct { enum io_pgtable_fmt fmt; size_t granule; } geo[] = {
		{ ARM_64_LPAE_S1, SZ_4K }, { ARM_64_LPAE_S1, SZ_16K },
		{ ARM_64_LPAE_S1, SZ_64K }, { ARM_64_LPAE_S2, SZ_4K },
	};
	bool quick = bench_quick();
	size_t g, v;

	for (g = 0; g < ARRAY_SIZE(geo); g++) {
		struct bench_cfg cfg = {
			.fmt = geo[g].fmt, .granule = geo[g].granule,
			.coherent = true,
		};

		if (quick && g)
			break;
		for (v = 0; v < ARRAY_SIZE(models); v++) {
			if (quick && models[v].cmd_ns)
				continue;
			register_sizes(&cfg, &models[v], quick);
		}
		register_crossover(&cfg, 0);
		register_crossover(&cfg, 100);
		if (!quick)
			register_crossover(&cfg, 1000);
	}
}
BENCH_SUITE(tlbi_register)
