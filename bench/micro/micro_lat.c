#include "micro_lat.h"

#include <stdio.h>

bool altinj_micro_lat_init(struct altinj_micro_lat *l, altinj_gb_state *st, uint64_t ops)
{
    l->ops = ops ? ops : 1;
    l->ok = altinj_hist_init(&l->h) == 0;
    if (!l->ok)
        altinj_gb_skip_with_error(st, "cannot allocate the latency histogram");
    return l->ok;
}

void altinj_micro_lat_free(struct altinj_micro_lat *l)
{
    if (l->ok)
        altinj_hist_free(&l->h);
    l->ok = false;
}

bool altinj_micro_lat_pct(const struct altinj_micro_lat *l, double percentile, double scale,
                          double *ns)
{
    *ns = 0;
    if (!l->ok || altinj_hist_count(&l->h) == 0)
        return false;
    const uint64_t t = altinj_hist_value_at_percentile(&l->h, percentile);
    /* The rule is on the sample as stamped (all l->ops operations), since that is what was
     * quantised; net of the stamp overhead, since the error is relative to what is reported. */
    if (t < altinj_micro_min_sample_ticks())
        return false;
    *ns = scale * altinj_micro_ticks_ns((double)t) / (double)l->ops;
    return true;
}

void altinj_micro_lat_counters(altinj_gb_state *st, const struct altinj_micro_lat *l,
                               const char *prefix, double scale)
{
    if (!l->ok || altinj_hist_count(&l->h) == 0)
        return;
    static const struct {
        const char *name;
        double pct;
    } at[] = {{"p50_ns", 50.0}, {"p99_ns", 99.0}, {"max_ns", 100.0}};
    unsigned invalid = 0;
    char name[64];
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        double v;
        if (!altinj_micro_lat_pct(l, at[i].pct, scale, &v)) {
            invalid++;
            continue;
        }
        snprintf(name, sizeof name, "%s%s", prefix, at[i].name);
        altinj_gb_counter(st, name, v, ALTINJ_GB_COUNTER_DEFAULT);
    }
    if (invalid) {
        snprintf(name, sizeof name, "%sinvalid_pcts", prefix);
        altinj_gb_counter(st, name, invalid, ALTINJ_GB_COUNTER_DEFAULT);
    }
    /* The mean of the samples, per op, under the same rule: a mean of samples a step or two
     * long leans on the subtracted stamp overhead, itself a whole number of steps. */
    const double mean_ticks = altinj_hist_mean(&l->h);
    if (mean_ticks >= (double)altinj_micro_min_sample_ticks()) {
        snprintf(name, sizeof name, "%smean_ns", prefix);
        altinj_gb_counter(st, name, scale * altinj_micro_ticks_ns(mean_ticks) / (double)l->ops,
                          ALTINJ_GB_COUNTER_DEFAULT);
    }
    if (prefix[0] == '\0') {
        altinj_gb_counter(st, "stamp_overhead_ns",
                          altinj_micro_ticks_ns((double)altinj_micro_clock.stamp_overhead),
                          ALTINJ_GB_COUNTER_DEFAULT);
        altinj_gb_counter(st, "clock_step_ns",
                          altinj_micro_ticks_ns((double)altinj_micro_clock.step),
                          ALTINJ_GB_COUNTER_DEFAULT);
        altinj_gb_counter(st, "valid_from_ns",
                          scale * altinj_micro_ticks_ns((double)altinj_micro_min_sample_ticks()) /
                              (double)l->ops,
                          ALTINJ_GB_COUNTER_DEFAULT);
    }
}

void altinj_micro_lat_limit_counters(altinj_gb_state *st, const struct altinj_micro_lat *meas,
                                     const struct altinj_micro_lat *lim, double scale)
{
    double m, l;
    const bool mv = altinj_micro_lat_pct(meas, 50, scale, &m);
    const bool lv = altinj_micro_lat_pct(lim, 50, scale, &l);
    if (lv)
        altinj_gb_counter(st, "limit_p50_ns", l, ALTINJ_GB_COUNTER_DEFAULT);
    if (mv && lv && l > 0)
        altinj_gb_counter(st, "vs_limit", m / l, ALTINJ_GB_COUNTER_DEFAULT);
    else
        altinj_gb_counter(st, "vs_limit_invalid", 1, ALTINJ_GB_COUNTER_DEFAULT);
}

static bool batch_median(const struct altinj_micro_lat *b, double scale, double *ns)
{
    return b->ok && altinj_hist_count(&b->h) >= ALTINJ_MICRO_MIN_BATCHES &&
           altinj_micro_lat_pct(b, 50, scale, ns);
}

void altinj_micro_lat_ratio_counters(altinj_gb_state *st, const struct altinj_micro_lat *meas,
                                     const struct altinj_micro_lat *lim,
                                     const struct altinj_micro_lat *meas_b,
                                     const struct altinj_micro_lat *lim_b, double scale)
{
    double m = 0, l = 0;
    const bool mv = batch_median(meas_b, scale, &m);
    if (mv)
        altinj_gb_counter(st, "median_ns", m, ALTINJ_GB_COUNTER_DEFAULT);
    if (!lim)
        return;
    double lp = 0;
    const bool lpv = altinj_micro_lat_pct(lim, 50, scale, &lp);
    if (lpv)
        altinj_gb_counter(st, "limit_p50_ns", lp, ALTINJ_GB_COUNTER_DEFAULT);
    const bool lv = batch_median(lim_b, scale, &l);
    if (lv)
        altinj_gb_counter(st, "limit_ns", l, ALTINJ_GB_COUNTER_DEFAULT);
    double mp = 0;
    if (mv && lv && l > 0)
        altinj_gb_counter(st, "vs_limit", m / l, ALTINJ_GB_COUNTER_DEFAULT);
    else if (altinj_micro_lat_pct(meas, 50, scale, &mp) && lpv && lp > 0)
        altinj_gb_counter(st, "vs_limit", mp / lp, ALTINJ_GB_COUNTER_DEFAULT);
    else
        altinj_gb_counter(st, "vs_limit_invalid", 1, ALTINJ_GB_COUNTER_DEFAULT);
}
