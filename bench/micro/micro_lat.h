/*
 * Per-sample latency distributions into the project histogram (core/altinj_hist.h), reported as
 * p50/p99/max user counters: the figures a mean hides.
 *
 * A sample is one stamp pair around `ops` operations (1: one operation per sample; more: batch
 * timing, reported per operation). Samples are clock ticks (micro_clock.h) net of the minimum
 * stamp overhead, clamped at 0: the overhead is a constant the clock adds to every sample, not
 * part of the operation. Its size is reported beside ("stamp_overhead_ns").
 *
 * The resolution rule: the clock advances in steps (the mode of consecutive deltas, about
 * 10 ns on this VM), so a sample is a multiple of the step and its error is up to one step. A
 * percentile whose sample is under ALTINJ_MICRO_MIN_STEPS steps (10: a 10 % error) is not
 * reported: its counter is left out, "invalid_pcts" counts the ones left out and
 * "valid_from_ns" says from which per-operation figure a percentile would have been kept
 * (10 steps / ops per sample). A consumer must treat a missing p50_ns beside valid_from_ns as
 * "below the clock's resolution", never as a number. Operations that short are timed in
 * blocks of thousands by the throughput benchmarks, which are the precise figures; the
 * per-sample ones are the tails.
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
    uint64_t ops;   /* operations per sample (batch timing when > 1) */
    bool ok;
};

/* ops operations per sample (0 is taken as 1). false (and a skip message on st) if the
 * histogram cannot be allocated. */
bool altinj_micro_lat_init(struct altinj_micro_lat *l, altinj_gb_state *st, uint64_t ops);
void altinj_micro_lat_free(struct altinj_micro_lat *l);

/* One sample: the ticks between the two stamps around l->ops operations. */
static inline void altinj_micro_lat_record(struct altinj_micro_lat *l, uint64_t ticks)
{
    const uint64_t o = altinj_micro_clock.stamp_overhead;
    altinj_hist_record(&l->h, ticks > o ? ticks - o : 0);
}

/* One sample already net of the stamp overhead: a batch made of `ops` per-operation samples
 * added up (each net, as altinj_micro_lat_record leaves them). Their sum resolves finer than
 * one step as long as each operation starts at a random phase of the clock's step, so each
 * one's quantisation error is independent: the error of a sum of K grows as sqrt(K) steps
 * while the sum grows as K. */
static inline void altinj_micro_lat_record_net(struct altinj_micro_lat *l, uint64_t ticks)
{
    altinj_hist_record(&l->h, ticks);
}

/* A percentile per operation in ns, times `scale` (0.5 turns a round trip into one way), into
 * *ns. false when there are no samples or the percentile's sample is under the resolution
 * rule's ALTINJ_MICRO_MIN_STEPS steps (*ns is then 0). */
bool altinj_micro_lat_pct(const struct altinj_micro_lat *l, double percentile, double scale,
                          double *ns);

/* Counters "<prefix>p50_ns", "<prefix>p99_ns", "<prefix>max_ns" and "<prefix>mean_ns" (the
 * mean of the samples; all times scale), each only if it passes the resolution rule; "<prefix>invalid_pcts" (how many did not) when any did not; and,
 * once per benchmark (empty prefix), "stamp_overhead_ns", "clock_step_ns" (the mode) and
 * "valid_from_ns" (times scale). */
void altinj_micro_lat_counters(altinj_gb_state *st, const struct altinj_micro_lat *l,
                               const char *prefix, double scale);

/* Batch samples needed before a batch median is a figure: a run that hit a long preemption
 * early may end after a handful of batches (Google Benchmark stops once the wall time is
 * reached), and a median of three batches is one of them. */
#define ALTINJ_MICRO_MIN_BATCHES 16

/* Per-sample histograms meas and lim (lim NULL: no limit) and their batch histograms meas_b and
 * lim_b (ops = batch size, altinj_micro_lat_record_net). Writes "limit_p50_ns" (lim's p50),
 * then from the batches "median_ns", "limit_ns" and "vs_limit" (the ratio of the batch medians,
 * which resolve finer than the per-sample p50s), each only if it passes the resolution rule
 * and the batches number ALTINJ_MICRO_MIN_BATCHES; failing that, "vs_limit" from the p50s
 * when both pass the rule; failing that, "vs_limit_invalid" = 1. */
void altinj_micro_lat_ratio_counters(altinj_gb_state *st, const struct altinj_micro_lat *meas,
                                     const struct altinj_micro_lat *lim,
                                     const struct altinj_micro_lat *meas_b,
                                     const struct altinj_micro_lat *lim_b, double scale);

/* "limit_p50_ns" from lim and "vs_limit" = meas p50 / lim p50, each only if both pass the
 * resolution rule; otherwise "vs_limit_invalid" = 1. */
void altinj_micro_lat_limit_counters(altinj_gb_state *st, const struct altinj_micro_lat *meas,
                                     const struct altinj_micro_lat *lim, double scale);

#endif
