/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of an IOMMU address space: an interval map of disjoint
 * leaves iova -> paddr, each with its size and prot, kept sorted. It knows
 * nothing of tables or formats, so a page-table core checked against it is
 * checked against the plain meaning of map and unmap. Used by the core's
 * random-operation tests and the fuzzer.
 */
#ifndef _TESTS_LIB_REFMODEL_H
#define _TESTS_LIB_REFMODEL_H

#include <linux/types.h>

struct ref_leaf {
	u64 iova;
	u64 size;
	u64 paddr;
	int prot;
};

struct ref_model {
	struct ref_leaf *v;	/* sorted by iova, disjoint */
	size_t n, cap;
	u64 bytes;		/* total bytes mapped */
};

void ref_init(struct ref_model *r);
void ref_destroy(struct ref_model *r);

/* Index of the first leaf ending after @iova (n if none). */
size_t ref_find(const struct ref_model *r, u64 iova);
/* True if any leaf intersects [iova, iova + size). */
bool ref_overlaps(const struct ref_model *r, u64 iova, u64 size);
/* 0, -EEXIST on overlap, -ENOMEM. */
int ref_insert(struct ref_model *r, u64 iova, u64 paddr, u64 size, int prot);
/* Remove the leaf starting exactly at @iova with @size: 0 or -ENOENT. */
int ref_remove_leaf(struct ref_model *r, u64 iova, u64 size);
/* Remove every leaf inside [iova, iova + size); bytes removed. */
u64 ref_remove_range(struct ref_model *r, u64 iova, u64 size);
/* The leaf holding @iova, or NULL. */
const struct ref_leaf *ref_lookup(const struct ref_model *r, u64 iova);
/* Translation of @iova, 0 if unmapped (as iova_to_phys). */
u64 ref_translate(const struct ref_model *r, u64 iova);

#endif
