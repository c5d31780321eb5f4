/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copied: FIELD_PREP/FIELD_GET/FIELD_FIT/FIELD_MAX mirror
 * include/linux/bitfield.h (no version pinned: see README.md), without the
 * kernel's compile-time mask checks (__BF_FIELD_CHECK).
 *
 * <linux/bitfield.h>: FIELD_PREP/FIELD_GET/FIELD_FIT over constant masks.
 */
#ifndef _SHIM_LINUX_BITFIELD_H
#define _SHIM_LINUX_BITFIELD_H

#include <linux/bits.h>

#define __bf_shf(x)		(__builtin_ffsll(x) - 1)
#define FIELD_PREP(mask, val) \
	((__typeof__(mask))(((__typeof__(mask))(val) << __bf_shf(mask)) & (mask)))
#define FIELD_GET(mask, reg) \
	((__typeof__(mask))(((reg) & (mask)) >> __bf_shf(mask)))
#define FIELD_FIT(mask, val) \
	(!((((__typeof__(mask))(val)) << __bf_shf(mask)) & ~(mask)))
#define FIELD_MAX(mask)		((__typeof__(mask))((mask) >> __bf_shf(mask)))

#endif
