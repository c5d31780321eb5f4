// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark profiles (quick, full, cmp) as one table, and their
 * selection: --profile=<name> on the command line, else $PROFILE, else
 * the full profile's rows with the library's own run defaults (what a
 * plain Google Benchmark binary does: one repetition). The first entry whose name, arch and emulation match is used, so
 * arch- and emulator-specific variants of a profile come before the
 * generic one.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cpuinfo.h"
#include "bench.h"
#include "profile.h"

/* The quick subset of map/unmap: each granule's page and first block size. */
#define QUICK_TAIL	"/count:(1|512)/pattern:(seq|sparse)/"
#define QUICK_HEAD	"^(map|unmap)/[^/]+/"

static const struct bench_profile profiles[] = {
	/*
	 * Under an emulator: each granule's base page, sequential, and the
	 * flush, TLB and shim rows: four backends in under ten minutes.
	 */
	{ .name = "quick", .emulated = true,
	  .matrix_rows = QUICK_HEAD "s1-(4k/pgsize:4k|16k/pgsize:16k|64k/pgsize:64k)"
			 "/count:(1|512)/pattern:seq/",
	  .filter = "-^(cmp|concurrent)/", .min_time = 0.02 },
	/* On arm64 boards every granule (they differ in which runs fastest). */
	{ .name = "quick", .arch = "arm64",
	  .matrix_rows = QUICK_HEAD "(s1-(4k/pgsize:(4k|2m)|16k/pgsize:(16k|32m)|"
			 "64k/pgsize:(64k|512m))|s2-4k/pgsize:4k)" QUICK_TAIL,
	  .min_time = 0.02 },
	{ .name = "quick",
	  .matrix_rows = QUICK_HEAD "(s1-(4k/pgsize:(4k|2m)|64k/pgsize:(64k|512m))|"
			 "s2-4k/pgsize:4k)" QUICK_TAIL,
	  .min_time = 0.02 },
	{ .name = "full", .repetitions = 9, .interleave = true },
	/* Mean and minimum over 10 repetitions of the published rows. */
	{ .name = "cmp", .filter = "^cmp/", .repetitions = 10, .min_time = 0.1 },
};

static const struct bench_profile *selected = &profiles[3];
static bool user_filter;	/* --benchmark_filter given: it selects rows */
static bool rows_only;		/* no profile named: the library's run defaults */
static regex_t rows_re;
static bool rows_re_ok;

static bool profile_fits(const struct bench_profile *p, const char *name)
{
	const struct cpuinfo *ci = cpuinfo_get();

	if (strcmp(p->name, name))
		return false;
	if (p->arch && strcmp(p->arch, ci->arch))
		return false;
	return !p->emulated || ci->emulated;
}

static const char *profile_arg(int *argc, char **argv)
{
	static const char flag[] = "--profile=";
	const char *name = NULL;
	int i, j;

	for (i = 1, j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--profile"))
			name = "";	/* no value: refused below */
		else if (!strncmp(argv[i], flag, strlen(flag)))
			name = argv[i] + strlen(flag);
		else {
			if (!strncmp(argv[i], "--benchmark_filter=", 19))
				user_filter = true;
			argv[j++] = argv[i];
			continue;
		}
	}
	argv[j] = NULL;
	*argc = j;
	return name;
}

int bench_profile_select(int *argc, char **argv, const char *prog)
{
	const char *name = profile_arg(argc, argv);
	const char *from = "--profile";
	size_t i;

	if (!name) {
		name = getenv("PROFILE");
		from = "PROFILE";
		if (!name || !*name) {
			/* Neither: every row, run as a plain Google Benchmark binary. */
			name = "full";
			rows_only = true;
		}
	}
	for (i = 0; i < ARRAY_SIZE(profiles); i++) {
		if (!profile_fits(&profiles[i], name))
			continue;
		selected = &profiles[i];
		if (!selected->matrix_rows)
			return 0;
		if (regcomp(&rows_re, selected->matrix_rows, REG_EXTENDED | REG_NOSUB)) {
			fprintf(stderr, "%s: profile %s: bad row expression\n", prog, name);
			return -EINVAL;
		}
		rows_re_ok = true;
		return 0;
	}
	fprintf(stderr, "%s: %s=%s: unknown profile (expected quick, full or cmp)\n",
		prog, from, name);
	return -EINVAL;
}

const struct bench_profile *bench_profile_get(void)
{
	return selected;
}

const char *bench_profile(void)
{
	return selected->name;
}

bool bench_quick(void)
{
	return !strcmp(selected->name, "quick");
}

int bench_profile_flags(const char **out)
{
	static char reps[48], min_time[48], filter[320];
	const struct bench_profile *p = selected;
	int n = 0;

	if (rows_only)
		return 0;

	if (p->repetitions) {
		snprintf(reps, sizeof(reps), "--benchmark_repetitions=%d", p->repetitions);
		out[n++] = reps;
	}
	if (p->interleave) {
		out[n++] = "--benchmark_enable_random_interleaving=true";
		out[n++] = "--benchmark_report_aggregates_only=false";
	}
	if (p->min_time) {
		snprintf(min_time, sizeof(min_time), "--benchmark_min_time=%g", p->min_time);
		out[n++] = min_time;
	}
	if (p->filter) {
		snprintf(filter, sizeof(filter), "--benchmark_filter=%s", p->filter);
		out[n++] = filter;
	}
	return n;
}

bool bench_profile_keeps(const char *name)
{
	if (user_filter || !rows_re_ok)
		return true;
	return !regexec(&rows_re, name, 0, NULL, 0);
}
