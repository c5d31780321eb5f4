// SPDX-License-Identifier: GPL-2.0
/*
 * gbench.cc: the C API of gbench.h over Google Benchmark 1.7.x.
 *
 * The C function runs inside a C++ lambda that wraps its benchmark::State
 * in a struct gb_state on the stack. The timed loop is one KeepRunningBatch
 * for all max_iterations (starts the timer, consumes the whole count) and a
 * second one that finds nothing left (stops the timer): no C++ call per
 * iteration. Everything that brackets the timed region goes through
 * timed_region_start()/timed_region_stop() below, which call the hooks the
 * program set with gb_set_hooks(): this file knows nothing of what they
 * measure, so the benchmark C API stays a leaf.
 *
 * gb_main() makes the exit status cover the whole run: numeric flags are
 * checked before the library sees them, a filter that selects nothing is
 * an error, and the --benchmark_out file is written through a reporter
 * that checks the stream after its last line.
 */
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <ostream>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "gbench.h"

struct gb_state {
	benchmark::State *st;
	uint64_t n;		/* iterations handed to the C loop */
	bool looping;		/* between gb_loop_begin and gb_loop_end */
	bool paused;
};

/* struct gb_bench is never defined: it is a benchmark::internal::Benchmark. */

static std::atomic<unsigned long> gb_errors;
static const char *gb_help_banner;
static struct gb_hooks gb_hooks;

static benchmark::internal::Benchmark *B(struct gb_bench *b)
{
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

static struct gb_bench *G(benchmark::internal::Benchmark *b)
{
	return reinterpret_cast<struct gb_bench *>(b);
}

/*
 * The one place where the timed region starts and stops. Whatever must
 * bracket exactly the measured code (hardware counters) goes here; the
 * library's timer is started/stopped by the caller right after/before.
 */
static void timed_region_start(struct gb_state *s)
{
	if (gb_hooks.start)	/* !looping: a new run, not a resume */
		gb_hooks.start(s, !s->looping);
}

static void timed_region_stop(struct gb_state *s)
{
	if (gb_hooks.stop)
		gb_hooks.stop(s);
}

void gb_set_hooks(const struct gb_hooks *h)
{
	gb_hooks = *h;
}

/* ------------------------------------------------------------ registration */

/*
 * Every registered argument, reachable from a plain global for the whole
 * run. Google Benchmark's registry (which holds them through the lambdas)
 * is a static object destroyed at exit before LeakSanitizer looks, so
 * without this every sanitized bench binary reported its registrations as
 * leaks and exited 1. Never freed, never destroyed: they live as long as
 * the process, as registrations do.
 */
static void **gb_kept_args;
static size_t gb_nr_kept, gb_kept_cap;

static void gb_keep_arg(void *arg)
{
	if (gb_nr_kept == gb_kept_cap) {
		size_t cap = gb_kept_cap ? 2 * gb_kept_cap : 256;
		void **p = static_cast<void **>(realloc(gb_kept_args, cap * sizeof(*p)));

		if (!p)
			abort();
		gb_kept_args = p;
		gb_kept_cap = cap;
	}
	gb_kept_args[gb_nr_kept++] = arg;
}

struct gb_bench *gb_register(const char *name, gb_fn fn, void *arg)
{
	gb_keep_arg(arg);
	auto *b = benchmark::RegisterBenchmark(name,
		[fn, arg](benchmark::State &st) {
			struct gb_state s = { &st, 0, false, false };

			fn(&s, arg);
			/* A function that returned mid-loop still stops the clock. */
			if (s.looping)
				gb_loop_end(&s);
			if (gb_hooks.publish)
				gb_hooks.publish(&s);
		});
	if (!b)
		abort();
	return G(b);
}

struct gb_bench *gb_args(struct gb_bench *b, const int64_t *v, size_t n)
{
	return G(B(b)->Args(std::vector<int64_t>(v, v + n)));
}

struct gb_bench *gb_arg(struct gb_bench *b, int64_t v)
{
	return G(B(b)->Arg(v));
}

struct gb_bench *gb_threads(struct gb_bench *b, int n)
{
	return G(B(b)->Threads(n));
}

struct gb_bench *gb_min_time(struct gb_bench *b, double seconds)
{
	return G(B(b)->MinTime(seconds));
}

struct gb_bench *gb_iterations(struct gb_bench *b, uint64_t n)
{
	return G(B(b)->Iterations(static_cast<benchmark::IterationCount>(n)));
}

struct gb_bench *gb_repetitions(struct gb_bench *b, int n)
{
	return G(B(b)->Repetitions(n));
}

struct gb_bench *gb_report_aggregates_only(struct gb_bench *b, bool only)
{
	return G(B(b)->ReportAggregatesOnly(only));
}

struct gb_bench *gb_statistics_min(struct gb_bench *b)
{
	return G(B(b)->ComputeStatistics("min",
		[](const std::vector<double> &v) -> double {
			return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
		}));
}

struct gb_bench *gb_use_manual_time(struct gb_bench *b)
{
	return G(B(b)->UseManualTime());
}

struct gb_bench *gb_use_real_time(struct gb_bench *b)
{
	return G(B(b)->UseRealTime());
}

struct gb_bench *gb_unit(struct gb_bench *b, enum gb_time_unit u)
{
	static const benchmark::TimeUnit units[] = {
		benchmark::kNanosecond, benchmark::kMicrosecond,
		benchmark::kMillisecond, benchmark::kSecond,
	};

	return G(B(b)->Unit(units[u]));
}

void gb_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value ? value : "");
}

