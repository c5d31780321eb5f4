// SPDX-License-Identifier: GPL-2.0
/*
 * "smmuv3" flush model: an emulated SMMUv3 command queue.
 *
 * The driver side (the thread calling the flush ops) writes 16-byte
 * commands into a ring in memory and publishes its PROD index, as
 * arm-smmu-v3 does: CMD_TLBI_NH_VA (stage 1, with ASID) or
 * CMD_TLBI_S2_IPA (stage 2, with VMID) per granule, or as range commands
 * (TG, SCALE, NUM, with the TTL level hint for leaves) when
 * params.range_inv says the SMMU has range invalidation;
 * CMD_TLBI_NH_ASID / CMD_TLBI_S12_VMALL for the whole context; and a
 * CMD_SYNC after each batch. The CMD_SYNC asks for an MSI write of a
 * sequence number to a completion word (CS=SIG_IRQ with MSIAddress, the
 * way Linux polls without interrupts), which the producer polls.
 *
 * The SMMU side is a second thread that consumes commands in order,
 * spends params.per_cmd_ns on each (busy-waiting on a monotonic clock),
 * decodes them and evicts the matching entries of the model's checking
 * TLB, so a wrong encoding shows up as a stale translation. When the
 * queue is full the producer waits (counted); the consumer spins briefly
 * when idle, then sleeps until the producer rings it. It is started in
 * init and joined in destroy.
 */
#define _GNU_SOURCE	/* sched_getcpu, pthread_setaffinity_np */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <asm/barrier.h>
#include <linux/bitfield.h>
#include "shadow.h"
#include "smmuv3.h"
#include "tlb.h"

#define CMDQ_BATCH	64	/* commands written before PROD is published */
#define IDLE_SPIN_NS	20000	/* consumer spins this long before sleeping */
#define POLL_YIELD_NS	5000	/* producer polls this long, then yields the CPU
				   (a loaded machine may not be running the SMMU) */

struct smmuv3 {
	struct tlb_model *m;
	u64 *ring;
	unsigned int shift;

	/* Shared indexes and the completion word, on their own lines. */
	u32 prod __attribute__((aligned(64)));
	u32 cons __attribute__((aligned(64)));
	u32 sync_word __attribute__((aligned(64)));

	/* Producer side, under plock. */
	pthread_mutex_t plock;
	u32 lprod;
	unsigned int batched;
	u32 sync_seq;

