/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread performance counters through perf_event_open(2).
 *
 * perfcount_init() decides once per process which events to count: the
 * list in PERF_EVENTS (comma-separated names from perfcount_known()), or by
 * default every hardware event the PMU offers (cycles, instructions,
 * L1D read misses, LLC misses, dTLB misses, branch misses). When no
 * hardware event can be opened (no PMU, QEMU, perf_event_paranoid too high)
 * it says so once on stderr, names the reason, and falls back to the
 * software events task-clock and page-faults.
 *
 * A struct perfcount holds one thread's counters: open them in the thread
 * that runs the loop, start/stop around the timed region only (user space
 * only, so the count is of the code under test, not of the syscalls), and
 * read the accumulated deltas, scaled if the kernel multiplexed them.
 */
#ifndef _ARCH_PERFCOUNT_H
#define _ARCH_PERFCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PERFCOUNT_MAX	12

struct perfcount {
	int fd[PERFCOUNT_MAX];
	unsigned int n;			/* events open (== perfcount_nr() or 0) */
	uint64_t raw[PERFCOUNT_MAX];	/* value at start */
	uint64_t ena[PERFCOUNT_MAX];	/* time enabled at start */
	uint64_t run[PERFCOUNT_MAX];	/* time running at start */
	double acc[PERFCOUNT_MAX];	/* accumulated (scaled) deltas */
	bool running;
};

/*
 * Choose the events. @events: comma-separated names, or NULL for
 * $PERF_EVENTS, or the default list when that is unset or empty.
 * Idempotent (the first call decides). Returns the number of events that
 * will be counted (0: nothing at all can be counted; see the reason).
 */
int perfcount_init(const char *events);

/* Events chosen, their count, and whether they are hardware events. */
unsigned int perfcount_nr(void);
const char *perfcount_name(unsigned int i);
bool perfcount_hw(void);

/*
 * "cycles,instructions,..." when hardware counters are in use; else
 * "unavailable (<reason>); software: task-clock,page-faults" or
 * "unavailable (<reason>)" when not even software events open.
 */
const char *perfcount_describe(void);
/* Why hardware counters are not in use, or NULL when they are. */
const char *perfcount_hw_reason(void);

/* Every event name the parser accepts, NULL-terminated. */
const char *const *perfcount_known(void);

/*
 * Open the chosen events for the calling thread, disabled. 0 or -errno;
 * on failure pc->n is 0 and start/stop/read are harmless no-ops.
 */
int perfcount_open(struct perfcount *pc);
void perfcount_close(struct perfcount *pc);

/* Zero the accumulated deltas. */
void perfcount_reset(struct perfcount *pc);
void perfcount_start(struct perfcount *pc);
void perfcount_stop(struct perfcount *pc);

/*
 * The calling thread's own set, opened on first use and closed when the
 * thread exits: for code (the benchmark shim) that cannot keep one itself.
 * Never NULL; its n is 0 where nothing can be counted.
 */
struct perfcount *perfcount_thread(void);

/* Accumulated delta of event @i since the last reset. */
double perfcount_value(const struct perfcount *pc, unsigned int i);
/* Index of event @name, or -1 when it is not counted. */
int perfcount_index(const char *name);

#ifdef __cplusplus
}
#endif

#endif
