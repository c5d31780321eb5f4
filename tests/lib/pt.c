// SPDX-License-Identifier: GPL-2.0
/* Domain setup and the architectural walker shared by the core's tests. */
#include <stdio.h>
#include <string.h>
#include <asm/io.h>
#include <linux/sizes.h>
#include <kcore.h>
#include "alloc/backend.h"
#include "pt.h"

int pt_domain_init(struct pt_domain *pd, const struct pt_cfg *c)
{
	struct io_pgtable_cfg cfg = { 0 };
	struct tlb_params tp = { .granule = c->granule };
	int ret;

	memset(pd, 0, sizeof(*pd));
	pd->c = *c;
	cfg.ias = c->ias ? c->ias : 48;
	/* Mali outputs at most 40 bits. */
	cfg.oas = c->oas ? c->oas : c->fmt == ARM_MALI_LPAE ? 40 : 48;
	cfg.pgsize_bitmap = pt_granule_sizes(c->granule, cfg.oas);
	cfg.quirks = c->quirks;
	cfg.coherent_walk = !c->noncoherent;
	pd->tlb = tlb_model_create(c->tlb ? c->tlb : "count", &tp);
	if (!pd->tlb)
		return -ENOMEM;
	ret = iommu_domain_init(&pd->dom, c->fmt, &cfg, pd->tlb);
	if (ret) {
		tlb_model_destroy(pd->tlb);
		pd->tlb = NULL;
	}
	return ret;
}

void pt_domain_release(struct pt_domain *pd)
{
	iommu_domain_release(&pd->dom);
	tlb_model_destroy(pd->tlb);
	pd->tlb = NULL;
}

const char *pt_backend_unusable(void)
{
	struct io_pgtable_cfg probe = { 0 };

	backend_setup_cfg(&probe);
	if (probe.alloc && !pgtable_core_has(CORE_F_CFG_ALLOC))
		return "this kernel has no cfg->alloc, the only way this backend hands out tables";
	return NULL;
}

/* ------------------------------------------------ architectural walker */

static int lvl_shift(const struct pt_hw *hw, int lvl)
{
	return hw->pg_shift + (3 - lvl) * hw->bits_per_level;
}

u64 pt_hw_block_size(const struct pt_hw *hw, int lvl)
{
	return 1ULL << lvl_shift(hw, lvl);
}

static int lvl_bits(const struct pt_hw *hw, int lvl)
{
	return lvl == hw->start_level ? hw->pgd_bits : hw->bits_per_level;
}

/* TG0 encodings (TCR and VTCR): 0 = 4K, 1 = 64K, 2 = 16K; TG1: 1 = 16K, 2 = 4K, 3 = 64K. */
static int tg_to_shift(unsigned int tg, bool tg1)
{
	static const int tg0[4] = { 12, 16, 14, -1 }, tg1s[4] = { -1, 14, 12, 16 };

	return tg1 ? tg1s[tg & 3] : tg0[tg & 3];
}

/* Mali TRANSTAB: pgd address in [47:12]; flags ADRMODE [1:0], READ_INNER 2, SHARE_OUTER 4. */
#define MALI_TRANSTAB_ADDR	GENMASK_ULL(47, 12)
#define MALI_TRANSTAB_FLAGS	(BIT_ULL(4) | BIT_ULL(2) | 3ULL)

/*
 * Mali walks four levels of 4K tables from the TRANSTAB address. The input
 * size is the GPU's (MMU_FEATURES.VA_BITS, which a driver hands the core as
 * cfg->ias): below 40 bits only the first level-0 entry is ever read.
 */
