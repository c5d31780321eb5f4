/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark profiles, defined once: which rows a profile registers, how
 * many repetitions, whether they interleave, how long each run is. The
 * binary selects one with --profile=quick|full|cmp (else $PROFILE; with
 * neither, the full profile's rows and the library's own run defaults);
 * an unknown name is refused. scripts/bench.sh and memcheck.sh only
 * pass the name on.
 *
 * A profile's own flags come before the user's on the command line, so an
 * explicit --benchmark_* flag still wins; an explicit --benchmark_filter
 * also replaces the profile's row selection (it then picks among every row
 * the profile registers).
 */
#ifndef _BENCH_LIB_PROFILE_H
#define _BENCH_LIB_PROFILE_H

#include <stdbool.h>

struct bench_profile {
	const char *name;
	const char *arch;	/* NULL: any; else only on this arch */
	bool emulated;		/* this variant only under an emulator */
	const char *matrix_rows;/* ERE over map/unmap names; NULL: all */
	const char *filter;	/* default --benchmark_filter; NULL: all */
	int repetitions;	/* 0: the library's default (1) */
	bool interleave;	/* --benchmark_enable_random_interleaving */
	double min_time;	/* 0: the library's default */
};

/*
 * Select the profile from --profile=<name> in @argv (removed from it,
 * @argc updated) or $PROFILE. 0, or -EINVAL after printing one line that
 * names the bad value.
 */
int bench_profile_select(int *argc, char **argv, const char *prog);

/* The selected profile (full before bench_profile_select). */
const struct bench_profile *bench_profile_get(void);

/*
 * Command-line flags the profile implies, to go before the user's: at most
 * BENCH_PROFILE_MAX_FLAGS strings into @out, count returned.
 */
#define BENCH_PROFILE_MAX_FLAGS	5
int bench_profile_flags(const char **out);

/* Whether the map/unmap row @name belongs to the profile. */
bool bench_profile_keeps(const char *name);

#endif
