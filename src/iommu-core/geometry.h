/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page sizes by granule, and the short names of formats and sizes: decided
 * once here for both the benchmarks (bench/lib) and the tests (tests/lib).
 *
 * iommu_granule_pgsizes() is the set a table of @granule can map with
 * (iommu-core/pgsize.h, header-only for the kernel module's sake).
 * iommu_fmt_name() and iommu_size_name() give the fields benchmark
 * names are made of ("s1", "4k", "2m"): results line up by these names, so
 * they never change.
 */
#ifndef _IOMMU_CORE_GEOMETRY_H
#define _IOMMU_CORE_GEOMETRY_H

#include <linux/io-pgtable.h>
#include <linux/types.h>
#include "iommu-core/pgsize.h"

/* "s1", "s2", "s1-32", "s2-32", "mali"; "fmt?" for anything else. */
const char *iommu_fmt_name(enum io_pgtable_fmt fmt);

/*
 * @size in the largest unit that divides it ("4k", "2m", "1g", "64"), into
 * @buf of IOMMU_SIZE_NAME_LEN bytes.
 */
#define IOMMU_SIZE_NAME_LEN	16
const char *iommu_size_name(u64 size, char *buf);

#endif
