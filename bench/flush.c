// SPDX-License-Identifier: GPL-2.0
/*
 * flush/...: what cache maintenance for a non-coherent table walker costs.
 *
 *  flush/arch/op:<op>/size:<line|4k|16k|64k>/dirty:<yes|no>
 *	calibration: one arch_clean_dcache_range() of one line or one table,
 *	the lines dirtied (one store each, timer paused) before every call
 *	or left clean. Reports ns per call, ns_per_line, lines and barriers.
 *  flush/<core>/s1-<granule>/op:<map|unmap>/pgsize:../count:../walk:..
 *	map_pages/unmap_pages calls into tables that already exist (steady
 *	state), with no TLB gather: the page-table and cache work only.
 *	Non-coherent rows also time the same calls on a coherent twin domain
 *	in alternate rounds and report coherent_ns and flush_ns (the
 *	difference per call), so drift hits both alike.
 *  flush/<core>/s1-<granule>/batch:<per-pte|per-run>/pgsize:../count:512
 *	the clean strategy alone: a coherent walker's map_pages (which cleans
 *	nothing) followed by cleaning the real PTEs that it wrote, one call
 *	per PTE (as a core without run batching would) or one per run.
 *
 * Timing follows bench/map.c: rounds with the timer paused around setup,
 * not manual time (which would rename every benchmark). Under an emulator
 * the clean instructions cost nothing: only the counts mean anything there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/io.h>
#include <linux/sizes.h>
#include "arch/cpuinfo.h"
#include "lib/matrix.h"

#define POOL_BYTES	(256 * 1024)	/* calibration buffers: L2-resident on most cores */
#define MAX_SLOTS	256		/* calls per round; bounds table memory */
#define BATCH_COUNT	512

static const char *op_name(enum cache_op op)
{
	return op == CACHE_OP_CLEAN_INVAL ? "clean-inval" : "clean";
}

/*
 * Under an emulator the clean instructions are no-ops: every flush row
 * says so in its label, next to what was executed.
 */
static void label_emulation(struct gb_state *st)
{
	static char label[192];

	if (!label[0])
		snprintf(label, sizeof(label), "%s%s%s", arch_cache_describe(),
			 cpuinfo_get()->emulated ? "; emulated, cleans cost nothing: only counts are real, " : "",
			 cpuinfo_get()->emulated ? cpuinfo_emulation() : "");
	gb_set_label(st, label);
}

static bool need_cache_support(struct gb_state *st)
{
	if (arch_cache_supported())
		return true;
	gb_skip_with_errorf(st, "no cache maintenance here: %s", arch_cache_describe());
	return false;
}

/* ------------------------------------------------------ calibration */

struct calib {
	size_t size;		/* 0: one cache line */
	bool dirty;
	enum cache_op op;
};

/* One store per line, a different value each round so none is elided. */
static void dirty_lines(volatile char *p, size_t len, size_t line, char v)
{
	size_t i;

	for (i = 0; i < len; i += line)
		p[i] = v;
}

