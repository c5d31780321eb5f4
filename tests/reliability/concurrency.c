// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent map/unmap stress: several threads map, unmap and look up
 * disjoint IOVA ranges of ONE page table, as DMA API users on many CPUs do,
 * for a bounded time, with an injected allocation failure now and then.
 *
 * Two layouts: "pages", where the threads' pages interleave inside the
 * same last-level tables (so they race to install the same new tables:
 * the core's cmpxchg path, losers freeing theirs), and "slots", where each
 * thread owns whole block-sized slots under shared upper tables and also
 * maps blocks and unmaps whole slots (freeing tables while neighbours
 * allocate theirs). Each thread checks every result against its own
 * reference model; at the end every surviving mapping must translate, the
 * architectural walk must find exactly the leaves the models hold, the
 * tables must be the ones the core says it holds, and after freeing
 * everything the backend must hold what it held before.
 *
 * STRESS_SECONDS=N runs each case for N seconds (default 0.25, --quick 0.1).
 * No TLB model: the core's thread safety is under test, not a flush
 * model's counters. Built with SANITIZE=thread this is the TSan test.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/iommu.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include "alloc/backend.h"
#include "iommu-core/iommu-core.h"
#include "pgtable/pgtable-stats.h"
#include "harness.h"
#include "pgtable/common.h"
#include "lib/pt.h"
#include "lib/refmodel.h"

#define MAX_THREADS	8
#define SLOTS_PER_THREAD 16	/* slots layout: block-sized slots each thread owns */
#define PAGES_PER_SLOT	32	/* pages a thread uses in a slot */
#define PADDR_OFFSET	0x4000000000ULL	/* iova -> iova + this: unique, checkable */

enum layout { LAYOUT_PAGES, LAYOUT_SLOTS };

struct stress {
	struct iommu_domain dom;
	enum layout layout;
	unsigned int nthreads;
	u64 granule, block;
	u64 deadline_ns;
	unsigned long ticket;	/* pages layout: all threads advance through slots together */
	unsigned int nslots;
};

struct worker {
	pthread_t tid;
	struct stress *s;
	unsigned int id;
	struct ref_model ref;
	u64 seed;
	unsigned long maps, unmaps, lookups, enomem;
	struct pgtable_stats ps;	/* the core's counters of this thread */
	char err[256];
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double stress_seconds(void)
{
	const char *e = getenv("STRESS_SECONDS");

	if (e && *e)
		return atof(e);
	return test_quick() ? 0.1 : 0.25;
}

/* Page @page of slot @slot among this thread's positions, as an IOVA. */
static u64 own_iova(const struct worker *w, unsigned int slot, unsigned int page)
{
	const struct stress *s = w->s;

	if (s->layout == LAYOUT_PAGES)	/* pages interleave: shared last-level tables */
		return (u64)slot * s->block + ((u64)page * s->nthreads + w->id) * s->granule;
	return ((u64)slot * s->nthreads + w->id) * s->block + (u64)page * s->granule;
}

static void fail(struct worker *w, const char *what, u64 iova, long got, long want)
{
	if (!w->err[0])
		snprintf(w->err, sizeof(w->err), "thread %u: %s at %#llx: got %#lx, want %#lx",
			 w->id, what, (unsigned long long)iova, got, want);
}

static void do_map(struct worker *w, u64 iova, u64 size)
{
	struct stress *s = w->s;
	int ret;

	if (ref_overlaps(&w->ref, iova, size))
		return;
	backend_prepare(8);
	ret = iommu_map(&s->dom, iova, iova + PADDR_OFFSET, size,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	if (ret == -ENOMEM) {		/* injected: nothing of it may stay mapped */
		w->enomem++;
		if (iommu_iova_to_phys(&s->dom, iova))
			fail(w, "-ENOMEM map left a translation", iova, 1, 0);
		return;
	}
	if (ret) {
		fail(w, "iommu_map", iova, ret, 0);
		return;
	}
	w->maps++;
	/* The model keeps the request as one range; lookups don't care about leaf sizes. */
	ref_insert(&w->ref, iova, iova + PADDR_OFFSET, size, IOMMU_READ | IOMMU_WRITE);
}

static void do_unmap(struct worker *w)
{
	const struct ref_leaf *l;
	u64 iova, size, got;

	if (!w->ref.n)
		return;
	l = &w->ref.v[pt_rand(&w->seed) % w->ref.n];
	iova = l->iova;
	size = l->size;
	got = iommu_unmap(&w->s->dom, iova, size);
	if (got != size)
		fail(w, "iommu_unmap", iova, got, size);
	ref_remove_leaf(&w->ref, iova, size);
	w->unmaps++;
}

/* Slots layout: drop one of our slots whole, with a block-sized unmap that frees its table. */
static void do_unmap_slot(struct worker *w, unsigned int slot)
{
	struct stress *s = w->s;
	struct iommu_iotlb_gather g;
	u64 base = own_iova(w, slot, 0), got;

	if (!ref_overlaps(&w->ref, base, s->block))
		return;
	iommu_iotlb_gather_init(&g);
	got = s->dom.ops->unmap_pages(s->dom.ops, base, s->block, 1, &g);
	iommu_iotlb_sync(&s->dom, &g);
	if (got != s->block)
		fail(w, "whole-slot unmap_pages", base, got, s->block);
	ref_remove_range(&w->ref, base, s->block);
	w->unmaps++;
}

static void do_lookup(struct worker *w, u64 iova)
{
	u64 got = iommu_iova_to_phys(&w->s->dom, iova);
	u64 want = ref_translate(&w->ref, iova);

	w->lookups++;
	if (got != want)
		fail(w, "iova_to_phys", iova, got, want);
}

/*
 * However slow the machine (an emulator running this code for the first
 * time in a fresh test process), each thread does at least this many
 * operations: the checks after the run count what was done.
 */
#define MIN_OPS_PER_THREAD	2048

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned long n = 0;

	if (pgtable_stats_reset)
		pgtable_stats_reset();
	while (!w->err[0] && (n++ < MIN_OPS_PER_THREAD || n & 63 ||
			      now_ns() < s->deadline_ns)) {
		u64 r = pt_rand(&w->seed);
		unsigned int slot = r % SLOTS_PER_THREAD;

		/* Pages: everyone moves to a fresh slot together and races to install its tables. */
		if (s->layout == LAYOUT_PAGES)
			slot = __atomic_fetch_add(&s->ticket, 1, __ATOMIC_RELAXED) / 16 % s->nslots;
		unsigned int page = (r >> 8) % PAGES_PER_SLOT;
		unsigned int len = 1 + (r >> 16) % 4;

		switch ((r >> 24) % 8) {
		case 0: case 1: case 2:
			if (page + len > PAGES_PER_SLOT)
				len = PAGES_PER_SLOT - page;
			if (s->layout == LAYOUT_PAGES)
				len = 1;	/* our pages are not contiguous */
			do_map(w, own_iova(w, slot, page), len * s->granule);
			break;
		case 3:
			if (s->layout == LAYOUT_SLOTS)	/* a block, if the slot is free */
				do_map(w, own_iova(w, slot, 0), s->block);
			else
				do_lookup(w, own_iova(w, slot, page));
			break;
		case 4: case 5:
			do_unmap(w);
			break;
		case 6:
			if (s->layout == LAYOUT_SLOTS && !(r & 0x300))
				do_unmap_slot(w, slot);
			else
				do_lookup(w, own_iova(w, slot, page));
			break;
		case 7:
			if (w->ref.n)
				do_lookup(w, w->ref.v[(r >> 32) % w->ref.n].iova +
					  ((r >> 40) % 8) * 8);
			break;
		}
	}
	if (pgtable_stats_get)
		pgtable_stats_get(&w->ps);
	return NULL;
}

/* Every leaf of every model translates; the walk finds nothing else. */
static void check_final(struct stress *s, struct worker *w, unsigned int nt)
{
	struct pt_hw hw;
	struct pt_sum sum;
	u64 bytes = 0;
	unsigned int t;
	size_t i;

	for (t = 0; t < nt; t++) {
		for (i = 0; i < w[t].ref.n; i++) {
			const struct ref_leaf *l = &w[t].ref.v[i];

			CHECK_EQ_HEX(iommu_iova_to_phys(&s->dom, l->iova), l->paddr);
			CHECK_EQ_HEX(iommu_iova_to_phys(&s->dom, l->iova + l->size - 1),
				     l->paddr + l->size - 1);
		}
		bytes += w[t].ref.bytes;
	}
	if (pt_hw_from_cfg(&hw, s->dom.fmt, &s->dom.cfg, s->dom.cfg.quirks))
		return;
	pt_hw_summary(&hw, &sum);
	CHECK_EQ(sum.bad, 0);
	CHECK_EQ_HEX(sum.mapped, bytes);
	/* Every table reachable is one the core counts as held: no lost loser tables. */
	if (pgtable_held_bytes)
		CHECK_EQ(sum.table_bytes, pgtable_held_bytes(s->dom.ops));
}

static void unmap_all(struct stress *s, struct worker *w, unsigned int nt)
{
	unsigned int t;

	for (t = 0; t < nt; t++) {
		while (w[t].ref.n) {
			const struct ref_leaf *l = &w[t].ref.v[0];

			CHECK_EQ_HEX(iommu_unmap(&s->dom, l->iova, l->size), l->size);
			ref_remove_leaf(&w[t].ref, l->iova, l->size);
		}
		ref_destroy(&w[t].ref);
	}
}

static void stress(enum io_pgtable_fmt fmt, size_t granule, enum layout layout,
		   unsigned int nthreads, u64 fail_every, bool coherent)
{
	struct io_pgtable_cfg cfg = { 0 };
	struct worker w[MAX_THREADS];
	struct alloc_stats st0, st1, st2;
	struct stress s = { 0 };
	unsigned long maps = 0, unmaps = 0, enomem = 0, lookups = 0, freed = 0;
	unsigned int t;

	/* A core that needs the DMA API for it, on a backend without one. */
	if (!coherent && pt_noncoherent_why())
		SKIP(pt_noncoherent_why());
	cfg.ias = 48;
	cfg.oas = 48;
	cfg.coherent_walk = coherent;
	cfg.pgsize_bitmap = pt_granule_sizes(granule, 48);
	backend_stats(&st0);
	backend_prepare(64);
	backend_stats_reset();
	if (iommu_domain_init(&s.dom, fmt, &cfg, NULL)) {
		static char reason[160];

		/* A kernel tree DMA-maps non-coherent tables: some backends have no DMA API. */
		REQUIRE(!coherent && !pgtable_stats_get);
		expect_warnings();
		snprintf(reason, sizeof(reason),
			 "this kernel tree cannot make a non-coherent table on the %s backend",
			 backend_name());
		SKIP(reason);
	}
	s.layout = layout;
	s.nthreads = nthreads;
	s.granule = granule;
	s.block = granule * (granule / 8);	/* what one last-level table maps */
	s.nslots = SZ_32M / granule;		/* empty tables stay: bound their memory */
	s.deadline_ns = now_ns() + (u64)(stress_seconds() * 1e9);

	memset(w, 0, sizeof(w));
	if (fail_every)
		backend_fail_every(fail_every);
	for (t = 0; t < nthreads; t++) {
		w[t].s = &s;
		w[t].id = t;
		w[t].seed = (test_seed() ^ (0x9e3779b97f4a7c15ULL * (t + 1))) | 1;
		ref_init(&w[t].ref);
		REQUIRE(pthread_create(&w[t].tid, NULL, worker_fn, &w[t]) == 0);
	}
	for (t = 0; t < nthreads; t++)
		pthread_join(w[t].tid, NULL);
	backend_fault_clear();

	for (t = 0; t < nthreads; t++) {
		if (w[t].err[0])
			test_fail(__FILE__, __LINE__, "%s", w[t].err);
		maps += w[t].maps;
		unmaps += w[t].unmaps;
		enomem += w[t].enomem;
		lookups += w[t].lookups;
		freed += w[t].ps.tables_freed;
	}
	/* Pages layout frees no table itself: what was freed lost an install race. */
	if (getenv("STRESS_VERBOSE"))
		printf("\n    %u threads: %lu maps, %lu unmaps, %lu lookups, %lu -ENOMEM, %lu tables freed%s\n",
		       nthreads, maps, unmaps, lookups, enomem, freed,
		       layout == LAYOUT_PAGES ? " (install races lost)" : "");
	backend_stats(&st1);
	/* The run did something, and injected failures reached the threads. */
	CHECK(maps > 20 * nthreads);
	CHECK(unmaps > 2 * nthreads);
	if (fail_every)
		CHECK(enomem > 0 && st1.injected > 0);
	CHECK_EQ(enomem, st1.failures);

	check_final(&s, w, nthreads);
	unmap_all(&s, w, nthreads);
	iommu_domain_release(&s.dom);
	backend_stats(&st2);
	CHECK_EQ(st2.bytes_held, st0.bytes_held);
	CHECK_EQ(st2.allocs, st2.frees);
}

TEST(stress_concurrent_pages_shared_tables_s1_4k)
{
	shim_printk_quiet(true);
	stress(ARM_64_LPAE_S1, SZ_4K, LAYOUT_PAGES, 4, 0, true);
}

TEST(stress_concurrent_pages_shared_tables_enomem_s1_4k)
{
	shim_printk_quiet(true);
	stress(ARM_64_LPAE_S1, SZ_4K, LAYOUT_PAGES, 4, 23, true);
}

TEST(stress_concurrent_slots_blocks_enomem_s2_4k)
{
	shim_printk_quiet(true);
	stress(ARM_64_LPAE_S2, SZ_4K, LAYOUT_SLOTS, 4, 31, true);
}

TEST(stress_concurrent_slots_noncoherent_s1_16k)
{
	shim_printk_quiet(true);
	stress(ARM_64_LPAE_S1, SZ_16K, LAYOUT_SLOTS, 3, 17, false);
}

TEST(stress_concurrent_pages_noncoherent_enomem_s2_64k)
{
	shim_printk_quiet(true);
	stress(ARM_64_LPAE_S2, SZ_64K, LAYOUT_PAGES, 4, 13, false);
}
