// SPDX-License-Identifier: GPL-2.0
/*
 * The checking TLB (see shadow.h): a hardware-style table walker over the
 * VMSAv8-64 descriptor formats, a small cache of what it read, and the
 * architecture's eviction rules for TLB invalidations.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io-pgtable.h>
#include <asm/io.h>
#include "shadow.h"

#define SHADOW_ENTRIES	128

struct shadow_entry {
	unsigned long iova;	/* start of the span the descriptor maps */
	u64 desc;		/* descriptor as read */
	const u64 *ptep;	/* where it was read; compared, never read again */
	u16 asid, vmid;
	u8 stage, level, gshift, shift;
	bool leaf, valid;
};

struct tlb_shadow {
	pthread_mutex_t lock;
	unsigned int nr, victim;
	int nvalid;		/* read unlocked: benchmarks never fill */
	struct tlb_shadow_stats st;
	struct shadow_entry e[];
};

struct tlb_shadow *tlb_shadow_create(unsigned int entries)
{
	struct tlb_shadow *s;

	if (!entries)
		entries = SHADOW_ENTRIES;
	s = calloc(1, sizeof(*s) + entries * sizeof(s->e[0]));
	if (!s)
		return NULL;
	s->nr = entries;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void tlb_shadow_destroy(struct tlb_shadow *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ------------------------------------------------------------ the walker */

#define DESC_VALID	BIT_ULL(0)
#define DESC_TABLE	BIT_ULL(1)	/* table at levels 0-2, page at level 3 */
#define DESC_ADDR	GENMASK_ULL(47, 12)

static u64 read_desc(const u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Where the walk starts and how big the input space is, from TCR/VTCR. */
static int walk_setup(const struct tlb_table *t, struct tlb_walk *w, u64 *root)
{
	const struct io_pgtable_cfg *cfg = t->cfg;
	unsigned int bpl, tsz, levels;

	if (!cfg->pgsize_bitmap || (cfg->quirks & IO_PGTABLE_QUIRK_ARM_TTBR1))
		return -EINVAL;
	w->gshift = __ffs(cfg->pgsize_bitmap);
	if (w->gshift != 12 && w->gshift != 14 && w->gshift != 16)
		return -EINVAL;
	bpl = w->gshift - 3;

	switch (t->fmt) {
	case ARM_64_LPAE_S1:
		tsz = cfg->arm_lpae_s1_cfg.tcr.tsz;
		w->ias = tsz ? 64 - tsz : cfg->ias;
		levels = DIV_ROUND_UP(w->ias - w->gshift, bpl);
		if (levels < 1 || levels > 4)
			return -EINVAL;
		w->start = 4 - levels;
		*root = cfg->arm_lpae_s1_cfg.ttbr;
		break;
	case ARM_64_LPAE_S2:
		tsz = cfg->arm_lpae_s2_cfg.vtcr.tsz;
		w->ias = tsz ? 64 - tsz : cfg->ias;
		/* VTCR.SL0 counts back from level 2 (4K) or level 3 (16K/64K). */
		w->start = (w->gshift == 12 ? 2 : 3) - (int)cfg->arm_lpae_s2_cfg.vtcr.sl;
		if (w->start > 3)
			return -EINVAL;
		*root = cfg->arm_lpae_s2_cfg.vttbr;
		break;
	default:
		return -EINVAL;
	}
	if (w->ias < w->gshift || w->ias > 48)
		return -EINVAL;
	*root &= GENMASK_ULL(47, 1);
	return 0;
}

int tlb_hw_walk(const struct tlb_table *t, unsigned long iova, struct tlb_walk *w)
{
	unsigned int lvl, shift, bits;
	const u64 *table;
	u64 root, desc;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = walk_setup(t, w, &root);
	if (ret)
		return ret;
	if (w->ias < BITS_PER_LONG && (iova >> w->ias))
		return -ENOENT;

	table = phys_to_virt(root);
	for (lvl = w->start; lvl < 4; lvl++) {
		shift = tlb_level_shift(w->gshift, lvl);
		/* The first level may be concatenated: it takes all remaining bits. */
		bits = lvl == w->start ? w->ias - shift : w->gshift - 3;
		w->ptep[lvl] = &table[(iova >> shift) & ((1UL << bits) - 1)];
		desc = read_desc(w->ptep[lvl]);
		w->desc[lvl] = desc;
		if (!(desc & DESC_VALID))
			return -ENOENT;
		if (lvl == 3)
			return (desc & DESC_TABLE) ? 3 : -ENOENT;
		if (!(desc & DESC_TABLE))
			return lvl;
		table = phys_to_virt(desc & DESC_ADDR & GENMASK_ULL(47, w->gshift));
	}
	return -ENOENT;
}

/* --------------------------------------------------------------- entries */

static void model_tag(struct tlb_model *m, u8 *stage, u16 *asid, u16 *vmid)
{
	*stage = m->stage2 ? 2 : 1;
	*asid = m->stage2 ? 0 : m->params.asid;
	*vmid = m->stage2 ? m->params.vmid : 0;
}

static bool entry_covers(const struct shadow_entry *e, unsigned long iova)
{
	return iova - e->iova <= (1UL << e->shift) - 1;
}

static struct shadow_entry *find(struct tlb_shadow *s, u8 stage, u16 asid,
				 u16 vmid, unsigned long iova, int level)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		struct shadow_entry *e = &s->e[i];

		if (!e->valid || e->stage != stage || e->asid != asid ||
		    e->vmid != vmid || !entry_covers(e, iova))
			continue;
		if (level < 0 ? e->leaf : e->level == level)
			return e;
	}
	return NULL;
}

static struct shadow_entry *slot(struct tlb_shadow *s)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (!s->e[i].valid)
			return &s->e[i];
	/* Full: evict round-robin, as hardware may evict at any time. */
	s->st.evictions++;
	s->victim = (s->victim + 1) % s->nr;
	return &s->e[s->victim];
}

