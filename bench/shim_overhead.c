// SPDX-License-Identifier: GPL-2.0
/*
 * shim/...: what the C API of gbench.h costs per iteration. The same empty
 * loop (one do-not-optimize barrier per iteration) runs natively in C++
 * and through gb_loop_begin()/gb_loop_end(); the C benchmark reports
 * ratio_vs_native (its ns per iteration over the native one's, both timed
 * with this thread's CPU-time clock around the library's loop calls, so
 * that a busy machine does not decide the ratio). It must stay within
 * 1.10: the map/unmap numbers must not carry shim cost.
 *
 * The native loop runs first (registered first); when filtered out or not
 * yet run (random interleaving), the ratio is absent and the label says so.
 */
#include <time.h>
#include "gbench/native.h"
#include "lib/bench.h"

static u64 thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void bm_c_empty(struct gb_state *st, void *arg)
{
	u64 t0 = thread_ns(), t1, i, n, x = 0;
	double ns, native;

	n = gb_loop_begin(st);
	for (i = 0; i < n; i++)
		gb_do_not_optimize(x);
	gb_loop_end(st);
	t1 = thread_ns();
	if (!n)
		return;
	ns = (double)(t1 - t0) / n;
	gb_counter_set(st, "ns_per_iter", ns, GB_CNT_DEFAULT);
	native = gb_native_empty_ns();
	if (native > 0)
		gb_counter_set(st, "ratio_vs_native", ns / native, GB_CNT_DEFAULT);
	else
		gb_set_label(st, "native loop not run: no ratio");
}

static void shim_overhead_register(void)
{
	gb_native_register_empty("shim/native/empty-loop");
	gb_register("shim/c/empty-loop", bm_c_empty, NULL);
}
BENCH_SUITE(shim_overhead_register)
