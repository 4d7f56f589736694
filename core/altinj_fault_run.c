#include "altinj_fault_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_costs.h"
#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vcpu.h"

#define RING_CAPACITY 1024u
#define LEDGER_CAPACITY 4096u
/* World-loop steps one burst may take before the run counts as stalled: a burst of 8 needs
 * well under 100, so this only trips on a livelock (for example every delivery forced out). */
#define STEPS_PER_BURST 100000u

struct driver {
    const struct altinj_fault_run_config *cfg;
    struct altinj_fault_run_result *out;
    struct altinj_faults faults;
    struct altinj_fault_poster poster;
    const struct altinj_cost_profile *costs;
    uint64_t now_ns;
    uint64_t rng;
};

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
    return (double)(rnd(s) >> 11) * 0x1.0p-53;
}

static uint64_t env_now(void *ctx)
{
    return ((struct driver *)ctx)->now_ns;
}

static void env_spend(void *ctx, enum altinj_cost_kind kind)
{
    struct driver *d = ctx;
    d->now_ns += (uint64_t)d->costs->ns[kind];
}

static bool env_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct driver *d = ctx;
    if (cuts >= d->cfg->max_cuts)
        return false;
    /* The hypervisor can force an NPF during any delivery; the fault does it for software
     * events. Otherwise the workload's own decision, first delivery only... */
    if (altinj_faults_force_cut(&d->faults, irq))
        return true;
    /* ...and then again, up to max_cuts, for an event the workload marked. */
    return irq->delivery_cut != 0;
}

static void env_entry(void *ctx, const struct altinj_delivery *del)
{
    struct driver *d = ctx;
    const uint64_t lat = del->now > del->irq->intended ? del->now - del->irq->intended : 0;
    d->out->latency_sum_ns += lat;
    if (lat > d->out->latency_max_ns)
        d->out->latency_max_ns = lat;
    d->out->handled++;
}

/* Fills irq; returns true when the guest raises it (not posted). */
static bool make_irq(struct driver *d, uint64_t seq, struct altinj_irq *irq)
{
    const struct altinj_fault_run_config *cfg = d->cfg;
    *irq = (struct altinj_irq){.seq = seq, .intended = d->now_ns};
    const double cls = unit(&d->rng);
    const uint64_t r = rnd(&d->rng);
    bool raised = true;
    if (cls < cfg->exc) {
        const bool pf = r & 1;
        irq->type = ALTINJ_EVENT_EXCEPTION;
        irq->vector = pf ? ALTINJ_VEC_PF : ALTINJ_VEC_VC;
        irq->error_valid = 1;
        irq->error_code = pf ? 0x2 : 0x72;
    } else if (cls < cfg->exc + cfg->soft) {
        switch (r % 3) {
        case 0: irq->type = ALTINJ_EVENT_SOFTINT; irq->vector = 0x80; break;
        case 1: irq->type = ALTINJ_EVENT_EXCEPTION; irq->vector = ALTINJ_VEC_BP; break;
        default: irq->type = ALTINJ_EVENT_EXCEPTION; irq->vector = ALTINJ_VEC_OF; break;
        }
    } else {
        irq->type = ALTINJ_EVENT_EXTINT;
        irq->vector = (uint8_t)(0x30 + (r >> 8) % 0xB0);
        raised = false;
    }
    /* The workload cuts interrupts and faults; a guest software event is cut only when the
     * hypervisor forces it (softint-exitintinfo), so the fault-free baseline stays the
     * reference every fault is compared with, whatever softint-copy says. */
    const bool cut = unit(&d->rng) < cfg->busy;
    irq->delivery_cut = cut && !altinj_event_is_software(altinj_irq_eventinj(irq));
    return raised;
}

/* Runs the world until the guest idles. 1 idle, 0 fatal, -1 stalled. */
static int run_until_idle(struct driver *d, struct altinj_vcpu *v)
{
    for (unsigned i = 0; i < STEPS_PER_BURST; i++) {
        enum altinj_step st = altinj_vcpu_enter(v);
        while (st == ALTINJ_STEP_GUEST_RUNNING) {
            d->now_ns += 100; /* the guest runs a little before it does anything else */
            const uint64_t next = altinj_vcpu_guest_next(v);
            if (next == UINT64_MAX)
                break;
            if (next > d->now_ns)
                d->now_ns = next;
            st = altinj_vcpu_guest_run(v);
        }
        if (st == ALTINJ_STEP_FATAL)
            return 0;
        if (st == ALTINJ_STEP_EXITED)
            continue;
        if (altinj_vcpu_work_pending(v))
            altinj_vcpu_exit(v, ALTINJ_VMEXIT_INTR); /* a kick for what is still posted */
        else
            return 1;
    }
    return -1;
}

void altinj_fault_run_defaults(struct altinj_fault_run_config *cfg)
{
    if (cfg->busy == 0)
        cfg->busy = 0.2;
    if (cfg->exc == 0)
        cfg->exc = 0.05;
    if (cfg->soft == 0)
        cfg->soft = 0.05;
    if (cfg->max_burst == 0)
        cfg->max_burst = 8;
    if (cfg->max_cuts == 0)
        cfg->max_cuts = 2;
    if (cfg->gap_ns == 0)
        cfg->gap_ns = 20000;
}

