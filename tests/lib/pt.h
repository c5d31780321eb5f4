/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for tests that drive a page-table core.
 *
 * pt_domain: an iommu_domain (src/iommu-core) with the linked backend and a
 * TLB model, set up from a short description (format, granule, sizes,
 * quirks, walker coherency).
 *
 * pt_hw: an independent, architectural table walker. It starts from the
 * registers the core filled in (TTBR/TCR, VTTBR/VTCR, or Mali's TRANSTAB
 * with the GPU's input size), derives the
 * geometry from them alone as an SMMU would, and decodes descriptors by
 * the Arm ARM rules, so it checks the core rather than sharing its code.
 * pt_hw_summary() hashes every table byte for "nothing changed" checks.
 */
#ifndef _TESTS_LIB_PT_H
#define _TESTS_LIB_PT_H

#include <linux/io-pgtable.h>
#include "iommu-core/geometry.h"
#include "iommu-core/iommu-core.h"

struct pt_cfg {
	enum io_pgtable_fmt fmt;
	size_t granule;		/* SZ_4K, SZ_16K or SZ_64K */
	unsigned int ias, oas;	/* 0: 48 (Mali's oas: 40) */
	unsigned long quirks;
	bool noncoherent;	/* walker is not cache-coherent */
	const char *tlb;	/* flush model name; NULL: "count" */
};

struct pt_domain {
	struct iommu_domain dom;
	struct tlb_model *tlb;
	struct pt_cfg c;
};

/* 0 or -errno (-EINVAL if the core refused the configuration). */
int pt_domain_init(struct pt_domain *pd, const struct pt_cfg *c);
void pt_domain_release(struct pt_domain *pd);
static inline struct io_pgtable_ops *pt_ops(struct pt_domain *pd) { return pd->dom.ops; }

/* Page and block sizes of a granule, shared with the benchmarks (iommu-core/geometry.h). */
static inline unsigned long pt_granule_sizes(size_t granule, unsigned int oas)
{
	return iommu_granule_pgsizes(granule, oas);
}

/* "4k", "2m", "1g", "4t" ... into @buf. */
static inline const char *pt_size_name(u64 size, char buf[24])
{
	return iommu_size_name(size, buf);
}

static inline const char *pt_fmt_name(enum io_pgtable_fmt fmt)
{
	return iommu_fmt_name(fmt);
}

/*
 * Why the linked backend cannot serve the linked core at all, or NULL: a
 * backend that hands out tables only through cfg->alloc (a driver's pool)
 * has nothing to offer a core without cfg->alloc (6.1), as no 6.1 driver
 * could have used one.
 */
const char *pt_backend_unusable(void);

struct pt_hw {
	enum io_pgtable_fmt fmt;
	bool ttbr1;
	int pg_shift, bits_per_level, start_level, pgd_bits;
	unsigned int ias;
	u64 root;		/* physical address of the first-level table */
};

struct pt_xlate {
	int level;		/* level of the leaf or of the faulting entry */
	u64 desc;		/* the leaf descriptor */
	u64 pa;			/* output address for the iova */
	u64 size;		/* bytes the leaf maps */
};

struct pt_sum {
	u64 hash;		/* FNV-1a over every table's bytes, walk order */
	size_t tables;
	size_t table_bytes;	/* as allocated (a pgd takes at least 64) */
	size_t leaves;
	u64 mapped;		/* bytes mapped by leaves */
	size_t bad;		/* descriptors that are architecturally invalid here */
};

/* Geometry from the registers in @cfg; -EINVAL if they are inconsistent. */
int pt_hw_from_cfg(struct pt_hw *hw, enum io_pgtable_fmt fmt,
		   const struct io_pgtable_cfg *cfg, unsigned long quirks);
static inline int pt_hw_from_domain(struct pt_hw *hw, struct pt_domain *pd)
{
	return pt_hw_from_cfg(hw, pd->dom.fmt, &pd->dom.cfg, pd->dom.cfg.quirks);
}
/* 0 and *x for a mapped iova, -ENOENT for a translation fault. */
int pt_hw_translate(const struct pt_hw *hw, u64 iova, struct pt_xlate *x);
void pt_hw_summary(const struct pt_hw *hw, struct pt_sum *s);
/* The leaf descriptor for @iova in memory (to play the walker's part), or NULL. */
u64 *pt_hw_leaf_ptr(const struct pt_hw *hw, u64 iova);
/* The table descriptors on the way to @iova, top first; returns how many. */
int pt_hw_table_descs(const struct pt_hw *hw, u64 iova, u64 out[4]);
u64 pt_hw_block_size(const struct pt_hw *hw, int lvl);

/* Simple deterministic PRNG (xorshift64*) for randomised tests. */
static inline u64 pt_rand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

#endif
