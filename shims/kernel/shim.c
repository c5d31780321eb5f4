// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time half of the kernel shims: printk, WARN accounting, kmalloc.
 * Warnings are counted atomically so that concurrent tests see them all.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/slab.h>

static unsigned long warn_count;
static bool printk_quiet;

void shim_printk_quiet(bool quiet)
{
	printk_quiet = quiet;
}

int shim_printk(const char *level, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (printk_quiet)
		return 0;
	if (level[0])
		fprintf(stderr, "[%s] ", level);
	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

void shim_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	if (printk_quiet)
		return;
	fprintf(stderr, "WARNING: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void shim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, cond);
	abort();
}

unsigned long shim_warn_count(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

void shim_warn_reset(void)
{
	__atomic_store_n(&warn_count, 0, __ATOMIC_RELAXED);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

void kfree(const void *p)
{
	free((void *)p);
}
