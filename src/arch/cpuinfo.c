// SPDX-License-Identifier: GPL-2.0
/*
 * CPU and run-environment description for result context (see cpuinfo.h).
 * The architecture-specific parts come from src/arch/<arch>/cpu.c; this
 * file combines them with what the OS reports and decides whether the run
 * is emulated.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cache.h"
#include "cpuinfo.h"

static struct cpuinfo info;
static char host_arch[32];
static char summary[320];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* First line of @path without its newline, or "" (returns false). */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	buf[0] = '\0';
	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok && buf[0];
}

static const char *normalise_arch(const char *m)
{
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return "arm64";
	if (!strcmp(m, "x86_64") || !strcmp(m, "amd64"))
		return "x86_64";
	return m;
}

/* /proc/cpuinfo's own flavour tells the kernel's architecture apart. */
static const char *arch_from_proc_cpuinfo(void)
{
	const char *arch = "";
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return arch;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "vendor_id", 9)) {
			arch = "x86_64";
			break;
		}
		if (!strncmp(line, "CPU implementer", 15)) {
			arch = "arm64";
			break;
		}
	}
	fclose(f);
	return arch;
}

static void probe_host_arch(void)
{
	char m[32];

	if (read_line("/proc/sys/kernel/arch", m, sizeof(m)))
		snprintf(host_arch, sizeof(host_arch), "%s", normalise_arch(m));
	else
		snprintf(host_arch, sizeof(host_arch), "%s", arch_from_proc_cpuinfo());
}

/* QEMU's own spelling of the binary's architecture, for "qemu-<arch>". */
static const char *qemu_arch(const char *arch)
{
	return !strcmp(arch, "arm64") ? "aarch64" : arch;
}

static void probe_emulation(void)
{
	const char *env = getenv("IOPGT_EMULATOR");
	bool have_env = env && *env;
	bool mismatch = host_arch[0] && strcmp(host_arch, info.arch);

	/* The variable alone proves nothing: a native run may inherit it. */
	info.emulated = mismatch || arch_cpu_is_emulator_model() ||
			(have_env && !host_arch[0]);
	if (!info.emulated)
		snprintf(info.emulation, sizeof(info.emulation), "native");
	else if (have_env)
		snprintf(info.emulation, sizeof(info.emulation), "%s", env);
	else
		snprintf(info.emulation, sizeof(info.emulation), "qemu-%s (version unknown)",
			 qemu_arch(info.arch));
}

/* "L1d 48K, L2 2048K, L3 491520K" from cpu0's sysfs cache leaves. */
static void probe_caches(void)
{
	char path[96], level[8], type[24], size[24];
	size_t n = 0;
	int i;

	info.caches[0] = '\0';
	for (i = 0; i < 8 && n < sizeof(info.caches); i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (!read_line(path, level, sizeof(level)))
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		read_line(path, type, sizeof(type));
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (!strcmp(type, "Instruction") || !read_line(path, size, sizeof(size)))
			continue;
		n += snprintf(info.caches + n, sizeof(info.caches) - n, "%sL%s%s %s",
			      n ? ", " : "", level, !strcmp(type, "Data") ? "d" : "", size);
	}
	/* Under qemu-user, sysfs is the host's. */
	if (info.caches[0] && info.emulated && n < sizeof(info.caches))
		snprintf(info.caches + n, sizeof(info.caches) - n, " (host's)");
}

static void probe(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	info.arch = arch_cpu_name();
	arch_cpu_model(info.model, sizeof(info.model));
	arch_cpu_hypervisor(info.hypervisor, sizeof(info.hypervisor));
	info.line_size = arch_dcache_line_size();
	info.ncpus = n > 0 ? n : 0;
	probe_host_arch();
	probe_emulation();
	probe_caches();
	snprintf(summary, sizeof(summary), "%s %s; %zu-byte lines; %s; %u cpus; %s%s%s",
		 info.arch, info.model, info.line_size,
		 info.caches[0] ? info.caches : "cache sizes unknown", info.ncpus,
		 info.emulation, info.hypervisor[0] ? ", hypervisor " : "", info.hypervisor);
}

const struct cpuinfo *cpuinfo_get(void)
{
	pthread_once(&once, probe);
	return &info;
}

const char *cpuinfo_emulation(void)
{
	return cpuinfo_get()->emulation;
}

const char *cpuinfo_host_kernel_arch(void)
{
	cpuinfo_get();
	return host_arch;
}

const char *cpuinfo_summary(void)
{
	cpuinfo_get();
	return summary;
}
