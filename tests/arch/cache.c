// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of src/arch cache maintenance: the line size is the CPU's (checked
 * against a source the implementation does not use), a range clean counts
 * exactly the lines it overlaps and one barrier, counters are per thread,
 * the op switch changes the instruction, and on x86_64 the instruction is
 * the best one /proc/cpuinfo's flags allow.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cache.h"
#include "arch/cpuinfo.h"
#include "harness.h"

#define REQUIRE_CACHE_SUPPORT() do {					\
	if (!arch_cache_supported())					\
		SKIP(arch_cache_describe());				\
} while (0)

/*
 * The line size from a source the implementation does not read, or 0:
 * CTR_EL0 read here on arm64 (it is the architected source, so read it
 * again independently); sysfs elsewhere, unless emulated (sysfs is then
 * the host's).
 */
static size_t independent_line_size(void)
{
#if defined(__aarch64__)
	uint64_t ctr;

	__asm__ __volatile__("mrs %0, ctr_el0" : "=r" (ctr));
	return 4UL << ((ctr >> 16) & 0xf);
#else
	FILE *f;
	unsigned long v = 0;

	if (cpuinfo_get()->emulated)
		return 0;
	f = fopen("/sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
#endif
}

static size_t expected_lines(uintptr_t a, size_t len, size_t line)
{
	uintptr_t s = a & ~(uintptr_t)(line - 1);
	uintptr_t e = (a + len + line - 1) & ~(uintptr_t)(line - 1);

	return len ? (e - s) / line : 0;
}

TEST(arch_cache_line_size_is_the_cpus)
{
	size_t line = arch_dcache_line_size();
	size_t other = independent_line_size();

	CHECK(line >= 16 && line <= 256);
	CHECK_EQ(line & (line - 1), 0);
	CHECK_EQ(cpuinfo_get()->line_size, line);
	if (!arch_cache_supported())
		SKIP(arch_cache_describe());
	if (!other)
		SKIP("no independent source for the line size here");
	CHECK_EQ(line, other);
}

TEST(arch_cache_describe_names_instruction_and_line)
{
	const char *d = arch_cache_describe();
	char num[24];

	REQUIRE(d && d[0]);
	REQUIRE_CACHE_SUPPORT();
	snprintf(num, sizeof(num), "%zu-byte lines", arch_dcache_line_size());
	CHECK(strstr(d, num));
	CHECK(strstr(d, "dc cvac + dsb sy") || strstr(d, "clwb + sfence") ||
	      strstr(d, "clflushopt + sfence") || strstr(d, "clflush + sfence"));
}

TEST(arch_cache_range_counts_overlapped_lines)
{
	static const size_t lens[] = { 1, 2, 7, 8, 31, 32, 63, 64, 65, 127, 128,
				       129, 255, 256, 4095, 4096, 4097, 16384 };
	size_t line = arch_dcache_line_size();
	size_t offs[] = { 0, 1, 8, line / 2, line - 1, line, line + 1, 4096 - 8 };
	struct cache_stats st;
	char *buf;
	size_t i, j;

	REQUIRE_CACHE_SUPPORT();
	buf = aligned_alloc(4096, 4 * 16384);
	REQUIRE(buf);
	memset(buf, 0x5a, 4 * 16384);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			arch_cache_stats_reset();
			arch_clean_dcache_range(buf + offs[i], lens[j]);
			arch_cache_stats(&st);
			CHECK_EQ(st.calls, 1);
			CHECK_EQ(st.barriers, 1);
			CHECK_EQ(st.lines, expected_lines((uintptr_t)buf + offs[i], lens[j], line));
		}
	}
	free(buf);
}

TEST(arch_cache_range_counts_random)
{
	size_t line = arch_dcache_line_size(), want = 0;
	uint64_t x = test_seed() | 1;
	unsigned int i, n = test_quick() ? 2000 : 20000;
	struct cache_stats st;
	char *buf;

	REQUIRE_CACHE_SUPPORT();
	buf = aligned_alloc(65536, 2 * 65536);
	REQUIRE(buf);
	memset(buf, 0, 2 * 65536);
	arch_cache_stats_reset();
	for (i = 0; i < n; i++) {
		size_t off, len;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % 65536;
		len = 1 + (x >> 20) % 65536;
		want += expected_lines((uintptr_t)buf + off, len, line);
		arch_clean_dcache_range(buf + off, len);
	}
	arch_cache_stats(&st);
	CHECK_EQ(st.calls, n);
	CHECK_EQ(st.barriers, n);
	CHECK_EQ(st.lines, want);
	free(buf);
}

