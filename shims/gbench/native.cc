// SPDX-License-Identifier: GPL-2.0
/*
 * A native Google Benchmark empty loop, the reference for the C shim's
 * per-iteration cost (bench/shim_overhead.c). Both sides time their loop
 * with the same steady clock around the same library calls, so their
 * ratio is the cost of going through gbench.h.
 */
#include <atomic>
#include <chrono>

#include <benchmark/benchmark.h>

#include "native.h"

static std::atomic<double> last_ns;

static void native_empty(benchmark::State &state)
{
	uint64_t x = 0;
	auto t0 = std::chrono::steady_clock::now();

	for (auto _ : state)
		benchmark::DoNotOptimize(x);
	auto t1 = std::chrono::steady_clock::now();
	double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();

	last_ns.store(ns / state.iterations());
	state.counters["ns_per_iter"] = ns / state.iterations();
}

void gb_native_register_empty(const char *name)
{
	benchmark::RegisterBenchmark(name, native_empty);
}

double gb_native_empty_ns(void)
{
	return last_ns.load();
}
