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
    uint64_t resolution;      /* smallest step the clock is seen to take, in ticks: AMD's TSC
                                 counts at the nominal rate but steps every 10 ns (24-25 ticks
                                 at 2.45 GHz), so one sample can be no finer than that */
    char note[192];           /* why the TSC was not used, if it was not */
};

extern struct altinj_micro_clock altinj_micro_clock;

/* Calibrates (about 60 ms) and measures the stamp overhead. Never fails: falls back to
 * CLOCK_MONOTONIC_RAW and says why in altinj_micro_clock.note. */
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

#endif
