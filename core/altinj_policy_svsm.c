/*
 * The SVSM policies (altinj_policy.h): what VMPL0 does between an exit and the next entry, in
 * the order of writes of the code each follows. The VMSA steps are the inline primitives of
 * altinj_reentry.h, the APIC is altinj_apic.c; this file only orders them.
 */
#include <string.h>

#include "altinj_event.h"
#include "altinj_policy.h"
#include "altinj_reentry.h"
#include "altinj_vcpu.h"
#include "altinj_vintr.h"

/* ---- coconut: COCONUT-SVSM f4bc4bcd ---- */

/* init_guest_vmsa (kernel/src/cpu/vmsa.rs): Alternate Injection set and Restricted Injection
 * clear (the reset page has both), VIntrCtrl = VGIF (svsm PR #1064). EFER.SVME stays clear: the
 * first vmsa.enable() in enter_guest sets it. Not logged: the page is not yet anyone's. */
static void coconut_init_vmsa(struct altinj_vmsa *vmsa)
{
    atomic_store_explicit(&vmsa->vintr_ctrl, ALTINJ_VINTR_VGIF, memory_order_relaxed);
}

/* MUTANT pr1064: the VMSA as before svsm PR #1064, VIntrCtrl 0 (VGIF clear). */
static void coconut_pr1064_init_vmsa(struct altinj_vmsa *vmsa)
{
    (void)vmsa;
}

/* enter_guest after switch_to_vmpl returns (kernel/src/vmm/execloop.rs): vmsa.disable(), then
 * ai_handle_intercepts, then get_svsm_request_message (the guest's request). clear_exitintinfo:
 * the PROPOSED FIX, not shipped, that clears EXITINTINFO after copying it, as OpenHCL does ("so
 * that it is not examined again on a subsequent reentry"); COCONUT as shipped leaves it, so a
 * pass re-run after a cancelled switch (switch_to_vmpl, NoFurtherSignal set) copies the last
 * exit's event over whatever present_interrupts has put in EVENTINJ since. */
static void coconut_exit_processing(struct altinj_vcpu *v, bool clear_exitintinfo)
{
    altinj_svme_disable(v->vmsa);
    const struct altinj_ai_result r = altinj_ai_handle_intercepts(v->vmsa);
    if (clear_exitintinfo && r.copied)
        altinj_vmsa_store(v->vmsa, ALTINJ_VF_EXITINTINFO, ALTINJ_VW_SVSM, 0, memory_order_relaxed);
    altinj_vcpu_note_reinjection(v, r.copied, r.was_busy);
    altinj_vcpu_svsm_guest_request(v);
}

static void coconut_on_entry(struct altinj_vcpu *v)
{
    coconut_exit_processing(v, false);
}

static void coconut_clear_eii_on_entry(struct altinj_vcpu *v)
{
    coconut_exit_processing(v, true);
}

/* MUTANT pr881: the pass before svsm PR #881 ("cpu: Make sure interrupts do not disappear",
 * commit 6557794b), which added ai_handle_intercepts whole: neither the EXITINTINFO copy nor the
 * BUSY clear exists, so a cut event is dropped (software premise) or the VMSA stays BUSY and
 * every VMRUN of it fails (hardware premise). */
static void coconut_pr881_on_entry(struct altinj_vcpu *v)
{
    altinj_svme_disable(v->vmsa);
    altinj_vcpu_svsm_guest_request(v);
}

/* The top of enter_guest's loop: update_apic_emulation, then vmsa.enable(), then the switch. */
static void coconut_pre_entry(struct altinj_vcpu *v)
{
    altinj_vcpu_svsm_present(v);
    if (v->fatal)
        return; /* the SVSM panicked: the VMSA is never made runnable again */
    altinj_svme_enable(v->vmsa);
}

/* ---- flag-only: option A's SVSM on COCONUT's pass ---- */

static bool take_flag(struct altinj_vcpu *v)
{
    /* The relaxed peek keeps the common path to one load of the doorbell line. */
    if (!altinj_hvdb_peek_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL) ||
        !altinj_hvdb_take_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL))
        return false;
    v->c.hvdb_flags_seen++;
    return true;
}

static void flag_only_on_entry(struct altinj_vcpu *v)
{
    altinj_svme_disable(v->vmsa);
    if (take_flag(v)) {
        /* The flag only says where to look: what is done is read from the VMSA itself. */
        const struct altinj_ai_result r = altinj_ai_handle_intercepts(v->vmsa);
        if (!altinj_event_is_valid(r.exitintinfo) && !r.was_busy)
            v->c.hvdb_flags_spurious++;
        altinj_vcpu_note_reinjection(v, r.copied, r.was_busy);
    }
    altinj_vcpu_svsm_guest_request(v);
}

