/*
 * A C API over Google Benchmark (Debian libbenchmark 1.7.1), so that every benchmark body is
 * plain C. The one C++ file, altinj_gbench_shim.cc, implements it; nothing else here is C++.
 *
 * Cost model: every call below except the inline ones at the end is an out-of-line call into
 * C++. The per-iteration loop therefore belongs in C: ask for a batch with
 * altinj_gb_keep_running_batch and run the batch in a C loop, so the shim costs one call per
 * batch, not per operation.
 *
 * Handles: an altinj_gb_state is a benchmark::State, an altinj_gb_bench a registered
 * benchmark::internal::Benchmark; both are owned by the library and valid for the duration of
 * the callback (state) or of the process (bench).
 */
#ifndef ALTINJ_GBENCH_H
#define ALTINJ_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct altinj_gb_state altinj_gb_state;
typedef struct altinj_gb_bench altinj_gb_bench;

/* A benchmark body: runs the keep-running loop on st; arg is what was registered with it. */
typedef void (*altinj_gb_fn)(altinj_gb_state *st, void *arg);

/* Counter flags (benchmark::Counter::Flags); combine with |. */
enum altinj_gb_counter_flags {
    ALTINJ_GB_COUNTER_DEFAULT = 0,
    ALTINJ_GB_COUNTER_RATE = 1u << 0,           /* value / elapsed seconds */
    ALTINJ_GB_COUNTER_AVG_THREADS = 1u << 1,    /* value / number of threads */
    ALTINJ_GB_COUNTER_ITER_INVARIANT = 1u << 2, /* value * iterations */
    ALTINJ_GB_COUNTER_AVG_ITERATIONS = 1u << 3, /* value / iterations: a per-op figure */
    ALTINJ_GB_COUNTER_INVERT = 1u << 4,         /* 1 / value (after the above) */
};

enum altinj_gb_unit { ALTINJ_GB_NS = 0, ALTINJ_GB_US, ALTINJ_GB_MS, ALTINJ_GB_S };

/* ---- registration (before altinj_gb_main) ---- */

/* Registers fn(state, arg) under `name` (copied). Returns the benchmark, for the calls below,
 * or NULL on failure (out of memory, NULL name or fn). Run order is registration order. */
altinj_gb_bench *altinj_gb_register(const char *name, altinj_gb_fn fn, void *arg);

/* Each of these configures b and returns it, so calls chain; b == NULL is passed through
 * unchanged (a failed registration stays a no-op). */
/* One run with range(0) = x (Benchmark::Arg). Several calls: several runs. */
altinj_gb_bench *altinj_gb_arg(altinj_gb_bench *b, int64_t x);
/* One run with range(i) = v[i] for i < n (Benchmark::Args). */
altinj_gb_bench *altinj_gb_args(altinj_gb_bench *b, const int64_t *v, size_t n);
/* Runs for lo..hi in powers of the range multiplier (8 by default) (Benchmark::Range). */
altinj_gb_bench *altinj_gb_range(altinj_gb_bench *b, int64_t lo, int64_t hi);
/* Names range(0) in the benchmark's reported name ("name/arg:value"). */
altinj_gb_bench *altinj_gb_arg_name(altinj_gb_bench *b, const char *arg_name);
/* Runs the body on n threads at once, each with its own state (Benchmark::Threads). */
altinj_gb_bench *altinj_gb_threads(altinj_gb_bench *b, int n);
/* Reported time is what the body passes to altinj_gb_set_iteration_time, not the wall clock
 * (Benchmark::UseManualTime). */
altinj_gb_bench *altinj_gb_use_manual_time(altinj_gb_bench *b);
/* Reported time is wall-clock rather than CPU time of the main thread (Benchmark::UseRealTime). */
altinj_gb_bench *altinj_gb_use_real_time(altinj_gb_bench *b);
/* Unit the console report uses for this benchmark (Benchmark::Unit). */
altinj_gb_bench *altinj_gb_unit(altinj_gb_bench *b, enum altinj_gb_unit unit);
/* Minimum measured time in seconds, overriding --benchmark_min_time (Benchmark::MinTime). */
altinj_gb_bench *altinj_gb_min_time(altinj_gb_bench *b, double seconds);
/* Fixed iteration count instead of the adaptive one (Benchmark::Iterations). */
altinj_gb_bench *altinj_gb_iterations(altinj_gb_bench *b, uint64_t n);

/* ---- inside a body ---- */

/* The keep-running loop, one iteration at a time: while (altinj_gb_keep_running(st)) {...}.
 * Timing starts at the first call and stops when it returns false. */
bool altinj_gb_keep_running(altinj_gb_state *st);
/* The same, n iterations per call: the body must then run n operations. The last batch may
 * overshoot the planned count; the reported iteration count includes the overshoot. */
bool altinj_gb_keep_running_batch(altinj_gb_state *st, uint64_t n);
/* Stops / restarts the timer around work that must not be measured. Each pair costs two
 * clock reads (~50 ns here): only for setup that is long next to the measured work. */
void altinj_gb_pause_timing(altinj_gb_state *st);
void altinj_gb_resume_timing(altinj_gb_state *st);
/* With manual time: adds `seconds` as the duration of the current iteration or batch. */
void altinj_gb_set_iteration_time(altinj_gb_state *st, double seconds);
/* Sets (replaces) the user counter `name`; it is reported beside the time, and in JSON. */
void altinj_gb_counter(altinj_gb_state *st, const char *name, double value, unsigned flags);
/* Free-form text reported with the result ("single-cpu", ...). */
void altinj_gb_set_label(altinj_gb_state *st, const char *label);
/* Marks the run failed with msg; the body must still leave its loop (the next
 * keep_running returns false) and should return. */
void altinj_gb_skip_with_error(altinj_gb_state *st, const char *msg);
bool altinj_gb_error_occurred(const altinj_gb_state *st);
/* range(i) of this run (from Arg/Args/Range). */
int64_t altinj_gb_range_arg(const altinj_gb_state *st, size_t i);
/* This thread's index (0-based) and the number of threads running the body. */
int altinj_gb_thread_index(const altinj_gb_state *st);
int altinj_gb_thread_count(const altinj_gb_state *st);
/* Iterations the library plans for this run (valid before the loop starts) and the number
 * done so far. */
uint64_t altinj_gb_max_iterations(const altinj_gb_state *st);
uint64_t altinj_gb_iterations_done(const altinj_gb_state *st);

/* ---- process ---- */

/* Adds key = value to the "context" block of the report (console and JSON). */
void altinj_gb_add_context(const char *key, const char *value);

/* Parses --benchmark_* options (removing them from argv), refuses any other argument, runs the
 * registered benchmarks and shuts the library down. Returns the process exit status: 0, 1 for
 * an unrecognised argument, 2 if no benchmark matched the filter. */
int altinj_gb_main(int argc, char **argv);

/* ---- keeping the compiler honest (benchmark::DoNotOptimize / ClobberMemory) ---- */

/* The value is treated as used, and all memory as read and written, at this point: the
 * computation of v cannot be deleted, and no load or store may move across. */
static inline void altinj_gb_use_u64(uint64_t v)
{
    __asm__ volatile("" : : "r"(v) : "memory");
}

/* The object at p is treated as read and written here (its stores must happen, later loads
 * must reload). */
static inline void altinj_gb_use_ptr(const void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* All memory is treated as read and written here: pending stores are emitted, loads after it
 * are reloaded. */
static inline void altinj_gb_clobber_memory(void)
{
    __asm__ volatile("" : : : "memory");
}

#ifdef __cplusplus
}
#endif

#endif
