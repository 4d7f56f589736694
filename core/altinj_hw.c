#include "altinj_hw.h"

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vintr.h"

uint64_t altinj_hw_vmrun(struct altinj_vmsa *vmsa, uint64_t *injected)
{
    *injected = 0;
    /* acquire: pairs with the SVSM's release store of VIntrCtrl (altinj_busy_clear), so
     * EVENTINJ written before BUSY was cleared is visible here. */
    const uint64_t vintr = altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_acquire);
    if (altinj_vintr_busy(vintr))
        return ALTINJ_VMEXIT_BUSY;
    /* acquire: pairs with the release store of EFER in altinj_svme_enable (COCONUT's last write
     * before it switches to the guest). */
    if (!(altinj_vmsa_load(vmsa, ALTINJ_VF_EFER, memory_order_acquire) & ALTINJ_EFER_SVME))
        return ALTINJ_VMEXIT_INVALID;
    /* relaxed: ordered by the acquires above; the exchange makes taking the event a single
     * step, so even a racing second VMRUN could not take it twice. Only a valid event is
     * taken: V clear means no event, whatever the other bits hold (found by
     * fuzz/fuzz_world.c), and an invalid value stays as the SVSM left it. */
    if (!altinj_event_is_valid(altinj_vmsa_load(vmsa, ALTINJ_VF_EVENT_INJ, memory_order_relaxed)))
        return 0;
    const uint64_t ev =
        altinj_vmsa_xchg(vmsa, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_HW, 0, memory_order_relaxed);
    *injected = altinj_event_is_valid(ev) ? ev : 0;
    return 0;
}

static void save_rflags(struct altinj_vmsa *vmsa, bool guest_if)
{
    vmsa->rflags = ALTINJ_RFLAGS_FIXED | (guest_if ? ALTINJ_RFLAGS_IF : 0);
}

void altinj_hw_vmexit(struct altinj_vmsa *vmsa, uint64_t exit_code, bool guest_if)
{
    save_rflags(vmsa, guest_if);
    /* relaxed: the CPU that runs the guest writes these, and the next reader on this CPU is
     * ordered by program order; a reader on another CPU acquires BUSY first. */
    altinj_vmsa_store(vmsa, ALTINJ_VF_EXIT_CODE, ALTINJ_VW_HW, exit_code, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EXITINTINFO, ALTINJ_VW_HW, 0, memory_order_relaxed);
}

void altinj_hw_vmexit_in_delivery(struct altinj_vmsa *vmsa, uint64_t event, uint64_t exit_code,
                                  bool guest_if, enum altinj_busy_premise premise)
{
    save_rflags(vmsa, guest_if);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EXIT_CODE, ALTINJ_VW_HW, exit_code, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EXITINTINFO, ALTINJ_VW_HW, event, memory_order_relaxed);
    if (premise == ALTINJ_PREMISE_HARDWARE)
        /* release: pairs with the acquire test-and-set in altinj_busy_test_and_set (and the
         * acquire load in altinj_hw_vmrun): whoever sees BUSY sees EXITINTINFO. */
        altinj_vmsa_or(vmsa, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_HW, ALTINJ_VINTR_BUSY,
                       memory_order_release);
}

static bool virq_armed(uint64_t v, bool vgif_enabled)
{
    if (!(v & ALTINJ_VINTR_V_IRQ) || (vgif_enabled && !(v & ALTINJ_VINTR_VGIF)))
        return false;
    if (v & ALTINJ_VINTR_INT_SHADOW)
        return false;
    const uint64_t prio = (v & ALTINJ_VINTR_V_INTR_PRIO_MASK) >> ALTINJ_VINTR_V_INTR_PRIO_SHIFT;
    return (v & ALTINJ_VINTR_V_IGN_TPR) || prio > (v & ALTINJ_VINTR_V_TPR_MASK);
}

bool altinj_hw_virq_armed(struct altinj_vmsa *vmsa, bool vgif_enabled)
{
    /* relaxed: read on the CPU that runs the guest, after the VMRUN's acquire. */
    return virq_armed(altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed),
                      vgif_enabled);
}

bool altinj_hw_take_virq(struct altinj_vmsa *vmsa, bool guest_if, bool vgif_enabled,
                         uint8_t *vector)
{
    /* relaxed: as above; nobody else writes VIntrCtrl while the guest runs on this CPU. */
    const uint64_t v = altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed);
    if (!guest_if || !virq_armed(v, vgif_enabled))
        return false;
    *vector = (uint8_t)((v & ALTINJ_VINTR_V_INTR_VECTOR_MASK) >> ALTINJ_VINTR_V_INTR_VECTOR_SHIFT);
    /* relaxed: an RMW so that no other bit of the word (BUSY in particular) is written back
     * stale. */
    altinj_vmsa_and(vmsa, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_HW, ~ALTINJ_VINTR_V_IRQ,
                    memory_order_relaxed);
    return true;
}
