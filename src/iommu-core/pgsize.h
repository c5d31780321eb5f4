/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU core's page sizes: the set a table of each granule can map with
 * (iommu_granule_pgsizes), and the split of a request into them
 * (iommu_pgsize, drivers/iommu/iommu.c's): the largest page size that fits
 * @size and the alignment of @iova and @paddr, and in @count how many of
 * them to map in one call.
 *
 * Header-only, and written against kernel headers alone, so that the
 * user-space IOMMU core, the benchmarks, the tests and the in-kernel twin
 * (kmod/, built by kbuild against a real kernel) decide by the same code.
 */
#ifndef _IOMMU_CORE_PGSIZE_H
#define _IOMMU_CORE_PGSIZE_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * As the kernel's arm_lpae_restrict_pgsizes() keeps them: 4K: 4K 2M 1G;
 * 16K: 16K 32M; 64K: 64K 512M, and 4T blocks only with an output size above
 * 48 bits. 0 for a granule the architecture does not have.
 */
static inline unsigned long iommu_granule_pgsizes(size_t granule, unsigned int oas)
{
	switch (granule) {
	case SZ_4K:
		return SZ_4K | SZ_2M | SZ_1G;
	case SZ_16K:
		return SZ_16K | SZ_32M;
	case SZ_64K:
		return SZ_64K | SZ_512M | (oas > 48 ? 1UL << 42 : 0);
	}
	return 0;
}

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
