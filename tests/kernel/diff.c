// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: a kernel tree's io-pgtable-arm.c against the suite's
 * own core, in one binary (make KSRC=<tree>; the own core's symbols are
 * renamed own_* by the Makefile). For random operation sequences on every
 * format x granule x walker (coherent and not) x input size, both cores
 * must return the same values, issue the same iommu_flush_ops calls in the
 * same order, WARN alike, and hold bit-identical page tables: both trees are
 * walked from the root that the configuration registers (TTBR/TCR, VTTBR/
 * VTCR, Mali's TRANSTAB) describe, as the hardware would, and every
 * descriptor compared
 * (next-level table addresses excepted: they are different allocations).
 * The first difference is reported with its IOVA, level and both
 * descriptors.
 *
 * Where a kernel version differs from the own core (which follows current
 * mainline) on purpose, the operation or configuration is not replayed but
 * checked to be exactly that difference, counted, and named with its rule;
 * whether a tree has it is decided by what the tree does (its probed
 * features, or asking its core), never by its version number: a partial
 * unmap of a block is split (6.1, 6.12) where mainline refuses; a freed
 * table gets flush_walk only (6.1); stage-2 initial tables are concatenated
 * wherever a level-0 start has at most 16 entries (6.12 and older) where
 * mainline concatenates only where the architecture makes it mandatory.
 * Partial-block unmaps that both cores refuse are compared like any call
 * and left out of the work ratio. A separate test checks each side of the
 * split difference against what its version promises. On a backend
 * without a DMA API a non-coherent walker is skipped, with the reason,
 * for a tree that needs the DMA API for it.
 *
 * In a binary with only the own core (no KSRC) there is nothing to compare:
 * the tests are skipped. TEST_SEED varies the sequences; --quick shortens;
 * KDIFF_VERBOSE=1 prints how many operations were compared.
 */
#include <stdlib.h>
#include <string.h>
#include <alloc/backend.h>
#include <asm/io.h>
#include <kcore.h>
#include <linux/bug.h>
#include <linux/dma-mapping.h>
#include <linux/io-pgtable.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include "iommu-pages.h"
#include "harness.h"
#include "pgtable/common.h"

/* The own core, renamed by the Makefile in KSRC builds; absent otherwise. */
struct io_pgtable_ops *own_alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
						struct io_pgtable_cfg *cfg,
						void *cookie) __attribute__((weak));
void own_free_io_pgtable_ops(struct io_pgtable_ops *ops) __attribute__((weak));

#define MAX_LEVELS	4
/* Tables a driver-pool backend keeps ready per size class (both cores draw on it). */
#define DIFF_PREPARE	128
#define FLUSH_LOG_MAX	4096

enum flush_kind { FLUSH_ALL = 'A', FLUSH_WALK = 'W', FLUSH_ADD_PAGE = 'P' };

struct flush_rec {
	char kind;
	unsigned long iova;
	size_t size;
	size_t granule;
};

/* One core under test: its ops, the cfg it was given, what it flushed. */
struct side {
	const char *name;
	struct io_pgtable_ops *ops;
	struct io_pgtable_cfg cfg;
	struct flush_rec log[FLUSH_LOG_MAX];
	int nlog;
	bool log_overflow;
	unsigned long warns;	/* WARNs during the last operation */
};

/* Translation geometry, from the registers as a walker reads them. */
struct geom {
	int gshift;		/* granule: 12, 14 or 16 */
	int stride;		/* index bits per level: gshift - 3 */
	int start;		/* start level */
	int pgd_entries;	/* entries at the start level (concatenated S2: more) */
	u64 oa_mask;		/* output-address bits of a descriptor */
};

struct diff_cfg {
	enum io_pgtable_fmt fmt;
	unsigned long pgsizes;
	unsigned int ias;
	bool coherent;
};

struct diff_stats {
	unsigned long ops;		/* replayed on both cores */
	unsigned long done;		/* of which did all they were asked */
	unsigned long partial_block;	/* intended difference, not replayed */
	unsigned long partial_refused;	/* replayed: both cores refuse, no work */
	unsigned long concat_cfgs;	/* S2 configurations, intended difference */
	unsigned long skipped_by_env;	/* KDIFF_SKIP: known, not intended */
	unsigned long table_then_leaf;	/* intended difference, not replayed */
	unsigned long table_add_page;	/* intended: see CORE_F_ADD_PAGE_ALL */
};

static struct device diff_dev = { .name = "diff-smmu", .numa_node = NUMA_NO_NODE };

static void log_add(struct side *s, char kind, unsigned long iova,
		    size_t size, size_t granule)
{
	if (s->nlog == FLUSH_LOG_MAX) {
		s->log_overflow = true;
		return;
	}
	s->log[s->nlog++] = (struct flush_rec){ kind, iova, size, granule };
}

static void rec_flush_all(void *cookie)
{
	log_add(cookie, FLUSH_ALL, 0, 0, 0);
}

static void rec_flush_walk(unsigned long iova, size_t size, size_t granule,
			   void *cookie)
{
	log_add(cookie, FLUSH_WALK, iova, size, granule);
}

static void rec_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			 size_t granule, void *cookie)
{
	log_add(cookie, FLUSH_ADD_PAGE, iova, granule, granule);
}

static const struct iommu_flush_ops rec_flush_ops = {
	.tlb_flush_all	= rec_flush_all,
	.tlb_flush_walk	= rec_flush_walk,
	.tlb_add_page	= rec_add_page,
};

