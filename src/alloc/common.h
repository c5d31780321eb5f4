/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bookkeeping for allocator backends: statistics, fault injection and
 * per-table metadata (size, incoherent state, pages-list link) keyed by
 * virtual address. Backends call these; nothing else should.
 */
#ifndef _ALLOC_COMMON_H
#define _ALLOC_COMMON_H

#include <linux/list.h>
#include <linux/types.h>
#include "backend.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

struct table_meta {
	void *virt;
	size_t size;		/* allocated size (power of two, >= request) */
	bool incoherent;	/* started with iommu_pages_start_incoherent */
	dma_addr_t dma;
	struct list_head lru;	/* link on an iommu_pages_list */
};

/*
 * A size in MiB from environment variable @name: @dflt when unset or empty,
 * else a whole decimal number in [@min, @max]. 0 and the size in bytes in
 * *@bytes, or -EINVAL after one line on stderr naming the variable.
 */
int alloc_env_mb(const char *name, unsigned long dflt, unsigned long min,
		 unsigned long max, size_t *bytes);

/* True if this allocation must fail (injected); counts it as a failure. */
bool alloc_fault_should_fail(void);
void alloc_account_alloc(size_t bytes);
void alloc_account_free(size_t bytes);
void alloc_account_failure(void);
/* A table mapped for / unmapped from a non-coherent walker; a range clean. */
void alloc_account_dma_map(void);
void alloc_account_dma_unmap(void);
void alloc_account_dma_sync(void);

/* Metadata: insert on allocation, find/remove on free. Thread-safe. */
struct table_meta *meta_insert(void *virt, size_t size);
struct table_meta *meta_find(const void *virt);
void meta_remove(struct table_meta *m);
size_t meta_count(void);

/* Power-of-two size >= max(size, 64) that iommu-pages rounds a request to. */
size_t alloc_round_size(size_t size);

#endif
