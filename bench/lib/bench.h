/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared benchmark support: one page-table domain per benchmark
 * configuration (format x granule x walker x TLB model, on the backend
 * linked in), names in the scheme of docs/DESIGN.md, the deterministic per-call
 * counters every benchmark reports, and the teardown check that what was
 * mapped translates back (a wrong answer skips the benchmark with the
 * IOVA, expected and actual address: never a silent number).
 *
 * Benchmark files register themselves with BENCH_SUITE(fn); bench/lib's
 * main() initialises the backend and cache code, calls every suite's fn
 * (which calls gb_register) and hands over to gb_main().
 */
#ifndef _BENCH_LIB_BENCH_H
#define _BENCH_LIB_BENCH_H

#include <stdarg.h>
#include <linux/io-pgtable.h>
#include <linux/types.h>
#include <noncoherent.h>
#include "gbench/gbench.h"
#include "alloc/backend.h"
#include "arch/cache.h"
#include "iommu-core/geometry.h"
#include "iommu-core/iommu-core.h"
#include "tlb/tlb.h"

/* ---- configuration and domains ---- */

struct bench_cfg {
	enum io_pgtable_fmt fmt;	/* ARM_64_LPAE_S1 or ARM_64_LPAE_S2 */
	size_t granule;			/* SZ_4K, SZ_16K or SZ_64K */
	bool coherent;			/* cfg.coherent_walk */
	unsigned int ias, oas;		/* 0: 48 bits */
	const char *tlb_model;		/* NULL: "count" */
	struct tlb_params tlb;		/* .granule is filled in if 0 */
};

struct bench_domain {
	struct bench_cfg cfg;
	struct iommu_domain dom;
	struct tlb_model *tlb;
	unsigned long pgsize_bitmap;	/* what the core accepted */
};

/* 0 or -errno. Allocates the model and the (empty) page table. */
int bench_domain_init(struct bench_domain *bd, const struct bench_cfg *cfg);
void bench_domain_release(struct bench_domain *bd);
/* Page sizes the core offers for @cfg (a throwaway domain); 0 on failure. */
unsigned long bench_pgsizes(const struct bench_cfg *cfg);
/* Same protection every benchmark maps with. */
#define BENCH_PROT	(IOMMU_READ | IOMMU_WRITE)

/* ---- names ---- */

/* -DBENCH_CORE=... if given, else the linked core's name: "own", "k6.12". */
const char *bench_core_name(void);
/* The names shared with the tests (iommu-core/geometry.h). */
static inline const char *bench_fmt_name(enum io_pgtable_fmt fmt)
{
	return iommu_fmt_name(fmt);
}

/* 4096 -> "4k", 2M -> "2m", 1G -> "1g", 4T -> "4t"; @buf of >= 16 bytes. */
static inline const char *bench_size_name(size_t size, char *buf)
{
	return iommu_size_name(size, buf);
}

struct bench_name {
	char buf[256];
	size_t len;
};
/* "<concern>/<core>/<fmt>-<granule>" */
void bench_name_init(struct bench_name *n, const char *concern,
		     const struct bench_cfg *cfg);
/* Appends "/<key>:<value>" */
void bench_name_add(struct bench_name *n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- profile ---- */

/* $PROFILE ("quick", "full", "cmp"); "full" when unset. */
const char *bench_profile(void);
bool bench_quick(void);

/* ---- counters ---- */

/*
 * Deterministic counters around a timed region: begin() snapshots (and
 * resets this thread's cache counters and the domain's TLB counters),
 * end() takes the difference, report() sets them per call on @st:
 * pte_writes (if the core counts them), tables_alloc, tables_freed,
 * pgtable_bytes (held at end), cache_lines, barriers, tlb_cmds, tlb_syncs,
 * and the non-coherent path's calls: dma_maps, dma_syncs (DMA API),
 * incoherent_starts, incoherent_flushes (iommu-pages).
 */
struct bench_counters {
	struct alloc_stats alloc;
	struct cache_stats cache;
	struct tlb_counters tlb;
	u64 pte_writes;
	bool have_pte_writes;
	struct noncoherent_counts nc;	/* how tables reached a non-coherent walker */
};
void bench_counters_begin(struct bench_counters *c, struct bench_domain *bd);
void bench_counters_end(struct bench_counters *c, struct bench_domain *bd);
/* Accumulate @delta into @sum (for benchmarks timed in rounds). */
void bench_counters_add(struct bench_counters *sum,
			const struct bench_counters *delta);
void bench_counters_report(struct gb_state *st, const struct bench_counters *c,
			   u64 calls);

/* Monotonic nanoseconds, for manual timing of rounds. */
u64 bench_now_ns(void);

/*
 * A deliberate slowdown for checking the comparison tools end to end:
 * `make bench BENCH_MAP_DELAY_NS=N` builds (into its own build directory)
 * benchmarks that busy-wait N ns after every timed map call, and says so in
 * every result's context. 0, the default, compiles the wait away.
 */
#ifndef BENCH_MAP_DELAY_NS
#define BENCH_MAP_DELAY_NS 0
#endif
void bench_delay_ns(u64 ns);

/* ---- verification ---- */

/*
 * Check that [@iova, @iova + @size) translates to @paddr + offset, probing
 * the first and last byte of the first, middle and last @pgsize page.
 * On a mismatch: gb_skip_with_error() with IOVA, expected and actual, and
 * -EIO. 0 if all agree.
 */
int bench_verify_mapped(struct gb_state *st, struct bench_domain *bd,
			unsigned long iova, phys_addr_t paddr, size_t size,
			size_t pgsize);
/* Same, expecting no translation (0) after an unmap. */
int bench_verify_unmapped(struct gb_state *st, struct bench_domain *bd,
			  unsigned long iova, size_t size, size_t pgsize);

/* Deterministic PRNG (xorshift64*), for random IOVA patterns. */
static inline u64 bench_rand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* ---- suites ---- */

typedef void (*bench_suite_fn)(void);
void bench_suite_add(bench_suite_fn fn, const char *name);
#define BENCH_SUITE(fn)							\
	static void __attribute__((constructor)) fn##_suite_ctor(void)	\
	{								\
		bench_suite_add(fn, #fn);				\
	}

/* Count perf events around every timed region (bench/lib/perfhooks.c). */
void bench_perfcount_attach(void);

#endif
