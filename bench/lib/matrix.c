// SPDX-License-Identifier: GPL-2.0
/*
 * The map/unmap matrix and its IOVA layouts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "matrix.h"
#include "profile.h"

/*
 * Calls per round, and the table memory a round may hold: big rounds make
 * the per-round timer pause negligible for the cheapest calls; the memory
 * bound keeps a driver-style pool (drvcache: 256 MiB, topped up per size
 * class by backend_prepare) able to supply every granule's round.
 */
#define ROUND_MAX_SLOTS		65536
#define ROUND_MAX_TABLE_BYTES	(8UL << 20)

static const char *const pattern_names[BENCH_PAT_NR] = {
	[BENCH_PAT_SEQ] = "seq",
	[BENCH_PAT_RAND] = "rand",
	[BENCH_PAT_SPARSE] = "sparse",
};

const char *bench_pattern_name(enum bench_pattern p)
{
	return p < BENCH_PAT_NR ? pattern_names[p] : "?";
}

void bench_case_name(struct bench_name *n, const char *concern,
		     const struct bench_case *c, bool with_tables)
{
	char sz[16];

	bench_name_init(n, concern, &c->cfg);
	bench_name_add(n, "pgsize", "%s", bench_size_name(c->pgsize, sz));
	bench_name_add(n, "count", "%zu", c->pgcount);
	bench_name_add(n, "pattern", "%s", bench_pattern_name(c->pat));
	if (with_tables)
		bench_name_add(n, "tables", "%s", c->warm ? "warm" : "cold");
	bench_name_add(n, "walk", "%s", c->cfg.coherent ? "coherent" : "noncoherent");
}

bool bench_walk_servable(const struct bench_cfg *cfg)
{
	static bool said;

	if (cfg->coherent || bench_pgsizes(cfg))
		return true;
	if (!said)
		fprintf(stderr, "bench-%s: walk:noncoherent rows left out: no non-coherent domain can be made "
			"with this core on this backend (a core that maps non-coherent tables through the DMA API "
			"cannot run on a backend without one)\n", backend_name());
	said = true;
	return false;
}

static void matrix_sizes(struct bench_case *c, bool with_tables,
			 bench_case_fn fn, void *priv)
{
	static const size_t counts[] = { 1, 16, 512 };
	struct bench_cfg probe = c->cfg;
	unsigned long sizes;
	bool noncoherent;
	size_t i;
	int bit, pat, warm;

	/*
	 * Page sizes come from a coherent domain: a backend that cannot make
	 * a non-coherent one (hyp under a core that needs the DMA API) still
	 * has its coherent rows, and leaves the non-coherent ones out, saying so.
	 */
	probe.coherent = true;
	sizes = bench_pgsizes(&probe);
	probe.coherent = false;
	noncoherent = sizes && bench_walk_servable(&probe);

	for (bit = 0; bit < BITS_PER_LONG; bit++) {
		if (!(sizes & (1UL << bit)))
			continue;
		c->pgsize = 1UL << bit;
		if (bench_quick() && c->pgsize >= SZ_1G)
			continue;
		for (i = 0; i < ARRAY_SIZE(counts); i++) {
			c->pgcount = counts[i];
			for (pat = 0; pat < BENCH_PAT_NR; pat++) {
				c->pat = pat;
				for (warm = 0; warm <= with_tables; warm++) {
					c->warm = warm;
					c->cfg.coherent = true;
					fn(c, priv);
					c->cfg.coherent = false;
					if (noncoherent)
						fn(c, priv);
				}
			}
		}
	}
}

void bench_matrix(bool with_tables, bench_case_fn fn, void *priv)
{
	static const enum io_pgtable_fmt fmts[] = { ARM_64_LPAE_S1, ARM_64_LPAE_S2 };
	static const size_t granules[] = { SZ_4K, SZ_16K, SZ_64K };
	struct bench_case c = { 0 };
	size_t f, g;

	for (f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (g = 0; g < ARRAY_SIZE(granules); g++) {
			c.cfg.fmt = fmts[f];
			c.cfg.granule = granules[g];
			matrix_sizes(&c, with_tables, fn, priv);
		}
	}
	/* Mali LPAE: 4K only, and at most 40 output bits. */
	c.cfg.fmt = ARM_MALI_LPAE;
	c.cfg.granule = SZ_4K;
	c.cfg.oas = 40;
	matrix_sizes(&c, with_tables, fn, priv);
}

