/* Each benchmark group registers its benchmarks; micro_main.c calls them in this order, which
 * is the order they run in. */
#ifndef ALTINJ_MICRO_GROUPS_H
#define ALTINJ_MICRO_GROUPS_H

#include "altinj_gbench.h"

/* For a benchmark whose per-operation figure is a small part of the wall time it takes - the
 * net of a subtracted setup, or a stamped operation between an unstamped setup and consume:
 * real (wall) time instead of manual time, so --benchmark_min_time bounds its wall time and
 * the whole run's length is predictable. With the net as manual time these rows ran 10-100
 * times the minimum in wall time, most of a run; MinTime per benchmark would have put the
 * seconds into every name ("/min_time:0.001"), which then differ between runs of different
 * lengths. The figures are the counters ("median_ns", "mean_ns", "p50_ns", ...): the reported
 * time of these is the wall time per operation of the whole interleaved iteration (setup,
 * baseline and limit included), a budget, not a figure. Returns b. */
static inline altinj_gb_bench *altinj_micro_wall_timed(altinj_gb_bench *b)
{
    return altinj_gb_use_real_time(b);
}

void altinj_micro_register_preentry(void);
void altinj_micro_register_busy_path(void);
void altinj_micro_register_doorbell(void);
void altinj_micro_register_crosscpu(void);
void altinj_micro_register_place_flag(void);
void altinj_micro_register_place_vmsa(void);
void altinj_micro_register_latency(void);

/* Not in normal runs: `altinj-micro --altinj_shim_selftest` registers only these. */
void altinj_micro_register_shim_selftest(void);
unsigned altinj_micro_shim_selftest_failures(void);

#endif
