// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: runs the registered tests in name order, each in a process
 * of its own under a timeout, and reports them in TAP as kselftest does.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include "alloc/backend.h"
#include "harness.h"

static struct test_case *tests;
static bool cur_failed, cur_skipped, cur_expect_warn, quick;
static const char *cur_skip_reason;
static const char *cur_name;
static unsigned int findings;

/* Seconds a test may take before it is killed and failed (--timeout=). */
#define DEFAULT_TIMEOUT	300

void test_register(struct test_case *t)
{
	struct test_case **p = &tests;

	while (*p && strcmp((*p)->name, t->name) < 0)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed = true;
	printf("# %s: %s:%d: ", cur_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void test_skip(const char *reason)
{
	cur_skipped = true;
	cur_skip_reason = reason;
}

void test_finding(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# kernel finding: %s: ", cur_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s:%d)\n", file, line);
	findings++;
}

void expect_warnings(void) { cur_expect_warn = true; }
bool test_failed(void) { return cur_failed; }
bool test_quick(void) { return quick; }

uint64_t test_seed(void)
{
	const char *s = getenv("TEST_SEED");

	return s ? strtoull(s, NULL, 0) : 0x5eed2026ULL;
}

static bool selected(const char *name, int argc, char **argv)
{
	int i, filters = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		filters++;
		if (strstr(name, argv[i]))
			return true;
	}
	return filters == 0;
}

/* What a test's process tells the runner, through a pipe, as it ends. */
struct test_result {
	enum { RES_PASS, RES_FAIL, RES_SKIP } res;
	unsigned int findings;
	char skip_reason[200];
};

/* Run one test in this process: its checks, then the WARNs it left. */
static void run_one(struct test_case *t, struct test_result *r)
{
	unsigned long warns;

	cur_failed = cur_skipped = cur_expect_warn = false;
	cur_name = t->name;
	findings = 0;
	shim_warn_reset();
	backend_fault_clear();
	t->fn();
	backend_fault_clear();
	shim_printk_quiet(false);
	warns = shim_warn_count();
	if (warns && !cur_expect_warn)
		test_fail(__FILE__, __LINE__, "%lu unexpected WARN(s) fired", warns);
	memset(r, 0, sizeof(*r));
	r->findings = findings;
	r->res = cur_failed ? RES_FAIL : cur_skipped ? RES_SKIP : RES_PASS;
	if (r->res == RES_SKIP)
		snprintf(r->skip_reason, sizeof(r->skip_reason), "%s", cur_skip_reason);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A test's own output, passed on as TAP diagnostics: every line gets "# "
 * unless it has one, blank lines go, and the "ok" line always starts a line
 * of its own whatever the test printed.
 */
static void relay_output(const char *buf, size_t n, bool *at_start)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (*at_start) {
			if (buf[i] == '\n')
				continue;
			if (buf[i] != '#')
				fputs("# ", stdout);
			*at_start = false;
		}
		putchar(buf[i]);
		*at_start = buf[i] == '\n';
	}
}

/*
 * Relay the child's output and read its result until it closes both pipes
 * (it exited) or @timeout seconds (0: none) pass. Returns the bytes of
 * result read, or -ETIMEDOUT.
 */
static int wait_child(int res_fd, int out_fd, struct test_result *r,
		      unsigned int timeout)
{
	struct pollfd p[2] = { { .fd = res_fd, .events = POLLIN },
			       { .fd = out_fd, .events = POLLIN } };
	double deadline = now_s() + timeout;
	bool at_start = true;
	int got = 0, ret;
	char buf[4096];
	ssize_t n;

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		int ms = -1;

		if (timeout) {
			double left = deadline - now_s();

			ms = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		n = poll(p, 2, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			got = -ETIMEDOUT;
			break;
		}
		if (p[0].revents) {
			n = read(res_fd, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR))
				p[0].fd = -1;
			for (ret = 0; ret < n && got < (int)sizeof(*r); ret++)
				((char *)r)[got++] = buf[ret];
		}
		if (p[1].revents) {
			n = read(out_fd, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR))
				p[1].fd = -1;
			if (n > 0)
				relay_output(buf, n, &at_start);
		}
	}
	if (!at_start)
		putchar('\n');
	return got;
}

