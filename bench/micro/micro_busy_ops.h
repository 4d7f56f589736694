/*
 * The BUSY-path operations the throughput (bm_busy_path.c) and latency (bm_latency.c)
 * benchmarks share: the per-op setup and consume, each row's repair and each row's limit. See
 * bm_busy_path.c for what each one is and why each limit is a floor.
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
#include "altinj_model.h"
#include "altinj_reentry.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"
#include "micro_limit_svme.h"
#include "micro_rows.h"

/* External interrupt, vector 0x41, valid: re-injected by every row (not a software event). */
#define BP_EVENT (ALTINJ_EVENT_V | UINT64_C(0x41))

struct bp_ctx {
    struct altinj_vmsa *a;     /* the page every path works on */
    struct altinj_vmsa *b;     /* always runnable: the baseline's consume */
    struct altinj_hvdb *db;
    bool signal;               /* setup includes the hvdb-flag signal */
    uint64_t wrong;            /* consumes that did not return what the path must leave */
};

/* Both pages as the guest's exit leaves them: SVME set (altinj_vmsa_alloc leaves it clear, and
 * VMRUN of a page with SVME clear fails with VMEXIT_INVALID). */
static inline void bp_init_pages(struct bp_ctx *c)
{
    /* relaxed: single-threaded, before any timed block. */
    atomic_store_explicit(&c->a->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    atomic_store_explicit(&c->b->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
}

/* A VMEXIT cut the delivery of BP_EVENT; under the hardware premise BUSY is left set. */
static inline void bp_setup(struct bp_ctx *c)
{
    altinj_hw_vmexit_in_delivery(c->a, BP_EVENT, ALTINJ_VMEXIT_NPF, true,
                                 ALTINJ_PREMISE_HARDWARE);
    if (c->signal)
        altinj_hvdb_signal_clear_busy(c->db, ALTINJ_GUEST_VMPL);
}

static inline void bp_consume(struct bp_ctx *c, struct altinj_vmsa *v, uint64_t expect)
{
    uint64_t injected;
    const uint64_t rc = altinj_hw_vmrun(v, &injected);
    c->wrong += (rc != 0) | (injected != expect);
}

/* The baseline's consume: VMRUN of page b with an event in its EVENTINJ, so that it takes the
 * same path as the measured consume (the acquire loads and the exchange; a VMRUN with EVENTINJ
 * empty skips the exchange). The re-arming store is one relaxed MOV, subtracted with the rest. */
static inline void bp_consume_baseline(struct bp_ctx *c)
{
    /* relaxed: single-threaded; b is nobody else's. */
    atomic_store_explicit(&c->b->event_inj, BP_EVENT, memory_order_relaxed);
    bp_consume(c, c->b, BP_EVENT);
}

/* ---- the limits ---- */

/* The copy (EXITINTINFO load, EVENTINJ store) and BUSY cleared by a load and a plain store,
 * while SVME is clear. */
static inline void lim_copy_clear(struct altinj_vmsa *v)
{
    /* relaxed: while SVME is clear, published by the release stores below and in
     * lim_svme_set. */
    const uint64_t ev = atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed);
    atomic_store_explicit(&v->event_inj, ev, memory_order_relaxed);
    const uint64_t b = atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
    /* release: pairs with the acquire load of VIntrCtrl in altinj_hw_vmrun (altinj_busy_clear). */
    atomic_store_explicit(&v->vintr_ctrl, b & ~ALTINJ_VINTR_BUSY, memory_order_release);
}

/* COCONUT's repair without anything it does not need: EFER.SVME cleared, the copy, BUSY
 * cleared, EFER.SVME set. No lock prefix anywhere: COCONUT has none. */
static inline void limit_svme_pair_copy_clear(struct altinj_vmsa *v)
{
    lim_svme_clear(v);
    lim_copy_clear(v);
    lim_svme_set(v);
}

/* hvdb-flag's repair floor, in its row's order: EFER.SVME cleared, the flag taken by one
 * locked fetch_and (no peek first: on this path the flag is set, and the peek only saves the
 * RMW when it is not), then COCONUT's copy and clear and EFER.SVME set. */
static inline void limit_locked_take_svme_pair_copy_clear(struct altinj_vmsa *v,
                                                          struct altinj_hvdb *db)
{
    lim_svme_clear(v);
    /* acquire: pairs with the release fetch_or in altinj_hvdb_signal_clear_busy, as
     * altinj_hvdb_take_clear_busy's. Discarded result: a single `lock and`. */
    atomic_fetch_and_explicit(&db->per_vmpl[ALTINJ_HVDB_GUEST_INDEX].status,
                              ~ALTINJ_HVDB_STATUS_CLEAR_BUSY, memory_order_acquire);
    lim_copy_clear(v);
    lim_svme_set(v);
}

/* OpenHCL's repair floor: one locked RMW taking BUSY, the EXITINTINFO load, the two stores
 * (EVENTINJ, EXITINTINFO = 0), and the clear of BUSY as a reload and a plain release store
 * (legal for the single owner: while BUSY is held neither the processor nor the hypervisor may
 * write VIntrCtrl). */
static inline void limit_locked_rmw_2stores_release(struct altinj_vmsa *v)
{
    /* acquire: pairs with the release fetch_or in altinj_hw_vmexit_in_delivery
     * (altinj_busy_test_and_set). Discarded result: a single `lock or`. */
    atomic_fetch_or_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_acquire);
    /* relaxed: under BUSY, published by the release store below. */
    const uint64_t ev = atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed);
    atomic_store_explicit(&v->event_inj, ev, memory_order_relaxed);
    atomic_store_explicit(&v->guest_exitintinfo, 0, memory_order_relaxed);
    const uint64_t b = atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
    /* release: pairs with the acquire load of VIntrCtrl in altinj_hw_vmrun (altinj_busy_clear). */
    atomic_store_explicit(&v->vintr_ctrl, b & ~ALTINJ_VINTR_BUSY, memory_order_release);
}

/* ---- the rows' paths (micro_rows.h) ---- */

/* reactive: the hypervisor never looks, so it VMRUNs the cut page first, which fails with
 * VMEXIT_BUSY (counted in the row), and then runs VMPL0, which runs COCONUT's pass. */
static inline void path_reactive(struct bp_ctx *c)
{
    uint64_t injected;
    c->wrong += altinj_hw_vmrun(c->a, &injected) != ALTINJ_VMEXIT_BUSY;
    altinj_gb_use_u64(row_coconut_pass(c->a));
}

static inline void path_hvdb_flag(struct bp_ctx *c)
{
    altinj_gb_use_u64(row_flag_pass(c->a, c->db));
}

static inline void path_unconditional(struct bp_ctx *c)
{
    altinj_gb_use_u64(row_coconut_pass(c->a));
}

static inline void path_paravisor(struct bp_ctx *c)
{
    altinj_gb_use_u64(row_openhcl_pass(c->a));
}

static inline void path_limit_coconut(struct bp_ctx *c)
{
    limit_svme_pair_copy_clear(c->a);
}

static inline void path_limit_flag(struct bp_ctx *c)
{
    limit_locked_take_svme_pair_copy_clear(c->a, c->db);
}

static inline void path_limit_openhcl(struct bp_ctx *c)
{
    limit_locked_rmw_2stores_release(c->a);
}

#endif