static void bm_calib(struct gb_state *st, void *arg)
{
	const struct calib *c = arg;
	size_t line = arch_dcache_line_size();
	size_t sz = c->size ? c->size : line;
	size_t nbuf = POOL_BYTES / sz ? POOL_BYTES / sz : 1;
	struct cache_stats cs;
	u64 n, done = 0, ns = 0, t0, r, i;
	char *pool;
	char v = 0;

	if (!need_cache_support(st))
		return;
	pool = aligned_alloc(sz < SZ_4K ? SZ_4K : sz, nbuf * sz);
	if (!pool) {
		gb_skip_with_errorf(st, "no memory for %zu bytes", nbuf * sz);
		return;
	}
	memset(pool, 1, nbuf * sz);
	arch_cache_set_op(c->op);
	arch_cache_stats_reset();
	n = gb_loop_begin(st);
	while (done < n) {
		r = min_t(u64, nbuf, n - done);
		if (c->dirty) {
			gb_pause(st);
			dirty_lines(pool, r * sz, line, ++v);
			gb_resume(st);
		}
		t0 = bench_now_ns();
		for (i = 0; i < r; i++)
			arch_clean_dcache_range(pool + i * sz, sz);
		ns += bench_now_ns() - t0;
		done += r;
	}
	gb_loop_end(st);
	arch_cache_stats(&cs);
	arch_cache_set_op(CACHE_OP_CLEAN);
	free(pool);
	if (!n)
		return;
	label_emulation(st);
	gb_set_bytes_processed(st, n * sz);
	gb_counter_set(st, "cache_lines", (double)cs.lines / n, GB_CNT_DEFAULT);
	gb_counter_set(st, "barriers", (double)cs.barriers / n, GB_CNT_DEFAULT);
	gb_counter_set(st, "ns_per_line", cs.lines ? (double)ns / cs.lines : 0,
		       GB_CNT_DEFAULT);
}

static void register_calib(void)
{
	static const size_t sizes[] = { 0, SZ_4K, SZ_16K, SZ_64K };
	static const enum cache_op ops[] = { CACHE_OP_CLEAN, CACHE_OP_CLEAN_INVAL };
	struct bench_name name;
	struct calib *c;
	size_t o, s, d;
	char sz[16];

	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		if (bench_quick() && ops[o] != CACHE_OP_CLEAN)
			continue;
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			for (d = 0; d < 2; d++) {
				c = malloc(sizeof(*c));
				if (!c)
					abort();
				*c = (struct calib){ sizes[s], d == 0, ops[o] };
				name.len = snprintf(name.buf, sizeof(name.buf),
						    "flush/arch/op:%s", op_name(ops[o]));
				bench_name_add(&name, "size", "%s", sizes[s] ?
					       bench_size_name(sizes[s], sz) : "line");
				bench_name_add(&name, "dirty", "%s", c->dirty ? "yes" : "no");
				gb_register(name.buf, bm_calib, c);
			}
		}
	}
}

/* ------------------------------------------- map/unmap, both walkers */

/*
 * Tables that @slots calls of @c may need in one domain: one per table
 * span covered, twice over for the levels above, and a margin. A driver's
 * pool (drvcache) is refilled to that outside the timed region.
 */
static int prepare_tables(const struct bench_case *c, const struct bench_layout *l,
			  size_t slots, unsigned int domains)
{
	u64 span = (u64)c->pgsize * (c->cfg.granule / 8);
	u64 tables = DIV_ROUND_UP((u64)slots * l->stride, span) * 2 + 8;

	return backend_prepare(tables * domains);
}

struct walk_case {
	struct bench_case bc;
	bool unmap;		/* time unmap_pages, else map_pages */
};

/* map_pages of slots [0, @r); the failing slot or @r. */
static size_t map_slots(struct io_pgtable_ops *ops, const struct bench_case *c,
			const struct bench_layout *l, size_t r)
{
	size_t i, mapped;

	for (i = 0; i < r; i++) {
		mapped = 0;
		if (ops->map_pages(ops, l->iova[i], bench_layout_pa(l, l->iova[i]),
				   c->pgsize, c->pgcount, BENCH_PROT, GFP_KERNEL,
				   &mapped) || mapped != l->region)
			break;
	}
	return i;
}

static size_t unmap_slots(struct io_pgtable_ops *ops, const struct bench_case *c,
			  const struct bench_layout *l, size_t r)
{
	size_t i;

	for (i = 0; i < r; i++)
		if (ops->unmap_pages(ops, l->iova[i], c->pgsize, c->pgcount,
				     NULL) != l->region)
			break;
	return i;
}

