/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page sizes by granule, and the short names of formats and sizes: decided
 * once here for both the benchmarks (bench/lib) and the tests (tests/lib).
 *
 * iommu_granule_pgsizes() is the set a table of @granule can map with, as
 * the kernel's arm_lpae_restrict_pgsizes() keeps it: 4K: 4K 2M 1G; 16K:
 * 16K 32M; 64K: 64K 512M, and 4T blocks only with an output size above 48
 * bits. iommu_fmt_name() and iommu_size_name() give the fields benchmark
 * names are made of ("s1", "4k", "2m"): results line up by these names, so
 * they never change.
 */
#ifndef _IOMMU_CORE_GEOMETRY_H
#define _IOMMU_CORE_GEOMETRY_H

#include <linux/io-pgtable.h>
#include <linux/types.h>

/* 0 for a granule the architecture does not have. */
unsigned long iommu_granule_pgsizes(size_t granule, unsigned int oas);

/* "s1", "s2", "s1-32", "s2-32", "mali"; "fmt?" for anything else. */
const char *iommu_fmt_name(enum io_pgtable_fmt fmt);

/*
 * @size in the largest unit that divides it ("4k", "2m", "1g", "64"), into
 * @buf of IOMMU_SIZE_NAME_LEN bytes.
 */
#define IOMMU_SIZE_NAME_LEN	16
const char *iommu_size_name(u64 size, char *buf);

#endif
