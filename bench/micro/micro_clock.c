#include "micro_clock.h"

#include <stdio.h>
#include <stdlib.h>

struct altinj_micro_clock altinj_micro_clock = {.ns_per_tick = 1.0};

static uint64_t raw_now(void)
{
    return altinj_micro_clock.tsc ? altinj_tsc_now() : altinj_micro_now();
}

/* Deltas up to this many ticks are counted for the mode; a longer one (an interrupt between
 * two reads) is never the step. 4096 ticks is over 1 us at any TSC rate seen. */
#define STEP_HIST 4096
#define STEP_DELTAS 20000

/* The clock's step: the most common non-zero delta between consecutive reads, read with the
 * cheapest read (unordered RDTSC) so that the read's own cost does not hide a finer step. The
 * mode, not the minimum: on a virtualised AMD TSC almost every delta is one 10 ns step, but an
 * occasional 1-tick delta (an adjustment of the guest's TSC offset) makes the minimum report a
 * resolution the clock does not have (0.385 ns was seen). */
static void measure_step(void)
{
    unsigned *hist = calloc(STEP_HIST, sizeof *hist);
    uint64_t min = UINT64_MAX, prev = raw_now();
    unsigned seen = 0;
    for (unsigned spins = 0; seen < STEP_DELTAS && spins < 50000000u; spins++) {
        const uint64_t t = raw_now();
        if (t == prev)
            continue;
        if (t > prev) {
            const uint64_t d = t - prev;
            if (d < min)
                min = d;
            if (hist && d < STEP_HIST)
                hist[d]++;
            seen++;
        }
        prev = t;
    }
    uint64_t mode = 0;
    unsigned best = 0;
    for (uint64_t d = 1; hist && d < STEP_HIST; d++)
        if (hist[d] > best) {
            best = hist[d];
            mode = d;
        }
    free(hist);
    altinj_micro_clock.step_min = min == UINT64_MAX ? 1 : min;
    /* No mode (out of memory, or every delta longer than STEP_HIST): the minimum is all there
     * is, and it can only understate the step. */
    altinj_micro_clock.step = mode ? mode : altinj_micro_clock.step_min;
    altinj_micro_clock.step_mode_share = seen ? (double)best / (double)seen : 0.0;
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
    measure_step();
}
