// SPDX-License-Identifier: GPL-2.0
/*
 * Shared benchmark support: domains, names, counters, verification.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/sizes.h>
#include <kcore.h>
#include "pgtable/pgtable-stats.h"
#include "bench.h"

#ifndef BENCH_CORE
#define BENCH_CORE ""
#endif

/* ------------------------------------------------------------ domains */

int bench_domain_init(struct bench_domain *bd, const struct bench_cfg *cfg)
{
	struct io_pgtable_cfg pcfg = { 0 };
	struct tlb_params tp = cfg->tlb;
	int ret;

	memset(bd, 0, sizeof(*bd));
	bd->cfg = *cfg;
	pcfg.ias = cfg->ias ? cfg->ias : 48;
	pcfg.oas = cfg->oas ? cfg->oas : 48;
	pcfg.pgsize_bitmap = iommu_granule_pgsizes(cfg->granule, pcfg.oas);
	if (!pcfg.pgsize_bitmap)
		return -EINVAL;
	pcfg.coherent_walk = cfg->coherent;
	if (!tp.granule)
		tp.granule = cfg->granule;
	bd->tlb = tlb_model_create(cfg->tlb_model ? cfg->tlb_model : "count", &tp);
	if (!bd->tlb)
		return -errno ? -errno : -ENOMEM;
	ret = iommu_domain_init(&bd->dom, cfg->fmt, &pcfg, bd->tlb);
	if (ret) {
		tlb_model_destroy(bd->tlb);
		bd->tlb = NULL;
		return ret;
	}
	bd->pgsize_bitmap = bd->dom.pgsize_bitmap;
	/* A core that ignored the granule would mislabel every result. */
	if (!(bd->pgsize_bitmap & cfg->granule)) {
		bench_domain_release(bd);
		return -EINVAL;
	}
	return 0;
}

void bench_domain_release(struct bench_domain *bd)
{
	iommu_domain_release(&bd->dom);
	tlb_model_destroy(bd->tlb);
	bd->tlb = NULL;
}

unsigned long bench_pgsizes(const struct bench_cfg *cfg)
{
	struct bench_domain bd;
	unsigned long sizes;

	if (bench_domain_init(&bd, cfg))
		return 0;
	sizes = bd.pgsize_bitmap;
	bench_domain_release(&bd);
	return sizes;
}

/* ------------------------------------------------------------ names */

const char *bench_core_name(void)
{
	/* A build may force the name; otherwise the linked core says who it is. */
	if (BENCH_CORE[0])
		return BENCH_CORE;
	return pgtable_core_name();
}

void bench_name_init(struct bench_name *n, const char *concern,
		     const struct bench_cfg *cfg)
{
	char g[16];

	n->len = snprintf(n->buf, sizeof(n->buf), "%s/%s/%s-%s", concern,
			  bench_core_name(), bench_fmt_name(cfg->fmt),
			  bench_size_name(cfg->granule, g));
	if (n->len >= sizeof(n->buf))
		n->len = sizeof(n->buf) - 1;
}

void bench_name_add(struct bench_name *n, const char *key, const char *fmt, ...)
{
	size_t room = sizeof(n->buf) - n->len;
	va_list ap;
	int len;

	len = snprintf(n->buf + n->len, room, "/%s:", key);
	if (len < 0 || (size_t)len >= room)
		goto full;
	n->len += len;
	room -= len;
	va_start(ap, fmt);
	len = vsnprintf(n->buf + n->len, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room)
		goto full;
	n->len += len;
	return;
full:
	/* A truncated name would collide with another one: refuse loudly. */
	fprintf(stderr, "bench: benchmark name too long: %s...\n", n->buf);
	abort();
}

/* ------------------------------------------------------------ counters */

void bench_counters_begin(struct bench_counters *c, struct bench_domain *bd)
{
	memset(c, 0, sizeof(*c));
	arch_cache_stats_reset();
	if (bd && bd->tlb)
		tlb_counters_reset(bd->tlb);
	/* Weak: absent when a kernel tree's core is linked in (KSRC=). */
	if (pgtable_stats_reset)
		pgtable_stats_reset();
	backend_stats(&c->alloc);
	noncoherent_counts_get(&c->nc);
}

