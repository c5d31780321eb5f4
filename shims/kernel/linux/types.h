/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: u8..s64, phys_addr_t, dma_addr_t as include/linux/types.h has them
 * for arm64 (64-bit phys/dma addresses). Stubbed: gfp_t is a plain unsigned
 * int (no __bitwise), atomic_t/atomic64_t are bare counters.
 *
 * User-space stand-in for <linux/types.h>: the fixed-width kernel types,
 * phys_addr_t/dma_addr_t (always 64-bit here, as on arm64), gfp_t and bool.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

/* The UAPI types (__u64...) that system headers including <linux/types.h> expect. */
#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* As in the kernel, u64 is unsigned long long on every architecture. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef unsigned int gfp_t;
typedef unsigned long ulong;
typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;

#endif
