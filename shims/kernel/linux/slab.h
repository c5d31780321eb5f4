/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/slab.h>: kmalloc & co. for the core's own bookkeeping (not page
 * tables: those come from the allocator backend through iommu-pages).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
#define kmalloc_array(n, s, gfp)	kmalloc((n) * (s), gfp)
#define kvzalloc			kzalloc
#define kvfree				kfree

#endif
