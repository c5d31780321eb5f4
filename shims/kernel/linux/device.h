/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stubbed: struct device reduced to a name, a NUMA node and a coherence
 * flag (the suite's own layout); dev_err & co. print through printk.
 *
 * <linux/device.h>: a device is a name, a NUMA node and whether DMA to it
 * is coherent; dev_err & co. print through printk.
 */
#ifndef _SHIM_LINUX_DEVICE_H
#define _SHIM_LINUX_DEVICE_H

#include <linux/kernel.h>

struct device {
	const char *name;
	int numa_node;
	bool dma_coherent;
};

static inline int dev_to_node(struct device *dev) { return dev ? dev->numa_node : -1; }
static inline const char *dev_name(const struct device *dev) { return dev && dev->name ? dev->name : "(no device)"; }

#define dev_err(dev, fmt, ...)	shim_printk(KERN_ERR, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	shim_printk(KERN_WARNING, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)	shim_printk(KERN_INFO, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)	do { if (0) dev_info(dev, fmt, ##__VA_ARGS__); } while (0)

#endif
