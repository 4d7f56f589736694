#include "altinj_vcpu.h"

#include <string.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_faults.h"
#include "altinj_hw.h"

/* A VMRUN that fails twice in a row, the second time right after VMPL0 ran for the first, cannot
 * be fixed by the SVSM: the guest could never run again, and real SVSMs panic there. */
#define ALTINJ_MAX_FAILED_VMRUNS 2
/* Things the running guest may do at one instant (take a V_IRQ, raise an event, execute an
 * instruction again) before the loop counts it as a livelock of the model itself. */
#define ALTINJ_MAX_GUEST_ACTIONS (1u << 16)
/* Switches to the guest cancelled in a row within one VMPL0 run before the run is judged a
 * livelock (each needs a fresh NoFurtherSignal from a post). */
#define ALTINJ_MAX_SWITCH_CANCELS (1u << 16)

static void spend(struct altinj_vcpu *v, enum altinj_cost_kind kind)
{
    if (v->env.spend)
        v->env.spend(v->env.ctx, kind);
}

static void yield(struct altinj_vcpu *v, enum altinj_yield_point point)
{
    if (v->env.yield)
        v->env.yield(v->env.ctx, point);
}

static void fatal(struct altinj_vcpu *v, const char *why)
{
    if (!v->fatal)
        v->fatal_reason = why;
    v->fatal = true;
}

int altinj_vcpu_init(struct altinj_vcpu *v, const struct altinj_vcpu_config *cfg)
{
    memset(v, 0, sizeof *v);
    if (!cfg->strategy || !cfg->vmsa || !cfg->hvdb || (cfg->nsources && !cfg->sources))
        return -1;
    v->vmsa = cfg->vmsa;
    v->hvdb = cfg->hvdb;
    v->strategy = cfg->strategy;
    v->model = cfg->model;
    v->env = cfg->env;
    v->oracle = cfg->oracle;
    v->sources = cfg->sources;
    v->nsources = cfg->nsources;
    if (altinj_ledger_init(&v->ledger, cfg->ledger_capacity) != 0)
        return -1;
    if (altinj_guest_init(&v->guest, &cfg->guest) != 0) {
        altinj_ledger_destroy(&v->ledger);
        return -1;
    }
    altinj_apic_init(&v->apic, &v->ledger, &v->guest.caa, &v->c.apic);
    v->strategy->svsm->init_vmsa(v->vmsa);
    return 0;
}

void altinj_vcpu_destroy(struct altinj_vcpu *v)
{
    altinj_guest_destroy(&v->guest);
    altinj_ledger_destroy(&v->ledger);
}

/* ---- the SVSM side the policies share ---- */

static void drain_sources(struct altinj_vcpu *v)
{
    for (unsigned s = 0; s < v->nsources; s++) {
        struct altinj_irq irq;
        while (altinj_ring_pop(v->sources[s], &irq))
            if (!altinj_ledger_add(&v->ledger, &irq)) {
                /* Out of memory for the backlog: the record cannot be kept. */
                v->c.internal_errors++;
                fatal(v, "out of memory for the SVSM's record of posted events");
                return;
            }
    }
}

/* The doorbell as COCONUT's update_apic_emulation consumes it (consume_host_interrupts): the
 * events byte swapped (clear before process), then the guest VMPL's descriptor, each vector
 * posted into the APIC. The records are drained on every consume: they only name the events,
 * and which interrupt presents them is decided by the vectors alone (altinj_ledger.h). */
