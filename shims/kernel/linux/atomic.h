/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: the cmpxchg/xchg/atomic_t subset the cores use, over GCC/Clang
 * __atomic builtins rather than the kernel's arch code. Changed for the
 * suite under ThreadSanitizer only: cmpxchg64_relaxed is acquire/release.
 *
 * <linux/atomic.h>: atomics and cmpxchg over GCC/Clang __atomic builtins.
 * cmpxchg64_relaxed is what io-pgtable-arm installs new tables with.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>

#define __shim_cmpxchg(ptr, old, new, mo) ({				\
	__typeof__(*(ptr)) __old = (old);				\
	__atomic_compare_exchange_n((ptr), &__old, (new), false,	\
				    (mo), __ATOMIC_RELAXED);		\
	__old;								\
})
#define cmpxchg(ptr, o, n)		__shim_cmpxchg(ptr, o, n, __ATOMIC_SEQ_CST)
#define cmpxchg_relaxed(ptr, o, n)	__shim_cmpxchg(ptr, o, n, __ATOMIC_RELAXED)
#define cmpxchg64(ptr, o, n)		__shim_cmpxchg(ptr, o, n, __ATOMIC_SEQ_CST)
#ifdef SHIM_TSAN	/* see READ_ONCE in <linux/compiler.h>: publishing is a release */
#define cmpxchg64_relaxed(ptr, o, n)	__shim_cmpxchg(ptr, o, n, __ATOMIC_ACQ_REL)
#else
#define cmpxchg64_relaxed(ptr, o, n)	__shim_cmpxchg(ptr, o, n, __ATOMIC_RELAXED)
#endif
#define try_cmpxchg64_relaxed(ptr, po, n) \
	__atomic_compare_exchange_n((ptr), (po), (n), false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)
#define xchg_relaxed(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_RELAXED)
#define xchg(ptr, v)		__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

#define ATOMIC_INIT(i)		{ (i) }
#define atomic_read(v)		__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_inc(v)		((void)__atomic_fetch_add(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_dec(v)		((void)__atomic_fetch_sub(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_add(i, v)	((void)__atomic_fetch_add(&(v)->counter, (i), __ATOMIC_RELAXED))
#define atomic_sub(i, v)	((void)__atomic_fetch_sub(&(v)->counter, (i), __ATOMIC_RELAXED))
#define atomic_inc_return(v)	__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_return(v)	__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_and_test(v)	(atomic_dec_return(v) == 0)
#define atomic64_read		atomic_read
#define atomic64_set		atomic_set
#define atomic64_inc		atomic_inc
#define atomic64_add		atomic_add

#endif
