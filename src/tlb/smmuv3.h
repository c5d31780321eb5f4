/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated SMMUv3 command queue: command encodings (SMMUv3
 * architecture, section 4 "Commands"), the queue index arithmetic, and
 * the consumer-side statistics of the "smmuv3" flush model.
 *
 * A command is 16 bytes, two little-endian 64-bit words. The queue is a
 * power-of-two ring whose PROD and CONS indexes carry one wrap bit above
 * the index bits: equal indexes with equal wrap bits mean empty, with
 * different wrap bits full.
 */
#ifndef _TLB_SMMUV3_H
#define _TLB_SMMUV3_H

#include <linux/bits.h>
#include <linux/types.h>
#include "tlb.h"

#define CMDQ_OP_TLBI_NH_ALL	0x10
#define CMDQ_OP_TLBI_NH_ASID	0x11
#define CMDQ_OP_TLBI_NH_VA	0x12
#define CMDQ_OP_TLBI_S12_VMALL	0x28
#define CMDQ_OP_TLBI_S2_IPA	0x2a
#define CMDQ_OP_TLBI_NSNH_ALL	0x30
#define CMDQ_OP_SYNC		0x46

/* Word 0 */
#define CMDQ_0_OP		GENMASK_ULL(7, 0)
#define CMDQ_TLBI_0_NUM		GENMASK_ULL(16, 12)
#define CMDQ_TLBI_0_SCALE	GENMASK_ULL(24, 20)
#define CMDQ_TLBI_0_VMID	GENMASK_ULL(47, 32)
#define CMDQ_TLBI_0_ASID	GENMASK_ULL(63, 48)
#define CMDQ_SYNC_0_CS		GENMASK_ULL(13, 12)
#define CMDQ_SYNC_0_MSH		GENMASK_ULL(23, 22)
#define CMDQ_SYNC_0_MSIATTR	GENMASK_ULL(27, 24)
#define CMDQ_SYNC_0_MSIDATA	GENMASK_ULL(63, 32)
/* Word 1 */
#define CMDQ_TLBI_1_LEAF	BIT_ULL(0)
#define CMDQ_TLBI_1_TTL		GENMASK_ULL(9, 8)
#define CMDQ_TLBI_1_TG		GENMASK_ULL(11, 10)
#define CMDQ_TLBI_1_VA		GENMASK_ULL(63, 12)
#define CMDQ_TLBI_1_IPA		GENMASK_ULL(51, 12)
#define CMDQ_SYNC_1_MSIADDR	GENMASK_ULL(51, 2)

#define CMDQ_SYNC_CS_NONE	0
#define CMDQ_SYNC_CS_IRQ	1	/* with an MSI address: MSI write */
#define CMDQ_SYNC_CS_SEV	2

#define CMDQ_RANGE_NUM_MAX	32	/* NUM + 1 */
#define CMDQ_RANGE_SCALE_MAX	31

struct smmu_cmd {
	u8 op;
	u16 asid, vmid;
	bool leaf;
	u8 ttl, tg;		/* TG: 0 none, 1 4K, 2 16K, 3 64K */
	u8 num, scale;		/* range: (num + 1) << scale granules */
	u64 addr;		/* VA, IPA, or the MSI address for CMD_SYNC */
	u8 cs;			/* CMD_SYNC */
	u32 msidata;
};

void smmu_cmd_encode(const struct smmu_cmd *c, u64 ent[2]);
/* 0, or -EINVAL for an opcode the emulated SMMU does not implement. */
int smmu_cmd_decode(const u64 ent[2], struct smmu_cmd *c);

/* TG for a granule of 1 << @gshift (12, 14, 16); TTL for a leaf of @leaf_size. */
static inline u8 smmu_tg(unsigned int gshift)
{
	return (gshift - 10) / 2;
}

u8 smmu_ttl(unsigned int gshift, size_t leaf_size);

/*
 * Split [iova, iova + size) into the fewest range commands of granule
 * 1 << @gshift (size a multiple of it): each takes the lowest set bit of
 * the remaining granule count as SCALE and the five bits above as NUM.
 * Fills up to @max commands from @tmpl and returns how many were needed.
 */
unsigned int smmu_range_split(const struct smmu_cmd *tmpl, unsigned long iova,
			      size_t size, unsigned int gshift,
			      struct smmu_cmd *out, unsigned int max);
/* Bytes a decoded TLBI covers: the range, or 0 for a single address. */
u64 smmu_cmd_span(const struct smmu_cmd *c);

/* Queue indexes: @shift index bits, one wrap bit above them. */
static inline u32 cmdq_inc(u32 p, unsigned int shift)
{
	return (p + 1) & ((2U << shift) - 1);
}

static inline bool cmdq_full(u32 prod, u32 cons, unsigned int shift)
{
	return ((prod ^ cons) & ((2U << shift) - 1)) == (1U << shift);
}

static inline bool cmdq_empty(u32 prod, u32 cons, unsigned int shift)
{
	return ((prod ^ cons) & ((2U << shift) - 1)) == 0;
}

static inline u32 cmdq_idx(u32 p, unsigned int shift)
{
	return p & ((1U << shift) - 1);
}

/* What the emulated SMMU consumed, for an smmuv3 model. */
struct smmuv3_stats {
	u64 consumed;		/* commands executed, CMD_SYNC included */
	u64 syncs;		/* CMD_SYNCs completed */
	u64 cerror;		/* commands it could not execute (CERROR_ILL) */
	u64 busy_ns;		/* time spent on per_cmd_ns */
	u32 prod, cons;		/* current indexes */
	unsigned int shift;
};
/* -EINVAL if @m is not an smmuv3 model. Consistent after a sync. */
int smmuv3_stats(struct tlb_model *m, struct smmuv3_stats *out);

/*
 * Test hooks: stop the consumer from taking commands (so that the queue
 * fills) and let it go again. Commands issued meanwhile wait, and a sync
 * would wait forever: only for tests of the queue itself.
 */
void smmuv3_pause(struct tlb_model *m, bool pause);
/* Issue one raw command (no sync) as the driver's queue would. */
void smmuv3_issue(struct tlb_model *m, const struct smmu_cmd *c);
/* Issue CMD_SYNC and wait for its completion. */
void smmuv3_sync(struct tlb_model *m);

#endif