static void consume_doorbell(struct altinj_vcpu *v)
{
    v->c.doorbell_reads++;
    /* The model posts nothing for VMPL0 itself: any vector there is foreign, and is dropped. */
    if (altinj_hvdb_take_vector(v->hvdb, &v->c.hvdb_vectors_rejected) != 0)
        v->c.hvdb_vectors_rejected++;
    struct altinj_hvdb_taken taken;
    const uint8_t events = altinj_hvdb_take_events(v->hvdb);
    yield(v, ALTINJ_YIELD_DOORBELL_TAKEN);
    if (events & ALTINJ_HVDB_GUEST_EVENT)
        altinj_hvdb_consume_vmpl(v->hvdb, ALTINJ_GUEST_VMPL, &taken);
    else
        memset(&taken, 0, sizeof taken);
    /* COCONUT ignores the events of other VMPLs; they are hostile here (no guest there). */
    if (events & ~ALTINJ_HVDB_GUEST_EVENT)
        v->c.hvdb_vectors_rejected++;
    const uint64_t refused = v->c.apic.refused_vectors;
    altinj_apic_post_taken(&v->apic, &taken);
    v->c.hvdb_vectors_rejected += v->c.apic.refused_vectors - refused;
    drain_sources(v);
    yield(v, ALTINJ_YIELD_RINGS_DRAINED);
}

static void note_apic_panic(struct altinj_vcpu *v)
{
    if (v->apic.panicked)
        fatal(v, v->apic.panic_reason);
}

void altinj_vcpu_svsm_present(struct altinj_vcpu *v)
{
    consume_doorbell(v);
    altinj_apic_present(&v->apic, v->vmsa);
    note_apic_panic(v);
}

void altinj_vcpu_svsm_present_virq(struct altinj_vcpu *v)
{
    consume_doorbell(v);
    altinj_apic_openhcl_poll(&v->apic, v->vmsa);
    note_apic_panic(v);
}

void altinj_vcpu_svsm_guest_request(struct altinj_vcpu *v)
{
    /* COCONUT get_svsm_request_message: only an exit initiated by VMGEXIT with the CAA's call
     * pending is a request; the CAA is marked serviced. */
    if (altinj_vmsa_load(v->vmsa, ALTINJ_VF_EXIT_CODE, memory_order_relaxed) !=
            ALTINJ_VMEXIT_VMGEXIT ||
        !v->guest.caa.call_pending)
        return;
    v->guest.caa.call_pending = 0;
    altinj_apic_guest_eoi(&v->apic, v->vmsa);
    note_apic_panic(v);
}

void altinj_vcpu_note_reinjection(struct altinj_vcpu *v, bool copied, bool was_busy)
{
    if (copied && v->pass_after_cancel)
        v->c.stale_copies++;
    else if (copied)
        v->c.reinjections++;
    if (was_busy)
        v->c.repairs++;
}

/* A #MC flag makes COCONUT panic ("#MC exception delivered via #HV"); the garbage fault never
 * sets it (altinj_faults.h). */
static void take_flags(struct altinj_vcpu *v)
{
    if (altinj_hvdb_take_flags(v->hvdb) & ALTINJ_HVDB_FLAG_MC_PENDING)
        fatal(v, "#MC delivered via #HV (COCONUT process_pending_events panics)");
}

static void svsm_run(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    const uint64_t t0 = altinj_vcpu_now(v);
    v->c.svsm_entries++;
    v->c.svsm_by_reason[why]++;
    spend(v, ALTINJ_COST_VMPL_SWITCH);
    const struct altinj_svsm_policy *p = v->strategy->svsm;
    for (uint64_t cancels = 0;; cancels++) {
        /* VMPL0's #HV handler runs first (COCONUT process_pending_events): NoFurtherSignal and
         * NMI cleared before anything is processed ("Clear the NoFurtherSignal bit before
         * processing"), so a post that lands later signals again. */
        if (!p->clear_signal_late)
            take_flags(v);
        /* A cancelled switch returns like a switch from the guest: the exit processing runs
         * again, on the EXITINTINFO of the last real exit, which COCONUT never clears. */
        v->pass_after_cancel = cancels > 0;
        if (why != ALTINJ_SVSM_START || cancels > 0)
            p->on_entry(v);
        v->pass_after_cancel = false;
        yield(v, ALTINJ_YIELD_SVSM_ENTERED);
        p->pre_entry(v);
        if (p->clear_signal_late)
            take_flags(v); /* MUTANT: a post since the doorbell consume sent no kick */
        yield(v, ALTINJ_YIELD_SVSM_LEAVING);
        if (!p->cancel_on_signal || v->fatal || !altinj_hvdb_signal_pending(v->hvdb))
            break;
        v->c.switches_cancelled++;
        /* Each cancel needs a post since the last take_flags; a hypervisor that re-sets the bit
         * forever would hold the vCPU in VMPL0 (COCONUT has no bound). */
        if (cancels + 1 >= ALTINJ_MAX_SWITCH_CANCELS) {
            fatal(v, "the switch to the guest was cancelled too often in a row "
                     "(NoFurtherSignal set again each time)");
            break;
        }
    }
    v->c.svsm_cycles += altinj_vcpu_now(v) - t0;
}

