/*
 * The strategy rows. Each function is one side of one design, nothing more; what the designs
 * share is in altinj_vcpu.c.
 */
#include <string.h>

#include "altinj_event.h"
#include "altinj_strategy.h"
#include "altinj_vcpu.h"

/* ---- reactive: the hypervisor never looks; VMRUN fails with VMEXIT_BUSY, the SVSM repairs.
 * (Jon Lange's reply in the seed thread.) Injection backs off from a BUSY page so the repair
 * happens on exactly one path, the failed VMRUN. */
static enum altinj_svsm_reason reactive_hv_after_exit(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_NONE;
}

/* ---- hvdb-flag (option A): the hypervisor sees EXITINTINFO.V=1, sets the proposed flag in the
 * doorbell page (ASSUMPTION in altinj_doorbell.h) and runs VMPL0 at once. The SVSM acts on the
 * flag but confirms BUSY on the page itself; a missing flag falls back to VMEXIT_BUSY. */
static enum altinj_svsm_reason hvdb_flag_hv_after_exit(struct altinj_vcpu *v)
{
    if (!altinj_event_is_valid(v->exit_intinfo))
        return ALTINJ_SVSM_NONE;
    altinj_hvdb_signal_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL);
    v->c.doorbell_writes++;
    return ALTINJ_SVSM_HVDB_FLAG;
}

static void hvdb_flag_svsm_on_entry(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    (void)why;
    /* Common path: one relaxed load of the doorbell status line. */
    if (!altinj_hvdb_peek_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL))
        return;
    v->c.doorbell_reads++;
    if (!altinj_hvdb_take_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL))
        return;
    v->c.hvdb_flags_seen++;
    /* Never trust the flag alone: the repair takes BUSY and reads EXITINTINFO from the page. */
    const struct altinj_reentry_result r = altinj_reentry_repair(v->vmsa);
    if (!r.was_busy)
        v->c.hvdb_flags_spurious++;
    altinj_vcpu_note_repair(v, &r);
}

/* ---- unconditional (option B, COCONUT-SVSM): the hypervisor runs VMPL0 when it sees
 * EXITINTINFO.V=1; the SVSM checks BUSY before every guest entry it makes. */
static enum altinj_svsm_reason unconditional_hv_after_exit(struct altinj_vcpu *v)
{
    return altinj_event_is_valid(v->exit_intinfo) ? ALTINJ_SVSM_EXITINTINFO : ALTINJ_SVSM_NONE;
}

static void unconditional_svsm_on_entry(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    (void)why;
    const struct altinj_reentry_result r = altinj_reentry_repair_if_busy(v->vmsa);
    altinj_vcpu_note_repair(v, &r);
}

/* ---- paravisor (OpenHCL run_vp_snp): every exit goes to VMPL0, which takes BUSY with a
 * test-and-set at once (so the hypervisor cannot run the page elsewhere meanwhile), re-injects,
 * and clears BUSY unconditionally before entry. */
static enum altinj_svsm_reason paravisor_hv_after_exit(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_EVERY_EXIT;
}

static void paravisor_svsm_on_entry(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    (void)why;
    struct altinj_reentry_result r = {.acted = true};
    r.was_busy = altinj_vintr_busy(altinj_busy_acquire(v->vmsa));
    v->svsm_holds_busy = true;
    if (r.was_busy)
        v->c.guest_busy++;
    r.fixup = altinj_reentry_fixup(v->vmsa, &r.event);
    altinj_vcpu_note_repair(v, &r);
}

static void paravisor_svsm_pre_entry(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    (void)why;
    if (!v->svsm_holds_busy)
        return;
    /* A CONFLICT leaves the state broken: keep the page BUSY so it cannot run. */
    v->svsm_holds_busy = false;
    if (altinj_event_is_valid(atomic_load_explicit(&v->vmsa->guest_exitintinfo,
                                                   memory_order_relaxed)))
        return;
    altinj_busy_release(v->vmsa);
}

static const struct altinj_strategy strategies[] = {
    {
        .name = "reactive",
        .summary = "hypervisor ignores EXITINTINFO; VMEXIT_BUSY makes it run the SVSM, which "
                   "repairs",
        .hv_after_exit = reactive_hv_after_exit,
        .on_busy_inject = ALTINJ_BUSY_BACK_OFF,
    },
    {
        .name = "hvdb-flag",
        .summary = "hypervisor sets a clear-BUSY flag in the #HV doorbell page and runs the SVSM; "
                   "the SVSM confirms BUSY itself",
        .hv_after_exit = hvdb_flag_hv_after_exit,
        .svsm_on_entry = hvdb_flag_svsm_on_entry,
        .on_busy_inject = ALTINJ_BUSY_REPAIR,
    },
    {
        .name = "unconditional",
        .summary = "SVSM checks and clears BUSY before every guest entry (COCONUT-SVSM)",
        .hv_after_exit = unconditional_hv_after_exit,
        .svsm_on_entry = unconditional_svsm_on_entry,
        .on_busy_inject = ALTINJ_BUSY_REPAIR,
    },
    {
        .name = "paravisor",
        .summary = "every exit goes to VMPL0, which test-and-sets BUSY and clears it before entry "
                   "(OpenHCL)",
        .hv_after_exit = paravisor_hv_after_exit,
        .svsm_on_entry = paravisor_svsm_on_entry,
        .svsm_pre_entry = paravisor_svsm_pre_entry,
        .on_busy_inject = ALTINJ_BUSY_REPAIR,
    },
};

size_t altinj_strategy_count(void)
{
    return sizeof strategies / sizeof strategies[0];
}

const struct altinj_strategy *altinj_strategy_at(size_t index)
{
    return index < altinj_strategy_count() ? &strategies[index] : NULL;
}

const struct altinj_strategy *altinj_strategy_find(const char *name)
{
    for (size_t i = 0; i < altinj_strategy_count(); i++)
        if (strcmp(strategies[i].name, name) == 0)
            return &strategies[i];
    return NULL;
}

const char *altinj_svsm_reason_name(enum altinj_svsm_reason why)
{
    switch (why) {
    case ALTINJ_SVSM_NONE: return "none";
    case ALTINJ_SVSM_DOORBELL: return "doorbell";
    case ALTINJ_SVSM_WINDOW: return "window";
    case ALTINJ_SVSM_HVDB_FLAG: return "hvdb-flag";
    case ALTINJ_SVSM_EXITINTINFO: return "exitintinfo";
    case ALTINJ_SVSM_EVERY_EXIT: return "every-exit";
    case ALTINJ_SVSM_BUSY_FAILURE: return "busy-failure";
    }
    return "unknown";
}
