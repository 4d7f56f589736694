/*
 * The doorbell consume path and the posting that feeds it, shared by bm_doorbell.c and
 * bm_latency.c. See bm_doorbell.c for what each is.
 */
#ifndef ALTINJ_MICRO_DOORBELL_OPS_H
#define ALTINJ_MICRO_DOORBELL_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_doorbell.h"

#define DB_VMPL0_VECTOR 0x30
#define DB_GUEST_VECTOR 0x41

struct db_ctx {
    struct altinj_hvdb *db;
    uint64_t rejected;
    uint64_t wrong;       /* a consume that did not find exactly what was posted */
};

static inline void db_post(struct altinj_hvdb *db)
{
    /* release: pairs with the acquire compare-exchange in altinj_hvdb_take_vector. */
    atomic_store_explicit(&db->vector, DB_VMPL0_VECTOR, memory_order_release);
    /* relaxed: here the NMI flag carries no payload, so nothing needs ordering before it
     * (altinj_hvdb_take_flags' acquire pairs with altinj_hvdb_signal's acq_rel, which this
     * posting does not call). */
    atomic_fetch_or_explicit(&db->flags, ALTINJ_HVDB_FLAG_NMI_PENDING, memory_order_relaxed);
    /* One vector with nothing pending: the single-vector form (pending_vector by
     * compare-exchange), then the guest's events bit. */
    (void)altinj_hvdb_post_irq(db, ALTINJ_GUEST_VMPL, DB_GUEST_VECTOR);
}

/* Whether the consume took exactly one edge vector, `vector`, the single-vector way. */
static inline bool db_took_only(const struct altinj_hvdb_taken *t, unsigned vector)
{
    uint32_t other = 0;
    for (unsigned w = 0; w < 8; w++)
        other |= w == vector / 32u ? t->vectors[w] ^ (UINT32_C(1) << (vector % 32u))
                                   : t->vectors[w];
    return other == 0 && t->level_vector == 0 && !t->multiple && !t->cas_lost;
}

/* The SVSM's consume sequence: the #HV handler's clear-before-process of the flags byte
 * (altinj_hvdb_take_flags, svsm_run in altinj_vcpu.c), then consume_doorbell's VMPL0 vector
 * take, the events swap and, when the guest's events bit (ALTINJ_HVDB_GUEST_EVENT, bit 1) was
 * set, the consume of its descriptor (per_vmpl[1]). Returns a digest of what it found; bit 24
 * says the descriptor gave exactly DB_GUEST_VECTOR. */
static inline uint64_t db_consume(struct db_ctx *c)
{
    const uint8_t flags = altinj_hvdb_take_flags(c->db);
    const uint8_t vector = altinj_hvdb_take_vector(c->db, &c->rejected);
    const uint8_t events = altinj_hvdb_take_events(c->db);
    bool found = false;
    if (events & ALTINJ_HVDB_GUEST_EVENT) {
        struct altinj_hvdb_taken taken;
        altinj_hvdb_consume_vmpl(c->db, ALTINJ_GUEST_VMPL, &taken);
        found = db_took_only(&taken, DB_GUEST_VECTOR);
    }
    return (uint64_t)flags | (uint64_t)vector << 8 | (uint64_t)events << 16 |
           (uint64_t)found << 24;
}

/* What db_consume returns right after db_post. */
#define DB_PENDING_DIGEST                                                                      \
    ((uint64_t)ALTINJ_HVDB_FLAG_NMI_PENDING | (uint64_t)DB_VMPL0_VECTOR << 8 |                 \
     (uint64_t)ALTINJ_HVDB_GUEST_EVENT << 16 | UINT64_C(1) << 24)

#endif
