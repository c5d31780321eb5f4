/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the TLB-model tests: a domain of the suite's core flushing
 * through a given model (by name or by ops, with params), its page and
 * block sizes, and the deliberately broken model the tests must catch.
 */
#ifndef _TESTS_TLB_TLBTEST_H
#define _TESTS_TLB_TLBTEST_H

#include <linux/sizes.h>
#include "iommu-core/iommu-core.h"
#include "tlb/shadow.h"
#include "tlb/tlb.h"
#include "harness.h"

struct tt_dom {
	struct iommu_domain d;
	struct tlb_model *m;
	size_t gran, block;	/* granule and level-2 block size */
};

/* Page and block sizes of one granule, the way a driver offers them. */
static inline unsigned long tt_pgsizes(size_t gran)
{
	switch (gran) {
	case SZ_4K:
		return SZ_4K | SZ_2M | SZ_1G;
	case SZ_16K:
		return SZ_16K | SZ_32M;
	default:
		return SZ_64K | SZ_512M;
	}
}

static inline u64 tt_rand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* @ops wins over @name; 0 or -errno. */
int tt_init(struct tt_dom *t, const char *name, const struct tlb_model_ops *ops,
	    enum io_pgtable_fmt fmt, size_t gran, const struct tlb_params *p);
void tt_release(struct tt_dom *t);

/* "broken-narrow": a range model that invalidates only the first granule. */
extern const struct tlb_model_ops tt_broken_narrow;

#endif
