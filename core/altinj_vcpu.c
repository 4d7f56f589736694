#include "altinj_vcpu.h"

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_faults.h"
#include "altinj_hw.h"

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

int altinj_vcpu_init(struct altinj_vcpu *v, const struct altinj_strategy *strategy,
                     struct altinj_vmsa *vmsa, struct altinj_hvdb *hvdb,
                     struct altinj_ring *const *sources, unsigned nsources,
                     struct altinj_oracle *oracle, const struct altinj_vcpu_env *env,
                     uint64_t pending_capacity)
{
    *v = (struct altinj_vcpu){
        .vmsa = vmsa,
        .hvdb = hvdb,
        .strategy = strategy,
        .env = *env,
        .oracle = oracle,
        .sources = sources,
        .nsources = nsources,
    };
    return altinj_irq_fifo_init(&v->pending, pending_capacity);
}

void altinj_vcpu_destroy(struct altinj_vcpu *v)
{
    altinj_irq_fifo_destroy(&v->pending);
}

void altinj_vcpu_note_repair(struct altinj_vcpu *v, const struct altinj_reentry_result *r)
{
    if (!r->acted)
        return;
    if (r->was_busy)
        v->c.repairs++;
    switch (r->fixup) {
    case ALTINJ_FIXUP_NONE:
        break;
    case ALTINJ_FIXUP_REINJECTED:
        v->c.reinjections++;
        /* The only writer of EXITINTINFO is the processor, and only for an event the SVSM
         * injected: an unattributable one means the model itself is wrong. */
        if (!v->inflight_valid)
            v->c.internal_errors++;
        break;
    case ALTINJ_FIXUP_REGENERATED:
        v->c.regenerated++;
        /* The guest re-executes INTn/INT3/INTO and the event is raised again: in the model it
         * goes back to the front of the SVSM's queue, ahead of newer events. */
        if (v->inflight_valid) {
            /* The re-raised event is a new delivery: the workload's cut applied to the first. */
            v->inflight.delivery_cut = 0;
            if (!altinj_irq_fifo_push_front(&v->pending, &v->inflight))
                v->c.internal_errors++;
            v->inflight_valid = false;
        }
        break;
    case ALTINJ_FIXUP_REJECTED:
        /* A corrupt EXITINTINFO cannot be injected; the event is gone and the oracle says so. */
        v->c.rejected++;
        v->inflight_valid = false;
        break;
    case ALTINJ_FIXUP_CONFLICT:
        v->c.internal_errors++;
        break;
    }
}

static void drain_sources(struct altinj_vcpu *v)
{
    bool left = false;
    for (unsigned s = 0; s < v->nsources; s++) {
        struct altinj_irq irq;
        while (altinj_irq_fifo_len(&v->pending) <= v->pending.mask &&
               altinj_ring_pop(v->sources[s], &irq))
            altinj_irq_fifo_push(&v->pending, &irq);
        if (!altinj_ring_empty(v->sources[s]))
            left = true;
    }
    v->ring_hint = left;
}

/* Clear before process (COCONUT-SVSM process_pending_events): every signal that arrives after
 * a take is seen on the next pass, so none is lost, and a doorbell written twice costs one
 * extra pass, never a duplicate, since the records come from the rings. */
static void consume_doorbell(struct altinj_vcpu *v)
{
    v->c.doorbell_reads++;
    (void)altinj_hvdb_take_flags(v->hvdb);
    /* The model posts nothing for VMPL0 itself: any vector there is foreign, and is dropped. */
    if (altinj_hvdb_take_vector(v->hvdb, &v->c.hvdb_vectors_rejected) != 0)
        v->c.hvdb_vectors_rejected++;
    const uint8_t events = altinj_hvdb_take_events(v->hvdb);
    yield(v, ALTINJ_YIELD_DOORBELL_TAKEN);
    if (events & (1u << ALTINJ_GUEST_VMPL)) {
        uint32_t irr[7];
        /* The irr bits only announce; the vectors come with the records. */
        if (altinj_hvdb_take_irr(v->hvdb, ALTINJ_GUEST_VMPL, irr) != 0)
            v->ring_hint = true;
    }
    if (events & ~(1u << ALTINJ_GUEST_VMPL))
        v->c.hvdb_vectors_rejected++;
    if (v->ring_hint)
        drain_sources(v);
}

static void inject_next(struct altinj_vcpu *v)
{
    const struct altinj_irq *front = altinj_irq_fifo_front(&v->pending);
    if (!v->inflight_valid && front) {
        const uint64_t raw = altinj_irq_eventinj(front);
        enum altinj_inject res;
        if (v->svsm_holds_busy) {
            res = altinj_reentry_inject_held(v->vmsa, raw);
        } else {
            struct altinj_reentry_result rep;
            res = altinj_reentry_inject(v->vmsa, raw, v->strategy->on_busy_inject, &rep);
            altinj_vcpu_note_repair(v, &rep);
        }
        if (res == ALTINJ_INJECT_DONE) {
            v->inflight = *front;
            v->inflight_valid = true;
            v->inflight_cuts = 0;
            altinj_irq_fifo_drop_front(&v->pending);
            v->c.injections++;
        } else if (res == ALTINJ_INJECT_BACKED_OFF) {
            v->c.inject_backoffs++;
        } else if (!v->inflight_valid) {
            /* EVENTINJ is occupied by nothing the model put there. */
            v->c.internal_errors++;
        }
    }
    v->window_requested = !altinj_irq_fifo_empty(&v->pending) || v->ring_hint;
}