void bench_counters_end(struct bench_counters *c, struct bench_domain *bd)
{
	struct alloc_stats now;

	backend_stats(&now);
	noncoherent_counts_since(&c->nc, &c->nc);
	c->alloc.allocs = now.allocs - c->alloc.allocs;
	c->alloc.frees = now.frees - c->alloc.frees;
	c->alloc.failures = now.failures - c->alloc.failures;
	c->alloc.injected = now.injected - c->alloc.injected;
	c->alloc.pages_held = now.pages_held;
	c->alloc.bytes_held = now.bytes_held;
	c->alloc.peak_bytes = now.peak_bytes;
	arch_cache_stats(&c->cache);
	if (bd && bd->tlb)
		c->tlb = bd->tlb->cnt;
	if (pgtable_stats_get) {
		struct pgtable_stats ps;

		pgtable_stats_get(&ps);
		c->pte_writes = ps.pte_writes;
		c->have_pte_writes = true;
	}
}

void bench_counters_add(struct bench_counters *sum,
			const struct bench_counters *d)
{
	sum->alloc.allocs += d->alloc.allocs;
	sum->alloc.frees += d->alloc.frees;
	sum->alloc.failures += d->alloc.failures;
	sum->alloc.injected += d->alloc.injected;
	/* Holdings are levels, not sums: keep the largest seen. */
	if (d->alloc.bytes_held > sum->alloc.bytes_held) {
		sum->alloc.bytes_held = d->alloc.bytes_held;
		sum->alloc.pages_held = d->alloc.pages_held;
	}
	if (d->alloc.peak_bytes > sum->alloc.peak_bytes)
		sum->alloc.peak_bytes = d->alloc.peak_bytes;
	sum->cache.calls += d->cache.calls;
	sum->cache.lines += d->cache.lines;
	sum->cache.barriers += d->cache.barriers;
	sum->tlb.flush_all += d->tlb.flush_all;
	sum->tlb.flush_walk += d->tlb.flush_walk;
	sum->tlb.add_page += d->tlb.add_page;
	sum->tlb.sync += d->tlb.sync;
	sum->tlb.cmds += d->tlb.cmds;
	sum->tlb.inv_bytes += d->tlb.inv_bytes;
	sum->pte_writes += d->pte_writes;
	sum->nc.dma_maps += d->nc.dma_maps;
	sum->nc.dma_unmaps += d->nc.dma_unmaps;
	sum->nc.dma_syncs += d->nc.dma_syncs;
	sum->nc.incoherent_starts += d->nc.incoherent_starts;
	sum->nc.incoherent_flushes += d->nc.incoherent_flushes;
	sum->nc.incoherent_frees += d->nc.incoherent_frees;
	sum->have_pte_writes |= d->have_pte_writes;
}

static void per_call(struct gb_state *st, const char *name, u64 v, u64 calls)
{
	gb_counter_set(st, name, calls ? (double)v / calls : 0, GB_CNT_DEFAULT);
}

void bench_counters_report(struct gb_state *st, const struct bench_counters *c,
			   u64 calls)
{
	if (c->have_pte_writes)
		per_call(st, "pte_writes", c->pte_writes, calls);
	per_call(st, "tables_alloc", c->alloc.allocs, calls);
	per_call(st, "tables_freed", c->alloc.frees, calls);
	gb_counter_set(st, "pgtable_bytes", (double)c->alloc.bytes_held,
		       GB_CNT_DEFAULT);
	per_call(st, "cache_lines", c->cache.lines, calls);
	per_call(st, "barriers", c->cache.barriers, calls);
	per_call(st, "tlb_cmds", c->tlb.cmds, calls);
	per_call(st, "tlb_add_page", c->tlb.add_page, calls);
	per_call(st, "tlb_flush_walk", c->tlb.flush_walk, calls);
	per_call(st, "tlb_syncs", c->tlb.sync, calls);
	per_call(st, "dma_maps", c->nc.dma_maps, calls);
	per_call(st, "dma_syncs", c->nc.dma_syncs, calls);
	per_call(st, "incoherent_starts", c->nc.incoherent_starts, calls);
	per_call(st, "incoherent_flushes", c->nc.incoherent_flushes, calls);
}

