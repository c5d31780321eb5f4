// SPDX-License-Identifier: GPL-2.0
/*
 * main() of every bench-<backend> binary: set up the backend and the cache
 * code, name what this binary measures (in --help and in every result's
 * context), register the suites, hand over to Google Benchmark.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "bench.h"

void bench_register_all(void);

/* The architecture the binary runs as (under QEMU: the emulated one). */
static const char *run_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "unknown";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	return u.machine;
}

int main(int argc, char **argv)
{
	static char banner[512];
	int ret;

	ret = backend_init();
	if (ret) {
		fprintf(stderr, "%s: backend %s failed to initialise: %s\n",
			argv[0], backend_name(), strerror(-ret));
		return 1;
	}
	arch_cache_init();
	snprintf(banner, sizeof(banner),
		 "io-pgtable-bench: backend %s (%s), core %s, arch %s\n"
		 "cache maintenance: %s\n"
		 "PROFILE=%s (quick|full|cmp) selects the registered set.\n\n",
		 backend_name(), backend_describe(), bench_core_name(),
		 run_arch(), arch_cache_describe(), bench_profile());

	gb_add_context("suite", "io-pgtable-bench");
	gb_add_context("backend", backend_name());
	gb_add_context("backend_describe", backend_describe());
	gb_add_context("core", bench_core_name());
	gb_add_context("arch", run_arch());
	gb_add_context("cache_maintenance", arch_cache_describe());
	gb_add_context("profile", bench_profile());
	bench_register_all();
	return gb_main(argc, argv, banner);
}