/* xorshift64*: deterministic per seed, good enough to pick operations. */
static u64 rnd_state;

static u64 rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

static int tg_to_shift(unsigned int tg)
{
	switch (tg) {
	case 0: return 12;	/* TG0 encodings: 4K, 64K, 16K */
	case 1: return 16;
	case 2: return 14;
	default: return -1;
	}
}

/* Mali: 4K, four levels from 0; the GPU's input size (cfg->ias) sets the level-0 entries used. */
static int mali_geom(const struct io_pgtable_cfg *cfg, struct geom *g)
{
	if (cfg->ias < 13 || cfg->ias > 48)
		return -EINVAL;
	g->gshift = 12;
	g->stride = 9;
	g->start = 0;
	g->pgd_entries = 1 << (cfg->ias > 39 ? cfg->ias - 39 : 0);
	g->oa_mask = GENMASK_ULL(47, 12);
	return 0;
}

static int geom_from_cfg(enum io_pgtable_fmt fmt, const struct io_pgtable_cfg *cfg,
			 struct geom *g)
{
	int ia, lvl_bits;

	if (fmt == ARM_MALI_LPAE)
		return mali_geom(cfg, g);
	if (fmt == ARM_64_LPAE_S1) {
		g->gshift = tg_to_shift(cfg->arm_lpae_s1_cfg.tcr.tg);
		ia = 64 - cfg->arm_lpae_s1_cfg.tcr.tsz;
	} else {
		g->gshift = tg_to_shift(cfg->arm_lpae_s2_cfg.vtcr.tg);
		ia = 64 - cfg->arm_lpae_s2_cfg.vtcr.tsz;
	}
	if (g->gshift < 0)
		return -EINVAL;
	g->stride = g->gshift - 3;
	if (fmt == ARM_64_LPAE_S1)
		g->start = MAX_LEVELS - DIV_ROUND_UP(ia - g->gshift, g->stride);
	else	/* VTCR.SL0: from level 2 down for 4K, from level 3 for 16K/64K */
		g->start = (g->gshift == 12 ? 2 : 3) - cfg->arm_lpae_s2_cfg.vtcr.sl;
	lvl_bits = ia - g->gshift - g->stride * (MAX_LEVELS - 1 - g->start);
	if (g->start < 0 || lvl_bits < 1 || lvl_bits > g->stride + 4)
		return -EINVAL;
	g->pgd_entries = 1 << lvl_bits;
	g->oa_mask = GENMASK_ULL(47, g->gshift);
	return 0;
}

static int lvl_shift(const struct geom *g, int lvl)
{
	return g->gshift + g->stride * (MAX_LEVELS - 1 - lvl);
}

static bool pte_is_table(u64 pte, int lvl)
{
	return lvl < MAX_LEVELS - 1 && (pte & 3) == 3;
}

static u64 *pgd_of(const struct side *s, enum io_pgtable_fmt fmt)
{
	u64 base = fmt == ARM_64_LPAE_S1 ? s->cfg.arm_lpae_s1_cfg.ttbr :
					   s->cfg.arm_lpae_s2_cfg.vttbr;

	/*
	 * TRANSTAB's flags are bits [4:0]. Its address is [47:12] to the GPU,
	 * but a kernel's small Mali pgd from a driver pool may be only 64-byte
	 * aligned (tests/pgtable/format.c checks the own core's alignment).
	 */
	if (fmt == ARM_MALI_LPAE)
		return phys_to_virt(s->cfg.arm_mali_lpae_cfg.transtab & GENMASK_ULL(47, 5));
	return phys_to_virt(base & GENMASK_ULL(47, 1));
}

struct cmp_ctx {
	const struct geom *g;
	const char *kname;
	bool differs;
};

static void report_pte(struct cmp_ctx *c, unsigned long iova, int lvl,
		       u64 kpte, u64 opte, const char *what)
{
	test_fail(__FILE__, __LINE__,
		  "tables differ (%s) at iova %#lx level %d: %s %#018llx, own %#018llx",
		  what, iova, lvl, c->kname, (unsigned long long)kpte,
		  (unsigned long long)opte);
	c->differs = true;
}

/* Compare two tables entry by entry, descending into next-level tables. */
static void cmp_tables(struct cmp_ctx *c, int lvl, const u64 *kt, const u64 *ot,
		       int n, unsigned long base)
{
	const struct geom *g = c->g;
	int i;

	for (i = 0; i < n && !c->differs; i++) {
		unsigned long iova = base + ((unsigned long)i << lvl_shift(g, lvl));
		u64 kpte = READ_ONCE(kt[i]), opte = READ_ONCE(ot[i]);

		if (!pte_is_table(kpte, lvl) || !pte_is_table(opte, lvl)) {
			if (kpte != opte)
				report_pte(c, iova, lvl, kpte, opte, "descriptor");
			continue;
		}
		/* Tables: same attributes, addresses of their own allocations. */
		if ((kpte & ~g->oa_mask) != (opte & ~g->oa_mask)) {
			report_pte(c, iova, lvl, kpte, opte, "table attributes");
			continue;
		}
		cmp_tables(c, lvl + 1, phys_to_virt(kpte & g->oa_mask),
			   phys_to_virt(opte & g->oa_mask), 1 << g->stride, iova);
	}
}

static bool trees_equal(struct side *k, struct side *o, enum io_pgtable_fmt fmt,
			const struct geom *g)
{
	struct cmp_ctx c = { .g = g, .kname = k->name };

	cmp_tables(&c, g->start, pgd_of(k, fmt), pgd_of(o, fmt), g->pgd_entries, 0);
	return !c.differs;
}

