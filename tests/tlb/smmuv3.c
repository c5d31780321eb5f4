// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated SMMUv3: command encodings against values computed by hand
 * from the architecture's field positions, the range encoding (exact
 * cover, fewest commands), the queue's wrap and full conditions, queue-
 * full waits and CMD_SYNC completion.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tlb/smmuv3.h"
#include "tlbtest.h"

TEST(tlb_smmuv3_encode_nh_va)
{
	struct smmu_cmd c = {
		.op = CMDQ_OP_TLBI_NH_VA, .asid = 0x1234, .vmid = 0,
		.leaf = true, .ttl = 3, .tg = 1, .num = 4, .scale = 2,
		.addr = 0x12345678000ULL,
	};
	u64 e[2];

	smmu_cmd_encode(&c, e);
	/* op 0x12 | NUM 4 << 12 | SCALE 2 << 20 | ASID << 48 */
	CHECK_EQ_HEX(e[0], 0x1234000000204012ULL);
	/* Leaf | TTL 3 << 8 | TG 1 << 10 | VA[63:12] */
	CHECK_EQ_HEX(e[1], 0x0000012345678701ULL);
}

TEST(tlb_smmuv3_encode_s2_ipa)
{
	struct smmu_cmd c = {
		.op = CMDQ_OP_TLBI_S2_IPA, .vmid = 0xbeef, .asid = 0x55,
		.leaf = false, .tg = 3, .ttl = 2, .num = 31, .scale = 31,
		.addr = 0xfff0123456789000ULL,
	};
	u64 e[2];

	smmu_cmd_encode(&c, e);
	/* No ASID in S2_IPA; NUM 31 << 12, SCALE 31 << 20, VMID << 32 */
	CHECK_EQ_HEX(e[0], 0x0000beef01f1f02aULL);
	/* TTL 2 << 8 | TG 3 << 10 | IPA[51:12] only */
	CHECK_EQ_HEX(e[1], 0x0000123456789e00ULL);
}

TEST(tlb_smmuv3_encode_ctx_and_sync)
{
	struct smmu_cmd asid = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = 7, .vmid = 0 };
	struct smmu_cmd vmall = { .op = CMDQ_OP_TLBI_S12_VMALL, .vmid = 5 };
	struct smmu_cmd sync = {
		.op = CMDQ_OP_SYNC, .cs = CMDQ_SYNC_CS_IRQ,
		.msidata = 0xdeadbeef, .addr = 0x10000007ULL,
	};
	u64 e[2];

	smmu_cmd_encode(&asid, e);
	CHECK_EQ_HEX(e[0], 0x0007000000000011ULL);
	CHECK_EQ_HEX(e[1], 0);
	smmu_cmd_encode(&vmall, e);
	CHECK_EQ_HEX(e[0], 0x0000000500000028ULL);
	CHECK_EQ_HEX(e[1], 0);
	smmu_cmd_encode(&sync, e);
	/* op 0x46 | CS 1 << 12 | MSH 3 << 22 | MSIAttr 0xf << 24 | data << 32 */
	CHECK_EQ_HEX(e[0], 0xdeadbeef0fc01046ULL);
	/* MSIAddress[51:2]: the low two bits are not encodable. */
	CHECK_EQ_HEX(e[1], 0x10000004ULL);
}

