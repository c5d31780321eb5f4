/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: attributes, likely/unlikely, READ_ONCE/WRITE_ONCE and BUILD_BUG_ON
 * mirror include/linux/compiler.h, compiler_types.h, compiler_attributes.h
 * and build_bug.h (no version pinned: see README.md); section markers
 * (__init, __rcu...) are stubbed to nothing. Changed for the suite under
 * ThreadSanitizer only: READ_ONCE/WRITE_ONCE are acquire/release atomics.
 *
 * <linux/compiler.h>: branch hints, READ_ONCE/WRITE_ONCE as volatile
 * accesses (same single-copy semantics the kernel relies on), attributes.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __must_check		__attribute__((__warn_unused_result__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __init
#define __exit
#define __initdata
#define __ro_after_init
#define __rcu
#define __iomem
#define __force
#define __user
#define __cold			__attribute__((__cold__))
#define fallthrough		__attribute__((__fallthrough__))
#define __counted_by(m)
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)
#define barrier()		__asm__ __volatile__("" ::: "memory")

#if !defined(__SANITIZE_THREAD__) && defined(__has_feature)
#if __has_feature(thread_sanitizer)	/* clang's spelling */
#define __SANITIZE_THREAD__	1
#endif
#endif
#ifdef __SANITIZE_THREAD__
/*
 * ThreadSanitizer knows neither volatile single-copy atomicity nor the
 * address-dependency ordering that makes a table published by cmpxchg safe
 * to walk: model them as acquire/release atomics (stronger, never weaker)
 * so that it reports real races only. Scalars only, as the core uses them.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELEASE)
#define SHIM_TSAN		1
#else
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)
#endif

#define __same_type(a, b)	__builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define BUILD_BUG_ON(cond)	((void)sizeof(char[1 - 2 * !!(cond)]))
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int : (-!!(e)); })))
#define static_assert(e, ...)	_Static_assert(e, #e)

#endif
