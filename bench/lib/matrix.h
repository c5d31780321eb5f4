/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map/unmap matrix and its IOVA layouts.
 *
 * A case is format x granule x page size x pgcount x IOVA pattern x
 * tables (cold/warm) x walker. A layout turns a case into the IOVAs of one
 * round of calls: regions of pgsize * pgcount bytes placed
 *   seq     back to back,
 *   rand    in a shuffled order within the same window,
 *   sparse  one region per table of pgsize's level (so every call needs
 *           a new last-level table),
 * each mapped to paddr = iova ^ pa_xor so that a translation that ignores
 * the output address cannot pass verification.
 */
#ifndef _BENCH_LIB_MATRIX_H
#define _BENCH_LIB_MATRIX_H

#include "bench.h"

enum bench_pattern { BENCH_PAT_SEQ, BENCH_PAT_RAND, BENCH_PAT_SPARSE, BENCH_PAT_NR };

/*
 * How a timed call reaches the page table. The cmp rows come in every path
 * their op has, so that the differences split a call's time: IOMMU-core
 * page-size loop, gather and sync, the flush model's add_page callbacks
 * and the page-table core itself.
 */
enum bench_path {
	BENCH_PATH_DEFAULT,	/* the concern's own: map_pages for map/, iommu_unmap for unmap/ */
	BENCH_PATH_CORE,	/* iommu_map() / iommu_unmap(): loop, gather, sync */
	BENCH_PATH_CORE_NOSYNC,	/* iommu_unmap_fast() into a gather, never synced */
	BENCH_PATH_DIRECT,	/* ops->map_pages() / ops->unmap_pages() into a gather */
	BENCH_PATH_NOGATHER,	/* ops->unmap_pages() with no gather: no flush callbacks */
};

struct bench_case {
	struct bench_cfg cfg;
	size_t pgsize;
	size_t pgcount;
	enum bench_pattern pat;
	bool warm;		/* tables already present before the timed calls */
	enum bench_path path;
	double published_ns;	/* cmp rows: a published figure, other machine */
};

/*
 * The rows kernel developers publish when comparing page-table
 * implementations (PROFILE=cmp): map and unmap of 1 x 4K, 256 x 4K and
 * 256 x 2M through iommu_map()/iommu_unmap(), stage 1, 4K granule,
 * coherent walker, tables warm. @published_ns is the "ARM 64 bit"
 * io-pgtable row measured on an i7-12700 for the iommupt series: a
 * reference from another machine and another harness, never ours.
 */
struct bench_cmp_row {
	const char *op;		/* "map" / "unmap" */
	size_t pgsize;
	size_t pgcount;
	double published_ns;
};
extern const struct bench_cmp_row bench_cmp_rows[];
extern const char bench_cmp_source[];
/*
 * Fill @c for @row and @path; name "cmp/<core>/s1-4k/op:<op>/size:<count>x<pgsize>",
 * then "/path:<direct|direct-nogather|core-nosync>" for the paths that skip
 * part of the IOMMU core.
 */
void bench_cmp_case(struct bench_case *c, struct bench_name *n,
		    const struct bench_cmp_row *row, enum bench_path path);
/* Register @fn for every row and path of @op, with a min aggregate over repetitions. */
void bench_cmp_register(const char *op, gb_fn fn);

const char *bench_pattern_name(enum bench_pattern p);

/* "<concern>/<core>/<fmt>-<granule>/pgsize:../count:../pattern:..[/tables:..]/walk:.." */
void bench_case_name(struct bench_name *n, const char *concern,
		     const struct bench_case *c, bool with_tables);

/*
 * Call @fn for every case (tables cold and warm only if @with_tables), in
 * a stable order; page sizes are those the core offers per granule; the
 * quick profile leaves out blocks of 1G and more.
 */
typedef void (*bench_case_fn)(const struct bench_case *c, void *priv);
void bench_matrix(bool with_tables, bench_case_fn fn, void *priv);
/*
 * False (and a note on stderr, once) when this backend cannot make a domain
 * for @cfg's walker: hyp under a core that maps non-coherent tables through
 * the DMA API. Registration leaves such rows out instead of failing them.
 */
bool bench_walk_servable(const struct bench_cfg *cfg);

struct bench_layout {
	size_t region;		/* pgsize * pgcount */
	size_t stride;		/* distance between slots */
	size_t slots;		/* calls per round */
	size_t table_bytes;	/* rough table memory one round allocates */
	u64 pa_xor;
	unsigned long *iova;	/* @slots IOVAs in call order */
};

/* 0 or -errno. */
int bench_layout_init(struct bench_layout *l, const struct bench_case *c,
		      u64 seed);
void bench_layout_free(struct bench_layout *l);

static inline phys_addr_t bench_layout_pa(const struct bench_layout *l,
					  unsigned long iova)
{
	return iova ^ l->pa_xor;
}

/* Verify a sample of the first @n slots: every one when few, else 8. */
int bench_layout_verify(struct gb_state *st, struct bench_domain *bd,
			const struct bench_layout *l, size_t n, size_t pgsize,
			bool mapped);

/*
 * A map or unmap benchmark timed in rounds, each on a fresh domain: @setup
 * builds the round with the timer paused, @run makes the @n timed calls
 * and returns how many succeeded, @failed reports the first that did not;
 * after each round the slots are verified (mapped or unmapped, as
 * @mapped_after says) untimed. Counters are summed over the rounds and
 * reported per call, with pages per second as items.
 */
struct bench_rounds {
	int (*setup)(struct gb_state *st, struct bench_domain *bd,
		     const struct bench_case *c, const struct bench_layout *l,
		     size_t n);
	size_t (*run)(struct iommu_domain *d, const struct bench_case *c,
		      const struct bench_layout *l, size_t n);
	void (*failed)(struct gb_state *st, const struct bench_case *c,
		       const struct bench_layout *l, size_t slot);
	bool mapped_after;
};

void bench_run_rounds(struct gb_state *st, const struct bench_case *c,
		      const struct bench_rounds *r);

/* Register the matrix under @concern (with the tables axis or not) and its cmp rows. */
void bench_register_concern(const char *concern, bool with_tables, gb_fn fn);

#endif