/* The timed half of a round, on @ops; returns ns taken or 0 on failure. */
static u64 timed_half(struct io_pgtable_ops *ops, const struct walk_case *wc,
		      const struct bench_layout *l, size_t r)
{
	u64 t0 = bench_now_ns();
	size_t ok = wc->unmap ? unmap_slots(ops, &wc->bc, l, r)
			      : map_slots(ops, &wc->bc, l, r);
	u64 t1 = bench_now_ns();

	return ok == r ? (t1 - t0 ? t1 - t0 : 1) : 0;
}

/* The untimed half: put the slots in the state the timed half starts from. */
static int untimed_half(struct io_pgtable_ops *ops, const struct walk_case *wc,
			const struct bench_layout *l, size_t r)
{
	size_t ok = wc->unmap ? map_slots(ops, &wc->bc, l, r)
			      : unmap_slots(ops, &wc->bc, l, r);

	return ok == r ? 0 : -EIO;
}

struct walk_run {
	struct bench_layout l;
	struct bench_domain bd, twin;	/* twin: coherent, for non-coherent rows */
	bool have_twin;
	size_t slots;
	u64 bytes_held;		/* backend's, with the measured domain alone */
};

/* Build every table of the layout once, then leave the slots unmapped. */
static int warm(struct gb_state *st, struct bench_domain *bd,
		const struct walk_case *wc, const struct walk_run *w)
{
	if (map_slots(bd->dom.ops, &wc->bc, &w->l, w->slots) == w->slots &&
	    unmap_slots(bd->dom.ops, &wc->bc, &w->l, w->slots) == w->slots)
		return 0;
	gb_skip_with_errorf(st, "warm-up map/unmap of %zu x %zu failed",
			    wc->bc.pgcount, wc->bc.pgsize);
	return -EIO;
}

/* Domains with every table of the layout present; 0 or -errno (skipped). */
static int walk_setup(struct gb_state *st, struct walk_run *w, const struct walk_case *wc)
{
	struct bench_cfg twin_cfg = wc->bc.cfg;
	struct alloc_stats as;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = bench_layout_init(&w->l, &wc->bc, 0x5eed);
	if (ret) {
		gb_skip_with_errorf(st, "layout: %s", strerror(-ret));
		return ret;
	}
	w->slots = min_t(size_t, w->l.slots, MAX_SLOTS);
	ret = prepare_tables(&wc->bc, &w->l, w->slots, wc->bc.cfg.coherent ? 1 : 2);
	if (ret) {
		gb_skip_with_errorf(st, "backend_prepare: %s", strerror(-ret));
		return ret;
	}
	ret = bench_domain_init(&w->bd, &wc->bc.cfg);
	if (ret) {
		gb_skip_with_errorf(st, "domain init: %s", strerror(-ret));
		return ret;
	}
	ret = warm(st, &w->bd, wc, w);
	backend_stats(&as);
	w->bytes_held = as.bytes_held;
	if (ret || wc->bc.cfg.coherent)
		return ret;
	twin_cfg.coherent = true;
	ret = bench_domain_init(&w->twin, &twin_cfg);
	if (ret) {
		gb_skip_with_errorf(st, "coherent twin domain init: %s", strerror(-ret));
		return ret;
	}
	w->have_twin = true;
	return warm(st, &w->twin, wc, w);
}

static void walk_release(struct walk_run *w)
{
	if (w->bd.tlb)
		bench_domain_release(&w->bd);
	if (w->have_twin)
		bench_domain_release(&w->twin);
	bench_layout_free(&w->l);
}