/* The leaf descriptor that maps @iova in @s's tree, and its level; 0 if none. */
static u64 leaf_at(const struct side *s, enum io_pgtable_fmt fmt,
		   const struct geom *g, unsigned long iova, int *lvl)
{
	const u64 *t = pgd_of(s, fmt);
	int l = g->start;
	unsigned long idx = (iova >> lvl_shift(g, l)) & (g->pgd_entries - 1);

	for (;;) {
		u64 pte = READ_ONCE(t[idx]);

		*lvl = l;
		if (!(pte & 1))
			return 0;
		if (!pte_is_table(pte, l))
			return pte;
		t = phys_to_virt(pte & g->oa_mask);
		l++;
		idx = (iova >> lvl_shift(g, l)) & ((1UL << g->stride) - 1);
	}
}

static bool rec_differs(struct side *k, struct side *o, const char *op,
			unsigned long iova, int i, const struct flush_rec *a,
			const struct flush_rec *b)
{
	if (memcmp(a, b, sizeof(*a)) == 0)
		return false;
	test_fail(__FILE__, __LINE__,
		  "%s at %#lx: flush call %d of %d/%d differs: %s %c(%#lx, %#zx, %#zx), own %c(%#lx, %#zx, %#zx)",
		  op, iova, i, k->nlog, o->nlog, k->name, a->kind, a->iova,
		  a->size, a->granule, b->kind, b->iova, b->size, b->granule);
	return true;
}

/*
 * Same flush calls in the same order. With @per_kind, each kind's calls
 * are compared in order but not their interleaving (see CORE_F_ADD_PAGE_ALL).
 */
static bool logs_equal_kind(struct side *k, struct side *o, const char *op,
			    unsigned long iova, bool per_kind)
{
	static const struct flush_rec none = { '-', 0, 0, 0 };
	static const char kinds[] = { FLUSH_ALL, FLUSH_WALK, FLUSH_ADD_PAGE };
	int i, j, ki, n = max(k->nlog, o->nlog);

	if (k->log_overflow || o->log_overflow) {
		test_fail(__FILE__, __LINE__, "%s at %#lx: flush log overflowed", op, iova);
		return false;
	}
	if (!per_kind) {
		for (i = 0; i < n; i++)
			if (rec_differs(k, o, op, iova, i,
					i < k->nlog ? &k->log[i] : &none,
					i < o->nlog ? &o->log[i] : &none))
				return false;
		return true;
	}
	for (ki = 0; ki < (int)sizeof(kinds); ki++) {
		for (i = j = 0; i < k->nlog || j < o->nlog; i++, j++) {
			while (i < k->nlog && k->log[i].kind != kinds[ki])
				i++;
			while (j < o->nlog && o->log[j].kind != kinds[ki])
				j++;
			if ((i < k->nlog || j < o->nlog) &&
			    rec_differs(k, o, op, iova, max(i, j),
					i < k->nlog ? &k->log[i] : &none,
					j < o->nlog ? &o->log[j] : &none))
				return false;
		}
	}
	return true;
}

static bool logs_equal(struct side *k, struct side *o, const char *op,
		       unsigned long iova)
{
	return logs_equal_kind(k, o, op, iova, false);
}

/*
 * For a core without CORE_F_ADD_PAGE_ALL: drop from the own core's log the
 * tlb_add_page calls for entries that were tables before the unmap (the
 * older core reports those with flush_walk only). Returns how many.
 */
static int drop_table_add_pages(struct side *o, const unsigned long *tables, int ntables,
				size_t pgsize)
{
	int i, j, t, dropped = 0;

	for (i = j = 0; i < o->nlog; i++) {
		bool drop = false;

		for (t = 0; t < ntables && o->log[i].kind == FLUSH_ADD_PAGE; t++)
			if (o->log[i].iova == tables[t] && o->log[i].size == pgsize)
				drop = true;
		if (drop)
			dropped++;
		else
			o->log[j++] = o->log[i];
	}
	o->nlog = j;
	return dropped;
}

static void logs_reset(struct side *k, struct side *o)
{
	k->nlog = o->nlog = 0;
	k->log_overflow = o->log_overflow = false;
}

/* Sizes the configuration maps, smallest first: page, then blocks. */
static int pgsize_list(unsigned long bitmap, size_t *sizes)
{
	int n = 0, bit;

	for (bit = 0; bit < BITS_PER_LONG; bit++)
		if (bitmap & (1UL << bit))
			sizes[n++] = 1UL << bit;
	return n;
}

static int rnd_prot(void)
{
	static const int prots[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
		IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
		IOMMU_READ | IOMMU_NOEXEC, IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO,
		IOMMU_READ | IOMMU_PRIV | IOMMU_CACHE,
	};

	return prots[rnd_below(ARRAY_SIZE(prots))];
}

struct op {
	bool map;
	unsigned long iova;
	phys_addr_t paddr;
	size_t pgsize, pgcount;
	int prot;
	bool queued;	/* unmap with a queued gather: no add_page calls */
};

