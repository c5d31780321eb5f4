// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's own VMSAv8-64 long-descriptor page-table core for IOMMUs:
 * formats ARM_64_LPAE_S1 and ARM_64_LPAE_S2 with 4K, 16K and 64K granules,
 * 32- to 48-bit input/output addresses (52 with the 64K granule), blocks at
 * every level the granule allows without FEAT_LPA2, and a concatenated
 * stage-2 first level where the architecture makes it mandatory; and
 * ARM_MALI_LPAE, the Mali GPU's variant (4K only, always four levels,
 * stage-2 permissions with stage-1 attributes, leaves typed as blocks at
 * every level, no AF).
 *
 * It speaks the kernel's io_pgtable API and allocates the way the reworked
 * kernel code does (iommu-pages by default, cfg->alloc/free when given,
 * incoherent walkers cleaned after every PTE run), so benchmarks measure
 * the same work. Written from the Arm ARM's descriptor rules.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <asm/barrier.h>
#include <asm/io.h>

#include "iommu-pages.h"
#include "pgtable-stats.h"

/* The CPU page size the granule choice prefers, as the kernel's PAGE_SIZE. */
#define LPAE_CPU_PAGE_SIZE	SZ_4K

#define LPAE_MAX_LEVELS		4
#define LPAE_LAST_LEVEL		(LPAE_MAX_LEVELS - 1)
#define LPAE_MAX_ADDR_BITS	52
#define LPAE_MAX_CONCAT		16	/* stage-2 initial-lookup tables */
#define LPAE_MIN_TABLE_BYTES	64	/* TTBR alignment for tiny pgds */

typedef u64 lpae_pte;

/* Descriptor type, bits [1:0]. */
#define DESC_TYPE_MASK		3ULL
#define DESC_BLOCK		1ULL	/* levels 0-2 */
#define DESC_TABLE		3ULL	/* levels 0-2 */
#define DESC_PAGE		3ULL	/* level 3 */

/* Output address: bits [47:granule shift]; 64K granule puts OA[51:48] in [15:12]. */
#define DESC_OA_MASK		GENMASK_ULL(47, 12)
#define DESC_OA_HI_SHIFT	36	/* OA[51:48] -> descriptor [15:12] */
#define DESC_OA_HI_SHIFT_BASE	48	/* OA bits from here on are folded */

/* Table descriptor attributes. */
#define DESC_NSTABLE		BIT_ULL(63)

/* Block/page descriptor attributes common to both stages. */
#define DESC_XN			(3ULL << 53)	/* S1: UXN|PXN, S2: XN[1:0] */
#define DESC_DBM		BIT_ULL(51)
#define DESC_AF			BIT_ULL(10)
#define DESC_SH_OS		(2ULL << 8)
#define DESC_SH_IS		(3ULL << 8)

/* Stage 1. */
#define DESC_S1_nG		BIT_ULL(11)
#define DESC_S1_AP_RDONLY_BIT	7		/* AP[2] */
#define DESC_S1_AP_RDONLY	BIT_ULL(DESC_S1_AP_RDONLY_BIT)
#define DESC_S1_AP_UNPRIV	BIT_ULL(6)	/* AP[1] */
#define DESC_S1_NS		BIT_ULL(5)
#define DESC_S1_ATTRIDX_SHIFT	2

/* Stage 2. */
#define DESC_S2AP_READ		BIT_ULL(6)
#define DESC_S2AP_WRITE		BIT_ULL(7)
#define DESC_S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_DEV		0x1ULL	/* Device-nGnRE (both encodings) */
#define S2_MEMATTR_NC		0x5ULL	/* Normal NC (both encodings) */
#define S2_MEMATTR_OIWB		0xfULL	/* Normal outer+inner write-back */
#define S2_MEMATTR_FWB_WB	0x6ULL	/* FWB: Normal write-back */

/*
 * Ignored by the walker in table descriptors: set once the installer has
 * cleaned a new table descriptor for a non-coherent walker, so that others
 * who find it without the bit clean it themselves before relying on it.
 */
#define DESC_SW_SYNCED		BIT_ULL(55)

/* MAIR attribute slots the stage-1 AttrIndx points at. */
#define MAIR_IDX_NC		0
#define MAIR_IDX_CACHE		1
#define MAIR_IDX_DEV		2
#define MAIR_IDX_INC_OCACHE	3
#define MAIR_ATTR_NC		0x44ULL	/* Normal, inner+outer non-cacheable */
#define MAIR_ATTR_WBRWA		0xffULL	/* Normal, inner+outer WB RW-allocate */
#define MAIR_ATTR_DEVICE	0x04ULL	/* Device-nGnRE */
#define MAIR_ATTR_INC_OWBRWA	0xf4ULL	/* Normal, inner NC, outer WB RWA */

/* Mali TRANSTAB flags (the pgd address is bits [47:12]) and MEMATTR bytes. */
#define MALI_TRANSTAB_ADRMODE_TABLE	(3ULL << 0)
#define MALI_TRANSTAB_READ_INNER	BIT_ULL(2)
#define MALI_TRANSTAB_SHARE_OUTER	BIT_ULL(4)
#define MALI_MEMATTR_IMP_DEF		0x88ULL	/* implementation-defined policy */
#define MALI_MEMATTR_WRITE_ALLOC	0x8dULL

/* TCR/VTCR field encodings. */
#define TCR_SH_OS		2
#define TCR_SH_IS		3
#define TCR_RGN_NC		0
#define TCR_RGN_WBWA		1

struct lpae_pgtable {
	struct io_pgtable iop;

	int pg_shift;		/* log2(granule) */
	int bits_per_level;	/* pg_shift - 3 */
	int start_level;
	int pgd_bits;		/* log2(entries in the pgd), concatenation included */
	size_t pgd_bytes;	/* as allocated */
	lpae_pte leaf3_type;	/* type of a level-3 leaf: PAGE, or BLOCK on Mali */
	lpae_pte *pgd;
	long held_bytes;	/* atomic: table bytes currently allocated */