static void print_help(void)
{
	if (gb_help_banner)
		fputs(gb_help_banner, stdout);
	benchmark::PrintDefaultHelp();
}

/*
 * The --benchmark_out reporter, checked: after the last line is written
 * (Finalize) the stream is flushed and its state kept, so that a full disk
 * or a failed write is an exit status, not a truncated file taken for a
 * result.
 */
template <class Reporter>
class checked_reporter : public Reporter {
public:
	bool written = false;

	void Finalize() override
	{
		Reporter::Finalize();
		std::ostream &out = this->GetOutputStream();

		out.flush();
		written = out.good();
	}
};

/* Flag values Google Benchmark would take badly or silently: one line, exit 2. */
static const char *flag_value(const char *arg, const char *flag)
{
	size_t len = strlen(flag);

	if (strncmp(arg, flag, len) || arg[len] != '=')
		return NULL;
	return arg + len + 1;
}

static bool parse_double(const char *v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	return *v && !*end && !errno && std::isfinite(*out);
}

static bool parse_int(const char *v, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return *v && !*end && !errno && *out >= INT32_MIN && *out <= INT32_MAX;
}

static bool known_format(const char *v)
{
	/* csv: deprecated by the library, and no script here reads it. */
	return !strcmp(v, "json") || !strcmp(v, "console");
}

static bool flag_ok(const char *arg, const char **why)
{
	const char *v;
	double d;
	long l;

	if ((v = flag_value(arg, "--benchmark_repetitions"))) {
		*why = "a whole number of at least 1";
		return parse_int(v, &l) && l >= 1;
	}
	if ((v = flag_value(arg, "--benchmark_min_time"))) {
		*why = "a number of seconds above 0";
		return parse_double(v, &d) && d > 0;
	}
	if ((v = flag_value(arg, "--benchmark_min_warmup_time"))) {
		*why = "a number of seconds, 0 or more";
		return parse_double(v, &d) && d >= 0;
	}
	if ((v = flag_value(arg, "--benchmark_out_format")) ||
	    (v = flag_value(arg, "--benchmark_format"))) {
		*why = "json or console";
		return known_format(v);
	}
	if ((v = flag_value(arg, "--benchmark_out"))) {
		*why = "a file name";
		return *v;
	}
	if ((v = flag_value(arg, "--v"))) {
		*why = "a whole number";
		return parse_int(v, &l) && l >= 0;
	}
	return true;
}

/* Last occurrence of --@flag=value in @argv, or @dflt. */
static std::string last_flag(int argc, char **argv, const char *flag,
			     const char *dflt)
{
	const char *v = NULL, *f;

	for (int i = 1; i < argc; i++)
		if ((f = flag_value(argv[i], flag)))
			v = f;
	return v ? v : dflt;
}

static benchmark::BenchmarkReporter *out_reporter(const std::string &format)
{
	if (format == "console")
		return new checked_reporter<benchmark::ConsoleReporter>();
	return new checked_reporter<benchmark::JSONReporter>();
}

template <class Reporter>
static bool reporter_written(benchmark::BenchmarkReporter *r)
{
	auto *c = dynamic_cast<checked_reporter<Reporter> *>(r);

	return c && c->written;
}

static bool out_written(benchmark::BenchmarkReporter *r)
{
	return reporter_written<benchmark::JSONReporter>(r) ||
	       reporter_written<benchmark::ConsoleReporter>(r);
}

