#include "altinj_run_faults.h"

#include <stdio.h>
#include <string.h>

bool altinj_run_faults_begin(struct altinj_run_result *r, const struct altinj_fault_spec *spec)
{
    memset(&r->fc, 0, sizeof r->fc);
    r->faults_on = spec && altinj_fault_spec_any(spec);
    if (r->faults_on)
        altinj_fault_spec_describe(spec, r->faults, sizeof r->faults);
    else
        snprintf(r->faults, sizeof r->faults, "none");
    return r->faults_on;
}

void altinj_run_faults_add_vcpu(struct altinj_run_result *r, const struct altinj_faults *f)
{
    struct altinj_fault_counters c;
    altinj_faults_counters(f, &c);
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        r->fc.fired[k] += c.fired[k];
    r->fc.kick_delay_ns += c.kick_delay_ns;
    r->fc.stolen_deliveries += c.stolen_deliveries;
    r->fc.dr_attempts += c.dr_attempts;
    r->fc.dr_prevented += c.dr_prevented;
    r->fc.dr_prevented_busy += c.dr_prevented_busy;
    r->fc.dr_prevented_svme += c.dr_prevented_svme;
    r->fc.dr_succeeded += c.dr_succeeded;
    r->fc.dr_violations += c.dr_violations;
    r->fc.dr_held_violations += c.dr_held_violations;
}

void altinj_run_faults_add_poster(struct altinj_run_result *r,
                                  const struct altinj_fault_poster *p)
{
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        r->fc.fired[k] += p->fired[k];
    r->fc.kick_delay_ns += p->kick_delay_ns;
}

uint64_t altinj_run_faults_added_failed_vmruns(const struct altinj_run_result *r)
{
    if (!r->faults_on)
        return 0;
    const struct altinj_strategy *s = r->row ? r->row : altinj_strategy_find(r->strategy);
    /* A hypervisor that never looks meets every cut with a VMEXIT_BUSY by design. */
    const uint64_t expected = s && s->hv == &altinj_hv_never ? r->c.busy_events : 0;
    return r->c.failed_vmruns > expected ? r->c.failed_vmruns - expected : 0;
}

const char *altinj_run_result_guest_sees(const struct altinj_run_result *r)
{
    const bool delayed =
        r->faults_on && (r->fc.kick_delay_ns > 0 || altinj_run_faults_added_failed_vmruns(r) > 0);
    return altinj_guest_sees(r->fatal, r->fc.dr_violations, r->stalled, r->verdict.lost,
                             r->verdict.duplicated, delayed);
}
