/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: pr_* go to stderr prefixed "[err] ", "[warn] "...
 * (not the kernel's KERN_* bytes), a file's pr_fmt() is not applied,
 * pr_debug is compiled out, and shim_printk_quiet() silences everything for
 * tests that provoke errors on purpose.
 *
 * <linux/printk.h>: pr_* to stderr with the level's name in brackets.
 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H

#include <linux/compiler.h>

int shim_printk(const char *level, const char *fmt, ...) __printf(2, 3);
void shim_printk_quiet(bool quiet);

#define KERN_ERR	"err"
#define KERN_WARNING	"warn"
#define KERN_INFO	"info"
#define KERN_DEBUG	"debug"
#define pr_fmt_shim(fmt)	fmt
#define printk(fmt, ...)	shim_printk("", fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	shim_printk(KERN_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(KERN_WARNING, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(KERN_INFO, fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)	shim_printk("", fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { if (0) shim_printk(KERN_DEBUG, fmt, ##__VA_ARGS__); } while (0)
#define pr_err_ratelimited	pr_err
#define pr_warn_ratelimited	pr_warn

#endif
