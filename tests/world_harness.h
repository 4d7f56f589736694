/* A single-threaded world for tests: one vCPU, one source ring, a virtual clock (ns), events
 * posted or raised by hand. */
#ifndef ALTINJ_TEST_WORLD_HARNESS_H
#define ALTINJ_TEST_WORLD_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vcpu.h"
#include "altinj_vintr.h"

struct harness {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    struct altinj_ring ring;
    struct altinj_ring *rings[1];
    struct altinj_oracle oracle;
    struct altinj_vcpu vcpu;
    uint64_t posted;
    uint64_t now;            /* virtual ns; each world switch costs 100 */
    unsigned max_cuts;       /* cut each delivery of a marked event up to this many times */
    uint64_t marked[20000 / 64 + 1]; /* events posted or raised with cut = true */
    uint64_t delivered_seq[64];
    unsigned ndelivered;
};

static bool harness_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    const struct harness *h = ctx;
    if (cuts >= h->max_cuts)
        return false;
    /* The record's own mark (its first cut), or the harness's (to cut it again). */
    return irq->delivery_cut ||
           (irq->seq < 20000 && ((h->marked[irq->seq / 64] >> (irq->seq % 64)) & 1));
}

static inline void harness_mark(struct harness *h, uint64_t seq, bool cut)
{
    if (cut && seq < 20000)
        h->marked[seq / 64] |= UINT64_C(1) << (seq % 64);
}

static void harness_entry(void *ctx, const struct altinj_delivery *d)
{
    struct harness *h = ctx;
    if (h->ndelivered < 64)
        h->delivered_seq[h->ndelivered] = d->irq->seq;
    h->ndelivered++;
}

static uint64_t harness_now(void *ctx)
{
    return ((const struct harness *)ctx)->now;
}

static void harness_spend(void *ctx, enum altinj_cost_kind kind)
{
    (void)kind;
    ((struct harness *)ctx)->now += 100;
}

/* A harness whose guest masks interrupts a share `masked` of its time (0: never). */
static inline int harness_init_full(struct harness *h, const struct altinj_strategy *s,
                                    uint64_t cap, enum altinj_busy_premise premise,
                                    enum altinj_softint_copy softint, double masked)
{
    *h = (struct harness){.max_cuts = 1};
    h->vmsa = altinj_vmsa_alloc();
    h->hvdb = altinj_hvdb_alloc();
    if (!h->vmsa || !h->hvdb || altinj_ring_init(&h->ring, 1024) != 0 ||
        altinj_oracle_init(&h->oracle, cap) != 0)
        return -1;
    h->rings[0] = &h->ring;
    const struct altinj_vcpu_config cfg = {
        .strategy = s,
        .vmsa = h->vmsa,
        .hvdb = h->hvdb,
        .sources = h->rings,
        .nsources = 1,
        .oracle = &h->oracle,
        .env = {.ctx = h, .now = harness_now, .spend = harness_spend, .delivery_cut = harness_cut,
                .handler_entry = harness_entry},
        .ledger_capacity = 4096,
        .model = {.busy_premise = premise, .softint_copy = softint},
        .guest = {.masked = masked, .mask_cycles = 2000, .seed = 7},
    };
    return altinj_vcpu_init(&h->vcpu, &cfg);
}

static inline int harness_init_premise(struct harness *h, const struct altinj_strategy *s,
                                       uint64_t cap, enum altinj_busy_premise premise)
{
    return harness_init_full(h, s, cap, premise, ALTINJ_SOFTINT_COPY_RERUN, 0.0);
}

static inline int harness_init(struct harness *h, const struct altinj_strategy *s, uint64_t cap)
{
    return harness_init_premise(h, s, cap, ALTINJ_PREMISE_HARDWARE);
}

static inline void harness_destroy(struct harness *h)
{
    altinj_vcpu_destroy(&h->vcpu);
    altinj_oracle_destroy(&h->oracle);
    altinj_ring_destroy(&h->ring);
    altinj_hvdb_free(h->hvdb);
    altinj_vmsa_free(h->vmsa);
}

