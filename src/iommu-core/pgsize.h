/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU core's page-size split (drivers/iommu/iommu.c's iommu_pgsize):
 * the largest page size the hardware has that fits @size and the alignment
 * of @iova and @paddr, and in @count how many of them to map in one call.
 *
 * Header-only, and written against kernel headers alone, so that the
 * user-space IOMMU core and the in-kernel twin (kmod/, built by kbuild
 * against a real kernel) split a request by the very same code.
 */
#ifndef _IOMMU_CORE_PGSIZE_H
#define _IOMMU_CORE_PGSIZE_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/types.h>

static inline size_t iommu_pgsize(unsigned long pgsize_bitmap, unsigned long iova,
				  phys_addr_t paddr, size_t size, size_t *count)
{
	unsigned long addr_merge = paddr | iova;
	unsigned long pgsizes, bigger;
	size_t pgsize, next, offset;
	unsigned int idx;

	/* Sizes the hardware has that fit in @size and in the alignment. */
	pgsizes = pgsize_bitmap & GENMASK(__fls(size), 0);
	if (likely(addr_merge))
		pgsizes &= GENMASK(__ffs(addr_merge), 0);
	BUG_ON(!pgsizes);

	idx = __fls(pgsizes);
	pgsize = BIT(idx);
	if (!count)
		return pgsize;

	/*
	 * Stop short of the next larger size's boundary when the request
	 * reaches past it, so that the next call can use the larger size;
	 * pointless if iova and paddr are offset differently within it.
	 */
	bigger = pgsize_bitmap & ~GENMASK(idx, 0);
	if (bigger) {
		next = BIT(__ffs(bigger));
		if (!((iova ^ paddr) & (next - 1))) {
			offset = next - (addr_merge & (next - 1));
			if (offset + next >= offset && offset + next <= size)
				size = offset;
		}
	}
	*count = size >> idx;
	return pgsize;
}

#endif