u64 bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void bench_delay_ns(u64 ns)
{
	u64 end = bench_now_ns() + ns;

	while (bench_now_ns() < end)
		;
}

/* ------------------------------------------------------------ verification */

static int check_one(struct gb_state *st, struct bench_domain *bd,
		     unsigned long iova, phys_addr_t want)
{
	phys_addr_t got = iommu_iova_to_phys(&bd->dom, iova);

	if (got == want)
		return 0;
	gb_skip_with_errorf(st, "iova_to_phys(0x%lx) = 0x%llx, expected 0x%llx",
			    iova, (unsigned long long)got,
			    (unsigned long long)want);
	return -EIO;
}

/* Offsets probed in [0, size): first/last byte of first, middle, last page. */
static size_t probe_offsets(size_t size, size_t pgsize, size_t off[6])
{
	size_t pages = size / pgsize;
	size_t pg[3] = { 0, pages / 2, pages - 1 };
	size_t i;

	for (i = 0; i < 3; i++) {
		off[2 * i] = pg[i] * pgsize;
		off[2 * i + 1] = pg[i] * pgsize + pgsize - 1;
	}
	return pages ? 6 : 0;
}

/*
 * A deliberately wrong translation, for the end-to-end test that proves
 * the verification catches one (tests/scripts/test_bench_e2e.py):
 * `make BENCH_CORRUPT_PTE=1` builds, apart from the real binaries,
 * benchmarks whose every verification first remaps the first page it
 * checks to another physical address. 0, the default, compiles it away.
 */
#ifndef BENCH_CORRUPT_PTE
#define BENCH_CORRUPT_PTE 0
#endif

static void corrupt_first_page(struct bench_domain *bd, unsigned long iova,
			       phys_addr_t paddr, size_t pgsize)
{
	if (iommu_unmap(&bd->dom, iova, pgsize) != pgsize)
		return;		/* then the page reads as unmapped: wrong too */
	iommu_map(&bd->dom, iova, paddr ^ pgsize, pgsize, BENCH_PROT, GFP_KERNEL);
}

int bench_verify_mapped(struct gb_state *st, struct bench_domain *bd,
			unsigned long iova, phys_addr_t paddr, size_t size,
			size_t pgsize)
{
	size_t off[6], n = probe_offsets(size, pgsize, off), i;

	if (BENCH_CORRUPT_PTE)
		corrupt_first_page(bd, iova, paddr, pgsize);
	for (i = 0; i < n; i++)
		if (check_one(st, bd, iova + off[i], paddr + off[i]))
			return -EIO;
	return 0;
}

int bench_verify_unmapped(struct gb_state *st, struct bench_domain *bd,
			  unsigned long iova, size_t size, size_t pgsize)
{
	size_t off[6], n = probe_offsets(size, pgsize, off), i;

	for (i = 0; i < n; i++)
		if (check_one(st, bd, iova + off[i], 0))
			return -EIO;
	return 0;
}

/* ------------------------------------------------------------ suites */

#define MAX_SUITES 32

static struct {
	bench_suite_fn fn;
	const char *name;
} suites[MAX_SUITES];
static unsigned int nr_suites;

void bench_suite_add(bench_suite_fn fn, const char *name)
{
	if (nr_suites == MAX_SUITES) {
		fprintf(stderr, "bench: too many suites (%s)\n", name);
		abort();
	}
	suites[nr_suites].fn = fn;
	suites[nr_suites].name = name;
	nr_suites++;
}

/* Called by main(): register every suite's benchmarks, in name order. */
void bench_register_all(void);
void bench_register_all(void)
{
	unsigned int i, j;

	if (BENCH_CORRUPT_PTE)
		gb_add_context("injected_fault", "BENCH_CORRUPT_PTE: every verification "
			       "first remaps one page wrongly (a test build)");
	/* Constructor order depends on link order: sort for a stable list. */
	for (i = 1; i < nr_suites; i++)
		for (j = i; j > 0 && strcmp(suites[j - 1].name, suites[j].name) > 0; j--) {
			typeof(suites[0]) t = suites[j];

			suites[j] = suites[j - 1];
			suites[j - 1] = t;
		}
	for (i = 0; i < nr_suites; i++)
		suites[i].fn();
}
