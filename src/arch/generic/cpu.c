// SPDX-License-Identifier: GPL-2.0
/*
 * CPU identity on architectures without their own src/arch/<arch>/cpu.c:
 * the machine name the kernel reports and nothing invented.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include "arch/cpuinfo.h"

const char *arch_cpu_name(void)
{
	static char name[sizeof(((struct utsname *)0)->machine)];
	struct utsname u;

	if (!name[0])
		snprintf(name, sizeof(name), "%s", uname(&u) ? "unknown" : u.machine);
	return name;
}

void arch_cpu_model(char *buf, size_t len)
{
	snprintf(buf, len, "%s (model not read on this architecture)", arch_cpu_name());
}

void arch_cpu_hypervisor(char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
}

bool arch_cpu_is_emulator_model(void)
{
	return false;
}
