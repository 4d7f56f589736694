#include "altinj_run_pool.h"

#include <string.h>

void altinj_run_result_pool(struct altinj_run_result *into, const struct altinj_run_result *r)
{
    const bool first = into->posted == 0 && into->verdict.expected == 0 && into->clock_hz == 0;
    if (first) {
        into->row = r->row;
        into->vcpus = r->vcpus;
        into->clock_hz = r->clock_hz;
        memcpy(into->placement, r->placement, sizeof into->placement);
        memcpy(into->faults, r->faults, sizeof into->faults);
        memcpy(into->perf_json, r->perf_json, sizeof into->perf_json);
        into->fatal_reason = r->fatal_reason;
    }
    into->posted += r->posted;
    into->verdict.expected += r->verdict.expected;
    into->verdict.delivered += r->verdict.delivered;
    into->verdict.lost += r->verdict.lost;
    into->verdict.duplicated += r->verdict.duplicated;
    into->verdict.ok = (first || into->verdict.ok) && r->verdict.ok;
    altinj_counters_add(&into->c, &r->c);
    into->poster_doorbell_writes += r->poster_doorbell_writes;
    into->kicks += r->kicks;
    into->kicks_suppressed += r->kicks_suppressed;
    into->ring_full_waits += r->ring_full_waits;
    into->late_posts += r->late_posts;
    if (r->fatal && !into->fatal)
        into->fatal_reason = r->fatal_reason;
    into->fatal |= r->fatal;
    into->stalled |= r->stalled;
    into->faults_on |= r->faults_on;
    into->exit_mix |= r->exit_mix;
    into->elapsed_s += r->elapsed_s;
    into->wall_s += r->wall_s;
    altinj_hist_merge(&into->latency_ns, &r->latency_ns);
    altinj_hist_merge(&into->busy_redelivery_ns, &r->busy_redelivery_ns);
    /* Usage: the worst share of any repetition (a disturbance anywhere shows), switches add. */
    if (first) {
        into->usage_valid = r->usage_valid;
        into->vcpu_cpu_share = r->vcpu_cpu_share;
        into->poster_cpu_share_min = r->poster_cpu_share_min;
    } else {
        into->usage_valid = into->usage_valid && r->usage_valid;
        if (r->vcpu_cpu_share < into->vcpu_cpu_share)
            into->vcpu_cpu_share = r->vcpu_cpu_share;
        if (r->poster_cpu_share_min < into->poster_cpu_share_min)
            into->poster_cpu_share_min = r->poster_cpu_share_min;
    }
    into->vcpu_nivcsw += r->vcpu_nivcsw;
    into->poster_nivcsw += r->poster_nivcsw;
    const uint64_t *s = (const uint64_t *)&r->fc;
    uint64_t *d = (uint64_t *)&into->fc;
    _Static_assert(sizeof r->fc % sizeof(uint64_t) == 0, "fault counters are uint64_t only");
    for (size_t i = 0; i < sizeof r->fc / sizeof(uint64_t); i++)
        d[i] += s[i];
}
