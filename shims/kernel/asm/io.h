/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed for the suite: virt_to_phys/phys_to_virt are not the kernel's
 * linear map; each allocator backend (src/alloc/<backend>.c) defines its own
 * physical address space (phys may differ from virt) and implements them.
 * Provides the two declarations and __pa/__va on top.
 */
#ifndef _SHIM_ASM_IO_H
#define _SHIM_ASM_IO_H

#include <linux/types.h>

phys_addr_t virt_to_phys(const volatile void *virt);
void *phys_to_virt(phys_addr_t phys);
#define __pa(x)		virt_to_phys((void *)(x))
#define __va(x)		phys_to_virt((phys_addr_t)(x))

#endif