/* MUTANT trust-flag: on the flag it clears BUSY and, as its last write before the switch,
 * re-injects the interrupt it presented last (its own memory, model/altinj.pml TRUST_FLAG),
 * never reading EXITINTINFO. With an honest hypervisor the flag only follows a cut of that
 * interrupt, so it works; a flag with no cut (a lie) makes the guest handle an interrupt twice
 * (and loses whatever that pass had presented in EVENTINJ). */
static void flag_trusting_on_entry(struct altinj_vcpu *v)
{
    altinj_svme_disable(v->vmsa);
    if (take_flag(v)) {
        altinj_busy_clear(v->vmsa);
        /* What it presented before this pass: the event it believes the flag is about. */
        v->policy_note = v->apic.last_presented;
    }
    altinj_vcpu_svsm_guest_request(v);
}

static void flag_trusting_pre_entry(struct altinj_vcpu *v)
{
    altinj_vcpu_svsm_present(v);
    const uint8_t last = (uint8_t)v->policy_note;
    if (last != 0) {
        const struct altinj_event ev = {.vector = last, .type = ALTINJ_EVENT_EXTINT, .valid = true};
        altinj_vmsa_store(v->vmsa, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_SVSM, altinj_event_encode(&ev),
                          memory_order_relaxed);
        v->c.reinjections++;
    }
    v->policy_note = 0;
    altinj_svme_enable(v->vmsa);
}

/* ---- openhcl: OpenHCL, openvmm 1488a37b ---- */

/* init_vmsa (snp/mod.rs): EFER.SVME set ("must always have the SVME bit set"), Alternate
 * Injection set, `set_guest_busy(true)` (the VMSA starts not runnable), and the benign exit
 * code INTR ("so that any attempt to process intercepts prior to VM execution will not result
 * in erroneous intercept delivery"). */
