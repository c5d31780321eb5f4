// SPDX-License-Identifier: GPL-2.0
/*
 * Every KUnit case linked into the binary becomes a test of its own,
 * kunit_<suite>_<case> (dashes as underscores): a kernel tree's
 * io-pgtable-arm-selftests.c (6.19+) and the KUnit shim's own check suite
 * (tests/kernel/kunit_shim.c). A case runs against the linked backend the
 * way the kernel's selftest does; a backend that cannot serve it skips,
 * saying why. A case passes when KUnit says so, it fired no WARN, and it
 * gave back every table it allocated.
 *
 * The suites register at load time before the harness's TEST()s
 * (<kunit/test.h>); the constructor here, which runs after them, registers
 * one harness test per case through a fixed set of trampolines, since a
 * harness test takes no argument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <alloc/backend.h>
#include <kunit/test.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include "harness.h"
#include "kernel/selftest.h"

#define KUNIT_SLOTS	64

struct kunit_slot {
	struct kunit_suite *suite;
	struct kunit_case *kcase;
	char name[300];	/* kunit_ + suite (at most 255) + _ + case */
	struct test_case tc;
};

static struct kunit_slot slots[KUNIT_SLOTS];

/* The shim's own suite runs the same everywhere: no tables, no backend. */
static bool is_shim_suite(const struct kunit_suite *suite)
{
	return !strncmp(suite->name, "kunit-shim", 10);
}

unsigned int kernel_kunit_cases(void)
{
	struct kunit_suite *suite;
	struct kunit_case *tc;
	unsigned int n = 0;

	for (suite = kunit_suite_first(); suite; suite = suite->shim_next)
		for (tc = suite->test_cases; tc && tc->run_case && !is_shim_suite(suite); tc++)
			n++;
	return n;
}

static void run_slot(unsigned int n)
{
	struct kunit_slot *s = &slots[n];
	struct alloc_stats before, after;
	char skip_reason[256] = "";
	enum kunit_status status;
	unsigned int failures = 0;
	const char *why;

	if (!is_shim_suite(s->suite)) {
		why = selftest_backend_ready();
		if (why)
			SKIP(why);
	}
	backend_stats(&before);
	/* Its kunit_info lines are worth reading only on failure. */
	shim_printk_quiet(!getenv("KSELFTEST_VERBOSE"));
	status = kunit_run_case(s->suite, s->kcase, &failures, skip_reason,
				sizeof(skip_reason));
	shim_printk_quiet(false);
	backend_stats(&after);
	if (status == KUNIT_SKIPPED) {
		static char why_skipped[300];

		snprintf(why_skipped, sizeof(why_skipped), "KUnit skipped it: %s", skip_reason);
		SKIP(why_skipped);
	}
	if (status == KUNIT_FAILURE)
		test_fail(__FILE__, __LINE__, "%s.%s: %u KUnit expectation(s) failed (above)",
			  s->suite->name, s->kcase->name, failures);
	else
		CHECK_EQ(after.bytes_held, before.bytes_held);
}

#define SLOT(n)		static void slot_##n(void) { run_slot(0##n); }	/* octal: 0 to 63 */
#define SLOT8(n)	SLOT(n##0) SLOT(n##1) SLOT(n##2) SLOT(n##3) \
			SLOT(n##4) SLOT(n##5) SLOT(n##6) SLOT(n##7)
SLOT8(0) SLOT8(1) SLOT8(2) SLOT8(3) SLOT8(4) SLOT8(5) SLOT8(6) SLOT8(7)

#define FN8(n)	slot_##n##0, slot_##n##1, slot_##n##2, slot_##n##3, \
		slot_##n##4, slot_##n##5, slot_##n##6, slot_##n##7
static void (*const slot_fns[KUNIT_SLOTS])(void) = {
	FN8(0), FN8(1), FN8(2), FN8(3), FN8(4), FN8(5), FN8(6), FN8(7),
};

static void too_many_cases(void)
{
	test_fail(__FILE__, __LINE__, "more than %d KUnit cases: raise KUNIT_SLOTS", KUNIT_SLOTS);
}

static struct test_case overflow = { "kunit_too_many_cases", too_many_cases, NULL };

static void name_slot(struct kunit_slot *s)
{
	char *c;

	snprintf(s->name, sizeof(s->name), "kunit_%.255s_%.30s", s->suite->name, s->kcase->name);
	for (c = s->name; *c; c++)
		if (*c == '-' || *c == ' ' || *c == '.')
			*c = '_';
}

__attribute__((constructor)) static void register_kunit_cases(void)
{
	struct kunit_suite *suite;
	struct kunit_case *tc;
	unsigned int n = 0;

	for (suite = kunit_suite_first(); suite; suite = suite->shim_next) {
		for (tc = suite->test_cases; tc && tc->run_case; tc++) {
			struct kunit_slot *s;

			if (n == KUNIT_SLOTS) {
				test_register(&overflow);
				return;
			}
			s = &slots[n];
			s->suite = suite;
			s->kcase = tc;
			name_slot(s);
			s->tc.name = s->name;
			s->tc.fn = slot_fns[n];
			test_register(&s->tc);
			n++;
		}
	}
}
