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

static bool vmpl_ok(unsigned vmpl)
{
    return vmpl >= 1 && vmpl <= ALTINJ_HVDB_NUM_VMPL;
}

/* One vector into the multiple-vectors form: vector 31 has its own status bit, the others an
 * irr bit. release: pairs with the acquire fetch_and / swap in altinj_hvdb_consume_vmpl. */
static void post_irr(struct altinj_hvdb_vmpl *d, uint8_t vector)
{
    /* A pending vector below 31 was never a legal post (only garbage puts one there): it is
     * not carried over. */
    if (vector < ALTINJ_HVDB_MIN_VECTOR)
        return;
    if (vector == ALTINJ_HVDB_MIN_VECTOR) {
        atomic_fetch_or_explicit(&d->status, ALTINJ_HVDB_STATUS_VECTOR_31, memory_order_release);
        return;
    }
    const unsigned v = (unsigned)vector - 32u;
    atomic_fetch_or_explicit(&d->irr[v / 32u], UINT32_C(1) << (v % 32u), memory_order_release);
}

bool altinj_hvdb_post_irq(struct altinj_hvdb *db, unsigned vmpl, uint8_t vector)
{
    if (!vmpl_ok(vmpl) || vector < ALTINJ_HVDB_MIN_VECTOR)
        return false;
    struct altinj_hvdb_vmpl *d = &db->per_vmpl[ALTINJ_HVDB_INDEX(vmpl)];
    /* relaxed: the compare-exchanges below are the synchronising accesses. */
    uint32_t s = atomic_load_explicit(&d->status, memory_order_relaxed);
    for (;;) {
        const uint8_t pending = (uint8_t)(s & ALTINJ_HVDB_STATUS_PENDING_VECTOR);
        const bool single_slot = !(s & (ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS |
                                         ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE));
        if (single_slot && (pending == 0 || pending == vector)) {
            /* release on success: pairs with the acquire compare-exchange of pending_vector in
             * altinj_hvdb_consume_vmpl. Even "already pending" is written (s to itself), so
             * that a consumer taking the vector after this RMW also sees this post's record. */
            if (atomic_compare_exchange_weak_explicit(&d->status, &s, s | vector,
                                                      memory_order_release,
                                                      memory_order_relaxed))
                break;
            continue;
        }
        if (single_slot) {
            /* A different single vector is pending: take it back first, so the consumer gets
             * it either from pending_vector (if it wins this race) or from irr, never both.
             * relaxed: only the RMW's atomicity matters here; the release RMWs below publish. */
            if (!atomic_compare_exchange_weak_explicit(&d->status, &s,
                                                       s & ~ALTINJ_HVDB_STATUS_PENDING_VECTOR,
                                                       memory_order_relaxed,
                                                       memory_order_relaxed))
                continue;
            post_irr(d, pending);
        }
        post_irr(d, vector);
        /* release: pairs with the acquire load/fetch_and of status in altinj_hvdb_consume_vmpl;
         * after the irr bits, so a consumer that sees multiple_vectors finds them. */
        atomic_fetch_or_explicit(&d->status, ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS,
                                 memory_order_release);
        break;
    }
    /* release: pairs with the acquire swap in altinj_hvdb_take_events. Last, so a consumer
     * that sees the events bit finds the descriptor written. */
    atomic_fetch_or_explicit(&db->per_vmpl_events, (uint8_t)(1u << ALTINJ_HVDB_INDEX(vmpl)),
                             memory_order_release);
    return true;
}

void altinj_hvdb_signal_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    if (!vmpl_ok(vmpl))
        return;
    /* release: pairs with the acquire fetch_and in altinj_hvdb_take_clear_busy. */
    atomic_fetch_or_explicit(&db->per_vmpl[ALTINJ_HVDB_INDEX(vmpl)].status,
                             ALTINJ_HVDB_STATUS_CLEAR_BUSY, memory_order_release);
    /* release: pairs with the acquire swap in altinj_hvdb_take_events; status first, so a
     * consumer that sees the event bit finds the status bit. */
    atomic_fetch_or_explicit(&db->per_vmpl_events, (uint8_t)(1u << ALTINJ_HVDB_INDEX(vmpl)),
                             memory_order_release);
}

