/*
 * The #HV doorbell page (GHCB spec; COCONUT-SVSM kernel/src/sev/hv_doorbell.rs and
 * kernel/src/cpu/apic.rs consume_host_interrupts at f4bc4bcd; DOMAIN.md section 4). The page is
 * shared with the hypervisor, so every byte in it is attacker-controlled: the SVSM clears
 * before it processes, validates every value and may be re-entered at any point.
 *
 * Indexing: per_vmpl[n] and per_vmpl_events bit n describe VMPL n+1 (there is no entry for
 * VMPL0, whose vector is the `vector` byte). The guest runs at VMPL2, so its entry is
 * per_vmpl[1] at offset 0x80 and its events bit is bit 1 (COCONUT consume_host_interrupts:
 * `1 << (GUEST_VMPL - 1)`, `per_vmpl[GUEST_VMPL - 1]`).
 *
 * How the hypervisor presents interrupts to a VMPL (what COCONUT's consumer expects): a single
 * vector in status.pending_vector (7:0); more than one by setting their irr bits and
 * status.multiple_vectors (bit 14), vector 31 by status.vector_31 (bit 31) since irr starts at
 * vector 32 (irr[i] bit j is vector 32*(i+1)+j: COCONUT swaps irr[i-1] into APIC IRR word i);
 * a level-sensitive vector in pending_vector with status.level_sensitive (bit 10). Vectors
 * 31..255 are legal (svsm PR #368: "Vector 31 is a valid interrupt vector"); 0..30 are not.
 * The hypervisor's side of this protocol has no public implementation (no upstream KVM support
 * for Alternate Injection as of DOMAIN.md's commits); altinj_hvdb_post_irq is the model's, built
 * so that COCONUT's consumer loses nothing (see its comment).
 *
 * ASSUMPTION (option A, "hvdb-flag"): no architected bit says "clear the guest's BUSY". This
 * model proposes one: bit 11 of per_vmpl[GUEST_VMPL - 1].status (the first of the reserved bits
 * 13:11), together with per_vmpl_events bit GUEST_VMPL - 1. The hypervisor sets both, status
 * first, and runs VMPL0; the SVSM takes the status bit and then acts on the VMSA itself. The
 * report prints this assumption.
 */
#ifndef ALTINJ_DOORBELL_H
#define ALTINJ_DOORBELL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* COCONUT-SVSM runs the guest OS at VMPL2 (kernel/src/types.rs GUEST_VMPL). */
#define ALTINJ_GUEST_VMPL 2u
#define ALTINJ_HVDB_NUM_VMPL 3u  /* per_vmpl[0..2]: VMPL1..VMPL3 */
/* The per_vmpl index and per_vmpl_events bit of VMPL `vmpl` (1..3). */
#define ALTINJ_HVDB_INDEX(vmpl) ((vmpl) - 1u)
#define ALTINJ_HVDB_GUEST_INDEX ALTINJ_HVDB_INDEX(ALTINJ_GUEST_VMPL)
#define ALTINJ_HVDB_GUEST_EVENT (1u << ALTINJ_HVDB_GUEST_INDEX)
/* The lowest vector a VMPL may be sent (COCONUT configure_all_vectors allows 31..255). */
#define ALTINJ_HVDB_MIN_VECTOR 31u

/* flags byte */
#define ALTINJ_HVDB_FLAG_NMI_PENDING        (1u << 0)
#define ALTINJ_HVDB_FLAG_MC_PENDING         (1u << 1)
#define ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL  (1u << 7)
#define ALTINJ_HVDB_FLAGS_RESERVED          0x7Cu /* bits 6:2 */

/* per_vmpl[n].status (COCONUT HVExtIntStatus) */
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
 * bits, so a consumer that does not run option A ignores it (COCONUT never reads 13:11). */
#define ALTINJ_HVDB_STATUS_CLEAR_BUSY       (1u << 11)

struct altinj_hvdb_vmpl {
    _Atomic uint32_t status;
    _Atomic uint32_t irr[7];   /* irr[i] bit j: vector 32*(i+1)+j */
    _Atomic uint32_t isr[8];
};