	/* Consumer side. */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int sleeping, stop, paused;
	struct smmuv3_stats st;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static u32 load_acq(const u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------ encodings */

void smmu_cmd_encode(const struct smmu_cmd *c, u64 ent[2])
{
	ent[0] = FIELD_PREP(CMDQ_0_OP, c->op);
	ent[1] = 0;
	switch (c->op) {
	case CMDQ_OP_TLBI_NH_VA:
	case CMDQ_OP_TLBI_S2_IPA:
		ent[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, c->num) |
			  FIELD_PREP(CMDQ_TLBI_0_SCALE, c->scale);
		ent[1] |= (c->leaf ? CMDQ_TLBI_1_LEAF : 0) |
			  FIELD_PREP(CMDQ_TLBI_1_TTL, c->ttl) |
			  FIELD_PREP(CMDQ_TLBI_1_TG, c->tg) |
			  (c->addr & (c->op == CMDQ_OP_TLBI_NH_VA ?
				      CMDQ_TLBI_1_VA : CMDQ_TLBI_1_IPA));
		fallthrough;
	case CMDQ_OP_TLBI_NH_ASID:
	case CMDQ_OP_TLBI_S12_VMALL:
		ent[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, c->vmid);
		if (c->op != CMDQ_OP_TLBI_S12_VMALL &&
		    c->op != CMDQ_OP_TLBI_S2_IPA)
			ent[0] |= FIELD_PREP(CMDQ_TLBI_0_ASID, c->asid);
		break;
	case CMDQ_OP_SYNC:
		/* Inner Shareable, Inner/Outer Write-Back: a normal memory write. */
		ent[0] |= FIELD_PREP(CMDQ_SYNC_0_CS, c->cs) |
			  FIELD_PREP(CMDQ_SYNC_0_MSH, 3) |
			  FIELD_PREP(CMDQ_SYNC_0_MSIATTR, 0xf) |
			  FIELD_PREP(CMDQ_SYNC_0_MSIDATA, c->msidata);
		ent[1] |= c->addr & CMDQ_SYNC_1_MSIADDR;
		break;
	}
}

int smmu_cmd_decode(const u64 ent[2], struct smmu_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = FIELD_GET(CMDQ_0_OP, ent[0]);
	switch (c->op) {
	case CMDQ_OP_TLBI_NH_VA:
	case CMDQ_OP_TLBI_S2_IPA:
		c->num = FIELD_GET(CMDQ_TLBI_0_NUM, ent[0]);
		c->scale = FIELD_GET(CMDQ_TLBI_0_SCALE, ent[0]);
		c->leaf = ent[1] & CMDQ_TLBI_1_LEAF;
		c->ttl = FIELD_GET(CMDQ_TLBI_1_TTL, ent[1]);
		c->tg = FIELD_GET(CMDQ_TLBI_1_TG, ent[1]);
		c->addr = ent[1] & (c->op == CMDQ_OP_TLBI_NH_VA ?
				    CMDQ_TLBI_1_VA : CMDQ_TLBI_1_IPA);
		fallthrough;
	case CMDQ_OP_TLBI_NH_ASID:
	case CMDQ_OP_TLBI_S12_VMALL:
		c->vmid = FIELD_GET(CMDQ_TLBI_0_VMID, ent[0]);
		if (c->op != CMDQ_OP_TLBI_S12_VMALL &&
		    c->op != CMDQ_OP_TLBI_S2_IPA)
			c->asid = FIELD_GET(CMDQ_TLBI_0_ASID, ent[0]);
		return 0;
	case CMDQ_OP_TLBI_NH_ALL:
	case CMDQ_OP_TLBI_NSNH_ALL:
		return 0;
	case CMDQ_OP_SYNC:
		c->cs = FIELD_GET(CMDQ_SYNC_0_CS, ent[0]);
		c->msidata = FIELD_GET(CMDQ_SYNC_0_MSIDATA, ent[0]);
		c->addr = ent[1] & CMDQ_SYNC_1_MSIADDR;
		return 0;
	}
	return -EINVAL;
}

u8 smmu_ttl(unsigned int gshift, size_t leaf_size)
{
	/* Level 3 holds granule-sized leaves; each level up, gshift - 3 bits more. */
	return 4 - (ilog2(leaf_size) - 3) / (gshift - 3);
}

unsigned int smmu_range_split(const struct smmu_cmd *tmpl, unsigned long iova,
			      size_t size, unsigned int gshift,
			      struct smmu_cmd *out, unsigned int max)
{
	unsigned long pages = size >> gshift;
	unsigned int n = 0, scale, num;

	while (pages) {
		scale = __ffs(pages);
		num = (pages >> scale) & (CMDQ_RANGE_NUM_MAX - 1);
		/* num is odd: the lowest set bit is bit 0 of it. */
		if (scale > CMDQ_RANGE_SCALE_MAX) {
			/* Beyond what SCALE can say (8 TiB of 4K): largest steps. */
			scale = CMDQ_RANGE_SCALE_MAX;
			num = min_t(unsigned long, CMDQ_RANGE_NUM_MAX,
				    pages >> scale);
		}
		if (n < max) {
			out[n] = *tmpl;
			out[n].tg = smmu_tg(gshift);
			out[n].scale = scale;
			out[n].num = num - 1;
			out[n].addr = iova;
		}
		n++;
		iova += (unsigned long)num << (scale + gshift);
		pages -= (unsigned long)num << scale;
	}
	return n;
}

u64 smmu_cmd_span(const struct smmu_cmd *c)
{
	if (!c->tg)
		return 0;
	return ((u64)c->num + 1) << (c->scale + 10 + 2 * c->tg);
}

/* ------------------------------------------------------------- consumer */

static void spend(struct smmuv3 *s, u64 ns)
{
	u64 t0 = now_ns();

	while (now_ns() - t0 < ns)
		cpu_relax();
	s->st.busy_ns += now_ns() - t0;
}

static void execute_tlbi(struct smmuv3 *s, const struct smmu_cmd *c)
{
	struct tlb_inv inv = {
		.scope = TLB_INV_VA, .leaf = c->leaf,
		.asid = c->asid, .vmid = c->vmid,
		.start = c->addr, .last = c->addr,
	};

	inv.stage = c->op == CMDQ_OP_TLBI_S2_IPA ? 2 : 1;
	if (c->tg) {
		inv.tg_shift = 10 + 2 * c->tg;
		inv.ttl = c->ttl;
		inv.last = c->addr + smmu_cmd_span(c) - 1;
	}
	tlb_shadow_inv(s->m->shadow, &inv);
}

static void execute(struct smmuv3 *s, const u64 *ent)
{
	struct tlb_inv inv = { 0 };
	struct smmu_cmd c;

	if (s->m->params.per_cmd_ns)
		spend(s, s->m->params.per_cmd_ns);
	s->st.consumed++;
	if (smmu_cmd_decode(ent, &c)) {
		s->st.cerror++;
		return;
	}
	switch (c.op) {
	case CMDQ_OP_TLBI_NH_VA:
	case CMDQ_OP_TLBI_S2_IPA:
		execute_tlbi(s, &c);
		return;
	case CMDQ_OP_TLBI_NH_ASID:
		inv.scope = TLB_INV_ASID;
		break;
	case CMDQ_OP_TLBI_S12_VMALL:
		inv.scope = TLB_INV_VMALL;
		break;
	case CMDQ_OP_TLBI_NH_ALL:
	case CMDQ_OP_TLBI_NSNH_ALL:
		inv.scope = TLB_INV_ALL;
		break;
	case CMDQ_OP_SYNC:
		/* Earlier commands are done (executed in order): signal. */
		s->st.syncs++;
		if (c.cs == CMDQ_SYNC_CS_IRQ && c.addr)
			__atomic_store_n((u32 *)(uintptr_t)c.addr, c.msidata,
					 __ATOMIC_RELEASE);
		return;
	}
	inv.asid = c.asid;
	inv.vmid = c.vmid;
	tlb_shadow_inv(s->m->shadow, &inv);
}

/* Nothing to do: spin a little (the next batch is often close), then sleep. */
static void idle(struct smmuv3 *s, u32 cons)
{
	u64 t0 = now_ns();

	while (now_ns() - t0 < IDLE_SPIN_NS) {
		if (!cmdq_empty(load_acq(&s->prod), cons, s->shift) &&
		    !__atomic_load_n(&s->paused, __ATOMIC_ACQUIRE))
			return;
		if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->sleeping, 1, __ATOMIC_SEQ_CST);
	/*
	 * Store "sleeping", then load prod; the producer stores prod, then
	 * loads "sleeping": a Dekker pair that needs a full barrier on both
	 * sides. Seq-cst accesses alone should do, but qemu-aarch64 7.2 has
	 * been seen to reorder STLR/LDAR on an x86 host and lose the wake-up.
	 * smp_mb() is the kernel's full barrier (DMB ISH, LOCK ADD): unlike
	 * __atomic_thread_fence it also builds under ThreadSanitizer.
	 */
	smp_mb();
	while ((cmdq_empty(__atomic_load_n(&s->prod, __ATOMIC_SEQ_CST), cons, s->shift) ||
		__atomic_load_n(&s->paused, __ATOMIC_SEQ_CST)) &&
	       !__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&s->wake, &s->lock);
	__atomic_store_n(&s->sleeping, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&s->lock);
}

static void *consumer(void *arg)
{
	struct smmuv3 *s = arg;
	u32 cons = 0, prod;

	for (;;) {
		prod = load_acq(&s->prod);
		if (cmdq_empty(prod, cons, s->shift) ||
		    __atomic_load_n(&s->paused, __ATOMIC_ACQUIRE)) {
			/* Stop only once everything issued has been executed. */
			if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) &&
			    cmdq_empty(prod, cons, s->shift))
				break;
			idle(s, cons);
			continue;
		}
		execute(s, &s->ring[2 * cmdq_idx(cons, s->shift)]);
		cons = cmdq_inc(cons, s->shift);
		__atomic_store_n(&s->cons, cons, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void ring_doorbell(struct smmuv3 *s)
{
	if (!__atomic_load_n(&s->sleeping, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&s->lock);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------- producer */

static void publish(struct smmuv3 *s)
{
	s->batched = 0;
	/* Seq-cst pairs with the consumer's "sleeping" store: no lost wake-up. */
	__atomic_store_n(&s->prod, s->lprod, __ATOMIC_SEQ_CST);
	smp_mb();	/* see idle() */
	ring_doorbell(s);
}

/* Wait, polling, until @done; yield after a while so a descheduled SMMU runs. */
#define POLL_UNTIL(done) do {						\
	u64 __t0 = now_ns();						\
	while (!(done)) {						\
		if (now_ns() - __t0 > POLL_YIELD_NS)			\
			sched_yield();					\
		else							\
			cpu_relax();					\
	}								\
	__t0 = now_ns() - __t0;						\
	__poll_ns = __t0;						\
} while (0)

static void cmd_add(struct smmuv3 *s, const struct smmu_cmd *c)
{
	struct tlb_counters *cnt = &s->m->cnt;
	u64 __poll_ns;

	if (cmdq_full(s->lprod, load_acq(&s->cons), s->shift)) {
		publish(s);
		/* Atomic: rare, and a test watches it from another thread. */
		__atomic_fetch_add(&cnt->queue_full_waits, 1, __ATOMIC_RELEASE);
		POLL_UNTIL(!cmdq_full(s->lprod, load_acq(&s->cons), s->shift));
		cnt->queue_full_ns += __poll_ns;
	}
	smmu_cmd_encode(c, &s->ring[2 * cmdq_idx(s->lprod, s->shift)]);
	s->lprod = cmdq_inc(s->lprod, s->shift);
	if (++s->batched == CMDQ_BATCH)
		publish(s);
}

static void count_tlbi(struct tlb_counters *cnt, const struct smmu_cmd *c,
		       size_t bytes)
{
	cnt->cmds++;
	cnt->inv_bytes += bytes;
	if (c->tg)
		cnt->range_cmds++;
	if (!c->leaf && (c->op == CMDQ_OP_TLBI_NH_VA || c->op == CMDQ_OP_TLBI_S2_IPA))
		cnt->walk_cmds++;
}

static void cmd_sync(struct smmuv3 *s)
{
	struct smmu_cmd c = {
		.op = CMDQ_OP_SYNC, .cs = CMDQ_SYNC_CS_IRQ,
		.msidata = ++s->sync_seq, .addr = (uintptr_t)&s->sync_word,
	};
	u64 __poll_ns;

	cmd_add(s, &c);
	publish(s);
	POLL_UNTIL((s32)(load_acq(&s->sync_word) - c.msidata) >= 0);
	s->m->cnt.sync_wait_ns += __poll_ns;
	s->m->cnt.hw_sync++;
}

static void inv_ctx(struct smmuv3 *s)
{
	struct tlb_model *m = s->m;
	struct smmu_cmd c = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = m->params.asid };

	if (m->stage2)
		c = (struct smmu_cmd) {
			.op = CMDQ_OP_TLBI_S12_VMALL, .vmid = m->params.vmid,
		};
	m->cnt.flush_all++;
	m->cnt.cmds++;
	cmd_add(s, &c);
	cmd_sync(s);
}

static void inv_range(struct smmuv3 *s, unsigned long iova, size_t size,
		      size_t granule, bool leaf)
{
	struct tlb_model *m = s->m;
	unsigned int gshift = __ffs(m->gran), i, n;
	struct smmu_cmd cmds[16];
	struct smmu_cmd c = {
		.op = m->stage2 ? CMDQ_OP_TLBI_S2_IPA : CMDQ_OP_TLBI_NH_VA,
		.asid = m->stage2 ? 0 : m->params.asid,
		.vmid = m->stage2 ? m->params.vmid : 0,
		.leaf = leaf,
	};
	size_t off;

	if (m->params.inv_all_over && size > m->params.inv_all_over) {
		inv_ctx(s);
		return;
	}
	if (!m->params.range_inv) {
		/* One command per granule; TG = 0, so no TTL either. */
		for (off = 0; off < size; off += granule) {
			c.addr = iova + off;
			count_tlbi(&m->cnt, &c, granule);
			cmd_add(s, &c);
		}
		cmd_sync(s);
		return;
	}
	/* Leaves are all of the gathered size: say which level holds them. */
	if (leaf)
		c.ttl = smmu_ttl(gshift, granule);
	n = smmu_range_split(&c, iova, size, gshift, cmds, ARRAY_SIZE(cmds));
	/* 64 bits of granule count need at most 13 commands of 5 bits. */
	WARN_ON(n > ARRAY_SIZE(cmds));
	for (i = 0; i < n && i < ARRAY_SIZE(cmds); i++) {
		count_tlbi(&m->cnt, &cmds[i], smmu_cmd_span(&cmds[i]));
		cmd_add(s, &cmds[i]);
	}
	cmd_sync(s);
}

/* ------------------------------------------------------------ flush ops */

static void smmu_flush_all(void *cookie)
{
	struct smmuv3 *s = tlb_model_bound(cookie)->priv;

	pthread_mutex_lock(&s->plock);
	inv_ctx(s);
	pthread_mutex_unlock(&s->plock);
}

static void smmu_flush_walk(unsigned long iova, size_t size, size_t granule,
			    void *cookie)
{
	struct smmuv3 *s = tlb_model_bound(cookie)->priv;

	pthread_mutex_lock(&s->plock);
	s->m->cnt.flush_walk++;
	inv_range(s, iova, size, granule, false);
	pthread_mutex_unlock(&s->plock);
}

static void smmu_add_page(struct iommu_iotlb_gather *gather,
			  unsigned long iova, size_t granule, void *cookie)
{
	tlb_model_bound(cookie)->cnt.add_page++;
	iommu_iotlb_gather_add_page(cookie, gather, iova, granule);
}

static const struct iommu_flush_ops smmu_flush_ops = {
	.tlb_flush_all = smmu_flush_all,
	.tlb_flush_walk = smmu_flush_walk,
	.tlb_add_page = smmu_add_page,
};

static void smmu_sync(struct tlb_model *m, struct iommu_iotlb_gather *gather)
{
	struct smmuv3 *s = m->priv;

	m->cnt.sync++;
	if (!gather || !gather->pgsize || !gather->end)
		return;
	pthread_mutex_lock(&s->plock);
	inv_range(s, gather->start, gather->end - gather->start + 1,
		  gather->pgsize, true);
	pthread_mutex_unlock(&s->plock);
}

static void smmu_model_flush_all(struct tlb_model *m)
{
	struct smmuv3 *s = m->priv;

	pthread_mutex_lock(&s->plock);
	inv_ctx(s);
	pthread_mutex_unlock(&s->plock);
}

/* ------------------------------------------------------------ life cycle */

/*
 * The SMMU is hardware beside the CPU: run its consumer on another CPU than
 * the producer's, even when the benchmark was pinned (taskset) to one, or
 * every CMD_SYNC measures the scheduler instead of the queue. Best effort:
 * with one CPU, or where affinity is refused, it shares.
 */
static void place_consumer(struct smmuv3 *s)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int here = sched_getcpu();
	cpu_set_t set;

	if (n < 2 || here < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET((here + 1) % n, &set);
	pthread_setaffinity_np(s->thread, sizeof(set), &set);
}

static int smmu_init(struct tlb_model *m)
{
	struct smmuv3 *s;
	int ret;

	if (m->params.cmdq_shift > 20)
		return -EINVAL;
	/* The MSI address field holds bits [51:2]: the word must be below 2^52. */
	s = aligned_alloc(64, sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	if ((uintptr_t)&s->sync_word >> 52) {
		free(s);
		return -EINVAL;
	}
	s->m = m;
	s->shift = m->params.cmdq_shift;
	s->st.shift = s->shift;
	s->ring = aligned_alloc(64, 16UL << s->shift);
	if (!s->ring) {
		free(s);
		return -ENOMEM;
	}
	memset(s->ring, 0, 16UL << s->shift);
	pthread_mutex_init(&s->plock, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	m->priv = s;
	ret = pthread_create(&s->thread, NULL, consumer, s);
	if (ret) {
		free(s->ring);
		free(s);
		m->priv = NULL;
		return -ret;
	}
	place_consumer(s);
	return 0;
}

static void smmu_destroy(struct tlb_model *m)
{
	struct smmuv3 *s = m->priv;

	if (!s)
		return;
	__atomic_store_n(&s->paused, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&s->lock);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->plock);
	free(s->ring);
	free(s);
}

const struct tlb_model_ops tlb_model_smmuv3 = {
	.name = "smmuv3",
	.flush_ops = &smmu_flush_ops,
	.init = smmu_init,
	.sync = smmu_sync,
	.flush_all = smmu_model_flush_all,
	.destroy = smmu_destroy,
};

/* ----------------------------------------------------------- test hooks */

int smmuv3_stats(struct tlb_model *m, struct smmuv3_stats *out)
{
	struct smmuv3 *s = m->priv;

	if (m->ops != &tlb_model_smmuv3)
		return -EINVAL;
	*out = s->st;
	out->prod = __atomic_load_n(&s->prod, __ATOMIC_ACQUIRE);
	out->cons = __atomic_load_n(&s->cons, __ATOMIC_ACQUIRE);
	return 0;
}

void smmuv3_pause(struct tlb_model *m, bool pause)
{
	struct smmuv3 *s = m->priv;

	__atomic_store_n(&s->paused, pause, __ATOMIC_SEQ_CST);
	if (!pause) {
		pthread_mutex_lock(&s->lock);
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
}

void smmuv3_issue(struct tlb_model *m, const struct smmu_cmd *c)
{
	struct smmuv3 *s = m->priv;

	pthread_mutex_lock(&s->plock);
	cmd_add(s, c);
	publish(s);
	pthread_mutex_unlock(&s->plock);
}

void smmuv3_sync(struct tlb_model *m)
{
	struct smmuv3 *s = m->priv;

	pthread_mutex_lock(&s->plock);
	cmd_sync(s);
	pthread_mutex_unlock(&s->plock);
}
