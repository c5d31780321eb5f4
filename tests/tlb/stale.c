// SPDX-License-Identifier: GPL-2.0
/*
 * Stale-translation tests: map, let the emulated IOMMU's TLB cache the
 * translations (tlb_model_lookup), unmap through src/iommu-core, and
 * after every sync require that no cached entry disagrees with the table
 * in memory (tlb_model_stale) and that unmapped IOVAs fault. Every model
 * runs the same sequences; "count" (which invalidates nothing) and the
 * tests' "broken-narrow" (first granule only) must be caught, which
 * proves the check can fail. "deferred" may keep stale leaves, but only
 * for spans still in its queue, and none after a flush.
 */
#include <errno.h>
#include <string.h>
#include "tlb/smmuv3.h"
#include "tlbtest.h"

#define PA_OFF	0x400000000000UL	/* iova -> pa: far from the iova */

struct variant {
	const char *label;
	const char *name;
	const struct tlb_model_ops *ops;
	struct tlb_params p;
	bool must_fail;		/* the check has to catch this one */
};

static const struct variant variants[] = {
	{ "count", "count", NULL, { 0 }, true },
	{ "strict-page", "strict-page", NULL, { 0 }, false },
	{ "range", "range", NULL, { 0 }, false },
	{ "flush-all", "flush-all", NULL, { 0 }, false },
	{ "deferred/4", "deferred", NULL, { .defer_batch = 4 }, false },
	{ "deferred/1", "deferred", NULL, { .defer_batch = 1 }, false },
	{ "smmuv3/page", "smmuv3", NULL, { 0 }, false },
	{ "smmuv3/range", "smmuv3", NULL, { .range_inv = true }, false },
	{ "smmuv3/range/all>64k", "smmuv3", NULL,
	  { .range_inv = true, .inv_all_over = SZ_64K }, false },
	{ "smmuv3/page/q4", "smmuv3", NULL, { .cmdq_shift = 2 }, false },
	{ "broken-narrow", NULL, &tt_broken_narrow, { 0 }, true },
};

struct run {
	const struct variant *v;
	struct tt_dom t;
	const char *step;
	unsigned long problems;	/* stale entries or stale hits not allowed */
	unsigned long stale_seen;
};

static bool pending(struct run *r, unsigned long iova)
{
	struct tlb_model *m = r->t.m;

	return m->ops->pending && m->ops->pending(m, iova);
}

/* After a sync: anything cached that memory no longer says is a problem. */
static void check_clean(struct run *r)
{
	struct tlb_stale st[64];
	size_t n, i;

	n = tlb_model_stale(r->t.m, &r->t.d, st, ARRAY_SIZE(st));
	r->stale_seen += n;
	for (i = 0; i < n && i < ARRAY_SIZE(st); i++) {
		/* Lazy mode: a leaf may outlive its unmap while it is queued. */
		if (st[i].leaf && pending(r, st[i].iova))
			continue;
		r->problems++;
		if (!r->v->must_fail)
			test_fail(__FILE__, __LINE__,
				  "%s %s: stale %s entry iova %#lx level %u cached %#llx now %#llx",
				  r->v->label, r->step, st[i].leaf ? "leaf" : "table",
				  st[i].iova, st[i].level,
				  (unsigned long long)st[i].cached,
				  (unsigned long long)st[i].now);
	}
}

/* A device access: must translate to @want (0: must fault). */
static void access(struct run *r, unsigned long iova, phys_addr_t want)
{
	phys_addr_t got = tlb_model_lookup(r->t.m, &r->t.d, iova);

	if (got == want)
		return;
	if (!want && pending(r, iova))
		return;
	r->problems++;
	if (!r->v->must_fail)
		test_fail(__FILE__, __LINE__, "%s %s: iova %#lx -> %#llx, want %#llx",
			  r->v->label, r->step, iova, (unsigned long long)got,
			  (unsigned long long)want);
}

/* Probe first, middle and last granule of a region. */
static void touch(struct run *r, unsigned long iova, size_t size, bool mapped)
{
	unsigned long probe[3] = { iova, iova + size / 2, iova + size - r->t.gran };
	int i;

	for (i = 0; i < 3; i++)
		access(r, probe[i] + 8, mapped ? probe[i] + 8 + PA_OFF : 0);
}

static int map(struct run *r, unsigned long iova, size_t size)
{
	int ret = iommu_map(&r->t.d, iova, iova + PA_OFF, size,
			    IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);

	if (ret)
		test_fail(__FILE__, __LINE__, "%s: map %#lx+%#zx: %d",
			  r->v->label, iova, size, ret);
	return ret;
}

