// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time half of the KUnit shim (<kunit/test.h>, <kunit/device.h>): the
 * suite list that kunit_test_suite(s) fills at program load, running one
 * case with its init/exit and parameters, failures and skips, and the
 * resources (memory, devices, deferred actions) a case gets back when it
 * ends. Linked into every binary; empty unless something registers a suite.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/printk.h>

struct kunit_resource {
	void (*release)(void *data);
	void *data;
	struct kunit_resource *next;
};

static struct kunit_suite *suites, **suites_tail = &suites;
static bool failures_quiet;

void kunit_shim_failures_quiet(bool quiet)
{
	failures_quiet = quiet;
}

void kunit_suite_register(struct kunit_suite *suite)
{
	suite->shim_next = NULL;
	*suites_tail = suite;
	suites_tail = &suite->shim_next;
}

struct kunit_suite *kunit_suite_first(void)
{
	return suites;
}

/* A failure's message, indented under its header; an assertion leaves the case. */
static void fail_note(struct kunit *test, bool assertion, const char *fmt, va_list ap)
{
	if (!failures_quiet) {
		fputs("    ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	if (assertion)
		longjmp(test->abort, 1);
}

void kunit_fail_at(struct kunit *test, bool assertion, const char *file,
		   int line, const char *fmt, ...)
{
	va_list ap;

	test->status = KUNIT_FAILURE;
	test->failures++;
	/* Printed even when printk is quiet: a failure is what the log is for. */
	if (!failures_quiet)
		fprintf(stderr, "    # %s: %s FAILED at %s:%d\n", test->name,
			assertion ? "ASSERTION" : "EXPECTATION", file, line);
	va_start(ap, fmt);
	fail_note(test, assertion, fmt, ap);
	va_end(ap);
}

void kunit_fail_msg(struct kunit *test, bool assertion, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_note(test, assertion, fmt, ap);
	va_end(ap);
}

void kunit_do_skip(struct kunit *test, bool leave, const char *fmt, ...)
{
	va_list ap;

	if (test->status != KUNIT_FAILURE)
		test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
	if (leave)
		longjmp(test->abort, 1);
}

int kunit_add_action(struct kunit *test, void (*fn)(void *), void *data)
{
	struct kunit_resource *res = calloc(1, sizeof(*res));

	if (!res)
		return -ENOMEM;
	res->release = fn;
	res->data = data;
	res->next = test->resources;
	test->resources = res;
	return 0;
}

/* Newest first, as KUnit releases them. */
static void release_resources(struct kunit *test)
{
	struct kunit_resource *res;

	while ((res = test->resources)) {
		test->resources = res->next;
		res->release(res->data);
		free(res);
	}
}

/* Releases a resource now (kunit_kfree, kunit_device_unregister). */
static void release_one(struct kunit *test, const void *data)
{
	struct kunit_resource **p, *res;

	for (p = &test->resources; (res = *p); p = &res->next) {
		if (res->data != data)
			continue;
		*p = res->next;
		res->release(res->data);
		free(res);
		return;
	}
	KUNIT_FAIL(test, "freeing %p, which this case never allocated", data);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (!bytes)
		bytes = 1;	/* a valid pointer for a zero-size request, as kmalloc's */
	p = gfp & __GFP_ZERO ? calloc(1, bytes) : malloc(bytes);
	if (p && kunit_add_action(test, free, p)) {
		free(p);
		return NULL;
	}
	return p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	if (ptr)
		release_one(test, ptr);
}

struct device *kunit_device_register(struct kunit *test, const char *name)
{
	struct device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->name = name;
	dev->numa_node = NUMA_NO_NODE;
	dev->dma_coherent = true;
	if (kunit_add_action(test, free, dev)) {
		free(dev);
		return ERR_PTR(-ENOMEM);
	}
	return dev;
}

void kunit_device_unregister(struct kunit *test, struct device *dev)
{
	release_one(test, dev);
}

/* One run of the case body; a failed assertion or kunit_skip lands here. */
static void run_body(struct kunit_suite *suite, struct kunit_case *tc,
		     struct kunit *test)
{
	if (setjmp(test->abort))
		return;
	if (suite->init) {
		int ret = suite->init(test);

		if (ret) {
			KUNIT_FAIL(test, "suite init returned %d", ret);
			return;
		}
	}
	tc->run_case(test);
}

static void run_once(struct kunit_suite *suite, struct kunit_case *tc,
		     struct kunit *test)
{
	run_body(suite, tc, test);
	/* exit runs after a failed assertion too, as in KUnit. */
	if (suite->exit) {
		if (!setjmp(test->abort))
			suite->exit(test);
	}
	release_resources(test);
}

enum kunit_status kunit_run_case(struct kunit_suite *suite,
				 struct kunit_case *tc, unsigned int *failures,
				 char *skip_reason, size_t skip_reason_size)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	struct kunit test = { .name = tc->name };
	enum kunit_status worst = KUNIT_SUCCESS;
	const void *param = NULL;
	unsigned int runs = 0;

	if (suite->suite_init && suite->suite_init(suite)) {
		*failures = 1;
		return KUNIT_FAILURE;
	}
	do {
		if (tc->generate_params) {
			desc[0] = 0;
			param = tc->generate_params(param, desc);
			if (!param)
				break;
			test.param_value = param;
		}
		test.status = KUNIT_SUCCESS;
		run_once(suite, tc, &test);
		runs++;
		/* Any failed parameter fails the case; skipped only if all were. */
		if (test.status == KUNIT_FAILURE ||
		    (test.status == KUNIT_SKIPPED && (runs == 1 || worst == KUNIT_SKIPPED)))
			worst = test.status;
		else if (test.status == KUNIT_SUCCESS && worst == KUNIT_SKIPPED)
			worst = KUNIT_SUCCESS;
	} while (tc->generate_params && worst != KUNIT_FAILURE);
	if (suite->suite_exit)
		suite->suite_exit(suite);
	*failures = test.failures;
	if (skip_reason && skip_reason_size)
		snprintf(skip_reason, skip_reason_size, "%s", test.status_comment);
	return worst;
}
