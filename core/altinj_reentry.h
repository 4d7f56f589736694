/*
 * The SVSM's re-entry primitives on the guest VMSA under Alternate Injection: the steps the
 * shipping code takes between an exit and the next entry, one inline function each, so that the
 * strategy rows (altinj_policy_svsm.c) and the microbenchmarks (bench/micro) run the same
 * instructions.
 *
 * Two locks exist in the shipping code, on different fields:
 *   COCONUT-SVSM (kernel/src/vmm/execloop.rs, f4bc4bcd): EFER.SVME. `vmsa.disable()` clears it
 *     on every return to VMPL0 and `vmsa.enable()` sets it just before switching back, so while
 *     VMPL0 works on the page a VMRUN of it fails with VMEXIT_INVALID. BUSY is only cleared
 *     (ai_handle_intercepts, a plain read-modify-write).
 *   OpenHCL (openhcl/virt_mshv_vtl/src/processor/snp/mod.rs run_vp_snp, openvmm 1488a37b): BUSY.
 *     An atomic test-and-set after every exit (guest_busy_bit_test_and_set), held until the
 *     unconditional clear before the next entry, so a VMRUN meanwhile fails with VMEXIT_BUSY.
 *
 * Ordering partners:
 *   altinj_svme_enable / altinj_busy_clear (release stores, the last writes before the guest may
 *     run) <-> the acquire loads of EFER and VIntrCtrl in altinj_hw_vmrun: VMRUN sees EVENTINJ
 *     and V_IRQ as the SVSM left them.
 *   altinj_busy_test_and_set (acquire RMW) <-> altinj_hw_vmexit_in_delivery's release fetch_or
 *     (hardware premise) and altinj_busy_clear of the previous pass.
 * The other VMSA accesses happen while the SVSM holds the page (SVME clear or BUSY held) on the
 * vCPU's own CPU and are relaxed.
 *
 * Single owner: one SVSM thread owns a given guest VMSA (in COCONUT-SVSM and OpenHCL each guest
 * vCPU has one VMPL0 vCPU). The locks exclude the hypervisor, not other SVSM threads.
 */
#ifndef ALTINJ_REENTRY_H
#define ALTINJ_REENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_event.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"

/* ---- COCONUT-SVSM ---- */

/* vmsa.disable(): EFER &= ~SVME. A plain read-modify-write in COCONUT; relaxed here: the page is
 * the SVSM's own on this CPU, and nothing published depends on this store's order. */
static inline void altinj_svme_disable(struct altinj_vmsa *vmsa)
{
    const uint64_t e = altinj_vmsa_load(vmsa, ALTINJ_VF_EFER, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EFER, ALTINJ_VW_SVSM, e & ~ALTINJ_EFER_SVME,
                      memory_order_relaxed);
}

/* vmsa.enable(): EFER |= SVME, COCONUT's last write before the switch to the guest.
 * release: pairs with the acquire load of EFER in altinj_hw_vmrun. */
static inline void altinj_svme_enable(struct altinj_vmsa *vmsa)
{
    const uint64_t e = altinj_vmsa_load(vmsa, ALTINJ_VF_EFER, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EFER, ALTINJ_VW_SVSM, e | ALTINJ_EFER_SVME,
                      memory_order_release);
}

/* Clears BUSY with a load and a store (COCONUT `vintr_ctrl.set_busy(false)`, OpenHCL
 * `set_guest_busy(false)`: plain read-modify-writes of the VMSA field). Only the SVSM writes
 * VIntrCtrl while it holds the page, so the value loaded is current when stored back.
 * release: pairs with the acquire load of VIntrCtrl in altinj_hw_vmrun and in
 * altinj_busy_test_and_set of the next pass. */
static inline void altinj_busy_clear(struct altinj_vmsa *vmsa)
{
    const uint64_t v = altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_SVSM, v & ~ALTINJ_VINTR_BUSY,
                      memory_order_release);
}

/* The cheap test: a relaxed load of VIntrCtrl. */
static inline bool altinj_busy_peek(struct altinj_vmsa *vmsa)
{
    return altinj_vintr_busy(altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed));
}

