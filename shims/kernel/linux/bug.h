/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: every WARN is counted (shim_warn_count()) so tests
 * can assert none fired, WARN_ONCE still counts and returns true after its
 * first print, and BUG_ON/BUG abort() the process.
 *
 * <linux/bug.h>: WARN_ON and friends. Every warning prints file:line and is
 * counted (shim_warn_count()), so that a test can assert that no warning
 * fired; BUG_ON aborts, as a kernel oops would end the run.
 *
 * WARN_ONCE and WARN_ON_ONCE print once per call site, as the kernel's do
 * (a static flag in each expansion), but every time their condition holds
 * they still return true and count in shim_warn_count(): whether a call
 * WARNs must not depend on which call came first. The repeats they did
 * not print are counted apart (shim_warn_once_silenced()).
 * shim_warn_once_reset() lets every site print again, as the kernel's
 * clear_warn_once does.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/types.h>

void shim_warn(const char *file, int line, const char *fmt, ...) __printf(3, 4);
void shim_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
void shim_warn_once(unsigned int *site_epoch, const char *file, int line,
		    const char *fmt, ...) __printf(4, 5);
unsigned long shim_warn_count(void);
void shim_warn_reset(void);
unsigned long shim_warn_once_silenced(void);
void shim_warn_once_reset(void);

#define WARN(cond, fmt, ...) ({						\
	bool __w = !!(cond);						\
	if (unlikely(__w))						\
		shim_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
	unlikely(__w);							\
})
#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)", #cond)
#define WARN_ONCE(cond, fmt, ...) ({					\
	static unsigned int __site_epoch;				\
	bool __w = !!(cond);						\
	if (unlikely(__w))						\
		shim_warn_once(&__site_epoch, __FILE__, __LINE__,	\
			       fmt, ##__VA_ARGS__);			\
	unlikely(__w);							\
})
#define WARN_ON_ONCE(cond)	WARN_ONCE(cond, "WARN_ON_ONCE(%s)", #cond)
#define BUG_ON(cond)		do { if (unlikely(cond)) shim_bug(__FILE__, __LINE__, #cond); } while (0)
#define BUG()			shim_bug(__FILE__, __LINE__, "BUG()")

#endif