TEST(tlb_smmuv3_decode_round_trip)
{
	static const u8 ops[] = {
		CMDQ_OP_TLBI_NH_VA, CMDQ_OP_TLBI_S2_IPA, CMDQ_OP_TLBI_NH_ASID,
		CMDQ_OP_TLBI_S12_VMALL, CMDQ_OP_SYNC,
	};
	u64 seed = test_seed(), e[2];
	struct smmu_cmd c, d, want;
	int i;

	for (i = 0; i < 10000; i++) {
		u64 r = tt_rand(&seed);

		memset(&c, 0, sizeof(c));
		c.op = ops[r % ARRAY_SIZE(ops)];
		c.asid = r >> 8;
		c.vmid = r >> 24;
		c.leaf = r & 0x100;
		c.ttl = (r >> 40) & 3;
		c.tg = (r >> 42) & 3;
		c.num = (r >> 44) & 31;
		c.scale = (r >> 49) & 31;
		c.cs = (r >> 54) & 3;
		c.msidata = r >> 20;
		c.addr = tt_rand(&seed);

		smmu_cmd_encode(&c, e);
		REQUIRE(smmu_cmd_decode(e, &d) == 0);
		/* What each command can carry survives; the rest reads as zero. */
		want = (struct smmu_cmd) { .op = c.op };
		switch (c.op) {
		case CMDQ_OP_TLBI_NH_VA:
		case CMDQ_OP_TLBI_S2_IPA:
			want.leaf = c.leaf;
			want.ttl = c.ttl;
			want.tg = c.tg;
			want.num = c.num;
			want.scale = c.scale;
			want.addr = c.addr & (c.op == CMDQ_OP_TLBI_NH_VA ?
					      CMDQ_TLBI_1_VA : CMDQ_TLBI_1_IPA);
			fallthrough;
		case CMDQ_OP_TLBI_NH_ASID:
		case CMDQ_OP_TLBI_S12_VMALL:
			want.vmid = c.vmid;
			if (c.op != CMDQ_OP_TLBI_S2_IPA && c.op != CMDQ_OP_TLBI_S12_VMALL)
				want.asid = c.asid;
			break;
		case CMDQ_OP_SYNC:
			want.cs = c.cs;
			want.msidata = c.msidata;
			want.addr = c.addr & CMDQ_SYNC_1_MSIADDR;
			break;
		}
		REQUIRE((want.op == d.op && want.asid == d.asid &&
			 want.vmid == d.vmid && want.leaf == d.leaf &&
			 want.ttl == d.ttl && want.tg == d.tg &&
			 want.num == d.num && want.scale == d.scale &&
			 want.addr == d.addr && want.cs == d.cs &&
			 want.msidata == d.msidata));
	}
	e[0] = 0x7f;
	e[1] = 0;
	CHECK_EQ(smmu_cmd_decode(e, &d), -EINVAL);
}

TEST(tlb_smmuv3_ttl)
{
	CHECK_EQ(smmu_ttl(12, SZ_4K), 3);
	CHECK_EQ(smmu_ttl(12, SZ_2M), 2);
	CHECK_EQ(smmu_ttl(12, SZ_1G), 1);
	CHECK_EQ(smmu_ttl(14, SZ_16K), 3);
	CHECK_EQ(smmu_ttl(14, SZ_32M), 2);
	CHECK_EQ(smmu_ttl(16, SZ_64K), 3);
	CHECK_EQ(smmu_ttl(16, SZ_512M), 2);
	CHECK_EQ(smmu_tg(12), 1);
	CHECK_EQ(smmu_tg(14), 2);
	CHECK_EQ(smmu_tg(16), 3);
}

/* Fewest terms n << s (1 <= n <= 32) summing to p, for every p <= max. */
static unsigned char *min_terms(unsigned int max)
{
	unsigned char *dp = calloc(max + 1, 1);
	unsigned int p, s, n;

	for (p = 1; dp && p <= max; p++) {
		dp[p] = 255;
		for (s = 0; (1U << s) <= p; s++)
			for (n = 1; n <= 32 && (n << s) <= p; n++)
				if (dp[p - (n << s)] + 1 < dp[p])
					dp[p] = dp[p - (n << s)] + 1;
	}
	return dp;
}

/* Decode what split produced and check it covers exactly [iova, iova + size). */
static unsigned int check_split(unsigned long iova, size_t size,
				unsigned int gshift)
{
	struct smmu_cmd tmpl = { .op = CMDQ_OP_TLBI_NH_VA, .asid = 3, .leaf = true };
	struct smmu_cmd out[16], d;
	unsigned long next = iova;
	unsigned int n, i;
	u64 e[2];

	n = smmu_range_split(&tmpl, iova, size, gshift, out, ARRAY_SIZE(out));
	if (n > ARRAY_SIZE(out)) {
		test_fail(__FILE__, __LINE__, "%u commands for %#zx", n, size);
		return n;
	}
	for (i = 0; i < n; i++) {
		smmu_cmd_encode(&out[i], e);
		smmu_cmd_decode(e, &d);
		if (d.addr != next || d.tg != smmu_tg(gshift) || d.asid != 3 ||
		    !d.leaf || !smmu_cmd_span(&d)) {
			test_fail(__FILE__, __LINE__,
				  "size %#zx cmd %u: addr %#llx want %#lx tg %u",
				  size, i, (unsigned long long)d.addr, next, d.tg);
			return n;
		}
		next += smmu_cmd_span(&d);
	}
	if (next != iova + size)
		test_fail(__FILE__, __LINE__, "size %#zx covered to %#lx, want %#lx",
			  size, next, iova + size);
	return n;
}

