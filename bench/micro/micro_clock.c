#include "micro_clock.h"

#include <stdio.h>

struct altinj_micro_clock altinj_micro_clock = {.ns_per_tick = 1.0};

static uint64_t raw_now(void)
{
    return altinj_micro_clock.tsc ? altinj_tsc_now() : altinj_micro_now();
}

void altinj_micro_clock_init(void)
{
    struct altinj_tsc_clock tc;
    char err[128];
    if (altinj_tsc_calibrate(&tc, err, sizeof err) == 0 && tc.hz > 0) {
        altinj_micro_clock.tsc = true;
        altinj_micro_clock.hz = tc.hz;
        altinj_micro_clock.ns_per_tick = 1e9 / (double)tc.hz;
    } else {
        altinj_micro_clock.tsc = false;
        altinj_micro_clock.ns_per_tick = 1.0;
        snprintf(altinj_micro_clock.note, sizeof altinj_micro_clock.note,
                 "CLOCK_MONOTONIC_RAW (TSC refused: %s)", err);
    }
    /* The smallest gap two stamps can show: what a per-operation sample carries on top of the
     * operation. The minimum, not the mean, because interrupts only ever add. */
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 20000; i++) {
        const uint64_t t0 = altinj_micro_now();
        const uint64_t t1 = altinj_micro_now();
        if (t1 >= t0 && t1 - t0 < best)
            best = t1 - t0;
    }
    altinj_micro_clock.stamp_overhead = best == UINT64_MAX ? 0 : best;
    /* The smallest non-zero step between consecutive readings, read with the cheapest read
     * (unordered RDTSC) so that the read's own cost does not hide a finer step. */
    uint64_t step = UINT64_MAX, prev = raw_now();
    for (int seen = 0, spins = 0; seen < 1000 && spins < 10000000; spins++) {
        const uint64_t t = raw_now();
        if (t != prev) {
            if (t > prev && t - prev < step)
                step = t - prev;
            prev = t;
            seen++;
        }
    }
    altinj_micro_clock.resolution = step == UINT64_MAX ? 1 : step;
}