static void fill(struct tlb_shadow *s, struct tlb_model *m,
		 const struct tlb_walk *w, unsigned long iova, unsigned int lvl,
		 bool leaf)
{
	struct shadow_entry *e;
	u8 stage;
	u16 asid, vmid;

	model_tag(m, &stage, &asid, &vmid);
	e = find(s, stage, asid, vmid, iova, lvl);
	if (!e)
		e = slot(s);
	if (!e->valid)
		__atomic_add_fetch(&s->nvalid, 1, __ATOMIC_RELAXED);
	e->shift = tlb_level_shift(w->gshift, lvl);
	e->iova = iova & ~((1UL << e->shift) - 1);
	e->desc = w->desc[lvl];
	e->ptep = w->ptep[lvl];
	e->stage = stage;
	e->asid = asid;
	e->vmid = vmid;
	e->level = lvl;
	e->gshift = w->gshift;
	e->leaf = leaf;
	e->valid = true;
	s->st.fills++;
}

static phys_addr_t leaf_out(u64 desc, unsigned int shift, unsigned long iova)
{
	return (desc & DESC_ADDR & GENMASK_ULL(47, shift)) |
	       (iova & ((1UL << shift) - 1));
}

phys_addr_t tlb_model_lookup(struct tlb_model *m, struct iommu_domain *d,
			     unsigned long iova)
{
	struct tlb_shadow *s = m->shadow;
	struct io_pgtable_ops *ops;
	struct shadow_entry *e;
	struct tlb_walk w;
	phys_addr_t phys = 0;
	unsigned int lvl;
	u8 stage;
	u16 asid, vmid;
	int leaf;

	tlb_bind(m, d);
	model_tag(m, &stage, &asid, &vmid);
	pthread_mutex_lock(&s->lock);
	e = find(s, stage, asid, vmid, iova, -1);
	if (e) {
		s->st.hits++;
		phys = leaf_out(e->desc, e->shift, iova);
		goto out;
	}
	s->st.misses++;
	leaf = tlb_hw_walk(&m->table, iova, &w);
	if (leaf < 0) {
		s->st.faults++;
		goto out;
	}
	phys = leaf_out(w.desc[leaf], tlb_level_shift(w.gshift, leaf), iova);
	/* The core's own idea of the translation must agree with the walk. */
	ops = m->table.ops;
	if (ops && ops->iova_to_phys && ops->iova_to_phys(ops, iova) != phys)
		s->st.walk_mismatch++;
	for (lvl = w.start; lvl <= (unsigned int)leaf; lvl++)
		fill(s, m, &w, iova, lvl, lvl == (unsigned int)leaf);
out:
	pthread_mutex_unlock(&s->lock);
	return phys;
}

