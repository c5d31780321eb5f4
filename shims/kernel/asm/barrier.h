/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: the instruction behind each barrier mirrors the kernel's
 * arch/arm64/include/asm/barrier.h and arch/x86/include/asm/barrier.h (no
 * version pinned: see README.md). Changed for the suite: other hosts get C11
 * fences, and smp_store_release/smp_load_acquire are __atomic builtins.
 *
 * <asm/barrier.h>: the kernel's barriers mapped to the host's real ones.
 * dma_wmb() orders normal-memory writes before a device (here: the table
 * walker) can observe them: DMB OSHST on arm64, a compiler barrier on x86
 * (TSO), a release fence elsewhere. Barriers that the cache-maintenance
 * code issues are counted there, not here.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

#if defined(__aarch64__)
#define mb()		__asm__ __volatile__("dsb sy" ::: "memory")
#define rmb()		__asm__ __volatile__("dsb ld" ::: "memory")
#define wmb()		__asm__ __volatile__("dsb st" ::: "memory")
#define dma_mb()	__asm__ __volatile__("dmb osh" ::: "memory")
#define dma_rmb()	__asm__ __volatile__("dmb oshld" ::: "memory")
#define dma_wmb()	__asm__ __volatile__("dmb oshst" ::: "memory")
#define smp_mb()	__asm__ __volatile__("dmb ish" ::: "memory")
#define smp_rmb()	__asm__ __volatile__("dmb ishld" ::: "memory")
#define smp_wmb()	__asm__ __volatile__("dmb ishst" ::: "memory")
#elif defined(__x86_64__)
#define mb()		__asm__ __volatile__("mfence" ::: "memory")
#define rmb()		__asm__ __volatile__("lfence" ::: "memory")
#define wmb()		__asm__ __volatile__("sfence" ::: "memory")
#define dma_mb()	mb()
#define dma_rmb()	__asm__ __volatile__("" ::: "memory")
#define dma_wmb()	__asm__ __volatile__("" ::: "memory")
#define smp_mb()	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()	__asm__ __volatile__("" ::: "memory")
#define smp_wmb()	__asm__ __volatile__("" ::: "memory")
#else
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_mb()	mb()
#define dma_rmb()	rmb()
#define dma_wmb()	wmb()
#define smp_mb()	mb()
#define smp_rmb()	rmb()
#define smp_wmb()	wmb()
#endif
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif
