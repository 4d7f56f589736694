/* exits=: one vCPU's synthetic non-interrupt exits, a Poisson stream per reason, merged; or, for
 * kvmexit, one trace vCPU's plain exits as the trace has them. */
#include "altinj_wl_internal.h"

#include <stdlib.h>

/* Far above every arrival stream (source s uses 4s .. 4s+2, s < 256). */
#define EXIT_STREAM_BASE (UINT64_C(1) << 32)

struct altinj_exits {
    struct altinj_rng rng[ALTINJ_EXIT_R__COUNT];
    double t_ns[ALTINJ_EXIT_R__COUNT];       /* each stream's next exit; as poisson keeps it */
    double rate_per_ns[ALTINJ_EXIT_R__COUNT];
    bool live[ALTINJ_EXIT_R__COUNT];         /* has a next exit in t_ns */
    /* kvmexit: the trace vCPU replayed (NULL: the Poisson streams above), its next exit and
     * repetition. */
    const struct altinj_workload_spec *spec;
    const struct altinj_kx_vcpu *kx;
    size_t idx;
    unsigned rep;
};

static void advance(struct altinj_exits *g, unsigned r)
{
    const double t = g->t_ns[r] + altinj_rng_exp(&g->rng[r], g->rate_per_ns[r]);
    g->live[r] = t < (double)ALTINJ_WL_HORIZON_NS;
    g->t_ns[r] = t;
}

struct altinj_exits *altinj_exits_create(const struct altinj_workload_spec *spec, uint64_t seed)
{
    if (spec == NULL || !spec->has_exits || spec->kind == ALTINJ_WL_KVMEXIT)
        return NULL;
    struct altinj_exits *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    const uint64_t s = altinj_workload_seed(spec, seed);
    for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++) {
        if (!(spec->exit_rate[r] > 0.0))
            continue;
        altinj_rng_seed_stream(&g->rng[r], s, EXIT_STREAM_BASE + r);
        g->rate_per_ns[r] = spec->exit_rate[r] / 1e9;
        advance(g, r); /* the first exit one gap after t = 0, as poisson */
    }
    return g;
}

struct altinj_exits *altinj_exits_create_vcpu(const struct altinj_workload_spec *spec,
                                              unsigned source, uint64_t seed)
{
    if (spec == NULL || spec->kind != ALTINJ_WL_KVMEXIT)
        return altinj_exits_create(spec, seed);
    if (spec->kvmexit == NULL || source >= spec->kvmexit->nvcpus)
        return NULL;
    struct altinj_exits *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->spec = spec;
    g->kx = &spec->kvmexit->vcpu[source];
    return g;
}

static bool replay_next(struct altinj_exits *g, struct altinj_exit_arrival *out)
{
    if (g->kx->nexits == 0)
        return false;
    if (g->idx == g->kx->nexits) {
        if (g->rep + 1 >= g->spec->loop)
            return false;
        g->rep++;
        g->idx = 0;
    }
    const size_t i = g->idx++;
    out->t_ns = altinj_wl_kvmexit_time(g->spec, g->kx->exit_t[i], g->rep);
    out->reason = g->kx->exit_reason[i];
    return true;
}

bool altinj_exits_next(struct altinj_exits *g, struct altinj_exit_arrival *out)
{
    if (g->kx != NULL)
        return replay_next(g, out);
    int best = -1;
    for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
        if (g->live[r] && (best < 0 || g->t_ns[r] < g->t_ns[best]))
            best = (int)r;
    if (best < 0)
        return false;
    out->t_ns = (uint64_t)g->t_ns[best];
    out->reason = (uint8_t)best;
    advance(g, (unsigned)best);
    return true;
}

void altinj_exits_destroy(struct altinj_exits *g)
{
    free(g);
}
