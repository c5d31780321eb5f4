/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a result needs to say about the CPU it ran on.
 *
 * cpuinfo_get() fills, once per process, the architecture the binary was
 * built for, the CPU model, the data-cache line size that cache maintenance
 * uses (and where it came from), the cache sizes the OS reports, and how
 * the binary runs: "native", or "qemu-aarch64 <version>" under QEMU's
 * user-mode emulator. Unknown fields are empty or 0, never guessed.
 */
#ifndef _ARCH_CPUINFO_H
#define _ARCH_CPUINFO_H

#include <stdbool.h>
#include <stddef.h>

struct cpuinfo {
	const char *arch;	/* built for: "x86_64", "arm64", ... */
	char model[96];		/* "Intel(R) Xeon(R) ...", "Arm Neoverse-N1 (MIDR 0x...)" */
	char hypervisor[24];	/* CPUID hypervisor vendor on x86, else "" */
	size_t line_size;	/* arch_dcache_line_size() */
	char caches[96];	/* "L1d 48K, L2 2048K, L3 491520K", "" if unknown */
	unsigned int ncpus;	/* online CPUs */
	bool emulated;		/* under a user-mode emulator (QEMU) */
	char emulation[64];	/* "native", "qemu-aarch64 7.2.22", ... */
};

/* The process-wide description; computed on first call, thread-safe. */
const struct cpuinfo *cpuinfo_get(void);

/*
 * "native" or the emulator's name and version. The version comes from the
 * host side: the Makefile exports IOPGT_EMULATOR ("qemu-aarch64 7.2.22",
 * from `$(RUNNER) --version`) to what it runs. Without it, an emulated run
 * is still detected from inside (the host kernel's architecture differs
 * from the binary's) and reported as "<emulator> (version unknown)".
 */
const char *cpuinfo_emulation(void);

/*
 * Architecture the running kernel reports (/proc/sys/kernel/arch, else
 * /proc/cpuinfo's flavour), normalised to "x86_64"/"arm64"; "" if unknown.
 * Under qemu-user this is the host's, not the emulated one.
 */
const char *cpuinfo_host_kernel_arch(void);

/* One line for logs and result context: model, line size, caches, emulation. */
const char *cpuinfo_summary(void);

/*
 * Provided per architecture by src/arch/<arch>/cpu.c (chosen by linking):
 * the architecture's name as the suite spells it, the CPU model as the CPU
 * identifies itself, the hypervisor's vendor string if the CPU reports one
 * ("" otherwise), and whether the CPU's own ID says it is an emulator's
 * invented model (QEMU's "max" CPU).
 */
const char *arch_cpu_name(void);
void arch_cpu_model(char *buf, size_t len);
void arch_cpu_hypervisor(char *buf, size_t len);
bool arch_cpu_is_emulator_model(void);

#endif
