#include "micro_perf.h"

#include <stdio.h>
#include <string.h>

#include "micro_clock.h"

void altinj_micro_perf_begin(struct altinj_micro_perf *m)
{
    m->ok = altinj_perf_open(&m->p, ALTINJ_PERF_GROUP) > 0 && altinj_perf_start(&m->p) == 0;
    m->t0 = altinj_micro_now();
    m->ticks = 0;
}

bool altinj_micro_perf_end(struct altinj_micro_perf *m, struct altinj_perf_sample *out)
{
    m->ticks = altinj_micro_now() - m->t0;
    out->n = 0;
    if (!m->ok) {
        altinj_perf_close(&m->p);
        return false;
    }
    const bool read = altinj_perf_stop(&m->p) == 0 && altinj_perf_read(&m->p, out) == 0;
    altinj_perf_close(&m->p);
    m->ok = false;
    if (!read)
        out->n = 0;
    return read;
}

void altinj_micro_perf_counters(altinj_gb_state *st, const struct altinj_perf_sample *s,
                                const struct altinj_perf_sample *minus, double ops,
                                const char *prefix)
{
    if (ops <= 0)
        return;
    for (size_t i = 0; i < s->n; i++) {
        const struct altinj_perf_value *v = &s->v[i];
        if (!v->available)
            continue;
        double value = (double)v->value;
        if (minus) {
            uint64_t m;
            if (!altinj_perf_value_of(minus, v->name, &m))
                continue; /* a difference with one side missing is no measurement */
            value -= (double)m;
        }
        char name[64];
        snprintf(name, sizeof name, "%s%s", prefix, v->name);
        altinj_gb_counter(st, name, value / ops, ALTINJ_GB_COUNTER_DEFAULT);
    }
}

void altinj_micro_perf_run_counters(altinj_gb_state *st, const struct altinj_micro_perf *m,
                                    const struct altinj_perf_sample *s)
{
    uint64_t v;
    if (altinj_perf_value_of(s, "context_switches", &v))
        altinj_gb_counter(st, "run_context_switches", (double)v, ALTINJ_GB_COUNTER_DEFAULT);
    if (altinj_perf_value_of(s, "task_clock_ns", &v) && m->ticks > 0)
        altinj_gb_counter(st, "run_cpu_share",
                          (double)v / altinj_micro_ticks_ns((double)m->ticks),
                          ALTINJ_GB_COUNTER_DEFAULT);
}

void altinj_micro_perf_context(void)
{
    struct altinj_perf p;
    memset(&p, 0, sizeof p);
    struct altinj_perf_sample s = {.n = 0};
    if (altinj_perf_open(&p, ALTINJ_PERF_GROUP) >= 0 && altinj_perf_start(&p) == 0 &&
        altinj_perf_stop(&p) == 0)
        (void)altinj_perf_read(&p, &s);
    altinj_perf_close(&p);
    char have[256] = "", missing[1024] = "";
    size_t hl = 0, ml = 0;
    for (size_t i = 0; i < s.n; i++) {
        const struct altinj_perf_value *v = &s.v[i];
        if (v->available && hl < sizeof have)
            hl += (size_t)snprintf(have + hl, sizeof have - hl, "%s%s", hl ? "," : "", v->name);
        else if (!v->available && ml < sizeof missing)
            ml += (size_t)snprintf(missing + ml, sizeof missing - ml, "%s%s (%s)",
                                   ml ? "; " : "", v->name, v->reason);
    }
    altinj_gb_add_context("perf_counters", s.n ? have : "none (perf_event_open refused)");
    altinj_gb_add_context("perf_unavailable", ml ? missing : "none");
    char paranoid[16];
    snprintf(paranoid, sizeof paranoid, "%d", s.paranoid);
    altinj_gb_add_context("perf_event_paranoid", s.n ? paranoid : "unknown");
}