static void rnd_op(struct op *op, const size_t *sizes, int nsizes, unsigned int ias)
{
	/* Mostly pages, some first-level blocks, rarely the largest. */
	u64 w = rnd_below(100);
	int si = w < 65 ? 0 : (w < 92 || nsizes < 3) ? min(1, nsizes - 1) : nsizes - 1;
	size_t ps = op->pgsize = sizes[si];
	/* A window shared by pages and blocks so that they collide. */
	u64 window = max_t(u64, 8ULL * ps, 8ULL * sizes[min(1, nsizes - 1)]);

	window = min_t(u64, window, 1ULL << ias);
	op->map = rnd_below(100) < 55;
	op->iova = rnd_below(window / ps) * ps;
	op->pgcount = si == 0 ? 1 + rnd_below(rnd_below(4) ? 8 : 600) : 1 + rnd_below(3);
	if (op->iova + op->pgcount * ps > window)
		op->pgcount = (window - op->iova) / ps;
	op->paddr = (rnd_below((1ULL << 40) / ps)) * ps;
	op->prot = rnd_prot();
	op->queued = rnd_below(8) == 0;
}

/*
 * An unmap of part of a block. 6.1 and 6.12 split the block into a
 * next-level table (an intended difference, not replayed); mainline and
 * the own core WARN and unmap nothing (replayed: both must refuse alike).
 */
static bool partial_block_unmap(struct side *o, const struct diff_cfg *dc,
				const struct geom *g, const struct op *op)
{
	unsigned long iova;
	int lvl;

	for (iova = op->iova; iova < op->iova + op->pgcount * op->pgsize;
	     iova += op->pgsize) {
		u64 pte = leaf_at(o, dc->fmt, g, iova, &lvl);

		if (pte && (1UL << lvl_shift(g, lvl)) > op->pgsize)
			return true;
	}
	return false;
}

/* The descriptor at level @want on the walk to @iova; 0 if the walk stops earlier. */
static u64 pte_at_level(const struct side *s, enum io_pgtable_fmt fmt,
			const struct geom *g, unsigned long iova, int want)
{
	const u64 *t = pgd_of(s, fmt);
	int l = g->start;
	unsigned long idx = (iova >> lvl_shift(g, l)) & (g->pgd_entries - 1);

	for (;;) {
		u64 pte = READ_ONCE(t[idx]);

		if (l == want)
			return pte;
		if (!pte_is_table(pte, l))
			return 0;
		t = phys_to_virt(pte & g->oa_mask);
		l++;
		idx = (iova >> lvl_shift(g, l)) & ((1UL << g->stride) - 1);
	}
}

/*
 * A block mapped where a next-level table is: 6.1 and 6.12 unmap the
 * table (flush_walk, free) and install the block. The own core must do
 * the same; KDIFF_SKIP=block-over-table in the environment stops replaying
 * such maps, to look past a known difference while it is being fixed.
 */
static bool block_over_table(struct side *o, const struct diff_cfg *dc,
			     const struct geom *g, const struct op *op)
{
	static int skip = -1;
	unsigned long iova;
	int lvl;

	if (skip < 0)
		skip = getenv("KDIFF_SKIP") && strstr(getenv("KDIFF_SKIP"), "block-over-table");
	if (!skip || op->pgsize == (1UL << g->gshift))
		return false;
	for (lvl = g->start; (1UL << lvl_shift(g, lvl)) != op->pgsize; lvl++)
		;
	for (iova = op->iova; iova < op->iova + op->pgcount * op->pgsize;
	     iova += op->pgsize)
		if (pte_is_table(pte_at_level(o, dc->fmt, g, iova, lvl), lvl))
			return true;
	return false;
}

/*
 * A known, intended difference that must not be replayed: a block map
 * whose run (within one table) meets a next-level table and then a leaf.
 * The kernel frees each table as it reaches it and only then finds the
 * leaf (-EEXIST, the tables before it gone); the own core checks the
 * whole run first and leaves the tables as they were.
 */
static bool table_then_leaf(struct side *o, const struct diff_cfg *dc,
			    const struct geom *g, const struct op *op)
{
	unsigned long iova, end = op->iova + op->pgcount * op->pgsize;
	bool table = false;
	int lvl;

	if (op->pgsize == (1UL << g->gshift))
		return false;
	for (lvl = g->start; (1UL << lvl_shift(g, lvl)) != op->pgsize; lvl++)
		;
	for (iova = op->iova; iova < end; iova += op->pgsize) {
		u64 pte = pte_at_level(o, dc->fmt, g, iova, lvl);

		/* A new table at this level starts a new run. */
		if (lvl > g->start && !((iova >> lvl_shift(g, lvl)) &
					((1UL << g->stride) - 1)))
			table = false;
		if (pte_is_table(pte, lvl))
			table = true;
		else if ((pte & 1) && table)
			return true;
	}
	return false;
}

/* IOVAs in @op's range whose entry at the unmap level is a table now. */
static int tables_in_range(struct side *o, const struct diff_cfg *dc,
			   const struct geom *g, const struct op *op,
			   unsigned long *tables, int max)
{
	unsigned long iova;
	int lvl, n = 0;

	for (lvl = g->start; lvl < MAX_LEVELS - 1 &&
	     (1UL << lvl_shift(g, lvl)) != op->pgsize; lvl++)
		;
	for (iova = op->iova; iova < op->iova + op->pgcount * op->pgsize && n < max;
	     iova += op->pgsize)
		if (pte_is_table(pte_at_level(o, dc->fmt, g, iova, lvl), lvl))
			tables[n++] = iova;
	return n;
}

