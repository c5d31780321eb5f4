/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checking TLB behind every flush model.
 *
 * A small fully-associative cache of what an SMMU would hold: leaf entries
 * (a page or block translation, tagged with stage, ASID and VMID, the
 * level and granule it was read with) and walk-cache entries (the table
 * descriptors crossed on the way). Entries are filled by
 * tlb_model_lookup() from a walk of the table in memory, read from the
 * TTBR/VTTBR and TCR/VTCR in the domain's io_pgtable_cfg exactly as the
 * hardware reads them, and evicted only by invalidations the model issued.
 * tlb_model_stale() then compares every entry with memory: a stale entry
 * is an invalidation the model missed or made too narrow.
 *
 * Thread-safe: the SMMUv3 model evicts from its consumer thread.
 */
#ifndef _TLB_SHADOW_H
#define _TLB_SHADOW_H

#include "tlb.h"

/* One invalidation as the hardware sees it. */
struct tlb_inv {
	enum {
		TLB_INV_VA,	/* by address: [start, last] */
		TLB_INV_ASID,	/* every stage-1 entry of (asid, vmid) */
		TLB_INV_VMALL,	/* every entry of vmid, both stages */
		TLB_INV_ALL,	/* everything */
	} scope;
	u8 stage;		/* TLB_INV_VA: 1 (NH_VA) or 2 (S2_IPA) */
	bool leaf;		/* only last-level entries */
	u16 asid, vmid;
	unsigned long start, last;
	unsigned int tg_shift;	/* 0: any granule; else only entries of it */
	unsigned int ttl;	/* 0: any level; else leaves of this level */
};

struct tlb_shadow *tlb_shadow_create(unsigned int entries);
void tlb_shadow_destroy(struct tlb_shadow *s);
void tlb_shadow_inv(struct tlb_shadow *s, const struct tlb_inv *inv);

/* The model's own tags, for models that invalidate without a queue. */
void tlb_shadow_inv_range(struct tlb_model *m, unsigned long iova,
			  size_t size, bool leaf);
void tlb_shadow_inv_ctx(struct tlb_model *m);

struct tlb_shadow_stats {
	u64 hits, misses, faults, fills, evictions;
	u64 walk_mismatch;	/* walk and ops->iova_to_phys disagreed */
};
void tlb_shadow_stats(struct tlb_model *m, struct tlb_shadow_stats *out);

/*
 * A hardware walk of table @t for @iova. Fills the descriptor and its
 * address at each level visited; returns the leaf level (its descriptor in
 * desc[level]) or -ENOENT on a translation fault, -EINVAL when the table
 * format is not one this walker reads.
 */
struct tlb_walk {
	unsigned int start, gshift, ias;
	u64 desc[4];
	const u64 *ptep[4];
};
int tlb_hw_walk(const struct tlb_table *t, unsigned long iova, struct tlb_walk *w);
/* Bytes one descriptor at @level maps with a granule of 1 << @gshift. */
static inline unsigned int tlb_level_shift(unsigned int gshift, unsigned int level)
{
	return gshift + (3 - level) * (gshift - 3);
}

#endif
