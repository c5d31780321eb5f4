/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's C test runner.
 *
 * TEST(name) { ... } registers a test at load time; CHECK*() record a
 * failure with file:line and carry on; REQUIRE*() record it and leave the
 * test. A test fails if any check failed or if a kernel WARN fired during it
 * and the test did not declare expect_warnings(). SKIP(reason) leaves a test
 * as skipped, which is never counted as passed.
 *
 * Each test runs in a process of its own (forked after the backend is set
 * up), so a crash, an exit or a hang (past --timeout=SECONDS, default 300,
 * 0 for none) fails that test alone; a test never sees state an earlier
 * one left. The output is TAP as kselftest prints it: "TAP version 13",
 * the plan "1..N", then per test its diagnostics as "# ..." lines and
 * "ok N name", "not ok N name" or "ok N name # SKIP reason". The runner
 * ends with the line "N passed, M failed[, K skipped][, F kernel
 * findings]" and exits non-zero on any failure. --no-fork runs every test
 * in the runner's own process (for a debugger), without the timeout.
 *
 * KERNEL_FINDING(fmt, ...) records that the core under test (a kernel tree)
 * behaves wrongly by the architecture or by its own API contract, with the
 * call that shows it. A finding is printed as "# kernel finding: <test>: ..."
 * and counted apart: it never fails the test and is never silently dropped.
 *
 * Usage: test-<backend> [--list] [--quick] [--timeout=SECONDS] [--no-fork]
 *			 [substring...]
 */
#ifndef _TESTS_HARNESS_H
#define _TESTS_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *t);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_skip(const char *reason);
void test_finding(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void expect_warnings(void);
bool test_failed(void);
/* True when run with --quick (CI's short forms of long tests). */
bool test_quick(void);
/* Seed for randomised tests: TEST_SEED from the environment, else fixed. */
uint64_t test_seed(void);

#define TEST(name)							\
	static void test_##name(void);					\
	static struct test_case tc_##name = { #name, test_##name, NULL };\
	__attribute__((constructor)) static void reg_##name(void)	\
	{ test_register(&tc_##name); }					\
	static void test_##name(void)

#define CHECK(cond) do {						\
	if (!(cond))							\
		test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);	\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld",	\
			  #a, #b, __a, __b);				\
} while (0)

#define CHECK_EQ_HEX(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a != __b)							\
		test_fail(__FILE__, __LINE__, "%s == %s: %#llx != %#llx",\
			  #a, #b, __a, __b);				\
} while (0)

#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);	\
		return;							\
	}								\
} while (0)

#define KERNEL_FINDING(...) test_finding(__FILE__, __LINE__, __VA_ARGS__)

#define SKIP(reason) do { test_skip(reason); return; } while (0)

#endif
