// SPDX-License-Identifier: GPL-2.0
/*
 * The perf_event counters are real where they can be: with a PMU, the
 * instruction count of a fixed loop is the same (within 1%) run after run
 * and scales with the loop; without one, the test is skipped with the
 * reason, and the software fallback (task-clock) still measures time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arch/perfcount.h"
#include "harness.h"

/* A loop whose instruction count does not depend on data or timing. */
static __attribute__((noinline)) uint64_t fixed_loop(uint64_t n)
{
	uint64_t x = 1, i;

	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static double count_loop(struct perfcount *pc, int idx, uint64_t n)
{
	volatile uint64_t sink;

	perfcount_reset(pc);
	perfcount_start(pc);
	sink = fixed_loop(n);
	perfcount_stop(pc);
	(void)sink;
	return perfcount_value(pc, idx);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

TEST(perfcount_describe_names_events_or_reason)
{
	const char *d;
	unsigned int i;

	perfcount_init(NULL);
	d = perfcount_describe();
	REQUIRE(d && d[0]);
	if (perfcount_hw()) {
		CHECK(perfcount_hw_reason() == NULL);
		CHECK(!strstr(d, "unavailable"));
	} else {
		CHECK(perfcount_hw_reason() && perfcount_hw_reason()[0]);
		CHECK(strstr(d, "unavailable (") == d);
	}
	for (i = 0; i < perfcount_nr(); i++) {
		CHECK(strstr(d, perfcount_name(i)) != NULL);
		CHECK_EQ(perfcount_index(perfcount_name(i)), i);
	}
	CHECK_EQ(perfcount_index("no-such-event"), -1);
}

TEST(perfcount_instructions_stable_across_runs)
{
	static char reason[256];
	struct perfcount pc;
	double per_iter[7], small, med;
	const uint64_t n = 1000000;
	int idx, i;

	perfcount_init(NULL);
	idx = perfcount_index("instructions");
	if (idx < 0) {
		snprintf(reason, sizeof(reason), "no instruction counter: %s",
			 perfcount_hw_reason() ? perfcount_hw_reason() : "not selected by PERF_EVENTS");
		SKIP(reason);
	}
	REQUIRE(perfcount_open(&pc) == 0);
	count_loop(&pc, idx, n);	/* warm up: page in, branch predictors */
	for (i = 0; i < 7; i++)
		per_iter[i] = count_loop(&pc, idx, n) / n;
	small = count_loop(&pc, idx, n / 10);
	perfcount_close(&pc);

	qsort(per_iter, 7, sizeof(per_iter[0]), cmp_double);
	med = per_iter[3];
	CHECK(med >= 2.0);	/* a multiply, an add, a compare, a branch */
	for (i = 0; i < 7; i++)
		if (per_iter[i] < med * 0.99 || per_iter[i] > med * 1.01)
			test_fail(__FILE__, __LINE__, "run %d: %.4f instructions/iteration, median %.4f",
				  i, per_iter[i], med);
	/* A tenth of the loop is a tenth of the instructions: they are counted, not guessed. */
	CHECK(small > 0.09 * med * n && small < 0.11 * med * n);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

TEST(perfcount_task_clock_measures_time)
{
	static char reason[256];
	struct perfcount pc;
	uint64_t t0, w0, cpu, wall;
	double tc;
	int idx;

	perfcount_init(NULL);
	idx = perfcount_index("task-clock");
	if (idx < 0 && perfcount_hw())
		SKIP("hardware counters in use; task-clock is only the fallback");
	if (idx < 0) {
		snprintf(reason, sizeof(reason), "no counters at all: %s", perfcount_describe());
		SKIP(reason);
	}
	REQUIRE(perfcount_open(&pc) == 0);
	perfcount_reset(&pc);
	w0 = clock_ns(CLOCK_MONOTONIC);
	t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	perfcount_start(&pc);
	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 20000000)
		fixed_loop(1000);
	perfcount_stop(&pc);
	cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	wall = clock_ns(CLOCK_MONOTONIC) - w0;
	tc = perfcount_value(&pc, idx);
	perfcount_close(&pc);
	/*
	 * task-clock counts at least this thread's CPU time over the window
	 * (less a millisecond: clock granularity, start/stop cost) and at most
	 * the wall time around it. It can count more than the thread's CPU
	 * time: in a virtual machine it includes time the host took the vCPU
	 * away (steal) and interrupt time, which CLOCK_THREAD_CPUTIME_ID
	 * leaves out, so a loaded host moves it anywhere between the two.
	 */
	if (tc < cpu * 0.9 - 1e6 || tc > wall * 1.02 + 1e6)
		test_fail(__FILE__, __LINE__,
			  "task-clock %.0f ns outside [thread CPU %llu ns, wall %llu ns]",
			  tc, (unsigned long long)cpu, (unsigned long long)wall);
}

TEST(perfcount_counts_only_between_start_and_stop)
{
	struct perfcount pc;
	double window, both, big;
	unsigned int i;

	if (perfcount_init(NULL) <= 0)
		SKIP("no perf events can be opened here");
	REQUIRE(perfcount_open(&pc) == 0);
	/* Stop without start is a no-op. */
	perfcount_reset(&pc);
	perfcount_stop(&pc);
	for (i = 0; i < pc.n; i++)
		CHECK(perfcount_value(&pc, i) == 0);

	/* Two short windows around a long stretch of untimed work. */
	i = perfcount_index(perfcount_hw() ? "instructions" : "task-clock");
	if ((int)i < 0)
		i = 0;
	big = count_loop(&pc, i, 20000000);
	window = count_loop(&pc, i, 10000);
	fixed_loop(20000000);
	perfcount_start(&pc);
	fixed_loop(10000);
	perfcount_stop(&pc);
	both = perfcount_value(&pc, i);
	perfcount_close(&pc);
	CHECK_EQ(pc.n, 0);
	/*
	 * Counted: the two windows, not the 2000-times larger loop between
	 * them. Judged against what that loop counts when it is counted, so
	 * a window the scheduler stretched does not read as a leak.
	 */
	CHECK(both > 0);
	if (both > big / 2)
		test_fail(__FILE__, __LINE__,
			  "%s: one window %.0f, two windows %.0f, the loop between alone %.0f: counted outside",
			  perfcount_name(i), window, both, big);
}