/* ---- the hypervisor ---- */

bool altinj_vcpu_work_pending(struct altinj_vcpu *v)
{
    return altinj_hvdb_pending(v->hvdb);
}

static enum altinj_svsm_reason hv_decide(struct altinj_vcpu *v)
{
    enum altinj_svsm_reason why = ALTINJ_SVSM_NONE;
    if (v->exit_pending) {
        v->exit_pending = false;
        why = v->strategy->hv->after_exit(v);
        /* The guest's VMGEXIT asks for VMPL0: every hypervisor honours that. */
        if (why == ALTINJ_SVSM_NONE && v->exit_code == ALTINJ_VMEXIT_VMGEXIT)
            why = ALTINJ_SVSM_GUEST_REQUEST;
    }
    if (why == ALTINJ_SVSM_NONE && altinj_vcpu_work_pending(v))
        why = ALTINJ_SVSM_DOORBELL;
    return why;
}

/* ---- the guest ---- */

static bool guest_if(struct altinj_vcpu *v)
{
    return altinj_guest_if(&v->guest, altinj_vcpu_now(v));
}

static void guest_exit_common(struct altinj_vcpu *v, uint64_t exit_code, uint64_t intinfo)
{
    if (v->faults) /* hostile-hypervisor runs only (altinj_faults.h) */
        altinj_faults_on_exit(v);
    v->c.exits++;
    v->c.exits_by_reason[altinj_exit_reason_of(exit_code)]++;
    spend(v, ALTINJ_COST_VMEXIT);
    v->exit_pending = true;
    v->exit_code = exit_code;
    v->exit_intinfo = intinfo;
    v->guest_running = false;
}

void altinj_vcpu_exit(struct altinj_vcpu *v, uint64_t exit_code)
{
    altinj_hw_vmexit(v->vmsa, exit_code, guest_if(v));
    guest_exit_common(v, exit_code, 0);
}

/* A VMEXIT cuts the delivery of `event`: a nested page fault on the IDT or stack, unless the
 * event's first cut names its own exit (irq->cut_reason: a replayed kvm_exit keeps its reason,
 * so a replay's exits by reason are the trace's). Re-cuts are always the model's npf. */
static enum altinj_step cut_exit(struct altinj_vcpu *v, const struct altinj_irq *irq,
                                 unsigned cuts, uint64_t event)
{
    const uint64_t code =
        cuts == 0 && irq->delivery_cut && irq->cut_reason
            ? altinj_exit_reason_code((enum altinj_exit_reason)(irq->cut_reason - 1u))
            : ALTINJ_VMEXIT_NPF;
    altinj_hw_vmexit_in_delivery(v->vmsa, event, code, guest_if(v), v->model.busy_premise);
    v->c.busy_events++;
    guest_exit_common(v, code, event);
    return ALTINJ_STEP_EXITED;
}

static bool decide_cut(struct altinj_vcpu *v, const struct altinj_irq *irq, unsigned cuts)
{
    return v->env.delivery_cut ? v->env.delivery_cut(v->env.ctx, irq, cuts)
                               : (cuts == 0 && irq->delivery_cut);
}

struct handler_ctx {
    struct altinj_vcpu *v;
    uint8_t vector;
    uint64_t now;
};