/* One round; adds to the sums. False (benchmark skipped) on failure. */
static bool walk_round(struct gb_state *st, struct walk_run *w, const struct walk_case *wc,
		       size_t r, struct bench_counters *sum, u64 *ns, u64 *twin_ns)
{
	struct bench_counters cnt;
	u64 t;

	gb_pause(st);
	if (wc->unmap && untimed_half(w->bd.dom.ops, wc, &w->l, r))
		goto fail;
	bench_counters_begin(&cnt, &w->bd);
	gb_resume(st);
	t = timed_half(w->bd.dom.ops, wc, &w->l, r);
	gb_pause(st);
	bench_counters_end(&cnt, &w->bd);
	if (!t)
		goto fail;
	*ns += t;
	bench_counters_add(sum, &cnt);
	if (bench_layout_verify(st, &w->bd, &w->l, r, wc->bc.pgsize, !wc->unmap))
		return false;
	if (!wc->unmap && untimed_half(w->bd.dom.ops, wc, &w->l, r))
		goto fail;
	if (w->have_twin) {
		if (wc->unmap && untimed_half(w->twin.dom.ops, wc, &w->l, r))
			goto fail;
		t = timed_half(w->twin.dom.ops, wc, &w->l, r);
		if (!t || (!wc->unmap && untimed_half(w->twin.dom.ops, wc, &w->l, r)))
			goto fail;
		*twin_ns += t;
	}
	gb_resume(st);
	return true;
fail:
	gb_skip_with_errorf(st, "%s of %zu x %zu failed in a round of %zu",
			    wc->unmap ? "unmap_pages" : "map_pages",
			    wc->bc.pgcount, wc->bc.pgsize, r);
	return false;
}

static void bm_walk(struct gb_state *st, void *arg)
{
	const struct walk_case *wc = arg;
	struct bench_counters sum = { 0 };
	u64 n, done = 0, r, ns = 0, twin_ns = 0;
	struct walk_run w;

	if (walk_setup(st, &w, wc)) {
		walk_release(&w);
		return;
	}
	n = gb_loop_begin(st);
	while (done < n) {
		r = min_t(u64, w.slots, n - done);
		if (!walk_round(st, &w, wc, r, &sum, &ns, &twin_ns))
			break;
		done += r;
	}
	gb_loop_end(st);
	walk_release(&w);
	if (gb_error_occurred(st) || !n)
		return;
	gb_set_items_processed(st, n * wc->bc.pgcount);
	bench_counters_report(st, &sum, n);
	gb_counter_set(st, "cache_calls", (double)sum.cache.calls / n, GB_CNT_DEFAULT);
	if (cpuinfo_get()->emulated)
		label_emulation(st);
	if (w.have_twin) {
		/* Not the twin's tables: what this row's domain holds, as map/ reports it. */
		gb_counter_set(st, "pgtable_bytes", (double)w.bytes_held, GB_CNT_DEFAULT);
		gb_counter_set(st, "coherent_ns", (double)twin_ns / n, GB_CNT_DEFAULT);
		gb_counter_set(st, "flush_ns", ((double)ns - (double)twin_ns) / n,
			       GB_CNT_DEFAULT);
	}
}

static void register_walk(const struct bench_case *bc, bool unmap)
{
	struct walk_case *wc = malloc(sizeof(*wc));
	struct bench_layout l;
	struct bench_name name;
	char sz[16];

	if (!wc)
		abort();
	*wc = (struct walk_case){ *bc, unmap };
	/* Sizes whose regions do not fit the input range are not benchmarks. */
	if (bench_layout_init(&l, bc, 0)) {
		free(wc);
		return;
	}
	bench_layout_free(&l);
	bench_name_init(&name, "flush", &bc->cfg);
	bench_name_add(&name, "op", "%s", unmap ? "unmap" : "map");
	bench_name_add(&name, "pgsize", "%s", bench_size_name(bc->pgsize, sz));
	bench_name_add(&name, "count", "%zu", bc->pgcount);
	bench_name_add(&name, "walk", "%s", bc->cfg.coherent ? "coherent" : "noncoherent");
	gb_register(name.buf, bm_walk, wc);
}

/* ------------------------------------------------------------ batching */

/*
 * Address of the descriptor that maps @iova at @pgsize's level: a walk of
 * the stage-1 VMSAv8-64 table from TTBR (48-bit output addresses), through
 * the backend's phys_to_virt(). NULL if the walk does not reach it.
 */
