// SPDX-License-Identifier: GPL-2.0
/* Sorted-array interval map: binary search, memmove on change. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "refmodel.h"

void ref_init(struct ref_model *r)
{
	memset(r, 0, sizeof(*r));
}

void ref_destroy(struct ref_model *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

size_t ref_find(const struct ref_model *r, u64 iova)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ref_leaf *l = &r->v[mid];

		if (l->iova + l->size - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool ref_overlaps(const struct ref_model *r, u64 iova, u64 size)
{
	size_t i = ref_find(r, iova);

	return i < r->n && r->v[i].iova <= iova + size - 1;
}

int ref_insert(struct ref_model *r, u64 iova, u64 paddr, u64 size, int prot)
{
	size_t i;

	if (ref_overlaps(r, iova, size))
		return -EEXIST;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct ref_leaf *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	i = ref_find(r, iova);
	memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof(*r->v));
	r->v[i] = (struct ref_leaf){ iova, size, paddr, prot };
	r->n++;
	r->bytes += size;
	return 0;
}

static void ref_delete(struct ref_model *r, size_t i, size_t count)
{
	size_t k;

	if (!count)
		return;	/* an empty model has no array to move */
	for (k = i; k < i + count; k++)
		r->bytes -= r->v[k].size;
	memmove(&r->v[i], &r->v[i + count], (r->n - i - count) * sizeof(*r->v));
	r->n -= count;
}

int ref_remove_leaf(struct ref_model *r, u64 iova, u64 size)
{
	size_t i = ref_find(r, iova);

	if (i == r->n || r->v[i].iova != iova || r->v[i].size != size)
		return -ENOENT;
	ref_delete(r, i, 1);
	return 0;
}

u64 ref_remove_range(struct ref_model *r, u64 iova, u64 size)
{
	size_t i = ref_find(r, iova), j;
	u64 end = iova + size - 1, bytes = r->bytes;

	while (i < r->n && r->v[i].iova < iova)
		i++;
	for (j = i; j < r->n && r->v[j].iova + r->v[j].size - 1 <= end; j++)
		;
	ref_delete(r, i, j - i);
	return bytes - r->bytes;
}

const struct ref_leaf *ref_lookup(const struct ref_model *r, u64 iova)
{
	size_t i = ref_find(r, iova);

	if (i < r->n && r->v[i].iova <= iova)
		return &r->v[i];
	return NULL;
}

u64 ref_translate(const struct ref_model *r, u64 iova)
{
	const struct ref_leaf *l = ref_lookup(r, iova);

	return l ? l->paddr + (iova - l->iova) : 0;
}
