/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: mirrors include/linux/bitops.h and the asm-generic/bitops/
 * helpers (fls, fls64, __ffs, __fls, hweight; no version pinned: see
 * README.md), over compiler builtins; set_bit/clear_bit are relaxed atomics.
 *
 * <linux/bitops.h>: find-bit helpers (ffs/fls/__ffs/__fls) and set/test bit.
 */
#ifndef _SHIM_LINUX_BITOPS_H
#define _SHIM_LINUX_BITOPS_H

#include <strings.h>	/* ffs() */
#include <linux/types.h>
#include <linux/bits.h>

static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline unsigned long __ffs(unsigned long x) { return __builtin_ctzl(x); }
static inline unsigned long __fls(unsigned long x) { return BITS_PER_LONG - 1 - __builtin_clzl(x); }
static inline unsigned int __ffs64(u64 x) { return __builtin_ctzll(x); }
static inline int fls_long(unsigned long x) { return x ? BITS_PER_LONG - __builtin_clzl(x) : 0; }
static inline unsigned int hweight32(u32 w) { return __builtin_popcount(w); }
static inline unsigned int hweight64(u64 w) { return __builtin_popcountll(w); }
static inline unsigned long hweight_long(unsigned long w) { return __builtin_popcountl(w); }

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}

#define for_each_set_bit(bit, addr, size) \
	for ((bit) = 0; (bit) < (size); (bit)++) if (test_bit((bit), (addr)))

#endif
