/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: ENOTSUPP (524) mirrors include/linux/errno.h; every other value
 * is the host libc's, which on Linux are the kernel's UAPI numbers.
 *
 * <linux/errno.h>: libc's errno values plus the kernel-only ENOTSUPP.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

/*
 * libc's <errno.h> itself includes <linux/errno.h>, which resolves to this
 * shim: pass that through to the system's so that both see one set.
 */
#include_next <linux/errno.h>
#include <errno.h>
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

#endif
