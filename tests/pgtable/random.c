// SPDX-License-Identifier: GPL-2.0
/*
 * Random map/unmap/lookup sequences checked op by op against the reference
 * model (tests/lib/refmodel.h), for every format x granule: 100,000 ops
 * each (20,000 with --quick), in a small IOVA window so that maps collide,
 * tables fill, empty out and get replaced by blocks. Every few thousand ops
 * the architectural walker re-reads the whole tree and must agree with the
 * model leaf for leaf. TEST_SEED changes the sequence.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/refmodel.h"
#include "common.h"

struct rnd {
	struct pt_domain pd;
	struct pt_hw hw;
	struct ref_model ref;
	u64 seed;
	u64 sizes[4];
	int nsizes;
	u64 window;
	u64 ops[2];		/* successful map_pages calls, -EEXIST ones */
};

static u64 rnd_below(struct rnd *r, u64 n)
{
	return n ? pt_rand(&r->seed) % n : 0;
}

/* The IOVA span one table at the level of @size covers: a run never crosses it. */
static u64 span_of(struct rnd *r, u64 size)
{
	return size << r->hw.bits_per_level;
}

static int rnd_size_idx(struct rnd *r)
{
	u64 x = rnd_below(r, 100);

	if (x < 70 || r->nsizes == 1)
		return 0;
	if (x < 95 || r->nsizes == 2)
		return 1;
	return 2;
}

static const int prots[] = {
	IOMMU_READ, IOMMU_READ | IOMMU_WRITE, IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO,
};

/*
 * A run of @s-sized leaves is refused (-EEXIST) by any leaf of @s or more
 * in its way; smaller leaves sit in next-level tables, which the run's
 * blocks replace, taking those leaves with them (as every kernel does).
 */
static bool run_blocked(struct rnd *r, u64 iova, u64 size, u64 s)
{
	size_t i;

	for (i = ref_find(&r->ref, iova);
	     i < r->ref.n && r->ref.v[i].iova < iova + size; i++)
		if (r->ref.v[i].size >= s)
			return true;
	return false;
}

static void op_map(struct rnd *r)
{
	int si = rnd_size_idx(r);
	u64 s = r->sizes[si], iova, pa, end, cur;
	size_t count, mapped;
	int prot = prots[rnd_below(r, ARRAY_SIZE(prots))], ret;

	if (si == 0) {
		/* Pages cluster in 8 hot tables so that they collide and fill. */
		u64 hot = r->window / 8;

		iova = rnd_below(r, 8) * hot + rnd_below(r, span_of(r, s) / s * 2) * s;
		count = 1 + rnd_below(r, 24);
	} else {
		iova = rnd_below(r, r->window / s) * s;
		count = 1 + rnd_below(r, 3);
	}
	count = min_t(u64, count, (r->window - iova) / s);
	if (!count)
		return;
	pa = rnd_below(r, (1ULL << 40) / s) * s;
	end = iova + count * s;

	for (cur = iova; cur < end; cur += mapped) {
		u64 stop = min(end, ALIGN_DOWN(cur, span_of(r, s)) + span_of(r, s));
		bool blocked = run_blocked(r, cur, stop - cur, s);
		u64 i;

		mapped = 0;
		ret = pt_map(&r->pd, cur, pa + (cur - iova), s, (end - cur) / s,
			     prot, &mapped);
		if (blocked) {
			/*
			 * 6.1/6.12 free each table in the run as they reach it
			 * (its leaves with it) until they meet the leaf that
			 * blocks; the own core checks the run first.
			 */
			for (i = cur; !pgtable_core_is_own() && i < stop; i += s) {
				if (run_blocked(r, i, s, s))
					break;
				ref_remove_range(&r->ref, i, s);
			}
			r->ops[1]++;
			CHECK_EQ(ret, -EEXIST);
			CHECK_EQ(mapped, 0);
			return;
		}
		CHECK_EQ(ret, 0);
		CHECK_EQ_HEX(mapped, stop - cur);
		if (ret || mapped != stop - cur)
			return;
		r->ops[0]++;
		ref_remove_range(&r->ref, cur, stop - cur);
		for (i = cur; i < stop; i += s)
			REQUIRE(ref_insert(&r->ref, i, pa + (i - iova), s, prot) == 0);
	}
}

static void op_unmap_run(struct rnd *r)
{
	size_t i = rnd_below(r, r->ref.n), k, want = 1 + rnd_below(r, 16);
	struct ref_leaf e = r->ref.v[i];
	u64 stop, expect, got;

	for (k = 1; k < want && i + k < r->ref.n; k++)
		if (r->ref.v[i + k].size != e.size ||
		    r->ref.v[i + k].iova != e.iova + k * e.size)
			break;
	stop = ALIGN_DOWN(e.iova, span_of(r, e.size)) + span_of(r, e.size);
	expect = min(k * e.size, stop - e.iova);
	got = pt_unmap(&r->pd, e.iova, e.size, k);
	CHECK_EQ_HEX(got, expect);
	if (got == expect)
		CHECK_EQ_HEX(ref_remove_range(&r->ref, e.iova, expect), expect);
}

