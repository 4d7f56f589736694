/*
 * kvmexit: one selected trace vCPU's posts and raised events, replayed as trace replays a CPU:
 * repetition r (0 <= r < loop) shifted by r * period_ns, every time divided by speed.
 */
#include "altinj_wl_internal.h"

#include <string.h>

uint64_t altinj_wl_kvmexit_time(const struct altinj_workload_spec *s, uint64_t t, unsigned rep)
{
    /* Parse checked that loop * period / speed stays under the horizon, so neither form
     * overflows. Integer arithmetic at speed 1 keeps a plain replay exact. */
    const uint64_t shift = (uint64_t)rep * s->kvmexit->period_ns;
    if (s->speed == 1.0)
        return t + shift;
    return (uint64_t)(((double)t + (double)shift) / s->speed);
}

void altinj_wl_kvmexit_init(struct altinj_arrivals *g)
{
    g->u.kvmexit.vcpu = &g->spec->kvmexit->vcpu[g->source];
    g->u.kvmexit.idx = 0;
    g->u.kvmexit.rep = 0;
}

bool altinj_wl_kvmexit_next(struct altinj_arrivals *g, struct altinj_arrival *out)
{
    const struct altinj_kx_vcpu *v = g->u.kvmexit.vcpu;
    if (v->nposts == 0)
        return false;
    if (g->u.kvmexit.idx == v->nposts) {
        if (g->u.kvmexit.rep + 1 >= g->spec->loop)
            return false;
        g->u.kvmexit.rep++;
        g->u.kvmexit.idx = 0;
    }
    *out = v->posts[g->u.kvmexit.idx++];
    out->t_ns = altinj_wl_kvmexit_time(g->spec, out->t_ns, g->u.kvmexit.rep);
    return true;
}

uint64_t altinj_wl_kvmexit_events(const struct altinj_workload_spec *s)
{
    uint64_t n = 0;
    for (unsigned k = 0; k < s->kvmexit->nvcpus; k++)
        n += s->kvmexit->vcpu[k].nposts;
    return n * s->loop;
}

uint64_t altinj_wl_kvmexit_end_ns(const struct altinj_workload_spec *s)
{
    /* The last exit line of any kind: the replay's exits run until then. */
    return altinj_wl_kvmexit_time(s, s->kvmexit->span_ns, s->loop - 1);
}

uint64_t altinj_wl_kvmexit_events_before(const struct altinj_workload_spec *s, uint64_t until_ns)
{
    uint64_t n = 0;
    for (unsigned k = 0; k < s->kvmexit->nvcpus; k++) {
        const struct altinj_kx_vcpu *v = &s->kvmexit->vcpu[k];
        for (unsigned rep = 0; rep < s->loop && v->nposts > 0; rep++) {
            if (altinj_wl_kvmexit_time(s, v->posts[0].t_ns, rep) >= until_ns)
                break;
            /* Times are non-decreasing within a repetition: the first at or past until. */
            size_t lo = 0, hi = v->nposts;
            while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;
                if (altinj_wl_kvmexit_time(s, v->posts[mid].t_ns, rep) < until_ns)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            n += lo;
        }
    }
    return n;
}

bool altinj_workload_kvmexit_counts(const struct altinj_workload_spec *spec,
                                    struct altinj_kvmexit_counts *out)
{
    memset(out, 0, sizeof *out);
    if (spec == NULL || spec->kind != ALTINJ_WL_KVMEXIT || spec->kvmexit == NULL)
        return false;
    const struct altinj_kvmexit_counts *c = &spec->kvmexit->once;
    const uint64_t k = spec->loop;
    out->intr_info = c->intr_info;
    out->exits = c->exits * k;
    for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
        out->by_reason[r] = c->by_reason[r] * k;
    out->v1 = c->v1 * k;
    out->cut_interrupts = c->cut_interrupts * k;
    out->cut_raised = c->cut_raised * k;
    out->v1_reserved_type = c->v1_reserved_type * k;
    out->interrupt_posts = c->interrupt_posts * k;
    out->plain = c->plain * k;
    return true;
}