	/*
	 * The geometry above per level, worked out once (init_level_geometry())
	 * rather than multiplied out on every level of every map and unmap.
	 */
	u8 shift[LPAE_MAX_LEVELS];	/* log2 of a block at each level */
	u32 idx_mask[LPAE_MAX_LEVELS];	/* entries - 1 at each level */
	s8 level_of_shift[BITS_PER_LONG]; /* level of a 1 << n block, or -1 */
};

static __thread struct pgtable_stats lpae_stats;

#define to_lpae(ops) \
	container_of(io_pgtable_ops_to_pgtable(ops), struct lpae_pgtable, iop)

/* ----------------------------------------------------------- geometry */

static inline int lvl_shift(const struct lpae_pgtable *d, int lvl)
{
	return d->shift[lvl];
}

static inline u64 block_size(const struct lpae_pgtable *d, int lvl)
{
	return 1ULL << lvl_shift(d, lvl);
}

static inline unsigned int lvl_bits(const struct lpae_pgtable *d, int lvl)
{
	return lvl == d->start_level ? d->pgd_bits : d->bits_per_level;
}

static inline unsigned int lvl_entries(const struct lpae_pgtable *d, int lvl)
{
	return 1U << lvl_bits(d, lvl);
}

static inline unsigned int lvl_idx(const struct lpae_pgtable *d,
				   unsigned long iova, int lvl)
{
	return (iova >> d->shift[lvl]) & d->idx_mask[lvl];
}

static inline size_t granule(const struct lpae_pgtable *d)
{
	return 1UL << d->pg_shift;
}

/* Bytes of the table at @lvl as allocated (the pgd: see alloc_pgd()). */
static inline size_t table_bytes(const struct lpae_pgtable *d, int lvl)
{
	return lvl == d->start_level ? d->pgd_bytes : granule(d);
}

/*
 * Entries one map/unmap call may touch from @idx on: up to the end of the
 * granule-sized table page holding it (a concatenated pgd is several), and
 * never past the end of the table itself.
 */
static inline unsigned int run_limit(const struct lpae_pgtable *d, int lvl,
				     unsigned int idx)
{
	unsigned int per_page = 1U << d->bits_per_level;
	unsigned int n = per_page - (idx & (per_page - 1));

	return min(n, lvl_entries(d, lvl) - idx);
}

/* ------------------------------------------------------- descriptors */

static inline lpae_pte leaf_type(const struct lpae_pgtable *d, int lvl)
{
	return lvl == LPAE_LAST_LEVEL ? d->leaf3_type : DESC_BLOCK;
}

static inline bool pte_is_leaf(const struct lpae_pgtable *d, lpae_pte pte, int lvl)
{
	return (pte & DESC_TYPE_MASK) == leaf_type(d, lvl);
}

static inline bool pte_is_table(lpae_pte pte, int lvl)
{
	return lvl < LPAE_LAST_LEVEL && (pte & DESC_TYPE_MASK) == DESC_TABLE;
}

static inline lpae_pte paddr_to_desc(phys_addr_t pa)
{
	/* For 4K/16K pa < 2^48 so the folded-in high bits are zero. */
	return (pa | (pa >> DESC_OA_HI_SHIFT)) & DESC_OA_MASK;
}

static inline phys_addr_t desc_to_paddr(const struct lpae_pgtable *d,
					lpae_pte pte)
{
	u64 pa = pte & DESC_OA_MASK;

	if (d->pg_shift < 16)
		return pa;
	/* 64K: bits [15:12] carry OA[51:48]; the low OA bits are zero. */
	return (pa & GENMASK_ULL(47, 16)) | ((pa & GENMASK_ULL(15, 12)) << DESC_OA_HI_SHIFT);
}

static inline lpae_pte *table_of(const struct lpae_pgtable *d, lpae_pte pte)
{
	return phys_to_virt(desc_to_paddr(d, pte));
}

/* ---------------------------------------------------- table memory */

static void *cfg_alloc_table(size_t size, gfp_t gfp, struct io_pgtable_cfg *cfg,
			     void *cookie)
{
	struct device *dev = cfg->iommu_dev;
	dma_addr_t dma;
	void *pages;

	pages = cfg->alloc(cookie, size, gfp);
	if (!pages)
		return NULL;
	if (cfg->coherent_walk)
		return pages;

	dma = dma_map_single(dev, pages, size, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		goto out_free;
	/* The walker gets physical addresses: a translating DMA layer can't work. */
	if (dma != virt_to_phys(pages))
		goto out_unmap;
	return pages;

out_unmap:
	dev_err(dev, "Cannot accommodate DMA translation for IOMMU page tables\n");
	dma_unmap_single(dev, dma, size, DMA_TO_DEVICE);
out_free:
	cfg->free(cookie, pages, size);
	return NULL;
}

static void cfg_free_table(void *pages, size_t size, struct io_pgtable_cfg *cfg,
			   void *cookie)
{
	if (!cfg->coherent_walk)
		dma_unmap_single(cfg->iommu_dev, virt_to_phys(pages), size,
				 DMA_TO_DEVICE);
	cfg->free(cookie, pages, size);
}

static void *alloc_table(struct lpae_pgtable *d, size_t size, gfp_t gfp,
			 struct io_pgtable_cfg *cfg, void *cookie)
{
	struct device *dev = cfg->iommu_dev;
	void *pages;
	int ret;

	size = max_t(size_t, size, LPAE_MIN_TABLE_BYTES);
	if (cfg->alloc) {
		pages = cfg_alloc_table(size, gfp, cfg, cookie);
	} else {
		pages = iommu_alloc_pages_node_sz(dev_to_node(dev), gfp, size);
		if (pages && !cfg->coherent_walk) {
			ret = iommu_pages_start_incoherent(pages, dev);
			if (ret) {
				if (ret == -EOPNOTSUPP)
					dev_err(dev, "Cannot accommodate DMA translation for IOMMU page tables\n");
				iommu_free_pages(pages);
				pages = NULL;
			}
		}
	}
	if (!pages)
		return NULL;

	lpae_stats.tables_allocated++;
	lpae_stats.table_bytes += size;
	__atomic_add_fetch(&d->held_bytes, (long)size, __ATOMIC_RELAXED);
	return pages;
}

static void free_table(struct lpae_pgtable *d, void *pages, size_t size)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;

	size = max_t(size_t, size, LPAE_MIN_TABLE_BYTES);
	if (cfg->free)
		cfg_free_table(pages, size, cfg, d->iop.cookie);
	else if (!cfg->coherent_walk)
		iommu_pages_free_incoherent(pages, cfg->iommu_dev);
	else
		iommu_free_pages(pages);

	lpae_stats.tables_freed++;
	lpae_stats.table_bytes -= size;
	__atomic_sub_fetch(&d->held_bytes, (long)size, __ATOMIC_RELAXED);
}

