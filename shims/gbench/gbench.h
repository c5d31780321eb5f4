/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gbench: a C API over Google Benchmark (libbenchmark 1.7.x).
 *
 * A benchmark is a C function and a void * argument registered under a
 * name. The timed loop costs nothing per iteration across the C/C++
 * boundary: gb_loop_begin() starts the timer and returns how many
 * iterations to run, the C code runs its own loop, gb_loop_end() stops the
 * timer. Everything else (counters, manual time, skip with error, context,
 * the --benchmark_* flags) maps one to one onto Google Benchmark.
 *
 *	static void bm(struct gb_state *st, void *arg)
 *	{
 *		uint64_t i, n = gb_loop_begin(st);
 *
 *		for (i = 0; i < n; i++)
 *			work(arg);
 *		gb_loop_end(st);
 *		gb_set_items_processed(st, n);
 *	}
 *	gb_register("work/x", bm, arg);
 */
#ifndef _GBENCH_H
#define _GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gb_state;	/* a benchmark::State, one per benchmark thread */
struct gb_bench;	/* a registered benchmark (benchmark::internal::Benchmark) */

typedef void (*gb_fn)(struct gb_state *st, void *arg);

/* Counter flags: the values of benchmark::Counter::Flags. */
enum gb_counter_flags {
	GB_CNT_DEFAULT			= 0,
	GB_CNT_RATE			= 1 << 0,	/* divided by seconds */
	GB_CNT_AVG_THREADS		= 1 << 1,	/* divided by threads */
	GB_CNT_AVG_THREADS_RATE		= (1 << 0) | (1 << 1),
	GB_CNT_ITER_INVARIANT		= 1 << 2,	/* multiplied by iterations */
	GB_CNT_ITER_INVARIANT_RATE	= (1 << 0) | (1 << 2),
	GB_CNT_AVG_ITERATIONS		= 1 << 3,	/* divided by iterations: per call */
	GB_CNT_AVG_ITERATIONS_RATE	= (1 << 0) | (1 << 3),
	GB_CNT_INVERT			= 1u << 31,	/* 1 / value */
};

enum gb_time_unit { GB_NS, GB_US, GB_MS, GB_S };

/* ---- registration (before gb_main runs the benchmarks) ---- */

/* Register @fn(st, @arg) under @name (copied). Never NULL: aborts on OOM. */
struct gb_bench *gb_register(const char *name, gb_fn fn, void *arg);
/* One argument set: gb_range(st, 0..n-1) inside the function. */
struct gb_bench *gb_args(struct gb_bench *b, const int64_t *v, size_t n);
struct gb_bench *gb_arg(struct gb_bench *b, int64_t v);
/* Run with @n threads; call again for more thread counts. */
struct gb_bench *gb_threads(struct gb_bench *b, int n);
struct gb_bench *gb_min_time(struct gb_bench *b, double seconds);
struct gb_bench *gb_iterations(struct gb_bench *b, uint64_t n);
struct gb_bench *gb_repetitions(struct gb_bench *b, int n);
struct gb_bench *gb_report_aggregates_only(struct gb_bench *b, bool only);
/* Add a "min" aggregate (the fastest repetition) to mean/median/stddev/cv. */
struct gb_bench *gb_statistics_min(struct gb_bench *b);
/* The function calls gb_set_iteration_time(); that time is reported. */
struct gb_bench *gb_use_manual_time(struct gb_bench *b);
struct gb_bench *gb_use_real_time(struct gb_bench *b);
struct gb_bench *gb_unit(struct gb_bench *b, enum gb_time_unit u);

/* Custom context entry in every report (before gb_main's run, or from it). */
void gb_add_context(const char *key, const char *value);

/*
 * Hooks for what must bracket exactly the measured code (hardware
 * counters), set once before gb_main; any may be NULL. @init runs in
 * gb_main once the flags are parsed (non-zero: it printed why, gb_main
 * returns 2); @start right before the timer starts (@fresh: a new run, not
 * a resume after gb_pause) and @stop right after it stops, in the thread
 * that runs the loop; @publish once the function returned, to set counters.
 */
struct gb_hooks {
	int (*init)(void);
	void (*start)(struct gb_state *st, bool fresh);
	void (*stop)(struct gb_state *st);
	void (*publish)(struct gb_state *st);
};
void gb_set_hooks(const struct gb_hooks *h);

/*
 * Parse every --benchmark_* flag (unknown options and bad numbers: one-line
 * error, exit 2), print @help_banner (may be NULL) before the library's help
 * on --help, run the selected benchmarks. Returns the process exit status:
 * 0 clean; 2 bad option, or a filter that selects nothing; 3 a benchmark
 * skipped with an error; 4 the --benchmark_out file could not be written.
 */
int gb_main(int argc, char **argv, const char *help_banner);

/* ---- inside a benchmark function ---- */

/*
 * Start the timer and return the iteration count to run (0 if the
 * benchmark was skipped before the loop). Threads meet at a barrier here.
 */
uint64_t gb_loop_begin(struct gb_state *st);
/* Stop the timer (threads meet at a barrier). Call once after the loop. */
void gb_loop_end(struct gb_state *st);

/* Stop/restart the timer inside the loop: costly (~100s of ns), use per batch. */
void gb_pause(struct gb_state *st);
void gb_resume(struct gb_state *st);

int64_t gb_range(const struct gb_state *st, size_t idx);
int gb_thread_index(const struct gb_state *st);
int gb_thread_count(const struct gb_state *st);
uint64_t gb_max_iterations(const struct gb_state *st);

void gb_set_iteration_time(struct gb_state *st, double seconds);
void gb_set_items_processed(struct gb_state *st, int64_t items);
void gb_set_bytes_processed(struct gb_state *st, int64_t bytes);
void gb_set_label(struct gb_state *st, const char *label);
/* Set (replace) or add to a user counter. */
void gb_counter_set(struct gb_state *st, const char *name, double value,
		    unsigned int flags);
void gb_counter_add(struct gb_state *st, const char *name, double value,
		    unsigned int flags);

/* Skip this run: reported as an error with @msg, never as a number. */
void gb_skip_with_error(struct gb_state *st, const char *msg);
void gb_skip_with_errorf(struct gb_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool gb_error_occurred(const struct gb_state *st);

/*
 * Optimisation barriers, free of calls (as benchmark::DoNotOptimize):
 * gb_do_not_optimize(lvalue) makes the compiler assume @lvalue is read and
 * modified here, so a loop around it is neither removed nor collapsed.
 */

#if defined(__clang__)
#define gb_do_not_optimize(v)	__asm__ __volatile__("" : "+r,m"(v) : : "memory")
#else
#define gb_do_not_optimize(v)	__asm__ __volatile__("" : "+m,r"(v) : : "memory")
#endif
static inline void gb_clobber_memory(void)
{
	__asm__ __volatile__("" : : : "memory");
}

#ifdef __cplusplus
}
#endif

#endif