static bool is_regular(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

/* The exit status of a finished run; frees @file. */
static int run_status(const char *prog, size_t ran,
		      benchmark::BenchmarkReporter *file, const std::string &out)
{
	bool written = !file || out_written(file);
	unsigned long errors = gb_errors.load();

	delete file;
	/* Nothing half-written is left behind under the name asked for
	 * (a regular file only: never /dev/full or a pipe). */
	if (!out.empty() && (!ran || !written) && is_regular(out.c_str()))
		unlink(out.c_str());
	if (!ran) {
		/* A bad regex or one that matches nothing: the library said which. */
		fprintf(stderr, "%s: no benchmark ran: the filter selects none\n", prog);
		return 2;
	}
	if (!written) {
		fprintf(stderr, "%s: %s: writing the results failed (disk full?)\n",
			prog, out.c_str());
		return 4;
	}
	if (errors) {
		fprintf(stderr, "%s: %lu benchmark run(s) skipped with an error\n",
			prog, errors);
		return 3;
	}
	return 0;
}

int gb_main(int argc, char **argv, const char *help_banner)
{
	const char *prog = argc > 0 ? argv[0] : "bench";
	benchmark::BenchmarkReporter *file = NULL;
	std::string out;
	const char *why;
	size_t ran;

	gb_help_banner = help_banner;
	for (int i = 1; i < argc; i++) {
		if (!flag_ok(argv[i], &why)) {
			fprintf(stderr, "%s: %s: expected %s\n", prog, argv[i], why);
			return 2;
		}
	}
	out = last_flag(argc, argv, "--benchmark_out", "");
	if (!out.empty())
		file = out_reporter(last_flag(argc, argv, "--benchmark_out_format", "json"));
	benchmark::Initialize(&argc, argv, print_help);
	/* Initialize() removed every flag it knows; anything left is wrong. */
	if (argc > 1) {
		fprintf(stderr, "%s: unrecognized option '%s' (see --help)\n",
			prog, argv[1]);
		return 2;
	}
	if (gb_hooks.init && gb_hooks.init())
		return 2;	/* the hook said why, in one line */
	ran = benchmark::RunSpecifiedBenchmarks(nullptr, file);
	benchmark::Shutdown();
	return run_status(prog, ran, file, out);
}

/* ------------------------------------------------------------ inside a run */

uint64_t gb_loop_begin(struct gb_state *s)
{
	benchmark::IterationCount n = s->st->max_iterations;

	timed_region_start(s);
	if (!s->st->KeepRunningBatch(n)) {
		/* Skipped before the loop: the library already finished. */
		timed_region_stop(s);
		return 0;
	}
	s->looping = true;
	s->n = static_cast<uint64_t>(n);
	return s->n;
}

void gb_loop_end(struct gb_state *s)
{
	if (!s->looping)
		return;
	if (s->paused)
		gb_resume(s);
	/* Nothing is left of the batch: this stops the timer. */
	while (s->st->KeepRunningBatch(1))
		;
	timed_region_stop(s);
	s->looping = false;
}

void gb_pause(struct gb_state *s)
{
	if (s->paused || !s->looping)
		return;
	/* The library's timer already stopped at SkipWithError; it checks. */
	if (!s->st->error_occurred())
		s->st->PauseTiming();
	timed_region_stop(s);
	s->paused = true;
}

void gb_resume(struct gb_state *s)
{
	if (!s->paused)
		return;
	/* Outside the library's timer, so that it does not time the hooks. */
	timed_region_start(s);
	if (!s->st->error_occurred())
		s->st->ResumeTiming();
	s->paused = false;
}

int64_t gb_range(const struct gb_state *s, size_t idx)
{
	return s->st->range(idx);
}

int gb_thread_index(const struct gb_state *s)
{
	return s->st->thread_index();
}

int gb_thread_count(const struct gb_state *s)
{
	return s->st->threads();
}

uint64_t gb_max_iterations(const struct gb_state *s)
{
	return static_cast<uint64_t>(s->st->max_iterations);
}

void gb_set_iteration_time(struct gb_state *s, double seconds)
{
	s->st->SetIterationTime(seconds);
}

void gb_set_items_processed(struct gb_state *s, int64_t items)
{
	s->st->SetItemsProcessed(items);
}

void gb_set_bytes_processed(struct gb_state *s, int64_t bytes)
{
	s->st->SetBytesProcessed(bytes);
}

void gb_set_label(struct gb_state *s, const char *label)
{
	s->st->SetLabel(label);
}

void gb_counter_set(struct gb_state *s, const char *name, double value,
		    unsigned int flags)
{
	s->st->counters[name] = benchmark::Counter(value,
		static_cast<benchmark::Counter::Flags>(flags));
}

void gb_counter_add(struct gb_state *s, const char *name, double value,
		    unsigned int flags)
{
	auto it = s->st->counters.find(name);

	if (it == s->st->counters.end()) {
		gb_counter_set(s, name, value, flags);
		return;
	}
	it->second.value += value;
}

void gb_skip_with_error(struct gb_state *s, const char *msg)
{
	gb_errors++;
	s->st->SkipWithError(msg);
}

void gb_skip_with_errorf(struct gb_state *s, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gb_skip_with_error(s, buf);
}

bool gb_error_occurred(const struct gb_state *s)
{
	return s->st->error_occurred();
}

/* The flag values gbench.h promises are the library's own. */
#define SAME_FLAG(a, b) \
	static_assert(static_cast<unsigned int>(a) == \
		      static_cast<unsigned int>(benchmark::Counter::b), #a)
SAME_FLAG(GB_CNT_RATE, kIsRate);
SAME_FLAG(GB_CNT_AVG_THREADS, kAvgThreads);
SAME_FLAG(GB_CNT_ITER_INVARIANT, kIsIterationInvariant);
SAME_FLAG(GB_CNT_AVG_ITERATIONS, kAvgIterations);
SAME_FLAG(GB_CNT_INVERT, kInvert);
