/* A single-threaded world for tests: one vCPU, one source ring, events posted by hand. */
#ifndef ALTINJ_TEST_WORLD_HARNESS_H
#define ALTINJ_TEST_WORLD_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vcpu.h"

struct harness {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    struct altinj_ring ring;
    struct altinj_ring *rings[1];
    struct altinj_oracle oracle;
    struct altinj_vcpu vcpu;
    uint64_t posted;
    unsigned max_cuts;       /* cut each delivery of a delivery_cut event up to this many times */
    uint64_t delivered_seq[64];
    unsigned ndelivered;
};

static bool harness_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    const struct harness *h = ctx;
    return irq->delivery_cut && cuts < h->max_cuts;
}

static void harness_entry(void *ctx, const struct altinj_delivery *d)
{
    struct harness *h = ctx;
    if (h->ndelivered < 64)
        h->delivered_seq[h->ndelivered] = d->irq->seq;
    h->ndelivered++;
}

static inline int harness_init(struct harness *h, const struct altinj_strategy *s, uint64_t cap)
{
    *h = (struct harness){.max_cuts = 1};
    h->vmsa = altinj_vmsa_alloc();
    h->hvdb = altinj_hvdb_alloc();
    if (!h->vmsa || !h->hvdb || altinj_ring_init(&h->ring, 1024) != 0 ||
        altinj_oracle_init(&h->oracle, cap) != 0)
        return -1;
    h->rings[0] = &h->ring;
    const struct altinj_vcpu_env env = {
        .ctx = h, .delivery_cut = harness_cut, .handler_entry = harness_entry};
    return altinj_vcpu_init(&h->vcpu, s, h->vmsa, h->hvdb, h->rings, 1, &h->oracle, &env, 4096);
}

static inline void harness_destroy(struct harness *h)
{
    altinj_vcpu_destroy(&h->vcpu);
    altinj_oracle_destroy(&h->oracle);
    altinj_ring_destroy(&h->ring);
    altinj_hvdb_free(h->hvdb);
    altinj_vmsa_free(h->vmsa);
}

/* The poster's side: record, then doorbell. */
static inline bool harness_post(struct harness *h, uint8_t vector, uint8_t type, bool cut)
{
    struct altinj_irq irq = {.seq = h->posted, .vector = vector, .type = type,
                             .delivery_cut = cut};
    if (type == ALTINJ_EVENT_EXCEPTION && (vector == ALTINJ_VEC_PF || vector == ALTINJ_VEC_VC)) {
        irq.error_valid = 1;
        irq.error_code = 0x6;
    }
    if (!altinj_ring_push(&h->ring, &irq))
        return false;
    h->posted++;
    return altinj_hvdb_post_irq(h->hvdb, ALTINJ_GUEST_VMPL, altinj_irq_doorbell_vector(&irq));
}

/* Runs the world until nothing is left to do. Returns false on FATAL or no progress. */
static inline bool harness_run(struct harness *h, unsigned max_steps)
{
    for (unsigned i = 0; i < max_steps; i++) {
        const enum altinj_step st = altinj_vcpu_enter(&h->vcpu);
        if (st == ALTINJ_STEP_FATAL)
            return false;
        if (st == ALTINJ_STEP_EXITED)
            continue;
        if (altinj_vcpu_wants_window(&h->vcpu))
            altinj_vcpu_exit(&h->vcpu, ALTINJ_VMEXIT_VINTR);
        else if (altinj_vcpu_work_pending(&h->vcpu))
            altinj_vcpu_exit(&h->vcpu, ALTINJ_VMEXIT_INTR); /* the poster's kick */
        else
            return true;
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
    assert_false(altinj_vintr_busy(atomic_load_explicit(&h->vmsa->vintr_ctrl,
                                                        memory_order_relaxed)));
}

#endif
