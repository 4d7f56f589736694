/*
 * The microbenchmarks' clock: ordered TSC reads (altinj_tsc_now_ordered, RDTSCP + LFENCE) when
 * the TSC calibrates, CLOCK_MONOTONIC_RAW nanoseconds otherwise. Ticks are converted to time
 * only when reporting, so a hot loop pays one read per stamp and nothing else.
 *
 * Set up once by altinj_micro_clock_init() before any benchmark runs; read-only afterwards, so
 * every thread may read it without synchronisation (the thread starts order the writes).
 */
#ifndef ALTINJ_MICRO_CLOCK_H
#define ALTINJ_MICRO_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "altinj_tsc.h"

struct altinj_micro_clock {
    bool tsc;                 /* true: ticks are TSC cycles; false: nanoseconds */
    double ns_per_tick;
    uint64_t hz;              /* TSC frequency, 0 without TSC */
    uint64_t stamp_overhead;  /* minimum ticks between two back-to-back stamps */
    uint64_t step;            /* the clock's step, in ticks: the mode of the non-zero deltas
                                 between consecutive reads. A virtualised AMD TSC counts at the
                                 nominal rate but advances in steps of about 10 ns (26 ticks at
                                 2.6 GHz), so a single stamped sample is a multiple of it */
    uint64_t step_min;        /* the smallest non-zero delta seen: a rare 1-tick delta (the
                                 hypervisor's offset adjustments) makes this far smaller than
                                 the step, which is why it is not the resolution */
    double step_mode_share;   /* share of the deltas that equal `step` (how clear the mode is) */
    char note[192];           /* why the TSC was not used, if it was not */
};

extern struct altinj_micro_clock altinj_micro_clock;

/* A per-operation sample (one stamp pair) is reported only when it is at least this many
 * steps: below it the quantisation error of one step is over 10 % of the figure. Shorter
 * operations are timed in batches (K per stamp pair, reported per operation) or their
 * percentiles are omitted and marked invalid (micro_lat.h). */
#define ALTINJ_MICRO_MIN_STEPS 10

/* Calibrates (about 60 ms), measures the stamp overhead and the step. Never fails: falls back
 * to CLOCK_MONOTONIC_RAW and says why in altinj_micro_clock.note. */
void altinj_micro_clock_init(void);

static inline uint64_t altinj_micro_now(void)
{
    if (altinj_micro_clock.tsc)
        return altinj_tsc_now_ordered();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double altinj_micro_ticks_ns(double ticks)
{
    return ticks * altinj_micro_clock.ns_per_tick;
}

static inline double altinj_micro_ticks_s(double ticks)
{
    return ticks * altinj_micro_clock.ns_per_tick * 1e-9;
}

static inline uint64_t altinj_micro_ns_ticks(double ns)
{
    return (uint64_t)(ns / altinj_micro_clock.ns_per_tick);
}

/* The smallest sample, in ticks, that a per-sample figure may be reported from:
 * ALTINJ_MICRO_MIN_STEPS steps. */
static inline uint64_t altinj_micro_min_sample_ticks(void)
{
    return ALTINJ_MICRO_MIN_STEPS * (altinj_micro_clock.step ? altinj_micro_clock.step : 1);
}

#endif