static void report(struct altinj_vcpu *v, const struct altinj_irq *irq, unsigned cuts,
                   uint64_t first_cut, uint32_t index, uint64_t now)
{
    v->c.deliveries++;
    if (v->oracle)
        altinj_oracle_deliver(v->oracle, irq->seq);
    if (v->env.handler_entry) {
        const struct altinj_delivery d = {
            .irq = irq, .cuts = cuts, .first_cut = first_cut, .now = now, .index = index};
        v->env.handler_entry(v->env.ctx, &d);
    }
}

static void handler_entry(void *ctx, const struct altinj_irq *irq, uint32_t index)
{
    struct handler_ctx *h = ctx;
    if (index > 0)
        h->v->c.coalesced++;
    report(h->v, irq, h->v->ledger.cuts[h->vector], h->v->ledger.first_cut[h->vector], index,
           h->now);
}

/* The interrupt handler ends with an EOI: lazy through the CAA, or an exit to VMPL0. */
static enum altinj_step guest_eoi(struct altinj_vcpu *v)
{
    if (v->guest.caa.no_eoi_required) {
        v->guest.caa.no_eoi_required = 0;
        v->c.lazy_eois++;
        return ALTINJ_STEP_GUEST_RUNNING;
    }
    v->guest.caa.call_pending = 1;
    v->c.eoi_exits++;
    altinj_hw_vmexit(v->vmsa, ALTINJ_VMEXIT_VMGEXIT, guest_if(v));
    guest_exit_common(v, ALTINJ_VMEXIT_VMGEXIT, 0);
    return ALTINJ_STEP_EXITED;
}

/* The processor delivers external interrupt `vector` (from EVENTINJ or V_IRQ; `event` is its
 * EXITINTINFO form should a VMEXIT cut it). */
static enum altinj_step deliver_interrupt(struct altinj_vcpu *v, uint8_t vector, uint64_t event)
{
    struct altinj_irq rep;
    altinj_ledger_representative(&v->ledger, vector, &rep);
    if (decide_cut(v, &rep, v->ledger.cuts[vector])) {
        const enum altinj_step st = cut_exit(v, &rep, v->ledger.cuts[vector], event);
        /* Re-delivery latency is measured from the end of the exit that cut it. */
        altinj_ledger_cut(&v->ledger, vector, altinj_vcpu_now(v));
        return st;
    }
    v->c.interrupts++;
    /* The handler serves what is there: the records pushed by now (altinj_ledger_deliver). */
    drain_sources(v);
    struct handler_ctx h = {.v = v, .vector = vector, .now = altinj_vcpu_now(v)};
    uint32_t n;
    switch (altinj_ledger_deliver(&v->ledger, vector, handler_entry, &h, &n)) {
    case ALTINJ_LEDGER_DELIVERED:
        if (n == 0)
            v->c.empty_interrupts++;
        break;
    case ALTINJ_LEDGER_AGAIN:
        break; /* the oracle has counted every event a second time */
    case ALTINJ_LEDGER_UNPRESENTED:
        /* An interrupt nobody presented reached the guest. */
        v->c.unpresented++;
        if (v->oracle)
            altinj_oracle_spurious(v->oracle);
        break;
    }
    return guest_eoi(v);
}

/* The guest's own instruction raises `r` (or raises it again). from_eventinj: the SVSM copied
 * it from EXITINTINFO into EVENTINJ and VMRUN injected it. */