/* Run one operation on one core; returns the value to compare. */
static long run_op(struct side *s, const struct op *op, size_t *mapped)
{
	struct iommu_iotlb_gather gather;
	unsigned long before = shim_warn_count();
	long ret;

	*mapped = 0;
	if (op->map) {
		ret = s->ops->map_pages(s->ops, op->iova, op->paddr, op->pgsize,
					op->pgcount, op->prot, GFP_KERNEL, mapped);
	} else {
		iommu_iotlb_gather_init(&gather);
		gather.queued = op->queued;
		ret = s->ops->unmap_pages(s->ops, op->iova, op->pgsize, op->pgcount,
					  &gather);
	}
	s->warns = shim_warn_count() - before;
	return ret;
}

/* Same results, WARNs, flush calls and tables after @op? Reports the first difference. */
static bool same_after(struct side *k, struct side *o, const struct diff_cfg *dc,
		       const struct geom *g, const struct op *op,
		       long kret, long oret, size_t kmapped, size_t omapped,
		       bool per_kind)
{
	const char *name = op->map ? "map_pages" : "unmap_pages";

	if (kret != oret || kmapped != omapped) {
		test_fail(__FILE__, __LINE__,
			  "%s(iova %#lx, pa %#llx, pgsize %#zx, count %zu, prot %#x): %s returned %ld (mapped %#zx), own %ld (mapped %#zx)",
			  name, op->iova, (unsigned long long)op->paddr, op->pgsize,
			  op->pgcount, op->prot, k->name, kret, kmapped, oret, omapped);
		return false;
	}
	if (k->warns != o->warns) {
		test_fail(__FILE__, __LINE__,
			  "%s(iova %#lx, pgsize %#zx, count %zu): %s WARNed %lu time(s), own %lu",
			  name, op->iova, op->pgsize, op->pgcount, k->name, k->warns, o->warns);
		return false;
	}
	/* A call that did all it was asked must not have WARNed. */
	if (k->warns && ((op->map && kret == 0) ||
			 (!op->map && kret == (long)(op->pgsize * op->pgcount)))) {
		test_fail(__FILE__, __LINE__, "%s(iova %#lx) succeeded but WARNed", name, op->iova);
		return false;
	}
	if (!logs_equal_kind(k, o, name, op->iova, per_kind))
		return false;
	return trees_equal(k, o, dc->fmt, g);
}

static bool same_translations(struct side *k, struct side *o, unsigned long window,
			      int probes)
{
	while (probes--) {
		unsigned long iova = rnd_below(window);
		phys_addr_t kpa = k->ops->iova_to_phys(k->ops, iova);
		phys_addr_t opa = o->ops->iova_to_phys(o->ops, iova);

		if (kpa != opa) {
			test_fail(__FILE__, __LINE__, "iova_to_phys(%#lx): %s %#llx, own %#llx",
				  iova, k->name, (unsigned long long)kpa,
				  (unsigned long long)opa);
			return false;
		}
	}
	return true;
}

#define TCR_FMT	"tg %u sh %u orgn %u irgn %u tsz %u ips/ps %u sl %u"

static void tcr_str(char *buf, size_t len, const struct io_pgtable_cfg *c,
		    enum io_pgtable_fmt fmt)
{
	if (fmt == ARM_MALI_LPAE)
		snprintf(buf, len, "transtab[4:0] %#llx memattr %#llx",
			 (unsigned long long)(c->arm_mali_lpae_cfg.transtab & 0x1f),
			 (unsigned long long)c->arm_mali_lpae_cfg.memattr);
	else if (fmt == ARM_64_LPAE_S1)
		snprintf(buf, len, TCR_FMT " mair[31:0] %#llx", c->arm_lpae_s1_cfg.tcr.tg,
			 c->arm_lpae_s1_cfg.tcr.sh, c->arm_lpae_s1_cfg.tcr.orgn,
			 c->arm_lpae_s1_cfg.tcr.irgn, c->arm_lpae_s1_cfg.tcr.tsz,
			 c->arm_lpae_s1_cfg.tcr.ips, 0,
			 (unsigned long long)(c->arm_lpae_s1_cfg.mair & U32_MAX));
	else
		snprintf(buf, len, TCR_FMT, c->arm_lpae_s2_cfg.vtcr.tg,
			 c->arm_lpae_s2_cfg.vtcr.sh, c->arm_lpae_s2_cfg.vtcr.orgn,
			 c->arm_lpae_s2_cfg.vtcr.irgn, c->arm_lpae_s2_cfg.vtcr.tsz,
			 c->arm_lpae_s2_cfg.vtcr.ps, c->arm_lpae_s2_cfg.vtcr.sl);
}

/*
 * Same pgsize_bitmap and translation-control fields (read field by field).
 * MAIR: only attributes 0-3 can be indexed by the descriptors either core
 * writes. The kernel builds MAIR from int constants, so 0xf4 << 24 sign-
 * extends and fills the unused attributes 4-7 with 0xff; that is noted
 * once, not counted as a difference.
 */
static bool same_cfg(const struct side *k, const struct side *o, enum io_pgtable_fmt fmt)
{
	static bool mair_noted;
	char a[160], b[160];

	tcr_str(a, sizeof(a), &k->cfg, fmt);
	tcr_str(b, sizeof(b), &o->cfg, fmt);
	if (fmt == ARM_64_LPAE_S1 && !mair_noted &&
	    k->cfg.arm_lpae_s1_cfg.mair != o->cfg.arm_lpae_s1_cfg.mair) {
		printf("  note: MAIR %s %#llx, own %#llx: attributes 4-7 differ, no descriptor uses them\n",
		       k->name, (unsigned long long)k->cfg.arm_lpae_s1_cfg.mair,
		       (unsigned long long)o->cfg.arm_lpae_s1_cfg.mair);
		mair_noted = true;
	}
	if (k->cfg.pgsize_bitmap == o->cfg.pgsize_bitmap && !strcmp(a, b))
		return true;
	test_fail(__FILE__, __LINE__,
		  "configuration differs: %s pgsize_bitmap %#lx %s; own pgsize_bitmap %#lx %s",
		  k->name, k->cfg.pgsize_bitmap, a, o->cfg.pgsize_bitmap, b);
	return false;
}