/*
 * Make @n descriptors from @table[@idx] visible to a non-coherent walker:
 * one clean for the whole run.
 */
static void sync_ptes(struct lpae_pgtable *d, lpae_pte *table,
		      unsigned int idx, unsigned int n)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;

	if (cfg->coherent_walk || !n)
		return;
	lpae_stats.pte_syncs++;
	if (cfg->alloc)
		dma_sync_single_for_device(cfg->iommu_dev,
					   virt_to_phys(&table[idx]),
					   n * sizeof(lpae_pte), DMA_TO_DEVICE);
	else
		iommu_pages_flush_incoherent(cfg->iommu_dev, table,
					     idx * sizeof(lpae_pte),
					     n * sizeof(lpae_pte));
}

static void clear_ptes(struct lpae_pgtable *d, lpae_pte *table,
		       unsigned int idx, unsigned int n)
{
	lpae_pte *ptep = table + idx;
	unsigned int i;

	for (i = 0; i < n; i++)
		WRITE_ONCE(ptep[i], 0);
	lpae_stats.pte_writes += n;
	sync_ptes(d, table, idx, n);
}

/* Free @table at @lvl and every table below it. */
static void free_subtree(struct lpae_pgtable *d, int lvl, lpae_pte *table)
{
	unsigned int i, n = lvl_entries(d, lvl);

	for (i = 0; lvl < LPAE_LAST_LEVEL && i < n; i++) {
		lpae_pte pte = table[i];

		if (pte_is_table(pte, lvl))
			free_subtree(d, lvl + 1, table_of(d, pte));
	}
	free_table(d, table, table_bytes(d, lvl));
}

static bool quiet(const struct lpae_pgtable *d)
{
	return d->iop.cfg.quirks & IO_PGTABLE_QUIRK_NO_WARN;
}

/* --------------------------------------------------------------- map */

/* Stage-1 permissions: AP[2:1], nG, and DBM for hardware dirty tracking. */
static lpae_pte s1_perms(const struct lpae_pgtable *d, int prot)
{
	lpae_pte pte = DESC_S1_nG;

	/* Read-only, or writable with the hardware tracking dirtiness. */
	if ((prot & IOMMU_READ) && !(prot & IOMMU_WRITE))
		pte |= DESC_S1_AP_RDONLY;
	else if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_HD)
		pte |= DESC_DBM;
	if (!(prot & IOMMU_PRIV))
		pte |= DESC_S1_AP_UNPRIV;
	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= DESC_S1_NS;
	return pte;
}

/* Stage-2 permissions, S2AP: what Mali uses too. */
static lpae_pte s2_perms(int prot)
{
	lpae_pte pte = 0;

	if (prot & IOMMU_READ)
		pte |= DESC_S2AP_READ;
	if (prot & IOMMU_WRITE)
		pte |= DESC_S2AP_WRITE;
	return pte;
}

/* Stage-2 MemAttr: the memory type itself, no indirection. */
static lpae_pte s2_memattr(const struct lpae_pgtable *d, int prot)
{
	u64 attr;

	if (prot & IOMMU_MMIO)
		attr = S2_MEMATTR_DEV;
	else if (prot & IOMMU_CACHE)
		attr = d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_S2FWB ?
		       S2_MEMATTR_FWB_WB : S2_MEMATTR_OIWB;
	else
		attr = S2_MEMATTR_NC;
	return attr << DESC_S2_MEMATTR_SHIFT;
}

/* Stage-1 AttrIndx into MAIR (Mali: into MEMATTR, same slots). */
static lpae_pte s1_attrindx(int prot)
{
	lpae_pte idx = MAIR_IDX_NC;

	if (prot & IOMMU_MMIO)
		idx = MAIR_IDX_DEV;
	else if (prot & IOMMU_CACHE)
		idx = MAIR_IDX_CACHE;
	return idx << DESC_S1_ATTRIDX_SHIFT;
}

/*
 * Mali takes stage-2 permissions with stage-1 attributes, is always outer
 * shareable (its "outer" is outside the GPU, whatever the walker's
 * coherency) and has no access flag.
 */
static lpae_pte prot_to_attrs(const struct lpae_pgtable *d, int prot)
{
	enum io_pgtable_fmt fmt = d->iop.fmt;
	lpae_pte pte;

	pte = fmt == ARM_64_LPAE_S1 ? s1_perms(d, prot) : s2_perms(prot);
	pte |= fmt == ARM_64_LPAE_S2 ? s2_memattr(d, prot) : s1_attrindx(prot);
	pte |= (prot & IOMMU_CACHE) && fmt != ARM_MALI_LPAE ? DESC_SH_IS : DESC_SH_OS;
	if (prot & IOMMU_NOEXEC)
		pte |= DESC_XN;
	return fmt == ARM_MALI_LPAE ? pte : pte | DESC_AF;
}

/*
 * Publish @child in the empty slot @table[@idx]. Returns 0 if it went in,
 * else whatever another thread installed first (the caller frees @child).
 */
