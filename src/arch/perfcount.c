// SPDX-License-Identifier: GPL-2.0
/*
 * perf_event_open(2) counters for the calling thread. Each event is its own
 * file descriptor rather than one group: a group that does not fit the PMU
 * never runs at all, whereas single events are multiplexed and scaled,
 * which is the better failure on a small PMU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "perfcount.h"

struct event_def {
	const char *name;
	uint32_t type;
	uint64_t config;
	bool hw;
};

#define HWC(cache, op, res)	((cache) | ((op) << 8) | ((res) << 16))

static const struct event_def defs[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, true },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, true },
	{ "L1D-read-misses", PERF_TYPE_HW_CACHE,
	  HWC(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
	      PERF_COUNT_HW_CACHE_RESULT_MISS), true },
	{ "LLC-misses", PERF_TYPE_HW_CACHE,
	  HWC(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ,
	      PERF_COUNT_HW_CACHE_RESULT_MISS), true },
	{ "dTLB-misses", PERF_TYPE_HW_CACHE,
	  HWC(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ,
	      PERF_COUNT_HW_CACHE_RESULT_MISS), true },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, true },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, true },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, false },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, false },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, false },
};

#define NDEFS	(sizeof(defs) / sizeof(defs[0]))

/* What is counted when nothing is asked for, and the software fallback. */
static const char *const default_hw[] = {
	"cycles", "instructions", "L1D-read-misses", "LLC-misses",
	"dTLB-misses", "branch-misses",
};
static const char *const fallback_sw[] = { "task-clock", "page-faults" };

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool inited;
static int init_ret;
static const struct event_def *chosen[PERFCOUNT_MAX];
static unsigned int nchosen;
static bool hw_in_use;
static char hw_reason[192];
static char describe[512];

/*
 * scripts/perf.sh runs the benchmark under `perf record/stat -D -1
 * --control fifo:...` and names the FIFOs in PERF_CTL_FIFO/PERF_ACK_FIFO:
 * the first timed loop to start enables the profile and the last to stop
 * disables it, so that set-up and verification stay out of the profile.
 */
static int ctl_fd = -1, ack_fd = -1;
static int ctl_users;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

static void ctl_open(void)
{
	const char *ctl = getenv("PERF_CTL_FIFO"), *ack = getenv("PERF_ACK_FIFO");

	if (!ctl || !*ctl)
		return;
	ctl_fd = open(ctl, O_WRONLY | O_CLOEXEC);
	if (ctl_fd < 0) {
		fprintf(stderr, "perfcount: PERF_CTL_FIFO %s: %s (profile not limited to timed loops)\n",
			ctl, strerror(errno));
		return;
	}
	if (ack && *ack)
		ack_fd = open(ack, O_RDONLY | O_CLOEXEC);
}

static void ctl_send(const char *cmd)
{
	char c;

	if (write(ctl_fd, cmd, strlen(cmd)) < 0)
		return;
	/* Wait for "ack\n": the events are switched when we return. */
	if (ack_fd >= 0)
		while (read(ack_fd, &c, 1) == 1 && c != '\n')
			;
}

static void ctl_mark(bool on)
{
	if (ctl_fd < 0)
		return;
	pthread_mutex_lock(&ctl_lock);
	if (on && ctl_users++ == 0)
		ctl_send("enable\n");
	else if (!on && ctl_users && --ctl_users == 0)
		ctl_send("disable\n");
	pthread_mutex_unlock(&ctl_lock);
}

static long sys_perf_event_open(struct perf_event_attr *attr, pid_t pid,
				int cpu, int group_fd, unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static const struct event_def *find_def(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (strlen(defs[i].name) == len &&
		    !strncasecmp(defs[i].name, name, len))
			return &defs[i];
	return NULL;
}

static int open_event(const struct event_def *d)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = d->type;
	attr.config = d->config;
	attr.disabled = 1;
	/* User space only: paranoid level 2 allows that, and it is the code under test. */
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)sys_perf_event_open(&attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -99;

	if (!f)
		return v;
	if (fscanf(f, "%d", &v) != 1)
		v = -99;
	fclose(f);
	return v;
}

static bool have_cpu_pmu(void)
{
	DIR *dir = opendir("/sys/bus/event_source/devices");
	struct dirent *e;
	bool found = false;

	if (!dir)
		return false;
	/* x86 and most arm64 kernels name the core PMU "cpu"; others "armv8_*". */
	while (!found && (e = readdir(dir)))
		found = !strcmp(e->d_name, "cpu") || !strncmp(e->d_name, "armv8", 5);
	closedir(dir);
	return found;
}

