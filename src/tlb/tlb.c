// SPDX-License-Identifier: GPL-2.0
/* The table of flush models and their life cycle. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "shadow.h"
#include "tlb.h"

extern const struct tlb_model_ops tlb_model_count;
extern const struct tlb_model_ops tlb_model_strict_page;
extern const struct tlb_model_ops tlb_model_range;
extern const struct tlb_model_ops tlb_model_flush_all;
extern const struct tlb_model_ops tlb_model_deferred;
extern const struct tlb_model_ops tlb_model_smmuv3;

static const struct tlb_model_ops *const models[] = {
	&tlb_model_count,
	&tlb_model_strict_page,
	&tlb_model_range,
	&tlb_model_flush_all,
	&tlb_model_deferred,
	&tlb_model_smmuv3,
};
static const char *names[ARRAY_SIZE(models) + 1];

const char *const *tlb_model_names(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++)
		names[i] = models[i]->name;
	names[i] = NULL;
	return names;
}

static void set_defaults(struct tlb_params *p)
{
	if (!p->cmdq_shift)
		p->cmdq_shift = 8;
	if (!p->asid)
		p->asid = 1;
	if (!p->vmid)
		p->vmid = 1;
}

struct tlb_model *tlb_model_create_ops(const struct tlb_model_ops *ops,
				       const struct tlb_params *p)
{
	struct tlb_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->ops = ops;
	if (p)
		m->params = *p;
	set_defaults(&m->params);
	m->gran = m->params.granule;
	m->shadow = tlb_shadow_create(0);
	if (!m->shadow)
		goto fail;
	if (m->ops->init && m->ops->init(m))
		goto fail;
	return m;
fail:
	tlb_shadow_destroy(m->shadow);
	free(m);
	return NULL;
}

struct tlb_model *tlb_model_create(const char *name, const struct tlb_params *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++)
		if (!strcmp(models[i]->name, name))
			return tlb_model_create_ops(models[i], p);
	errno = ENOENT;
	return NULL;
}

void tlb_model_destroy(struct tlb_model *m)
{
	if (!m)
		return;
	if (m->ops->destroy)
		m->ops->destroy(m);
	tlb_shadow_destroy(m->shadow);
	free(m);
}

void tlb_counters_reset(struct tlb_model *m)
{
	memset(&m->cnt, 0, sizeof(m->cnt));
}

void tlb_bind(struct tlb_model *m, void *cookie)
{
	struct tlb_table *t = &m->table;

	if (!cookie || (m->domain == cookie && t->ops))
		return;
	m->domain = cookie;
	iommu_cookie_table(cookie, t);
	m->stage2 = t->fmt == ARM_64_LPAE_S2 || t->fmt == ARM_32_LPAE_S2;
	/* The table's real granule wins over what the caller guessed. */
	if (t->cfg->pgsize_bitmap)
		m->gran = 1UL << __ffs(t->cfg->pgsize_bitmap);
	if (!m->gran)
		m->gran = 4096;
}

struct tlb_model *tlb_model_bound(void *cookie)
{
	struct tlb_model *m = iommu_cookie_tlb(cookie);

	tlb_bind(m, cookie);
	return m;
}

void tlb_flush_ctx_sync(struct tlb_model *m)
{
	m->cnt.flush_all++;
	m->cnt.cmds++;
	m->cnt.hw_sync++;
	tlb_shadow_inv_ctx(m);
}
