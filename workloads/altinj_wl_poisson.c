/*
 * poisson:rate=N, and ipi:senders=K,rate=N: exponential inter-arrivals. An ipi source is the
 * same process at N/K, because K independent Poisson senders at N/K merge into one Poisson
 * stream at N at the target vCPU (the superposition property), which is what rate= names.
 */
#include "altinj_wl_internal.h"

void altinj_wl_poisson_init(struct altinj_arrivals *g)
{
    double rate = g->spec->rate;
    if (g->spec->kind == ALTINJ_WL_IPI)
        rate /= g->spec->senders;
    g->u.poisson.t_ns = 0.0;
    g->u.poisson.rate_per_ns = rate / 1e9;
}

bool altinj_wl_poisson_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector)
{
    (void)vector;
    /* Kept in double ns: at a day of run time the ulp is still ~0.01 ns. The process starts at
     * t = 0, so the first arrival comes one exponential gap after the start. */
    const double t = g->u.poisson.t_ns + altinj_rng_exp(&g->time_rng, g->u.poisson.rate_per_ns);
    if (!(t < (double)ALTINJ_WL_HORIZON_NS))
        return false;
    g->u.poisson.t_ns = t;
    *t_ns = (uint64_t)t;
    return true;
}