/* Put the reason a hardware event did not open into hw_reason. */
static void explain(const char *name, int err)
{
	int paranoid;

	switch (err) {
	case EACCES:
	case EPERM:
		paranoid = read_paranoid();
		snprintf(hw_reason, sizeof(hw_reason),
			 "perf_event_paranoid=%d forbids %s (try: sysctl kernel.perf_event_paranoid=1)",
			 paranoid, name);
		break;
	case ENOSYS:
		snprintf(hw_reason, sizeof(hw_reason),
			 "perf_event_open not implemented (emulator such as QEMU user mode, or seccomp)");
		break;
	case ENOENT:
	case ENODEV:
	case EOPNOTSUPP:
	case EINVAL:
		if (!have_cpu_pmu())
			snprintf(hw_reason, sizeof(hw_reason),
				 "no hardware PMU (no cpu event source in /sys/bus/event_source/devices; virtual machine?)");
		else
			snprintf(hw_reason, sizeof(hw_reason),
				 "the PMU does not offer %s (%s)", name, strerror(err));
		break;
	default:
		snprintf(hw_reason, sizeof(hw_reason), "%s: %s", name, strerror(err));
	}
}

/* Keep the events of @names that open on this thread; note why others did not. */
static void probe(const struct event_def **want, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && nchosen < PERFCOUNT_MAX; i++) {
		int fd = open_event(want[i]);

		if (fd < 0) {
			if (want[i]->hw && !hw_reason[0])
				explain(want[i]->name, errno);
			continue;
		}
		close(fd);
		chosen[nchosen++] = want[i];
		if (want[i]->hw)
			hw_in_use = true;
	}
}

static int parse(const char *list, const struct event_def **want, unsigned int *n)
{
	const char *p = list;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		const struct event_def *d;

		if (len) {
			d = find_def(p, len);
			if (!d) {
				fprintf(stderr, "perfcount: unknown event '%.*s' in PERF_EVENTS (known: ",
					(int)len, p);
				for (size_t i = 0; i < NDEFS; i++)
					fprintf(stderr, "%s%s", i ? "," : "", defs[i].name);
				fprintf(stderr, ")\n");
				return -EINVAL;
			}
			if (*n == PERFCOUNT_MAX)
				return -E2BIG;
			want[(*n)++] = d;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void build_describe(void)
{
	size_t off = 0;
	unsigned int i;

	if (!hw_in_use)
		off = snprintf(describe, sizeof(describe), "unavailable (%s)%s",
			       hw_reason, nchosen ? "; software: " : "");
	for (i = 0; i < nchosen && off < sizeof(describe); i++)
		off += snprintf(describe + off, sizeof(describe) - off, "%s%s",
				i ? "," : "", chosen[i]->name);
}

static int do_init(const char *events)
{
	const struct event_def *want[PERFCOUNT_MAX];
	unsigned int n = 0, i;
	int ret;

	if (!events)
		events = getenv("PERF_EVENTS");
	if (events && *events) {
		ret = parse(events, want, &n);
		if (ret) {
			snprintf(hw_reason, sizeof(hw_reason), "invalid PERF_EVENTS '%s'", events);
			snprintf(describe, sizeof(describe), "unavailable (%s)", hw_reason);
			return ret;
		}
	} else {
		for (i = 0; i < sizeof(default_hw) / sizeof(default_hw[0]); i++)
			want[n++] = find_def(default_hw[i], strlen(default_hw[i]));
	}
	probe(want, n);
	for (i = 0; i < n && !want[i]->hw; i++)
		;
	if (i == n)
		snprintf(hw_reason, sizeof(hw_reason), "no hardware event requested in PERF_EVENTS");
	if (!hw_in_use) {
		/* Whatever software events were asked for stay; add the fallback. */
		for (i = 0; i < sizeof(fallback_sw) / sizeof(fallback_sw[0]); i++)
			want[i] = find_def(fallback_sw[i], strlen(fallback_sw[i]));
		if (!nchosen)
			probe(want, i);
	}
	build_describe();
	if (!hw_in_use)
		fprintf(stderr, "perfcount: hardware counters %s\n", describe);
	return nchosen;
}

int perfcount_init(const char *events)
{
	pthread_mutex_lock(&init_lock);
	if (!inited) {
		ctl_open();
		init_ret = do_init(events);
		inited = true;
	}
	pthread_mutex_unlock(&init_lock);
	return init_ret;
}

unsigned int perfcount_nr(void) { return nchosen; }
bool perfcount_hw(void) { return hw_in_use; }
const char *perfcount_describe(void) { return describe; }
const char *perfcount_hw_reason(void) { return hw_in_use ? NULL : hw_reason; }

const char *perfcount_name(unsigned int i)
{
	return i < nchosen ? chosen[i]->name : NULL;
}

int perfcount_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < nchosen; i++)
		if (!strcasecmp(chosen[i]->name, name))
			return (int)i;
	return -1;
}

