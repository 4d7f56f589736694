/*
 * The strategy rows (altinj_strategy.h): named rows, test-only mutants, and every
 * hypervisor x SVSM composition under its `HV+SVSM` name.
 */
#include <stdio.h>
#include <string.h>

#include "altinj_strategy.h"

static const struct altinj_strategy named[] = {
    {
        .name = "reactive",
        .summary = "hypervisor never looks and runs VMPL0 on VMEXIT_BUSY; the SVSM re-injects "
                   "from EXITINTINFO and clears BUSY on every pass (never+coconut)",
        .source = "svsm-devel 2025-04-15 (Jon Lange's reply) for the hypervisor; "
                  "coconut-svsm/svsm f4bc4bcd kernel/src/vmm/execloop.rs enter_guest and "
                  "kernel/src/cpu/percpu.rs ai_handle_intercepts for the SVSM",
        .hv = &altinj_hv_never,
        .svsm = &altinj_svsm_coconut,
    },
    {
        .name = "hvdb-flag",
        .summary = "hypervisor sets a clear-BUSY flag in the #HV doorbell page and runs VMPL0; "
                   "the SVSM repairs from the VMSA only when the flag is set (flag+flag-only)",
        .source = "svsm-devel 2025-04-15 option A; flag encoding ASSUMPTION (per_vmpl[1].status "
                  "bit 11 + per_vmpl_events bit 1); SVSM on coconut-svsm/svsm f4bc4bcd execloop.rs",
        .hv = &altinj_hv_flag,
        .svsm = &altinj_svsm_flag_only,
    },
    {
        .name = "unconditional",
        .summary = "COCONUT-SVSM as it ships: EFER.SVME lock, EXITINTINFO copied into EVENTINJ "
                   "and BUSY cleared on every pass; hypervisor runs VMPL0 when EXITINTINFO.V=1 "
                   "(exitintinfo+coconut)",
        .source = "coconut-svsm/svsm f4bc4bcd: kernel/src/vmm/execloop.rs enter_guest, "
                  "kernel/src/cpu/percpu.rs ai_handle_intercepts, kernel/src/cpu/apic.rs "
                  "present_interrupts; hypervisor per svsm-devel 2025-04-15 (AMD)",
        .hv = &altinj_hv_exitintinfo,
        .svsm = &altinj_svsm_coconut,
    },
    {
        .name = "paravisor",
        .summary = "OpenHCL as it ships: every exit to VTL2, BUSY test-and-set after each exit, "
                   "re-inject unless INTn/#BP/#OF, V_IRQ delivery, BUSY cleared before entry "
                   "(every-exit+openhcl)",
        .source = "microsoft/openvmm 1488a37b: openhcl/virt_mshv_vtl/src/processor/snp/mod.rs "
                  "init_vmsa, run_vp_snp, poll_apic, handle_interrupt, sync_lazy_eoi",
        .hv = &altinj_hv_every_exit,
        .svsm = &altinj_svsm_openhcl,
    },
};

static const struct altinj_strategy mutants[] = {
    {
        .name = "mutant-pr881",
        .summary = "MUTANT (test only): COCONUT's pass before ai_handle_intercepts existed "
                   "(no EXITINTINFO copy, no BUSY clear)",
        .source = "coconut-svsm/svsm PR #881 'cpu: Make sure interrupts do not disappear' "
                  "(commit 6557794b adds ai_handle_intercepts; the row is the code before it)",
        .hv = &altinj_hv_exitintinfo,
        .svsm = &altinj_svsm_coconut_pr881,
        .mutant = true,
        .expect = "panic",
        .needs = "busy > 0 (hardware premise: panic, BUSY left set; software premise: lost)",
    },
    {
        .name = "mutant-pr1064",
        .summary = "MUTANT (test only): COCONUT's guest VMSA with VGIF clear",
        .source = "coconut-svsm/svsm PR #1064 'cpu: Make sure guest's GIF is set'",
        .hv = &altinj_hv_exitintinfo,
        .svsm = &altinj_svsm_coconut_pr1064,
        .mutant = true,
        .expect = "lost",
        .needs = "masked > 0 (a queued V_IRQ)",
    },
    {
        .name = "mutant-trust-flag",
        .summary = "MUTANT (test only): an SVSM that trusts the flag instead of the VMSA",
        .source = "model/altinj.pml TRUST_FLAG; option A of svsm-devel 2025-04-15",
        .hv = &altinj_hv_flag,
        .svsm = &altinj_svsm_flag_trusting,
        .mutant = true,
        .expect = "duplicated",
        .needs = "--faults flag-no-busy=RATE (a lying hypervisor)",
    },
    {
        .name = "mutant-process-before-clear",
        .summary = "MUTANT (test only): NoFurtherSignal cleared after the doorbell was processed",
        .source = "model/altinj.pml PROCESS_BEFORE_CLEAR; coconut-svsm/svsm f4bc4bcd "
                  "kernel/src/sev/hv_doorbell.rs process_pending_events clears it first",
        .hv = &altinj_hv_exitintinfo,
        .svsm = &altinj_svsm_coconut_pbc,
        .mutant = true,
        .expect = "lost",
        .needs = "the last post landing inside an SVSM pass (sim --explore on)",
    },
};

/* Every hypervisor x (non-mutant) SVSM pairing, as its own row; the source of each half is
 * its policy's (altinj_policy.h). */
