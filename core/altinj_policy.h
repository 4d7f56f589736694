/*
 * A strategy is two small tables composed: what the hypervisor does (altinj_hv_policy) and what
 * the SVSM does (altinj_svsm_policy). The named rows (altinj_strategy.h) are one of each; any
 * other pairing can be run as `HV+SVSM` ("coconut under a reactive hypervisor":
 * never+coconut is the reactive row, exitintinfo+flag-only a flag SVSM that never gets a flag).
 *
 * Hypervisor policies (what it may see: the VMCB's exit code and EXITINTINFO; what it may do:
 * write the #HV doorbell page, choose to run VMPL0 or VMRUN the guest):
 *   never        never inspects EXITINTINFO; runs VMPL0 for doorbell work, the guest's own
 *                request and a failed VMRUN (VMEXIT_BUSY or _INVALID). Jon Lange's reply in the
 *                seed thread (svsm-devel, 2025-04-15): "If the hypervisor encounters a busy bit
 *                error, it should invoke the SVSM".
 *   exitintinfo  also runs VMPL0 after any exit with EXITINTINFO.V=1. AMD's proposal in the
 *                seed ("If it sees that EXITINTINFO.V=1 on an exit and Alternate Injection is
 *                enabled, it should invoke VMPL0"), the hypervisor COCONUT's pass assumes.
 *   flag         as exitintinfo, and first sets the proposed clear-BUSY flag in the #HV
 *                doorbell page (option A; encoding: ASSUMPTION in altinj_doorbell.h); sets it
 *                too before running VMPL0 after a failed VMRUN.
 *   every-exit   every exit goes to VMPL0 first (OpenHCL's VTL2 sees every VTL0 exit; DOMAIN.md
 *                section 5).
 *
 * SVSM policies (VMPL0; what it may see: the encrypted VMSA, the doorbell page, the CAA):
 *   coconut      COCONUT-SVSM as shipped (f4bc4bcd), in execloop order on every return to VMPL0:
 *                clear EFER.SVME (vmsa.disable, execloop.rs enter_guest), ai_handle_intercepts
 *                (percpu.rs: EXITINTINFO.V -> copy into EVENTINJ, no filter, EXITINTINFO not
 *                cleared; BUSY -> plain clear), the guest's request (an APIC EOI), then before
 *                the switch update_apic_emulation (apic.rs present_interrupts: doorbell consume,
 *                EVENTINJ or V_IRQ) and set EFER.SVME (vmsa.enable). VMSA creation (vmsa.rs
 *                init_guest_vmsa): Alternate Injection set, Restricted Injection clear,
 *                VIntrCtrl = VGIF (svsm PR #1064), EFER.SVME clear until the first enable.
 *   flag-only    option A's SVSM: COCONUT's pass in which ai_handle_intercepts runs only when
 *                the clear-BUSY flag was set (taken by fetch_and); without the flag it leaves
 *                EXITINTINFO and BUSY alone. What the proposal changes, nothing else.
 *   openhcl      OpenHCL as shipped (openvmm 1488a37b, snp/mod.rs): VMSA created with BUSY=1 and
 *                EFER.SVME set (init_vmsa); after every exit an atomic test-and-set of BUSY
 *                (counted in guest_busy), then EXITINTINFO.V -> EVENTINJ unless INTn or #BP/#OF,
 *                then EXITINTINFO cleared, V_IRQ cleared (run_vp_snp); interrupts presented
 *                through V_IRQ only (handle_interrupt via poll_apic); BUSY cleared
 *                unconditionally just before entry ("Clear the guest busy bit
 *                unconditionally").
 *
 * Virtual GIF: the never, exitintinfo and flag hypervisors are KVM's, which enables V_GIF for
 * every guest where the processor has it (arch/x86/kvm/svm/svm.c init_vmcb), so VIntrCtrl.VGIF
 * must be set for a V_IRQ to be taken (svsm PR #1064). ASSUMPTION: the every-exit hypervisor
 * (Hyper-V under OpenHCL) does not enable it: OpenHCL never sets VGIF in its VMSAs
 * (x86defs SevVirtualInterruptControl.gif is never written) and delivers through V_IRQ only.
 *
 * Every SVSM policy shares how host interrupts reach it (the #HV doorbell protocol COCONUT
 * consumes, altinj_doorbell.h) and its emulated APIC (altinj_apic.h). ASSUMPTION: OpenHCL
 * receives host interrupts through Hyper-V's synthetic interrupt controller, not this doorbell;
 * the model gives the openhcl policy the same transport so that only the BUSY handling differs.
 */
#ifndef ALTINJ_POLICY_H
#define ALTINJ_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_vmsa.h"

struct altinj_vcpu;

