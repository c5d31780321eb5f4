// SPDX-License-Identifier: GPL-2.0
/* Test runner: runs the registered tests in name order and counts them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include "alloc/backend.h"
#include "harness.h"

static struct test_case *tests;
static bool cur_failed, cur_skipped, cur_expect_warn, quick;
static const char *cur_skip_reason;
static const char *cur_name;
static unsigned int findings;

void test_register(struct test_case *t)
{
	struct test_case **p = &tests;

	while (*p && strcmp((*p)->name, t->name) < 0)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (!cur_failed)
		fputc('\n', stdout);
	cur_failed = true;
	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void test_skip(const char *reason)
{
	cur_skipped = true;
	cur_skip_reason = reason;
}

void test_finding(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("\n# kernel finding: %s: ", cur_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s:%d)\n", file, line);
	findings++;
}

void expect_warnings(void) { cur_expect_warn = true; }
bool test_failed(void) { return cur_failed; }
bool test_quick(void) { return quick; }

uint64_t test_seed(void)
{
	const char *s = getenv("TEST_SEED");

	return s ? strtoull(s, NULL, 0) : 0x5eed2026ULL;
}

static bool selected(const char *name, int argc, char **argv)
{
	int i, filters = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		filters++;
		if (strstr(name, argv[i]))
			return true;
	}
	return filters == 0;
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0;
	struct test_case *t;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (t = tests; t; t = t->next)
				puts(t->name);
			return 0;
		} else if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "%s: unknown option '%s' (use --list, --quick, or name filters)\n",
				argv[0], argv[i]);
			return 2;
		}
	}
	if (backend_init()) {
		fprintf(stderr, "%s: backend %s failed to initialise\n", argv[0], backend_name());
		return 1;
	}
	printf("# backend %s: %s\n", backend_name(), backend_describe());
	for (t = tests; t; t = t->next) {
		unsigned long warns;

		if (!selected(t->name, argc, argv))
			continue;
		cur_failed = cur_skipped = cur_expect_warn = false;
		cur_name = t->name;
		printf("%-60s", t->name);
		fflush(stdout);
		shim_warn_reset();
		backend_fault_clear();
		t->fn();
		backend_fault_clear();
		shim_printk_quiet(false);
		warns = shim_warn_count();
		if (warns && !cur_expect_warn)
			test_fail(__FILE__, __LINE__, "%lu unexpected WARN(s) fired", warns);
		if (cur_failed) {
			printf("    FAIL %s\n", t->name);
			failed++;
		} else if (cur_skipped) {
			printf(" skip (%s)\n", cur_skip_reason);
			skipped++;
		} else {
			printf(" ok\n");
			passed++;
		}
	}
	printf("%u passed, %u failed", passed, failed);
	if (skipped)
		printf(", %u skipped", skipped);
	if (findings)
		printf(", %u kernel findings", findings);
	putchar('\n');
	return failed ? 1 : 0;
}
