/*
 * A self-test of the C shim (altinj_gbench.h) for the calls the real benchmarks do not use:
 * Arg/Args/Range, Threads and the thread index/count, pause/resume, fixed iterations, labels,
 * counters with flags and manual time. Run with `altinj-micro --altinj_shim_selftest`; the
 * exit status is non-zero if any check failed. Not registered in normal runs.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "altinj_gbench.h"
#include "micro_groups.h"

static _Atomic unsigned failures; /* relaxed throughout: read after every thread has joined */

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "shim selftest: %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
            atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);                     \
        }                                                                                      \
    } while (0)

static void st_args(altinj_gb_state *st, void *arg)
{
    CHECK(arg == (void *)&failures);
    CHECK(altinj_gb_range_arg(st, 0) == 3 && altinj_gb_range_arg(st, 1) == 5);
    CHECK(altinj_gb_thread_count(st) == 2);
    const int ti = altinj_gb_thread_index(st);
    CHECK(ti == 0 || ti == 1);
    CHECK(altinj_gb_max_iterations(st) == 1000);
    uint64_t n = 0;
    while (altinj_gb_keep_running(st)) {
        if ((n++ & 127) == 0) {
            altinj_gb_pause_timing(st);
            altinj_gb_resume_timing(st);
        }
    }
    CHECK(n == 1000 && altinj_gb_iterations_done(st) == 1000);
    altinj_gb_counter(st, "per_thread", 1.0, ALTINJ_GB_COUNTER_AVG_THREADS);
    altinj_gb_counter(st, "per_iter", 1000.0, ALTINJ_GB_COUNTER_AVG_ITERATIONS);
    if (ti == 0)
        altinj_gb_set_label(st, "args+threads");
}

static void st_range(altinj_gb_state *st, void *arg)
{
    (void)arg;
    const int64_t r = altinj_gb_range_arg(st, 0);
    CHECK(r == 1 || r == 8 || r == 64);
    uint64_t ops = 0;
    while (altinj_gb_keep_running_batch(st, (uint64_t)r)) {
        ops += (uint64_t)r;
        altinj_gb_set_iteration_time(st, 1e-9 * (double)r);
    }
    CHECK(ops == altinj_gb_iterations_done(st));
    altinj_gb_counter(st, "rate", (double)ops, ALTINJ_GB_COUNTER_RATE);
}

static void st_error(altinj_gb_state *st, void *arg)
{
    (void)arg;
    altinj_gb_skip_with_error(st, "expected: the shim reports errors");
    CHECK(altinj_gb_error_occurred(st));
    while (altinj_gb_keep_running(st))
        CHECK(0 && "the loop must not run after an error");
}

void altinj_micro_register_shim_selftest(void)
{
    const int64_t args[2] = {3, 5};
    altinj_gb_bench *b = altinj_gb_register("Shim/args_threads", st_args, (void *)&failures);
    CHECK(b != NULL);
    altinj_gb_iterations(altinj_gb_threads(altinj_gb_args(b, args, 2), 2), 1000);
    b = altinj_gb_register("Shim/range_manual_time", st_range, NULL);
    altinj_gb_unit(altinj_gb_use_manual_time(altinj_gb_range(b, 1, 64)), ALTINJ_GB_US);
    altinj_gb_arg_name(b, "batch");
    altinj_gb_min_time(b, 0.001);
    altinj_gb_register("Shim/error", st_error, NULL);
    CHECK(altinj_gb_register(NULL, st_error, NULL) == NULL);
    CHECK(altinj_gb_arg(NULL, 1) == NULL); /* a failed registration stays a no-op */
}

unsigned altinj_micro_shim_selftest_failures(void)
{
    return atomic_load_explicit(&failures, memory_order_relaxed);
}