static void openhcl_init_vmsa(struct altinj_vmsa *vmsa)
{
    atomic_store_explicit(&vmsa->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    atomic_store_explicit(&vmsa->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_relaxed);
    atomic_store_explicit(&vmsa->guest_exit_code, ALTINJ_VMEXIT_INTR, memory_order_relaxed);
}

/* run_vp_snp after runner.run() returns: test-and-set BUSY (counted in guest_busy), the
 * Alternate Injection block (re-inject unless a software event, clear EXITINTINFO), the V_IRQ
 * acknowledgement and `set_irq(false)`, the lazy EOI, then the exit itself, whose only kind
 * here that VTL2 handles is the guest's APIC EOI, then the exit code reset to INTR. */
static void openhcl_on_entry(struct altinj_vcpu *v)
{
    const bool was_busy = altinj_busy_test_and_set(v->vmsa);
    if (was_busy)
        v->c.guest_busy++;
    switch (altinj_openhcl_reinject(v->vmsa)) {
    case ALTINJ_OH_NONE:
        break;
    case ALTINJ_OH_REINJECTED:
        v->c.reinjections++;
        break;
    case ALTINJ_OH_LEFT_TO_GUEST:
        v->c.left_to_guest++;
        break;
    }
    if (was_busy)
        v->c.repairs++;
    altinj_apic_openhcl_after_exit(&v->apic, v->vmsa);
    altinj_vcpu_svsm_guest_request(v);
    /* The end of run_vp_snp's exit handling: set_guest_error_code(INTR), "This prevents the
     * hypervisor from presenting the same #VC twice" (it is also init_vmsa's benign value). */
    altinj_vmsa_store(v->vmsa, ALTINJ_VF_EXIT_CODE, ALTINJ_VW_SVSM, ALTINJ_VMEXIT_INTR,
                      memory_order_relaxed);
}

/* The run loop's poll_apic (V_IRQ), then run_vp_snp: "Clear the guest busy bit
 * unconditionally", and sync_lazy_eoi ("Set the lazy EOI bit just before running"). */
static void openhcl_pre_entry(struct altinj_vcpu *v)
{
    altinj_vcpu_svsm_present_virq(v);
    altinj_busy_clear(v->vmsa);
    altinj_apic_openhcl_sync_lazy_eoi(&v->apic);
}

#define COCONUT_SOURCE                                                                           \
    "coconut-svsm/svsm f4bc4bcd: kernel/src/vmm/execloop.rs enter_guest (vmsa.disable, "         \
    "ai_handle_intercepts, update_apic_emulation, vmsa.enable), kernel/src/cpu/percpu.rs "      \
    "ai_handle_intercepts, kernel/src/cpu/apic.rs present_interrupts/consume_host_interrupts, "  \
    "kernel/src/cpu/vmsa.rs init_guest_vmsa"

const struct altinj_svsm_policy altinj_svsm_coconut = {
    .name = "coconut",
    .summary = "COCONUT-SVSM's pass: clear EFER.SVME, copy EXITINTINFO into EVENTINJ if V, "
               "clear BUSY, present interrupts (EVENTINJ or V_IRQ), set EFER.SVME",
    .source = COCONUT_SOURCE,
    .init_vmsa = coconut_init_vmsa,
    .on_entry = coconut_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
};

const struct altinj_svsm_policy altinj_svsm_flag_only = {
    .name = "flag-only",
    .summary = "COCONUT's pass with ai_handle_intercepts only when the clear-BUSY flag is set",
    .source = "option A of svsm-devel 2025-04-15 on " COCONUT_SOURCE,
    .init_vmsa = coconut_init_vmsa,
    .on_entry = flag_only_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
};

const struct altinj_svsm_policy altinj_svsm_openhcl = {
    .name = "openhcl",
    .summary = "OpenHCL's pass: BUSY=1 at creation, test-and-set after every exit, "
               "re-inject unless INTn/#BP/#OF, clear EXITINTINFO, V_IRQ only, clear BUSY "
               "before entry",
    .source = "microsoft/openvmm 1488a37b: openhcl/virt_mshv_vtl/src/processor/snp/mod.rs "
              "init_vmsa, run_vp_snp, poll_apic, handle_interrupt, sync_lazy_eoi; "
              "vmm_core/virt_support_apic/src/lib.rs is_lazy_eoi_pending",
    .init_vmsa = openhcl_init_vmsa,
    .on_entry = openhcl_on_entry,
    .pre_entry = openhcl_pre_entry,
};

const struct altinj_svsm_policy altinj_svsm_coconut_clear_eii = {
    .name = "coconut-clear-eii",
    .summary = "PROPOSED FIX (not shipped): COCONUT's pass that clears EXITINTINFO after the "
               "copy, so a pass re-run after a cancelled switch does not copy a stale event",
    .source = "this harness, on " COCONUT_SOURCE "; the clear as microsoft/openvmm 1488a37b "
              "run_vp_snp does it",
    .init_vmsa = coconut_init_vmsa,
    .on_entry = coconut_clear_eii_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
};

/* ---- test-only mutants ---- */

const struct altinj_svsm_policy altinj_svsm_coconut_pr881 = {
    .name = "coconut-pr881",
    .summary = "MUTANT: COCONUT's pass without the EXITINTINFO copy (svsm PR #881)",
    .source = "coconut-svsm/svsm PR #881 'cpu: Make sure interrupts do not disappear' (the "
              "code before it)",
    .init_vmsa = coconut_init_vmsa,
    .on_entry = coconut_pr881_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
    .mutant = true,
};

const struct altinj_svsm_policy altinj_svsm_coconut_pr1064 = {
    .name = "coconut-pr1064",
    .summary = "MUTANT: COCONUT's pass on a guest VMSA with VGIF clear (svsm PR #1064)",
    .source = "coconut-svsm/svsm PR #1064 'cpu: Make sure guest's GIF is set' (the code "
              "before it)",
    .init_vmsa = coconut_pr1064_init_vmsa,
    .on_entry = coconut_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
    .mutant = true,
};

const struct altinj_svsm_policy altinj_svsm_flag_trusting = {
    .name = "flag-trusting",
    .summary = "MUTANT: on the flag, clears BUSY and re-injects its last presented interrupt "
               "without reading EXITINTINFO",
    .source = "model/altinj.pml TRUST_FLAG",
    .init_vmsa = coconut_init_vmsa,
    .on_entry = flag_trusting_on_entry,
    .pre_entry = flag_trusting_pre_entry,
    .cancel_on_signal = true,
    .mutant = true,
};

const struct altinj_svsm_policy altinj_svsm_coconut_pbc = {
    .name = "coconut-process-before-clear",
    .summary = "MUTANT: COCONUT's pass clearing NoFurtherSignal after it processed the doorbell",
    .source = "model/altinj.pml PROCESS_BEFORE_CLEAR; the order COCONUT process_pending_events "
              "(kernel/src/sev/hv_doorbell.rs) avoids: 'Clear the NoFurtherSignal bit before "
              "processing'",
    .init_vmsa = coconut_init_vmsa,
    .on_entry = coconut_on_entry,
    .pre_entry = coconut_pre_entry,
    .cancel_on_signal = true,
    .clear_signal_late = true,
    .mutant = true,
};

static const struct altinj_svsm_policy *const svsm_policies[] = {
    &altinj_svsm_coconut,
    &altinj_svsm_flag_only,
    &altinj_svsm_openhcl,
    &altinj_svsm_coconut_clear_eii,
    &altinj_svsm_coconut_pr881,
    &altinj_svsm_coconut_pr1064,
    &altinj_svsm_flag_trusting,
    &altinj_svsm_coconut_pbc,
};

const struct altinj_svsm_policy *altinj_svsm_policy_at(unsigned i)
{
    return i < sizeof svsm_policies / sizeof svsm_policies[0] ? svsm_policies[i] : NULL;
}

const struct altinj_svsm_policy *altinj_svsm_policy_find(const char *name)
{
    for (unsigned i = 0; altinj_svsm_policy_at(i); i++)
        if (strcmp(svsm_policies[i]->name, name) == 0)
            return svsm_policies[i];
    return NULL;
}
