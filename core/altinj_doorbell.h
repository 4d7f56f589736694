/*
 * The #HV doorbell page (GHCB spec; COCONUT-SVSM kernel/src/sev/hv_doorbell.rs, DOMAIN.md
 * section 4). The page is shared with the hypervisor, so every byte in it is attacker-controlled:
 * the SVSM clears before it processes, validates every value and may be re-entered at any point.
 *
 * ASSUMPTION (option A, "hvdb-flag"): no architected bit says "clear the guest's BUSY". This
 * model proposes one: bit 11 of per_vmpl[GUEST_VMPL].status (the first of the reserved bits
 * 13:11), together with per_vmpl_events bit GUEST_VMPL. The hypervisor sets both, status
 * first, and runs VMPL0; the SVSM consumes the events byte, then the status bit, and checks
 * BUSY itself before acting. The report prints this assumption.
 *
 * ASSUMPTION (irr layout): irr[i] bit j stands for vector 32*(i+1)+j, so the seven words cover
 * the 224 external vectors 32..255; the published layout does not say.
 */
#ifndef ALTINJ_DOORBELL_H
#define ALTINJ_DOORBELL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* COCONUT-SVSM runs the guest OS at VMPL2 (kernel/src/types.rs GUEST_VMPL). */
#define ALTINJ_GUEST_VMPL 2u
#define ALTINJ_HVDB_NUM_VMPL 3u

/* flags byte */
#define ALTINJ_HVDB_FLAG_NMI_PENDING        (1u << 0)
#define ALTINJ_HVDB_FLAG_MC_PENDING         (1u << 1)
#define ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL  (1u << 7)
#define ALTINJ_HVDB_FLAGS_RESERVED          0x7Cu /* bits 6:2 */

/* per_vmpl[n].status */
#define ALTINJ_HVDB_STATUS_PENDING_VECTOR   0xFFu
#define ALTINJ_HVDB_STATUS_NMI_PENDING      (1u << 8)
#define ALTINJ_HVDB_STATUS_MC_PENDING       (1u << 9)
#define ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE  (1u << 10)
#define ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS (1u << 14)
#define ALTINJ_HVDB_STATUS_IPI_REQUESTED    (1u << 27)
#define ALTINJ_HVDB_STATUS_VECTOR_31        (1u << 31)
/* Reserved: 13:11, 26:15, 30:28. */
#define ALTINJ_HVDB_STATUS_RESERVED         (0x70000000u | 0x07FF8000u | 0x00003800u)
/* The proposed option-A bit (see ASSUMPTION above). Architecturally it is one of the reserved
 * bits, so a consumer that does not run option A must treat it as reserved. */
#define ALTINJ_HVDB_STATUS_CLEAR_BUSY       (1u << 11)

struct altinj_hvdb_vmpl {
    _Atomic uint32_t status;
    _Atomic uint32_t irr[7];
    _Atomic uint32_t isr[8];
};

struct altinj_hvdb {
    _Atomic uint8_t vector;            /* 0x00 pending vector for VMPL0 itself */
    _Atomic uint8_t flags;             /* 0x01 */
    _Atomic uint8_t no_eoi_required;   /* 0x02 */
    _Atomic uint8_t per_vmpl_events;   /* 0x03 bit n: events pending for VMPL n */
    uint8_t reserved_04[0x3C];
    struct altinj_hvdb_vmpl per_vmpl[ALTINJ_HVDB_NUM_VMPL]; /* 0x40 + 64*n */
    uint8_t reserved_100[4096 - 0x100];
};

_Static_assert(sizeof(_Atomic uint8_t) == 1, "atomic u8 keeps its width");
_Static_assert(sizeof(_Atomic uint32_t) == 4, "atomic u32 keeps its width");
_Static_assert(sizeof(struct altinj_hvdb_vmpl) == 64, "per-VMPL block is one cache line");
_Static_assert(sizeof(struct altinj_hvdb) == 4096, "#HV doorbell is one page");
_Static_assert(offsetof(struct altinj_hvdb, vector) == 0x00, "vector");
_Static_assert(offsetof(struct altinj_hvdb, flags) == 0x01, "flags");
_Static_assert(offsetof(struct altinj_hvdb, no_eoi_required) == 0x02, "no_eoi_required");
_Static_assert(offsetof(struct altinj_hvdb, per_vmpl_events) == 0x03, "per_vmpl_events");
_Static_assert(offsetof(struct altinj_hvdb, per_vmpl) == 0x40, "per_vmpl[0]");
_Static_assert(offsetof(struct altinj_hvdb, per_vmpl[1]) == 0x80, "per_vmpl[1]");
_Static_assert(offsetof(struct altinj_hvdb, per_vmpl[2]) == 0xC0, "per_vmpl[2]");
_Static_assert(offsetof(struct altinj_hvdb_vmpl, irr) == 4, "irr");
_Static_assert(offsetof(struct altinj_hvdb_vmpl, isr) == 32, "isr");

