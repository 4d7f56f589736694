/*
 * The hypervisor policies (altinj_policy.h). Each is what the named design's hypervisor does
 * after a guest exit, seen from the VMCB it owns.
 */
#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_policy.h"
#include "altinj_vcpu.h"

#include <string.h>

static enum altinj_svsm_reason never_after_exit(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_NONE;
}

static enum altinj_svsm_reason exitintinfo_after_exit(struct altinj_vcpu *v)
{
    return altinj_event_is_valid(v->exit_intinfo) ? ALTINJ_SVSM_EXITINTINFO : ALTINJ_SVSM_NONE;
}

static void signal_flag(struct altinj_vcpu *v)
{
    altinj_hvdb_signal_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL);
    v->c.doorbell_writes++;
}

static enum altinj_svsm_reason flag_after_exit(struct altinj_vcpu *v)
{
    if (!altinj_event_is_valid(v->exit_intinfo))
        return ALTINJ_SVSM_NONE;
    signal_flag(v);
    return ALTINJ_SVSM_HVDB_FLAG;
}

static void flag_after_failed_vmrun(struct altinj_vcpu *v, uint64_t code)
{
    /* The flag says "clear the guest's BUSY": the hypervisor says it for VMEXIT_BUSY too. */
    if (code == ALTINJ_VMEXIT_BUSY)
        signal_flag(v);
}

static enum altinj_svsm_reason every_exit_after_exit(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_EVERY_EXIT;
}

const struct altinj_hv_policy altinj_hv_never = {
    .name = "never",
    .summary = "never inspects EXITINTINFO; runs VMPL0 on VMEXIT_BUSY",
    .source = "svsm-devel 2025-04-15, Jon Lange's reply to 'Clear the guest busy bit when "
              "Alternated Injection is enabled'",
    .after_exit = never_after_exit,
    .virtual_gif = true,
};

const struct altinj_hv_policy altinj_hv_exitintinfo = {
    .name = "exitintinfo",
    .summary = "runs VMPL0 after an exit with EXITINTINFO.V=1",
    .source = "svsm-devel 2025-04-15, AMD's proposal in the same thread (the hypervisor "
              "COCONUT-SVSM ai_handle_intercepts expects)",
    .after_exit = exitintinfo_after_exit,
    .virtual_gif = true,
};

const struct altinj_hv_policy altinj_hv_flag = {
    .name = "flag",
    .summary = "sets the proposed clear-BUSY doorbell flag and runs VMPL0 after an exit with "
               "EXITINTINFO.V=1 (and on VMEXIT_BUSY)",
    .source = "svsm-devel 2025-04-15, option A of the question; the flag's encoding is the "
              "model's ASSUMPTION (per_vmpl[1].status bit 11 + per_vmpl_events bit 1)",
    .after_exit = flag_after_exit,
    .virtual_gif = true,
    .after_failed_vmrun = flag_after_failed_vmrun,
};

const struct altinj_hv_policy altinj_hv_every_exit = {
    .name = "every-exit",
    .summary = "every exit goes to VMPL0 first",
    .source = "ASSUMPTION: the host sends every VTL0 exit to VTL2; microsoft/openvmm 1488a37b "
              "shows only VTL2's side (openhcl/virt_mshv_vtl/src/processor/snp/mod.rs "
              "run_vp_snp handles whatever exit it is given, and also returns on a signal), not "
              "the Hyper-V host's routing",
    .after_exit = every_exit_after_exit,
};

static const struct altinj_hv_policy *const hv_policies[] = {
    &altinj_hv_never,
    &altinj_hv_exitintinfo,
    &altinj_hv_flag,
    &altinj_hv_every_exit,
};

const struct altinj_hv_policy *altinj_hv_policy_at(unsigned i)
{
    return i < sizeof hv_policies / sizeof hv_policies[0] ? hv_policies[i] : NULL;
}

const struct altinj_hv_policy *altinj_hv_policy_find(const char *name)
{
    for (unsigned i = 0; altinj_hv_policy_at(i); i++)
        if (strcmp(hv_policies[i]->name, name) == 0)
            return hv_policies[i];
    return NULL;
}

const char *altinj_svsm_reason_name(enum altinj_svsm_reason why)
{
    switch (why) {
    case ALTINJ_SVSM_NONE: return "none";
    case ALTINJ_SVSM_START: return "start";
    case ALTINJ_SVSM_DOORBELL: return "doorbell";
    case ALTINJ_SVSM_GUEST_REQUEST: return "guest-request";
    case ALTINJ_SVSM_HVDB_FLAG: return "hvdb-flag";
    case ALTINJ_SVSM_EXITINTINFO: return "exitintinfo";
    case ALTINJ_SVSM_EVERY_EXIT: return "every-exit";
    case ALTINJ_SVSM_BUSY_FAILURE: return "busy-failure";
    case ALTINJ_SVSM_INVALID_FAILURE: return "invalid-failure";
    case ALTINJ_SVSM__COUNT: break;
    }
    return "unknown";
}