/* Bytes covered by one table of the level that maps @pgsize. */
static size_t table_span(size_t granule, size_t pgsize)
{
	return pgsize * (granule / 8);
}

int bench_layout_init(struct bench_layout *l, const struct bench_case *c,
		      u64 seed)
{
	unsigned int ias = c->cfg.ias ? c->cfg.ias : 48;
	unsigned int oas = c->cfg.oas ? c->cfg.oas : 48;
	size_t span = table_span(c->cfg.granule, c->pgsize);
	/* Clear of the top of the range; paddr = iova ^ pa_xor must fit oas too (Mali: 40). */
	u64 space = 1ULL << (min(ias, oas) - 1);
	size_t i;
	u64 span_bytes, tables;

	l->region = c->pgsize * c->pgcount;
	l->stride = l->region;
	if (c->pat == BENCH_PAT_SPARSE)
		l->stride = round_up(l->region, span);
	l->pa_xor = 1ULL << (oas - 2);
	if (l->stride > space || c->pgsize > l->pa_xor)
		return -ERANGE;

	/*
	 * Tables a round needs: one per table span the round covers, plus
	 * the levels above (a sparse stride is a whole span per call).
	 */
	l->slots = min_t(u64, ROUND_MAX_SLOTS, space / l->stride);
	for (;;) {
		span_bytes = (u64)l->slots * l->stride;
		tables = DIV_ROUND_UP(span_bytes, span) * 2 + 8;
		if (l->slots == 1 ||
		    tables * c->cfg.granule <= ROUND_MAX_TABLE_BYTES)
			break;
		l->slots /= 2;
	}
	l->table_bytes = tables * c->cfg.granule;
	l->iova = calloc(l->slots, sizeof(*l->iova));
	if (!l->iova)
		return -ENOMEM;
	for (i = 0; i < l->slots; i++)
		l->iova[i] = i * l->stride;
	if (c->pat == BENCH_PAT_RAND) {
		/* Fisher-Yates: the same window, visited in a seeded random order. */
		for (i = l->slots - 1; i > 0; i--) {
			size_t j = bench_rand(&seed) % (i + 1);
			unsigned long t = l->iova[i];

			l->iova[i] = l->iova[j];
			l->iova[j] = t;
		}
	}
	return 0;
}

void bench_layout_free(struct bench_layout *l)
{
	free(l->iova);
	l->iova = NULL;
}

