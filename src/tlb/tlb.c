// SPDX-License-Identifier: GPL-2.0
/* The table of flush models and their life cycle. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tlb.h"

extern const struct tlb_model_ops tlb_model_count;

static const struct tlb_model_ops *const models[] = {
	&tlb_model_count,
};

static const char *names[ARRAY_SIZE(models) + 1];

const char *const *tlb_model_names(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++)
		names[i] = models[i]->name;
	return names;
}

struct tlb_model *tlb_model_create(const char *name, const struct tlb_params *p)
{
	struct tlb_model *m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++)
		if (!strcmp(models[i]->name, name))
			break;
	if (i == ARRAY_SIZE(models)) {
		errno = ENOENT;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->ops = models[i];
	if (p)
		m->params = *p;
	if (m->ops->init && m->ops->init(m)) {
		free(m);
		return NULL;
	}
	return m;
}

void tlb_model_destroy(struct tlb_model *m)
{
	if (!m)
		return;
	if (m->ops->destroy)
		m->ops->destroy(m);
	free(m);
}

void tlb_counters_reset(struct tlb_model *m)
{
	memset(&m->cnt, 0, sizeof(m->cnt));
}
