// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time half of the kernel shims: printk, WARN accounting, kmalloc.
 * Warnings are counted atomically so that concurrent tests see them all.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/slab.h>

static unsigned long warn_count;
static unsigned long warn_once_silenced;
/* A WARN_ONCE site whose epoch equals this one has printed already. */
static unsigned int warn_once_epoch = 1;
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

static void warn_print(const char *file, int line, const char *fmt, va_list ap)
{
	if (printk_quiet)
		return;
	fprintf(stderr, "WARNING: %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void shim_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	warn_print(file, line, fmt, ap);
	va_end(ap);
}

void shim_warn_once(unsigned int *site_epoch, const char *file, int line,
		    const char *fmt, ...)
{
	unsigned int epoch = __atomic_load_n(&warn_once_epoch, __ATOMIC_RELAXED);
	va_list ap;

	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	/* Exactly one caller per epoch swaps the site's flag: it prints. */
	if (__atomic_exchange_n(site_epoch, epoch, __ATOMIC_RELAXED) == epoch) {
		__atomic_add_fetch(&warn_once_silenced, 1, __ATOMIC_RELAXED);
		return;
	}
	va_start(ap, fmt);
	warn_print(file, line, fmt, ap);
	va_end(ap);
}

unsigned long shim_warn_once_silenced(void)
{
	return __atomic_load_n(&warn_once_silenced, __ATOMIC_RELAXED);
}

void shim_warn_once_reset(void)
{
	__atomic_add_fetch(&warn_once_epoch, 1, __ATOMIC_RELAXED);
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
	/* kzalloc() is kmalloc(size, gfp | __GFP_ZERO) in the kernel. */
	return (gfp & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kmalloc(n * size, gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

void kfree(const void *p)
{
	free((void *)p);
}
