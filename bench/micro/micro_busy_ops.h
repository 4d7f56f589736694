/*
 * The BUSY-path operations the throughput (bm_busy_path.c) and latency (bm_latency.c)
 * benchmarks share: the per-op setup and consume, each row's repair and each row's limit. See
 * bm_busy_path.c for what each one is and why each limit is a floor.
 */
#ifndef ALTINJ_MICRO_BUSY_OPS_H
#define ALTINJ_MICRO_BUSY_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

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

/* Pages per group: bm_busy_path.c cuts BP_PAGES pages, repairs them back to back and consumes
 * them, so that each repair's loads do not wait on the stores of the setup just before it
 * (store-to-load forwarding would make every op one dependency chain) and neither do the
 * consume's on the repair's. The pages' lines fit the L1 (12 ways per set; they share sets,
 * being at the same page offsets). */
#define BP_PAGES 8

/* Page i starts BP_STRIDE * i bytes into its array: a page and 256 bytes, so that no field of
 * one page has the same address bits 11:0 as any field the paths touch on another (checked for
 * the VMSA's 0x0D0, 0x170, 0x3A0, 0x3B8, 0x3C0, 0x3E0 and the doorbell's). At a 4096-byte
 * stride each load of page i aliased the same field's store on page i-1 in the CPU's
 * store-to-load forwarding prediction, which costs a pipeline flush on a mismatch: plain
 * repairs of 0.3-0.8 ns took 4-22 ns. */
#define BP_STRIDE (ALTINJ_PAGE_SIZE + 256)

struct bp_ctx {
    /* The pages the paths work on, and page i's doorbell page (hvdb-flag), BP_STRIDE apart
     * in one allocation each, so that page i with a constant i is one base register and a
     * displacement (bp_page, bp_db), not a pointer load per page that both a row and its
     * limit would carry. */
    struct altinj_vmsa *a;
    struct altinj_hvdb *db;
    struct altinj_vmsa *b;    /* always runnable: the baseline's consume */
    bool signal;              /* setup includes the hvdb-flag signal */
    uint64_t wrong;           /* consumes that did not return what the path must leave */
};

/* Allocates every page of c (pages as the guest's exit leaves them: SVME set, because a reset
 * page has it clear and a VMRUN of a page with SVME clear fails with VMEXIT_INVALID). false
 * if out of memory; bp_free is safe either way. */
static inline struct altinj_vmsa *bp_page(struct altinj_vmsa *a, unsigned i)
{
    return (struct altinj_vmsa *)(void *)((char *)a + (size_t)i * BP_STRIDE);
}

static inline struct altinj_hvdb *bp_db(struct altinj_hvdb *db, unsigned i)
{
    return (struct altinj_hvdb *)(void *)((char *)db + (size_t)i * BP_STRIDE);
}

_Static_assert(BP_STRIDE % 64 == 0, "every page starts on a cache line");

