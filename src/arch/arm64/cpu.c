// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 CPU identity for result context, from MIDR_EL1: Linux emulates
 * EL0 reads of the ID registers when it sets HWCAP_CPUID; otherwise sysfs
 * exports the register. A few common parts are named; the rest are shown
 * by implementer and part number. QEMU's "max" CPU identifies itself with
 * implementer 0 (reserved for software) and part 0x051.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include "arch/cpuinfo.h"

#define HWCAP_CPUID_BIT		(1UL << 11)

struct arm_part {
	unsigned int impl, part;
	const char *name;
};

static const struct arm_part parts[] = {
	{ 0x41, 0xd03, "Arm Cortex-A53" },
	{ 0x41, 0xd05, "Arm Cortex-A55" },
	{ 0x41, 0xd07, "Arm Cortex-A57" },
	{ 0x41, 0xd08, "Arm Cortex-A72" },
	{ 0x41, 0xd0b, "Arm Cortex-A76" },
	{ 0x41, 0xd0c, "Arm Neoverse-N1" },
	{ 0x41, 0xd40, "Arm Neoverse-V1" },
	{ 0x41, 0xd49, "Arm Neoverse-N2" },
	{ 0x41, 0xd4f, "Arm Neoverse-V2" },
	{ 0x00, 0x051, "QEMU max" },
};

const char *arch_cpu_name(void)
{
	return "arm64";
}

/* 0 if unreadable. */
static uint64_t read_midr(void)
{
	unsigned long long v = 0;
	uint64_t midr;
	FILE *f;

	if (getauxval(AT_HWCAP) & HWCAP_CPUID_BIT) {
		__asm__ __volatile__("mrs %0, midr_el1" : "=r" (midr));
		return midr;
	}
	f = fopen("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llx", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static const struct arm_part *find_part(uint64_t midr)
{
	unsigned int impl = (midr >> 24) & 0xff, part = (midr >> 4) & 0xfff;
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].impl == impl && parts[i].part == part)
			return &parts[i];
	return NULL;
}

void arch_cpu_model(char *buf, size_t len)
{
	uint64_t midr = read_midr();
	const struct arm_part *p;

	if (!midr) {
		snprintf(buf, len, "arm64 (MIDR_EL1 unreadable)");
		return;
	}
	p = find_part(midr);
	if (p)
		snprintf(buf, len, "%s r%up%u (MIDR 0x%08llx)", p->name,
			 (unsigned int)(midr >> 20) & 0xf, (unsigned int)midr & 0xf,
			 (unsigned long long)midr);
	else
		snprintf(buf, len, "implementer 0x%02x part 0x%03x (MIDR 0x%08llx)",
			 (unsigned int)(midr >> 24) & 0xff, (unsigned int)(midr >> 4) & 0xfff,
			 (unsigned long long)midr);
}

void arch_cpu_hypervisor(char *buf, size_t len)
{
	/* EL0 has no architected way to ask. */
	if (len)
		buf[0] = '\0';
}

bool arch_cpu_is_emulator_model(void)
{
	uint64_t midr = read_midr();

	return midr && ((midr >> 24) & 0xff) == 0x00 && ((midr >> 4) & 0xfff) == 0x051;
}
