/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extras of the hyp backend (src/alloc/hyp.c) for its tests: the carve-out
 * pool and its fixed phys - virt offset. Only test-hyp and bench-hyp link them.
 */
#ifndef _ALLOC_HYP_H
#define _ALLOC_HYP_H

#include <linux/types.h>

struct buddy;

struct buddy *hyp_backend_pool(void);
/* phys = virt + offset for every byte of the carve-out. */
s64 hyp_backend_physvirt_offset(void);

#endif
