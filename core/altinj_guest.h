/*
 * The guest as the model needs it: when it can take an interrupt, what its own instructions
 * raise, and how its handlers end.
 *
 * Interruptibility: the guest runs with RFLAGS.IF clear for a share `masked` of its time, in
 * spans of mean length mask_ns (exponential spans, alternating with open spans of mean
 * mask_ns * (1 - masked) / masked), drawn from its own seeded stream as a function of the
 * vCPU's clock. The processor saves IF into the VMSA at each exit (altinj_hw_vmexit), which is
 * what the SVSM reads to choose EVENTINJ or V_IRQ; a queued V_IRQ is taken when the guest's IF
 * opens. No interrupt shadow is modelled (INT_SHADOW stays clear) and V_TPR stays 0: the guest
 * never raises its task priority. masked = 0 (the default) keeps IF set throughout.
 *
 * Events the guest raises itself: exceptions (#PF, #VC) and software events (INTn, INT3's #BP,
 * INTO's #OF) from its own instructions, at the workload's times. Their delivery may be cut by
 * a VMEXIT like any other (EXITINTINFO type 3/4, an event the SVSM never injected). If the SVSM
 * re-injects it, the guest takes it from EVENTINJ; if not, the guest resumes at the instruction
 * and executes it again, which raises the event again (a fault recurs because its cause is still
 * there; a software event because the instruction did not complete) - the behaviour OpenHCL
 * relies on for software events and KVM for #VC and #BP/#OF (DOMAIN.md section 5).
 *
 * Handlers take no time. An interrupt handler ends with an EOI: lazy (the guest swaps the CAA's
 * no_eoi_required to 0 and does not exit) when the SVSM offered it, otherwise an explicit EOI
 * through the SVSM's APIC protocol, which is a guest exit (VMGEXIT) that asks the hypervisor to
 * run VMPL0 (ASSUMPTION: the guest uses the SVSM APIC protocol for EOI, as COCONUT's
 * write_register(APIC_REGISTER_EOI) serves it). So each further interrupt pending behind another
 * costs one exit, one VMPL0 run and one VMRUN; a lone one costs nothing.
 *
 * Single-threaded: the vCPU thread owns it.
 */
#ifndef ALTINJ_GUEST_H
#define ALTINJ_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_apic.h"
#include "altinj_irq.h"

struct altinj_guest_config {
    double masked;     /* share of guest time with IF clear, [0, 1) */
    uint64_t mask_cycles; /* mean masked span in clock cycles (> 0 when masked > 0) */
    uint64_t seed;
};

struct altinj_guest {
    /* interruptibility */
    bool masking;
    double mean_masked, mean_open;   /* cycles */
    uint64_t rng;
    uint64_t span_end;               /* the current span lasts until here */
    bool spans_placed;               /* span_end is on the clock (set at the first query) */
    bool span_masked;
    /* the calling area the guest shares with the SVSM */
    struct altinj_caa caa;
    /* events its instructions will raise, time-ordered (intended), not yet raised */
    struct altinj_irq *raises;
    uint64_t raise_head, raise_tail, raise_cap; /* cap: power of two */
    /* the raised event whose delivery was cut: the guest stands at its instruction */
    struct altinj_irq exc;
    bool exc_pending;
    unsigned exc_cuts;
    uint64_t exc_first_cut;
    /* on resume the guest executes exc's instruction again (it was not re-injected, or it was
     * copied into EVENTINJ without advancing RIP: altinj_model.h softint-copy=rerun) */
    bool rerun;
    /* a handler that ran elsewhere (on a second CPU's VMRUN, altinj_faults_reconcile) still
     * owes its explicit EOI: the guest's next action is that VMGEXIT */
    bool eoi_owed;
};

/* 0, or -1 (bad config, no memory). */
int altinj_guest_init(struct altinj_guest *g, const struct altinj_guest_config *cfg);
void altinj_guest_destroy(struct altinj_guest *g);

/* The guest's IF at clock `now` (non-decreasing from call to call). */
bool altinj_guest_if(struct altinj_guest *g, uint64_t now);
/* The first time >= now at which IF is set. */
uint64_t altinj_guest_next_open(struct altinj_guest *g, uint64_t now);

/* Schedules an event the guest's instruction raises at irq->intended (engines add them in
 * time order). -1 when out of memory. */
int altinj_guest_schedule(struct altinj_guest *g, const struct altinj_irq *irq);
static inline bool altinj_guest_raise_due(const struct altinj_guest *g, uint64_t now)
{
    return g->raise_head != g->raise_tail &&
           g->raises[g->raise_head & (g->raise_cap - 1)].intended <= now;
}
static inline uint64_t altinj_guest_next_raise(const struct altinj_guest *g)
{
    return g->raise_head == g->raise_tail ? UINT64_MAX
                                          : g->raises[g->raise_head & (g->raise_cap - 1)].intended;
}
static inline uint64_t altinj_guest_raises_left(const struct altinj_guest *g)
{
    return g->raise_tail - g->raise_head;
}
/* Takes the next scheduled raise (the caller checked it is due). */
struct altinj_irq altinj_guest_pop_raise(struct altinj_guest *g);

#endif
