// SPDX-License-Identifier: GPL-2.0
/*
 * Map/unmap loops of the kernel's IOMMU core over io_pgtable_ops.
 */
#include <string.h>
#include <linux/kernel.h>
#include "alloc/backend.h"
#include "iommu-core.h"
#include "iommu-pages.h"

struct tlb_model *iommu_cookie_tlb(void *cookie)
{
	return ((struct iommu_domain *)cookie)->tlb;
}

void iommu_cookie_table(void *cookie, struct tlb_table *t)
{
	struct iommu_domain *d = cookie;

	t->fmt = d->fmt;
	t->cfg = &d->cfg;
	t->ops = d->ops;
}

int iommu_domain_init(struct iommu_domain *d, enum io_pgtable_fmt fmt,
		      const struct io_pgtable_cfg *cfg, struct tlb_model *tlb)
{
	memset(d, 0, sizeof(*d));
	d->fmt = fmt;
	d->tlb = tlb;
	d->cfg = *cfg;
	d->dev.name = "smmu-bench";
	if (!d->cfg.iommu_dev)
		d->cfg.iommu_dev = &d->dev;
	if (tlb)
		d->cfg.tlb = tlb->ops->flush_ops;
	backend_setup_cfg(&d->cfg);
	d->ops = alloc_io_pgtable_ops(fmt, &d->cfg, d);
	if (!d->ops)
		return -EINVAL;
	d->pgsize_bitmap = d->cfg.pgsize_bitmap;
	return 0;
}

void iommu_domain_release(struct iommu_domain *d)
{
	if (d->ops)
		free_io_pgtable_ops(d->ops);
	d->ops = NULL;
}

static size_t min_pagesz(struct iommu_domain *d)
{
	return 1UL << __ffs(d->pgsize_bitmap);
}

int iommu_map(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
	      size_t size, int prot, gfp_t gfp)
{
	unsigned long orig_iova = iova;
	size_t orig_size = size;
	int ret = 0;

	if (!size || !IS_ALIGNED(iova | paddr | size, min_pagesz(d)))
		return -EINVAL;

	while (size) {
		size_t count, mapped = 0;
		size_t pgsize = iommu_pgsize(d->pgsize_bitmap, iova, paddr,
					     size, &count);

		ret = d->ops->map_pages(d->ops, iova, paddr, pgsize, count,
					prot, gfp, &mapped);
		/*
		 * A core that maps nothing and reports success (5.15 for a
		 * prot with neither READ nor WRITE) would keep the kernel's
		 * __iommu_map looping forever; the suite refuses instead.
		 */
		if (!ret && !mapped)
			ret = -EINVAL;
		size -= mapped;
		if (ret)
			break;
		iova += mapped;
		paddr += mapped;
	}

	/* The kernel unwinds a partial map so the caller sees all or nothing. */
	if (ret && orig_size != size)
		iommu_unmap(d, orig_iova, orig_size - size);
	return ret;
}

size_t iommu_unmap_fast(struct iommu_domain *d, unsigned long iova,
			size_t size, struct iommu_iotlb_gather *gather)
{
	size_t unmapped = 0;

	if (!size || !IS_ALIGNED(iova | size, min_pagesz(d)))
		return 0;

	while (unmapped < size) {
		size_t count, done;
		size_t pgsize = iommu_pgsize(d->pgsize_bitmap, iova, iova,
					     size - unmapped, &count);

		done = d->ops->unmap_pages(d->ops, iova, pgsize, count, gather);
		if (!done)
			break;
		iova += done;
		unmapped += done;
	}
	return unmapped;
}

size_t iommu_unmap(struct iommu_domain *d, unsigned long iova, size_t size)
{
	struct iommu_iotlb_gather gather;
	size_t ret;

	iommu_iotlb_gather_init(&gather);
	ret = iommu_unmap_fast(d, iova, size, &gather);
	iommu_iotlb_sync(d, &gather);
	return ret;
}

void iommu_iotlb_sync(struct iommu_domain *d, struct iommu_iotlb_gather *gather)
{
	if (d->tlb && d->tlb->ops->sync)
		d->tlb->ops->sync(d->tlb, gather);
	/* Tables parked on the gather may only go once the TLB forgot them. */
	if (!iommu_pages_list_empty(&gather->freelist))
		iommu_put_pages_list(&gather->freelist);
	iommu_iotlb_gather_init(gather);
}

void iommu_flush_iotlb_all(struct iommu_domain *d)
{
	if (d->tlb && d->tlb->ops->flush_all)
		d->tlb->ops->flush_all(d->tlb);
}

phys_addr_t iommu_iova_to_phys(struct iommu_domain *d, unsigned long iova)
{
	return d->ops->iova_to_phys(d->ops, iova);
}
