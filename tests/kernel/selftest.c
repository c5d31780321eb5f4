// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own verdict on the shims: a kernel tree's io-pgtable-arm.c
 * is built with CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST, its selftest
 * registers itself through the shimmed subsys_initcall (<linux/init.h>),
 * and this test runs it against the linked backend. It passes when the
 * selftest returns 0, fired no WARN (its failures are WARNs) and gave back
 * every table it allocated. With the suite's own core there is no such
 * selftest: the test says so and is skipped.
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

/* Tables the selftest may hold at once: a few per format, plenty of slack. */
#define SELFTEST_TABLES	256

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

TEST(kernel_selftest)
{
	struct io_pgtable_cfg probe = { 0 };
	struct alloc_stats before, after;
	struct shim_initcall *ic;
	unsigned long warns;
	int ran = 0, ret;

	if (!pgtable_core_has(CORE_F_SELFTEST))
		SKIP("the own core has no kernel selftest (build with KSRC=<linux tree>)");
	REQUIRE(backend_init() == 0);
	/*
	 * The selftest builds its own cfg without cfg->alloc: a backend that
	 * serves tables only through cfg->alloc (a driver's pool) has none to give.
	 */
	backend_setup_cfg(&probe);
	if (probe.alloc)
		SKIP("the kernel's selftest never sets cfg->alloc, the only way this backend hands out tables");
	REQUIRE(backend_prepare(SELFTEST_TABLES) == 0);

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