static enum altinj_step deliver_raised(struct altinj_vcpu *v, const struct altinj_irq *r,
                                       bool from_eventinj)
{
    struct altinj_guest *g = &v->guest;
    const bool again = g->exc_pending && g->exc.seq == r->seq;
    const unsigned cuts = again ? g->exc_cuts : 0;
    const uint64_t event = altinj_irq_eventinj(r);
    if (decide_cut(v, r, cuts)) {
        if (!again) {
            g->exc = *r;
            g->exc_pending = true;
            g->exc_cuts = 0;
        }
        const enum altinj_step st = cut_exit(v, r, cuts, event);
        g->exc.delivery_cut = 0; /* an arrival marked busy is cut once */
        /* Re-delivery latency is measured from the end of the exit that cut it. */
        if (g->exc_cuts++ == 0)
            g->exc_first_cut = altinj_vcpu_now(v);
        return st;
    }
    report(v, r, cuts, again ? g->exc_first_cut : 0, 0, altinj_vcpu_now(v));
    if (from_eventinj && altinj_event_is_software(event) &&
        v->model.softint_copy == ALTINJ_SOFTINT_COPY_RERUN) {
        /* The injection did not move RIP past the instruction (altinj_model.h): after the
         * handler the guest executes it again, and the event is raised a second time. */
        g->exc = *r;
        g->exc.delivery_cut = 0;
        g->exc_pending = true;
        g->rerun = true;
        return ALTINJ_STEP_GUEST_RUNNING;
    }
    g->exc_pending = false;
    g->exc_cuts = 0;
    return ALTINJ_STEP_GUEST_RUNNING;
}

/* What VMRUN injected from EVENTINJ. */
static enum altinj_step take_injected(struct altinj_vcpu *v, uint64_t event)
{
    const uint64_t type = (event & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT;
    if (type == ALTINJ_EVENT_EXCEPTION || type == ALTINJ_EVENT_SOFTINT) {
        struct altinj_guest *g = &v->guest;
        if (g->exc_pending && event == altinj_irq_eventinj(&g->exc)) {
            const struct altinj_irq r = g->exc;
            return deliver_raised(v, &r, true);
        }
        /* An exception the guest never raised (nothing else writes EVENTINJ but the SVSM). */
        v->c.unpresented++;
        if (v->oracle)
            altinj_oracle_spurious(v->oracle);
        return ALTINJ_STEP_GUEST_RUNNING;
    }
    if (type == ALTINJ_EVENT_NMI) {
        /* No NMI is ever posted in the model. */
        v->c.unpresented++;
        if (v->oracle)
            altinj_oracle_spurious(v->oracle);
        return ALTINJ_STEP_GUEST_RUNNING;
    }
    /* Types 0, 1, 5-7: the processor delivers vector as an external interrupt. */
    return deliver_interrupt(v, (uint8_t)(event & ALTINJ_EVENT_VECTOR_MASK), event);
}

/* What the running guest does at this instant, until nothing is left or it exits. */
static enum altinj_step guest_progress(struct altinj_vcpu *v)
{
    struct altinj_guest *g = &v->guest;
    for (unsigned i = 0; i < ALTINJ_MAX_GUEST_ACTIONS; i++) {
        enum altinj_step st;
        if (g->eoi_owed) {
            g->eoi_owed = false;
            st = guest_eoi(v);
        } else if (g->rerun) {
            g->rerun = false;
            v->c.reexecuted++;
            const struct altinj_irq r = g->exc;
            st = deliver_raised(v, &r, false);
        } else {
            uint8_t vector;
            if (altinj_hw_take_virq(v->vmsa, guest_if(v), v->strategy->hv->virtual_gif, &vector)) {
                v->c.virq_taken++;
                const struct altinj_event ev = {
                    .vector = vector, .type = ALTINJ_EVENT_EXTINT, .valid = true};
                st = deliver_interrupt(v, vector, altinj_event_encode(&ev));
            } else if (altinj_guest_raise_due(g, altinj_vcpu_now(v))) {
                const struct altinj_irq r = altinj_guest_pop_raise(g);
                v->c.guest_raised++;
                st = deliver_raised(v, &r, false);
            } else {
                return ALTINJ_STEP_GUEST_RUNNING;
            }
        }
        if (st != ALTINJ_STEP_GUEST_RUNNING)
            return st;
    }
    v->c.internal_errors++;
    fatal(v, "model livelock: the guest never stops acting at one instant");
    return ALTINJ_STEP_FATAL;
}

enum altinj_step altinj_vcpu_enter(struct altinj_vcpu *v)
{
    if (v->fatal)
        return ALTINJ_STEP_FATAL;
    v->guest_running = false;
    uint64_t t0 = altinj_vcpu_now(v);
    enum altinj_svsm_reason why = ALTINJ_SVSM_START;
    if (v->started)
        why = hv_decide(v);
    v->started = true;
    v->c.hv_cycles += altinj_vcpu_now(v) - t0;
    v->launching = why == ALTINJ_SVSM_START;
    if (why != ALTINJ_SVSM_NONE)
        svsm_run(v, why);
    v->launching = false;
    if (v->fatal)
        return ALTINJ_STEP_FATAL;

