// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of src/arch/cpuinfo: the description is filled in, names the
 * binary's architecture, and says "native" or the emulator exactly when
 * the host kernel's architecture differs; on x86_64 the cache instruction
 * picked is the best that /proc/cpuinfo's flags allow, and
 * IOPGT_CACHE_INSN forces (or is refused) as documented.
 */
#include <stdlib.h>
#include <string.h>
#include "arch/cache.h"
#include "arch/cpuinfo.h"
#include "harness.h"

TEST(cpuinfo_filled_in)
{
	const struct cpuinfo *ci = cpuinfo_get();

	REQUIRE(ci->arch && ci->arch[0]);
	CHECK(ci->model[0]);
	CHECK(ci->emulation[0]);
	CHECK(ci->ncpus >= 1);
	CHECK_EQ(ci->line_size, arch_dcache_line_size());
	CHECK(strstr(cpuinfo_summary(), ci->model));
	CHECK(strstr(cpuinfo_summary(), ci->emulation));
	printf(" [%s]", cpuinfo_summary());
}

TEST(cpuinfo_emulation_matches_host_kernel)
{
	const struct cpuinfo *ci = cpuinfo_get();
	const char *host = cpuinfo_host_kernel_arch();

	if (!host[0])
		SKIP("host kernel architecture unreadable");
	if (strcmp(host, ci->arch)) {
		CHECK(ci->emulated);
		CHECK(!strncmp(ci->emulation, "qemu-", 5));
		/* make test/bench export the version; a bare run says it lacks it. */
		if (getenv("IOPGT_EMULATOR"))
			CHECK(!strcmp(ci->emulation, getenv("IOPGT_EMULATOR")));
		else
			CHECK(strstr(ci->emulation, "version unknown"));
	} else if (!ci->emulated) {
		CHECK(!strcmp(ci->emulation, "native"));
	}
}

/* Is @flag a whole word on /proc/cpuinfo's "flags" line? */
static int has_flag(const char *flag)
{
	char line[4096], *tok, *save;
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		found = 0;
		for (tok = strtok_r(line, " \t\n:", &save); tok; tok = strtok_r(NULL, " \t\n:", &save))
			if (!strcmp(tok, flag))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

TEST(x86_cache_insn_is_the_best_available)
{
	int clwb = has_flag("clwb"), opt = has_flag("clflushopt"), cl = has_flag("clflush");

	if (strcmp(cpuinfo_get()->arch, "x86_64") || cpuinfo_get()->emulated)
		SKIP("x86_64 natively only");
	if (clwb < 0)
		SKIP("/proc/cpuinfo has no flags line");
	arch_cache_init();
	if (clwb)
		CHECK(starts(arch_cache_describe(), "clwb + sfence,"));
	else if (opt)
		CHECK(starts(arch_cache_describe(), "clflushopt + sfence (also invalidates"));
	else if (cl)
		CHECK(starts(arch_cache_describe(), "clflush + sfence (also invalidates"));
	CHECK_EQ(arch_cache_supported(), clwb || opt || cl);
	arch_cache_set_op(CACHE_OP_CLEAN_INVAL);
	if (opt)
		CHECK(starts(arch_cache_describe(), "clflushopt + sfence,"));
	else if (cl)
		CHECK(starts(arch_cache_describe(), "clflush + sfence,"));
	arch_cache_set_op(CACHE_OP_CLEAN);
}

TEST(x86_cache_insn_forced_by_environment)
{
	static const char *const names[] = { "clwb", "clflushopt", "clflush", "bogus" };
	char want[32], buf[512] __attribute__((aligned(256))) = { 0 };
	struct cache_stats st;
	size_t i;

	if (strcmp(cpuinfo_get()->arch, "x86_64") || cpuinfo_get()->emulated)
		SKIP("x86_64 natively only");
	if (has_flag("clflush") < 0)
		SKIP("/proc/cpuinfo has no flags line");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		setenv("IOPGT_CACHE_INSN", names[i], 1);
		arch_cache_init();
		snprintf(want, sizeof(want), "%s + sfence", names[i]);
		if (has_flag(names[i]) > 0)
			CHECK(starts(arch_cache_describe(), want));
		else
			CHECK(strstr(arch_cache_describe(), "unsupported here"));
		arch_cache_stats_reset();
		arch_clean_dcache_range(buf + 1, 256);
		arch_cache_stats(&st);
		CHECK_EQ(st.calls, 1);
		CHECK_EQ(st.barriers, 1);
		CHECK_EQ(st.lines, 256 / arch_dcache_line_size() + 1);
	}
	unsetenv("IOPGT_CACHE_INSN");
	arch_cache_init();
	CHECK(!strstr(arch_cache_describe(), "IOPGT_CACHE_INSN"));
}