const char *const *perfcount_known(void)
{
	static const char *names[NDEFS + 1];
	size_t i;

	for (i = 0; i < NDEFS; i++)
		names[i] = defs[i].name;
	return names;
}

int perfcount_open(struct perfcount *pc)
{
	unsigned int i;

	memset(pc, 0, sizeof(*pc));
	if (perfcount_init(NULL) <= 0)
		return -ENODEV;
	for (i = 0; i < nchosen; i++) {
		pc->fd[i] = open_event(chosen[i]);
		if (pc->fd[i] < 0) {
			int err = -errno;

			while (i--)
				close(pc->fd[i]);
			memset(pc, 0, sizeof(*pc));
			return err;
		}
	}
	pc->n = nchosen;
	return 0;
}

void perfcount_close(struct perfcount *pc)
{
	unsigned int i;

	for (i = 0; i < pc->n; i++)
		close(pc->fd[i]);
	pc->n = 0;
}

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static __thread struct perfcount *thread_pc;

static void thread_pc_free(void *p)
{
	perfcount_close(p);
	free(p);
}

static void thread_key_init(void)
{
	pthread_key_create(&thread_key, thread_pc_free);
}

struct perfcount *perfcount_thread(void)
{
	static struct perfcount none;

	if (thread_pc)
		return thread_pc;
	pthread_once(&thread_once, thread_key_init);
	thread_pc = malloc(sizeof(*thread_pc));
	if (!thread_pc)
		return &none;
	perfcount_open(thread_pc);	/* on failure: n == 0, still a valid set */
	pthread_setspecific(thread_key, thread_pc);
	return thread_pc;
}

void perfcount_reset(struct perfcount *pc)
{
	unsigned int i;

	for (i = 0; i < PERFCOUNT_MAX; i++)
		pc->acc[i] = 0;
}

static bool read_one(int fd, uint64_t v[3])
{
	return read(fd, v, 3 * sizeof(uint64_t)) == 3 * sizeof(uint64_t);
}

void perfcount_start(struct perfcount *pc)
{
	uint64_t v[3];
	unsigned int i;

	if (pc->running)
		return;
	ctl_mark(true);
	pc->running = true;
	for (i = 0; i < pc->n; i++) {
		if (!read_one(pc->fd[i], v))
			v[0] = v[1] = v[2] = 0;
		pc->raw[i] = v[0];
		pc->ena[i] = v[1];
		pc->run[i] = v[2];
	}
	for (i = 0; i < pc->n; i++)
		ioctl(pc->fd[i], PERF_EVENT_IOC_ENABLE, 0);
}

void perfcount_stop(struct perfcount *pc)
{
	uint64_t v[3];
	unsigned int i;

	if (!pc->running)
		return;
	/* Reverse order, so the first-enabled counters bracket the others. */
	for (i = pc->n; i--; )
		ioctl(pc->fd[i], PERF_EVENT_IOC_DISABLE, 0);
	pc->running = false;
	ctl_mark(false);
	for (i = 0; i < pc->n; i++) {
		double d, ena, run;

		if (!read_one(pc->fd[i], v))
			continue;
		d = (double)(v[0] - pc->raw[i]);
		ena = (double)(v[1] - pc->ena[i]);
		run = (double)(v[2] - pc->run[i]);
		/* Multiplexed: scale to the whole enabled time, as perf stat does. */
		if (run > 0 && run < ena)
			d *= ena / run;
		pc->acc[i] += d;
	}
}

double perfcount_value(const struct perfcount *pc, unsigned int i)
{
	return i < pc->n ? pc->acc[i] : 0;
}