/* The poster's side: record, then the doorbell. */
static inline bool harness_post(struct harness *h, uint8_t vector, bool cut)
{
    struct altinj_irq irq = {.seq = h->posted, .vector = vector, .intended = h->now,
                             .delivery_cut = cut};
    if (!altinj_ring_push(&h->ring, &irq))
        return false;
    harness_mark(h, h->posted, cut);
    h->posted++;
    return altinj_hvdb_post_irq(h->hvdb, ALTINJ_GUEST_VMPL, vector);
}

/* The guest's own instruction raises an exception or software event, now. */
static inline bool harness_raise(struct harness *h, uint8_t vector, uint8_t type, bool cut)
{
    struct altinj_irq irq = {.seq = h->posted, .vector = vector, .type = type,
                             .intended = h->now, .delivery_cut = cut};
    if (type == ALTINJ_EVENT_EXCEPTION && (vector == ALTINJ_VEC_PF || vector == ALTINJ_VEC_VC)) {
        irq.error_valid = 1;
        irq.error_code = vector == ALTINJ_VEC_PF ? 0x2 : 0x72;
    }
    if (altinj_vcpu_guest_schedule(&h->vcpu, &irq) != 0)
        return false;
    harness_mark(h, h->posted, cut);
    h->posted++;
    return true;
}

/* The running guest does what is due, the clock moving to each of its own actions. Returns the
 * step it ended on. */
static inline enum altinj_step harness_guest(struct harness *h)
{
    for (unsigned i = 0; i < 100000; i++) {
        const uint64_t next = altinj_vcpu_guest_next(&h->vcpu);
        if (next == UINT64_MAX)
            return ALTINJ_STEP_GUEST_RUNNING;
        if (next > h->now)
            h->now = next;
        const enum altinj_step st = altinj_vcpu_guest_run(&h->vcpu);
        if (st != ALTINJ_STEP_GUEST_RUNNING)
            return st;
    }
    return ALTINJ_STEP_FATAL;
}

/* Runs the world until nothing is left to do. Returns false on FATAL or no progress. */
static inline bool harness_run(struct harness *h, unsigned max_steps)
{
    enum altinj_step st = ALTINJ_STEP_EXITED;
    for (unsigned i = 0; i < max_steps; i++) {
        if (st == ALTINJ_STEP_EXITED)
            st = altinj_vcpu_enter(&h->vcpu);
        if (st == ALTINJ_STEP_GUEST_RUNNING)
            st = harness_guest(h);
        if (st == ALTINJ_STEP_FATAL)
            return false;
        if (st == ALTINJ_STEP_EXITED)
            continue;
        if (!altinj_vcpu_work_pending(&h->vcpu))
            return true;
        altinj_vcpu_exit(&h->vcpu, ALTINJ_VMEXIT_INTR); /* the poster's kick */
        st = ALTINJ_STEP_EXITED;
    }
    return false;
}

/* The guest idles until the next kick: an exit with nothing in flight. */
static inline void harness_kick(struct harness *h)
{
    altinj_vcpu_exit(&h->vcpu, ALTINJ_VMEXIT_INTR);
}

/* Needs cmocka.h included before this header. */
static inline void expect_exactly_once(struct harness *h)
{
    const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h->oracle, h->posted);
    assert_int_equal(v.lost, 0);
    assert_int_equal(v.duplicated, 0);
    assert_int_equal(v.delivered, h->posted);
    assert_int_equal(h->vcpu.c.internal_errors, 0);
    assert_false(h->vcpu.fatal);
    assert_false(altinj_vcpu_busy(&h->vcpu));
    assert_false(altinj_vintr_busy(atomic_load_explicit(&h->vmsa->vintr_ctrl,
                                                        memory_order_relaxed)));
}

#endif
