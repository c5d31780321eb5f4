/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: initcalls are not run at boot; they register on
 * a list at program load, and tests/kernel/selftest.c walks it
 * (shim_initcall_first()) and runs them: the kernel's selftest as a test.
 *
 * <linux/init.h>: initcalls in user space. A kernel file's
 * subsys_initcall(fn) / late_initcall(fn) / module_init(fn) registers fn,
 * at program load, on a list that a test walks and runs
 * (shim_initcall_first(), ->next); nothing runs by itself. This is how
 * the kernel's own io-pgtable selftest (CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST)
 * becomes a test case of the suite. __init code is ordinary code here.
 */
#ifndef _SHIM_LINUX_INIT_H
#define _SHIM_LINUX_INIT_H

#include <linux/compiler.h>

struct shim_initcall {
	const char *name;		/* the function's name */
	const char *level;		/* "subsys", "late", "module" ... */
	const char *file;		/* source file that registered it */
	int (*fn)(void);
	struct shim_initcall *next;
};

void shim_initcall_register(struct shim_initcall *call);
/* First registered initcall (in registration order), NULL if none. */
struct shim_initcall *shim_initcall_first(void);

#define __shim_initcall(func, lvl)					\
	static struct shim_initcall __shim_ic_##func = {		\
		.name = #func, .level = lvl, .file = __FILE__, .fn = func, \
	};								\
	__attribute__((constructor)) static void __shim_ic_reg_##func(void) \
	{ shim_initcall_register(&__shim_ic_##func); }

#define core_initcall(fn)	__shim_initcall(fn, "core")
#define subsys_initcall(fn)	__shim_initcall(fn, "subsys")
#define device_initcall(fn)	__shim_initcall(fn, "device")
#define late_initcall(fn)	__shim_initcall(fn, "late")
#define module_init(fn)		__shim_initcall(fn, "module")
/* Nothing is ever unloaded: the exit function is referenced, never run. */
#define module_exit(fn) \
	static void (*const __shim_exit_##fn)(void) __attribute__((__unused__)) = fn

#ifndef __initconst
#define __initconst
#endif

#endif
