/*
 * burst:rate=N,on=US,off=US: NVMe-completion-like storms. Windows repeat with period on+off,
 * starting with an `on` window at t = 0; inside a window arrivals are Poisson at N (the in-burst
 * rate; the long-run mean rate is N * on / (on + off)); nothing arrives in the `off` gaps.
 *
 * Because the exponential is memoryless, a Poisson process restricted to the on windows is a
 * plain Poisson process on a clock that only runs during them: draw on that clock, then map
 * on-time tau to real time floor(tau / on) * (on + off) + (tau mod on). No rejection loop, so
 * one draw per arrival whatever the duty cycle.
 */
#include "altinj_wl_internal.h"

#include <math.h>

void altinj_wl_burst_init(struct altinj_arrivals *g)
{
    g->u.burst.on_time_ns = 0.0;
    g->u.burst.rate_per_ns = g->spec->rate / 1e9;
    g->u.burst.on_ns = g->spec->on_us * 1e3;
    g->u.burst.cycle_ns = (g->spec->on_us + g->spec->off_us) * 1e3;
}

bool altinj_wl_burst_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector)
{
    (void)vector;
    const double tau =
        g->u.burst.on_time_ns + altinj_rng_exp(&g->time_rng, g->u.burst.rate_per_ns);
    const double on = g->u.burst.on_ns;
    double w = floor(tau / on);
    double into = tau - w * on;
    if (into >= on) { /* tau / on rounded down across a window edge */
        w += 1.0;
        into -= on;
    }
    if (into < 0.0)
        into = 0.0;
    const double t = w * g->u.burst.cycle_ns + into;
    if (!(t < (double)ALTINJ_WL_HORIZON_NS))
        return false;
    g->u.burst.on_time_ns = tau;
    *t_ns = (uint64_t)t;
    return true;
}