/* What ai_handle_intercepts did. */
struct altinj_ai_result {
    uint64_t exitintinfo;   /* as found */
    bool copied;            /* EXITINTINFO.V: copied into EVENTINJ */
    bool was_busy;          /* BUSY was set, and is now clear */
};

/*
 * COCONUT-SVSM PerCpu::ai_handle_intercepts (kernel/src/cpu/percpu.rs, f4bc4bcd), in its order:
 * read EXITINTINFO; if V, write it into EVENTINJ (no filter for software events, EXITINTINFO
 * left as it is); then if BUSY, clear it.
 */
static inline struct altinj_ai_result altinj_ai_handle_intercepts(struct altinj_vmsa *vmsa)
{
    struct altinj_ai_result r = {
        .exitintinfo = altinj_vmsa_load(vmsa, ALTINJ_VF_EXITINTINFO, memory_order_relaxed)};
    if (altinj_event_is_valid(r.exitintinfo)) {
        altinj_vmsa_store(vmsa, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_SVSM, r.exitintinfo,
                          memory_order_relaxed);
        r.copied = true;
    }
    /* One load, one store, as COCONUT does it: `let mut vintr_ctrl = vmsa.vintr_ctrl; if
     * vintr_ctrl.busy() { vintr_ctrl.set_busy(false); vmsa.vintr_ctrl = vintr_ctrl; }`.
     * release: pairs with the acquire load of VIntrCtrl in altinj_hw_vmrun. */
    const uint64_t v = altinj_vmsa_load(vmsa, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed);
    if (altinj_vintr_busy(v)) {
        altinj_vmsa_store(vmsa, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_SVSM, v & ~ALTINJ_VINTR_BUSY,
                          memory_order_release);
        r.was_busy = true;
    }
    return r;
}

/* ---- OpenHCL ---- */

/* guest_busy_bit_test_and_set: an atomic fetch_or of BUSY; returns whether it was set.
 * acquire: pairs with the release fetch_or in altinj_hw_vmexit_in_delivery and the release
 * store in altinj_busy_clear (the previous holder's). */
static inline bool altinj_busy_test_and_set(struct altinj_vmsa *vmsa)
{
    return altinj_vintr_busy(altinj_vmsa_or(vmsa, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_SVSM,
                                            ALTINJ_VINTR_BUSY, memory_order_acquire));
}

enum altinj_openhcl_reinject {
    ALTINJ_OH_NONE = 0,      /* EXITINTINFO.V clear */
    ALTINJ_OH_REINJECTED,    /* copied into EVENTINJ, EXITINTINFO cleared */
    ALTINJ_OH_LEFT_TO_GUEST, /* INTn or #BP/#OF: not re-injected (the guest re-executes the
                                instruction), EXITINTINFO cleared */
};

/*
 * run_vp_snp's Alternate Injection block after the test-and-set: if EXITINTINFO.V, inject it
 * unless it is a software interrupt (type 4) or exception 3/4 (#BP/#OF: "hardware does not
 * provide instruction length in this case so it's impossible to directly re-inject a software
 * event"), then clear EXITINTINFO "so that it is not examined again on a subsequent reentry".
 * Every other type is injected as found ("TODO SNP: Handle ICEBP").
 */
static inline enum altinj_openhcl_reinject altinj_openhcl_reinject(struct altinj_vmsa *vmsa)
{
    const uint64_t info = altinj_vmsa_load(vmsa, ALTINJ_VF_EXITINTINFO, memory_order_relaxed);
    if (!altinj_event_is_valid(info))
        return ALTINJ_OH_NONE;
    const uint64_t type = (info & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT;
    const uint64_t vector = info & ALTINJ_EVENT_VECTOR_MASK;
    const bool software = type == ALTINJ_EVENT_SOFTINT ||
                          (type == ALTINJ_EVENT_EXCEPTION &&
                           (vector == ALTINJ_VEC_BP || vector == ALTINJ_VEC_OF));
    if (!software)
        altinj_vmsa_store(vmsa, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_SVSM, info, memory_order_relaxed);
    altinj_vmsa_store(vmsa, ALTINJ_VF_EXITINTINFO, ALTINJ_VW_SVSM, 0, memory_order_relaxed);
    return software ? ALTINJ_OH_LEFT_TO_GUEST : ALTINJ_OH_REINJECTED;
}

#endif
