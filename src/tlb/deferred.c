// SPDX-License-Identifier: GPL-2.0
/*
 * "deferred" flush model: the lazy mode of the DMA API (the kernel's
 * flush queue). A sync does not invalidate: it queues the unmapped span
 * and, every params.defer_batch unmaps or when the queue is full,
 * invalidates the whole context once and empties the queue. Until then a
 * device can still use the old translation; tlb_counters.max_stale_unmaps
 * reports how many later unmaps the oldest queued span waited for.
 * Freed tables cannot wait (their memory is reused), so tlb_flush_walk
 * invalidates at once, as the SMMUv3 driver does in lazy mode.
 *
 * The IOVA of a queued span must not be reused before the flush; the
 * kernel's IOVA allocator guarantees that by freeing the IOVA only after
 * it. pending() tells a caller (the tests) which spans are still queued.
 */
#include <stdlib.h>
#include "shadow.h"
#include "tlb.h"

#define FQ_SIZE		256	/* entries, as the kernel's IOVA_FQ_SIZE */

struct fq_entry {
	unsigned long start, last;
	u64 seq;		/* unmap number it was queued at */
};

struct fq {
	unsigned int n, batch;
	u64 seq;
	struct fq_entry e[FQ_SIZE];
};

static void fq_flush(struct tlb_model *m)
{
	struct fq *q = m->priv;
	u64 waited;

	m->cnt.flush_all++;
	m->cnt.cmds++;
	m->cnt.hw_sync++;
	tlb_shadow_inv_ctx(m);
	if (!q->n)
		return;
	m->cnt.deferred_flushes++;
	waited = q->seq - q->e[0].seq - 1;
	if (waited > m->cnt.max_stale_unmaps)
		m->cnt.max_stale_unmaps = waited;
	q->n = 0;
}

static void def_flush_all(void *cookie)
{
	fq_flush(tlb_model_bound(cookie));
}

static void def_flush_walk(unsigned long iova, size_t size, size_t granule,
			   void *cookie)
{
	struct tlb_model *m = tlb_model_bound(cookie);

	m->cnt.flush_walk++;
	m->cnt.cmds++;
	m->cnt.walk_cmds++;
	m->cnt.inv_bytes += size;
	m->cnt.hw_sync++;
	tlb_shadow_inv_range(m, iova, size, false);
}

static void def_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			 size_t granule, void *cookie)
{
	tlb_model_bound(cookie)->cnt.add_page++;
	/* One span per unmap call is all the queue records. */
	iommu_iotlb_gather_add_range(gather, iova, granule);
}

static const struct iommu_flush_ops def_flush_ops = {
	.tlb_flush_all = def_flush_all,
	.tlb_flush_walk = def_flush_walk,
	.tlb_add_page = def_add_page,
};

static void def_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	struct fq *q = m->priv;

	m->cnt.sync++;
	if (!gather || !gather->end)
		return;
	q->e[q->n++] = (struct fq_entry) {
		.start = gather->start, .last = gather->end, .seq = q->seq,
	};
	q->seq++;
	m->cnt.deferred_unmaps++;
	if (q->n >= q->batch || q->n == FQ_SIZE)
		fq_flush(m);
}

static bool def_pending(struct tlb_model *m, unsigned long iova)
{
	struct fq *q = m->priv;
	unsigned int i;

	for (i = 0; i < q->n; i++)
		if (iova >= q->e[i].start && iova <= q->e[i].last)
			return true;
	return false;
}

static int def_init(struct tlb_model *m)
{
	struct fq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->batch = m->params.defer_batch ? m->params.defer_batch : FQ_SIZE;
	m->priv = q;
	return 0;
}

static void def_destroy(struct tlb_model *m)
{
	free(m->priv);
}

const struct tlb_model_ops tlb_model_deferred = {
	.name = "deferred",
	.flush_ops = &def_flush_ops,
	.init = def_init,
	.sync = def_sync,
	.flush_all = fq_flush,
	.destroy = def_destroy,
	.pending = def_pending,
};
