/*
 * The BUSY-path operations the throughput (bm_busy_path.c) and latency (bm_latency.c)
 * benchmarks share: the per-op setup and consume, the limits, and each strategy's path. See
 * bm_busy_path.c for what each one is and why.
 */
#ifndef ALTINJ_MICRO_BUSY_OPS_H
#define ALTINJ_MICRO_BUSY_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_doorbell.h"
#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_gbench.h"
#include "altinj_hw.h"
#include "altinj_reentry.h"
#include "altinj_vmsa.h"

/* External interrupt, vector 0x41, valid: re-injectable. */
#define BP_EVENT (ALTINJ_EVENT_V | UINT64_C(0x41))

struct bp_ctx {
    struct altinj_vmsa *a;     /* the page every path works on */
    struct altinj_vmsa *b;     /* always runnable, EVENTINJ empty: the baseline's consume */
    struct altinj_hvdb *db;
    bool signal;               /* setup includes the hvdb-flag signal */
    uint64_t wrong;            /* consumes that did not return what the path must leave */
};

static inline void bp_setup(struct bp_ctx *c)
{
    altinj_hw_vmexit_in_delivery(c->a, BP_EVENT, ALTINJ_VMEXIT_NPF);
    if (c->signal)
        altinj_hvdb_signal_clear_busy(c->db, ALTINJ_GUEST_VMPL);
}

static inline void bp_consume(struct bp_ctx *c, struct altinj_vmsa *v, uint64_t expect)
{
    uint64_t injected;
    const uint64_t rc = altinj_hw_vmrun(v, &injected);
    c->wrong += (rc != 0) | (injected != expect);
}

/* ---- the limits ---- */

static inline void limit_repair(struct altinj_vmsa *v)
{
    /* acquire: pairs with the release fetch_or in altinj_hw_vmexit_in_delivery. */
    const uint64_t old = atomic_fetch_or_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY,
                                                  memory_order_acquire);
    /* relaxed: under BUSY, published by the release store below. */
    const uint64_t ev = atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed);
    atomic_store_explicit(&v->event_inj, ev, memory_order_relaxed);
    atomic_store_explicit(&v->guest_exitintinfo, 0, memory_order_relaxed);
    /* release: pairs with the acquire load in altinj_hw_vmrun. */
    atomic_store_explicit(&v->vintr_ctrl, old & ~ALTINJ_VINTR_BUSY, memory_order_release);
}

static inline void limit_inject(struct altinj_vmsa *v)
{
    /* acquire: pairs with the release store of the previous holder (this same function). */
    const uint64_t old = atomic_fetch_or_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY,
                                                  memory_order_acquire);
    atomic_store_explicit(&v->event_inj, BP_EVENT, memory_order_relaxed); /* under BUSY */
    /* release: pairs with the acquire load in altinj_hw_vmrun. */
    atomic_store_explicit(&v->vintr_ctrl, old & ~ALTINJ_VINTR_BUSY, memory_order_release);
}

/* ---- the paths ---- */

static inline void path_reactive(struct bp_ctx *c)
{
    uint64_t injected;
    const uint64_t rc = altinj_hw_vmrun(c->a, &injected);
    c->wrong += rc != ALTINJ_VMEXIT_BUSY;
    const struct altinj_reentry_result r = altinj_reentry_repair(c->a);
    altinj_gb_use_u64(r.fixup);
}

static inline void path_hvdb_flag(struct bp_ctx *c)
{
    if (altinj_hvdb_peek_clear_busy(c->db, ALTINJ_GUEST_VMPL) &&
        altinj_hvdb_take_clear_busy(c->db, ALTINJ_GUEST_VMPL)) {
        const struct altinj_reentry_result r = altinj_reentry_repair(c->a);
        altinj_gb_use_u64(r.fixup);
    }
}

static inline void path_unconditional(struct bp_ctx *c)
{
    const struct altinj_reentry_result r = altinj_reentry_repair_if_busy(c->a);
    altinj_gb_use_u64(r.fixup);
}

static inline void path_paravisor(struct bp_ctx *c)
{
    const uint64_t old = altinj_busy_acquire(c->a);
    uint64_t event;
    const enum altinj_fixup f = altinj_reentry_fixup(c->a, &event);
    /* relaxed: BUSY is held (paravisor_svsm_pre_entry). */
    if (!altinj_event_is_valid(atomic_load_explicit(&c->a->guest_exitintinfo,
                                                    memory_order_relaxed)))
        altinj_busy_release(c->a);
    altinj_gb_use_u64(old ^ (uint64_t)f);
}

static inline void bp_inject(struct bp_ctx *c, enum altinj_busy_policy policy)
{
    struct altinj_reentry_result rep;
    c->wrong += altinj_reentry_inject(c->a, BP_EVENT, policy, &rep) != ALTINJ_INJECT_DONE;
}

#endif
