#include "altinj_run_result.h"

#include <stdio.h>
#include <string.h>

int altinj_run_result_init(struct altinj_run_result *r, const char *strategy, const char *mode)
{
    memset(r, 0, sizeof *r);
    r->strategy = strategy;
    r->mode = mode;
    snprintf(r->faults, sizeof r->faults, "none");
    if (altinj_hist_init(&r->latency_ns) != 0)
        return -1;
    if (altinj_hist_init(&r->busy_redelivery_ns) != 0) {
        altinj_hist_free(&r->latency_ns);
        return -1;
    }
    return 0;
}

void altinj_run_result_free(struct altinj_run_result *r)
{
    altinj_hist_free(&r->latency_ns);
    altinj_hist_free(&r->busy_redelivery_ns);
}

bool altinj_run_result_ok(const struct altinj_run_result *r)
{
    return r->verdict.ok && !r->fatal && !r->stalled && r->c.internal_errors == 0;
}

double altinj_run_result_per_1000(const struct altinj_run_result *r, uint64_t count)
{
    const uint64_t d = r->verdict.delivered;
    return d ? 1000.0 * (double)count / (double)d : 0.0;
}

double altinj_run_result_ns_per(const struct altinj_run_result *r, uint64_t cycles,
                                uint64_t count)
{
    return count && r->clock_hz
               ? (double)cycles * 1e9 / (double)r->clock_hz / (double)count
               : 0.0;
}

uint64_t altinj_run_result_world_switches(const struct altinj_run_result *r)
{
    return r->c.exits + r->c.vmruns + 2 * r->c.svsm_entries;
}