static int drive(struct driver *d, struct altinj_vcpu *v, struct altinj_ring *ring,
                 struct altinj_hvdb *hvdb)
{
    const struct altinj_fault_run_config *cfg = d->cfg;
    struct altinj_fault_run_result *out = d->out;
    bool started = false;
    while (out->posted < cfg->events) {
        const unsigned burst = 1 + (unsigned)(rnd(&d->rng) % cfg->max_burst);
        uint64_t delay = 0;
        for (unsigned b = 0; b < burst && out->posted < cfg->events; b++) {
            struct altinj_irq irq;
            if (make_irq(d, out->posted, &irq)) {
                /* The guest's instruction raises it while the guest runs. */
                if (altinj_vcpu_guest_schedule(v, &irq) != 0)
                    break;
                out->posted++;
                continue;
            }
            if (!altinj_ring_push(ring, &irq))
                break; /* cannot happen: the world drains every burst */
            out->posted++;
            altinj_hvdb_post_irq(hvdb, ALTINJ_GUEST_VMPL, irq.vector);
            const uint64_t hold = altinj_fault_poster_after_post(&d->poster, hvdb);
            if (hold > delay)
                delay = hold;
        }
        if (started) {
            d->now_ns += delay; /* the kick lands late; the guest ran on meanwhile */
            altinj_vcpu_exit(v, ALTINJ_VMEXIT_INTR);
        }
        started = true;
        const int rc = run_until_idle(d, v);
        if (rc == 0) {
            out->fatal = true;
            out->fatal_reason = v->fatal_reason;
            return 0;
        }
        if (rc < 0) {
            out->stalled = true;
            return 0;
        }
        d->now_ns += cfg->gap_ns;
    }
    return 0;
}

int altinj_fault_run(const struct altinj_fault_run_config *cfg_in,
                     struct altinj_fault_run_result *out, char *err, size_t errlen)
{
    struct altinj_fault_run_config cfg = *cfg_in;
    altinj_fault_run_defaults(&cfg);
    memset(out, 0, sizeof *out);
    if (!cfg.strategy || cfg.events == 0 || cfg.max_burst > RING_CAPACITY / 2 ||
        !(cfg.busy >= 0 && cfg.busy <= 1) || !(cfg.exc >= 0 && cfg.soft >= 0) ||
        !(cfg.exc + cfg.soft <= 1)) {
        snprintf(err, errlen, "fault run: bad config (strategy, events > 0, shares in [0, 1])");
        return -1;
    }
    struct driver *d = calloc(1, sizeof *d);
    struct altinj_vmsa *vmsa = altinj_vmsa_alloc();
    struct altinj_hvdb *hvdb = altinj_hvdb_alloc();
    struct altinj_ring ring = {0};
    struct altinj_ring *rings[1] = {&ring};
    struct altinj_oracle oracle = {0};
    struct altinj_vcpu v;
    int rc = -1;
    bool vcpu_ok = false;
    if (!d || !vmsa || !hvdb || altinj_ring_init(&ring, RING_CAPACITY) != 0 ||
        altinj_oracle_init(&oracle, cfg.events) != 0) {
        snprintf(err, errlen, "fault run: out of memory for %llu events",
                 (unsigned long long)cfg.events);
        goto done;
    }
    d->cfg = &cfg;
    d->out = out;
    d->costs = altinj_costs_builtin("snp");
    d->rng = cfg.seed ^ UINT64_C(0x5851F42D4C957F2D);
    altinj_faults_init(&d->faults, &cfg.faults, cfg.strategy, cfg.seed);
    altinj_fault_poster_init(&d->poster, &d->faults.spec, cfg.seed, 0);
    const struct altinj_vcpu_config vc = {
        .strategy = altinj_faults_strategy(&d->faults),
        .vmsa = vmsa,
        .hvdb = hvdb,
        .sources = rings,
        .nsources = 1,
        .oracle = &oracle,
        .env = {.ctx = d, .now = env_now, .spend = env_spend, .delivery_cut = env_cut,
                .handler_entry = env_entry},
        .ledger_capacity = LEDGER_CAPACITY,
        .model = cfg.model,
    };
    if (altinj_vcpu_init(&v, &vc) != 0) {
        snprintf(err, errlen, "fault run: out of memory");
        goto done;
    }
    vcpu_ok = true;
    altinj_faults_attach(&d->faults, &v);
    rc = drive(d, &v, &ring, hvdb);
    altinj_faults_reconcile(&v);
    out->c = v.c;
    altinj_faults_counters(&d->faults, &out->fc);
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        out->fc.fired[k] += d->poster.fired[k];
    out->fc.kick_delay_ns = d->poster.kick_delay_ns;
    out->verdict = altinj_oracle_verdict(&oracle, out->posted);
done:
    if (vcpu_ok)
        altinj_vcpu_destroy(&v);
    altinj_oracle_destroy(&oracle);
    if (ring.slots)
        altinj_ring_destroy(&ring);
    altinj_hvdb_free(hvdb);
    altinj_vmsa_free(vmsa);
    free(d);
    return rc;
}

const char *altinj_fault_run_guest_sees(const struct altinj_fault_run_result *r,
                                        const struct altinj_fault_run_result *baseline)
{
    bool delayed = r->fc.kick_delay_ns > 0;
    if (!delayed && baseline && baseline->handled > 0 && r->handled > 0) {
        const double mean = (double)r->latency_sum_ns / (double)r->handled;
        const double base = (double)baseline->latency_sum_ns / (double)baseline->handled;
        delayed = mean > base * 1.01;
    }
    return altinj_guest_sees(r->fatal, r->fc.dr_violations, r->stalled, r->verdict.lost,
                             r->verdict.duplicated, delayed);
}