bool altinj_hvdb_signal(struct altinj_hvdb *db)
{
    /* acq_rel: the release half pairs with the acquire fetch_and in altinj_hvdb_take_flags, so
     * an SVSM that clears NoFurtherSignal after this RMW also sees the poster's descriptor and
     * events writes made before it; the acquire half orders this poster after the SVSM's
     * clear. */
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

static void take_vector(struct altinj_hvdb_taken *out, unsigned vector)
{
    out->vectors[vector / 32u] |= UINT32_C(1) << (vector % 32u);
}

void altinj_hvdb_consume_vmpl(struct altinj_hvdb *db, unsigned vmpl,
                              struct altinj_hvdb_taken *out)
{
    memset(out, 0, sizeof *out);
    if (!vmpl_ok(vmpl))
        return;
    struct altinj_hvdb_vmpl *d = &db->per_vmpl[ALTINJ_HVDB_INDEX(vmpl)];
    /* acquire: pairs with the release RMWs of status in altinj_hvdb_post_irq. */
    uint32_t s = atomic_load_explicit(&d->status, memory_order_acquire);
    if (s & ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE) {
        /* COCONUT's loop: retry with the value that beat it, whatever that value holds. */
        for (;;) {
            const uint32_t ns =
                s & ~(ALTINJ_HVDB_STATUS_PENDING_VECTOR | ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE);
            /* acquire on both paths: the failure value is used as the new status. */
            if (atomic_compare_exchange_weak_explicit(&d->status, &s, ns, memory_order_acquire,
                                                      memory_order_acquire)) {
                out->level_vector = (uint8_t)(s & ALTINJ_HVDB_STATUS_PENDING_VECTOR);
                s = ns;
                break;
            }
        }
    }
    if (s & ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS) {
        out->multiple = true;
        /* Clear multiple_vectors before reading irr, so that vectors presented from here on
         * set it again (COCONUT's comment). acquire: pairs with the release fetch_or of it. */
        atomic_fetch_and_explicit(&d->status, ~ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS,
                                  memory_order_acquire);
        if (s & ALTINJ_HVDB_STATUS_VECTOR_31) {
            atomic_fetch_and_explicit(&d->status, ~ALTINJ_HVDB_STATUS_VECTOR_31,
                                      memory_order_acquire);
            take_vector(out, ALTINJ_HVDB_MIN_VECTOR);
        }
        for (unsigned i = 0; i < 7; i++) {
            /* relaxed peek spares a locked swap of an empty word. */
            if (atomic_load_explicit(&d->irr[i], memory_order_relaxed) == 0)
                continue;
            /* acquire: pairs with the release fetch_or in post_irr. */
            out->vectors[i + 1] |= atomic_exchange_explicit(&d->irr[i], 0, memory_order_acquire);
        }
    } else if (s & ALTINJ_HVDB_STATUS_PENDING_VECTOR) {
        /* acquire: pairs with the release compare-exchange in altinj_hvdb_post_irq. A loss
         * means the hypervisor changed the status meanwhile, and its post sets the events bit
         * again after: the vector is consumed in another pass. */
        if (atomic_compare_exchange_strong_explicit(&d->status, &s,
                                                    s & ~ALTINJ_HVDB_STATUS_PENDING_VECTOR,
                                                    memory_order_acquire, memory_order_relaxed))
            take_vector(out, s & ALTINJ_HVDB_STATUS_PENDING_VECTOR);
        else
            out->cas_lost = true;
    }
}

bool altinj_hvdb_take_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    if (!vmpl_ok(vmpl))
        return false;
    /* acquire: pairs with the release fetch_or in altinj_hvdb_signal_clear_busy. */
    const uint32_t old = atomic_fetch_and_explicit(&db->per_vmpl[ALTINJ_HVDB_INDEX(vmpl)].status,
                                                   ~ALTINJ_HVDB_STATUS_CLEAR_BUSY,
                                                   memory_order_acquire);
    return (old & ALTINJ_HVDB_STATUS_CLEAR_BUSY) != 0;
}
