/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: ALIGN, round_up, DIV_ROUND_UP, upper/lower_32_bits, container_of
 * and the U*_MAX limits mirror include/linux/{align,math,wordpart,
 * container_of,limits}.h (no version pinned: see README.md), without type
 * checks. Stubbed: might_sleep() and cond_resched() do nothing.
 *
 * <linux/kernel.h>: the grab-bag the kernel's C expects everywhere —
 * min/max, ALIGN, container_of, ARRAY_SIZE, DIV_ROUND_UP — plus the
 * headers that the real one drags in (printk, bug, types, compiler).
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <limits.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/minmax.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __ALIGN_MASK(x, m)	(((x) + (m)) & ~(m))
#define ALIGN(x, a)		__ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PTR_ALIGN(p, a)		((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define round_up(x, y)		((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((__typeof__(x))((y) - 1)))
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define U64_MAX			((u64)~0ULL)
#define U32_MAX			((u32)~0U)
#define S64_MAX			((s64)(U64_MAX >> 1))
#define SIZE_MAX_SHIM		((size_t)~(size_t)0)
#define might_sleep()		do { } while (0)
#define cond_resched()		do { } while (0)

#endif