    uint64_t injected;
    for (unsigned failures = 0;;) {
        t0 = altinj_vcpu_now(v);
        v->c.vmruns++;
        const uint64_t rc = altinj_hw_vmrun(v->vmsa, &injected);
        if (rc == 0) {
            spend(v, ALTINJ_COST_VMRUN);
            v->c.hv_cycles += altinj_vcpu_now(v) - t0;
            if (v->faults)
                altinj_faults_on_vmrun(v);
            break;
        }
        if (rc == ALTINJ_VMEXIT_BUSY)
            v->c.failed_vmruns++;
        else
            v->c.invalid_vmruns++;
        spend(v, ALTINJ_COST_VMRUN_BUSY);
        if (v->strategy->hv->after_failed_vmrun)
            v->strategy->hv->after_failed_vmrun(v, rc);
        v->c.hv_cycles += altinj_vcpu_now(v) - t0;
        if (++failures >= ALTINJ_MAX_FAILED_VMRUNS) {
            fatal(v, rc == ALTINJ_VMEXIT_BUSY ? "VMRUN failed with VMEXIT_BUSY twice in a row"
                                              : "VMRUN failed with VMEXIT_INVALID twice in a row");
            return ALTINJ_STEP_FATAL;
        }
        svsm_run(v, rc == ALTINJ_VMEXIT_BUSY ? ALTINJ_SVSM_BUSY_FAILURE
                                             : ALTINJ_SVSM_INVALID_FAILURE);
        if (v->fatal)
            return ALTINJ_STEP_FATAL;
    }
    v->guest_running = true;
    if (injected) {
        const enum altinj_step st = take_injected(v, injected);
        if (st != ALTINJ_STEP_GUEST_RUNNING)
            return st;
    }
    /* A cut event the guest did not get back: it resumes at the instruction and executes it
     * again, which raises the event again. */
    if (v->guest.exc_pending && !v->guest.rerun)
        v->guest.rerun = true;
    return guest_progress(v);
}

uint64_t altinj_vcpu_guest_next(struct altinj_vcpu *v)
{
    if (!v->guest_running || v->fatal)
        return UINT64_MAX;
    const uint64_t now = altinj_vcpu_now(v);
    if (v->guest.rerun || v->guest.eoi_owed)
        return now;
    uint64_t t = altinj_guest_next_raise(&v->guest);
    if (altinj_hw_virq_armed(v->vmsa, v->strategy->hv->virtual_gif)) {
        const uint64_t open = altinj_guest_next_open(&v->guest, now);
        if (open < t)
            t = open;
    }
    return t;
}

enum altinj_step altinj_vcpu_guest_run(struct altinj_vcpu *v)
{
    if (v->fatal)
        return ALTINJ_STEP_FATAL;
    if (!v->guest_running)
        return ALTINJ_STEP_EXITED;
    return guest_progress(v);
}

int altinj_vcpu_guest_schedule(struct altinj_vcpu *v, const struct altinj_irq *irq)
{
    return altinj_guest_schedule(&v->guest, irq);
}

bool altinj_vcpu_busy(struct altinj_vcpu *v)
{
    if (altinj_vcpu_work_pending(v) || v->ledger.undelivered || v->guest.exc_pending ||
        v->guest.eoi_owed ||
        altinj_guest_raises_left(&v->guest))
        return true;
    if (altinj_event_is_valid(altinj_vmsa_load(v->vmsa, ALTINJ_VF_EVENT_INJ, memory_order_relaxed)))
        return true;
    for (unsigned s = 0; s < v->nsources; s++)
        if (!altinj_ring_empty(v->sources[s]))
            return true;
    return false;
}