TEST(tlb_smmuv3_range_split_exact_and_minimal)
{
	static const unsigned int shifts[] = { 12, 14, 16 };
	unsigned int max = test_quick() ? 1024 : 4096, p, i;
	unsigned char *dp = min_terms(max);

	REQUIRE(dp);
	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		for (p = 1; p <= max && !test_failed(); p++) {
			unsigned long iova = 0x40000000UL + ((unsigned long)p << shifts[i]);
			unsigned int n = check_split(iova, (size_t)p << shifts[i],
						     shifts[i]);

			if (n != dp[p])
				test_fail(__FILE__, __LINE__,
					  "%u granules: %u commands, %u suffice",
					  p, n, dp[p]);
		}
	}
	free(dp);
	/* Whole blocks are one command each: SCALE alone says it. */
	CHECK_EQ(check_split(0, SZ_1G, 12), 1);
	CHECK_EQ(check_split(SZ_2M, SZ_2M, 12), 1);
	CHECK_EQ(check_split(0, SZ_512M, 16), 1);
	CHECK_EQ(check_split(SZ_1G, 33UL * SZ_2M, 12), 2);
	/* Every bit set: five bits a command. */
	CHECK_EQ(check_split(0, ((1UL << 30) - 1) << 12, 12), 6);
}

TEST(tlb_smmuv3_queue_index_arithmetic)
{
	unsigned int shift = 2;	/* 4 entries, wrap bit is bit 2 */
	u32 p = 0, c = 0;
	int i;

	CHECK(cmdq_empty(p, c, shift));
	for (i = 0; i < 4; i++) {
		CHECK(!cmdq_full(p, c, shift));
		p = cmdq_inc(p, shift);
	}
	CHECK_EQ(p, 4);			/* index 0, wrap 1 */
	CHECK(cmdq_full(p, c, shift));
	CHECK(!cmdq_empty(p, c, shift));
	CHECK_EQ(cmdq_idx(p, shift), 0);
	for (i = 0; i < 4; i++)
		c = cmdq_inc(c, shift);
	CHECK(cmdq_empty(p, c, shift));
	/* Index and wrap roll over together after 2 * entries. */
	for (i = 0; i < 4; i++)
		p = cmdq_inc(p, shift);
	CHECK_EQ(p, 0);
	CHECK(cmdq_full(p, c, shift));	/* cons wrap 1, prod wrap 0 */
}

struct issuer {
	struct tlb_model *m;
	int n;
};

static void *issue_thread(void *arg)
{
	struct issuer *is = arg;
	struct smmu_cmd c = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = 9 };
	int i;

	for (i = 0; i < is->n; i++)
		smmuv3_issue(is->m, &c);
	smmuv3_sync(is->m);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