static int mali_from_cfg(struct pt_hw *hw, const struct io_pgtable_cfg *cfg)
{
	u64 tt = cfg->arm_mali_lpae_cfg.transtab;

	/* ADRMODE must be TABLE (3) with READ_INNER; nothing else outside the address. */
	if ((tt & 7) != 7 || (tt & ~(MALI_TRANSTAB_ADDR | MALI_TRANSTAB_FLAGS)))
		return -EINVAL;
	if (cfg->ias < 13 || cfg->ias > 48)
		return -EINVAL;
	hw->pg_shift = 12;
	hw->bits_per_level = 9;
	hw->start_level = 0;
	hw->ias = cfg->ias;
	hw->pgd_bits = cfg->ias > 39 ? cfg->ias - 39 : 0;
	hw->root = tt & MALI_TRANSTAB_ADDR;
	return 0;
}

int pt_hw_from_cfg(struct pt_hw *hw, enum io_pgtable_fmt fmt,
		   const struct io_pgtable_cfg *cfg, unsigned long quirks)
{
	int va_bits;

	memset(hw, 0, sizeof(*hw));
	hw->fmt = fmt;
	if (fmt == ARM_MALI_LPAE)
		return mali_from_cfg(hw, cfg);
	if (fmt == ARM_64_LPAE_S2) {
		unsigned int sl = cfg->arm_lpae_s2_cfg.vtcr.sl;

		hw->pg_shift = tg_to_shift(cfg->arm_lpae_s2_cfg.vtcr.tg, false);
		hw->ias = 64 - cfg->arm_lpae_s2_cfg.vtcr.tsz;
		hw->root = cfg->arm_lpae_s2_cfg.vttbr;
		if (hw->pg_shift < 0)
			return -EINVAL;
		/* SL0: 4K counts down from level 2, 16K/64K from level 3. */
		hw->start_level = (hw->pg_shift == 12 ? 2 : 3) - (int)sl;
	} else {
		hw->ttbr1 = quirks & IO_PGTABLE_QUIRK_ARM_TTBR1;
		hw->pg_shift = tg_to_shift(cfg->arm_lpae_s1_cfg.tcr.tg, hw->ttbr1);
		hw->ias = 64 - cfg->arm_lpae_s1_cfg.tcr.tsz;
		hw->root = cfg->arm_lpae_s1_cfg.ttbr;
		if (hw->pg_shift < 0)
			return -EINVAL;
	}
	hw->bits_per_level = hw->pg_shift - 3;
	va_bits = hw->ias - hw->pg_shift;
	if (fmt != ARM_64_LPAE_S2)
		hw->start_level = 4 - (va_bits + hw->bits_per_level - 1) / hw->bits_per_level;
	if (hw->start_level < 0 || hw->start_level > 3)
		return -EINVAL;
	hw->pgd_bits = hw->ias - lvl_shift(hw, hw->start_level);
	/* At most 16 concatenated tables, and never a level's worth too few. */
	if (hw->pgd_bits < 1 || hw->pgd_bits > hw->bits_per_level + 4)
		return -EINVAL;
	if (hw->pgd_bits > hw->bits_per_level && fmt != ARM_64_LPAE_S2)
		return -EINVAL;
	/* The root is aligned to its size (64 bytes at least). */
	if (hw->root & (((8ULL << hw->pgd_bits) > 64 ? (8ULL << hw->pgd_bits) : 64) - 1))
		return -EINVAL;
	return 0;
}

static u64 desc_oa(const struct pt_hw *hw, u64 desc)
{
	u64 pa = desc & GENMASK_ULL(47, hw->pg_shift);

	if (hw->pg_shift == 16)
		pa |= ((desc >> 12) & 0xf) << 48;
	return pa;
}

/* A level-3 leaf is a page (0b11); Mali types it as a block (0b01). */
static bool leaf3_ok(const struct pt_hw *hw, u64 desc)
{
	return (desc & 3) == (hw->fmt == ARM_MALI_LPAE ? 1 : 3);
}