int bench_layout_verify(struct gb_state *st, struct bench_domain *bd,
			const struct bench_layout *l, size_t n, size_t pgsize,
			bool mapped)
{
	size_t pick[8], k, nr, i;
	u64 seed = 0x9e3779b97f4a7c15ULL ^ n;
	int ret;

	if (!n)
		return 0;
	nr = min_t(size_t, n, ARRAY_SIZE(pick));
	for (k = 0; k < nr; k++)
		pick[k] = n <= ARRAY_SIZE(pick) ? k : bench_rand(&seed) % n;
	/* Always the first and the last call of the round. */
	pick[0] = 0;
	pick[nr - 1] = n - 1;
	for (k = 0; k < nr; k++) {
		i = pick[k];
		if (mapped)
			ret = bench_verify_mapped(st, bd, l->iova[i],
						  bench_layout_pa(l, l->iova[i]),
						  l->region, pgsize);
		else
			ret = bench_verify_unmapped(st, bd, l->iova[i],
						    l->region, pgsize);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------ cmp rows */

const struct bench_cmp_row bench_cmp_rows[] = {
	{ "map", SZ_4K, 1, 65 },
	{ "map", SZ_4K, 256, 389 },
	{ "map", SZ_2M, 256, 419 },
	{ "unmap", SZ_4K, 1, 77 },
	{ "unmap", SZ_4K, 256, 357 },
	{ "unmap", SZ_2M, 256, 358 },
	{ NULL },
};

const char bench_cmp_source[] =
	"published reference, other machine: io-pgtable 'ARM 64 bit' rows "
	"(i7-12700) from the iommupt generic page table series; "
	"map 4K 65, 256x4K 389, 256x2M 419 ns; unmap 77, 357, 358 ns";

static const char *const path_names[] = {
	[BENCH_PATH_CORE_NOSYNC] = "core-nosync",
	[BENCH_PATH_DIRECT] = "direct",
	[BENCH_PATH_NOGATHER] = "direct-nogather",
};

void bench_cmp_case(struct bench_case *c, struct bench_name *n,
		    const struct bench_cmp_row *row, enum bench_path path)
{
	char sz[16];

	memset(c, 0, sizeof(*c));
	c->cfg.fmt = ARM_64_LPAE_S1;
	c->cfg.granule = SZ_4K;
	c->cfg.coherent = true;
	c->pgsize = row->pgsize;
	c->pgcount = row->pgcount;
	c->pat = BENCH_PAT_SEQ;
	c->warm = true;
	c->path = path;
	/* The published figures are for the whole call through the core. */
	c->published_ns = path == BENCH_PATH_CORE ? row->published_ns : 0;
	bench_name_init(n, "cmp", &c->cfg);
	bench_name_add(n, "op", "%s", row->op);
	bench_name_add(n, "size", "%zux%s", row->pgcount,
		       bench_size_name(row->pgsize, sz));
	if (path != BENCH_PATH_CORE)
		bench_name_add(n, "path", "%s", path_names[path]);
}

/* Each op's paths, the whole call first (0-terminated). */
static const enum bench_path map_paths[] = {
	BENCH_PATH_CORE, BENCH_PATH_DIRECT, 0,
};
static const enum bench_path unmap_paths[] = {
	BENCH_PATH_CORE, BENCH_PATH_CORE_NOSYNC, BENCH_PATH_DIRECT,
	BENCH_PATH_NOGATHER, 0,
};

void bench_cmp_register(const char *op, gb_fn fn)
{
	const struct bench_cmp_row *row;
	static bool context_done;

	if (!context_done) {
		gb_add_context("cmp_reference", bench_cmp_source);
		context_done = true;
	}
	for (row = bench_cmp_rows; row->op; row++) {
		bool map = !strcmp(row->op, "map");
		const enum bench_path *p;

		if (strcmp(row->op, op))
			continue;
		for (p = map ? map_paths : unmap_paths; *p; p++) {
			struct bench_case *c = malloc(sizeof(*c));
			struct bench_name n;

			if (!c)
				abort();
			bench_cmp_case(c, &n, row, *p);
			/*
			 * Repetitions come from the command line (bench.sh cmp: 10):
			 * set here, Google Benchmark would add "/repeats:10" to the name.
			 */
			gb_statistics_min(gb_register(n.buf, fn, c));
		}
	}
}

void bench_run_rounds(struct gb_state *st, const struct bench_case *c,
		      const struct bench_rounds *ops)
{
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
		if (ops->setup(st, &bd, c, &l, r))
			break;
		bench_counters_begin(&cnt, &bd);
		gb_resume(st);
		ok = ops->run(&bd.dom, c, &l, r);
		gb_pause(st);
		bench_counters_end(&cnt, &bd);
		bench_counters_add(&sum, &cnt);
		if (ok != r)
			ops->failed(st, c, &l, ok);
		else
			bench_layout_verify(st, &bd, &l, r, c->pgsize, ops->mapped_after);
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

struct concern {
	const char *name;
	bool with_tables;
	gb_fn fn;
};

static void register_case(const struct bench_case *c, void *priv)
{
	const struct concern *k = priv;
	struct bench_case *copy;
	struct bench_name name;

	bench_case_name(&name, k->name, c, k->with_tables);
	if (!bench_profile_keeps(name.buf))
		return;
	copy = malloc(sizeof(*copy));
	if (!copy)
		abort();
	*copy = *c;
	gb_register(name.buf, k->fn, copy);
}

void bench_register_concern(const char *concern, bool with_tables, gb_fn fn)
{
	struct concern k = { concern, with_tables, fn };

	bench_matrix(with_tables, register_case, &k);
	bench_cmp_register(concern, fn);
}
