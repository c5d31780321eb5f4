/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: the macro and function names of the kernel's
 * include/kunit/test.h (what io-pgtable-arm-selftests.c of the 7.0 snapshot
 * uses), run differently: suites register at program load and run only when
 * the suite's harness asks, one case per test; a failed assertion longjmps
 * out of the case; struct kunit and struct kunit_suite are the shim's own.
 *
 * <kunit/test.h>: KUnit in user space, enough of it for a kernel tree's
 * io-pgtable KUnit suite (io-pgtable-arm-selftests.c since 6.19) to run as
 * test cases of the suite's test binaries.
 *
 * What it promises: kunit_test_suite(s) registers suites at program load
 * (before any TEST() of tests/harness.h, whose registration walks them:
 * tests/kernel/kunit.c makes one test per case, kunit_<suite>_<case>);
 * nothing runs by itself. kunit_run_case() runs one case as KUnit does:
 * suite init, the case (once per parameter for KUNIT_CASE_PARAM), exit,
 * then frees what kunit_kzalloc & co. and kunit_device_register handed out.
 * A failed KUNIT_EXPECT_* marks the case failed and carries on; a failed
 * KUNIT_ASSERT_* marks it failed and leaves the case (a longjmp where the
 * kernel ends the test's kthread). Every failure prints file:line and the
 * values compared. kunit_skip() leaves the case as skipped.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <string.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/types.h>

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

#define KUNIT_PARAM_DESC_SIZE	128

struct kunit_resource;

struct kunit {
	const char *name;		/* the case's */
	enum kunit_status status;
	unsigned int failures;		/* failed expectations and assertions */
	const void *param_value;
	void *priv;
	char status_comment[256];	/* why it was skipped */
	struct kunit_resource *resources;
	jmp_buf abort;			/* where a failed assertion lands */
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	struct kunit_suite *shim_next;	/* the registration list */
};

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)		KUNIT_CASE(fn)
#define KUNIT_CASE_PARAM(fn, gen)	{ .run_case = fn, .name = #fn, .generate_params = gen }

/* KUNIT_ARRAY_PARAM(name, array, get_desc): name##_gen_params walks array. */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		__typeof__((array)[0]) *__next = prev ?				\
			((__typeof__((array)[0]) *)prev) + 1 : (array);		\
		if (__next - (array) < ARRAY_SIZE(array)) {			\
			void (*__get_desc)(__typeof__(__next), char *) = get_desc; \
			if (__get_desc)						\
				__get_desc(__next, desc);			\
			return __next;						\
		}								\
		return NULL;							\
	}

void kunit_suite_register(struct kunit_suite *suite);
/* The first registered suite (registration order); ->shim_next walks on. */
struct kunit_suite *kunit_suite_first(void);
/* Run one case of a suite; its verdict, failures counted in *failures. */
enum kunit_status kunit_run_case(struct kunit_suite *suite,
				 struct kunit_case *test_case,
				 unsigned int *failures, char *skip_reason,
				 size_t skip_reason_size);

/*
 * Suites register before the harness's TEST()s (default priority), so
 * that tests/kernel/kunit.c finds them all when it registers their cases.
 */
#define __shim_kunit_register(suites, id)					\
	__attribute__((constructor(110))) static void id(void)			\
	{									\
		struct kunit_suite **__s;					\
		for (__s = (suites); *__s; __s++)				\
			kunit_suite_register(*__s);				\
	}
#define kunit_test_suites(...)							\
	static struct kunit_suite *__shim_kunit_suites[] = { __VA_ARGS__, NULL }; \
	__shim_kunit_register(__shim_kunit_suites, __shim_kunit_reg)
#define kunit_test_suite(suite)		kunit_test_suites(&suite)
#define kunit_test_init_section_suites	kunit_test_suites
#define kunit_test_init_section_suite	kunit_test_suite

/* ------------------------------------------------------------ failures */
void kunit_fail_at(struct kunit *test, bool assertion, const char *file,
		   int line, const char *fmt, ...) __printf(5, 6);
void kunit_do_skip(struct kunit *test, bool leave, const char *fmt, ...) __printf(3, 4);
/* A _MSG form's message, after its failed check; leaves the case if @assertion. */
void kunit_fail_msg(struct kunit *test, bool assertion, const char *fmt, ...) __printf(3, 4);
/* Failures print file:line and values unless quiet (tests that fail on purpose). */
void kunit_shim_failures_quiet(bool quiet);

