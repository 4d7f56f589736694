/* exits=: one vCPU's synthetic non-interrupt exits, a Poisson stream per reason, merged. */
#include "altinj_wl_internal.h"

#include <stdlib.h>

/* Far above every arrival stream (source s uses 4s .. 4s+2, s < 256). */
#define EXIT_STREAM_BASE (UINT64_C(1) << 32)

struct altinj_exits {
    struct altinj_rng rng[ALTINJ_EXIT_R__COUNT];
    double t_ns[ALTINJ_EXIT_R__COUNT];       /* each stream's next exit; as poisson keeps it */
    double rate_per_ns[ALTINJ_EXIT_R__COUNT];
    bool live[ALTINJ_EXIT_R__COUNT];         /* has a next exit in t_ns */
};

static void advance(struct altinj_exits *g, unsigned r)
{
    const double t = g->t_ns[r] + altinj_rng_exp(&g->rng[r], g->rate_per_ns[r]);
    g->live[r] = t < (double)ALTINJ_WL_HORIZON_NS;
    g->t_ns[r] = t;
}

struct altinj_exits *altinj_exits_create(const struct altinj_workload_spec *spec, uint64_t seed)
{
    if (spec == NULL || !spec->has_exits)
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

bool altinj_exits_next(struct altinj_exits *g, struct altinj_exit_arrival *out)
{
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
