/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel's selftests (tests/kernel/selftest.c: the initcall kind,
 * tests/kernel/kunit.c: the KUnit kind) share: readying the linked backend
 * for a selftest, which builds its own cfg without cfg->alloc.
 */
#ifndef _TESTS_KERNEL_SELFTEST_H
#define _TESTS_KERNEL_SELFTEST_H

/* Tables a selftest may hold at once: a few per format, plenty of slack. */
#define SELFTEST_TABLES	256

/*
 * Initialise and prepare the backend. Returns NULL when ready, else why
 * this backend cannot serve a kernel selftest (the test SKIPs with it).
 */
const char *selftest_backend_ready(void);

/* KUnit cases a kernel tree registered (the shim's own suite not counted). */
unsigned int kernel_kunit_cases(void);

#endif
