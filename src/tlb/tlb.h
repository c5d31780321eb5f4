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
 * The flush ops receive the page table's cookie, which is the
 * struct iommu_domain (src/iommu-core); iommu_cookie_tlb() maps it back to
 * the model instance.
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
};

struct tlb_params {
	size_t granule;		/* smallest page size of the table */
	unsigned int per_cmd_ns;	/* emulated cost of one command */
	bool range_inv;		/* hardware range invalidation available */
	unsigned int defer_batch;	/* deferred: flush after this many unmaps */
};

struct tlb_model;

struct tlb_model_ops {
	const char *name;
	const struct iommu_flush_ops *flush_ops;
	int (*init)(struct tlb_model *m);
	void (*sync)(struct tlb_model *m, struct iommu_iotlb_gather *gather);
	void (*flush_all)(struct tlb_model *m);
	void (*destroy)(struct tlb_model *m);
};

struct tlb_model {
	const struct tlb_model_ops *ops;
	struct tlb_params params;
	struct tlb_counters cnt;
	void *priv;
};

/* NULL-terminated list of model names, in a stable order. */
const char *const *tlb_model_names(void);
/* Create a model by name; NULL (and errno set) for an unknown name. */
struct tlb_model *tlb_model_create(const char *name, const struct tlb_params *p);
void tlb_model_destroy(struct tlb_model *m);
void tlb_counters_reset(struct tlb_model *m);

/* Provided by src/iommu-core: the model behind a page table's cookie. */
struct tlb_model *iommu_cookie_tlb(void *cookie);

#endif
