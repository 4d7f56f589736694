#include "altinj_hw.h"

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vintr.h"

uint64_t altinj_hw_vmrun(struct altinj_vmsa *vmsa, uint64_t *injected)
{
    /* acquire: pairs with the release in altinj_busy_release (the SVSM's last write before
     * entry), so EVENTINJ written under BUSY is visible here. */
    const uint64_t vintr = atomic_load_explicit(&vmsa->vintr_ctrl, memory_order_acquire);
    if (altinj_vintr_busy(vintr)) {
        *injected = 0;
        return ALTINJ_VMEXIT_BUSY;
    }
    /* relaxed: ordered by the acquire above; the exchange makes taking the event a single step,
     * so even a racing second VMRUN could not take it twice. */
    const uint64_t ev = atomic_exchange_explicit(&vmsa->event_inj, 0, memory_order_relaxed);
    /* V clear means no event, whatever the other bits hold (found by fuzz/fuzz_world.c). */
    *injected = altinj_event_is_valid(ev) ? ev : 0;
    return 0;
}

void altinj_hw_vmexit(struct altinj_vmsa *vmsa, uint64_t exit_code)
{
    /* relaxed: the CPU that runs the guest writes these, and the next reader on this CPU is
     * ordered by program order; a reader on another CPU acquires BUSY first. */
    atomic_store_explicit(&vmsa->guest_exit_code, exit_code, memory_order_relaxed);
    atomic_store_explicit(&vmsa->guest_exitintinfo, 0, memory_order_relaxed);
}

void altinj_hw_vmexit_in_delivery(struct altinj_vmsa *vmsa, uint64_t event, uint64_t exit_code)
{
    atomic_store_explicit(&vmsa->guest_exit_code, exit_code, memory_order_relaxed);
    atomic_store_explicit(&vmsa->guest_exitintinfo, event, memory_order_relaxed);
    /* release: pairs with the acquire fetch_or in altinj_busy_acquire (and the acquire load in
     * altinj_hw_vmrun): whoever sees BUSY sees EXITINTINFO. */
    atomic_fetch_or_explicit(&vmsa->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_release);
}