/* Why the hypervisor runs VMPL0. The SVSM is never told (the hypervisor is untrusted): this is
 * the hypervisor's reason, for counting and for the fault driver, and no SVSM policy reads it
 * except to know the first entry (START), which has no exit to process. */
enum altinj_svsm_reason {
    ALTINJ_SVSM_NONE = 0,
    ALTINJ_SVSM_START,          /* VMPL0 launches the guest (no exit before it) */
    ALTINJ_SVSM_DOORBELL,       /* events pending in the #HV doorbell page */
    ALTINJ_SVSM_GUEST_REQUEST,  /* the guest asked for VMPL0 (VMGEXIT: an APIC EOI) */
    ALTINJ_SVSM_HVDB_FLAG,      /* option A: the hypervisor set the clear-BUSY flag */
    ALTINJ_SVSM_EXITINTINFO,    /* the hypervisor saw EXITINTINFO.V=1 */
    ALTINJ_SVSM_EVERY_EXIT,     /* every exit goes to VMPL0 first */
    ALTINJ_SVSM_BUSY_FAILURE,   /* VMRUN failed with VMEXIT_BUSY */
    ALTINJ_SVSM_INVALID_FAILURE,/* VMRUN failed with VMEXIT_INVALID (EFER.SVME clear) */
    ALTINJ_SVSM__COUNT
};

const char *altinj_svsm_reason_name(enum altinj_svsm_reason why);

struct altinj_hv_policy {
    const char *name;
    const char *summary;
    const char *source;
    /* After a guest exit (the VMCB in v->exit_code, v->exit_intinfo): a reason to run VMPL0
     * before the next VMRUN, or NONE. May write the doorbell page. The world loop adds the
     * reasons every hypervisor shares (the guest's request, doorbell work). */
    enum altinj_svsm_reason (*after_exit)(struct altinj_vcpu *v);
    /* The hypervisor enables virtual GIF in the guest's VMCB (V_GIF_ENABLE), so the processor
     * takes a V_IRQ only with VIntrCtrl.VGIF set (altinj_hw_take_virq). */
    bool virtual_gif;
    /* After a VMRUN of the guest failed with `code` (VMEXIT_BUSY or VMEXIT_INVALID), before
     * VMPL0 is run for it: the doorbell writes this hypervisor makes. NULL: none. */
    void (*after_failed_vmrun)(struct altinj_vcpu *v, uint64_t code);
};

struct altinj_svsm_policy {
    const char *name;
    const char *summary;
    const char *source;
    /* What the policy's source sets when it creates the guest VMSA (on a reset page). */
    void (*init_vmsa)(struct altinj_vmsa *vmsa);
    /* On every return to VMPL0 after the guest ran or failed to run (not for START): the exit
     * processing, up to and including the guest's request. */
    void (*on_entry)(struct altinj_vcpu *v);
    /* Before the switch to the guest: the doorbell consume and interrupt presentation
     * (altinj_vcpu_svsm_present* in altinj_vcpu.h), then the policy's last writes. */
    void (*pre_entry)(struct altinj_vcpu *v);
    /* MUTANT only: NoFurtherSignal is cleared at the end of the pass instead of before it
     * processes anything. */
    bool clear_signal_late;
    /* The switch to the guest is cancelled while NoFurtherSignal is set, and the cancelled
     * switch counts as a return from the guest: the whole pass (on_entry included) runs again
     * (COCONUT switch_to_vmpl, kernel/src/sev/ghcb.rs: "An aborted VMPL switch is treated as a
     * successful switch"). */
    bool cancel_on_signal;
    /* A test-only mutant with a known bug (excluded from `all`). */
    bool mutant;
};

/* The policies by name (altinj_policy_hv.c, altinj_policy_svsm.c). */
extern const struct altinj_hv_policy altinj_hv_never, altinj_hv_exitintinfo, altinj_hv_flag,
    altinj_hv_every_exit;
extern const struct altinj_svsm_policy altinj_svsm_coconut, altinj_svsm_flag_only,
    altinj_svsm_openhcl, altinj_svsm_coconut_clear_eii;
/* Test-only mutants (altinj_strategy.h). */
extern const struct altinj_svsm_policy altinj_svsm_coconut_pr881, altinj_svsm_coconut_pr1064,
    altinj_svsm_flag_trusting, altinj_svsm_coconut_pbc;

/* The policy tables, in a stable order (mutants last); NULL past the end. */
const struct altinj_hv_policy *altinj_hv_policy_at(unsigned i);
const struct altinj_svsm_policy *altinj_svsm_policy_at(unsigned i);
const struct altinj_hv_policy *altinj_hv_policy_find(const char *name);
const struct altinj_svsm_policy *altinj_svsm_policy_find(const char *name);

#endif
