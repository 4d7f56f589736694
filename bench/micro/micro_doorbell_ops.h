/*
 * The doorbell consume path and the posting that feeds it, shared by bm_doorbell.c and
 * bm_latency.c. See bm_doorbell.c for what each is.
 */
#ifndef ALTINJ_MICRO_DOORBELL_OPS_H
#define ALTINJ_MICRO_DOORBELL_OPS_H

#include <stdint.h>

#include "altinj_doorbell.h"

#define DB_VMPL0_VECTOR 0x30
#define DB_GUEST_VECTOR 0x41

struct db_ctx {
    struct altinj_hvdb *db;
    uint64_t rejected;
    uint64_t wrong;       /* a pending consume that did not find what was posted */
};

static inline void db_post(struct altinj_hvdb *db)
{
    /* release: pairs with the acquire compare-exchange in altinj_hvdb_take_vector. */
    atomic_store_explicit(&db->vector, DB_VMPL0_VECTOR, memory_order_release);
    /* relaxed: take_flags is relaxed too; the flag carries no payload. */
    atomic_fetch_or_explicit(&db->flags, ALTINJ_HVDB_FLAG_NMI_PENDING, memory_order_relaxed);
    (void)altinj_hvdb_post_irq(db, ALTINJ_GUEST_VMPL, DB_GUEST_VECTOR);
}

/* consume_doorbell's sequence; returns a digest of what it found. */
static inline uint64_t db_consume(struct db_ctx *c)
{
    const uint8_t flags = altinj_hvdb_take_flags(c->db);
    const uint8_t vector = altinj_hvdb_take_vector(c->db, &c->rejected);
    const uint8_t events = altinj_hvdb_take_events(c->db);
    unsigned bits = 0;
    if (events & (1u << ALTINJ_GUEST_VMPL)) {
        uint32_t irr[7];
        bits = altinj_hvdb_take_irr(c->db, ALTINJ_GUEST_VMPL, irr);
    }
    return (uint64_t)flags | (uint64_t)vector << 8 | (uint64_t)events << 16 |
           (uint64_t)bits << 24;
}

/* What db_consume returns right after db_post. */
#define DB_PENDING_DIGEST                                                                      \
    ((uint64_t)ALTINJ_HVDB_FLAG_NMI_PENDING | (uint64_t)DB_VMPL0_VECTOR << 8 |                 \
     (uint64_t)(1u << ALTINJ_GUEST_VMPL) << 16 | UINT64_C(1) << 24)

#endif