TEST(tlb_smmuv3_queue_full_waits_and_wrap)
{
	struct tlb_params p = { .cmdq_shift = 2 };
	struct smmu_cmd c = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = 9 };
	struct tlb_model *m = tlb_model_create("smmuv3", &p);
	struct issuer is = { .n = 5 };
	struct smmuv3_stats st;
	pthread_t thr;
	int i;

	REQUIRE(m);
	is.m = m;
	smmuv3_pause(m, true);
	for (i = 0; i < 4; i++)
		smmuv3_issue(m, &c);
	REQUIRE(smmuv3_stats(m, &st) == 0);
	CHECK_EQ(st.prod, 4);
	CHECK_EQ(st.cons, 0);
	CHECK(cmdq_full(st.prod, st.cons, 2));
	CHECK_EQ(m->cnt.queue_full_waits, 0);

	/*
	 * A fifth command must wait for space: from another thread. Wait until
	 * it is waiting (a fixed sleep is not enough on a loaded machine), up
	 * to 10 s, so that the un-pause below really releases a full queue.
	 */
	REQUIRE(pthread_create(&thr, NULL, issue_thread, &is) == 0);
	for (i = 0; i < 10000 && !__atomic_load_n(&m->cnt.queue_full_waits, __ATOMIC_ACQUIRE); i++)
		sleep_ms(1);
	CHECK_EQ(__atomic_load_n(&m->cnt.queue_full_waits, __ATOMIC_ACQUIRE), 1);
	sleep_ms(5);	/* and it stays waiting while the SMMU is paused */
	smmuv3_stats(m, &st);
	CHECK_EQ(st.consumed, 0);
	smmuv3_pause(m, false);
	pthread_join(thr, NULL);

	smmuv3_stats(m, &st);
	CHECK(m->cnt.queue_full_waits >= 1);
	CHECK(m->cnt.queue_full_ns > 0);
	/* 4 + 5 commands + 1 CMD_SYNC went round a 4-entry ring twice. */
	CHECK_EQ(st.consumed, 10);
	CHECK_EQ(st.syncs, 1);
	CHECK_EQ(st.prod, 10 & 7);
	CHECK_EQ(st.cons, st.prod);
	CHECK_EQ(st.cerror, 0);
	tlb_model_destroy(m);
}

TEST(tlb_smmuv3_sync_waits_for_completion)
{
	struct tlb_params p = { .per_cmd_ns = 200000 };
	struct smmu_cmd c = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = 9 };
	struct tlb_model *m = tlb_model_create("smmuv3", &p);
	struct smmuv3_stats st;
	u64 t0, wall;
	int i;

	REQUIRE(m);
	t0 = mono_ns();
	for (i = 0; i < 5; i++)
		smmuv3_issue(m, &c);
	smmuv3_sync(m);
	wall = mono_ns() - t0;
	/* Returned only once the SMMU had executed everything before it. */
	smmuv3_stats(m, &st);
	CHECK_EQ(st.consumed, 6);
	CHECK_EQ(st.syncs, 1);
	CHECK_EQ(m->cnt.hw_sync, 1);
	/*
	 * Six commands at 200 us each, the first issued after t0: the sync
	 * cannot return sooner. How long the issuer itself polled is not
	 * bounded below: how fast the five were issued (slowly, under QEMU)
	 * and whether the issuer was descheduled after publishing decide
	 * how much of the consumer's work was already done when it began.
	 */
	CHECK(st.busy_ns >= 6 * 200000ULL);
	CHECK(wall >= 6 * 200000ULL);
	CHECK(m->cnt.sync_wait_ns <= wall);
	tlb_model_destroy(m);
}

TEST(tlb_smmuv3_illegal_command_counted)
{
	struct tlb_model *m = tlb_model_create("smmuv3", NULL);
	struct smmu_cmd c = { .op = 0x7f };
	struct smmuv3_stats st;

	REQUIRE(m);
	smmuv3_issue(m, &c);
	smmuv3_sync(m);
	smmuv3_stats(m, &st);
	CHECK_EQ(st.cerror, 1);
	CHECK_EQ(st.consumed, 2);
	tlb_model_destroy(m);
}

TEST(tlb_smmuv3_start_stop_with_work_in_flight)
{
	struct smmu_cmd c = { .op = CMDQ_OP_TLBI_NH_ASID, .asid = 9 };
	int i, j, rounds = test_quick() ? 20 : 100;

	/*
	 * Destroy with commands still in the queue: the consumer is paused
	 * while they are issued, so they are really in flight when destroy
	 * runs (not drained by chance first). Destroy must execute them and
	 * join the consumer; a hang is the failure (the per-test timeout).
	 */
	for (i = 0; i < rounds; i++) {
		struct tlb_params p = { .cmdq_shift = 3 };
		struct tlb_model *m = tlb_model_create("smmuv3", &p);
		struct smmuv3_stats st;

		REQUIRE(m);
		smmuv3_pause(m, true);
		for (j = 0; j < i % 7; j++)
			smmuv3_issue(m, &c);
		REQUIRE(smmuv3_stats(m, &st) == 0);
		CHECK_EQ(st.consumed, 0);
		CHECK_EQ((st.prod - st.cons) & ((2U << st.shift) - 1), (u32)(i % 7));
		tlb_model_destroy(m);
	}
}
