#include "altinj_rate_bounds.h"

#include <stdbool.h>
#include <stdio.h>

double altinj_rate_clock_read_cycles(void)
{
    enum { READS = 1 << 16 };
    /* The best of a few rounds: a round the scheduler cut is too long, not representative. */
    double best = 0;
    for (int round = 0; round < 5; round++) {
        const uint64_t t0 = altinj_tsc_now();
        uint64_t t = t0;
        for (int i = 0; i < READS; i++)
            t = altinj_tsc_now();
        const double per = (double)(t - t0) / READS;
        if (round == 0 || per < best)
            best = per;
    }
    return best >= 1 ? best : 1;
}

/* Arrivals per second per source, and sources. */
static double per_source_rate(const struct altinj_workload_spec *wl)
{
    if (wl->kind == ALTINJ_WL_TIMER)
        return wl->rate;
    return wl->rate / (double)altinj_workload_sources(wl);
}

double altinj_rate_expected_events(const struct altinj_workload_spec *wl, double duration_s)
{
    if (wl->kind == ALTINJ_WL_TRACE || wl->kind == ALTINJ_WL_KVMEXIT) /* replays: no rate */
        return 0;
    double total = per_source_rate(wl) * (double)altinj_workload_sources(wl);
    if (wl->kind == ALTINJ_WL_BURST && wl->on_us + wl->off_us > 0)
        total *= wl->on_us / (wl->on_us + wl->off_us);
    return total * duration_s;
}

int altinj_rate_check(const struct altinj_workload_spec *wl, double duration_s, bool events_given,
                      uint64_t max_events, uint64_t hz, double read_cycles, char *err,
                      size_t errlen)
{
    if (wl->kind == ALTINJ_WL_TRACE || wl->kind == ALTINJ_WL_KVMEXIT) /* replays: no rate */
        return 0;
    const double per_source = per_source_rate(wl);
    if (per_source > 0 && (double)hz / per_source < read_cycles) {
        snprintf(err, errlen,
                 "rate %.6g/s per source is above what the clock can schedule: the period is "
                 "%.2f cycles, one clock read costs %.1f (at most %.4g/s)",
                 per_source, (double)hz / per_source, read_cycles, (double)hz / read_cycles);
        return -1;
    }
    const double expected = altinj_rate_expected_events(wl, duration_s);
    if (!events_given && expected > (double)max_events) {
        snprintf(err, errlen,
                 "rate x duration is %.4g arrivals, above the live bound of %llu (24 bytes "
                 "each, pre-generated): lower the rate or --duration, or use --events",
                 expected, (unsigned long long)max_events);
        return -1;
    }
    return 0;
}
