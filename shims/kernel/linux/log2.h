/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: ilog2, is_power_of_2, roundup/rounddown_pow_of_two and
 * order_base_2 mirror include/linux/log2.h (no version pinned: see
 * README.md); ilog2 is the runtime form only (ilog2(0) is undefined here).
 *
 * <linux/log2.h>: ilog2, is_power_of_2, roundup_pow_of_two, order_base_2.
 */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <linux/bitops.h>

#define ilog2(n)	((int)(63 - __builtin_clzll((unsigned long long)(n))))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << fls_long(n - 1);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (fls_long(n) - 1);
}

#define order_base_2(n)	((n) > 1 ? ilog2((n) - 1) + 1 : 0)

#endif
