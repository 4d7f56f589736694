/*
 * The lock-free re-entry path of the SVSM (VMPL0) for a guest VMSA under Alternate Injection.
 *
 * BUSY (VIntrCtrl bit 63) is two things at once (DOMAIN.md section 5): the hardware's "not
 * runnable" mark after an exit that interrupted event delivery, and the SVSM's lock on the page,
 * which keeps the untrusted hypervisor from running the VMSA on another CPU while the SVSM edits
 * it (OpenHCL's test-and-set after every exit). The path is therefore:
 *   check BUSY -> take it (atomic test-and-set) -> move EXITINTINFO to EVENTINJ (with the
 *   exclusions real code makes) and clear EXITINTINFO -> release BUSY before entry,
 * so that an interrupted event is re-injected exactly once: never lost, never injected twice.
 *
 * Ordering partners:
 *   altinj_busy_acquire (acquire)  <-> altinj_hw_vmexit_in_delivery (release): sees EXITINTINFO.
 *   altinj_busy_release (release)  <-> altinj_hw_vmrun (acquire): VMRUN sees EVENTINJ.
 *   altinj_busy_release (release)  <-> altinj_busy_acquire (acquire) of the next holder.
 * All other VMSA accesses in this file happen with BUSY held and are relaxed.
 *
 * Single owner: one SVSM thread owns a given guest VMSA (as in COCONUT-SVSM and OpenHCL, where
 * each guest vCPU has one VMPL0 vCPU). BUSY excludes the hypervisor, not other SVSM threads.
 */
#ifndef ALTINJ_REENTRY_H
#define ALTINJ_REENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_event.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"

enum altinj_fixup {
    ALTINJ_FIXUP_NONE = 0,    /* EXITINTINFO.V clear: no delivery was interrupted */
    ALTINJ_FIXUP_REINJECTED,  /* EXITINTINFO copied into EVENTINJ, EXITINTINFO cleared */
    ALTINJ_FIXUP_REGENERATED, /* INTn or #BP/#OF: not re-injected (no instruction length);
                                 EXITINTINFO cleared, the guest re-executes the instruction */
    ALTINJ_FIXUP_REJECTED,    /* reserved bits or an undefined type: corrupt, dropped, cleared */
    ALTINJ_FIXUP_CONFLICT,    /* EVENTINJ already valid: a broken invariant; nothing changed */
};

/* Takes BUSY with an atomic test-and-set (fetch_or, acquire) and returns VIntrCtrl as it was:
 * BUSY set in the result means the hardware (or an earlier holder) had already marked the page.
 * Either way the caller now holds BUSY and must call altinj_busy_release. */
static inline uint64_t altinj_busy_acquire(struct altinj_vmsa *vmsa)
{
    /* acquire: pairs with the release in altinj_hw_vmexit_in_delivery and altinj_busy_release. */
    return atomic_fetch_or_explicit(&vmsa->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_acquire);
}

/* Clears BUSY, publishing every VMSA write made while it was held. A plain release store, not
 * a second locked RMW: while BUSY is held nobody else writes VIntrCtrl (the processor cannot
 * run the page, the hypervisor cannot write an encrypted VMSA, and one SVSM thread owns it),
 * so the value loaded here is still current when it is stored back. */
static inline void altinj_busy_release(struct altinj_vmsa *vmsa)
{
    /* relaxed: our own last write (the acquire RMW that took BUSY) or a value only we change. */
    const uint64_t v = atomic_load_explicit(&vmsa->vintr_ctrl, memory_order_relaxed);
    /* release: pairs with the acquire load in altinj_hw_vmrun and altinj_busy_acquire. */
    atomic_store_explicit(&vmsa->vintr_ctrl, v & ~ALTINJ_VINTR_BUSY, memory_order_release);
}

/* The cheap pre-entry test: a relaxed load of VIntrCtrl. With Alternate Injection the hardware
 * sets BUSY whenever it leaves EXITINTINFO valid, so one load answers "is there anything to
 * repair". Relaxed is enough: a true result is confirmed under altinj_busy_acquire. */
static inline bool altinj_busy_peek(struct altinj_vmsa *vmsa)
{
    return altinj_vintr_busy(atomic_load_explicit(&vmsa->vintr_ctrl, memory_order_relaxed));
}

/* The rare outcomes of altinj_reentry_fixup (INTn/#BP/#OF, corrupt values), out of line. */
enum altinj_fixup altinj_reentry_fixup_slow(struct altinj_vmsa *vmsa, uint64_t info);