static void svsm_run(struct altinj_vcpu *v, enum altinj_svsm_reason why)
{
    const uint64_t t0 = altinj_vcpu_now(v);
    v->c.svsm_entries++;
    spend(v, ALTINJ_COST_VMPL_SWITCH);
    if (v->strategy->svsm_on_entry)
        v->strategy->svsm_on_entry(v, why);
    if (why == ALTINJ_SVSM_BUSY_FAILURE && !v->svsm_holds_busy) {
        /* The fallback every design keeps: told the page is BUSY, act on the page itself. */
        const struct altinj_reentry_result r = altinj_reentry_repair(v->vmsa);
        altinj_vcpu_note_repair(v, &r);
    }
    yield(v, ALTINJ_YIELD_SVSM_ENTERED);
    consume_doorbell(v);
    yield(v, ALTINJ_YIELD_RINGS_DRAINED);
    inject_next(v);
    if (v->strategy->svsm_pre_entry)
        v->strategy->svsm_pre_entry(v, why);
    yield(v, ALTINJ_YIELD_SVSM_LEAVING);
    v->c.svsm_cycles += altinj_vcpu_now(v) - t0;
}

bool altinj_vcpu_work_pending(struct altinj_vcpu *v)
{
    return altinj_hvdb_pending(v->hvdb) || !altinj_irq_fifo_empty(&v->pending) || v->ring_hint;
}

static enum altinj_svsm_reason hv_decide(struct altinj_vcpu *v)
{
    enum altinj_svsm_reason why = ALTINJ_SVSM_NONE;
    if (v->exit_pending) {
        v->exit_pending = false;
        why = v->strategy->hv_after_exit(v);
        if (why == ALTINJ_SVSM_NONE && v->exit_code == ALTINJ_VMEXIT_VINTR)
            why = ALTINJ_SVSM_WINDOW;
    }
    if (why == ALTINJ_SVSM_NONE && altinj_hvdb_pending(v->hvdb))
        why = ALTINJ_SVSM_DOORBELL;
    return why;
}

/* A VMRUN that fails twice in a row, the second time right after a repair, cannot be fixed by
 * the SVSM: the guest could never run again, and real SVSMs panic there. */
#define ALTINJ_MAX_BUSY_FAILURES 2

enum altinj_step altinj_vcpu_enter(struct altinj_vcpu *v)
{
    uint64_t t0 = altinj_vcpu_now(v);
    const enum altinj_svsm_reason why = hv_decide(v);
    v->c.hv_cycles += altinj_vcpu_now(v) - t0;
    if (why != ALTINJ_SVSM_NONE)
        svsm_run(v, why);

    uint64_t injected;
    for (unsigned failures = 0;;) {
        t0 = altinj_vcpu_now(v);
        v->c.vmruns++;
        if (altinj_hw_vmrun(v->vmsa, &injected) != ALTINJ_VMEXIT_BUSY) {
            spend(v, ALTINJ_COST_VMRUN);
            v->c.hv_cycles += altinj_vcpu_now(v) - t0;
            if (v->faults) /* hostile-hypervisor runs only (altinj_faults.h) */
                altinj_faults_on_vmrun(v);
            break;
        }
        v->c.failed_vmruns++;
        spend(v, ALTINJ_COST_VMRUN_BUSY);
        v->c.hv_cycles += altinj_vcpu_now(v) - t0;
        if (++failures >= ALTINJ_MAX_BUSY_FAILURES)
            return ALTINJ_STEP_FATAL;
        svsm_run(v, ALTINJ_SVSM_BUSY_FAILURE);
    }
    if (injected == 0)
        return ALTINJ_STEP_GUEST_RUNNING;

    if (!v->inflight_valid || injected != altinj_irq_eventinj(&v->inflight)) {
        /* Something reached the guest that the SVSM did not put there. */
        v->c.internal_errors++;
        if (v->oracle)
            altinj_oracle_spurious(v->oracle);
        return ALTINJ_STEP_GUEST_RUNNING;
    }
    const bool cut = v->env.delivery_cut
                         ? v->env.delivery_cut(v->env.ctx, &v->inflight, v->inflight_cuts)
                         : (v->inflight_cuts == 0 && v->inflight.delivery_cut);
    if (cut) {
        altinj_hw_vmexit_in_delivery(v->vmsa, injected, ALTINJ_VMEXIT_NPF);
        if (v->faults)
            altinj_faults_on_exit(v);
        v->c.exits++;
        v->c.busy_events++;
        spend(v, ALTINJ_COST_VMEXIT);
        if (v->inflight_cuts++ == 0)
            v->inflight_first_cut = altinj_vcpu_now(v);
        v->exit_pending = true;
        v->exit_code = ALTINJ_VMEXIT_NPF;
        v->exit_intinfo = injected;
        return ALTINJ_STEP_EXITED;
    }

    v->c.deliveries++;
    v->inflight_valid = false;
    if (v->oracle)
        altinj_oracle_deliver(v->oracle, v->inflight.seq);
    if (v->env.handler_entry) {
        const struct altinj_delivery d = {
            .irq = &v->inflight,
            .cuts = v->inflight_cuts,
            .first_cut = v->inflight_first_cut,
            .now = altinj_vcpu_now(v),
        };
        v->env.handler_entry(v->env.ctx, &d);
    }
    return ALTINJ_STEP_GUEST_RUNNING;
}

void altinj_vcpu_exit(struct altinj_vcpu *v, uint64_t exit_code)
{
    altinj_hw_vmexit(v->vmsa, exit_code);
    if (v->faults)
        altinj_faults_on_exit(v);
    v->c.exits++;
    if (exit_code == ALTINJ_VMEXIT_VINTR) {
        v->c.window_exits++;
        v->window_requested = false;
    }
    spend(v, ALTINJ_COST_VMEXIT);
    v->exit_pending = true;
    v->exit_code = exit_code;
    v->exit_intinfo = 0;
}
