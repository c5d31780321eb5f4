/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: MODULE_* metadata and the KUnit export helpers expand to nothing.
 *
 * <linux/module.h>: module metadata is dropped; module_init/module_exit
 * come from <linux/init.h> (an exit function is kept referenced, never run).
 */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/init.h>

#define MODULE_LICENSE(s)
#define MODULE_DESCRIPTION(s)
#define MODULE_AUTHOR(s)
#define MODULE_IMPORT_NS(ns)
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define VISIBLE_IF_KUNIT

#endif