/* Allocates a zeroed, page-aligned doorbell page; NULL on failure. */
struct altinj_hvdb *altinj_hvdb_alloc(void);
void altinj_hvdb_free(struct altinj_hvdb *db);
void altinj_hvdb_reset(struct altinj_hvdb *db);

/* ---- hypervisor side (any CPU, concurrently with each other and with the consumer) ---- */

/* Posts an external interrupt for VMPL `vmpl`: sets the vector's irr bit, then the events bit.
 * Both are release RMWs, so whatever the poster wrote before (the interrupt's record) is
 * visible to a consumer whose acquire in altinj_hvdb_take_events/altinj_hvdb_take_irr sees
 * them. Returns false (and writes nothing) for vectors below 32 or vmpl out of range. */
bool altinj_hvdb_post_irq(struct altinj_hvdb *db, unsigned vmpl, uint8_t vector);

/* After posting: decides whether this poster must send the #HV interrupt (the kick). Sets
 * NoFurtherSignal in the flags byte (fetch_or, acq_rel) and returns true only if it was clear:
 * while it is set, an earlier poster's #HV is still on its way and the SVSM, which clears it
 * before processing (altinj_hvdb_take_flags), will see this post too. This is the hypervisor
 * half of the GHCB NoFurtherSignal protocol; it saves IPIs, never events. */
bool altinj_hvdb_signal(struct altinj_hvdb *db);

/* Option A signal (ASSUMPTION above): sets CLEAR_BUSY in per_vmpl[vmpl].status, then the
 * events bit, both release. */
void altinj_hvdb_signal_clear_busy(struct altinj_hvdb *db, unsigned vmpl);

/* The hypervisor's own test of whether VMPL0 must run for this page: events are posted, or
 * NoFurtherSignal is set (a #HV was signalled and the SVSM has not acknowledged it by clearing
 * the bit). The second half matters: an SVSM pass that took the events before the poster's
 * kick landed leaves NoFurtherSignal set, and unless VMPL0 runs once more to clear it, every
 * later post is suppressed and the page goes quiet for good. relaxed: a decision hint for the
 * hypervisor; the SVSM's takes are the synchronising reads. */
static inline bool altinj_hvdb_pending(struct altinj_hvdb *db)
{
    return atomic_load_explicit(&db->per_vmpl_events, memory_order_relaxed) != 0 ||
           (atomic_load_explicit(&db->flags, memory_order_relaxed) &
            ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL) != 0;
}

/* ---- SVSM side (the CPU that owns the page; may be interrupted and re-entered) ---- */

/* Clear-before-process of the flags byte, as COCONUT-SVSM does: atomically clears
 * NoFurtherSignal and NMI-pending and returns the old byte. A zero byte is read, not written,
 * so an idle doorbell line is not pulled into the exclusive state on every SVSM entry. */
uint8_t altinj_hvdb_take_flags(struct altinj_hvdb *db);

/* Consumes the VMPL0 vector byte: returns the vector and leaves 0, via a compare-exchange loop
 * so a vector written concurrently is either returned now or left for the next call, never
 * lost. Returns 0 when none is pending. Vectors below 32 are hostile: they are consumed,
 * counted in *rejected (if non-NULL) and 0 is returned. */
uint8_t altinj_hvdb_take_vector(struct altinj_hvdb *db, uint64_t *rejected);

/* Atomically takes and clears the per-VMPL events byte (swap(0), acquire: pairs with the
 * release RMWs of altinj_hvdb_post_irq and altinj_hvdb_signal_clear_busy). */
uint8_t altinj_hvdb_take_events(struct altinj_hvdb *db);

/* Atomically takes and clears the option-A bit of per_vmpl[vmpl].status (fetch_and, acquire:
 * pairs with altinj_hvdb_signal_clear_busy). Returns whether it was set. */
bool altinj_hvdb_take_clear_busy(struct altinj_hvdb *db, unsigned vmpl);

/* A relaxed peek at the option-A bit: the cheap common-path test. A true result must be
 * confirmed by altinj_hvdb_take_clear_busy; a false one may be stale, which is why the
 * strategy that uses it keeps the VMEXIT_BUSY fallback. */
static inline bool altinj_hvdb_peek_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    /* relaxed: a hint only; the acquire is in altinj_hvdb_take_clear_busy. */
    return (atomic_load_explicit(&db->per_vmpl[vmpl].status, memory_order_relaxed) &
            ALTINJ_HVDB_STATUS_CLEAR_BUSY) != 0;
}

/* Takes and clears all irr words of per_vmpl[vmpl] into out[7] (swap(0), acquire: pairs with
 * altinj_hvdb_post_irq). Bits for vectors the model cannot accept are left in out as they were
 * found; the caller validates. Returns the number of set bits. */
unsigned altinj_hvdb_take_irr(struct altinj_hvdb *db, unsigned vmpl, uint32_t out[7]);

#endif
