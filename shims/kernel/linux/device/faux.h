/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: faux_device_create/faux_device_destroy of the kernel's
 * include/linux/device/faux.h, a calloc'ed struct device and nothing else.
 *
 * <linux/device/faux.h>: the "faux" device that io-pgtable's initcall
 * selftest (6.15 to 6.18) creates for its cfg->iommu_dev: a struct device
 * with a name, coherent, on no NUMA node. Probe/remove ops are not called.
 */
#ifndef _SHIM_LINUX_DEVICE_FAUX_H
#define _SHIM_LINUX_DEVICE_FAUX_H

#include <stdlib.h>
#include <linux/device.h>
#include <linux/module.h>

struct faux_device {
	struct device dev;
};

struct faux_device_ops;

static inline struct faux_device *faux_device_create(const char *name,
						     struct device *parent,
						     const struct faux_device_ops *ops)
{
	struct faux_device *fdev = calloc(1, sizeof(*fdev));

	if (!fdev)
		return NULL;
	fdev->dev.name = name;
	fdev->dev.numa_node = -1;
	fdev->dev.dma_coherent = true;
	return fdev;
}

static inline void faux_device_destroy(struct faux_device *fdev)
{
	free(fdev);
}

#endif
