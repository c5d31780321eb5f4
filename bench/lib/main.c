// SPDX-License-Identifier: GPL-2.0
/*
 * main() of every bench-<backend> binary: select the profile, set up the
 * backend and the cache code, name what this binary measures (in --help and in every result's
 * context), register the suites, hand over to Google Benchmark.
 *
 * Context the binary cannot know (commit, compiler, run id, pinning) comes
 * from the environment: every BENCH_CTX_<key>=<value> becomes a context
 * entry <key> (scripts/bench.sh sets them). The environment, unlike
 * --benchmark_context, carries values with commas and spaces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kcore.h>
#include "arch/cpuinfo.h"
#include "bench.h"
#include "profile.h"

#define CTX_PREFIX	"BENCH_CTX_"

extern char **environ;
void bench_register_all(void);

static void context_from_env(void)
{
	char key[64], **e;
	const char *eq;
	size_t len;

	for (e = environ; *e; e++) {
		if (strncmp(*e, CTX_PREFIX, strlen(CTX_PREFIX)))
			continue;
		eq = strchr(*e, '=');
		if (!eq)
			continue;
		len = eq - *e - strlen(CTX_PREFIX);
		if (!len || len >= sizeof(key))
			continue;
		memcpy(key, *e + strlen(CTX_PREFIX), len);
		key[len] = '\0';
		gb_add_context(key, eq + 1);
	}
}

static void context_from_binary(void)
{
	const struct cpuinfo *ci = cpuinfo_get();
	const char *kver = pgtable_core_version();

	gb_add_context("suite", "io-pgtable-bench");
	gb_add_context("backend", backend_name());
	gb_add_context("backend_describe", backend_describe());
	gb_add_context("core", bench_core_name());
	gb_add_context("core_version", kver && *kver ? kver :
		       "this repository's src/pgtable (see commit)");
	gb_add_context("arch", ci->arch);
	gb_add_context("emulated", ci->emulated ? ci->emulation : "no");
	gb_add_context("cpu_model", ci->model);
	gb_add_context("cpu_caches", ci->caches[0] ? ci->caches : "unknown");
	gb_add_context("cache_maintenance", arch_cache_describe());
	gb_add_context("profile", bench_profile());
	/* Per row: dma_maps, dma_syncs, incoherent_starts, incoherent_flushes. */
	gb_add_context("noncoherent_tables", pgtable_core_noncoherent_tables());
	gb_add_context("noncoherent_pte_sync", pgtable_core_noncoherent_pte_sync());
	if (BENCH_MAP_DELAY_NS)
		gb_add_context("injected_map_delay_ns", __stringify(BENCH_MAP_DELAY_NS));
}

/*
 * argv with the profile's flags right after argv[0], so that the user's
 * own --benchmark_* flags, parsed later, override them.
 */
/* It lives as long as the process: reachable, for LeakSanitizer, after main(). */
static char **volatile kept_argv;

static char **argv_with_profile(int *argc, char **argv)
{
	const char *flags[BENCH_PROFILE_MAX_FLAGS];
	int n = bench_profile_flags(flags), i;
	char **out = calloc(*argc + n + 1, sizeof(*out));

	if (!out)
		abort();
	kept_argv = out;
	out[0] = argv[0];
	for (i = 0; i < n; i++)
		out[1 + i] = (char *)flags[i];
	for (i = 1; i < *argc; i++)
		out[n + i] = argv[i];
	*argc += n;
	return out;
}

int main(int argc, char **argv)
{
	const struct cpuinfo *ci;
	static char banner[768];
	int ret;

	if (bench_profile_select(&argc, argv, argv[0]))
		return 2;
	argv = argv_with_profile(&argc, argv);
	ret = backend_init();
	if (ret == -EINVAL)
		return 2;	/* a bad knob: the backend named it, in one line */
	if (ret) {
		fprintf(stderr, "%s: backend %s failed to initialise: %s\n",
			argv[0], backend_name(), strerror(-ret));
		return 1;
	}
	arch_cache_init();
	ci = cpuinfo_get();
	snprintf(banner, sizeof(banner),
		 "io-pgtable-bench: backend %s (%s), core %s, arch %s (%s)\n"
		 "cache maintenance: %s\n"
		 "--profile=%s (quick|full|cmp, else $PROFILE) selects the rows,\n"
		 "repetitions and interleaving; --benchmark_* flags override them;\n"
		 "BENCH_CTX_<key>=<value> in the environment adds context.\n\n",
		 backend_name(), backend_describe(), bench_core_name(),
		 ci->arch, ci->emulated ? ci->emulation : "native",
		 arch_cache_describe(), bench_profile());
	context_from_binary();
	context_from_env();
	bench_register_all();
	bench_perfcount_attach();
	return gb_main(argc, argv, banner);
}
