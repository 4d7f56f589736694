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
