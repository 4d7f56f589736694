#include "micro_lat.h"

#include <stdio.h>

bool altinj_micro_lat_init(struct altinj_micro_lat *l, altinj_gb_state *st)
{
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

double altinj_micro_lat_ns(const struct altinj_micro_lat *l, double percentile, double scale)
{
    if (!l->ok || altinj_hist_count(&l->h) == 0)
        return 0;
    return scale * altinj_micro_ticks_ns((double)altinj_hist_value_at_percentile(&l->h, percentile));
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
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", prefix, at[i].name);
        altinj_gb_counter(st, name, altinj_micro_lat_ns(l, at[i].pct, scale),
                          ALTINJ_GB_COUNTER_DEFAULT);
    }
    if (prefix[0] == '\0') {
        altinj_gb_counter(st, "stamp_overhead_ns",
                          altinj_micro_ticks_ns((double)altinj_micro_clock.stamp_overhead),
                          ALTINJ_GB_COUNTER_DEFAULT);
        altinj_gb_counter(st, "clock_resolution_ns",
                          altinj_micro_ticks_ns((double)altinj_micro_clock.resolution),
                          ALTINJ_GB_COUNTER_DEFAULT);
    }
}