/* In the child: run the test, send the result, exit (exit handlers run). */
static void __attribute__((noreturn)) child(struct test_case *t, int res_fd, int out_fd)
{
	struct test_result r;

	dup2(out_fd, STDOUT_FILENO);
	close(out_fd);
	/* Line-buffered: what a crashing test printed is not lost. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_one(t, &r);
	fflush(stdout);
	if (write(res_fd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	exit(0);	/* a leak checker's report at exit fails the test */
}

/*
 * Run one test in a child process, as kselftest does, so that a crash, an
 * exit or a hang fails this test alone, with its name. The result comes
 * back through one pipe and the test's output through another; the child's
 * exit status must be 0 on top of the result.
 */
static void run_forked(struct test_case *t, struct test_result *r,
		       unsigned int timeout)
{
	int res[2], out[2], status, got;
	pid_t pid, parent;

	memset(r, 0, sizeof(*r));
	r->res = RES_FAIL;
	fflush(stdout);
	fflush(stderr);
	if (pipe(res) || pipe(out)) {
		printf("# %s: pipe: %s\n", t->name, strerror(errno));
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		printf("# %s: fork: %s\n", t->name, strerror(errno));
		close(res[0]), close(res[1]), close(out[0]), close(out[1]);
		return;
	}
	if (pid == 0) {
		/*
		 * Die with the runner: a runner killed for its own timeout
		 * (make mutate, run-tests.sh) must not leave a hung test
		 * spinning on a CPU for the rest of the machine's life.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(res[0]);
		close(out[0]);
		child(t, res[1], out[1]);
	}
	close(res[1]);
	close(out[1]);
	got = wait_child(res[0], out[0], r, timeout);
	close(res[0]);
	close(out[0]);
	if (got == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		printf("# %s: timed out after %u s (--timeout=SECONDS)\n", t->name, timeout);
		r->res = RES_FAIL;
		return;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d (%s)\n", t->name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		r->res = RES_FAIL;
	} else if (got != sizeof(*r)) {
		printf("# %s: exited with status %d before the test ended\n",
		       t->name, WEXITSTATUS(status));
		r->res = RES_FAIL;
	} else if (WEXITSTATUS(status)) {
		printf("# %s: exit status %d after the test (a sanitizer's report above?)\n",
		       t->name, WEXITSTATUS(status));
		r->res = RES_FAIL;
	}
}

static void usage_error(const char *prog, const char *arg)
{
	fprintf(stderr, "%s: unknown option '%s' (use --list, --quick, --timeout=SECONDS, --no-fork, or name filters)\n",
		prog, arg);
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0, total_findings = 0;
	unsigned int planned = 0, n = 0, timeout = DEFAULT_TIMEOUT;
	struct test_result r;
	bool no_fork = false;
	struct test_case *t;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (t = tests; t; t = t->next)
				puts(t->name);
			return 0;
		} else if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--no-fork")) {
			no_fork = true;
		} else if (!strncmp(argv[i], "--timeout=", 10)) {
			errno = 0;
			timeout = strtoul(argv[i] + 10, &end, 10);
			if (errno || end == argv[i] + 10 || *end || argv[i][10] == '-') {
				fprintf(stderr, "%s: %s: expected a number of seconds (0: none)\n",
					argv[0], argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-') {
			usage_error(argv[0], argv[i]);
			return 2;
		}
	}
	if (backend_init()) {
		fprintf(stderr, "%s: backend %s failed to initialise\n", argv[0], backend_name());
		return 1;
	}
	for (t = tests; t; t = t->next)
		planned += selected(t->name, argc, argv);
	/* A filter with a typo must not pass for a run that tested nothing. */
	if (!planned) {
		fprintf(stderr, "%s: no test name contains any of the filters given (see --list)\n",
			argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	printf("# backend %s: %s\n", backend_name(), backend_describe());
	printf("1..%u\n", planned);
	for (t = tests; t; t = t->next) {
		if (!selected(t->name, argc, argv))
			continue;
		n++;
		if (no_fork)
			run_one(t, &r);
		else
			run_forked(t, &r, timeout);
		total_findings += r.findings;
		if (r.res == RES_FAIL) {
			printf("not ok %u %s\n", n, t->name);
			failed++;
		} else if (r.res == RES_SKIP) {
			printf("ok %u %s # SKIP %s\n", n, t->name, r.skip_reason);
			skipped++;
		} else {
			printf("ok %u %s\n", n, t->name);
			passed++;
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed", passed, failed);
	if (skipped)
		printf(", %u skipped", skipped);
	if (total_findings)
		printf(", %u kernel findings", total_findings);
	putchar('\n');
	return failed ? 1 : 0;
}