int pt_hw_translate(const struct pt_hw *hw, u64 iova, struct pt_xlate *x)
{
	u64 *table = phys_to_virt(hw->root), desc;
	int lvl;

	memset(x, 0, sizeof(*x));
	for (lvl = hw->start_level; lvl < 4; lvl++) {
		u64 idx = (iova >> lvl_shift(hw, lvl)) & ((1ULL << lvl_bits(hw, lvl)) - 1);

		desc = table[idx];
		x->level = lvl;
		if (!(desc & 1))
			return -ENOENT;
		if (lvl < 3 && (desc & 3) == 3) {
			table = phys_to_virt(desc_oa(hw, desc));
			continue;
		}
		if (lvl == 3 && !leaf3_ok(hw, desc))
			return -ENOENT;		/* reserved encoding: a fault */
		x->desc = desc;
		x->size = pt_hw_block_size(hw, lvl);
		x->pa = desc_oa(hw, desc) + (iova & (x->size - 1));
		return 0;
	}
	return -ENOENT;
}

u64 *pt_hw_leaf_ptr(const struct pt_hw *hw, u64 iova)
{
	u64 *table = phys_to_virt(hw->root);
	int lvl;

	for (lvl = hw->start_level; lvl < 4; lvl++) {
		u64 *p = &table[(iova >> lvl_shift(hw, lvl)) &
				((1ULL << lvl_bits(hw, lvl)) - 1)];

		if (!(*p & 1))
			return NULL;
		if (lvl == 3 || (*p & 3) == 1)
			return p;
		table = phys_to_virt(desc_oa(hw, *p));
	}
	return NULL;
}

/* The table descriptors on the way to @iova, top first; returns how many. */
int pt_hw_table_descs(const struct pt_hw *hw, u64 iova, u64 out[4])
{
	u64 *table = phys_to_virt(hw->root), d;
	int lvl, n = 0;

	for (lvl = hw->start_level; lvl < 3; lvl++) {
		d = table[(iova >> lvl_shift(hw, lvl)) & ((1ULL << lvl_bits(hw, lvl)) - 1)];
		if ((d & 3) != 3)
			break;
		out[n++] = d;
		table = phys_to_virt(desc_oa(hw, d));
	}
	return n;
}

static void fnv(u64 *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--) {
		*h ^= *b++;
		*h *= 0x100000001b3ULL;
	}
}

/* Without FEAT_LPA2: 4K blocks at levels 1-2, 16K at 2, 64K at 2 (and 1 with FEAT_LPA). */
static bool block_level_ok(const struct pt_hw *hw, int lvl)
{
	if (lvl == 3)
		return true;
	switch (hw->pg_shift) {
	case 12: return lvl >= 1;
	case 14: return lvl == 2;
	default: return lvl >= 1;
	}
}

static void summarise(const struct pt_hw *hw, int lvl, const u64 *table,
		      struct pt_sum *s)
{
	size_t i, n = 1UL << lvl_bits(hw, lvl), bytes = n * 8;

	/* A Mali pgd is a whole page: TRANSTAB can't point anywhere else. */
	if (hw->fmt == ARM_MALI_LPAE)
		bytes = 1UL << hw->pg_shift;
	s->tables++;
	s->table_bytes += bytes < 64 ? 64 : bytes;
	fnv(&s->hash, table, n * 8);
	for (i = 0; i < n; i++) {
		u64 desc = table[i];

		if (!(desc & 1)) {
			/* Invalid entries carry nothing: the core writes zero. */
			s->bad += desc != 0;
			continue;
		}
		if (lvl < 3 && (desc & 3) == 3) {
			if (desc_oa(hw, desc) & ((1ULL << hw->pg_shift) - 1))
				s->bad++;
			summarise(hw, lvl + 1, phys_to_virt(desc_oa(hw, desc)), s);
			continue;
		}
		if ((lvl == 3 && !leaf3_ok(hw, desc)) || !block_level_ok(hw, lvl) ||
		    (desc_oa(hw, desc) & (pt_hw_block_size(hw, lvl) - 1)))
			s->bad++;
		s->leaves++;
		s->mapped += pt_hw_block_size(hw, lvl);
	}
}

void pt_hw_summary(const struct pt_hw *hw, struct pt_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->hash = 0xcbf29ce484222325ULL;
	summarise(hw, hw->start_level, phys_to_virt(hw->root), s);
}