static void side_cfg(struct side *s, const struct diff_cfg *dc, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->cfg = (struct io_pgtable_cfg) {
		.pgsize_bitmap	= dc->pgsizes,
		.ias		= dc->ias,
		.oas		= dc->fmt == ARM_MALI_LPAE ? 40 : 48,	/* Mali's most */
		.coherent_walk	= dc->coherent,
		.tlb		= &rec_flush_ops,
		.iommu_dev	= &diff_dev,
	};
	backend_setup_cfg(&s->cfg);
	/* A kernel without cfg->alloc ignores it: give both cores the same. */
	if (!pgtable_core_has(CORE_F_CFG_ALLOC)) {
		s->cfg.alloc = NULL;
		s->cfg.free = NULL;
	}
}

/*
 * The stage-2 walk a core that concatenates optionally builds: a level-0
 * start of at most 16 entries becomes that many level-1 tables.
 */
static void optional_concat_geom(const struct diff_cfg *dc, int gshift, int *start,
				 int *pgd_entries)
{
	int stride = gshift - 3, va_bits = dc->ias - gshift;
	int levels = DIV_ROUND_UP(va_bits, stride);
	int bits = va_bits - stride * (levels - 1);

	*start = MAX_LEVELS - levels;
	if (*start == 0 && bits <= 4) {
		*start = 1;
		bits += stride;
	}
	*pgd_entries = 1 << bits;
}

/*
 * An intended difference, checked and not replayed: a kernel that
 * concatenates stage-2 initial tables wherever a level-0 start has at most
 * 16 entries (6.12 and older) builds another walk than the own core, which
 * concatenates only where the architecture makes it mandatory (mainline's
 * arm_lpae_concat_mandatory). True when the kernel's walk is exactly the
 * former and everything else in the configuration agrees.
 */
static bool concat_difference(const struct side *k, const struct side *o,
			      const struct diff_cfg *dc)
{
	struct io_pgtable_cfg kc = k->cfg;
	struct geom kg, og;
	int start, entries;
	char a[160], b[160];

	if (dc->fmt != ARM_64_LPAE_S2 || geom_from_cfg(dc->fmt, &k->cfg, &kg) ||
	    geom_from_cfg(dc->fmt, &o->cfg, &og) || kg.start == og.start)
		return false;
	optional_concat_geom(dc, kg.gshift, &start, &entries);
	if (kg.start != start || kg.pgd_entries != entries)
		return false;
	kc.arm_lpae_s2_cfg.vtcr.sl = o->cfg.arm_lpae_s2_cfg.vtcr.sl;
	tcr_str(a, sizeof(a), &kc, dc->fmt);
	tcr_str(b, sizeof(b), &o->cfg, dc->fmt);
	return kc.pgsize_bitmap == o->cfg.pgsize_bitmap && !strcmp(a, b);
}

/*
 * One configuration: @nops random operations on both cores. Returns false
 * after the first difference (reported), true otherwise, also when the
 * configuration can't be built here for a reason that isn't a difference
 * (then *why says so).
 */
