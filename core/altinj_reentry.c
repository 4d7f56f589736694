#include "altinj_reentry.h"

#include "altinj_event.h"

enum altinj_fixup altinj_reentry_fixup_slow(struct altinj_vmsa *vmsa, uint64_t info)
{
    const struct altinj_event ev = altinj_event_decode(info);
    const bool regenerates =
        ev.reserved == 0 &&
        (ev.type == ALTINJ_EVENT_SOFTINT ||
         (ev.type == ALTINJ_EVENT_EXCEPTION &&
          (ev.vector == ALTINJ_VEC_BP || ev.vector == ALTINJ_VEC_OF)));
    /* relaxed: BUSY is held; cleared so a later pass cannot act on it again. */
    atomic_store_explicit(&vmsa->guest_exitintinfo, 0, memory_order_relaxed);
    return regenerates ? ALTINJ_FIXUP_REGENERATED : ALTINJ_FIXUP_REJECTED;
}

enum altinj_inject altinj_reentry_inject(struct altinj_vmsa *vmsa, uint64_t event,
                                         enum altinj_busy_policy policy,
                                         struct altinj_reentry_result *repair)
{
    *repair = (struct altinj_reentry_result){.acted = false};
    const uint64_t before = altinj_busy_acquire(vmsa);
    if (altinj_vintr_busy(before)) {
        /* Our fetch_or changed nothing: leaving without a release leaves the page as found. */
        if (policy == ALTINJ_BUSY_BACK_OFF)
            return ALTINJ_INJECT_BACKED_OFF;
        /* The hardware left the page BUSY: its interrupted event goes first. Releasing without
         * this would lose it. */
        repair->acted = true;
        repair->was_busy = true;
        repair->fixup = altinj_reentry_fixup(vmsa, &repair->event);
        if (repair->fixup == ALTINJ_FIXUP_CONFLICT)
            return ALTINJ_INJECT_SLOT_BUSY; /* page stays BUSY: the state is broken */
    }
    const enum altinj_inject result = altinj_reentry_inject_held(vmsa, event);
    altinj_busy_release(vmsa);
    return result;
}

enum altinj_inject altinj_reentry_inject_held(struct altinj_vmsa *vmsa, uint64_t event)
{
    /* relaxed: BUSY is held; its release publishes the store. */
    if (altinj_event_is_valid(atomic_load_explicit(&vmsa->event_inj, memory_order_relaxed)))
        return ALTINJ_INJECT_SLOT_BUSY;
    atomic_store_explicit(&vmsa->event_inj, event, memory_order_relaxed);
    return ALTINJ_INJECT_DONE;
}
