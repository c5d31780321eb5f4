// SPDX-License-Identifier: GPL-2.0
/*
 * shim/...: what the C API of gbench.h costs per iteration. The same empty
 * loop (one do-not-optimize barrier per iteration) runs natively in C++
 * and through gb_loop_begin()/gb_loop_end(), both timed with this thread's
 * CPU-time clock around the library's loop calls. The C loop is the
 * caller's own, so the shim costs nothing inside it; what it adds is
 * gb_loop_begin() and gb_loop_end(), timed directly: shim_ns_per_run, and
 * shim_ns_per_iter (that over the run's iterations, the fixed cost each
 * timed call carries). shim/c/pause-resume times one gb_pause() +
 * gb_resume(), which the map/unmap rows pay once per round of up to a
 * thousand calls. ratio_vs_native (C loop over the native C++ loop, when
 * that ran first) is kept for history but promises nothing: two loops of
 * about one cycle each differ by code alignment and load (0.50 to 1.16 in
 * the committed reference run).
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
	u64 t0 = thread_ns(), ta, tb, t1, i, n, x = 0;
	double ns, native;

	n = gb_loop_begin(st);
	ta = thread_ns();
	for (i = 0; i < n; i++)
		gb_do_not_optimize(x);
	tb = thread_ns();
	gb_loop_end(st);
	t1 = thread_ns();
	if (!n)
		return;
	ns = (double)(t1 - t0) / n;
	gb_counter_set(st, "ns_per_iter", ns, GB_CNT_DEFAULT);
	/* gb_loop_begin() and gb_loop_end() themselves: paid once per run. */
	gb_counter_set(st, "shim_ns_per_run", (double)(ta - t0) + (t1 - tb), GB_CNT_DEFAULT);
	gb_counter_set(st, "shim_ns_per_iter", ((double)(ta - t0) + (t1 - tb)) / n,
		       GB_CNT_DEFAULT);
	native = gb_native_empty_ns();
	if (native > 0)
		gb_counter_set(st, "ratio_vs_native", ns / native, GB_CNT_DEFAULT);
	else
		gb_set_label(st, "native loop not run: no ratio");
}

/*
 * What the map/unmap rows' rounds add per round: one gb_pause() and one
 * gb_resume() (bench/lib/matrix.c), timed here by this thread's clock.
 */
static void bm_c_pause_resume(struct gb_state *st, void *arg)
{
	u64 t0, i, n;

	n = gb_loop_begin(st);
	t0 = thread_ns();
	for (i = 0; i < n; i++) {
		gb_pause(st);
		gb_resume(st);
	}
	t0 = thread_ns() - t0;
	gb_loop_end(st);
	if (n)
		gb_counter_set(st, "pause_resume_ns", (double)t0 / n, GB_CNT_DEFAULT);
}

static void shim_overhead_register(void)
{
	gb_native_register_empty("shim/native/empty-loop");
	gb_register("shim/c/empty-loop", bm_c_empty, NULL);
	gb_register("shim/c/pause-resume", bm_c_pause_resume, NULL);
}
BENCH_SUITE(shim_overhead_register)