#define KUNIT_FAIL(test, fmt, ...) \
	kunit_fail_at(test, false, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define kunit_mark_skipped(test, fmt, ...) \
	kunit_do_skip(test, false, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...) \
	kunit_do_skip(test, true, fmt, ##__VA_ARGS__)

#define __KUNIT_CHECK(test, assertion, ok, fmt, ...) do {			\
	if (!(ok))								\
		kunit_fail_at(test, assertion, __FILE__, __LINE__, fmt,		\
			      ##__VA_ARGS__);					\
} while (0)

#define __KUNIT_BOOL(test, a, cond, want)					\
	__KUNIT_CHECK(test, a, (bool)(cond) == (want),				\
		      "Expected %s to be %s", #cond,		\
		      (want) ? "true" : "false")

#define __KUNIT_BINARY(test, a, left, op, right) do {			\
	__typeof__(left) __l = (left);						\
	__typeof__(right) __r = (right);					\
	__KUNIT_CHECK(test, a, __l op __r,					\
		      "Expected %s " #op " %s, but %s == %lld (%#llx), "	\
		      "%s == %lld (%#llx)", #left, #right,		\
		      #left, (long long)__l, (unsigned long long)__l,		\
		      #right, (long long)__r, (unsigned long long)__r);	\
} while (0)

#define __KUNIT_PTR(test, a, left, op, right) do {			\
	const void *__l = (left), *__r = (right);				\
	__KUNIT_CHECK(test, a, __l op __r,					\
		      "Expected %s " #op " %s, but %s == %p, %s == %p",		\
		      #left, #right, #left, __l, #right, __r);	\
} while (0)

#define __KUNIT_STR(test, a, left, op, right) do {			\
	const char *__l = (left), *__r = (right);				\
	__KUNIT_CHECK(test, a, strcmp(__l, __r) op 0,				\
		      "Expected %s " #op " %s, but \"%s\" vs \"%s\"",		\
		      #left, #right, __l, __r);			\
} while (0)

#define __KUNIT_MEM(test, a, left, op, right, size)			\
	__KUNIT_CHECK(test, a, memcmp((left), (right), (size)) op 0,		\
		      "Expected %s " #op " %s over %zu bytes",	\
		      #left, #right, (size_t)(size))

#define __KUNIT_ERR_OR_NULL(test, a, ptr, want) do {			\
	const void *__p = (ptr);						\
	__KUNIT_CHECK(test, a, IS_ERR_OR_NULL(__p) == (want),			\
		      "Expected %s %sto be an error or NULL, but it is %p",	\
		      #ptr, (want) ? "" : "not ", __p);		\
} while (0)

/*
 * The families, EXPECT (false: carry on) and ASSERT (true: leave the
 * case), each with a _MSG form whose message follows the comparison's.
 */
#define __KUNIT_WITH_MSG(test, a, check, fmt, ...) do {			\
	unsigned int __before = (test)->failures;				\
	check;									\
	if ((test)->failures != __before)					\
		kunit_fail_msg(test, a, fmt, ##__VA_ARGS__);			\
} while (0)

#define KUNIT_EXPECT_TRUE(t, c)		__KUNIT_BOOL(t, false, c, true)
#define KUNIT_EXPECT_FALSE(t, c)	__KUNIT_BOOL(t, false, c, false)
#define KUNIT_ASSERT_TRUE(t, c)		__KUNIT_BOOL(t, true, c, true)
#define KUNIT_ASSERT_FALSE(t, c)	__KUNIT_BOOL(t, true, c, false)
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...)	__KUNIT_WITH_MSG(t, false, __KUNIT_BOOL(t, false, c, true), __VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...)	__KUNIT_WITH_MSG(t, false, __KUNIT_BOOL(t, false, c, false), __VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, ...)	__KUNIT_WITH_MSG(t, true, __KUNIT_BOOL(t, false, c, true), __VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, ...)	__KUNIT_WITH_MSG(t, true, __KUNIT_BOOL(t, false, c, false), __VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r)	__KUNIT_BINARY(t, false, l, ==, r)
#define KUNIT_EXPECT_NE(t, l, r)	__KUNIT_BINARY(t, false, l, !=, r)
#define KUNIT_EXPECT_LT(t, l, r)	__KUNIT_BINARY(t, false, l, <, r)
#define KUNIT_EXPECT_LE(t, l, r)	__KUNIT_BINARY(t, false, l, <=, r)
#define KUNIT_EXPECT_GT(t, l, r)	__KUNIT_BINARY(t, false, l, >, r)
#define KUNIT_EXPECT_GE(t, l, r)	__KUNIT_BINARY(t, false, l, >=, r)
#define KUNIT_ASSERT_EQ(t, l, r)	__KUNIT_BINARY(t, true, l, ==, r)
#define KUNIT_ASSERT_NE(t, l, r)	__KUNIT_BINARY(t, true, l, !=, r)
#define KUNIT_ASSERT_LT(t, l, r)	__KUNIT_BINARY(t, true, l, <, r)
#define KUNIT_ASSERT_LE(t, l, r)	__KUNIT_BINARY(t, true, l, <=, r)
#define KUNIT_ASSERT_GT(t, l, r)	__KUNIT_BINARY(t, true, l, >, r)
#define KUNIT_ASSERT_GE(t, l, r)	__KUNIT_BINARY(t, true, l, >=, r)
#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...)	__KUNIT_WITH_MSG(t, false, __KUNIT_BINARY(t, false, l, ==, r), __VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, ...)	__KUNIT_WITH_MSG(t, false, __KUNIT_BINARY(t, false, l, !=, r), __VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, ...)	__KUNIT_WITH_MSG(t, true, __KUNIT_BINARY(t, false, l, ==, r), __VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, ...)	__KUNIT_WITH_MSG(t, true, __KUNIT_BINARY(t, false, l, !=, r), __VA_ARGS__)

#define KUNIT_EXPECT_PTR_EQ(t, l, r)	__KUNIT_PTR(t, false, l, ==, r)
#define KUNIT_EXPECT_PTR_NE(t, l, r)	__KUNIT_PTR(t, false, l, !=, r)
#define KUNIT_ASSERT_PTR_EQ(t, l, r)	__KUNIT_PTR(t, true, l, ==, r)
#define KUNIT_ASSERT_PTR_NE(t, l, r)	__KUNIT_PTR(t, true, l, !=, r)
#define KUNIT_EXPECT_NULL(t, p)		__KUNIT_PTR(t, false, p, ==, NULL)
#define KUNIT_EXPECT_NOT_NULL(t, p)	__KUNIT_PTR(t, false, p, !=, NULL)
#define KUNIT_ASSERT_NULL(t, p)		__KUNIT_PTR(t, true, p, ==, NULL)
#define KUNIT_ASSERT_NOT_NULL(t, p)	__KUNIT_PTR(t, true, p, !=, NULL)

#define KUNIT_EXPECT_STREQ(t, l, r)	__KUNIT_STR(t, false, l, ==, r)
#define KUNIT_EXPECT_STRNEQ(t, l, r)	__KUNIT_STR(t, false, l, !=, r)
#define KUNIT_ASSERT_STREQ(t, l, r)	__KUNIT_STR(t, true, l, ==, r)
#define KUNIT_ASSERT_STRNEQ(t, l, r)	__KUNIT_STR(t, true, l, !=, r)

#define KUNIT_EXPECT_MEMEQ(t, l, r, n)	__KUNIT_MEM(t, false, l, ==, r, n)
#define KUNIT_EXPECT_MEMNEQ(t, l, r, n)	__KUNIT_MEM(t, false, l, !=, r, n)
#define KUNIT_ASSERT_MEMEQ(t, l, r, n)	__KUNIT_MEM(t, true, l, ==, r, n)
#define KUNIT_ASSERT_MEMNEQ(t, l, r, n)	__KUNIT_MEM(t, true, l, !=, r, n)

#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p)	__KUNIT_ERR_OR_NULL(t, false, p, false)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p)	__KUNIT_ERR_OR_NULL(t, true, p, false)
#define KUNIT_EXPECT_ERR_OR_NULL(t, p)		__KUNIT_ERR_OR_NULL(t, false, p, true)
#define KUNIT_ASSERT_ERR_OR_NULL(t, p)		__KUNIT_ERR_OR_NULL(t, true, p, true)

/* ------------------------------------------- resources freed at case end */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

/* Runs fn(data) when the case ends, as kunit_add_action; 0 or -ENOMEM. */
int kunit_add_action(struct kunit *test, void (*fn)(void *), void *data);

/* --------------------------------------------------------------- logging */
#define kunit_log(lvl, test, fmt, ...) \
	shim_printk(lvl, "    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...)	kunit_log(KERN_INFO, test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_log(KERN_WARNING, test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_log(KERN_ERR, test, fmt, ##__VA_ARGS__)
#define kunit_printk(lvl, test, fmt, ...) kunit_log(lvl, test, fmt, ##__VA_ARGS__)

#endif
