/* timer:hz=N: a periodic source, phase 0 (the first arrival is at t = 0). */
#include "altinj_wl_internal.h"

void altinj_wl_timer_init(struct altinj_arrivals *g)
{
    const double period = 1e9 / g->spec->rate;
    g->u.timer.k = 0;
    g->u.timer.hz = g->spec->rate;
    /* An integral period (1 kHz, 1 MHz, ...) is stepped in integers: exact for any run length. */
    g->u.timer.period = period == (double)(uint64_t)period ? (uint64_t)period : 0;
}

bool altinj_wl_timer_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector)
{
    (void)vector;
    const uint64_t k = g->u.timer.k;
    uint64_t t;
    if (g->u.timer.period != 0) {
        if (k >= ALTINJ_WL_HORIZON_NS / g->u.timer.period)
            return false;
        t = k * g->u.timer.period;
    } else {
        /* Each time from k directly, never by adding a rounded period, so a period such as
         * 333333333.3 ns does not drift: t_k = round(k * 1e9 / hz). */
        const double x = (double)k * 1e9 / g->u.timer.hz + 0.5;
        if (!(x < (double)ALTINJ_WL_HORIZON_NS))
            return false;
        t = (uint64_t)x;
    }
    g->u.timer.k = k + 1;
    *t_ns = t;
    return true;
}