static u64 *desc_addr(struct bench_domain *bd, unsigned long iova, size_t pgsize)
{
	unsigned int gs = __builtin_ctzl(bd->cfg.granule), bpl = gs - 3;
	unsigned int levels = (bd->dom.cfg.ias - gs + bpl - 1) / bpl;
	u64 pa = bd->dom.cfg.arm_lpae_s1_cfg.ttbr & GENMASK_ULL(47, 1);
	unsigned int lvl, shift;

	for (lvl = 4 - levels; lvl < 4; lvl++) {
		u64 *table = phys_to_virt(pa), desc;

		shift = gs + bpl * (3 - lvl);
		table += (iova >> shift) & ((1UL << bpl) - 1);
		if ((1ULL << shift) == pgsize)
			return table;
		desc = READ_ONCE(*table);
		if ((desc & 3) != 3)
			return NULL;
		pa = desc & GENMASK_ULL(47, gs);
	}
	return NULL;
}

struct batch_case {
	struct bench_case bc;	/* coherent walker: the core cleans nothing */
	bool per_pte;
};

/* First descriptor of each slot's run; -EIO if a run is not contiguous. */
static int find_runs(struct gb_state *st, struct bench_domain *bd,
		     const struct bench_layout *l, const struct bench_case *c,
		     size_t slots, u64 **runs)
{
	size_t i;

	for (i = 0; i < slots; i++) {
		unsigned long last = l->iova[i] + l->region - c->pgsize;
		u64 pa = bench_layout_pa(l, l->iova[i]);

		runs[i] = desc_addr(bd, l->iova[i], c->pgsize);
		/* The descriptors we clean must be the ones mapping the run. */
		if (!runs[i] || desc_addr(bd, last, c->pgsize) != runs[i] + c->pgcount - 1 ||
		    (READ_ONCE(*runs[i]) & GENMASK_ULL(47, __builtin_ctzl(c->pgsize))) != pa) {
			gb_skip_with_errorf(st, "PTE run of iova 0x%lx not found by the walk",
					    l->iova[i]);
			return -EIO;
		}
	}
	return 0;
}

static void clean_run(u64 *pte, size_t n, bool per_pte)
{
	size_t i;

	if (!per_pte) {
		arch_clean_dcache_range(pte, n * sizeof(*pte));
		return;
	}
	for (i = 0; i < n; i++)
		arch_clean_dcache_range(pte + i, sizeof(*pte));
}

static void bm_batch(struct gb_state *st, void *arg)
{
	const struct batch_case *b = arg;
	const struct bench_case *c = &b->bc;
	struct bench_counters sum = { 0 }, cnt;
	struct bench_domain bd = { 0 };
	struct bench_layout l = { 0 };
	u64 n, done = 0, r, i, **runs = NULL;
	size_t slots, mapped;
	int ret;

	if (!need_cache_support(st))
		return;
	ret = bench_layout_init(&l, c, 0x5eed);
	if (!ret)
		ret = bench_domain_init(&bd, &c->cfg);
	if (ret) {
		gb_skip_with_errorf(st, "setup: %s", strerror(-ret));
		goto out;
	}
	slots = min_t(size_t, l.slots, MAX_SLOTS);
	ret = prepare_tables(c, &l, slots, 1);
	if (ret) {
		gb_skip_with_errorf(st, "backend_prepare: %s", strerror(-ret));
		goto out;
	}
	runs = calloc(slots, sizeof(*runs));
	if (!runs || map_slots(bd.dom.ops, c, &l, slots) != slots ||
	    find_runs(st, &bd, &l, c, slots, runs) ||
	    unmap_slots(bd.dom.ops, c, &l, slots) != slots) {
		if (!gb_error_occurred(st))
			gb_skip_with_errorf(st, "warm-up of %zu x %zu failed", c->pgcount, c->pgsize);
		goto out;
	}
	n = gb_loop_begin(st);
	while (done < n) {
		r = min_t(u64, slots, n - done);
		gb_pause(st);
		bench_counters_begin(&cnt, &bd);
		gb_resume(st);
		for (i = 0; i < r; i++) {
			mapped = 0;
			if (bd.dom.ops->map_pages(bd.dom.ops, l.iova[i],
						  bench_layout_pa(&l, l.iova[i]), c->pgsize,
						  c->pgcount, BENCH_PROT, GFP_KERNEL, &mapped))
				break;
			clean_run(runs[i], c->pgcount, b->per_pte);
		}
		gb_pause(st);
		bench_counters_end(&cnt, &bd);
		bench_counters_add(&sum, &cnt);
		if (i != r || bench_layout_verify(st, &bd, &l, r, c->pgsize, true) ||
		    unmap_slots(bd.dom.ops, c, &l, r) != r) {
			if (!gb_error_occurred(st))
				gb_skip_with_errorf(st, "round of %llu maps failed",
						    (unsigned long long)r);
			break;
		}
		gb_resume(st);
		done += r;
	}
	gb_loop_end(st);
	if (!gb_error_occurred(st) && n) {
		gb_set_items_processed(st, n * c->pgcount);
		bench_counters_report(st, &sum, n);
		gb_counter_set(st, "cache_calls", (double)sum.cache.calls / n, GB_CNT_DEFAULT);
		if (cpuinfo_get()->emulated)
			label_emulation(st);
	}
out:
	free(runs);
	if (bd.tlb)
		bench_domain_release(&bd);
	bench_layout_free(&l);
}

