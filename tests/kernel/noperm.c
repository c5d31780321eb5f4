// SPDX-License-Identifier: GPL-2.0
/*
 * A map with neither IOMMU_READ nor IOMMU_WRITE: 5.19 and later refuse it
 * with -EINVAL; 5.15 returns 0 having mapped nothing, which a caller that
 * loops until everything is mapped (the kernel's __iommu_map, the suite's
 * IOMMU core) never leaves. The probe (CORE_F_MAP_NOPERM_EINVAL, read
 * from the tree's source) must agree with what the core does; 5.15's
 * answer is reported as a kernel finding, not a failure. Called on
 * ops->map_pages directly, never through the looping IOMMU core.
 */
#include <kcore.h>
#include <linux/sizes.h>
#include "harness.h"
#include "lib/pt.h"

TEST(kernel_map_without_permission)
{
	struct pt_cfg c = { .fmt = ARM_64_LPAE_S1, .granule = SZ_4K };
	struct io_pgtable_ops *ops;
	struct pt_domain pd;
	size_t mapped = 0;
	int ret;

	REQUIRE(pt_domain_init(&pd, &c) == 0);
	ops = pt_ops(&pd);
	ret = ops->map_pages(ops, SZ_2M, SZ_2M, SZ_4K, 1, 0, GFP_KERNEL, &mapped);
	CHECK_EQ(mapped, 0);
	CHECK_EQ(ops->iova_to_phys(ops, SZ_2M), 0);
	if (pgtable_core_has(CORE_F_MAP_NOPERM_EINVAL)) {
		CHECK_EQ(ret, -EINVAL);
	} else {
		CHECK_EQ(ret, 0);
		if (!ret)
			KERNEL_FINDING("map_pages(iova 0x200000, 4K, prot 0) returns 0 with 0 bytes mapped: "
				       "a caller mapping until done (__iommu_map) never ends");
	}
	pt_domain_release(&pd);
}