static lpae_pte install_table(struct lpae_pgtable *d, lpae_pte *table,
			      unsigned int idx, lpae_pte *child)
{
	lpae_pte old, new;

	new = paddr_to_desc(virt_to_phys(child)) | DESC_TABLE;
	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		new |= DESC_NSTABLE;

	/* The zeroed table must be observable before the pointer to it. */
	dma_wmb();
	old = cmpxchg64_relaxed(&table[idx], 0ULL, new);
	if (!old)
		lpae_stats.pte_writes++;
	if (d->iop.cfg.coherent_walk || (old & DESC_SW_SYNCED))
		return old;

	/* Ours or not, clean it now rather than wait for its installer. */
	sync_ptes(d, table, idx, 1);
	if (!old)
		WRITE_ONCE(table[idx], new | DESC_SW_SYNCED);
	return old;
}

/*
 * A block replaces whatever next-level table is in its way, live or not:
 * 6.1, 6.12 and mainline all unmap and free the table (its leaves go with
 * it, unreported to any gather) and install the block. Only an existing
 * leaf is an overlap. The whole run is checked before anything changes, so
 * that -EEXIST leaves the tables exactly as they were (the kernel may have
 * dropped tables earlier in the run by then; we don't). @seen gets the OR
 * of the run's descriptors: the usual empty run is read only once.
 */
static int check_leaf_run(struct lpae_pgtable *d, const lpae_pte *ptep,
			  unsigned int n, int lvl, lpae_pte *seen)
{
	lpae_pte pte, any = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		pte = READ_ONCE(ptep[i]);
		if (pte && !pte_is_table(pte, lvl)) {
			WARN(!quiet(d), "io-pgtable: map over a live mapping (level %d)", lvl);
			return -EEXIST;
		}
		any |= pte;
	}
	*seen = any;
	return 0;
}

static void drop_tables(struct lpae_pgtable *d, lpae_pte *table,
			unsigned int idx, unsigned int n, int lvl,
			unsigned long iova)
{
	u64 bsz = block_size(d, lvl);
	unsigned int i;

	for (i = 0; i < n; i++) {
		lpae_pte pte = READ_ONCE(table[idx + i]);

		if (!pte)
			continue;
		clear_ptes(d, table, idx + i, 1);
		io_pgtable_tlb_flush_walk(&d->iop, iova + i * bsz, bsz, granule(d));
		free_subtree(d, lvl + 1, table_of(d, pte));
	}
}

/*
 * Write @n leaves from @pte on, each @bsz further in the output. Below
 * 2^48 (every 4K/16K address, and 64K runs that don't cross it) the
 * descriptor grows with the address, so the loop is one add and one store
 * per PTE; a 64K run crossing 2^48 folds OA[51:48] PTE by PTE.
 */
static void write_leaves(lpae_pte *ptep, unsigned int n, lpae_pte attrs,
			 phys_addr_t paddr, u64 bsz)
{
	lpae_pte pte = attrs | paddr_to_desc(paddr);
	unsigned int i;

	if (unlikely((paddr ^ (paddr + (n - 1) * bsz)) >> DESC_OA_HI_SHIFT_BASE)) {
		for (i = 0; i < n; i++)
			WRITE_ONCE(ptep[i], attrs | paddr_to_desc(paddr + i * bsz));
		return;
	}
	for (i = 0; i < n; i++, pte += bsz)
		WRITE_ONCE(ptep[i], pte);
}

static int map_leaves(struct lpae_pgtable *d, lpae_pte *table, unsigned int idx,
		      int lvl, unsigned long iova, phys_addr_t paddr,
		      size_t pgcount, lpae_pte attrs, size_t *mapped)
{
	u64 bsz = block_size(d, lvl);
	unsigned int n = min_t(size_t, pgcount, run_limit(d, lvl, idx));
	lpae_pte seen;
	int ret;

	ret = check_leaf_run(d, table + idx, n, lvl, &seen);
	if (ret)
		return ret;
	if (unlikely(seen))
		drop_tables(d, table, idx, n, lvl, iova);

	write_leaves(table + idx, n, attrs | leaf_type(d, lvl), paddr, bsz);
	lpae_stats.pte_writes += n;
	sync_ptes(d, table, idx, n);
	*mapped += n * bsz;
	return 0;
}

static int do_map(struct lpae_pgtable *d, lpae_pte *table, int lvl,
		  unsigned long iova, phys_addr_t paddr, size_t size,
		  size_t pgcount, lpae_pte attrs, gfp_t gfp, size_t *mapped)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	unsigned int idx;
	lpae_pte pte, *child;

	for (;;) {
		idx = lvl_idx(d, iova, lvl);
		if (size == block_size(d, lvl))
			return map_leaves(d, table, idx, lvl, iova, paddr,
					  pgcount, attrs, mapped);
		if (WARN_ON(lvl >= LPAE_LAST_LEVEL))
			return -EINVAL;

		pte = READ_ONCE(table[idx]);
		if (!pte) {
			child = alloc_table(d, granule(d), gfp, cfg, d->iop.cookie);
			if (!child)
				return -ENOMEM;
			pte = install_table(d, table, idx, child);
			if (pte)
				free_table(d, child, granule(d));
			else
				pte = READ_ONCE(table[idx]);
		} else if (!cfg->coherent_walk && !(pte & DESC_SW_SYNCED)) {
			sync_ptes(d, table, idx, 1);
		}

		if (!pte_is_table(pte, lvl)) {
			WARN(!quiet(d), "io-pgtable: map inside a block (level %d)", lvl);
			return -EEXIST;
		}
		table = table_of(d, pte);
		lvl++;
	}
}

/* The level whose block size is @size, or -1. */
static int size_to_level(const struct lpae_pgtable *d, size_t size)
{
	if (!size || (size & (size - 1)))
		return -1;
	return d->level_of_shift[__builtin_ctzl(size)];
}

/* Is @iova inside the input range (the top 2^ias bytes with TTBR1)? */
static bool iova_in_range(const struct lpae_pgtable *d, unsigned long iova)
{
	long ext = (s64)iova >> d->iop.cfg.ias;

	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_TTBR1)
		ext = ~ext;
	return !ext;
}

