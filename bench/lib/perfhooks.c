// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware (or software) performance counters around every benchmark's
 * timed region: src/arch/perfcount plugged into the benchmark C API's
 * hooks (gbench.h), so that the API itself depends on nothing of ours.
 *
 * Each result gets one counter per event, per iteration, under the event's
 * name (cycles, instructions, ...), and IPC when both cycles and
 * instructions were counted; the run's context says which events were
 * counted, or why none of the hardware ones could be.
 */
#include "arch/perfcount.h"
#include "bench.h"

static int perfhooks_init(void)
{
	if (perfcount_init(NULL) < 0)
		return -1;	/* bad PERF_EVENTS: perfcount said which */
	gb_add_context("perf_counters", perfcount_describe());
	return 0;
}

static void perfhooks_start(struct gb_state *st, bool fresh)
{
	struct perfcount *pc = perfcount_thread();

	if (fresh)
		perfcount_reset(pc);
	perfcount_start(pc);
}

static void perfhooks_stop(struct gb_state *st)
{
	perfcount_stop(perfcount_thread());
}

static void perfhooks_publish(struct gb_state *st)
{
	struct perfcount *pc = perfcount_thread();
	int cyc = perfcount_index("cycles"), ins = perfcount_index("instructions");
	unsigned int i;

	for (i = 0; i < pc->n; i++)
		gb_counter_set(st, perfcount_name(i), perfcount_value(pc, i),
			       GB_CNT_AVG_ITERATIONS);
	if (cyc >= 0 && ins >= 0 && perfcount_value(pc, cyc) > 0)
		gb_counter_set(st, "IPC", perfcount_value(pc, ins) /
			       perfcount_value(pc, cyc), GB_CNT_AVG_THREADS);
}

void bench_perfcount_attach(void)
{
	static const struct gb_hooks hooks = {
		.init = perfhooks_init,
		.start = perfhooks_start,
		.stop = perfhooks_stop,
		.publish = perfhooks_publish,
	};

	gb_set_hooks(&hooks);
}