struct altinj_hvdb {
    _Atomic uint8_t vector;            /* 0x00 pending vector for VMPL0 itself */
    _Atomic uint8_t flags;             /* 0x01 */
    _Atomic uint8_t no_eoi_required;   /* 0x02 */
    _Atomic uint8_t per_vmpl_events;   /* 0x03 bit n: events pending for VMPL n+1 */
    uint8_t reserved_04[0x3C];
    struct altinj_hvdb_vmpl per_vmpl[ALTINJ_HVDB_NUM_VMPL]; /* 0x40 + 64*n: VMPL n+1 */
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
_Static_assert(offsetof(struct altinj_hvdb, per_vmpl[ALTINJ_HVDB_GUEST_INDEX]) == 0x80,
               "the guest (VMPL2) uses per_vmpl[1]");
_Static_assert(offsetof(struct altinj_hvdb_vmpl, irr) == 4, "irr");
_Static_assert(offsetof(struct altinj_hvdb_vmpl, isr) == 32, "isr");

/* Allocates a zeroed, page-aligned doorbell page; NULL on failure. */
struct altinj_hvdb *altinj_hvdb_alloc(void);
void altinj_hvdb_free(struct altinj_hvdb *db);
void altinj_hvdb_reset(struct altinj_hvdb *db);

/* ---- hypervisor side (any CPU, concurrently with each other and with the consumer) ---- */

/*
 * Presents external interrupt `vector` (31..255) to VMPL `vmpl` (1..3) and sets its events bit.
 * Returns false (and writes nothing) for an illegal vector or VMPL.
 * - No vector pending and multiple_vectors clear: vector 31..255 goes into pending_vector by
 *   compare-exchange.
 * - The same vector already pending: nothing to add (an APIC IRR bit holds one interrupt).
 * - Otherwise the post moves to the multiple-vectors form: a single pending vector is first
 *   taken back out of pending_vector by compare-exchange (so the consumer takes it either as
 *   the single vector or through irr, never both), then every vector to present gets its irr
 *   bit (vector 31: status.vector_31), and only then multiple_vectors is set. The consumer
 *   clears multiple_vectors before it swaps the irr words (COCONUT consume_host_interrupts),
 *   so bits set before multiple_vectors are either swapped now or announced again by this
 *   post's own multiple_vectors.
 * All writes are release RMWs, events bit last: whatever the poster wrote before (the
 * interrupt's record) is visible to a consumer whose acquire of the events byte or status
 * sees them.
 */
bool altinj_hvdb_post_irq(struct altinj_hvdb *db, unsigned vmpl, uint8_t vector);

/* After posting: decides whether this poster must send the #HV interrupt (the kick). Sets
 * NoFurtherSignal in the flags byte (fetch_or, acq_rel) and returns true only if it was clear:
 * while it is set, an earlier poster's #HV is still on its way and the SVSM, which clears it
 * before processing (altinj_hvdb_take_flags), will see this post too. This is the hypervisor
 * half of the GHCB NoFurtherSignal protocol; it saves IPIs, never events. */
bool altinj_hvdb_signal(struct altinj_hvdb *db);

/* Option A signal (ASSUMPTION above): sets CLEAR_BUSY in per_vmpl[vmpl - 1].status, then the
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

/* COCONUT's switch_to_vmpl test (kernel/src/sev/ghcb.rs, `testw $0x8000` on the page's first
 * word): is NoFurtherSignal set, so that a #HV is on its way and the switch to the guest must
 * be cancelled? acquire: pairs with the acq_rel fetch_or in altinj_hvdb_signal, so the pass
 * that runs instead of the switch sees the post that set the bit. */
static inline bool altinj_hvdb_signal_pending(struct altinj_hvdb *db)
{
    return (atomic_load_explicit(&db->flags, memory_order_acquire) &
            ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL) != 0;
}

/* Clear-before-process of the flags byte, as COCONUT-SVSM process_pending_events does:
 * atomically clears NoFurtherSignal and NMI-pending and returns the old byte. A zero byte is
 * read, not written, so an idle doorbell line is not pulled into the exclusive state on every
 * SVSM entry. */
uint8_t altinj_hvdb_take_flags(struct altinj_hvdb *db);

/* Consumes the VMPL0 vector byte: returns the vector and leaves 0, via a compare-exchange loop
 * so a vector written concurrently is either returned now or left for the next call, never
 * lost. Returns 0 when none is pending. Vectors below 32 are hostile: they are consumed,
 * counted in *rejected (if non-NULL) and 0 is returned. */
uint8_t altinj_hvdb_take_vector(struct altinj_hvdb *db, uint64_t *rejected);

/* Atomically takes and clears the per-VMPL events byte (swap(0), acquire: pairs with the
 * release RMWs of altinj_hvdb_post_irq and altinj_hvdb_signal_clear_busy). */
uint8_t altinj_hvdb_take_events(struct altinj_hvdb *db);

/* What one consume of a VMPL's descriptor found (COCONUT consume_host_interrupts after its
 * events swap), vectors only: what the APIC emulation must post. */
struct altinj_hvdb_taken {
    uint32_t vectors[8];     /* bit v%32 of word v/32: edge vector v taken (31..255 only set
                                by an honest hypervisor; garbage may set any bit here) */
    uint8_t level_vector;    /* a level-sensitive vector taken (0: none) */
    bool multiple;           /* taken through irr (multiple_vectors was set) */
    bool cas_lost;           /* the single-vector compare-exchange lost a race: the vector
                                stays for the next pass (COCONUT: "consumed in another pass") */
};

/*
 * COCONUT's consume of per_vmpl[vmpl - 1], called when the events byte had the VMPL's bit:
 * first a level-sensitive vector (compare-exchange clearing pending_vector and
 * level_sensitive); then, if multiple_vectors is set, clear it (fetch_and) before reading the
 * rest, take vector 31 from status bit 31 (fetch_and), and swap each irr word to 0; otherwise
 * take pending_vector by compare-exchange (a failed exchange leaves it for the next pass).
 * acquire on the successful takes: pairs with the release RMWs of altinj_hvdb_post_irq.
 * (COCONUT uses Relaxed throughout: on x86 the locked instructions order it anyway, and its
 * payload is the vectors themselves; the model orders them because the events' records ride
 * beside the doorbell in the source rings.)
 */
void altinj_hvdb_consume_vmpl(struct altinj_hvdb *db, unsigned vmpl,
                              struct altinj_hvdb_taken *out);

/* Atomically takes and clears the option-A bit of per_vmpl[vmpl - 1].status (fetch_and,
 * acquire: pairs with altinj_hvdb_signal_clear_busy). Returns whether it was set. */
bool altinj_hvdb_take_clear_busy(struct altinj_hvdb *db, unsigned vmpl);

/* A relaxed peek at the option-A bit: the cheap common-path test. A true result must be
 * confirmed by altinj_hvdb_take_clear_busy. */
static inline bool altinj_hvdb_peek_clear_busy(struct altinj_hvdb *db, unsigned vmpl)
{
    /* relaxed: a hint only; the acquire is in altinj_hvdb_take_clear_busy. */
    return (atomic_load_explicit(&db->per_vmpl[ALTINJ_HVDB_INDEX(vmpl)].status,
                                 memory_order_relaxed) &
            ALTINJ_HVDB_STATUS_CLEAR_BUSY) != 0;
}

#endif
