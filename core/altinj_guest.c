#include "altinj_guest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: the guest's own stream, independent of the workload's. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* An exponential span of the given mean, at least one cycle. */
static uint64_t span(uint64_t *s, double mean)
{
    const double u = (double)(next(s) >> 11) * 0x1.0p-53; /* [0, 1) */
    const double x = -mean * log1p(-u);
    return x < 1.0 ? 1 : x > 1e18 ? (uint64_t)1e18 : (uint64_t)x;
}

int altinj_guest_init(struct altinj_guest *g, const struct altinj_guest_config *cfg)
{
    memset(g, 0, sizeof *g);
    if (!(cfg->masked >= 0 && cfg->masked < 1))
        return -1;
    g->raise_cap = 64;
    g->raises = calloc(g->raise_cap, sizeof *g->raises);
    if (!g->raises)
        return -1;
    if (cfg->masked > 0) {
        if (cfg->mask_cycles == 0)
            return -1;
        g->masking = true;
        g->mean_masked = (double)cfg->mask_cycles;
        g->mean_open = (double)cfg->mask_cycles * (1.0 - cfg->masked) / cfg->masked;
        g->rng = cfg->seed ^ UINT64_C(0x6A09E667F3BCC909);
        /* The first span starts at 0 and is masked with probability `masked`, so the process
         * is stationary from the start. */
        g->span_masked = (double)(next(&g->rng) >> 11) * 0x1.0p-53 < cfg->masked;
        g->span_end = span(&g->rng, g->span_masked ? g->mean_masked : g->mean_open);
    }
    return 0;
}

void altinj_guest_destroy(struct altinj_guest *g)
{
    free(g->raises);
    g->raises = NULL;
}

static void advance(struct altinj_guest *g, uint64_t now)
{
    /* The spans are laid from the first question, not from clock 0: the live engine's clock is
     * the TSC, and walking from 0 to it took seconds (issue 14's pr1064 run: 12 s). */
    if (!g->spans_placed) {
        g->spans_placed = true;
        g->span_end += now;
    }
    while (g->span_end <= now) {
        g->span_masked = !g->span_masked;
        g->span_end += span(&g->rng, g->span_masked ? g->mean_masked : g->mean_open);
    }
}

bool altinj_guest_if(struct altinj_guest *g, uint64_t now)
{
    if (!g->masking)
        return true;
    advance(g, now);
    return !g->span_masked;
}

uint64_t altinj_guest_next_open(struct altinj_guest *g, uint64_t now)
{
    if (!g->masking)
        return now;
    advance(g, now);
    return g->span_masked ? g->span_end : now;
}

int altinj_guest_schedule(struct altinj_guest *g, const struct altinj_irq *irq)
{
    if (g->raise_tail - g->raise_head == g->raise_cap) {
        const uint64_t cap = g->raise_cap * 2;
        struct altinj_irq *r = malloc(cap * sizeof *r);
        if (!r)
            return -1;
        for (uint64_t i = g->raise_head, k = 0; i != g->raise_tail; i++, k++)
            r[k] = g->raises[i & (g->raise_cap - 1)];
        g->raise_tail -= g->raise_head;
        g->raise_head = 0;
        free(g->raises);
        g->raises = r;
        g->raise_cap = cap;
    }
    g->raises[g->raise_tail++ & (g->raise_cap - 1)] = *irq;
    return 0;
}

struct altinj_irq altinj_guest_pop_raise(struct altinj_guest *g)
{
    return g->raises[g->raise_head++ & (g->raise_cap - 1)];
}