static bool diff_one(const struct diff_cfg *dc, int nops, struct diff_stats *st,
		     const char **why)
{
	static struct side k, o;
	size_t sizes[BITS_PER_LONG];
	int nsizes, i;
	struct geom g;
	bool ok = false;

	*why = pt_backend_unusable();
	if (*why)
		return true;
	side_cfg(&k, dc, pgtable_core_name());
	side_cfg(&o, dc, "own");
	if (backend_prepare(DIFF_PREPARE)) {
		test_fail(__FILE__, __LINE__, "backend_prepare failed");
		return false;
	}
	/* Asked of the kernel's core: the own core needs no DMA API. */
	if (!dc->coherent && pt_noncoherent_why()) {
		*why = pt_noncoherent_why();
		return true;
	}
	/*
	 * A driver pool fills a size class only once it has been asked for it
	 * (then backend_prepare() refills): one retry after a refill is what
	 * such a driver does, and a no-op for the other backends.
	 */
	k.ops = alloc_io_pgtable_ops(dc->fmt, &k.cfg, &k);
	if (!k.ops && !backend_prepare(DIFF_PREPARE))
		k.ops = alloc_io_pgtable_ops(dc->fmt, &k.cfg, &k);
	backend_prepare(DIFF_PREPARE);
	o.ops = own_alloc_io_pgtable_ops(dc->fmt, &o.cfg, &o);
	if (!o.ops && !backend_prepare(DIFF_PREPARE))
		o.ops = own_alloc_io_pgtable_ops(dc->fmt, &o.cfg, &o);
	if (!k.ops || !o.ops) {
		test_fail(__FILE__, __LINE__, "%s-%#lx ias %u: alloc_io_pgtable_ops: %s %p, own %p",
			  pt_fmt_name(dc->fmt), dc->pgsizes, dc->ias, k.name,
			  (void *)k.ops, (void *)o.ops);
		goto out;
	}
	/* The cores keep their own copy of the cfg: read theirs. */
	k.cfg = io_pgtable_ops_to_pgtable(k.ops)->cfg;
	o.cfg = io_pgtable_ops_to_pgtable(o.ops)->cfg;
	if (concat_difference(&k, &o, dc)) {
		st->concat_cfgs++;
		ok = true;
		goto out;
	}
	if (!same_cfg(&k, &o, dc->fmt))
		goto out;
	if (geom_from_cfg(dc->fmt, &k.cfg, &g)) {
		test_fail(__FILE__, __LINE__, "can't derive a walk from %s's registers", k.name);
		goto out;
	}
	nsizes = pgsize_list(k.cfg.pgsize_bitmap, sizes);
	if (!trees_equal(&k, &o, dc->fmt, &g))
		goto out;

	for (i = 0; i < nops; i++) {
		unsigned long tables[1024];
		size_t kmapped, omapped;
		int ntables;
		long kret, oret;
		bool partial;
		struct op op;

		rnd_op(&op, sizes, nsizes, dc->ias);
		if (!op.pgcount)
			continue;
		partial = !op.map && partial_block_unmap(&o, dc, &g, &op);
		if (partial && pgtable_core_has(CORE_F_SPLIT_BLOCK)) {
			st->partial_block++;
			continue;
		}
		st->partial_refused += partial;
		if (op.map && table_then_leaf(&o, dc, &g, &op)) {
			st->table_then_leaf++;
			continue;
		}
		if (op.map && block_over_table(&o, dc, &g, &op)) {
			st->skipped_by_env++;
			continue;
		}
		ntables = 0;
		if (!op.map && !pgtable_core_has(CORE_F_ADD_PAGE_ALL))
			ntables = tables_in_range(&o, dc, &g, &op, tables, ARRAY_SIZE(tables));
		/* A driver pool refilled between calls, as outside a timed path. */
		if (backend_prepare(DIFF_PREPARE)) {
			test_fail(__FILE__, __LINE__, "backend_prepare failed");
			goto out;
		}
		logs_reset(&k, &o);
		kret = run_op(&k, &op, &kmapped);
		oret = run_op(&o, &op, &omapped);
		if (ntables)
			st->table_add_page += drop_table_add_pages(&o, tables, ntables, op.pgsize);
		st->ops++;
		if (op.map ? kret == 0 : kret == (long)(op.pgsize * op.pgcount))
			st->done++;
		if (!same_after(&k, &o, dc, &g, &op, kret, oret, kmapped, omapped, ntables) ||
		    !same_translations(&k, &o, 1UL << min(dc->ias, 34u), 4))
			goto out;
	}
	ok = true;
out:
	logs_reset(&k, &o);
	if (k.ops)
		free_io_pgtable_ops(k.ops);
	if (o.ops)
		own_free_io_pgtable_ops(o.ops);
	if (ok)
		ok = logs_equal(&k, &o, "free_io_pgtable_ops", 0);
	return ok;
}

static const unsigned long granules[] = {
	SZ_4K | SZ_2M | SZ_1G,
	SZ_16K | SZ_32M,
	SZ_64K | SZ_512M,
};

static void diff_all(enum io_pgtable_fmt fmt, bool coherent)
{
	static const unsigned int ias[] = { 32, 40, 48 };
	struct diff_stats st = { 0 };
	struct alloc_stats before, after;
	const char *why = NULL;
	int nops = test_quick() ? 300 : 3000;
	unsigned int gi, ii;

	if (!own_alloc_io_pgtable_ops)
		SKIP("only the own core is linked: build with KSRC=<linux tree> to diff one against it");
	REQUIRE(backend_init() == 0);
	/*
	 * Both cores WARN on overlapping maps and empty unmaps: compared per
	 * call by count, so their text (hundreds of thousands of lines a run)
	 * is silenced.
	 */
	expect_warnings();
	shim_printk_quiet(true);
	backend_stats(&before);
	/* Mali has the 4K granule only: granules[0]. */
	for (gi = 0; gi < (fmt == ARM_MALI_LPAE ? 1 : ARRAY_SIZE(granules)); gi++) {
		for (ii = 0; ii < ARRAY_SIZE(ias); ii++) {
			struct diff_cfg dc = {
				.fmt = fmt, .pgsizes = granules[gi],
				.ias = ias[ii], .coherent = coherent,
			};

			rnd_state = test_seed() * 0x9e3779b97f4a7c15ULL +
				    ((fmt * 2 + coherent) * 16 + gi) * 16 + ii + 1;
			if (!diff_one(&dc, nops, &st, &why)) {
				fprintf(stderr, "  (%s-%s granule %#lx ias %u %s walk, TEST_SEED=%llu)\n",
					pgtable_core_name(), pt_fmt_name(fmt),
					granules[gi] & -granules[gi], ias[ii],
					coherent ? "coherent" : "non-coherent",
					(unsigned long long)test_seed());
				return;
			}
			if (why)
				SKIP(why);
		}
	}
	backend_stats(&after);
	CHECK_EQ(after.bytes_held, before.bytes_held);
	/*
	 * Most calls must do real work, or the comparison says little. The
	 * 4K granule alone (Mali) completes about 30%: its 1G blocks cover
	 * the whole shared window, so more calls meet a leaf or split a block.
	 */
	/*
	 * Partial-block unmaps that both cores refuse (mainline, 7.0) are
	 * compared but do no work; 6.1/6.12 split instead and are not
	 * replayed at all. Either way they are left out of the ratio.
	 */
	CHECK(st.done > (st.ops - st.partial_refused) / (fmt == ARM_MALI_LPAE ? 4 : 3));
	if (getenv("KDIFF_VERBOSE"))
		printf("  %lu operations compared, %lu complete maps/unmaps, %lu partial-block unmaps refused by both\n",
		       st.ops, st.done, st.partial_refused);
	if (st.concat_cfgs)
		printf("  %s vs own: %lu stage-2 configuration(s) not replayed (%s concatenates the initial tables wherever a level-0 start has at most 16 entries; the own core, as mainline since 7.0, only where the architecture makes it mandatory): intended\n",
		       pgtable_core_name(), st.concat_cfgs, pgtable_core_name());
	if (st.skipped_by_env)
		printf("  KDIFF_SKIP: %lu block-over-table maps not replayed (a known difference, not an intended one)\n",
		       st.skipped_by_env);
	if (st.table_add_page)
		printf("  %s vs own: %lu tlb_add_page calls for freed tables not expected (%s flushes a table it frees with flush_walk only, interleaved with leaf pages; 6.10+ adds a page for every cleared entry): intended\n",
		       pgtable_core_name(), st.table_add_page, pgtable_core_name());
	if (st.table_then_leaf)
		printf("  %s vs own: %lu block maps over a table then a leaf not replayed (%s frees the tables before it finds the leaf; the own core refuses the run untouched): intended\n",
		       pgtable_core_name(), st.table_then_leaf, pgtable_core_name());
	if (st.partial_block)
		printf("  %s vs own: %lu partial-block unmaps not replayed (%s splits the block; the own core follows mainline, which WARNs and unmaps nothing): intended\n",
		       pgtable_core_name(), st.partial_block, pgtable_core_name());
}