/* Map as granule pages one call at a time: a last-level table the unmap frees. */
static int map_pages(struct run *r, unsigned long iova, size_t size)
{
	struct io_pgtable_ops *ops = r->t.d.ops;
	size_t mapped, done = 0;
	int ret = 0;

	while (done < size && !ret) {
		mapped = 0;
		ret = ops->map_pages(ops, iova + done, iova + done + PA_OFF,
				     r->t.gran, (size - done) / r->t.gran,
				     IOMMU_READ | IOMMU_WRITE, GFP_KERNEL, &mapped);
		done += mapped;
	}
	return ret;
}

static void unmap(struct run *r, unsigned long iova, size_t size, const char *step)
{
	size_t got;

	r->step = step;
	got = iommu_unmap(&r->t.d, iova, size);
	if (got != size)
		test_fail(__FILE__, __LINE__, "%s %s: unmapped %#zx of %#zx",
			  r->v->label, step, got, size);
	check_clean(r);
}

/*
 * The fixed sequence: pages, a 16-page run, a block, a block's worth of
 * pages in their own table, a 1G block (4K), then a gather spanning two
 * disjoint unmaps and a remap at a new address.
 */
static void scenario(struct run *r)
{
	size_t g = r->t.gran, b = r->t.block;
	unsigned long r0 = 1 * b, r1 = 2 * b, r2 = 4 * b, r3 = 6 * b;
	unsigned long r4 = 2UL * SZ_1G;
	bool big = g == SZ_4K;
	struct iommu_iotlb_gather gather;

	if (map(r, r0, 3 * g) || map(r, r1, 16 * g) || map(r, r2, b) ||
	    map_pages(r, r3, b) || (big && map(r, r4, SZ_1G)))
		return;
	r->step = "fill";
	touch(r, r0, 3 * g, true);
	touch(r, r1, 16 * g, true);
	touch(r, r2, b, true);
	touch(r, r3, b, true);
	if (big)
		touch(r, r4, SZ_1G, true);
	check_clean(r);

	unmap(r, r0 + g, g, "one page");
	access(r, r0 + g, 0);
	access(r, r0, r0 + PA_OFF);
	unmap(r, r1, 16 * g, "16 pages");
	touch(r, r1, 16 * g, false);
	unmap(r, r2, b, "block");
	touch(r, r2, b, false);
	unmap(r, r3, b, "table of pages");
	touch(r, r3, b, false);
	if (big) {
		unmap(r, r4, SZ_1G, "1G block");
		touch(r, r4, SZ_1G, false);
	}

	/* Two disjoint leaves in one gather: the gather syncs in between. */
	r->step = "disjoint gather";
	access(r, r0, r0 + PA_OFF);
	access(r, r0 + 2 * g, r0 + 2 * g + PA_OFF);
	iommu_iotlb_gather_init(&gather);
	iommu_unmap_fast(&r->t.d, r0, g, &gather);
	iommu_unmap_fast(&r->t.d, r0 + 2 * g, g, &gather);
	iommu_iotlb_sync(&r->t.d, &gather);
	check_clean(r);
	access(r, r0, 0);
	access(r, r0 + 2 * g, 0);

	/* The IOVA allocator frees an IOVA for reuse only after the flush. */
	r->step = "flush";
	iommu_flush_iotlb_all(&r->t.d);
	check_clean(r);

	r->step = "remap";
	if (map(r, r2, b))
		return;
	touch(r, r2, b, true);
	unmap(r, r2, b, "block again");
	iommu_flush_iotlb_all(&r->t.d);
	r->step = "final flush";
	check_clean(r);
	access(r, r2, 0);
}

static void run_variant(const struct variant *v, enum io_pgtable_fmt fmt,
			size_t gran, void (*body)(struct run *))
{
	struct run r = { .v = v };
	int ret;

	ret = tt_init(&r.t, v->name, v->ops, fmt, gran, &v->p);
	if (ret) {
		test_fail(__FILE__, __LINE__, "%s: domain: %d", v->label, ret);
		return;
	}
	body(&r);
	if (v->must_fail && !r.problems)
		test_fail(__FILE__, __LINE__,
			  "%s (%s, %zuK): the check caught nothing",
			  v->label, fmt == ARM_64_LPAE_S1 ? "s1" : "s2", gran >> 10);
	tt_release(&r.t);
}

