/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: kernel-internal names a tree's io-pgtable files use that no
 * other shim provides (PAGE_SHIFT/PAGE_SIZE for 4K pages, EXPORT_SYMBOL as
 * nothing, VM_BUG_ON as BUG_ON, get_order, set_dev_node), plus <kfeatures.h>.
 *
 * Force-included (-include) first into every file compiled from a kernel
 * tree (make KSRC=): the few kernel-internal names that the tree's
 * io-pgtable files use beyond what shims/kernel's headers provide, for
 * every version the suite supports. Version-specific allocation APIs live
 * in pages-<api>.h, which the Makefile force-includes after this one.
 */
#ifndef _SHIM_KVER_KCOMPAT_H
#define _SHIM_KVER_KCOMPAT_H

#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/init.h>
#include <asm/io.h>	/* virt_to_phys/__pa/__va: <linux/dma-mapping.h> pulls it in */
#include <kfeatures.h>	/* generated for this tree into its build directory */

/* The suite models arm64 with 4K pages, the common (and Debian) config. */
#ifndef PAGE_SHIFT
#define PAGE_SHIFT	12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#endif

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define VM_BUG_ON(cond)		BUG_ON(cond)

/* Allocation order of a size: smallest n with PAGE_SIZE << n >= size. */
static inline int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0 : fls_long((size - 1) >> PAGE_SHIFT);
}

static inline void set_dev_node(struct device *dev, int node)
{
	dev->numa_node = node;
}

#endif