/* With BUSY held: moves EXITINTINFO into EVENTINJ per altinj_event_reinjectable, and clears
 * EXITINTINFO unless the result is CONFLICT. *event receives the EXITINTINFO value found.
 * The re-injection itself is inline: it is the path every BUSY event takes. */
static inline enum altinj_fixup altinj_reentry_fixup(struct altinj_vmsa *vmsa, uint64_t *event)
{
    /* relaxed throughout: BUSY is held (acquired), and its release publishes these. */
    const uint64_t info = atomic_load_explicit(&vmsa->guest_exitintinfo, memory_order_relaxed);
    *event = info;
    if (!altinj_event_is_valid(info))
        return ALTINJ_FIXUP_NONE;
    if (altinj_event_is_valid(atomic_load_explicit(&vmsa->event_inj, memory_order_relaxed)))
        return ALTINJ_FIXUP_CONFLICT;
    if (!altinj_event_reinjectable(info))
        return altinj_reentry_fixup_slow(vmsa, info);
    atomic_store_explicit(&vmsa->event_inj, info, memory_order_relaxed);
    /* Cleared so a later pass cannot inject it a second time (OpenHCL does the same). */
    atomic_store_explicit(&vmsa->guest_exitintinfo, 0, memory_order_relaxed);
    return ALTINJ_FIXUP_REINJECTED;
}

struct altinj_reentry_result {
    bool acted;             /* false: common path, one relaxed load and nothing else */
    bool was_busy;          /* BUSY was set when taken */
    enum altinj_fixup fixup;
    uint64_t event;         /* EXITINTINFO as found */
};

/* Take, fix up, release. For callers that were told the page is BUSY (VMEXIT_BUSY, a doorbell
 * flag) and must act on the truth, not on the hint. On return BUSY is clear unless the result
 * is CONFLICT, which leaves the page BUSY so the guest cannot run on a broken state. Inline:
 * as a call returning the result through memory it cost twice the locked RMW it wraps. */
static inline struct altinj_reentry_result altinj_reentry_repair(struct altinj_vmsa *vmsa)
{
    struct altinj_reentry_result r = {.acted = true};
    r.was_busy = altinj_vintr_busy(altinj_busy_acquire(vmsa));
    r.fixup = altinj_reentry_fixup(vmsa, &r.event);
    if (r.fixup != ALTINJ_FIXUP_CONFLICT)
        altinj_busy_release(vmsa);
    return r;
}

/* The whole tuned path for a guest entry: peek; if BUSY, altinj_reentry_repair. Inline so the
 * common path (not BUSY) is one relaxed load and a branch at the call site, not a call. */
static inline struct altinj_reentry_result altinj_reentry_repair_if_busy(struct altinj_vmsa *vmsa)
{
    if (!altinj_busy_peek(vmsa))
        return (struct altinj_reentry_result){.acted = false};
    return altinj_reentry_repair(vmsa);
}

enum altinj_inject {
    ALTINJ_INJECT_DONE = 0,    /* written to EVENTINJ */
    ALTINJ_INJECT_SLOT_BUSY,   /* EVENTINJ holds an event (possibly just re-injected): retry later */
    ALTINJ_INJECT_BACKED_OFF,  /* the hardware had left the page BUSY and the caller asked not to
                                  repair: BUSY is left set exactly as found, nothing written */
};

/* What altinj_reentry_inject does when it finds the page BUSY from an interrupted delivery. */
enum altinj_busy_policy {
    ALTINJ_BUSY_REPAIR = 0,   /* repair it on the way (the SVSM read BUSY anyway to lock) */
    ALTINJ_BUSY_BACK_OFF,     /* leave it for the VMEXIT_BUSY path (the reactive design) */
};

/* With BUSY already held by the caller: writes EVENTINJ if it is free. */
enum altinj_inject altinj_reentry_inject_held(struct altinj_vmsa *vmsa, uint64_t event);

/* Injects a new event (EVENTINJ format, V=1) under BUSY: take; if the hardware had left BUSY
 * set, either repair first (the interrupted event goes before the new one, and *repair tells
 * what was done) or back off, per `policy`; write EVENTINJ if it is free; release. */
enum altinj_inject altinj_reentry_inject(struct altinj_vmsa *vmsa, uint64_t event,
                                         enum altinj_busy_policy policy,
                                         struct altinj_reentry_result *repair);

#endif
