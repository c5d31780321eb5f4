/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: only kunit_device_register/kunit_device_unregister of the
 * kernel's include/kunit/device.h (no driver, bus or kobject behind it).
 *
 * <kunit/device.h>: a device that lives as long as the KUnit case that
 * registered it (freed when the case ends, as the kernel's is released).
 * Coherent DMA, NUMA_NO_NODE: what io-pgtable's selftest needs to hand
 * its cfg->iommu_dev.
 */
#ifndef _SHIM_KUNIT_DEVICE_H
#define _SHIM_KUNIT_DEVICE_H

#include <linux/device.h>
#include <kunit/test.h>

struct device *kunit_device_register(struct kunit *test, const char *name);
void kunit_device_unregister(struct kunit *test, struct device *dev);

#endif