TEST(kernel_diff_s1_coherent) { diff_all(ARM_64_LPAE_S1, true); }
TEST(kernel_diff_s2_coherent) { diff_all(ARM_64_LPAE_S2, true); }
TEST(kernel_diff_s1_noncoherent) { diff_all(ARM_64_LPAE_S1, false); }
TEST(kernel_diff_s2_noncoherent) { diff_all(ARM_64_LPAE_S2, false); }
TEST(kernel_diff_mali_coherent) { diff_all(ARM_MALI_LPAE, true); }
TEST(kernel_diff_mali_noncoherent) { diff_all(ARM_MALI_LPAE, false); }

/*
 * The intended difference, checked on both sides: unmap one granule from
 * the middle of a first-level block. A core that splits (6.1, 6.12) unmaps
 * exactly that granule and keeps the rest of the block translating; the
 * own core, like mainline, WARNs, unmaps nothing and keeps the block.
 */
TEST(kernel_diff_partial_block_unmap)
{
	static const struct diff_cfg dc = {
		.fmt = ARM_64_LPAE_S1, .pgsizes = SZ_4K | SZ_2M | SZ_1G,
		.ias = 48, .coherent = true,
	};
	static struct side k, o;
	const unsigned long blk = SZ_2M, iova = 4 * SZ_2M, hole = iova + 5 * SZ_4K;
	const phys_addr_t pa = 64 * SZ_2M;
	struct iommu_iotlb_gather gather;
	size_t mapped, ku, ou;
	unsigned long warns;

	if (!own_alloc_io_pgtable_ops)
		SKIP("only the own core is linked: build with KSRC=<linux tree> to diff one against it");
	REQUIRE(backend_init() == 0);
	if (pt_backend_unusable())
		SKIP(pt_backend_unusable());
	REQUIRE(backend_prepare(64) == 0);
	side_cfg(&k, &dc, pgtable_core_name());
	side_cfg(&o, &dc, "own");
	k.ops = alloc_io_pgtable_ops(dc.fmt, &k.cfg, &k);
	o.ops = own_alloc_io_pgtable_ops(dc.fmt, &o.cfg, &o);
	REQUIRE(k.ops && o.ops);
	CHECK_EQ(k.ops->map_pages(k.ops, iova, pa, blk, 1, IOMMU_READ, GFP_KERNEL, &mapped), 0);
	CHECK_EQ(o.ops->map_pages(o.ops, iova, pa, blk, 1, IOMMU_READ, GFP_KERNEL, &mapped), 0);

	iommu_iotlb_gather_init(&gather);
	ku = k.ops->unmap_pages(k.ops, hole, SZ_4K, 1, &gather);
	warns = shim_warn_count();
	shim_printk_quiet(true);
	iommu_iotlb_gather_init(&gather);
	ou = o.ops->unmap_pages(o.ops, hole, SZ_4K, 1, &gather);
	shim_printk_quiet(false);
	expect_warnings();

	/* The own core: refused, said so, block intact. */
	CHECK_EQ(ou, 0);
	CHECK(shim_warn_count() > warns);
	CHECK_EQ_HEX(o.ops->iova_to_phys(o.ops, hole), pa + 5 * SZ_4K);
	if (pgtable_core_has(CORE_F_SPLIT_BLOCK)) {
		CHECK_EQ(ku, SZ_4K);
		CHECK_EQ_HEX(k.ops->iova_to_phys(k.ops, hole), 0);
		CHECK_EQ_HEX(k.ops->iova_to_phys(k.ops, hole - SZ_4K), pa + 4 * SZ_4K);
		CHECK_EQ_HEX(k.ops->iova_to_phys(k.ops, iova + blk - 1), pa + blk - 1);
	} else {
		CHECK_EQ(ku, 0);
		CHECK_EQ_HEX(k.ops->iova_to_phys(k.ops, hole), pa + 5 * SZ_4K);
	}
	free_io_pgtable_ops(k.ops);
	own_free_io_pgtable_ops(o.ops);
}
