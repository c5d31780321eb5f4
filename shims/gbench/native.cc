// SPDX-License-Identifier: GPL-2.0
/*
 * A native Google Benchmark empty loop, the reference for the C shim's
 * per-iteration cost (bench/shim_overhead.c). Both sides time their loop
 * with the same steady clock around the same library calls, so their
 * ratio is the cost of going through gbench.h. The clock is this thread's
 * CPU time: on a shared machine wall time mostly measures the neighbours.
 */
#include <atomic>
#include <ctime>

#include <benchmark/benchmark.h>

#include "native.h"

static std::atomic<double> last_ns;

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void native_empty(benchmark::State &state)
{
	uint64_t x = 0;
	double t0 = thread_ns(), ns;

	for (auto _ : state)
		benchmark::DoNotOptimize(x);
	ns = (thread_ns() - t0) / state.iterations();
	last_ns.store(ns);
	state.counters["ns_per_iter"] = ns;
}

void gb_native_register_empty(const char *name)
{
	benchmark::RegisterBenchmark(name, native_empty);
}

double gb_native_empty_ns(void)
{
	return last_ns.load();
}
