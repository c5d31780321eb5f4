// SPDX-License-Identifier: GPL-2.0
/*
 * The KUnit shim (shims/kernel/kunit) judged before it judges a kernel
 * tree: a failed EXPECT must fail the case and carry on, a failed ASSERT
 * must fail it and leave, each comparison family must fail when its
 * operands disagree, kunit_skip must skip, parameters must each run, and
 * what a case allocated must be released when it ends. A shim whose EXPECT
 * never fails would pass every kernel suite; these tests catch it.
 *
 * The "kunit-shim" suite is registered (so it also runs as kunit_kunit_shim_*
 * tests through tests/kernel/kunit.c, in every binary); the probe suites
 * with cases that must fail are run by hand here, never registered.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include "harness.h"

static unsigned int reached, exits, released, param_runs;

/* ------------------------------------------- a suite that must pass */
static void shim_passing_checks(struct kunit *test)
{
	int *z = kunit_kzalloc(test, 4 * sizeof(*z), GFP_KERNEL);
	struct device *dev = kunit_device_register(test, "kunit-shim-dev");
	const char *s = "abc";

	KUNIT_ASSERT_NOT_NULL(test, z);
	KUNIT_EXPECT_EQ(test, z[0] + z[3], 0);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_STREQ(test, dev_name(dev), "kunit-shim-dev");
	KUNIT_EXPECT_TRUE(test, 1 < 2);
	KUNIT_EXPECT_FALSE(test, 2 < 1);
	KUNIT_EXPECT_NE(test, 1, 2);
	KUNIT_EXPECT_LT(test, 1, 2);
	KUNIT_EXPECT_LE(test, 2, 2);
	KUNIT_EXPECT_GT(test, 3, 2);
	KUNIT_EXPECT_GE(test, 3, 3);
	KUNIT_EXPECT_PTR_EQ(test, s, s);
	KUNIT_EXPECT_NULL(test, NULL);
	KUNIT_EXPECT_MEMEQ(test, s, "abc", 3);
	KUNIT_EXPECT_ERR_OR_NULL(test, ERR_PTR(-EINVAL));
}

static struct kunit_case shim_cases[] = {
	KUNIT_CASE(shim_passing_checks),
	{},
};

static struct kunit_suite shim_suite = {
	.name = "kunit-shim",
	.test_cases = shim_cases,
};

kunit_test_suite(shim_suite);

/* ------------------------------------ probe cases, run by hand below */
static void count_release(void *data)
{
	released++;
}

static void probe_exit(struct kunit *test)
{
	exits++;
}

static void probe_expect_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 2);
	reached++;
}

static void probe_assert_leaves(struct kunit *test)
{
	kunit_add_action(test, count_release, NULL);
	KUNIT_ASSERT_EQ(test, 1, 2);
	reached++;
}

/* Every family, each given operands that disagree: 22 failures. */
static void probe_every_family_fails(struct kunit *test)
{
	int one = 1, two = 2;

	KUNIT_FAIL(test, "on purpose");
	KUNIT_EXPECT_TRUE(test, one > two);
	KUNIT_EXPECT_FALSE(test, one < two);
	KUNIT_EXPECT_EQ(test, one, two);
	KUNIT_EXPECT_NE(test, one, one);
	KUNIT_EXPECT_LT(test, two, one);
	KUNIT_EXPECT_LE(test, two, one);
	KUNIT_EXPECT_GT(test, one, two);
	KUNIT_EXPECT_GE(test, one, two);
	KUNIT_EXPECT_PTR_EQ(test, &one, &two);
	KUNIT_EXPECT_PTR_NE(test, &one, &one);
	KUNIT_EXPECT_NULL(test, &one);
	KUNIT_EXPECT_NOT_NULL(test, NULL);
	KUNIT_EXPECT_STREQ(test, "a", "b");
	KUNIT_EXPECT_STRNEQ(test, "a", "a");
	KUNIT_EXPECT_MEMEQ(test, "ab", "ac", 2);
	KUNIT_EXPECT_MEMNEQ(test, "ab", "ab", 2);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, NULL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_ERR_OR_NULL(test, &one);
	KUNIT_EXPECT_EQ_MSG(test, one, two, "with a message %d", 42);
	KUNIT_EXPECT_TRUE_MSG(test, 0, "and another");
	reached++;
}

static void probe_skips(struct kunit *test)
{
	kunit_skip(test, "no %s here", "hardware");
	reached++;
}

static const int probe_params[] = { 1, 2, 3 };
KUNIT_ARRAY_PARAM(probe, probe_params, NULL);

static void probe_params_each_run(struct kunit *test)
{
	const int *p = test->param_value;

	param_runs += *p;
}

static struct kunit_case probe_cases[] = {
	KUNIT_CASE(probe_expect_fails),
	KUNIT_CASE(probe_assert_leaves),
	KUNIT_CASE(probe_every_family_fails),
	KUNIT_CASE(probe_skips),
	KUNIT_CASE_PARAM(probe_params_each_run, probe_gen_params),
	{},
};

static struct kunit_suite probe_suite = {
	.name = "kunit-shim-probe",
	.exit = probe_exit,
	.test_cases = probe_cases,
};

static enum kunit_status run_probe(int idx, unsigned int *failures, char *why)
{
	enum kunit_status status;

	reached = exits = released = param_runs = 0;
	*failures = 0;
	kunit_shim_failures_quiet(true);
	status = kunit_run_case(&probe_suite, &probe_cases[idx], failures, why, 64);
	kunit_shim_failures_quiet(false);
	return status;
}

TEST(kunit_shim_expect_fails_and_carries_on)
{
	unsigned int failures;
	char why[64];

	CHECK_EQ(run_probe(0, &failures, why), KUNIT_FAILURE);
	CHECK_EQ(failures, 1);
	CHECK_EQ(reached, 1);
	CHECK_EQ(exits, 1);
}

TEST(kunit_shim_assert_fails_and_leaves)
{
	unsigned int failures;
	char why[64];

	CHECK_EQ(run_probe(1, &failures, why), KUNIT_FAILURE);
	CHECK_EQ(failures, 1);
	CHECK_EQ(reached, 0);
	/* exit and the case's resources run after the aborted body. */
	CHECK_EQ(exits, 1);
	CHECK_EQ(released, 1);
}

TEST(kunit_shim_every_family_fails_on_disagreement)
{
	unsigned int failures;
	char why[64];

	CHECK_EQ(run_probe(2, &failures, why), KUNIT_FAILURE);
	CHECK_EQ(failures, 22);
	CHECK_EQ(reached, 1);
}

TEST(kunit_shim_skip)
{
	unsigned int failures;
	char why[64];

	CHECK_EQ(run_probe(3, &failures, why), KUNIT_SKIPPED);
	CHECK_EQ(failures, 0);
	CHECK_EQ(reached, 0);
	CHECK(!strcmp(why, "no hardware here"));
}

TEST(kunit_shim_params_each_run)
{
	unsigned int failures;
	char why[64];

	CHECK_EQ(run_probe(4, &failures, why), KUNIT_SUCCESS);
	CHECK_EQ(param_runs, 1 + 2 + 3);
	CHECK_EQ(exits, 3);
}
