/*
 * altinj-micro: microbenchmarks of the Alternate Injection re-entry path (Google Benchmark,
 * through the C shim in altinj_gbench.h). Every --benchmark_* option works, including
 * --benchmark_format=json, --benchmark_filter and --benchmark_repetitions.
 *
 * `altinj-micro --altinj_shim_selftest` instead runs a self-test of the C shim's less used
 * calls (bm_shim_selftest.c) and exits non-zero if one fails.
 *
 * Before any benchmark runs: the TSC is calibrated (about 60 ms), the stamp overhead measured,
 * and the report's context records the clock, the CPUs and which perf counters exist.
 */
#include <stdio.h>
#include <string.h>

#include "altinj_gbench.h"
#include "micro_clock.h"
#include "micro_cpu.h"
#include "micro_groups.h"
#include "micro_perf.h"

static void add_context(void)
{
    char buf[192];
    if (altinj_micro_clock.tsc)
        snprintf(buf, sizeof buf, "TSC %.3f MHz (RDTSCP+LFENCE)", (double)altinj_micro_clock.hz / 1e6);
    else
        snprintf(buf, sizeof buf, "%s", altinj_micro_clock.note);
    altinj_gb_add_context("altinj_clock", buf);
    snprintf(buf, sizeof buf, "%.1f",
             altinj_micro_ticks_ns((double)altinj_micro_clock.stamp_overhead));
    altinj_gb_add_context("altinj_stamp_overhead_ns", buf);
    /* The step is the mode of consecutive deltas; the minimum is kept, labelled, because a
     * reader comparing with another tool's "resolution" may meet it (micro_clock.c). */
    const struct altinj_micro_clock *k = &altinj_micro_clock;
    snprintf(buf, sizeof buf, "%.3f", altinj_micro_ticks_ns((double)k->step));
    altinj_gb_add_context("altinj_clock_step_ns", buf);
    altinj_gb_add_context("altinj_clock_resolution_ns", buf);
    snprintf(buf, sizeof buf, "%.3f", altinj_micro_ticks_ns((double)k->step_min));
    altinj_gb_add_context("altinj_clock_step_min_ns", buf);
    snprintf(buf, sizeof buf,
             "mode of consecutive %s deltas: %llu ticks = %.3f ns (%.0f %% of the deltas); "
             "minimum delta %llu ticks = %.3f ns%s",
             k->tsc ? "RDTSC" : "clock_gettime", (unsigned long long)k->step,
             altinj_micro_ticks_ns((double)k->step), 100.0 * k->step_mode_share,
             (unsigned long long)k->step_min, altinj_micro_ticks_ns((double)k->step_min),
             k->step_min < k->step ? " (rare: not the resolution)" : "");
    altinj_gb_add_context("altinj_clock_step", buf);
    snprintf(buf, sizeof buf, "%.3f",
             altinj_micro_ticks_ns((double)altinj_micro_min_sample_ticks()));
    altinj_gb_add_context("altinj_valid_from_ns", buf);
    snprintf(buf, sizeof buf,
             "a percentile of stamped samples under %d clock steps (%.1f ns per sample) is left "
             "out and counted in invalid_pcts, never reported",
             ALTINJ_MICRO_MIN_STEPS,
             altinj_micro_ticks_ns((double)altinj_micro_min_sample_ticks()));
    altinj_gb_add_context("altinj_resolution_rule", buf);
    const struct altinj_micro_cpus *c = altinj_micro_cpus();
    if (c->n < 2)
        snprintf(buf, sizeof buf, "single cpu %d: cross-CPU benchmarks measure the scheduler",
                 c->main_cpu);
    else
        snprintf(buf, sizeof buf, "main %d, partner %d", c->main_cpu, c->partner_cpu);
    altinj_gb_add_context("altinj_cpus", buf);
    altinj_gb_add_context("altinj_vs_limit",
                          "measured / limit, both timed in the same iteration of the same run");
    altinj_micro_perf_context();
}

/* Removes argv[i], keeping argv NULL-terminated. */
static void drop_arg(int *argc, char **argv, int i)
{
    for (int j = i; j < *argc; j++)
        argv[j] = argv[j + 1];
    (*argc)--;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--altinj_shim_selftest") == 0) {
            drop_arg(&argc, argv, i);
            altinj_micro_register_shim_selftest();
            const int rc = altinj_gb_main(argc, argv);
            const unsigned failed = altinj_micro_shim_selftest_failures();
            fprintf(stderr, "shim selftest: %u failure(s)\n", failed);
            return failed ? 1 : rc;
        }
    }
    altinj_micro_clock_init();
    add_context();
    altinj_micro_register_preentry();
    altinj_micro_register_busy_path();
    altinj_micro_register_doorbell();
    altinj_micro_register_crosscpu();
    altinj_micro_register_place_flag();
    altinj_micro_register_place_vmsa();
    altinj_micro_register_latency();
    return altinj_gb_main(argc, argv);
}
