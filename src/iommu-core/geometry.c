// SPDX-License-Identifier: GPL-2.0
/*
 * Page sizes by granule and the names of formats and sizes, shared by the
 * benchmarks and the tests (geometry.h says what each promises).
 */
#include <stdio.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include "geometry.h"

const char *iommu_fmt_name(enum io_pgtable_fmt fmt)
{
	switch (fmt) {
	case ARM_64_LPAE_S1:
		return "s1";
	case ARM_64_LPAE_S2:
		return "s2";
	case ARM_32_LPAE_S1:
		return "s1-32";
	case ARM_32_LPAE_S2:
		return "s2-32";
	case ARM_MALI_LPAE:
		return "mali";
	default:
		return "fmt?";
	}
}

const char *iommu_size_name(u64 size, char *buf)
{
	static const struct {
		unsigned long long unit;
		char c;
	} units[] = {
		{ 1ULL << 50, 'p' }, { 1ULL << 40, 't' }, { SZ_1G, 'g' },
		{ SZ_1M, 'm' }, { SZ_1K, 'k' },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (size >= units[i].unit && !(size % units[i].unit)) {
			snprintf(buf, IOMMU_SIZE_NAME_LEN, "%llu%c",
				 (unsigned long long)(size / units[i].unit), units[i].c);
			return buf;
		}
	}
	snprintf(buf, IOMMU_SIZE_NAME_LEN, "%llu", (unsigned long long)size);
	return buf;
}