static const struct altinj_strategy composed[] = {
    {.name = "never+coconut", .summary = "composition: hypervisor never, SVSM coconut (= reactive)",
     .hv = &altinj_hv_never, .svsm = &altinj_svsm_coconut},
    {.name = "never+flag-only", .summary = "composition: hypervisor never, SVSM flag-only",
     .hv = &altinj_hv_never, .svsm = &altinj_svsm_flag_only},
    {.name = "never+openhcl", .summary = "composition: hypervisor never, SVSM openhcl",
     .hv = &altinj_hv_never, .svsm = &altinj_svsm_openhcl},
    {.name = "never+coconut-clear-eii",
     .summary = "composition: hypervisor never, SVSM coconut-clear-eii (proposed fix)",
     .hv = &altinj_hv_never, .svsm = &altinj_svsm_coconut_clear_eii},
    {.name = "exitintinfo+coconut",
     .summary = "composition: hypervisor exitintinfo, SVSM coconut (= unconditional)",
     .hv = &altinj_hv_exitintinfo, .svsm = &altinj_svsm_coconut},
    {.name = "exitintinfo+flag-only", .summary = "composition: hypervisor exitintinfo, SVSM flag-only",
     .hv = &altinj_hv_exitintinfo, .svsm = &altinj_svsm_flag_only},
    {.name = "exitintinfo+openhcl", .summary = "composition: hypervisor exitintinfo, SVSM openhcl",
     .hv = &altinj_hv_exitintinfo, .svsm = &altinj_svsm_openhcl},
    {.name = "exitintinfo+coconut-clear-eii",
     .summary = "composition: hypervisor exitintinfo, SVSM coconut-clear-eii (proposed fix)",
     .hv = &altinj_hv_exitintinfo, .svsm = &altinj_svsm_coconut_clear_eii},
    {.name = "flag+coconut", .summary = "composition: hypervisor flag, SVSM coconut",
     .hv = &altinj_hv_flag, .svsm = &altinj_svsm_coconut},
    {.name = "flag+flag-only", .summary = "composition: hypervisor flag, SVSM flag-only (= hvdb-flag)",
     .hv = &altinj_hv_flag, .svsm = &altinj_svsm_flag_only},
    {.name = "flag+openhcl", .summary = "composition: hypervisor flag, SVSM openhcl",
     .hv = &altinj_hv_flag, .svsm = &altinj_svsm_openhcl},
    {.name = "flag+coconut-clear-eii",
     .summary = "composition: hypervisor flag, SVSM coconut-clear-eii (proposed fix)",
     .hv = &altinj_hv_flag, .svsm = &altinj_svsm_coconut_clear_eii},
    {.name = "every-exit+coconut", .summary = "composition: hypervisor every-exit, SVSM coconut",
     .hv = &altinj_hv_every_exit, .svsm = &altinj_svsm_coconut},
    {.name = "every-exit+flag-only", .summary = "composition: hypervisor every-exit, SVSM flag-only",
     .hv = &altinj_hv_every_exit, .svsm = &altinj_svsm_flag_only},
    {.name = "every-exit+openhcl",
     .summary = "composition: hypervisor every-exit, SVSM openhcl (= paravisor)",
     .hv = &altinj_hv_every_exit, .svsm = &altinj_svsm_openhcl},
    {.name = "every-exit+coconut-clear-eii",
     .summary = "composition: hypervisor every-exit, SVSM coconut-clear-eii (proposed fix)",
     .hv = &altinj_hv_every_exit, .svsm = &altinj_svsm_coconut_clear_eii},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t altinj_strategy_count(void)
{
    return COUNT(named);
}

const struct altinj_strategy *altinj_strategy_at(size_t index)
{
    return index < COUNT(named) ? &named[index] : NULL;
}

size_t altinj_mutant_count(void)
{
    return COUNT(mutants);
}

const struct altinj_strategy *altinj_mutant_at(size_t index)
{
    return index < COUNT(mutants) ? &mutants[index] : NULL;
}

const struct altinj_strategy *altinj_strategy_find(const char *name)
{
    for (size_t i = 0; i < COUNT(named); i++)
        if (strcmp(named[i].name, name) == 0)
            return &named[i];
    for (size_t i = 0; i < COUNT(mutants); i++)
        if (strcmp(mutants[i].name, name) == 0)
            return &mutants[i];
    for (size_t i = 0; i < COUNT(composed); i++)
        if (strcmp(composed[i].name, name) == 0)
            return &composed[i];
    return NULL;
}

int altinj_strategy_describe_source(const struct altinj_strategy *s, char *buf, size_t len)
{
    if (s->source)
        return snprintf(buf, len, "%s", s->source);
    return snprintf(buf, len, "hypervisor %s: %s; SVSM %s: %s", s->hv->name, s->hv->source,
                    s->svsm->name, s->svsm->source);
}

const char *altinj_strategy_caveat(const struct altinj_strategy *s)
{
    if (s->svsm == &altinj_svsm_openhcl && s->hv->virtual_gif)
        return "OpenHCL's VMSA leaves VGIF clear (init_vmsa) and queues interrupts only in "
               "V_IRQ, while this hypervisor enables virtual GIF as KVM does (svm.c init_vmcb): "
               "the guest never takes a V_IRQ, so expect every interrupt lost; no shipping "
               "system pairs them (paravisor is every-exit+openhcl)";
    return NULL;
}
