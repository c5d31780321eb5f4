// SPDX-License-Identifier: GPL-2.0
/*
 * The shims' WARN_ONCE behaves as the kernel's: it prints once per call
 * site, returns its condition every time, and every firing still counts in
 * shim_warn_count(), so a test's "this call WARNs" does not depend on
 * which test or call reached the site first. 7.0's partial-unmap refusal
 * is a WARN_ONCE; before the shim had a flag per site it printed on every
 * call.
 */
#include <linux/bug.h>
#include <linux/printk.h>
#include "harness.h"

static bool site_a(bool cond)
{
	return WARN_ONCE(cond, "site a");
}

static bool site_b(bool cond)
{
	return WARN_ON_ONCE(cond);
}

TEST(shim_warn_once_prints_once_per_site)
{
	unsigned long warns = shim_warn_count();
	unsigned long silenced = shim_warn_once_silenced();
	int i;

	expect_warnings();
	shim_printk_quiet(true);
	for (i = 0; i < 3; i++) {
		CHECK(!site_a(false));
		CHECK(site_a(true));
		CHECK(site_b(true));
	}
	/* Six firings counted, two sites printed once each: four silenced. */
	CHECK_EQ(shim_warn_count() - warns, 6);
	CHECK_EQ(shim_warn_once_silenced() - silenced, 4);

	/* As clear_warn_once: each site prints once more, then is silent again. */
	shim_warn_once_reset();
	silenced = shim_warn_once_silenced();
	CHECK(site_a(true));
	CHECK(site_b(true));
	CHECK_EQ(shim_warn_once_silenced() - silenced, 0);
	CHECK(site_a(true));
	CHECK_EQ(shim_warn_once_silenced() - silenced, 1);
	shim_printk_quiet(false);
}

TEST(shim_warn_every_call)
{
	unsigned long silenced = shim_warn_once_silenced();
	unsigned long warns = shim_warn_count();
	int i;

	expect_warnings();
	shim_printk_quiet(true);
	for (i = 0; i < 3; i++)
		CHECK(WARN_ON(i >= 0));
	shim_printk_quiet(false);
	CHECK_EQ(shim_warn_count() - warns, 3);
	CHECK_EQ(shim_warn_once_silenced() - silenced, 0);
}
