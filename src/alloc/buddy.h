/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extras of the buddy backend (src/alloc/buddy.c) for its tests and
 * benchmarks: the arena it allocates from and the nodes that were asked
 * for. Only test-buddy and bench-buddy link them.
 */
#ifndef _ALLOC_BUDDY_H
#define _ALLOC_BUDDY_H

#include <linux/types.h>

struct buddy;

/* Slot 0: NUMA_NO_NODE; slot n: node n - 1; the last slot: that node or higher. */
#define BUDDY_NODE_SLOTS	8

struct buddy *buddy_backend_arena(void);
void buddy_backend_node_requests(u64 out[BUDDY_NODE_SLOTS]);

#endif