/* Unmap the next larger size around a smaller leaf: the whole table goes. */
static void op_unmap_table(struct rnd *r)
{
	struct ref_leaf e = r->ref.v[rnd_below(r, r->ref.n)];
	u64 big = 0, base;
	int j;

	for (j = 0; j < r->nsizes; j++)
		if (r->sizes[j] > e.size) {
			big = r->sizes[j];
			break;
		}
	if (!big)
		return;
	base = ALIGN_DOWN(e.iova, big);
	CHECK_EQ_HEX(pt_unmap(&r->pd, base, big, 1), big);
	ref_remove_range(&r->ref, base, big);
	CHECK_EQ(pt_phys(&r->pd, e.iova), 0);
}

static void op_lookup(struct rnd *r)
{
	u64 iova;

	if (r->ref.n && rnd_below(r, 2)) {
		struct ref_leaf *e = &r->ref.v[rnd_below(r, r->ref.n)];

		iova = e->iova + rnd_below(r, e->size);
		/* Just outside, but not ~0 (tests/pgtable/map.c checks that). */
		if (rnd_below(r, 4) == 0)
			iova = rnd_below(r, 2) && e->iova ? e->iova - 1 : e->iova + e->size;
	} else {
		iova = rnd_below(r, r->window);
	}
	CHECK_EQ_HEX(pt_phys(&r->pd, iova), ref_translate(&r->ref, iova));
}

static void full_check(struct rnd *r)
{
	struct pt_xlate x;
	struct pt_sum s;
	size_t i, step = r->ref.n / 256 + 1;

	pt_hw_summary(&r->hw, &s);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.leaves, r->ref.n);
	CHECK_EQ_HEX(s.mapped, r->ref.bytes);
	for (i = 0; i < r->ref.n; i += step) {
		struct ref_leaf *e = &r->ref.v[i];

		CHECK_EQ(pt_hw_translate(&r->hw, e->iova + e->size - 1, &x), 0);
		CHECK_EQ_HEX(x.pa, e->paddr + e->size - 1);
		CHECK_EQ_HEX(x.size, e->size);
	}
}

static void run(enum io_pgtable_fmt fmt, size_t gran, bool noncoherent, u64 nops)
{
	struct pt_cfg c = { .fmt = fmt, .granule = gran, .noncoherent = noncoherent,
			    .quirks = IO_PGTABLE_QUIRK_NO_WARN };
	u64 base = backend_bytes_held(), n;
	struct rnd *r = calloc(1, sizeof(*r));
	unsigned long bm;
	unsigned int bit;

	REQUIRE(r);
	/* Without the quirk (6.1, 6.12, and Mali) the -EEXIST maps WARN instead. */
	if (!pgtable_core_has(CORE_F_NO_WARN) || !pt_fmt_takes_quirks(fmt)) {
		c.quirks &= ~IO_PGTABLE_QUIRK_NO_WARN;
		expect_warnings();
		shim_printk_quiet(true);
	}
	r->seed = test_seed() ^ (fmt * 0x9e3779b97f4a7c15ULL) ^ gran ^ noncoherent;
	if (pt_domain_init(&r->pd, &c) || pt_hw_from_domain(&r->hw, &r->pd)) {
		CHECK(!"domain setup");
		free(r);
		return;
	}
	ref_init(&r->ref);
	bm = r->pd.dom.cfg.pgsize_bitmap;
	for_each_set_bit(bit, &bm, BITS_PER_LONG)
		if (r->nsizes < 3)
			r->sizes[r->nsizes++] = 1ULL << bit;
	r->window = max(4 * r->sizes[r->nsizes - 1], 64 * r->sizes[1]);
	if (r->window > (1ULL << 36))
		r->window = 1ULL << 36;

	for (n = 0; n < nops && !test_failed(); n++) {
		u64 x = rnd_below(r, 100);

		if (x < 45)
			op_map(r);
		else if (x < 78 && r->ref.n)
			op_unmap_run(r);
		else if (x < 80 && r->ref.n)
			op_unmap_table(r);
		else
			op_lookup(r);
		if (n % 4096 == 4095)
			full_check(r);
	}
	full_check(r);
	if (getenv("TEST_VERBOSE"))
		printf("\n    %s-%zuk%s: %llu map calls, %llu -EEXIST, %zu leaves at end",
		       pt_fmt_name(fmt), gran >> 10, noncoherent ? "-nc" : "",
		       (unsigned long long)r->ops[0], (unsigned long long)r->ops[1],
		       r->ref.n);

	/* Tear down through the model, leaf by leaf; then nothing may remain. */
	while (r->ref.n && !test_failed()) {
		struct ref_leaf e = r->ref.v[r->ref.n - 1];

		CHECK_EQ_HEX(pt_unmap(&r->pd, e.iova, e.size, 1), e.size);
		ref_remove_leaf(&r->ref, e.iova, e.size);
	}
	full_check(r);
	pt_domain_release(&r->pd);
	ref_destroy(&r->ref);
	free(r);
	CHECK_EQ(backend_bytes_held(), base);
}

TEST(pgtable_random_ops_vs_model)
{
	u64 nops = test_quick() ? 20000 : 100000;
	enum io_pgtable_fmt f;
	size_t g;

	for_each_fmt_granule(f, g)
		run(f, g, false, nops);
}

TEST(pgtable_random_ops_vs_model_noncoherent)
{
	u64 nops = test_quick() ? 5000 : 20000;
	enum io_pgtable_fmt f;
	size_t g;

	if (pt_noncoherent_why())
		SKIP(pt_noncoherent_why());

	for_each_fmt_granule(f, g)
		run(f, g, true, nops);
}
