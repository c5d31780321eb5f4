// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz decoder and checker (see fuzz_ops.h for the input layout).
 *
 * The model is a shadow of what the page table must hold: the live leaves
 * (iova, size, paddr), sorted, and the entries where a table may exist
 * ("marks", one sorted set per level; "sure" once a map through that entry
 * succeeded, "maybe" when a failed map may have left it). Every call's
 * result is predicted from the model before the call is made, by the rules
 * every core shares (a leaf in the way is -EEXIST, a table in the way is
 * replaced, live or not). Where cores differ — what a failed map has
 * already changed, IOVAs past 2^ias — the model follows each core's
 * documented behaviour or the op is not issued. Partial unmaps of blocks
 * (split in 6.1/6.12, refused by ours and mainline) are left to the unit
 * tests: they are turned into whole-block unmaps here.
 *
 * No harness calls: the libFuzzer target links this without tests/harness.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kcore.h>
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "iommu-core/iommu-core.h"
#include "pgtable/pgtable-stats.h"
#include "tlb/tlb.h"
#include "lib/pt.h"
#include "lib/refmodel.h"
#include "fuzz_ops.h"

#define MAX_OPS		512
#define MAX_COUNT	64	/* pgcount / iommu_map units per op */
#define MAX_PIECES	1024	/* leaves one iommu_map op may create */
#define NLVL		4

struct mark {
	u64 iova;
	bool sure;
};

struct marks {
	struct mark *v;
	size_t n, cap;
};

struct fz {
	struct iommu_domain dom;
	struct tlb_model *tlb;
	bool own_core;		/* the suite's core, not a kernel tree's */
	unsigned int ias, oas;
	u64 granule, window;
	u64 lvl_size[NLVL];	/* [0] = granule, [j] = granule << (j * bits) */
	u64 sizes[NLVL];	/* page sizes the table accepted */
	unsigned int nsizes;
	struct ref_model ref;	/* the live leaves (tests/lib) */
	struct pt_hw hw;	/* architectural walker, for checksums */
	bool have_hw;
	struct marks marks[NLVL];
	unsigned int op;	/* op number, for messages */
	char *err;
	size_t errlen;
	bool failed;
};

static struct fuzz_ops_stats totals;
static unsigned int sabotage_at;

/* ------------------------------------------------------------ reporting */

