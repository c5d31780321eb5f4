/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <asm/io.h>: virt_to_phys/phys_to_virt. Each allocator backend defines
 * its own physical address space (phys may differ from virt), so these are
 * implemented by the backend that is linked in.
 */
#ifndef _SHIM_ASM_IO_H
#define _SHIM_ASM_IO_H

#include <linux/types.h>

phys_addr_t virt_to_phys(const volatile void *virt);
void *phys_to_virt(phys_addr_t phys);
#define __pa(x)		virt_to_phys((void *)(x))
#define __va(x)		phys_to_virt((phys_addr_t)(x))

#endif
