/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: mirrors include/linux/bits.h and include/vdso/bits.h (no version
 * pinned: see README.md), without GENMASK's compile-time argument checks.
 *
 * <linux/bits.h>: BIT(), GENMASK() and friends. BITS_PER_LONG is the
 * host's (64 on the x86_64 and arm64 hosts the suite builds for, as on arm64).
 */
#ifndef _SHIM_LINUX_BITS_H
#define _SHIM_LINUX_BITS_H

#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define BITS_PER_LONG_LONG	64
#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BITS_PER_BYTE		8
#define GENMASK(h, l) \
	(((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) \
	(((~0ULL) - (1ULL << (l)) + 1) & (~0ULL >> (64 - 1 - (h))))
#define GENMASK_U64(h, l)	GENMASK_ULL(h, l)

#endif