static void run_all(size_t gran, void (*body)(struct run *))
{
	static const enum io_pgtable_fmt fmts[] = { ARM_64_LPAE_S1, ARM_64_LPAE_S2 };
	size_t i, f;

	for (f = 0; f < ARRAY_SIZE(fmts); f++)
		for (i = 0; i < ARRAY_SIZE(variants); i++)
			run_variant(&variants[i], fmts[f], gran, body);
}

TEST(tlb_stale_every_model_4k)
{
	run_all(SZ_4K, scenario);
}

TEST(tlb_stale_every_model_16k)
{
	run_all(SZ_16K, scenario);
}

TEST(tlb_stale_every_model_64k)
{
	run_all(SZ_64K, scenario);
}

/* Random map/access/unmap over a small window of granules. */
static void random_ops(struct run *r)
{
	enum { SLOTS = 48 };
	unsigned long base = 8 * r->t.block, g = r->t.gran;
	int ops = test_quick() ? 600 : 3000, i, s, n, k;
	bool mapped[SLOTS] = { 0 };
	u64 seed = test_seed() ^ 0x71b;
	char step[64];

	for (i = 0; i < ops && !(test_failed() && !r->v->must_fail); i++) {
		u64 x = tt_rand(&seed);

		s = x % SLOTS;
		n = 1 + (x >> 8) % 4;
		if (s + n > SLOTS)
			n = SLOTS - s;
		snprintf(step, sizeof(step), "op %d", i);
		r->step = step;
		switch ((x >> 16) % 3) {
		case 0:		/* map a free run */
			for (k = 0; k < n && !mapped[s + k]; k++)
				;
			if (k < n)
				break;
			if (map(r, base + s * g, n * g))
				return;
			for (k = 0; k < n; k++)
				mapped[s + k] = true;
			break;
		case 1:		/* unmap a mapped run */
			for (k = 0; k < n && mapped[s + k]; k++)
				;
			if (k < n)
				break;
			unmap(r, base + s * g, n * g, step);
			for (k = 0; k < n; k++)
				mapped[s + k] = false;
			/* Deferred: the IOVA may come back only after a flush. */
			if (r->t.m->ops->pending)
				iommu_flush_iotlb_all(&r->t.d);
			break;
		default:	/* device accesses */
			for (k = 0; k < n; k++)
				access(r, base + (s + k) * g + 16,
				       mapped[s + k] ? base + (s + k) * g + 16 + PA_OFF : 0);
		}
	}
	iommu_flush_iotlb_all(&r->t.d);
	check_clean(r);
}

TEST(tlb_stale_random_ops)
{
	run_all(SZ_4K, random_ops);
}

/* Every model in the table is exercised above. */
TEST(tlb_stale_covers_every_model)
{
	const char *const *n;
	size_t i;

	for (n = tlb_model_names(); *n; n++) {
		for (i = 0; i < ARRAY_SIZE(variants); i++)
			if (variants[i].name && !strcmp(variants[i].name, *n))
				break;
		if (i == ARRAY_SIZE(variants))
			test_fail(__FILE__, __LINE__, "model %s has no stale test", *n);
	}
}

/* Deferred: how long a stale translation may live is what it reports. */
TEST(tlb_deferred_staleness_bound)
{
	struct tlb_params p = { .defer_batch = 8 };
	struct tt_dom t;
	unsigned long base = SZ_1G;
	int i;

	REQUIRE(tt_init(&t, "deferred", NULL, ARM_64_LPAE_S1, SZ_4K, &p) == 0);
	for (i = 0; i < 20; i++) {
		REQUIRE(iommu_map(&t.d, base + i * SZ_4K, base + PA_OFF, SZ_4K,
				  IOMMU_READ, GFP_KERNEL) == 0);
		CHECK_EQ(iommu_unmap(&t.d, base + i * SZ_4K, SZ_4K), SZ_4K);
	}
	/* 20 unmaps in batches of 8: two flushes, 4 still queued. */
	CHECK_EQ(t.m->cnt.deferred_unmaps, 20);
	CHECK_EQ(t.m->cnt.deferred_flushes, 2);
	CHECK_EQ(t.m->cnt.flush_all, 2);
	CHECK_EQ(t.m->cnt.max_stale_unmaps, 7);
	CHECK(t.m->ops->pending(t.m, base + 19 * SZ_4K));
	CHECK(!t.m->ops->pending(t.m, base + 15 * SZ_4K));
	tt_release(&t);
}
