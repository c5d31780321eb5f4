/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: the flag names of include/linux/gfp_types.h with values of the
 * suite's own (not the kernel's bits). Backends ignore them (every table
 * comes zeroed); kmalloc and kunit_kmalloc_array honour __GFP_ZERO.
 *
 * <linux/gfp.h>: allocation flags and NUMA_NO_NODE.
 */
#ifndef _SHIM_LINUX_GFP_H
#define _SHIM_LINUX_GFP_H

#include <linux/types.h>

#define __GFP_DMA	0x01u
#define __GFP_HIGHMEM	0x02u
#define __GFP_DMA32	0x04u
#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define __GFP_NORETRY	0x400u
#define __GFP_COMP	0x800u
#define __GFP_ACCOUNT	0x1000u
#define GFP_ATOMIC	0x10000u
#define GFP_KERNEL	0x20000u
#define GFP_NOWAIT	0x40000u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_DMA		__GFP_DMA
#define GFP_DMA32	__GFP_DMA32
#define NUMA_NO_NODE	(-1)

static inline bool gfpflags_allow_blocking(gfp_t gfp) { return gfp & GFP_KERNEL; }

#endif
