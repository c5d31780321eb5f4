// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 CPU identity for result context: the CPUID brand string and, when
 * CPUID says a hypervisor is present, its vendor signature (leaf 0x40000000).
 * x86 has no emulator-invented CPU model to recognise here.
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include "arch/cpuinfo.h"

const char *arch_cpu_name(void)
{
	return "x86_64";
}

/* Copy @src without leading and repeated blanks (brand strings pad with them). */
static void squeeze(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	bool blank = true;

	for (; *src && n + 1 < len; src++) {
		if (*src == ' ' && blank)
			continue;
		blank = *src == ' ';
		dst[n++] = *src;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

void arch_cpu_model(char *buf, size_t len)
{
	unsigned int r[12];
	char brand[sizeof(r) + 1];
	int i;

	if (__get_cpuid_max(0x80000000, NULL) < 0x80000004) {
		snprintf(buf, len, "x86_64 (no cpuid brand string)");
		return;
	}
	for (i = 0; i < 3; i++)
		__get_cpuid(0x80000002 + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
	memcpy(brand, r, sizeof(r));
	brand[sizeof(r)] = '\0';
	squeeze(buf, len, brand);
}

void arch_cpu_hypervisor(char *buf, size_t len)
{
	unsigned int a, b, c, d;
	char sig[13];

	buf[0] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	squeeze(buf, len, sig[0] ? sig : "unnamed");
}

bool arch_cpu_is_emulator_model(void)
{
	return false;
}
