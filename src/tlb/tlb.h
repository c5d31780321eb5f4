/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLB flush models.
 *
 * A model is what an IOMMU driver does to invalidate its TLB: it supplies
 * the iommu_flush_ops the page-table core calls (tlb_flush_all,
 * tlb_flush_walk, tlb_add_page) and the driver's iotlb_sync, and counts
 * every invalidation it issues. One model per .c file in src/tlb/; all are
 * linked into every binary and chosen by name at run time.
 *
 * The flush ops receive the page table's cookie, a struct iommu_domain
 * that only src/iommu-core looks inside: it provides iommu_cookie_tlb()
 * and iommu_cookie_table() below, so that the arrows run from iommu-core
 * down to the models and never back.
 */
#ifndef _TLB_TLB_H
#define _TLB_TLB_H

#include <linux/io-pgtable.h>
#include <linux/types.h>

struct tlb_counters {
	u64 flush_all;		/* whole-context invalidations */
	u64 flush_walk;		/* tlb_flush_walk callbacks (tables freed) */
	u64 add_page;		/* tlb_add_page callbacks (leaves unmapped) */
	u64 sync;		/* iotlb_sync calls */
	u64 cmds;		/* invalidation commands issued */
	u64 inv_bytes;		/* IOVA bytes covered by those commands */
	/* Added by the flush models (src/tlb/<model>.c): */
	u64 hw_sync;		/* completions waited for (CMD_SYNC or equivalent) */
	u64 range_cmds;		/* of cmds: range commands (SMMUv3 TG != 0) */
	u64 walk_cmds;		/* of cmds: non-leaf ones (tables freed) */
	u64 queue_full_waits;	/* smmuv3: producer found the queue full */
	u64 queue_full_ns;	/* smmuv3: time spent waiting for space */
	u64 sync_wait_ns;	/* smmuv3: time spent polling CMD_SYNC completion */
	u64 deferred_unmaps;	/* deferred: unmapped ranges queued */
	u64 deferred_flushes;	/* deferred: queue flushes (flush-all each) */
	u64 max_stale_unmaps;	/* deferred: most later unmaps a queued range waited */
};

struct tlb_params {
	size_t granule;		/* smallest page size of the table */
	unsigned int per_cmd_ns;	/* emulated cost of one command */
	bool range_inv;		/* hardware range invalidation available */
	unsigned int defer_batch;	/* deferred: flush after this many unmaps */
	/* Added by the flush models; 0 means the default everywhere: */
	size_t inv_all_over;	/* smmuv3: invalidate the context instead of a
				   range longer than this many bytes (0: never) */
	unsigned int cmdq_shift;	/* smmuv3: log2 of queue entries (default 8) */
	u16 asid, vmid;		/* smmuv3: the context's tags (default 1, 1) */
};

struct tlb_model;

struct tlb_model_ops {
	const char *name;
	const struct iommu_flush_ops *flush_ops;
	int (*init)(struct tlb_model *m);
	void (*sync)(struct tlb_model *m, struct iommu_iotlb_gather *gather);
	void (*flush_all)(struct tlb_model *m);
	void (*destroy)(struct tlb_model *m);
	/* deferred: is @iova unmapped but not yet invalidated? (optional) */
	bool (*pending)(struct tlb_model *m, unsigned long iova);
};

struct tlb_shadow;
struct iommu_domain;

/* The page table behind a cookie, as a model needs it (shadow TLB walks). */
struct tlb_table {
	enum io_pgtable_fmt fmt;
	const struct io_pgtable_cfg *cfg;	/* TTBR/TCR as the core filled them */
	struct io_pgtable_ops *ops;		/* NULL until the table exists */
};

struct tlb_model {
	const struct tlb_model_ops *ops;
	struct tlb_params params;
	struct tlb_counters cnt;
	void *priv;
	/* Added: the checking TLB each model feeds (src/tlb/shadow.c). */
	struct tlb_shadow *shadow;
	struct iommu_domain *domain;	/* bound at the first flush or lookup */
	struct tlb_table table;		/* domain's table, by iommu_cookie_table() */
	size_t gran;			/* granule in use (params or the domain's) */
	bool stage2;			/* the domain is a stage-2 table */
};

/* NULL-terminated list of model names, in a stable order. */
const char *const *tlb_model_names(void);
/* Create a model by name; NULL (and errno set) for an unknown name. */
struct tlb_model *tlb_model_create(const char *name, const struct tlb_params *p);
void tlb_model_destroy(struct tlb_model *m);
void tlb_counters_reset(struct tlb_model *m);
/*
 * Create a model that is not in the table, such as the tests'
 * deliberately broken one: it never shows up in tlb_model_names().
 */
struct tlb_model *tlb_model_create_ops(const struct tlb_model_ops *ops,
				       const struct tlb_params *p);

/* Learn the domain behind @cookie (stage, granule); cheap once bound. */
void tlb_bind(struct tlb_model *m, void *cookie);
/* The model behind a flush op's @cookie, bound to it: every op starts here. */
struct tlb_model *tlb_model_bound(void *cookie);
/*
 * Invalidate the whole context with one command and wait for it: counted
 * (flush_all, cmds, hw_sync) and applied to the checking TLB.
 */
void tlb_flush_ctx_sync(struct tlb_model *m);

/*
 * The emulated IOMMU's TLB, which every model keeps (src/tlb/shadow.c):
 * tlb_model_lookup() translates @iova as a device access would — a hit in
 * the small TLB, else a walk of the table from the domain's TTBR/VTTBR
 * whose leaf and table descriptors are then cached — and returns the
 * output address, 0 on a translation fault. The model's invalidations
 * evict entries as the architecture says they must.
 */
phys_addr_t tlb_model_lookup(struct tlb_model *m, struct iommu_domain *d,
			     unsigned long iova);

struct tlb_stale {
	unsigned long iova;	/* start of the cached entry's span */
	unsigned int level;	/* translation level it was read at */
	bool leaf;		/* leaf (TLB) or table (walk cache) entry */
	u64 cached, now;	/* descriptor cached, descriptor in memory now */
};

/*
 * Entries that no longer match the table in memory: each is a translation
 * a device could still use although software changed or removed it.
 * Fills up to @max of them into @out (may be NULL) and returns the count.
 */
size_t tlb_model_stale(struct tlb_model *m, struct iommu_domain *d,
		       struct tlb_stale *out, size_t max);
/* Forget every cached entry without counting an invalidation. */
void tlb_model_shadow_clear(struct tlb_model *m);

/* Provided by src/iommu-core: the model and table behind a cookie. */
struct tlb_model *iommu_cookie_tlb(void *cookie);
void iommu_cookie_table(void *cookie, struct tlb_table *t);

#endif
