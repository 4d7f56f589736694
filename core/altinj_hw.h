/*
 * What the processor does to the guest VMSA, as far as the Alternate Injection protocol sees
 * it. These run on the CPU that executes the guest; the SVSM and a hypervisor's VMRUN on another
 * CPU may touch the same page, so every access to a shared field is atomic with its order
 * stated.
 *
 * Ordering partners:
 *   altinj_hw_vmrun's acquire loads of VIntrCtrl and EFER <-> the SVSM's release stores of them,
 *     its last writes before the guest may run (altinj_reentry.h): EVENTINJ and V_IRQ written
 *     before are seen by this VMRUN.
 *   altinj_hw_vmexit_in_delivery's release fetch_or of BUSY <-> the acquire test-and-set of an
 *     SVSM that locks with BUSY (altinj_busy_test_and_set): whoever sees BUSY sees EXITINTINFO.
 */
#ifndef ALTINJ_HW_H
#define ALTINJ_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_model.h"
#include "altinj_vmsa.h"

/*
 * VMRUN of the guest VMSA.
 * - BUSY set: returns ALTINJ_VMEXIT_BUSY and changes nothing (no event is taken, nothing runs).
 * - EFER.SVME clear: returns ALTINJ_VMEXIT_INVALID and changes nothing.
 *   ASSUMPTION: when both hold, BUSY is reported (the Alternate Injection check is taken to
 *   come first; the APM does not order them).
 * - Otherwise: returns 0 (the guest is entered). If EVENTINJ.V was set, the event is taken out
 *   of EVENTINJ (left 0) and returned in *injected: delivered exactly once, by this VMRUN.
 *   *injected is 0 when nothing was pending. V_IRQ is not taken here: that happens when the
 *   guest can take it (altinj_hw_take_virq), possibly at once.
 */
uint64_t altinj_hw_vmrun(struct altinj_vmsa *vmsa, uint64_t *injected);

/* A VMEXIT while no event delivery was in progress: exit code, EXITINTINFO = 0, RFLAGS.IF as the
 * guest had it; BUSY untouched. */
void altinj_hw_vmexit(struct altinj_vmsa *vmsa, uint64_t exit_code, bool guest_if);

/*
 * A VMEXIT that interrupted the delivery of `event` (an EVENTINJ-format value with V=1), e.g. a
 * nested page fault on the IDT or the guest stack: EXITINTINFO = event and, under the hardware
 * premise (altinj_model.h), BUSY is left set so the next VMRUN fails until VMPL0 repairs the
 * page. Under the software premise BUSY is left as it was.
 */
void altinj_hw_vmexit_in_delivery(struct altinj_vmsa *vmsa, uint64_t event, uint64_t exit_code,
                                  bool guest_if, enum altinj_busy_premise premise);

/*
 * Whether the running guest takes the virtual interrupt queued in VIntrCtrl now (APM vol. 2,
 * "Virtual Interrupts"): V_IRQ set, guest IF set, no interrupt shadow, V_IGN_TPR or V_INTR_PRIO
 * above V_TPR, and, when the hypervisor enabled virtual GIF for the guest (V_GIF_ENABLE in its
 * VMCB, vgif_enabled), VIntrCtrl.VGIF set. If so, V_IRQ is cleared (the processor's write) and
 * the vector returned in *vector. KVM enables virtual GIF wherever the processor has it
 * (arch/x86/kvm/svm/svm.c init_vmcb: `if (vgif) ... V_GIF_ENABLE_MASK`), so under KVM a
 * queued V_IRQ with VGIF clear is never taken: svsm PR #1064 ("When the guest's Global
 * Interrupt Flag (GIF) is 0, the virtual interrupt queued in Vintr_Ctrl will never be taken").
 */
bool altinj_hw_take_virq(struct altinj_vmsa *vmsa, bool guest_if, bool vgif_enabled,
                         uint8_t *vector);

/* Whether a V_IRQ is queued that the guest would take as soon as it runs with IF set (the
 * test altinj_hw_take_virq makes, IF aside). */
bool altinj_hw_virq_armed(struct altinj_vmsa *vmsa, bool vgif_enabled);

#endif