TEST(arch_cache_empty_range_counts_call_only)
{
	struct cache_stats st;
	char buf[64] = { 0 };

	arch_cache_stats_reset();
	arch_clean_dcache_range(buf, 0);
	arch_cache_stats(&st);
	CHECK_EQ(st.lines, 0);
	CHECK_EQ(st.barriers, 0);
	CHECK_EQ(st.calls, arch_cache_supported() ? 1 : 0);
}

TEST(arch_cache_stats_reset_zeroes)
{
	struct cache_stats st;
	char buf[256] = { 0 };

	REQUIRE_CACHE_SUPPORT();
	arch_clean_dcache_range(buf, sizeof(buf));
	arch_cache_stats(&st);
	CHECK(st.calls >= 1 && st.lines >= 1 && st.barriers >= 1);
	arch_cache_stats_reset();
	arch_cache_stats(&st);
	CHECK_EQ(st.calls, 0);
	CHECK_EQ(st.lines, 0);
	CHECK_EQ(st.barriers, 0);
}

static void *clean_three(void *arg)
{
	struct cache_stats *st = arg;
	char buf[64 * 4] = { 0 };

	arch_cache_stats_reset();
	arch_clean_dcache_range(buf, 1);
	arch_clean_dcache_range(buf, 1);
	arch_clean_dcache_range(buf, 1);
	arch_cache_stats(st);
	return NULL;
}

TEST(arch_cache_stats_are_per_thread)
{
	struct cache_stats mine, theirs;
	pthread_t t;
	char buf[64] = { 0 };

	REQUIRE_CACHE_SUPPORT();
	arch_cache_stats_reset();
	arch_clean_dcache_range(buf, 1);
	REQUIRE(!pthread_create(&t, NULL, clean_three, &theirs));
	pthread_join(t, NULL);
	arch_cache_stats(&mine);
	CHECK_EQ(theirs.calls, 3);
	CHECK_EQ(theirs.barriers, 3);
	CHECK_EQ(mine.calls, 1);
	CHECK_EQ(mine.barriers, 1);
}

TEST(arch_cache_op_switch)
{
	char clean_desc[128], inval_desc[128];
	size_t line = arch_dcache_line_size();
	struct cache_stats st;
	unsigned char *buf;
	size_t i;

	REQUIRE_CACHE_SUPPORT();
	CHECK_EQ(arch_cache_get_op(), CACHE_OP_CLEAN);
	snprintf(clean_desc, sizeof(clean_desc), "%s", arch_cache_describe());
	arch_cache_set_op(CACHE_OP_CLEAN_INVAL);
	CHECK_EQ(arch_cache_get_op(), CACHE_OP_CLEAN_INVAL);
	snprintf(inval_desc, sizeof(inval_desc), "%s", arch_cache_describe());
	CHECK(strstr(inval_desc, "dc civac") || strstr(inval_desc, "clflush"));

	/* Clean-and-invalidate writes back first: the data must survive. */
	buf = aligned_alloc(4096, 4096);
	REQUIRE(buf);
	for (i = 0; i < 4096; i++)
		buf[i] = i * 7 + 3;
	arch_cache_stats_reset();
	arch_clean_dcache_range(buf + 3, 4096 - 3);
	arch_cache_stats(&st);
	arch_cache_set_op(CACHE_OP_CLEAN);
	CHECK_EQ(st.lines, 4096 / line);
	CHECK_EQ(st.barriers, 1);
	for (i = 0; i < 4096; i++)
		if (buf[i] != (unsigned char)(i * 7 + 3))
			break;
	CHECK_EQ(i, 4096);
	free(buf);
	CHECK(!strcmp(arch_cache_describe(), clean_desc));
	CHECK(strstr(clean_desc, "dc cvac") || strstr(clean_desc, "clwb") ||
	      strstr(clean_desc, "also invalidates"));
}
