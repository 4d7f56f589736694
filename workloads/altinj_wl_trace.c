/*
 * trace: replay of one CPU of a loaded perf trace. Repetition r (0 <= r < loop) is shifted by
 * r * period_ns, and every time is divided by speed (speed=2 plays twice as fast).
 */
#include "altinj_wl_internal.h"

void altinj_wl_trace_init(struct altinj_arrivals *g)
{
    g->u.trace.cpu = &g->spec->trace->cpu[g->source];
    g->u.trace.idx = 0;
    g->u.trace.rep = 0;
}

bool altinj_wl_trace_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector)
{
    const struct altinj_trace_cpu *c = g->u.trace.cpu;
    if (g->u.trace.idx == c->n) {
        if (g->u.trace.rep + 1 >= g->spec->loop)
            return false;
        g->u.trace.rep++;
        g->u.trace.idx = 0;
    }
    const size_t i = g->u.trace.idx++;
    /* Parse checked that loop * period / speed stays under the horizon, so neither form
     * overflows. Integer arithmetic at speed 1 keeps a plain replay exact. */
    const uint64_t shift = (uint64_t)g->u.trace.rep * g->spec->trace->period_ns;
    if (g->spec->speed == 1.0)
        *t_ns = c->t_ns[i] + shift;
    else
        *t_ns = (uint64_t)(((double)c->t_ns[i] + (double)shift) / g->spec->speed);
    *vector = c->vector[i];
    return true;
}

/* The time of event i of cpu c in repetition rep, as altinj_wl_trace_next computes it. */
static uint64_t replay_time(const struct altinj_workload_spec *s, const struct altinj_trace_cpu *c,
                            size_t i, unsigned rep)
{
    const uint64_t shift = (uint64_t)rep * s->trace->period_ns;
    if (s->speed == 1.0)
        return c->t_ns[i] + shift;
    return (uint64_t)(((double)c->t_ns[i] + (double)shift) / s->speed);
}

uint64_t altinj_workload_trace_events(const struct altinj_workload_spec *spec)
{
    if (spec->kind == ALTINJ_WL_KVMEXIT && spec->kvmexit)
        return altinj_wl_kvmexit_events(spec);
    if (spec->kind != ALTINJ_WL_TRACE || !spec->trace)
        return 0;
    return (uint64_t)spec->trace->total * spec->loop;
}

uint64_t altinj_workload_trace_end_ns(const struct altinj_workload_spec *spec)
{
    if (spec->kind == ALTINJ_WL_KVMEXIT && spec->kvmexit)
        return altinj_wl_kvmexit_end_ns(spec);
    if (spec->kind != ALTINJ_WL_TRACE || !spec->trace)
        return 0;
    uint64_t end = 0;
    for (unsigned k = 0; k < spec->trace->ncpus; k++) {
        const struct altinj_trace_cpu *c = &spec->trace->cpu[k];
        const uint64_t t = replay_time(spec, c, c->n - 1, spec->loop - 1);
        end = t > end ? t : end;
    }
    return end;
}

uint64_t altinj_workload_trace_events_before(const struct altinj_workload_spec *spec,
                                             uint64_t until_ns)
{
    if (spec->kind == ALTINJ_WL_KVMEXIT && spec->kvmexit)
        return altinj_wl_kvmexit_events_before(spec, until_ns);
    if (spec->kind != ALTINJ_WL_TRACE || !spec->trace)
        return 0;
    uint64_t n = 0;
    for (unsigned k = 0; k < spec->trace->ncpus; k++) {
        const struct altinj_trace_cpu *c = &spec->trace->cpu[k];
        for (unsigned rep = 0; rep < spec->loop; rep++) {
            if (replay_time(spec, c, 0, rep) >= until_ns)
                break;
            /* Times are non-decreasing within a repetition: the first at or past until. */
            size_t lo = 0, hi = c->n;
            while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;
                if (replay_time(spec, c, mid, rep) < until_ns)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            n += lo;
        }
    }
    return n;
}
