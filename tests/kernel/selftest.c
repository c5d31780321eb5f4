// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own verdict on the shims: a kernel tree's selftest runs in
 * user space against the linked backend. Which kind a tree has is probed
 * from its source (scripts/kernel-version.sh, KCORE_SELFTEST_KIND):
 *
 *   in-file   io-pgtable-arm.c's CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST
 *             (5.15 to 6.14), registered through the shimmed subsys_initcall;
 *   initcall  io-pgtable-arm-selftests.c as an initcall with a faux device;
 *   kunit     io-pgtable-arm-selftests.c as a KUnit suite (6.19+): each
 *             case is a test of its own, kunit_<suite>_<case>
 *             (tests/kernel/kunit.c); kernel_selftest then only checks that
 *             the suite registered.
 *
 * An initcall selftest passes when it returns 0, fired no WARN (its
 * failures are WARNs) and gave back every table it allocated. A tree with
 * no selftest, and the suite's own core, say so and skip.
 *
 * KSELFTEST_VERBOSE=1 in the environment shows the selftest's own log.
 */
#include <stdlib.h>
#include <string.h>
#include <alloc/backend.h>
#include <kcore.h>
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/printk.h>
#include "harness.h"
#include "kernel/selftest.h"

const char *selftest_backend_ready(void)
{
	struct io_pgtable_cfg probe = { 0 };

	if (backend_init())
		return "the backend failed to initialise";
	/*
	 * The selftest builds its own cfg without cfg->alloc: a backend that
	 * serves tables only through cfg->alloc (a driver's pool) has none to give.
	 */
	backend_setup_cfg(&probe);
	if (probe.alloc)
		return "the kernel's selftest never sets cfg->alloc, the only way this backend hands out tables";
	if (backend_prepare(SELFTEST_TABLES))
		return "the backend could not reserve tables for the selftest";
	return NULL;
}

static bool from_pgtable_core(const struct shim_initcall *ic)
{
	return strstr(ic->file, "io-pgtable") != NULL;
}

static int run_quiet(const struct shim_initcall *ic, unsigned long *warns)
{
	unsigned long before = shim_warn_count();
	int ret;

	/*
	 * It prints a line per configuration; only a failure is worth reading
	 * (KSELFTEST_VERBOSE=1 shows them anyway).
	 */
	shim_printk_quiet(!getenv("KSELFTEST_VERBOSE"));
	ret = ic->fn();
	shim_printk_quiet(false);
	*warns = shim_warn_count() - before;
	return ret;
}

/* Why this binary's core has no initcall selftest to run; NULL if it has one. */
static const char *no_initcall_selftest(void)
{
	static char why[200];
	const char *kind = pgtable_core_selftest_kind();

	if (pgtable_core_is_own())
		return "the own core has no kernel selftest (build with KSRC=<linux tree>)";
	if (!strcmp(kind, "kunit"))
		snprintf(why, sizeof(why), "%s's selftest is a KUnit suite: its %u case(s) run as kunit_* tests",
			 pgtable_core_name(), kernel_kunit_cases());
	else if (!pgtable_core_has(CORE_F_SELFTEST))
		snprintf(why, sizeof(why), "%s has no kernel selftest (none in io-pgtable-arm.c, no io-pgtable-arm-selftests.c)",
			 pgtable_core_name());
	else
		return NULL;
	return why;
}

TEST(kernel_selftest)
{
	struct alloc_stats before, after;
	struct shim_initcall *ic;
	unsigned long warns;
	const char *why;
	int ran = 0, ret;

	if (!strcmp(pgtable_core_selftest_kind(), "kunit") && !kernel_kunit_cases()) {
		test_fail(__FILE__, __LINE__, "%s has a KUnit selftest but registered no suite",
			  pgtable_core_name());
		return;
	}
	why = no_initcall_selftest();
	if (why)
		SKIP(why);
	why = selftest_backend_ready();
	if (why)
		SKIP(why);

	for (ic = shim_initcall_first(); ic; ic = ic->next) {
		if (!from_pgtable_core(ic))
			continue;
		backend_stats(&before);
		ret = run_quiet(ic, &warns);
		backend_stats(&after);
		if (ret || warns) {
			/* Run it again aloud so that the log shows which case failed. */
			fprintf(stderr, "%s %s (%s): returned %d with %lu WARN(s); again, verbose:\n",
				pgtable_core_name(), ic->name, backend_name(), ret, warns);
			ic->fn();
			expect_warnings();	/* counted below, not twice */
		}
		CHECK_EQ(ret, 0);
		CHECK_EQ(warns, 0);
		/* Failing cases return early and leak by design; passing ones must not. */
		if (!ret)
			CHECK_EQ(after.bytes_held, before.bytes_held);
		ran++;
	}
	if (!ran)
		test_fail(__FILE__, __LINE__, "%s claims a selftest but registered no initcall",
			  pgtable_core_name());
}
