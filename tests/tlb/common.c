// SPDX-License-Identifier: GPL-2.0
/*
 * TLB-test helpers, and "broken-narrow": the range model with one bug, an
 * invalidation that covers only the first page of what was gathered (and
 * of a freed table's span). It exists only here, never in
 * tlb_model_names(), so that the stale-translation tests can prove they
 * catch a too-narrow invalidation.
 */
#include <errno.h>
#include "tlbtest.h"

int tt_init(struct tt_dom *t, const char *name, const struct tlb_model_ops *ops,
	    enum io_pgtable_fmt fmt, size_t gran, const struct tlb_params *p)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = tt_pgsizes(gran),
		.ias = 48, .oas = 48, .coherent_walk = true,
	};
	struct tlb_params tp = { .granule = gran };
	int ret;

	if (p)
		tp = *p;
	tp.granule = gran;
	t->gran = gran;
	t->block = gran == SZ_4K ? SZ_2M : gran == SZ_16K ? SZ_32M : SZ_512M;
	t->m = ops ? tlb_model_create_ops(ops, &tp) : tlb_model_create(name, &tp);
	if (!t->m)
		return -ENOMEM;
	ret = iommu_domain_init(&t->d, fmt, &cfg, t->m);
	if (ret) {
		tlb_model_destroy(t->m);
		t->m = NULL;
	}
	return ret;
}

void tt_release(struct tt_dom *t)
{
	iommu_domain_release(&t->d);
	tlb_model_destroy(t->m);
	t->m = NULL;
}

static void bn_flush_all(void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.flush_all++;
	tlb_shadow_inv_ctx(m);
}

static void bn_flush_walk(unsigned long iova, size_t size, size_t granule,
			  void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.flush_walk++;
	m->cnt.cmds++;
	tlb_shadow_inv_range(m, iova, granule, false);	/* the bug */
}

static void bn_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			size_t granule, void *cookie)
{
	tlb_model_bound(cookie)->cnt.add_page++;
	iommu_iotlb_gather_add_page(cookie, gather, iova, granule);
}

static const struct iommu_flush_ops bn_flush_ops = {
	.tlb_flush_all = bn_flush_all,
	.tlb_flush_walk = bn_flush_walk,
	.tlb_add_page = bn_add_page,
};

static void bn_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	m->cnt.sync++;
	if (!gather || !gather->end)
		return;
	m->cnt.cmds++;
	tlb_shadow_inv_range(m, gather->start, gather->pgsize, true);	/* the bug */
}

static void bn_model_flush_all(struct tlb_model *m)
{
	tlb_shadow_inv_ctx(m);
}

const struct tlb_model_ops tt_broken_narrow = {
	.name = "broken-narrow",
	.flush_ops = &bn_flush_ops,
	.sync = bn_sync,
	.flush_all = bn_model_flush_all,
};
