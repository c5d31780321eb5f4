/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: adds nothing of its own; force-included so that
 * the shim iommu-pages.h, not the tree's, serves a mainline-API tree.
 *
 * Table memory for a tree whose core uses current mainline's iommu-pages
 * API (iommu_alloc_pages_node_sz, iommu_pages_*_incoherent): exactly the
 * suite's default shims/kernel/iommu-pages.h.
 *
 * Why force-include at all: io-pgtable-arm.c says #include "iommu-pages.h"
 * with quotes, so the compiler looks in the tree's own drivers/iommu/
 * first and would find the kernel's header, which reaches into struct
 * page and folios. Including the shim here, before the file is read,
 * defines the header's include guard (__IOMMU_PAGES_H, the same name the
 * kernel's uses), so the tree's copy expands to nothing.
 */
#include "iommu-pages.h"
