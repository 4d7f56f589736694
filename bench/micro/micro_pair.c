#include "micro_pair.h"

#include "altinj_hist.h"

#include "micro_clock.h"
#include "micro_perf.h"

static uint64_t timed(altinj_micro_block_fn fn, void *ctx, uint64_t n)
{
    const uint64_t t0 = altinj_micro_now();
    fn(ctx, n);
    return altinj_micro_now() - t0;
}

/* The per-op counts pass: about 2 ms of the measured op, and as much of the baseline. */
static void count_ops(altinj_gb_state *st, const struct altinj_micro_pair *p, double ns_per_op)
{
    uint64_t blocks = 1;
    const double block_ns = ns_per_op * (double)p->block;
    if (block_ns > 0 && block_ns < 2e6)
        blocks = (uint64_t)(2e6 / block_ns) + 1;
    struct altinj_micro_perf m;
    struct altinj_perf_sample meas, base;
    altinj_micro_perf_begin(&m);
    for (uint64_t i = 0; i < blocks; i++)
        p->measured(p->ctx, p->block);
    if (!altinj_micro_perf_end(&m, &meas))
        return;
    const double ops = (double)(blocks * p->block);
    if (!p->baseline) {
        altinj_micro_perf_counters(st, &meas, NULL, ops, "op_");
        return;
    }
    altinj_micro_perf_begin(&m);
    for (uint64_t i = 0; i < blocks; i++)
        p->baseline(p->ctx, p->block);
    if (altinj_micro_perf_end(&m, &base))
        altinj_micro_perf_counters(st, &meas, &base, ops, "op_");
}

static void record_net(struct altinj_hist *h, uint64_t t, uint64_t base)
{
    altinj_hist_record(h, t > base ? t - base : 0);
}

void altinj_micro_run_pair(altinj_gb_state *st, const struct altinj_micro_pair *p)
{
    struct altinj_hist hm, hl;
    const bool hists = altinj_hist_init(&hm) == 0 && altinj_hist_init(&hl) == 0;
    if (!hists) {
        altinj_hist_free(&hm);
        altinj_gb_skip_with_error(st, "cannot allocate the block histograms");
        return;
    }
    uint64_t sum_b = 0, sum_l = 0, sum_m = 0, ops = 0;
    struct altinj_micro_perf run;
    altinj_micro_perf_begin(&run);
    while (altinj_gb_keep_running_batch(st, p->block)) {
        const uint64_t tb = p->baseline ? timed(p->baseline, p->ctx, p->block) : 0;
        const uint64_t tl = p->limit ? timed(p->limit, p->ctx, p->block) : 0;
        const uint64_t tm = timed(p->measured, p->ctx, p->block);
        sum_b += tb;
        sum_l += tl;
        sum_m += tm;
        ops += p->block;
        record_net(&hm, tm, tb);
        if (p->limit)
            record_net(&hl, tl, tb);
        /* Net of the setup, per block; a noisy block may come out negative, and is kept so:
         * clamping would bias the sum upwards. */
        altinj_gb_set_iteration_time(st, altinj_micro_ticks_s((double)tm - (double)tb));
    }
    struct altinj_perf_sample s;
    if (altinj_micro_perf_end(&run, &s))
        altinj_micro_perf_run_counters(st, &run, &s);
    if (ops > 0) {
        const double blk = (double)p->block;
        const double mean_ns =
            altinj_micro_ticks_ns(((double)sum_m - (double)sum_b) / (double)ops);
        /* The resolution rule (micro_clock.h): a block's net time under 10 clock steps is not
         * a figure. Blocks are sized to be hundreds of steps, so this only trips on a clock
         * far coarser than expected; the mean (the reported time) stays, being a sum. */
        const uint64_t floor_ticks = altinj_micro_min_sample_ticks();
        const uint64_t med_m = altinj_hist_value_at_percentile(&hm, 50);
        const bool m_ok = med_m >= floor_ticks;
        const double median_ns = altinj_micro_ticks_ns((double)med_m) / blk;
        unsigned invalid = !m_ok;
        altinj_gb_counter(st, "ops_per_block", blk, ALTINJ_GB_COUNTER_DEFAULT);
        /* The mean is a sum over all blocks, far above the step: always a figure. */
        altinj_gb_counter(st, "mean_ns", mean_ns, ALTINJ_GB_COUNTER_DEFAULT);
        if (m_ok)
            altinj_gb_counter(st, "median_ns", median_ns, ALTINJ_GB_COUNTER_DEFAULT);
        if (p->baseline)
            altinj_gb_counter(st, "setup_ns", altinj_micro_ticks_ns((double)sum_b / (double)ops),
                              ALTINJ_GB_COUNTER_DEFAULT);
        if (p->limit) {
            const uint64_t med_l = altinj_hist_value_at_percentile(&hl, 50);
            const bool l_ok = med_l >= floor_ticks;
            const double limit_ns = altinj_micro_ticks_ns((double)med_l) / blk;
            const double limit_mean_ns =
                altinj_micro_ticks_ns(((double)sum_l - (double)sum_b) / (double)ops);
            invalid += !l_ok;
            if (l_ok)
                altinj_gb_counter(st, "limit_ns", limit_ns, ALTINJ_GB_COUNTER_DEFAULT);
            if (m_ok && l_ok && limit_ns > 0)
                altinj_gb_counter(st, "vs_limit", median_ns / limit_ns,
                                  ALTINJ_GB_COUNTER_DEFAULT);
            else
                altinj_gb_counter(st, "vs_limit_invalid", 1, ALTINJ_GB_COUNTER_DEFAULT);
            if (limit_mean_ns > 0)
                altinj_gb_counter(st, "vs_limit_mean", mean_ns / limit_mean_ns,
                                  ALTINJ_GB_COUNTER_DEFAULT);
        }
        if (invalid) {
            altinj_gb_counter(st, "invalid_pcts", invalid, ALTINJ_GB_COUNTER_DEFAULT);
            altinj_gb_counter(st, "valid_from_ns",
                              altinj_micro_ticks_ns((double)floor_ticks) / blk,
                              ALTINJ_GB_COUNTER_DEFAULT);
        }
        if (!altinj_gb_error_occurred(st))
            count_ops(st, p,
                      mean_ns + altinj_micro_ticks_ns((double)sum_b / (double)ops));
    }
    altinj_hist_free(&hm);
    altinj_hist_free(&hl);
}