static int lpae_map_pages(struct io_pgtable_ops *ops, unsigned long iova,
			  phys_addr_t paddr, size_t pgsize, size_t pgcount,
			  int prot, gfp_t gfp, size_t *mapped)
{
	struct lpae_pgtable *d = to_lpae(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	int ret;

	/*
	 * As mainline: a page size or an address the caller could never
	 * have had is a bug in the caller and WARNs even under NO_WARN, which
	 * quiets only what a caller may probe for (overlaps, holes).
	 */
	if (WARN(!pgsize || (pgsize & cfg->pgsize_bitmap) != pgsize,
		 "io-pgtable: map of page size %#zx", pgsize))
		return -EINVAL;
	if (WARN(!iova_in_range(d, iova) || (paddr >> cfg->oas),
		 "io-pgtable: map out of range %#lx -> %#llx",
		 iova, (unsigned long long)paddr))
		return -ERANGE;
	/* The own core's stricter contract: mainline leaves these to iommu_map. */
	if (!pgcount || !IS_ALIGNED(iova | paddr, pgsize) ||
	    size_to_level(d, pgsize) < 0) {
		WARN(!quiet(d), "io-pgtable: bad map %#zx x %zu at %#lx -> %#llx",
		     pgsize, pgcount, iova, (unsigned long long)paddr);
		return -EINVAL;
	}
	/* As the kernel since 6.x: a mapping nobody may access is a caller bug. */
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;

	ret = do_map(d, d->pgd, d->start_level, iova, paddr, pgsize, pgcount,
		     prot_to_attrs(d, prot), gfp, mapped);
	/* Every PTE of this mapping is written before a walk can start for it. */
	wmb();
	return ret;
}

/* ------------------------------------------------------------- unmap */

/* A table in the way of an unmap: it goes whole, and the walk caches may hold it. */
static void unmap_table_entry(struct lpae_pgtable *d, lpae_pte *table,
			      unsigned int idx, int lvl, unsigned long iova,
			      lpae_pte pte)
{
	clear_ptes(d, table, idx, 1);
	io_pgtable_tlb_flush_walk(&d->iop, iova, block_size(d, lvl), granule(d));
	free_subtree(d, lvl + 1, table_of(d, pte));
}

static size_t unmap_run(struct lpae_pgtable *d, lpae_pte *table,
			unsigned int idx, int lvl, unsigned long iova,
			size_t pgcount, struct iommu_iotlb_gather *gather)
{
	u64 bsz = block_size(d, lvl);
	unsigned int i, j, n = min_t(size_t, pgcount, run_limit(d, lvl, idx));
	/* Type bits of a table here; none at the last level (4 matches no type). */
	lpae_pte table_type = lvl < LPAE_LAST_LEVEL ? DESC_TABLE : DESC_TYPE_MASK + 1;
	lpae_pte *ptep = table + idx;
	unsigned long va;

	for (i = 0; i < n; i++) {
		lpae_pte pte = READ_ONCE(ptep[i]);

		if (unlikely(!pte)) {
			WARN(!quiet(d), "io-pgtable: unmap of unmapped iova %#lx",
			     (unsigned long)(iova + i * bsz));
			break;
		}
		if (unlikely((pte & DESC_TYPE_MASK) == table_type))
			unmap_table_entry(d, table, idx + i, lvl, iova + i * bsz, pte);
	}
	clear_ptes(d, table, idx, i);

	if (gather && !iommu_iotlb_gather_queued(gather))
		for (j = 0, va = iova; j < i; j++, va += bsz)
			io_pgtable_tlb_add_page(&d->iop, gather, va, bsz);
	return i * bsz;
}

static size_t lpae_unmap_pages(struct io_pgtable_ops *ops, unsigned long iova,
			       size_t pgsize, size_t pgcount,
			       struct iommu_iotlb_gather *gather)
{
	struct lpae_pgtable *d = to_lpae(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	lpae_pte pte, *table = d->pgd;
	int lvl;

	/* As map: these WARN whatever the quirks. */
	if (WARN(!pgsize || (pgsize & cfg->pgsize_bitmap) != pgsize || !pgcount,
		 "io-pgtable: unmap of %#zx x %zu", pgsize, pgcount))
		return 0;
	if (WARN(!iova_in_range(d, iova), "io-pgtable: unmap out of range %#lx", iova))
		return 0;
	if (!IS_ALIGNED(iova, pgsize) || size_to_level(d, pgsize) < 0) {
		WARN(!quiet(d), "io-pgtable: bad unmap %#zx x %zu at %#lx",
		     pgsize, pgcount, iova);
		return 0;
	}

	for (lvl = d->start_level; lvl < LPAE_MAX_LEVELS; lvl++) {
		unsigned int idx = lvl_idx(d, iova, lvl);

		if (pgsize == block_size(d, lvl))
			return unmap_run(d, table, idx, lvl, iova, pgcount, gather);

		pte = READ_ONCE(table[idx]);
		if (!pte) {
			WARN(!quiet(d), "io-pgtable: unmap of unmapped iova %#lx", iova);
			return 0;
		}
		if (!pte_is_table(pte, lvl)) {
			/*
			 * As mainline: no block splitting, the caller must
			 * unmap it whole, and it WARNs even under NO_WARN.
			 */
			WARN_ONCE(1, "io-pgtable: partial unmap of a %#llx block at %#lx",
			     (unsigned long long)block_size(d, lvl), iova);
			return 0;
		}
		table = table_of(d, pte);
	}
	WARN_ON(1);
	return 0;
}

/* ---------------------------------------------------- lookup & walks */

static phys_addr_t lpae_iova_to_phys(struct io_pgtable_ops *ops,
				     unsigned long iova)
{
	struct lpae_pgtable *d = to_lpae(ops);
	lpae_pte pte, *table = d->pgd;
	int lvl;

	if (!iova_in_range(d, iova))
		return 0;
	for (lvl = d->start_level; lvl < LPAE_MAX_LEVELS; lvl++) {
		pte = READ_ONCE(table[lvl_idx(d, iova, lvl)]);
		if (!pte)
			return 0;
		if (pte_is_leaf(d, pte, lvl))
			return desc_to_paddr(d, pte) |
			       (iova & (block_size(d, lvl) - 1));
		table = table_of(d, pte);
	}
	return 0;
}

/* Fill wd->ptes[level] along the walk for @iova: 0 at a leaf, else -errno. */
static int lpae_pgtable_walk(struct io_pgtable_ops *ops, unsigned long iova,
			     void *wd)
{
	struct arm_lpae_io_pgtable_walk_data *walk = wd;
	struct lpae_pgtable *d = to_lpae(ops);
	lpae_pte pte, *table = d->pgd;
	int lvl;

	*walk = (struct arm_lpae_io_pgtable_walk_data){ 0 };
	if (!iova_in_range(d, iova))
		return -EINVAL;
	for (lvl = d->start_level; lvl < LPAE_MAX_LEVELS; lvl++) {
		pte = READ_ONCE(table[lvl_idx(d, iova, lvl)]);
		walk->ptes[lvl] = pte;
		if (!pte)
			return -ENOENT;
		if (pte_is_leaf(d, pte, lvl))
			return 0;
		table = table_of(d, pte);
	}
	return -EINVAL;
}

struct dirty_walk {
	struct iommu_dirty_bitmap *dirty;
	unsigned long flags;
};

/* Writable and written: DBM set and AP[2] clear (hardware cleared it). */
static inline bool pte_writeable_dirty(lpae_pte pte)
{
	return (pte & (DESC_DBM | DESC_S1_AP_RDONLY)) == DESC_DBM;
}

static void dirty_leaf(struct lpae_pgtable *d, lpae_pte *table,
		       unsigned int idx, unsigned long iova, u64 size,
		       struct dirty_walk *w)
{
	lpae_pte pte = READ_ONCE(table[idx]);

	if (!pte_writeable_dirty(pte))
		return;
	iommu_dirty_bitmap_record(w->dirty, iova, size);
	if (w->flags & IOMMU_DIRTY_NO_CLEAR)
		return;
	/* Atomic: the walker may be setting other bits of this descriptor. */
	__atomic_fetch_or(&table[idx], DESC_S1_AP_RDONLY, __ATOMIC_RELAXED);
	lpae_stats.pte_writes++;
	sync_ptes(d, table, idx, 1);
}

/* Visit the leaves of [iova, iova + len) below @table; holes are skipped. */
static void dirty_walk(struct lpae_pgtable *d, lpae_pte *table, int lvl,
		       unsigned long iova, u64 len, struct dirty_walk *w)
{
	u64 bsz = block_size(d, lvl);
	unsigned int idx = lvl_idx(d, iova, lvl), n = lvl_entries(d, lvl);

	while (len && idx < n) {
		u64 step = min(bsz - (iova & (bsz - 1)), len);
		lpae_pte pte = READ_ONCE(table[idx]);

		if (pte_is_table(pte, lvl))
			dirty_walk(d, table_of(d, pte), lvl + 1, iova, step, w);
		else if (pte_is_leaf(d, pte, lvl))
			dirty_leaf(d, table, idx, iova & ~(bsz - 1), bsz, w);
		iova += step;
		len -= step;
		idx++;
	}
}

static int lpae_read_and_clear_dirty(struct io_pgtable_ops *ops,
				     unsigned long iova, size_t size,
				     unsigned long flags,
				     struct iommu_dirty_bitmap *dirty)
{
	struct lpae_pgtable *d = to_lpae(ops);
	struct dirty_walk w = { .dirty = dirty, .flags = flags };

	/* Mainline's order: the size and range WARN before the format is asked. */
	if (WARN_ON(!size))
		return -EINVAL;
	if (WARN_ON(!iova_in_range(d, iova) || !iova_in_range(d, iova + size - 1)))
		return -EINVAL;
	if (d->iop.fmt != ARM_64_LPAE_S1)
		return -EINVAL;
	dirty_walk(d, d->pgd, d->start_level, iova, size, &w);
	return 0;
}

/* ------------------------------------------------------------- setup */

/* Pick the granule as the kernel does: the CPU's, else the largest smaller, else the smallest. */
static void restrict_pgsizes(struct io_pgtable_cfg *cfg)
{
	unsigned long bm = cfg->pgsize_bitmap, gran, sizes;
	unsigned long small = bm & (LPAE_CPU_PAGE_SIZE - 1);
	unsigned long large = bm & ~(LPAE_CPU_PAGE_SIZE - 1);
	unsigned int max_bits = 48;

	if (bm & LPAE_CPU_PAGE_SIZE)
		gran = LPAE_CPU_PAGE_SIZE;
	else if (small)
		gran = 1UL << __fls(small);
	else if (large)
		gran = 1UL << __ffs(large);
	else
		gran = 0;

	switch (gran) {
	case SZ_4K:
		sizes = SZ_4K | SZ_2M | SZ_1G;
		break;
	case SZ_16K:
		sizes = SZ_16K | SZ_32M;
		break;
	case SZ_64K:
		/* FEAT_LPA: 52-bit addresses and level-1 blocks, 64K only. */
		max_bits = 52;
		sizes = SZ_64K | SZ_512M;
		if (cfg->oas > 48)
			sizes |= 1UL << 42;
		break;
	default:
		sizes = 0;
	}
	cfg->pgsize_bitmap &= sizes;
	cfg->ias = min(cfg->ias, max_bits);
	cfg->oas = min(cfg->oas, max_bits);
}

static struct lpae_pgtable *lpae_alloc_common(struct io_pgtable_cfg *cfg)
{
	struct lpae_pgtable *d;
	int va_bits, levels;

	restrict_pgsizes(cfg);
	if (!(cfg->pgsize_bitmap & (SZ_4K | SZ_16K | SZ_64K)))
		return NULL;
	if (cfg->ias > LPAE_MAX_ADDR_BITS || cfg->oas > LPAE_MAX_ADDR_BITS)
		return NULL;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	d->pg_shift = __ffs(cfg->pgsize_bitmap);
	d->bits_per_level = d->pg_shift - ilog2(sizeof(lpae_pte));
	va_bits = cfg->ias - d->pg_shift;
	if (va_bits <= 0) {
		kfree(d);
		return NULL;
	}
	levels = DIV_ROUND_UP(va_bits, d->bits_per_level);
	d->start_level = LPAE_MAX_LEVELS - levels;
	d->pgd_bits = va_bits - d->bits_per_level * (levels - 1);
	d->leaf3_type = DESC_PAGE;

	d->iop.ops = (struct io_pgtable_ops) {
		.map_pages		= lpae_map_pages,
		.unmap_pages		= lpae_unmap_pages,
		.iova_to_phys		= lpae_iova_to_phys,
		.pgtable_walk		= lpae_pgtable_walk,
		.read_and_clear_dirty	= lpae_read_and_clear_dirty,
	};
	return d;
}

/* TCR.{I}PS / VTCR.PS encoding of an output size, or -1. */
static int ps_encoding(unsigned int oas)
{
	switch (oas) {
	case 32: return 0;
	case 36: return 1;
	case 40: return 2;
	case 42: return 3;
	case 44: return 4;
	case 48: return 5;
	case 52: return 6;
	default: return -1;
	}
}

/* TG0 (and VTCR.TG0) encodes 4K/64K/16K as 0/1/2; TG1 as 2/3/1. */
static unsigned int tg_encoding(size_t gran, bool tg1)
{
	switch (gran) {
	case SZ_4K:  return tg1 ? 2 : 0;
	case SZ_64K: return tg1 ? 3 : 1;
	default:     return tg1 ? 1 : 2;	/* SZ_16K */
	}
}

/* The pgd: its entries, but at least @min_bytes (and 64, see alloc_table()). */
/* Once start_level and pgd_bits are final: the per-level tables of struct lpae_pgtable. */
static void init_level_geometry(struct lpae_pgtable *d)
{
	int lvl, i;

	for (i = 0; i < BITS_PER_LONG; i++)
		d->level_of_shift[i] = -1;
	for (lvl = 0; lvl < LPAE_MAX_LEVELS; lvl++) {
		d->shift[lvl] = d->pg_shift + (LPAE_LAST_LEVEL - lvl) * d->bits_per_level;
		d->idx_mask[lvl] = (1U << lvl_bits(d, lvl)) - 1;
		if (lvl >= d->start_level && d->shift[lvl] < BITS_PER_LONG)
			d->level_of_shift[d->shift[lvl]] = lvl;
	}
}

static int alloc_pgd(struct lpae_pgtable *d, struct io_pgtable_cfg *cfg,
		     void *cookie, size_t min_bytes)
{
	init_level_geometry(d);
	d->pgd_bytes = max_t(size_t, sizeof(lpae_pte) << d->pgd_bits, min_bytes);
	d->pgd = alloc_table(d, d->pgd_bytes, GFP_KERNEL, cfg, cookie);
	if (!d->pgd)
		return -ENOMEM;
	/* The empty pgd is visible before anyone can write a TTBR with it. */
	wmb();
	return 0;
}

static struct io_pgtable *lpae_alloc_s1(struct io_pgtable_cfg *cfg, void *cookie)
{
	typeof(&cfg->arm_lpae_s1_cfg.tcr) tcr = &cfg->arm_lpae_s1_cfg.tcr;
	struct lpae_pgtable *d;
	int ips;

	if (cfg->quirks & ~(IO_PGTABLE_QUIRK_ARM_NS | IO_PGTABLE_QUIRK_ARM_TTBR1 |
			    IO_PGTABLE_QUIRK_ARM_OUTER_WBWA |
			    IO_PGTABLE_QUIRK_ARM_HD | IO_PGTABLE_QUIRK_NO_WARN))
		return NULL;
	/* Outer write-back walks only make sense for a non-coherent walker. */
	if (cfg->coherent_walk && (cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA))
		return NULL;

	d = lpae_alloc_common(cfg);
	if (!d)
		return NULL;
	ips = ps_encoding(cfg->oas);
	if (ips < 0)
		goto out_free;

	if (cfg->coherent_walk) {
		tcr->sh = TCR_SH_IS;
		tcr->irgn = TCR_RGN_WBWA;
		tcr->orgn = TCR_RGN_WBWA;
	} else {
		tcr->sh = TCR_SH_OS;
		tcr->irgn = TCR_RGN_NC;
		tcr->orgn = cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA ?
			    TCR_RGN_WBWA : TCR_RGN_NC;
	}
	tcr->tg = tg_encoding(granule(d), cfg->quirks & IO_PGTABLE_QUIRK_ARM_TTBR1);
	tcr->ips = ips;
	tcr->tsz = 64 - cfg->ias;

	cfg->arm_lpae_s1_cfg.mair =
		MAIR_ATTR_NC << (8 * MAIR_IDX_NC) |
		MAIR_ATTR_WBRWA << (8 * MAIR_IDX_CACHE) |
		MAIR_ATTR_DEVICE << (8 * MAIR_IDX_DEV) |
		MAIR_ATTR_INC_OWBRWA << (8 * MAIR_IDX_INC_OCACHE);

	if (alloc_pgd(d, cfg, cookie, 0))
		goto out_free;
	cfg->arm_lpae_s1_cfg.ttbr = virt_to_phys(d->pgd);
	return &d->iop;

out_free:
	kfree(d);
	return NULL;
}

/* VTCR.SL0 for a start level: 4K counts from level 2 upwards, 16K/64K from level 3. */
static unsigned int sl0_encoding(const struct lpae_pgtable *d)
{
	int base = d->pg_shift == 12 ? 2 : 3;

	return base - d->start_level;
}

/*
 * Must the stage-2 initial lookup start one level further down, on
 * concatenated tables? Only where the architecture leaves no choice (Arm
 * DDI0487 K.a), as mainline reads it; elsewhere concatenation would be
 * allowed but is not used (6.12 and older used it whenever a level-0 start
 * had at most 16 entries). R_DXBSH: a 48-bit input with the 16K granule
 * can't start at level 0 without FEAT_LPA2. R_SRKBC: the start level must
 * suit the output size in VTCR.PS: 4K with 40 or 42 bits starts at level
 * 1 rather than 0, 16K with 40 bits at level 2 rather than 1.
 */
static bool s2_concat_mandatory(const struct lpae_pgtable *d,
				const struct io_pgtable_cfg *cfg)
{
	size_t gran = granule(d);

	if (gran == SZ_16K && d->start_level == 0)
		return cfg->oas == 48 || cfg->ias == 48;
	if (gran == SZ_4K && d->start_level == 0)
		return cfg->oas == 40 || cfg->oas == 42;
	return gran == SZ_16K && d->start_level == 1 && cfg->oas == 40;
}

static struct io_pgtable *lpae_alloc_s2(struct io_pgtable_cfg *cfg, void *cookie)
{
	typeof(&cfg->arm_lpae_s2_cfg.vtcr) vtcr = &cfg->arm_lpae_s2_cfg.vtcr;
	struct lpae_pgtable *d;
	int ps;

	if (cfg->quirks & ~(IO_PGTABLE_QUIRK_ARM_S2FWB | IO_PGTABLE_QUIRK_NO_WARN))
		return NULL;

	d = lpae_alloc_common(cfg);
	if (!d)
		return NULL;

	if (s2_concat_mandatory(d, cfg)) {
		/* More than 16 tables: no VTCR can describe this walk. */
		if (WARN_ON((1U << d->pgd_bits) > LPAE_MAX_CONCAT))
			goto out_free;
		d->pgd_bits += d->bits_per_level;
		d->start_level++;
	}
	/* SL0 encodes a level-0 start for 4K only (16K needs FEAT_LPA2). */
	if (d->start_level == 0 && d->pg_shift != 12)
		goto out_free;

	ps = ps_encoding(cfg->oas);
	if (ps < 0)
		goto out_free;

	if (cfg->coherent_walk) {
		vtcr->sh = TCR_SH_IS;
		vtcr->irgn = TCR_RGN_WBWA;
		vtcr->orgn = TCR_RGN_WBWA;
	} else {
		vtcr->sh = TCR_SH_OS;
		vtcr->irgn = TCR_RGN_NC;
		vtcr->orgn = TCR_RGN_NC;
	}
	vtcr->tg = tg_encoding(granule(d), false);
	vtcr->ps = ps;
	vtcr->tsz = 64 - cfg->ias;
	vtcr->sl = sl0_encoding(d);

	if (alloc_pgd(d, cfg, cookie, 0))
		goto out_free;
	cfg->arm_lpae_s2_cfg.vttbr = virt_to_phys(d->pgd);
	return &d->iop;

out_free:
	kfree(d);
	return NULL;
}

/*
 * Mali: 4K only, input up to 48 bits and output up to 40, no quirks. The
 * walk always starts at level 0; with fewer than 40 input bits its pgd has
 * one entry (as the kernel sets it up). TRANSTAB holds the pgd address in
 * bits [47:12], so the pgd takes a whole granule whatever its entries.
 */
static struct io_pgtable *lpae_alloc_mali(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct lpae_pgtable *d;
	u64 transtab;

	if (cfg->quirks || cfg->ias > 48 || cfg->oas > 40)
		return NULL;
	cfg->pgsize_bitmap &= SZ_4K | SZ_2M | SZ_1G;

	d = lpae_alloc_common(cfg);
	if (!d)
		return NULL;
	d->leaf3_type = DESC_BLOCK;
	if (d->start_level > 0) {
		d->start_level = 0;
		d->pgd_bits = 0;
	}

	cfg->arm_mali_lpae_cfg.memattr =
		MALI_MEMATTR_IMP_DEF << (8 * MAIR_IDX_NC) |
		MALI_MEMATTR_WRITE_ALLOC << (8 * MAIR_IDX_CACHE) |
		MALI_MEMATTR_IMP_DEF << (8 * MAIR_IDX_DEV);

	if (alloc_pgd(d, cfg, cookie, granule(d))) {
		kfree(d);
		return NULL;
	}
	transtab = virt_to_phys(d->pgd) | MALI_TRANSTAB_READ_INNER |
		   MALI_TRANSTAB_ADRMODE_TABLE;
	if (cfg->coherent_walk)
		transtab |= MALI_TRANSTAB_SHARE_OUTER;
	cfg->arm_mali_lpae_cfg.transtab = transtab;
	return &d->iop;
}

static void lpae_free(struct io_pgtable *iop)
{
	struct lpae_pgtable *d = container_of(iop, struct lpae_pgtable, iop);

	free_subtree(d, d->start_level, d->pgd);
	kfree(d);
}

struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s1_init_fns = {
	.caps	= IO_PGTABLE_CAP_CUSTOM_ALLOCATOR,
	.alloc	= lpae_alloc_s1,
	.free	= lpae_free,
};

struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s2_init_fns = {
	.caps	= IO_PGTABLE_CAP_CUSTOM_ALLOCATOR,
	.alloc	= lpae_alloc_s2,
	.free	= lpae_free,
};

struct io_pgtable_init_fns io_pgtable_arm_mali_lpae_init_fns = {
	.caps	= IO_PGTABLE_CAP_CUSTOM_ALLOCATOR,
	.alloc	= lpae_alloc_mali,
	.free	= lpae_free,
};

/* ------------------------------------------------------------- stats */

void pgtable_stats_get(struct pgtable_stats *out)
{
	*out = lpae_stats;
}

void pgtable_stats_reset(void)
{
	lpae_stats = (struct pgtable_stats){ 0 };
}

size_t pgtable_held_bytes(struct io_pgtable_ops *ops)
{
	return __atomic_load_n(&to_lpae(ops)->held_bytes, __ATOMIC_RELAXED);
}
