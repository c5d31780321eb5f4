/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: kmalloc/kzalloc/kcalloc/kfree over malloc/calloc/free (of the
 * gfp flags only __GFP_ZERO counts; kmalloc_array refuses an overflowing
 * size with NULL, as the kernel's does), plus the typed
 * kmalloc_obj family of include/linux/slab.h in recent kernels (the 7.0
 * snapshot uses it).
 *
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
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
#define kvzalloc			kzalloc
#define kvfree				kfree

/*
 * The typed allocators of newer kernels: kmalloc_obj(*p) or
 * kmalloc_obj(type), an optional gfp defaulting to GFP_KERNEL; the _objs
 * forms take a count, the _flex forms a flexible array member and its count.
 */
#define __shim_pick_gfp(dflt, gfp, ...)	gfp
#define default_gfp(...)	__shim_pick_gfp(0, ##__VA_ARGS__, GFP_KERNEL)
#define __shim_alloc_objs(fn, obj, n, gfp) \
	((__typeof__(obj) *)fn(sizeof(obj) * (n), gfp))
#define __shim_alloc_flex(fn, obj, fam, n, gfp) \
	((__typeof__(obj) *)fn(offsetof(__typeof__(obj), fam) + \
			       sizeof(((__typeof__(obj) *)0)->fam[0]) * (n), gfp))
#define kmalloc_obj(obj, ...)	__shim_alloc_objs(kmalloc, obj, 1, default_gfp(__VA_ARGS__))
#define kzalloc_obj(obj, ...)	__shim_alloc_objs(kzalloc, obj, 1, default_gfp(__VA_ARGS__))
#define kmalloc_objs(obj, n, ...) \
	__shim_alloc_objs(kmalloc, obj, n, default_gfp(__VA_ARGS__))
#define kzalloc_objs(obj, n, ...) \
	__shim_alloc_objs(kzalloc, obj, n, default_gfp(__VA_ARGS__))
#define kmalloc_flex(obj, fam, n, ...) \
	__shim_alloc_flex(kmalloc, obj, fam, n, default_gfp(__VA_ARGS__))
#define kzalloc_flex(obj, fam, n, ...) \
	__shim_alloc_flex(kzalloc, obj, fam, n, default_gfp(__VA_ARGS__))

#endif
