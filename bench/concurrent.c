// SPDX-License-Identifier: GPL-2.0
/*
 * concurrent/...: 1, 2 and N threads (N = online CPUs, when more than 2)
 * map and unmap disjoint ranges of one shared page table, as CPUs of one
 * domain do in the kernel: an iteration is map_pages() of 16 pages plus
 * iommu_unmap() of them. Thread t owns every T-th last-level table
 * (2M apart for 4K), so the threads share every upper level and race
 * only where the kernel's lock-free core races.
 *
 * Reported in wall-clock time; items_per_second is pages per second over
 * all threads. Thread 0 builds the domain before the start barrier and
 * checks and frees it after the end barrier. Every call's return value is
 * checked, every 1024th mapping is translated back inside the loop, and
 * at the end nothing of any thread may still translate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sizes.h>
#include "lib/bench.h"
#include "lib/matrix.h"

#define CONC_PAGES	16
#define CONC_SLOTS	64	/* per thread, cycled */
#define CONC_CHECK	1024	/* translate one mapping in this many */

struct conc {
	struct bench_cfg cfg;
	struct bench_domain bd;
	int err;
};

/* Slot @i of thread @t of @nr: one table span each, threads interleaved. */
static unsigned long conc_iova(const struct conc *c, int t, int nr, size_t i)
{
	size_t span = c->cfg.granule * (c->cfg.granule / 8);

	return ((unsigned long)i * nr + t) * span;
}

static phys_addr_t conc_pa(unsigned long iova)
{
	return iova ^ (1ULL << 46);
}

static int conc_one(struct gb_state *st, struct conc *c, unsigned long iova,
		    bool check)
{
	struct io_pgtable_ops *ops = c->bd.dom.ops;
	size_t size = c->cfg.granule * CONC_PAGES, mapped = 0;

	if (ops->map_pages(ops, iova, conc_pa(iova), c->cfg.granule, CONC_PAGES,
			   BENCH_PROT, GFP_KERNEL, &mapped) || mapped != size) {
		gb_skip_with_errorf(st, "map_pages(0x%lx) failed", iova);
		return -EIO;
	}
	if (check && bench_verify_mapped(st, &c->bd, iova, conc_pa(iova), size,
					 c->cfg.granule))
		return -EIO;
	if (iommu_unmap(&c->bd.dom, iova, size) != size) {
		gb_skip_with_errorf(st, "iommu_unmap(0x%lx) incomplete", iova);
		return -EIO;
	}
	return 0;
}

static void conc_teardown(struct gb_state *st, struct conc *c, int nr)
{
	size_t size = c->cfg.granule * CONC_PAGES, i;
	int t;

	for (t = 0; t < nr && !gb_error_occurred(st); t++)
		for (i = 0; i < CONC_SLOTS; i++)
			if (bench_verify_unmapped(st, &c->bd, conc_iova(c, t, nr, i),
						  size, c->cfg.granule))
				break;
	bench_domain_release(&c->bd);
}

static void bm_concurrent(struct gb_state *st, void *arg)
{
	struct conc *c = arg;
	int t = gb_thread_index(st), nr = gb_thread_count(st);
	u64 n, i;

	if (t == 0) {
		/* Every thread's last-level tables plus the levels above them. */
		c->err = backend_prepare((size_t)nr * CONC_SLOTS + 16);
		if (!c->err)
			c->err = bench_domain_init(&c->bd, &c->cfg);
		if (c->err)
			gb_skip_with_errorf(st, "domain setup: %s", strerror(-c->err));
	}
	n = gb_loop_begin(st);		/* start barrier: the domain is ready */
	if (c->err && n && t != 0)
		gb_skip_with_error(st, "no domain (thread 0 failed to build it)");
	for (i = 0; i < n && !gb_error_occurred(st); i++)
		if (conc_one(st, c, conc_iova(c, t, nr, i % CONC_SLOTS),
			     i % CONC_CHECK == 0))
			break;
	gb_loop_end(st);		/* end barrier: every thread is done */
	if (!gb_error_occurred(st))
		gb_set_items_processed(st, n * CONC_PAGES);
	if (t == 0 && !c->err)
		conc_teardown(st, c, nr);
}

static void concurrent_register(void)
{
	static const size_t granules[] = { SZ_4K, SZ_64K };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct bench_name name;
	struct gb_bench *b;
	size_t g;
	int w;

	for (g = 0; g < ARRAY_SIZE(granules); g++) {
		for (w = 1; w >= 0; w--) {
			struct conc *c = calloc(1, sizeof(*c));
			char sz[16];

			if (!c)
				abort();
			c->cfg.fmt = ARM_64_LPAE_S1;
			c->cfg.granule = granules[g];
			c->cfg.coherent = w;
			if (!bench_walk_servable(&c->cfg)) {
				free(c);
				continue;
			}
			bench_name_init(&name, "concurrent", &c->cfg);
			bench_name_add(&name, "pgsize", "%s",
				       bench_size_name(c->cfg.granule, sz));
			bench_name_add(&name, "count", "%d", CONC_PAGES);
			bench_name_add(&name, "walk", "%s",
				       w ? "coherent" : "noncoherent");
			b = gb_use_real_time(gb_register(name.buf, bm_concurrent, c));
			gb_threads(b, 1);
			gb_threads(b, 2);
			if (cpus > 2)
				gb_threads(b, cpus);
		}
	}
}
BENCH_SUITE(concurrent_register)