size_t tlb_model_stale(struct tlb_model *m, struct iommu_domain *d,
		       struct tlb_stale *out, size_t max)
{
	struct tlb_shadow *s = m->shadow;
	struct tlb_walk w;
	size_t n = 0;
	unsigned int i;

	tlb_bind(m, d);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr; i++) {
		struct shadow_entry *e = &s->e[i];

		if (!e->valid)
			continue;
		tlb_hw_walk(&m->table, e->iova, &w);
		/* Same descriptor at the same place: the entry is still true. */
		if (w.ptep[e->level] == e->ptep && w.desc[e->level] == e->desc)
			continue;
		if (out && n < max)
			out[n] = (struct tlb_stale) {
				.iova = e->iova, .level = e->level,
				.leaf = e->leaf, .cached = e->desc,
				.now = w.ptep[e->level] ? w.desc[e->level] : 0,
			};
		n++;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

void tlb_model_shadow_clear(struct tlb_model *m)
{
	struct tlb_shadow *s = m->shadow;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr; i++)
		s->e[i].valid = false;
	__atomic_store_n(&s->nvalid, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->lock);
}

void tlb_shadow_stats(struct tlb_model *m, struct tlb_shadow_stats *out)
{
	pthread_mutex_lock(&m->shadow->lock);
	*out = m->shadow->st;
	pthread_mutex_unlock(&m->shadow->lock);
}

/* ---------------------------------------------------------- invalidation */

static bool va_match(const struct tlb_inv *inv, const struct shadow_entry *e)
{
	unsigned long last = e->iova + ((1UL << e->shift) - 1);

	if (e->stage != inv->stage || e->vmid != inv->vmid ||
	    (inv->stage == 1 && e->asid != inv->asid))
		return false;
	if (inv->leaf && !e->leaf)
		return false;
	if (inv->tg_shift && e->gshift != inv->tg_shift)
		return false;
	/* TTL names the leaves' level; table entries above it still go. */
	if (inv->ttl && (e->leaf ? e->level != inv->ttl : e->level >= inv->ttl))
		return false;
	return e->iova <= inv->last && inv->start <= last;
}

static bool inv_match(const struct tlb_inv *inv, const struct shadow_entry *e)
{
	switch (inv->scope) {
	case TLB_INV_ALL:
		return true;
	case TLB_INV_VMALL:
		return e->vmid == inv->vmid;
	case TLB_INV_ASID:
		return e->stage == 1 && e->asid == inv->asid &&
		       e->vmid == inv->vmid;
	case TLB_INV_VA:
		return va_match(inv, e);
	}
	return false;
}

void tlb_shadow_inv(struct tlb_shadow *s, const struct tlb_inv *inv)
{
	unsigned int i;

	/*
	 * Nothing cached (every benchmark): skip the lock. Entries are only
	 * added by lookups, which happen before the invalidation that
	 * follows them in the same thread, or before the command carrying it
	 * was published to the SMMUv3 consumer.
	 */
	if (!__atomic_load_n(&s->nvalid, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr; i++) {
		if (s->e[i].valid && inv_match(inv, &s->e[i])) {
			s->e[i].valid = false;
			__atomic_sub_fetch(&s->nvalid, 1, __ATOMIC_RELAXED);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

void tlb_shadow_inv_range(struct tlb_model *m, unsigned long iova,
			  size_t size, bool leaf)
{
	struct tlb_inv inv = {
		.scope = TLB_INV_VA, .leaf = leaf,
		.start = iova, .last = iova + size - 1,
	};

	if (!size)
		return;
	model_tag(m, &inv.stage, &inv.asid, &inv.vmid);
	tlb_shadow_inv(m->shadow, &inv);
}

void tlb_shadow_inv_ctx(struct tlb_model *m)
{
	struct tlb_inv inv = { .scope = TLB_INV_ASID };

	model_tag(m, &inv.stage, &inv.asid, &inv.vmid);
	if (m->stage2)
		inv.scope = TLB_INV_VMALL;
	tlb_shadow_inv(m->shadow, &inv);
}
