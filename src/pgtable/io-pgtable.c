// SPDX-License-Identifier: GPL-2.0
/*
 * Format-independent page-table entry points: alloc_io_pgtable_ops() picks
 * the format's init functions, refuses a driver allocator the format can't
 * use, and records format and cookie; free_io_pgtable_ops() flushes the
 * whole TLB context before the tables go, as the kernel does.
 */
#include <linux/io-pgtable.h>
#include <linux/kernel.h>

static const struct io_pgtable_init_fns *const init_fns[IO_PGTABLE_NUM_FMTS] = {
	[ARM_64_LPAE_S1] = &io_pgtable_arm_64_lpae_s1_init_fns,
	[ARM_64_LPAE_S2] = &io_pgtable_arm_64_lpae_s2_init_fns,
	[ARM_MALI_LPAE] = &io_pgtable_arm_mali_lpae_init_fns,
};

/* cfg->alloc and cfg->free come as a pair, and only where the format takes them. */
static int check_custom_allocator(const struct io_pgtable_init_fns *fns,
				  const struct io_pgtable_cfg *cfg)
{
	if (!cfg->alloc && !cfg->free)
		return 0;
	if (!(fns->caps & IO_PGTABLE_CAP_CUSTOM_ALLOCATOR))
		return -EINVAL;
	if (!cfg->alloc || !cfg->free)
		return -EINVAL;
	return 0;
}

struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
					    struct io_pgtable_cfg *cfg,
					    void *cookie)
{
	const struct io_pgtable_init_fns *fns;
	struct io_pgtable *iop;

	if (fmt >= IO_PGTABLE_NUM_FMTS)
		return NULL;
	fns = init_fns[fmt];
	if (!fns || check_custom_allocator(fns, cfg))
		return NULL;

	iop = fns->alloc(cfg, cookie);
	if (!iop)
		return NULL;
	iop->fmt = fmt;
	iop->cookie = cookie;
	iop->cfg = *cfg;
	return &iop->ops;
}

void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	struct io_pgtable *iop;

	if (!ops)
		return;
	iop = io_pgtable_ops_to_pgtable(ops);
	io_pgtable_tlb_flush_all(iop);
	init_fns[iop->fmt]->free(iop);
}