static void fz_fail(struct fz *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fz_fail(struct fz *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->failed)
		return;
	f->failed = true;
	n = snprintf(f->err, f->errlen, "op %u: ", f->op);
	if (n < 0 || (size_t)n >= f->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(f->err + n, f->errlen - n, fmt, ap);
	va_end(ap);
}

/* FUZZ_TRACE=1: every call and its result on stderr, to read a failing input. */
static bool tracing;

#define TRACE(f, fmt, ...) do {						\
	if (tracing)							\
		fprintf(stderr, "fuzz op %u: " fmt "\n", (f)->op, ##__VA_ARGS__);\
} while (0)

/* ------------------------------------------------------------ the model */

static const struct ref_leaf *leaf_at(const struct fz *f, u64 a)
{
	return ref_lookup(&f->ref, a);
}

/* Live leaves overlapping [lo, hi): how many, and the largest's size. */
static size_t live_in(const struct fz *f, u64 lo, u64 hi, u64 *maxsize)
{
	size_t i = ref_find(&f->ref, lo), n = 0;

	*maxsize = 0;
	for (; i < f->ref.n && f->ref.v[i].iova < hi; i++, n++)
		if (f->ref.v[i].size > *maxsize)
			*maxsize = f->ref.v[i].size;
	return n;
}

static void leaf_insert(struct fz *f, u64 iova, u64 size, u64 paddr, int prot)
{
	if (ref_insert(&f->ref, iova, paddr, size, prot))
		fz_fail(f, "model: cannot insert %#llx + %#llx",
			(unsigned long long)iova, (unsigned long long)size);
}

/* Drop every leaf inside [lo, hi) (callers never cut one in two). */
static void leaf_remove(struct fz *f, u64 lo, u64 hi)
{
	if (hi > lo && f->ref.n)
		ref_remove_range(&f->ref, lo, hi - lo);
}

static size_t mark_lower(const struct marks *m, u64 a)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->v[mid].iova < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 0: no table can be at (@j, @a); 1: maybe; 2: surely. */
static int mark_get(const struct fz *f, int j, u64 a)
{
	const struct marks *m = &f->marks[j];
	size_t i = mark_lower(m, a);

	if (i < m->n && m->v[i].iova == a)
		return m->v[i].sure ? 2 : 1;
	return 0;
}

static int mark_set(struct fz *f, int j, u64 a, bool sure)
{
	struct marks *m = &f->marks[j];
	size_t i = mark_lower(m, a);

	if (i < m->n && m->v[i].iova == a) {
		m->v[i].sure |= sure;
		return 0;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct mark *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = (struct mark){ a, sure };
	m->n++;
	return 0;
}

/* Forget tables wholly inside [lo, hi) at levels below @maxj (they were freed). */
static void marks_clear(struct fz *f, u64 lo, u64 hi, int maxj)
{
	int j;

	for (j = 1; j < maxj && j < NLVL; j++) {
		struct marks *m = &f->marks[j];
		size_t i = mark_lower(m, lo), k = i;

		while (k < m->n && m->v[k].iova < hi)
			k++;
		if (k == i)
			continue;	/* nothing to drop (and maybe no array yet) */
		memmove(&m->v[i], &m->v[k], (m->n - k) * sizeof(*m->v));
		m->n -= k - i;
	}
}

/* Tables inside [lo, hi) may or may not be there any more. */
static void marks_demote(struct fz *f, u64 lo, u64 hi)
{
	int j;

	for (j = 1; j < NLVL; j++) {
		struct marks *m = &f->marks[j];
		size_t i;

		for (i = mark_lower(m, lo); i < m->n && m->v[i].iova < hi; i++)
			m->v[i].sure = false;
	}
}

static int lvl_of(const struct fz *f, u64 size)
{
	int j;

	for (j = 0; j < NLVL; j++)
		if (f->lvl_size[j] == size)
			return j;
	return -1;
}

/* A map at level @i of [iova, +len) walks through tables at every level above. */
static void marks_for_walk(struct fz *f, u64 iova, u64 len, int i, bool sure)
{
	int j;

	for (j = i + 1; j < NLVL; j++) {
		u64 s = f->lvl_size[j], a;

		if (!s)
			break;
		for (a = iova & ~(s - 1); a < iova + len; a += s)
			mark_set(f, j, a, sure);
	}
}

/* ------------------------------------------------------------ input */

struct reader {
	const uint8_t *p;
	size_t n;
	bool short_read;
};

static unsigned int get8(struct reader *r)
{
	if (!r->n) {
		r->short_read = true;
		return 0;
	}
	r->n--;
	return *r->p++;
}

static unsigned int get16(struct reader *r)
{
	unsigned int lo = get8(r);

	return lo | get8(r) << 8;
}

/* A @p-aligned IOVA in the window (where collisions happen). */
static u64 pick_iova(const struct fz *f, u64 p, unsigned int slot)
{
	return ((u64)slot * p) & (f->window - 1) & ~(p - 1);
}

/* A @p-aligned, non-zero paddr below 2^oas (0 would read as "unmapped"). */
static u64 pick_paddr(const struct fz *f, u64 p, unsigned int slot)
{
	u64 nslots = (1ULL << f->oas) / p;

	if (nslots < 2)
		return p;
	return (1 + (u64)slot % (nslots - 1)) * p;
}

/* Entries a single map_pages/unmap_pages call may touch: to the end of the
 * granule-sized table and of the input range. */
static u64 run_left(const struct fz *f, u64 iova, u64 p)
{
	u64 per = f->granule / 8, idx = (iova / p) % per;
	u64 left = per - idx, in = ((1ULL << f->ias) - iova) / p;

	return left < in ? left : in;
}

static u64 clamp_count(const struct fz *f, u64 iova, u64 p, unsigned int b)
{
	u64 n = 1 + b % MAX_COUNT, left = run_left(f, iova, p);

	return n < left ? n : left;
}

/* ------------------------------------------------------------ checks */

static u64 failures_now(void)
{
	struct alloc_stats s;

	backend_stats(&s);
	return s.failures;
}

/* -ENOMEM exactly when an allocation failed during the call. */
static bool check_enomem(struct fz *f, int ret, u64 fails_before, const char *what)
{
	bool failed_alloc = failures_now() != fails_before;

	if (ret == -ENOMEM && !failed_alloc) {
		fz_fail(f, "%s: -ENOMEM but no allocation failed", what);
		return false;
	}
	if (failed_alloc && ret != -ENOMEM && ret != 0) {
		fz_fail(f, "%s: an allocation failed but the result is %d", what, ret);
		return false;
	}
	if (failed_alloc && ret == 0) {
		/* A failed table allocation may be retried only if nothing else needed it: never here. */
		fz_fail(f, "%s: an allocation failed but the call reported success", what);
		return false;
	}
	return ret == -ENOMEM;
}

static void check_lookup(struct fz *f, u64 iova)
{
	const struct ref_leaf *l = leaf_at(f, iova);
	u64 want = l ? l->paddr + (iova - l->iova) : 0;
	u64 got = iommu_iova_to_phys(&f->dom, iova);

	totals.lookups++;
	if (got != want)
		fz_fail(f, "iova_to_phys(%#llx) = %#llx, model says %#llx",
			(unsigned long long)iova, (unsigned long long)got,
			(unsigned long long)want);
}

/* ------------------------------------------------------------ ops */

/* map_pages of @n x @p at @iova -> @paddr, checked. */
/*
 * The rule every core follows (6.1, 6.12, mainline, ours): a leaf in the
 * way — a block above the run, or a leaf of this size in it — is -EEXIST;
 * a next-level table in the way, live or not, is freed and replaced by the
 * new leaf. Ours checks the whole run first and changes nothing on
 * -EEXIST; kernel trees have already freed the tables of the entries
 * before the first leaf by then. Returns the index of that leaf, or @n.
 */
static u64 first_leaf_in_run(const struct fz *f, u64 iova, u64 p, u64 n, bool *above)
{
	const struct ref_leaf *l = leaf_at(f, iova);
	u64 k;

	*above = l && l->size > p;
	if (*above)
		return 0;
	for (k = 0; k < n; k++) {
		l = leaf_at(f, iova + k * p);
		if (l && l->size >= p)
			return k;
	}
	return n;
}

/* Entries [iova, iova + len) are now leaves (or empty): tables and leaves under them are gone. */
static void replace_tables(struct fz *f, u64 iova, u64 len, int i)
{
	leaf_remove(f, iova, iova + len);
	marks_clear(f, iova, iova + len, i + 1);
}

/* map_pages of @n x @p at @iova -> @paddr, checked. */
static void do_map_pages(struct fz *f, u64 iova, u64 paddr, u64 p, u64 n, int prot)
{
	int i = lvl_of(f, p);
	u64 len = n * p, k, fails, clash;
	size_t mapped = 0;
	int ret, want_ret;
	bool above;

	clash = first_leaf_in_run(f, iova, p, n, &above);
	want_ret = clash < n ? -EEXIST : 0;

	backend_prepare(NLVL);
	fails = failures_now();
	ret = f->dom.ops->map_pages(f->dom.ops, iova, paddr, p, n, prot,
				    GFP_KERNEL, &mapped);
	TRACE(f, "map_pages(%#llx -> %#llx, %#llx x %llu) = %d, mapped %#zx",
	      (unsigned long long)iova, (unsigned long long)paddr,
	      (unsigned long long)p, (unsigned long long)n, ret, mapped);
	f->op++;
	totals.ops++;
	if (check_enomem(f, ret, fails, "map_pages")) {
		totals.enomem++;
		if (mapped)
			fz_fail(f, "map_pages -ENOMEM with %zu bytes mapped: tables come first", mapped);
		marks_for_walk(f, iova, len, i, false);
		return;
	}
	if (ret != want_ret) {
		fz_fail(f, "map_pages(%#llx -> %#llx, %#llx x %llu, prot %#x) = %d, want %d",
			(unsigned long long)iova, (unsigned long long)paddr,
			(unsigned long long)p, (unsigned long long)n, prot, ret, want_ret);
		return;
	}
	if (ret) {
		totals.errors++;
		if (mapped)
			fz_fail(f, "map_pages failed with %d but reports %zu mapped", ret, mapped);
		if (!f->own_core && !above)
			replace_tables(f, iova, clash * p, i);
		return;
	}
	if (mapped != len) {
		fz_fail(f, "map_pages(%#llx, %#llx x %llu) mapped %#zx, want %#llx",
			(unsigned long long)iova, (unsigned long long)p,
			(unsigned long long)n, mapped, (unsigned long long)len);
		return;
	}
	totals.mapped++;
	replace_tables(f, iova, len, i);
	for (k = 0; k < n; k++)
		leaf_insert(f, iova + k * p, p, paddr + k * p, prot);
	marks_for_walk(f, iova, len, i, true);
	check_lookup(f, iova);
	check_lookup(f, iova + len - 1);
}

/* Classification of one entry of an unmap run. */
enum entry_kind { E_EMPTY, E_COUNTED, E_MAYBE };

static enum entry_kind classify(const struct fz *f, int i, u64 a)
{
	u64 p = f->lvl_size[i], maxsize;
	int m;

	if (live_in(f, a, a + p, &maxsize))
		return E_COUNTED;
	m = i > 0 ? mark_get(f, i, a) : 0;
	return m == 2 ? E_COUNTED : m == 1 ? E_MAYBE : E_EMPTY;
}

static void do_unmap_pages(struct fz *f, u64 iova, u64 p, u64 n)
{
	struct iommu_iotlb_gather gather;
	const struct ref_leaf *big = leaf_at(f, iova);
	enum entry_kind kind[MAX_COUNT];
	int i = lvl_of(f, p);
	u64 k, got, want_max;
	bool stopped = false;

	/* Inside a larger block: unmap that block whole (see the header). */
	if (big && big->size > p) {
		iova = big->iova;
		p = big->size;
		n = 1;
		i = lvl_of(f, p);
	}

	/* Entries up to the first empty one; an empty-looking table may stop it early. */
	want_max = 0;
	for (k = 0; k < n && !stopped; k++) {
		kind[k] = classify(f, i, iova + k * p);
		if (kind[k] == E_EMPTY)
			stopped = true;
		else
			want_max++;
	}

	iommu_iotlb_gather_init(&gather);
	got = f->dom.ops->unmap_pages(f->dom.ops, iova, p, n, &gather);
	iommu_iotlb_sync(&f->dom, &gather);
	TRACE(f, "unmap_pages(%#llx, %#llx x %llu) = %#llx", (unsigned long long)iova,
	      (unsigned long long)p, (unsigned long long)n, (unsigned long long)got);
	f->op++;
	totals.ops++;
	if (got % p || got / p > want_max ||
	    (got / p < want_max && kind[got / p] != E_MAYBE)) {
		fz_fail(f, "unmap_pages(%#llx, %#llx x %llu) = %#llx, want %#llx",
			(unsigned long long)iova, (unsigned long long)p,
			(unsigned long long)n, (unsigned long long)got,
			(unsigned long long)(want_max * p));
		return;
	}
	if (got)
		totals.unmapped++;
	leaf_remove(f, iova, iova + got);
	marks_clear(f, iova, iova + got, i + 1);
	if (got)
		check_lookup(f, iova);
	/* The first entry not unmapped (kernel trees alias IOVAs past 2^ias: don't ask). */
	if (iova + got < (1ULL << f->ias))
		check_lookup(f, iova + got);
}

/* How many leaves the IOMMU core's split makes of [iova, +len) -> paddr. */
static u64 pieces(const struct fz *f, u64 iova, u64 paddr, u64 len)
{
	u64 n = 0;

	while (len && n <= MAX_PIECES) {
		size_t count, pg = iommu_pgsize(f->dom.pgsize_bitmap, iova, paddr, len, &count);

		n += count;
		iova += count * pg;
		paddr += count * pg;
		len -= count * pg;
	}
	return n;
}

/* iommu_map of @len at @iova -> @paddr: the IOMMU core's page-size split. */
static void do_iommu_map(struct fz *f, u64 iova, u64 paddr, u64 len, int prot)
{
	u64 maxsize, a, pa, left;
	int ret;
	u64 fails;

	if (iova + len > (1ULL << f->ias) || paddr + len > (1ULL << f->oas))
		return;
	if (live_in(f, iova, iova + len, &maxsize))
		return;		/* overlaps are the map_pages op's business */
	if (pieces(f, iova, paddr, len) > MAX_PIECES)
		return;		/* 16 x 1G of 4K pages: minutes, not a better test */

	backend_prepare(NLVL * 8);
	fails = failures_now();
	ret = iommu_map(&f->dom, iova, paddr, len, prot, GFP_KERNEL);
	TRACE(f, "iommu_map(%#llx -> %#llx, %#llx) = %d", (unsigned long long)iova,
	      (unsigned long long)paddr, (unsigned long long)len, ret);
	f->op++;
	totals.ops++;
	if (check_enomem(f, ret, fails, "iommu_map")) {
		totals.enomem++;
		/*
		 * The core unwound the partial map with iommu_unmap, whose larger
		 * page sizes may free tables that were there before; and some it
		 * allocated may stay.
		 */
		marks_demote(f, iova, iova + len);
		marks_for_walk(f, iova, len, 0, false);
		check_lookup(f, iova);
		return;
	}
	if (ret) {
		fz_fail(f, "iommu_map(%#llx -> %#llx, %#llx) = %d, want 0",
			(unsigned long long)iova, (unsigned long long)paddr,
			(unsigned long long)len, ret);
		return;
	}
	totals.mapped++;
	/* Record the leaves exactly as the core split them. */
	for (a = iova, pa = paddr, left = len; left; ) {
		size_t count, pg = iommu_pgsize(f->dom.pgsize_bitmap, a, pa, left, &count);
		u64 k;

		marks_clear(f, a, a + count * pg, lvl_of(f, pg) + 1);
		for (k = 0; k < count; k++)
			leaf_insert(f, a + k * pg, pg, pa + k * pg, prot);
		marks_for_walk(f, a, count * pg, lvl_of(f, pg), true);
		a += count * pg;
		pa += count * pg;
		left -= count * pg;
	}
	check_lookup(f, iova);
	check_lookup(f, iova + len - 1);
}

/* iommu_unmap of a run of adjacent live leaves starting at leaf @k. */
static void do_iommu_unmap(struct fz *f, unsigned int k, unsigned int extra)
{
	size_t i, j;
	u64 lo, hi, got;

	if (!f->ref.n)
		return;
	i = k % f->ref.n;
	lo = f->ref.v[i].iova;
	hi = lo + f->ref.v[i].size;
	for (j = i + 1; j < f->ref.n && j <= i + extra % 16 && f->ref.v[j].iova == hi; j++)
		hi += f->ref.v[j].size;

	got = iommu_unmap(&f->dom, lo, hi - lo);
	TRACE(f, "iommu_unmap(%#llx, %#llx) = %#llx", (unsigned long long)lo,
	      (unsigned long long)(hi - lo), (unsigned long long)got);
	f->op++;
	totals.ops++;
	if (got != hi - lo) {
		fz_fail(f, "iommu_unmap(%#llx, %#llx) = %#llx",
			(unsigned long long)lo, (unsigned long long)(hi - lo),
			(unsigned long long)got);
		return;
	}
	totals.unmapped++;
	leaf_remove(f, lo, hi);
	/* The core may have used sizes larger than the leaves: tables may have gone. */
	marks_demote(f, lo, hi);
	check_lookup(f, lo);
	check_lookup(f, hi - 1);
}

/* A call with bad arguments: its error, and nothing changes. */
static void do_bad(struct fz *f, struct reader *r)
{
	unsigned int kind = get8(r), slot = get16(r);
	u64 p = f->sizes[slot % f->nsizes], iova = pick_iova(f, p, slot);
	u64 paddr = pick_paddr(f, p, slot), got;
	struct iommu_iotlb_gather gather;
	struct pt_sum before, after;
	size_t mapped = 0;
	int ret = 0, want = 0;
	bool is_map = true;

	if (f->have_hw)
		pt_hw_summary(&f->hw, &before);
	switch (kind % 9) {
	case 0:		/* a page size the format lacks */
		p = f->granule << 1;
		want = -EINVAL;
		break;
	case 1:		/* IOVA at or past 2^ias */
		if (f->ias >= 63)
			return;
		iova += 1ULL << f->ias;
		want = -ERANGE;
		break;
	case 2:		/* paddr at or past 2^oas */
		paddr += 1ULL << f->oas;
		want = -ERANGE;
		break;
	case 3:		/* neither read nor write: 5.15 maps nothing and says 0 (tests/kernel/noperm.c) */
		want = pgtable_core_has(CORE_F_MAP_NOPERM_EINVAL) ? -EINVAL : 0;
		break;
	case 4:		/* unmap of zero pages */
	case 5:		/* unmap past 2^ias */
		is_map = false;
		break;
	case 6:		/* misaligned through the IOMMU core */
		ret = iommu_map(&f->dom, iova + f->granule / 2, paddr, p,
				IOMMU_READ, GFP_KERNEL);
		want = -EINVAL;
		is_map = false;
		break;
	case 7:		/* misaligned map_pages: ours checks, kernel trees rely on the caller */
	case 8:		/* zero pages: ours refuses, kernel trees may allocate tables */
		if (!f->own_core)
			return;
		if (kind % 9 == 7)
			iova += f->granule;
		want = -EINVAL;
		if (kind % 9 == 7 && p == f->granule)
			paddr += f->granule / 2;	/* pages: misalign the paddr */
		break;
	}

	if (is_map) {
		int prot = kind % 9 == 3 ? IOMMU_CACHE | IOMMU_NOEXEC : IOMMU_READ | IOMMU_WRITE;

		ret = f->dom.ops->map_pages(f->dom.ops, iova, paddr, p,
					    kind % 9 == 8 ? 0 : 1, prot, GFP_KERNEL, &mapped);
	} else if (kind % 9 == 4 || kind % 9 == 5) {
		iommu_iotlb_gather_init(&gather);
		if (kind % 9 == 5) {
			if (f->ias >= 63)
				return;
			iova += 1ULL << f->ias;
		}
		got = f->dom.ops->unmap_pages(f->dom.ops, iova, p, kind % 9 == 4 ? 0 : 1, &gather);
		iommu_iotlb_sync(&f->dom, &gather);
		ret = (int)got;
	}
	f->op++;
	totals.ops++;
	totals.errors++;
	if (ret != want || mapped)
		fz_fail(f, "bad call %u (iova %#llx, paddr %#llx, size %#llx) = %d, %zu mapped; want %d",
			kind % 9, (unsigned long long)iova, (unsigned long long)paddr,
			(unsigned long long)p, ret, mapped, want);
	if (!f->have_hw)
		return;
	pt_hw_summary(&f->hw, &after);
	if (after.hash != before.hash || after.tables != before.tables)
		fz_fail(f, "bad call %u changed the tables: %zu tables hash %#llx -> %zu tables hash %#llx",
			kind % 9, before.tables, (unsigned long long)before.hash,
			after.tables, (unsigned long long)after.hash);
}

static void run_op(struct fz *f, struct reader *r)
{
	unsigned int opc = get8(r), sel, slot, pslot, cnt, prot;
	u64 p, iova;

	switch (opc & 7) {
	case 0:
	case 1:
		sel = get8(r);
		slot = get16(r);
		pslot = get16(r);
		cnt = get8(r);
		prot = get8(r);
		if (r->short_read)
			return;
		p = f->sizes[sel % f->nsizes];
		iova = pick_iova(f, p, slot);
		/* Mostly valid: leave prot-less maps to the bad-call op. */
		prot = (prot & (IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_NOEXEC |
				IOMMU_MMIO | IOMMU_PRIV)) | IOMMU_READ << !(opc & 8);
		do_map_pages(f, iova, pick_paddr(f, p, pslot), p,
			     clamp_count(f, iova, p, cnt), prot);
		break;
	case 2:
		sel = get8(r);
		slot = get16(r);
		cnt = get8(r);
		if (r->short_read)
			return;
		p = f->sizes[sel % f->nsizes];
		iova = pick_iova(f, p, slot);
		do_unmap_pages(f, iova, p, clamp_count(f, iova, p, cnt));
		break;
	case 3:
		slot = get16(r);
		sel = get8(r);
		if (r->short_read)
			return;
		/* Sometimes exactly a leaf, else anywhere in the window. */
		if ((opc & 8) && f->ref.n)
			iova = f->ref.v[slot % f->ref.n].iova + (u64)sel * 8 %
			       f->ref.v[slot % f->ref.n].size;
		else
			iova = pick_iova(f, f->granule, slot) + (u64)sel * 8 % f->granule;
		check_lookup(f, iova);
		f->op++;
		totals.ops++;
		break;
	case 4:
		sel = get8(r);
		slot = get16(r);
		pslot = get16(r);
		cnt = get8(r);
		if (r->short_read)
			return;
		/* Units of a page size, so that blocks get used when aligned. */
		p = f->sizes[sel % f->nsizes];
		do_iommu_map(f, pick_iova(f, opc & 0x40 ? p : f->granule, slot),
			     pick_paddr(f, opc & 8 ? f->granule : p, pslot),
			     (1 + cnt % 16) * (opc & 0x80 ? p : f->granule),
			     IOMMU_READ | IOMMU_WRITE);
		break;
	case 5:
		slot = get16(r);
		cnt = get8(r);
		if (r->short_read)
			return;
		do_iommu_unmap(f, slot, cnt);
		break;
	case 6:
		do_bad(f, r);
		break;
	case 7:
		/* Change fault injection mid-run: drivers see failures at any time. */
		cnt = get8(r);
		if (r->short_read)
			return;
		if (cnt & 1)
			backend_fault_clear();
		else
			backend_fail_every(2 + cnt % 31);
		break;
	}
}

/* ------------------------------------------------------------ teardown */

/* Every leaf translates; every gap does not; then unmap all, leaf by leaf. */
static void sweep_and_unmap(struct fz *f)
{
	struct iommu_iotlb_gather gather;
	size_t i;

	backend_fault_clear();
	for (i = 0; i < f->ref.n && !f->failed; i++) {
		const struct ref_leaf *l = &f->ref.v[i];

		check_lookup(f, l->iova);
		check_lookup(f, l->iova + l->size - 1);
		if (i == 0 && l->iova)
			check_lookup(f, l->iova - 1);
		if (l->iova + l->size < (1ULL << f->ias) &&
		    (i + 1 == f->ref.n || f->ref.v[i + 1].iova != l->iova + l->size))
			check_lookup(f, l->iova + l->size);
	}
	for (i = 0; i < f->ref.n && !f->failed; i++) {
		const struct ref_leaf *l = &f->ref.v[i];
		u64 got;

		iommu_iotlb_gather_init(&gather);
		got = f->dom.ops->unmap_pages(f->dom.ops, l->iova, l->size, 1, &gather);
		iommu_iotlb_sync(&f->dom, &gather);
		if (got != l->size)
			fz_fail(f, "final unmap_pages(%#llx, %#llx) = %#llx",
				(unsigned long long)l->iova, (unsigned long long)l->size,
				(unsigned long long)got);
	}
	for (i = 0; i < f->ref.n && !f->failed; i++)
		if (iommu_iova_to_phys(&f->dom, f->ref.v[i].iova))
			fz_fail(f, "%#llx still translates after unmapping everything",
				(unsigned long long)f->ref.v[i].iova);
}

/* ------------------------------------------------------------ setup */

static const u64 granules[4] = { SZ_4K, SZ_16K, SZ_64K, SZ_4K };
static const unsigned int oas_bits[6] = { 32, 36, 40, 42, 44, 48 };

static int fz_init(struct fz *f, struct reader *r)
{
	unsigned int c = get8(r), b1 = get8(r), b2 = get8(r), bits, j;
	struct io_pgtable_cfg cfg = { 0 };
	struct tlb_params tp = { 0 };
	unsigned long bm;

	f->granule = granules[(c >> 1) & 3];
	f->ias = 32 + b1 % 17;
	/* The output sizes the TCR.IPS/VTCR.PS encodings have; now and then any. */
	f->oas = (b2 & 0xe0) == 0xe0 ? 32 + b2 % 17 : oas_bits[b2 % 6];
	bits = __builtin_ctzll(f->granule) - 3;
	for (j = 0; j < NLVL; j++)
		f->lvl_size[j] = f->granule << (j * bits);
	cfg.ias = f->ias;
	cfg.oas = f->oas;
	cfg.coherent_walk = !(c & 8);
	cfg.pgsize_bitmap = f->granule | f->lvl_size[1] | (f->granule == SZ_4K ? f->lvl_size[2] : 0);
	tp.granule = f->granule;
	f->tlb = tlb_model_create("count", &tp);
	if (!f->tlb)
		return -ENOMEM;
	backend_prepare(16);
	if (iommu_domain_init(&f->dom, c & 1 ? ARM_64_LPAE_S2 : ARM_64_LPAE_S1, &cfg, f->tlb))
		return 1;	/* refused: not an error */
	bm = f->dom.pgsize_bitmap;
	for (j = 0; j < 64 && f->nsizes < NLVL; j++)
		if (bm & (1UL << j))
			f->sizes[f->nsizes++] = 1ULL << j;
	if (!f->nsizes)
		return 1;
	/* A window a few top blocks wide, so that random IOVAs collide. */
	f->window = 4 * f->sizes[f->nsizes - 1];
	if (f->window > (1ULL << f->ias))
		f->window = 1ULL << f->ias;
	f->own_core = pgtable_stats_get != NULL;
	TRACE(f, "%s-%lluk ias %u oas %u %s, sizes %#lx, %s core", c & 1 ? "s2" : "s1",
	      (unsigned long long)(f->granule >> 10), f->ias, f->oas,
	      cfg.coherent_walk ? "coherent" : "noncoherent", bm,
	      f->own_core ? "own" : "kernel");
	f->have_hw = !pt_hw_from_cfg(&f->hw, f->dom.fmt, &f->dom.cfg, f->dom.cfg.quirks);
	return 0;
}

static void fz_release(struct fz *f)
{
	int j;

	iommu_domain_release(&f->dom);
	tlb_model_destroy(f->tlb);
	ref_destroy(&f->ref);
	for (j = 0; j < NLVL; j++)
		free(f->marks[j].v);
}

/* Corrupt the first leaf's output address behind the core's back (self-test). */
static void sabotage(struct fz *f)
{
	u64 *pte;

	if (!f->ref.n || !f->have_hw)
		return;
	pte = pt_hw_leaf_ptr(&f->hw, f->ref.v[0].iova);
	if (pte) {
		*pte ^= f->granule << 1;	/* an output-address bit */
		sabotage_at = 0;
	}
}

void fuzz_ops_sabotage(unsigned int op)
{
	sabotage_at = op;
}

int fuzz_ops_run(const uint8_t *data, size_t size, char *err, size_t errlen)
{
	struct reader r = { data, size, false };
	struct alloc_stats before, after;
	struct fz f = { .err = err, .errlen = errlen };

	ref_init(&f.ref);
	unsigned int fault, param;
	int ret;

	err[0] = 0;
	totals.inputs++;
	tracing = getenv("FUZZ_TRACE") != NULL;
	shim_printk_quiet(true);
	backend_fault_clear();
	backend_stats(&before);
	ret = fz_init(&f, &r);
	fault = size > 0 ? (data[0] >> 4) & 3 : 0;
	param = get8(&r);
	if (ret) {
		totals.rejected++;
		fz_release(&f);
		shim_printk_quiet(false);
		if (ret < 0) {
			snprintf(err, errlen, "set-up failed: %d", ret);
			return -1;
		}
		return 0;
	}
	if (fault == 1)
		backend_fail_nth(1 + param);
	else if (fault == 2)
		backend_fail_every(2 + param % 63);

	while (r.n && !r.short_read && !f.failed && f.op < MAX_OPS) {
		run_op(&f, &r);
		if (sabotage_at && f.op >= sabotage_at)
			sabotage(&f);
	}
	sweep_and_unmap(&f);
	backend_fault_clear();
	fz_release(&f);
	shim_printk_quiet(false);

	backend_stats(&after);
	if (!f.failed && after.bytes_held != before.bytes_held)
		fz_fail(&f, "backend holds %llu bytes after freeing the table, %llu before",
			(unsigned long long)after.bytes_held,
			(unsigned long long)before.bytes_held);
	return f.failed ? -1 : 0;
}

void fuzz_ops_stats(struct fuzz_ops_stats *out)
{
	*out = totals;
}

void fuzz_ops_stats_reset(void)
{
	memset(&totals, 0, sizeof(totals));
}
