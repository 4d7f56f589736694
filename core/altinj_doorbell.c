#include "altinj_doorbell.h"

#include <stdlib.h>
#include <string.h>

void altinj_hvdb_reset(struct altinj_hvdb *db)
{
    /* Before publication (thread start orders it): relaxed stores suffice. */
    atomic_store_explicit(&db->vector, 0, memory_order_relaxed);
    atomic_store_explicit(&db->flags, 0, memory_order_relaxed);
    atomic_store_explicit(&db->no_eoi_required, 0, memory_order_relaxed);
    atomic_store_explicit(&db->per_vmpl_events, 0, memory_order_relaxed);
    memset(db->reserved_04, 0, sizeof db->reserved_04);
    memset(db->reserved_100, 0, sizeof db->reserved_100);
    for (unsigned n = 0; n < ALTINJ_HVDB_NUM_VMPL; n++) {
        atomic_store_explicit(&db->per_vmpl[n].status, 0, memory_order_relaxed);
        for (unsigned i = 0; i < 7; i++)
            atomic_store_explicit(&db->per_vmpl[n].irr[i], 0, memory_order_relaxed);
        for (unsigned i = 0; i < 8; i++)
            atomic_store_explicit(&db->per_vmpl[n].isr[i], 0, memory_order_relaxed);
    }
}

struct altinj_hvdb *altinj_hvdb_alloc(void)
{
    struct altinj_hvdb *db = aligned_alloc(4096, sizeof *db);
    if (db)
        altinj_hvdb_reset(db);
    return db;
}

void altinj_hvdb_free(struct altinj_hvdb *db)
{
    free(db);
}

bool altinj_hvdb_post_irq(struct altinj_hvdb *db, unsigned vmpl, uint8_t vector)
{
    if (vmpl >= ALTINJ_HVDB_NUM_VMPL || vector < 32)
        return false;
    const unsigned word = (unsigned)(vector - 32) / 32u;
    const uint32_t bit = UINT32_C(1) << ((vector - 32) % 32u);
    /* release: pairs with the acquire swap in altinj_hvdb_take_irr, publishing the poster's
     * record of this interrupt. */
    atomic_fetch_or_explicit(&db->per_vmpl[vmpl].irr[word], bit, memory_order_release);
    /* release: pairs with the acquire swap in altinj_hvdb_take_events. Written after irr so a
     * consumer that sees the event bit finds the irr bit too. */
    atomic_fetch_or_explicit(&db->per_vmpl_events, (uint8_t)(1u << vmpl), memory_order_release);
    return true;
}

void altinj_hvdb_signal_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    /* release: pairs with the acquire fetch_and in altinj_hvdb_take_clear_busy. */
    atomic_fetch_or_explicit(&db->per_vmpl[vmpl].status, ALTINJ_HVDB_STATUS_CLEAR_BUSY,
                             memory_order_release);
    /* release: pairs with the acquire swap in altinj_hvdb_take_events; status first, so a
     * consumer that sees the event bit finds the status bit. */
    atomic_fetch_or_explicit(&db->per_vmpl_events, (uint8_t)(1u << vmpl), memory_order_release);
}

bool altinj_hvdb_signal(struct altinj_hvdb *db)
{
    /* acq_rel: the release half pairs with the acquire fetch_and in altinj_hvdb_take_flags, so
     * an SVSM that clears NoFurtherSignal after this RMW also sees the poster's irr and events
     * writes made before it; the acquire half orders this poster after the SVSM's clear. */
    const uint8_t old = atomic_fetch_or_explicit(&db->flags, ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL,
                                                 memory_order_acq_rel);
    return (old & ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL) == 0;
}

uint8_t altinj_hvdb_take_flags(struct altinj_hvdb *db)
{
    /* relaxed peek: nothing to clear is the common case. */
    if (atomic_load_explicit(&db->flags, memory_order_relaxed) == 0)
        return 0;
    /* acquire: pairs with the acq_rel fetch_or in altinj_hvdb_signal: a poster that found
     * NoFurtherSignal set relies on this clear being followed by a take of its events.
     * (COCONUT-SVSM uses Relaxed here because its flags carry no payload; in this model the
     * suppressed kick makes the ordering matter.) */
    return atomic_fetch_and_explicit(
        &db->flags, (uint8_t)~(ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL | ALTINJ_HVDB_FLAG_NMI_PENDING),
        memory_order_acquire);
}

uint8_t altinj_hvdb_take_vector(struct altinj_hvdb *db, uint64_t *rejected)
{
    /* relaxed first read; the acquire is on the successful exchange below. */
    uint8_t v = atomic_load_explicit(&db->vector, memory_order_relaxed);
    while (v != 0) {
        /* acquire on success: pairs with the hypervisor's release store of the vector (it
         * writes nothing else the SVSM reads here, but a poster model may). */
        if (atomic_compare_exchange_weak_explicit(&db->vector, &v, 0, memory_order_acquire,
                                                  memory_order_relaxed))
            break;
    }
    if (v != 0 && v < 32) {
        if (rejected)
            (*rejected)++;
        return 0;
    }
    return v;
}

uint8_t altinj_hvdb_take_events(struct altinj_hvdb *db)
{
    /* relaxed peek: skip the locked swap when nothing is pending. */
    if (atomic_load_explicit(&db->per_vmpl_events, memory_order_relaxed) == 0)
        return 0;
    /* acquire: pairs with the release fetch_or in altinj_hvdb_post_irq and
     * altinj_hvdb_signal_clear_busy. */
    return atomic_exchange_explicit(&db->per_vmpl_events, 0, memory_order_acquire);
}

bool altinj_hvdb_take_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    /* acquire: pairs with the release fetch_or in altinj_hvdb_signal_clear_busy. */
    const uint32_t old = atomic_fetch_and_explicit(
        &db->per_vmpl[vmpl].status, ~ALTINJ_HVDB_STATUS_CLEAR_BUSY, memory_order_acquire);
    return (old & ALTINJ_HVDB_STATUS_CLEAR_BUSY) != 0;
}

unsigned altinj_hvdb_take_irr(struct altinj_hvdb *db, unsigned vmpl, uint32_t out[7])
{
    unsigned n = 0;
    for (unsigned i = 0; i < 7; i++) {
        /* relaxed peek avoids a locked RMW on the words that are empty (most of them). */
        if (atomic_load_explicit(&db->per_vmpl[vmpl].irr[i], memory_order_relaxed) == 0) {
            out[i] = 0;
            continue;
        }
        /* acquire: pairs with the release fetch_or in altinj_hvdb_post_irq. */
        out[i] = atomic_exchange_explicit(&db->per_vmpl[vmpl].irr[i], 0, memory_order_acquire);
        n += (unsigned)__builtin_popcount(out[i]);
    }
    return n;
}