static inline bool bp_alloc(struct bp_ctx *c, bool signal)
{
    *c = (struct bp_ctx){.signal = signal};
    /* Rounded up to whole pages, as aligned_alloc wants a multiple of the alignment. */
    const size_t len = ((size_t)BP_PAGES * BP_STRIDE + ALTINJ_PAGE_SIZE - 1) /
                       ALTINJ_PAGE_SIZE * ALTINJ_PAGE_SIZE;
    c->a = aligned_alloc(ALTINJ_PAGE_SIZE, len);
    c->db = aligned_alloc(ALTINJ_PAGE_SIZE, len);
    c->b = altinj_vmsa_alloc();
    if (!c->a || !c->db || !c->b)
        return false;
    for (unsigned i = 0; i < BP_PAGES; i++) {
        altinj_vmsa_reset(bp_page(c->a, i));
        altinj_hvdb_reset(bp_db(c->db, i));
        /* relaxed: single-threaded, before any timed block. */
        atomic_store_explicit(&bp_page(c->a, i)->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    }
    /* relaxed: as above. */
    atomic_store_explicit(&c->b->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    return true;
}

static inline void bp_free(struct bp_ctx *c)
{
    free(c->a);
    free(c->db);
    altinj_vmsa_free(c->b);
}

/* The state a VMEXIT that cut the delivery of BP_EVENT leaves under the hardware premise
 * (altinj_hw_vmexit_in_delivery: RFLAGS, exit code, EXITINTINFO, BUSY set), plus for hvdb-flag
 * the hypervisor's CLEAR_BUSY flag (altinj_hvdb_signal_clear_busy), written with plain loads
 * and stores. Why not those functions: their LOCK ORs (the model's release RMWs) cost ~5 ns
 * each, and a COCONUT repair is ~11 plain loads and stores that the CPU runs in the shadow of
 * such a locked instruction, so net of the subtracted setup the same code came out at 0.66x to
 * 1.33x of itself depending on code layout. With plain stores the setup is a few cycles and
 * the subtraction resolves the repair; the state is the same (single-threaded: nothing else
 * touches these pages), and bp_verify checks every path with the model's own functions.
 * The paths take the page v and its doorbell page d (bp_page, bp_db) from the caller,
 * which holds c->a and c->db in locals: read through c, every one would be reloaded after
 * each atomic store. */
static inline void bp_setup(bool signal, struct altinj_vmsa *v, struct altinj_hvdb *d)
{
    /* relaxed, every one: single-threaded; the page and doorbell are this thread's alone. */
    v->rflags = ALTINJ_RFLAGS_FIXED | ALTINJ_RFLAGS_IF;
    atomic_store_explicit(&v->guest_exit_code, ALTINJ_VMEXIT_NPF, memory_order_relaxed);
    atomic_store_explicit(&v->guest_exitintinfo, BP_EVENT, memory_order_relaxed);
    atomic_store_explicit(&v->vintr_ctrl,
                          atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed) |
                              ALTINJ_VINTR_BUSY,
                          memory_order_relaxed);
    if (signal) {
        _Atomic uint32_t *st = &d->per_vmpl[ALTINJ_HVDB_GUEST_INDEX].status;
        atomic_store_explicit(
            st, atomic_load_explicit(st, memory_order_relaxed) | ALTINJ_HVDB_STATUS_CLEAR_BUSY,
            memory_order_relaxed);
        atomic_store_explicit(&d->per_vmpl_events,
                              (uint8_t)(1u << ALTINJ_HVDB_GUEST_INDEX), memory_order_relaxed);
    }
}

/* What VMRUN checks and takes (altinj_hw_vmrun), with plain loads and a store: BUSY clear,
 * SVME set, EVENTINJ holding `expect`, then EVENTINJ emptied. Counts a mismatch in c->wrong. */
static inline void bp_consume(struct bp_ctx *c, struct altinj_vmsa *v, uint64_t expect)
{
    /* relaxed, every one: single-threaded (see bp_setup). */
    const uint64_t vintr = atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
    const uint64_t efer = atomic_load_explicit(&v->efer, memory_order_relaxed);
    const uint64_t ev = atomic_load_explicit(&v->event_inj, memory_order_relaxed);
    atomic_store_explicit(&v->event_inj, 0, memory_order_relaxed);
    c->wrong += altinj_vintr_busy(vintr) | !(efer & ALTINJ_EFER_SVME) | (ev != expect);
}

/* The baseline's consume: the same loads and store on page b, which is always runnable, after
 * one relaxed store re-arms its EVENTINJ (subtracted with the rest). */
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

/* ---- the rows' paths (micro_rows.h), on page v with doorbell d ---- */

/* Every path has the same signature, so a benchmark can hold any of them; each uses what its
 * row uses. */
#define BP_PATH(name)                                                                          \
    static inline void name(struct bp_ctx *c, struct altinj_vmsa *v, struct altinj_hvdb *d)

/* reactive: the hypervisor never looks, so it VMRUNs the cut page first, which fails with
 * VMEXIT_BUSY (counted in the row), and then runs VMPL0, which runs COCONUT's pass. */
BP_PATH(path_reactive)
{
    (void)d;
    uint64_t injected;
    c->wrong += altinj_hw_vmrun(v, &injected) != ALTINJ_VMEXIT_BUSY;
    altinj_gb_use_u64(row_coconut_pass(v));
}

BP_PATH(path_hvdb_flag)
{
    (void)c;
    altinj_gb_use_u64(row_flag_pass(v, d));
}

BP_PATH(path_unconditional)
{
    (void)c;
    (void)d;
    altinj_gb_use_u64(row_coconut_pass(v));
}

BP_PATH(path_paravisor)
{
    (void)c;
    (void)d;
    altinj_gb_use_u64(row_openhcl_pass(v));
}

BP_PATH(path_limit_coconut)
{
    (void)c;
    (void)d;
    limit_svme_pair_copy_clear(v);
}

BP_PATH(path_limit_flag)
{
    (void)c;
    limit_locked_take_svme_pair_copy_clear(v, d);
}

BP_PATH(path_limit_openhcl)
{
    (void)c;
    (void)d;
    limit_locked_rmw_2stores_release(v);
}

/* The check the timed blocks cannot afford: each path, on every page, between the model's own
 * cut (altinj_hw_vmexit_in_delivery, and altinj_hvdb_signal_clear_busy for hvdb-flag) and its
 * own VMRUN, which must take BP_EVENT exactly once (a second VMRUN takes nothing). Returns the
 * number of pages for which that failed. */
static inline uint64_t bp_verify(struct bp_ctx *c,
                                 void (*path)(struct bp_ctx *, struct altinj_vmsa *,
                                              struct altinj_hvdb *))
{
    uint64_t bad = 0;
    for (unsigned i = 0; i < BP_PAGES; i++) {
        struct altinj_vmsa *v = bp_page(c->a, i);
        altinj_hw_vmexit_in_delivery(v, BP_EVENT, ALTINJ_VMEXIT_NPF, true,
                                     ALTINJ_PREMISE_HARDWARE);
        if (c->signal)
            altinj_hvdb_signal_clear_busy(bp_db(c->db, i), ALTINJ_GUEST_VMPL);
        const uint64_t before = c->wrong;
        path(c, v, bp_db(c->db, i));
        uint64_t first, second;
        const uint64_t rc1 = altinj_hw_vmrun(v, &first);
        const uint64_t rc2 = altinj_hw_vmrun(v, &second);
        bad += c->wrong != before || rc1 != 0 || first != BP_EVENT || rc2 != 0 || second != 0;
        c->wrong = before;
    }
    return bad;
}

#endif
