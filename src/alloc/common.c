// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics, fault injection and table metadata shared by every backend.
 * One mutex guards all of it: allocation is off the PTE-write fast path and
 * the kernel's allocators take locks too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include "common.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct alloc_stats stats;
static u64 fail_nth, fail_every, attempts;
/* Bumped on every PTE sync of a non-coherent walk: an atomic, not the lock. */
static u64 dma_syncs;

/* Open-addressing hash of table_meta pointers keyed by virt. */
static struct table_meta **slots;
static size_t nslots, nused, ntomb;
#define TOMB ((struct table_meta *)1)

static size_t hash_ptr(const void *p, size_t mask)
{
	u64 x = (u64)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & mask;
}

static int meta_grow(void)
{
	size_t n = nslots ? nslots * 2 : 1024, i;
	struct table_meta **old = slots, **new = calloc(n, sizeof(*new));

	if (!new)
		return -ENOMEM;
	for (i = 0; i < nslots; i++) {
		struct table_meta *m = old[i];
		size_t h;

		if (!m || m == TOMB)
			continue;
		for (h = hash_ptr(m->virt, n - 1); new[h]; h = (h + 1) & (n - 1))
			;
		new[h] = m;
	}
	slots = new;
	nslots = n;
	ntomb = 0;
	free(old);
	return 0;
}

struct table_meta *meta_insert(void *virt, size_t size)
{
	struct table_meta *m = calloc(1, sizeof(*m));
	size_t h;

	if (!m)
		return NULL;
	m->virt = virt;
	m->size = size;
	INIT_LIST_HEAD(&m->lru);
	pthread_mutex_lock(&lock);
	if ((nused + ntomb + 1) * 2 > nslots && meta_grow()) {
		pthread_mutex_unlock(&lock);
		free(m);
		return NULL;
	}
	for (h = hash_ptr(virt, nslots - 1); slots[h] && slots[h] != TOMB;
	     h = (h + 1) & (nslots - 1))
		;
	if (slots[h] == TOMB)
		ntomb--;
	slots[h] = m;
	nused++;
	pthread_mutex_unlock(&lock);
	return m;
}

static size_t meta_slot(const void *virt)
{
	size_t h;

	if (!nslots)
		return SIZE_MAX;
	for (h = hash_ptr(virt, nslots - 1); slots[h]; h = (h + 1) & (nslots - 1))
		if (slots[h] != TOMB && slots[h]->virt == virt)
			return h;
	return SIZE_MAX;
}

struct table_meta *meta_find(const void *virt)
{
	struct table_meta *m;
	size_t h;

	pthread_mutex_lock(&lock);
	h = meta_slot(virt);
	m = h == SIZE_MAX ? NULL : slots[h];
	pthread_mutex_unlock(&lock);
	return m;
}

void meta_remove(struct table_meta *m)
{
	size_t h;

	pthread_mutex_lock(&lock);
	h = meta_slot(m->virt);
	if (h != SIZE_MAX) {
		slots[h] = TOMB;
		nused--;
		ntomb++;
	}
	pthread_mutex_unlock(&lock);
	free(m);
}

size_t meta_count(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nused;
	pthread_mutex_unlock(&lock);
	return n;
}

size_t alloc_round_size(size_t size)
{
	return roundup_pow_of_two(max_t(size_t, size, 64));
}

bool alloc_fault_should_fail(void)
{
	bool fail = false;

	/* Unarmed is the benchmark case: keep the lock off the allocation path. */
	if (!__atomic_load_n(&fail_nth, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&fail_every, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&lock);
	attempts++;
	if (fail_nth && __atomic_sub_fetch(&fail_nth, 1, __ATOMIC_RELAXED) == 0)
		fail = true;
	if (fail_every && attempts % fail_every == 0)
		fail = true;
	if (fail) {
		stats.failures++;
		stats.injected++;
	}
	pthread_mutex_unlock(&lock);
	return fail;
}

void alloc_account_alloc(size_t bytes)
{
	pthread_mutex_lock(&lock);
	stats.allocs++;
	stats.bytes_held += bytes;
	stats.pages_held = DIV_ROUND_UP(stats.bytes_held, PAGE_SIZE);
	if (stats.bytes_held > stats.peak_bytes)
		stats.peak_bytes = stats.bytes_held;
	pthread_mutex_unlock(&lock);
}

void alloc_account_free(size_t bytes)
{
	pthread_mutex_lock(&lock);
	stats.frees++;
	stats.bytes_held -= bytes;
	stats.pages_held = DIV_ROUND_UP(stats.bytes_held, PAGE_SIZE);
	pthread_mutex_unlock(&lock);
}

void alloc_account_failure(void)
{
	pthread_mutex_lock(&lock);
	stats.failures++;
	pthread_mutex_unlock(&lock);
}

void alloc_account_dma_map(void)
{
	pthread_mutex_lock(&lock);
	stats.maps++;
	stats.mapped++;
	pthread_mutex_unlock(&lock);
}

void alloc_account_dma_unmap(void)
{
	pthread_mutex_lock(&lock);
	stats.unmaps++;
	stats.mapped--;
	pthread_mutex_unlock(&lock);
}

void alloc_account_dma_sync(void)
{
	__atomic_add_fetch(&dma_syncs, 1, __ATOMIC_RELAXED);
}

void backend_stats(struct alloc_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = stats;
	pthread_mutex_unlock(&lock);
	out->syncs = __atomic_load_n(&dma_syncs, __ATOMIC_RELAXED);
}

void backend_stats_reset(void)
{
	pthread_mutex_lock(&lock);
	stats.allocs = stats.frees = stats.failures = stats.injected = 0;
	stats.maps = stats.unmaps = 0;
	stats.peak_bytes = stats.bytes_held;
	__atomic_store_n(&dma_syncs, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

void backend_fail_nth(u64 nth)
{
	pthread_mutex_lock(&lock);
	__atomic_store_n(&fail_nth, nth, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

void backend_fail_every(u64 every)
{
	pthread_mutex_lock(&lock);
	__atomic_store_n(&fail_every, every, __ATOMIC_RELAXED);
	attempts = 0;
	pthread_mutex_unlock(&lock);
}

void backend_fault_clear(void)
{
	pthread_mutex_lock(&lock);
	__atomic_store_n(&fail_nth, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_every, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

/* ------------------------------------------------------------ options */

int alloc_env_mb(const char *name, unsigned long dflt, unsigned long min,
		 unsigned long max, size_t *bytes)
{
	const char *s = getenv(name);
	unsigned long mb = dflt;
	char *end;

	if (s && *s) {
		errno = 0;
		mb = strtoul(s, &end, 10);
		/* strtoul takes "-1" as ULONG_MAX: digits only. */
		if (*s < '0' || *s > '9' || *end || errno || mb < min || mb > max) {
			fprintf(stderr, "%s=%s: expected a whole number of MiB from %lu to %lu\n",
				name, s, min, max);
			return -EINVAL;
		}
	}
	*bytes = (size_t)mb << 20;
	return 0;
}
