// SPDX-License-Identifier: GPL-2.0
/*
 * One map_pages/unmap_pages call touches at most the entries left in the
 * granule-sized table page that holds its first entry, as the kernel's
 * ARM_LPAE_PTES_PER_TABLE limit does: a stage-2 table whose first level is
 * concatenated (two 4K pages of 512 entries at IPA 40 bits) must not let
 * a run of blocks continue from the last entry of one page into the next.
 * The caller (the IOMMU core) loops for the rest.
 */
#include <kcore.h>
#include <linux/io-pgtable.h>
#include <linux/sizes.h>
#include "iommu-core/iommu-core.h"
#include "tlb/tlb.h"
#include "harness.h"

#define IPA_BITS	40

static int s2_domain(struct iommu_domain *d, struct tlb_model **tlb)
{
	struct io_pgtable_cfg cfg = { 0 };
	struct tlb_params tp = { .granule = SZ_4K };

	*tlb = tlb_model_create("count", &tp);
	if (!*tlb)
		return -ENOMEM;
	cfg.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	cfg.ias = IPA_BITS;
	cfg.oas = IPA_BITS;
	cfg.coherent_walk = true;
	return iommu_domain_init(d, ARM_64_LPAE_S2, &cfg, *tlb);
}

TEST(pgtable_run_stops_at_concatenated_page_end)
{
	unsigned long last = 511UL * SZ_1G;	/* last entry of the first page */
	struct iommu_iotlb_gather g;
	struct io_pgtable_ops *ops;
	struct iommu_domain d;
	struct tlb_model *tlb;
	size_t mapped = 0;

	if (s2_domain(&d, &tlb))
		SKIP("this core refuses a 40-bit stage-2 domain with 1G blocks");
	ops = d.ops;
	CHECK_EQ(ops->map_pages(ops, last, 0x40000000UL, SZ_1G, 2,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL, &mapped), 0);
	CHECK_EQ(mapped, SZ_1G);
	CHECK_EQ(ops->iova_to_phys(ops, last), 0x40000000UL);
	CHECK_EQ(ops->iova_to_phys(ops, last + SZ_1G), 0);

	/* Unmap stops at the same place: only the first block goes. */
	mapped = 0;
	CHECK_EQ(ops->map_pages(ops, last + SZ_1G, 0x80000000UL, SZ_1G, 1,
				IOMMU_READ, GFP_KERNEL, &mapped), 0);
	/*
	 * 5.15 limits a run to entries-per-table-page minus the index into
	 * the whole concatenated pgd: past its first page that is not
	 * positive, and the call "succeeds" having mapped nothing.
	 */
	if (mapped != SZ_1G && !pgtable_core_is_own()) {
		KERNEL_FINDING("map_pages(%#lx, 1G x 1) on a concatenated stage-2 pgd returned 0 having mapped %#zx bytes: past the pgd's first table page the run limit (entries per table page - index) is not positive",
			       last + SZ_1G, mapped);
		goto out;
	}
	CHECK_EQ(mapped, SZ_1G);
	iommu_iotlb_gather_init(&g);
	CHECK_EQ(ops->unmap_pages(ops, last, SZ_1G, 2, &g), SZ_1G);
	iommu_iotlb_sync(&d, &g);
	CHECK_EQ(ops->iova_to_phys(ops, last + SZ_1G), 0x80000000UL);
out:
	iommu_domain_release(&d);
	tlb_model_destroy(tlb);
}
