// SPDX-License-Identifier: GPL-2.0
/*
 * Soak: map/unmap churn with random sizes on long-lived page tables, the
 * way a streaming DMA user keeps one domain busy for days. Memory held is
 * sampled over time; it must stay under what the address window can ever
 * need (empty tables stay, as in the kernel, but nothing may grow without
 * bound), every mapping is checked when it is unmapped, and when the
 * tables are freed the backend must be back at its starting value.
 *
 * Short form in every test run (0.3 s, 0.1 s with --quick). The long form
 * is `make soak SECONDS=N` (scripts/soak.sh): SOAK_SECONDS=N runs it, and
 * SOAK_CSV=<file> writes one sample line per interval:
 *   t_s,cycle,fmt,granule,live_bytes,table_bytes,backend_pages_held,backend_bytes_held
 */
#include <errno.h>
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
#include "lib/pt.h"
#include "lib/refmodel.h"

#define WINDOW_BLOCKS	64	/* window = 64 last-level tables' worth of IOVA */
#define MAX_LIVE	512	/* live mappings before a forced unmap */

struct soak_dom {
	struct pt_domain pd;
	struct ref_model ref;
	u64 granule, block, window, bound;
	u64 seed;
	unsigned long maps, unmaps, enomem;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Most table memory the window can ever need: one table per entry of every
 * level above the leaves that the window touches, plus the pgd (at most a
 * concatenated 16 granule pages).
 */
static u64 table_bound(u64 granule, u64 window)
{
	u64 span = granule * (granule / 8), bytes = 16 * granule;

	for (; span < (1ULL << 52); span *= granule / 8)
		bytes += DIV_ROUND_UP(window, span) * granule;
	return bytes;
}

static u64 table_bytes(struct soak_dom *s)
{
	struct pt_hw hw;
	struct pt_sum sum;

	if (pgtable_held_bytes)
		return pgtable_held_bytes(pt_ops(&s->pd));
	if (pt_hw_from_domain(&hw, &s->pd))
		return 0;
	pt_hw_summary(&hw, &sum);
	return sum.table_bytes;
}

static int soak_init(struct soak_dom *s, enum io_pgtable_fmt fmt, size_t granule, u64 seed)
{
	struct pt_cfg c = { .fmt = fmt, .granule = granule, .ias = 48, .oas = 48 };

	memset(s, 0, sizeof(*s));
	ref_init(&s->ref);
	backend_prepare(64);
	if (pt_domain_init(&s->pd, &c))
		return -EINVAL;
	s->granule = granule;
	s->block = granule * (granule / 8);
	s->window = WINDOW_BLOCKS * s->block;
	s->bound = table_bound(granule, s->window);
	s->seed = seed | 1;
	return 0;
}

static bool unmap_one(struct soak_dom *s, size_t i)
{
	struct ref_leaf l = s->ref.v[i];
	size_t got;

	/* Checked on the way out: what was mapped still translates. */
	if (iommu_iova_to_phys(&s->pd.dom, l.iova + l.size / 2) != l.paddr + l.size / 2) {
		test_fail(__FILE__, __LINE__, "%#llx no longer translates to %#llx",
			  (unsigned long long)l.iova, (unsigned long long)l.paddr);
		return false;
	}
	got = iommu_unmap(&s->pd.dom, l.iova, l.size);
	ref_remove_leaf(&s->ref, l.iova, l.size);
	s->unmaps++;
	if (got != l.size) {
		test_fail(__FILE__, __LINE__, "iommu_unmap(%#llx, %#llx) = %#zx",
			  (unsigned long long)l.iova, (unsigned long long)l.size, got);
		return false;
	}
	return true;
}

/* One random op: map a random size (pages up to a few blocks), or unmap one. */
static bool soak_step(struct soak_dom *s)
{
	u64 r = pt_rand(&s->seed), size, iova, paddr;
	int ret;

	if (s->ref.n && (s->ref.n >= MAX_LIVE || r % 3 == 0))
		return unmap_one(s, (r >> 8) % s->ref.n);

	/* Sizes spread over decades: a page, some pages, a block, blocks. */
	switch ((r >> 4) % 4) {
	case 0: size = s->granule; break;
	case 1: size = s->granule * (1 + (r >> 12) % 64); break;
	case 2: size = s->block; break;
	default: size = s->granule * (1 + (r >> 12) % (3 * (s->granule / 8))); break;
	}
	iova = ((r >> 24) % (s->window / s->granule)) * s->granule;
	if (iova + size > s->window || ref_overlaps(&s->ref, iova, size))
		return true;
	/* Same offset within a block as the IOVA half the time, so blocks get used. */
	paddr = (u64)SZ_1G * 64 + (r & 1 ? iova : iova + s->granule);
	backend_prepare(8);
	ret = iommu_map(&s->pd.dom, iova, paddr, size, IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	if (ret == -ENOMEM) {
		s->enomem++;
		return true;
	}
	if (ret) {
		test_fail(__FILE__, __LINE__, "iommu_map(%#llx, %#llx) = %d",
			  (unsigned long long)iova, (unsigned long long)size, ret);
		return false;
	}
	ref_insert(&s->ref, iova, paddr, size, IOMMU_READ | IOMMU_WRITE);
	s->maps++;
	return true;
}

static void soak_release(struct soak_dom *s)
{
	while (s->ref.n && unmap_one(s, 0))
		;
	pt_domain_release(&s->pd);
	ref_destroy(&s->ref);
}

/* Cycles every soak runs, whatever its time: enough maps for the checks. */
#define SOAK_MIN_CYCLES	4

static double soak_seconds(void)
{
	const char *e = getenv("SOAK_SECONDS");

	if (e && *e)
		return atof(e);
	return test_quick() ? 0.1 : 0.3;
}

TEST(soak_map_unmap_memory_returns)
{
	static const struct { enum io_pgtable_fmt fmt; size_t granule; } cfgs[] = {
		{ ARM_64_LPAE_S1, SZ_4K }, { ARM_64_LPAE_S2, SZ_16K }, { ARM_64_LPAE_S1, SZ_64K },
	};
	const char *csv_path = getenv("SOAK_CSV");
	struct soak_dom doms[3];
	struct alloc_stats st0, st;
	u64 t0, end, next;
	u64 interval = getenv("SOAK_SECONDS") ? 1000000000ULL : 50000000ULL;
	unsigned long cycle = 0, samples = 0, maps = 0, enomem = 0;
	u64 peak_pages = 0;
	FILE *csv = NULL;
	size_t i;
	bool ok = true;

	shim_printk_quiet(true);
	backend_stats(&st0);
	for (i = 0; i < 3; i++)
		REQUIRE(soak_init(&doms[i], cfgs[i].fmt, cfgs[i].granule, test_seed() + i) == 0);
	if (csv_path) {
		csv = fopen(csv_path, "w");
		REQUIRE(csv);
		fprintf(csv, "t_s,cycle,fmt,granule,live_bytes,table_bytes,backend_pages_held,backend_bytes_held\n");
	}
	/* One allocation in 997 fails: the churn must survive -ENOMEM too. */
	backend_fail_every(997);

	/*
	 * The clock starts after the set-up, and a few cycles run however slow
	 * the machine (TSan, an emulator, a loaded CI host): the checks below
	 * are about memory, not speed.
	 */
	t0 = now_ns();
	end = t0 + (u64)(soak_seconds() * 1e9);
	next = t0;
	while (ok && (cycle < SOAK_MIN_CYCLES || now_ns() < end)) {
		for (i = 0; i < 3 && ok; i++) {
			unsigned int k;

			for (k = 0; k < 64 && ok; k++)
				ok = soak_step(&doms[i]);
		}
		cycle++;
		if (now_ns() < next)
			continue;
		next += interval;
		backend_stats(&st);
		if (st.pages_held > peak_pages)
			peak_pages = st.pages_held;
		for (i = 0; i < 3; i++) {
			u64 tb = table_bytes(&doms[i]);

			/* Bounded by the window: a leak would cross it sooner or later. */
			if (tb > doms[i].bound) {
				test_fail(__FILE__, __LINE__, "%s-%zuk holds %llu table bytes, more than the %llu its window can need",
					  pt_fmt_name(cfgs[i].fmt), cfgs[i].granule >> 10,
					  (unsigned long long)tb, (unsigned long long)doms[i].bound);
				ok = false;
			}
			if (csv)
				fprintf(csv, "%.3f,%lu,%s,%zu,%llu,%llu,%llu,%llu\n",
					(now_ns() - t0) / 1e9, cycle, pt_fmt_name(cfgs[i].fmt),
					cfgs[i].granule, (unsigned long long)doms[i].ref.bytes,
					(unsigned long long)tb, (unsigned long long)st.pages_held,
					(unsigned long long)st.bytes_held);
		}
		samples++;
	}
	backend_fault_clear();
	for (i = 0; i < 3; i++) {
		maps += doms[i].maps;
		enomem += doms[i].enomem;
		soak_release(&doms[i]);
	}
	backend_stats(&st);
	if (csv) {
		fclose(csv);
		printf("\n    %lu cycles, %lu maps (%lu -ENOMEM), %lu samples; pages held: start %llu, peak %llu, end %llu\n",
		       cycle, maps, enomem, samples, (unsigned long long)st0.pages_held,
		       (unsigned long long)peak_pages, (unsigned long long)st.pages_held);
	}
	CHECK(maps > 100);
	CHECK(samples >= 1);
	/* Held pages return to their starting value. */
	CHECK_EQ(st.bytes_held, st0.bytes_held);
	CHECK_EQ(st.pages_held, st0.pages_held);
}
