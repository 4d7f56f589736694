/*
 * Per-operation latency samples into the project histogram (core/altinj_hist.h), reported as
 * p50/p99/max user counters: the figures a mean hides.
 *
 * Samples are clock ticks (micro_clock.h) net of the minimum stamp overhead, clamped at 0: the
 * overhead is a constant the clock adds to every sample, not part of the operation. Its size
 * is reported beside ("stamp_overhead_ns") so nobody has to trust the subtraction blindly,
 * and so is the clock's resolution ("clock_resolution_ns"): on AMD the TSC steps every 10 ns,
 * so a per-operation sample of a 20 ns operation is quantised to 10 ns steps. The throughput
 * benchmarks (blocks of thousands of operations) are the precise figures; these are the tails.
 */
#ifndef ALTINJ_MICRO_LAT_H
#define ALTINJ_MICRO_LAT_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_gbench.h"
#include "altinj_hist.h"
#include "micro_clock.h"

struct altinj_micro_lat {
    struct altinj_hist h;
    bool ok;
};

/* false (and a skip message on st) if the histogram cannot be allocated. */
bool altinj_micro_lat_init(struct altinj_micro_lat *l, altinj_gb_state *st);
void altinj_micro_lat_free(struct altinj_micro_lat *l);

static inline void altinj_micro_lat_record(struct altinj_micro_lat *l, uint64_t ticks)
{
    const uint64_t o = altinj_micro_clock.stamp_overhead;
    altinj_hist_record(&l->h, ticks > o ? ticks - o : 0);
}

/* A percentile in ns, times `scale` (0.5 turns a round trip into one way). */
double altinj_micro_lat_ns(const struct altinj_micro_lat *l, double percentile, double scale);

/* Counters "<prefix>p50_ns", "<prefix>p99_ns", "<prefix>max_ns" (times scale), and, once per
 * benchmark (empty prefix), "stamp_overhead_ns" and "clock_resolution_ns". */
void altinj_micro_lat_counters(altinj_gb_state *st, const struct altinj_micro_lat *l,
                               const char *prefix, double scale);

#endif