static void register_batch(const struct bench_cfg *cfg)
{
	struct bench_name name;
	struct batch_case *b;
	char sz[16];
	int per_pte;

	for (per_pte = 1; per_pte >= 0; per_pte--) {
		b = malloc(sizeof(*b));
		if (!b)
			abort();
		*b = (struct batch_case){
			.bc = { .cfg = *cfg, .pgsize = cfg->granule,
				.pgcount = BATCH_COUNT, .pat = BENCH_PAT_SEQ, .warm = true },
			.per_pte = per_pte,
		};
		b->bc.cfg.coherent = true;
		bench_name_init(&name, "flush", cfg);
		bench_name_add(&name, "batch", "%s", per_pte ? "per-pte" : "per-run");
		bench_name_add(&name, "pgsize", "%s", bench_size_name(cfg->granule, sz));
		bench_name_add(&name, "count", "%d", BATCH_COUNT);
		gb_register(name.buf, bm_batch, b);
	}
}

/* ------------------------------------------------------------ registration */

static void flush_register(void)
{
	static const size_t granules[] = { SZ_4K, SZ_16K, SZ_64K };
	static const size_t counts[] = { 1, 16, 512 };
	struct bench_case bc = { .pat = BENCH_PAT_SEQ, .warm = true };
	unsigned long sizes;
	size_t g, i;
	int bit, coh, unmap;

	register_calib();
	bc.cfg.fmt = ARM_64_LPAE_S1;
	for (g = 0; g < ARRAY_SIZE(granules); g++) {
		bc.cfg.granule = granules[g];
		sizes = bench_pgsizes(&bc.cfg);
		for (bit = 0; bit < BITS_PER_LONG; bit++) {
			bc.pgsize = 1UL << bit;
			if (!(sizes & bc.pgsize) || (bench_quick() && bc.pgsize != granules[g]))
				continue;
			for (i = 0; i < ARRAY_SIZE(counts); i++) {
				bc.pgcount = counts[i];
				for (unmap = 0; unmap < 2; unmap++) {
					/* Quick: non-coherent rows time their coherent twin too. */
					for (coh = 0; coh <= !bench_quick(); coh++) {
						bc.cfg.coherent = coh;
						if (bench_walk_servable(&bc.cfg))
							register_walk(&bc, unmap);
					}
				}
			}
		}
		register_batch(&bc.cfg);
	}
}
BENCH_SUITE(flush_register)
