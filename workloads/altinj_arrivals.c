/* One source's arrival generator: kind dispatch plus the busy and exception decisions that
 * every kind shares. */
#include "altinj_wl_internal.h"

#include "altinj_event.h"
#include "altinj_guest.h"
#include "altinj_irq.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct altinj_arrival) == 24, "struct altinj_arrival must have no padding");

/* Stream numbers inside one source; source s uses streams 4s .. 4s+2. */
enum { STREAM_TIME, STREAM_BUSY, STREAM_CLASS, STREAMS_PER_SOURCE = 4 };

struct altinj_arrivals *altinj_arrivals_create(const struct altinj_workload_spec *spec,
                                               unsigned source, uint64_t seed)
{
    if (spec == NULL || source >= altinj_workload_sources(spec))
        return NULL;
    struct altinj_arrivals *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    const uint64_t s = altinj_workload_seed(spec, seed);
    const uint64_t base = (uint64_t)source * STREAMS_PER_SOURCE;
    g->spec = spec;
    altinj_rng_seed_stream(&g->time_rng, s, base + STREAM_TIME);
    altinj_rng_seed_stream(&g->busy_rng, s, base + STREAM_BUSY);
    altinj_rng_seed_stream(&g->class_rng, s, base + STREAM_CLASS);
    g->busy = spec->busy;
    g->exc = spec->exc;
    g->exc_pf = spec->exc / 2.0;
    g->soft = spec->soft;
    g->source = (uint8_t)source;
    g->vector = spec->vector;
    switch (spec->kind) {
    case ALTINJ_WL_TIMER: altinj_wl_timer_init(g); break;
    case ALTINJ_WL_POISSON:
    case ALTINJ_WL_IPI: altinj_wl_poisson_init(g); break;
    case ALTINJ_WL_BURST: altinj_wl_burst_init(g); break;
    case ALTINJ_WL_TRACE: altinj_wl_trace_init(g); break;
    case ALTINJ_WL_KVMEXIT: altinj_wl_kvmexit_init(g); break;
    }
    return g;
}

static bool next_time(struct altinj_arrivals *g, uint64_t *t, uint8_t *vector)
{
    switch (g->spec->kind) {
    case ALTINJ_WL_TIMER: return altinj_wl_timer_next(g, t, vector);
    case ALTINJ_WL_POISSON:
    case ALTINJ_WL_IPI: return altinj_wl_poisson_next(g, t, vector);
    case ALTINJ_WL_BURST: return altinj_wl_burst_next(g, t, vector);
    case ALTINJ_WL_TRACE: return altinj_wl_trace_next(g, t, vector);
    case ALTINJ_WL_KVMEXIT: break; /* kvmexit_next, below */
    }
    return false;
}

/* kvmexit: the trace says what each arrival is; only a trace without intr_info leaves busy to
 * busy=, drawn per arrival from the busy stream as for the other kinds. */
static bool kvmexit_next(struct altinj_arrivals *g, struct altinj_arrival *out)
{
    if (g->exhausted || !altinj_wl_kvmexit_next(g, out)) {
        g->exhausted = true;
        return false;
    }
    if (out->t_ns < g->last_t) /* rounding at a repetition seam, as below */
        out->t_ns = g->last_t;
    g->last_t = out->t_ns;
    if (!g->spec->kvmexit->once.intr_info)
        out->busy = altinj_rng_uniform(&g->busy_rng) < g->busy;
    return true;
}

bool altinj_arrivals_next(struct altinj_arrivals *g, struct altinj_arrival *out)
{
    if (g->has_pending) {
        g->has_pending = false;
        *out = g->pending;
        return true;
    }
    if (g->spec->kind == ALTINJ_WL_KVMEXIT)
        return kvmexit_next(g, out);
    uint64_t t;
    uint8_t vector = g->vector;
    if (g->exhausted || !next_time(g, &t, &vector)) {
        g->exhausted = true;
        return false;
    }
    /* The kinds are monotone in exact arithmetic; this makes the guarantee independent of
     * floating-point rounding at window or repetition edges. */
    if (t < g->last_t)
        t = g->last_t;
    g->last_t = t;

    /* Both decisions are drawn for every arrival, whatever busy= and exc= are, so that one
     * parameter never shifts the other's stream. */
    const double ub = altinj_rng_uniform(&g->busy_rng);
    const double uc = altinj_rng_uniform(&g->class_rng);
    memset(out, 0, sizeof(*out));
    out->t_ns = t;
    out->source = g->source;
    out->busy = ub < g->busy;
    if (uc < g->exc_pf) {
        out->type = ALTINJ_EVENT_EXCEPTION;
        out->vector = ALTINJ_VEC_PF;
        out->error_valid = true;
        out->error_code = ALTINJ_WL_PF_ERROR_CODE;
    } else if (uc < g->exc) {
        out->type = ALTINJ_EVENT_EXCEPTION;
        out->vector = ALTINJ_VEC_VC;
        out->error_valid = true;
        out->error_code = ALTINJ_WL_VC_ERROR_CODE;
    } else if (uc < g->exc + g->soft / 3.0) {
        out->type = ALTINJ_EVENT_SOFTINT;
        out->vector = ALTINJ_WL_SOFT_VECTOR;
    } else if (uc < g->exc + 2.0 * g->soft / 3.0) {
        out->type = ALTINJ_EVENT_EXCEPTION;
        out->vector = ALTINJ_VEC_BP;
    } else if (uc < g->exc + g->soft) {
        out->type = ALTINJ_EVENT_EXCEPTION;
        out->vector = ALTINJ_VEC_OF;
    } else {
        out->type = ALTINJ_EVENT_EXTINT;
        out->vector = vector;
    }
    return true;
}

size_t altinj_arrivals_fill(struct altinj_arrivals *g, struct altinj_arrival *buf, size_t max,
                            uint64_t until_ns)
{
    size_t n = 0;
    struct altinj_arrival a;
    while (n < max && altinj_arrivals_next(g, &a)) {
        if (a.t_ns >= until_ns) {
            g->pending = a;
            g->has_pending = true;
            break;
        }
        if (buf != NULL)
            buf[n] = a;
        n++;
    }
    return n;
}

void altinj_arrivals_destroy(struct altinj_arrivals *g)
{
    free(g);
}

void altinj_arrival_to_irq(const struct altinj_arrival *a, uint64_t seq, uint64_t intended,
                           struct altinj_irq *irq)
{
    memset(irq, 0, sizeof(*irq));
    irq->seq = seq;
    irq->intended = intended;
    irq->vector = a->vector;
    irq->type = a->type;
    irq->error_valid = a->error_valid ? 1 : 0;
    irq->error_code = a->error_valid ? a->error_code : 0;
    irq->source = a->source;
    irq->delivery_cut = a->busy ? 1 : 0;
    irq->cut_reason = a->busy ? a->cut_reason : 0;
}

void altinj_workload_guest(const struct altinj_workload_spec *spec, uint64_t seed, unsigned vcpu,
                           uint64_t clock_hz, struct altinj_guest_config *out)
{
    const uint64_t s = altinj_workload_seed(spec, seed);
    *out = (struct altinj_guest_config){
        .masked = spec->masked,
        .mask_cycles = (uint64_t)(spec->mask_us * 1e-6 * (double)clock_hz + 0.5),
        /* A stream of its own per vCPU, apart from every arrival stream. */
        .seed = s ^ (UINT64_C(0xA0761D6478BD642F) * ((uint64_t)vcpu + 1)),
    };
    if (out->masked > 0 && out->mask_cycles == 0)
        out->mask_cycles = 1;
}
