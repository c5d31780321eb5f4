// SPDX-License-Identifier: GPL-2.0
/*
 * Replay every file of tests/fuzz/corpus and tests/fuzz/regressions through
 * the fuzz decoder and checker, in every test binary (so against every
 * backend and core, with or without libFuzzer), plus a thousand
 * deterministic random inputs (TEST_SEED) so that plain `make test`
 * exercises the checker too.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "harness.h"
#include "fuzz_ops.h"

/* Directories are relative to the repository root, where make test runs. */
static const char *const dirs[] = { "tests/fuzz/corpus", "tests/fuzz/regressions" };

static void print_stats(const struct fuzz_ops_stats *st)
{
	printf("\n    inputs %llu (refused %llu), ops %llu: maps %llu, unmaps %llu, lookups %llu, errors %llu, -ENOMEM %llu\n",
	       (unsigned long long)st->inputs, (unsigned long long)st->rejected,
	       (unsigned long long)st->ops, (unsigned long long)st->mapped,
	       (unsigned long long)st->unmapped, (unsigned long long)st->lookups,
	       (unsigned long long)st->errors, (unsigned long long)st->enomem);
}

static int replay_file(const char *path)
{
	static unsigned char buf[1 << 16];
	char err[512];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		test_fail(__FILE__, __LINE__, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (fuzz_ops_run(buf, n, err, sizeof(err))) {
		test_fail(__FILE__, __LINE__, "%s: %s", path, err);
		return -1;
	}
	return 0;
}

static int replay_dir(const char *dir, unsigned int *files)
{
	struct dirent **names;
	char path[1024];
	int n, i, bad = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			bad |= replay_file(path);
			(*files)++;
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

TEST(fuzz_replay_corpus_and_regressions)
{
	struct fuzz_ops_stats st;
	unsigned int files = 0, i;
	struct stat sb;

	if (stat(dirs[0], &sb))
		SKIP("tests/fuzz/corpus not found: run from the repository root");
	expect_warnings();	/* the bad-argument ops WARN, as the kernel does */
	fuzz_ops_stats_reset();
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		replay_dir(dirs[i], &files);
	fuzz_ops_stats(&st);
	if (getenv("FUZZ_VERBOSE"))
		print_stats(&st);
	CHECK(files >= 8);
	/* A corpus that only hits refused configurations would prove nothing. */
	CHECK(st.mapped > 0 && st.unmapped > 0 && st.lookups > 0 && st.errors > 0);
	CHECK(st.rejected < st.inputs);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

TEST(fuzz_random_inputs)
{
	unsigned int i, j, n = test_quick() ? 200 : 1000;
	uint64_t seed = test_seed() | 1;
	unsigned char buf[768];
	struct fuzz_ops_stats st;
	char err[512];

	expect_warnings();
	fuzz_ops_stats_reset();
	for (i = 0; i < n; i++) {
		size_t len = 4 + rng_next(&seed) % (sizeof(buf) - 4);

		for (j = 0; j < len; j++)
			buf[j] = (unsigned char)(rng_next(&seed) >> 24);
		if (fuzz_ops_run(buf, len, err, sizeof(err))) {
			test_fail(__FILE__, __LINE__, "input %u (TEST_SEED=%#llx): %s", i,
				  (unsigned long long)test_seed(), err);
			return;
		}
	}
	fuzz_ops_stats(&st);
	if (getenv("FUZZ_VERBOSE"))
		print_stats(&st);
	CHECK(st.mapped > n);
	CHECK(st.enomem > 0);	/* fault injection was exercised */
}

/* The checker is not vacuous: a corrupted leaf is caught, named by its IOVA. */
TEST(fuzz_checker_catches_corrupted_leaf)
{
	char path[] = "tests/fuzz/corpus/s1-4k-48", err[512];
	static unsigned char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		SKIP("tests/fuzz/corpus/s1-4k-48 not found: run from the repository root");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	expect_warnings();
	REQUIRE(fuzz_ops_run(buf, n, err, sizeof(err)) == 0);
	fuzz_ops_sabotage(2);
	CHECK(fuzz_ops_run(buf, n, err, sizeof(err)) == -1);
	fuzz_ops_sabotage(0);
	CHECK(strstr(err, "iova_to_phys") != NULL);
	/* And the backend still got everything back: the next run is clean. */
	CHECK(fuzz_ops_run(buf, n, err, sizeof(err)) == 0);
}
