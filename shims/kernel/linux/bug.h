/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/bug.h>: WARN_ON and friends. Every warning prints file:line and is
 * counted (shim_warn_count()), so that a test can assert that no warning
 * fired; BUG_ON aborts, as a kernel oops would end the run.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/types.h>

void shim_warn(const char *file, int line, const char *fmt, ...) __printf(3, 4);
void shim_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
unsigned long shim_warn_count(void);
void shim_warn_reset(void);

#define WARN(cond, fmt, ...) ({						\
	bool __w = !!(cond);						\
	if (unlikely(__w))						\
		shim_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
	unlikely(__w);							\
})
#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)", #cond)
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define BUG_ON(cond)		do { if (unlikely(cond)) shim_bug(__FILE__, __LINE__, #cond); } while (0)
#define BUG()			shim_bug(__FILE__, __LINE__, "BUG()")

#endif
