/*
 * The hostile hypervisor at run time: the wrapped strategy row, the poster hook, the second-CPU
 * VMRUN and the model-only running detector. Grammar and names: altinj_fault_spec.c.
 *
 * Ordering partners (all model-only atomics of struct altinj_faults):
 *   running: every fetch_add is acq_rel, every fetch_sub release; the counters of two CPUs
 *     meet in one modification order, so of two overlapping runs the later one's fetch_add
 *     sees the earlier's increment.
 *   stolen: release store in altinj_faults_second_cpu_vmrun <-> acquire exchange in
 *     altinj_faults_reconcile (the vCPU thread then sees the theft as a completed delivery).
 *   hold_epoch: release stores in wrapped_on_entry / wrapped_pre_entry <-> acquire loads in
 *     altinj_faults_second_cpu_vmrun. Odd means the SVSM works on the page: stored after the
 *     policy's exit processing (COCONUT has cleared EFER.SVME by then, OpenHCL has taken BUSY)
 *     and made even before its pre-entry writes (which set SVME or clear BUSY), so a VMRUN that
 *     saw the same odd epoch before and after it succeeded inside that window.
 */
#include "altinj_faults.h"

#include <string.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_hw.h"
#include "altinj_vcpu.h"

/* splitmix64: one 64-bit state per stream, good enough for fault draws and free of libm. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static bool draw(uint64_t *s, double rate)
{
    if (!(rate > 0))
        return false; /* a disabled fault never draws, so its stream costs nothing */
    if (rate >= 1)
        return true;
    return (double)(next(s) >> 11) * 0x1.0p-53 < rate;
}

static void seed_streams(uint64_t rng[ALTINJ_FAULT__COUNT], uint64_t seed, uint64_t salt)
{
    for (unsigned k = 0; k < ALTINJ_FAULT__COUNT; k++) {
        uint64_t s = seed ^ (UINT64_C(0xD1B54A32D192ED03) * (k + 1)) ^
                     (UINT64_C(0x8CB92BA72F3D8DD7) * salt);
        rng[k] = next(&s);
    }
}

void altinj_faults_garble_status(_Atomic uint32_t *status, uint32_t bits)
{
    /* A pending vector, level_sensitive and multiple_vectors only where no vector is pending:
     * each would replace or hide a real single vector (COCONUT ignores pending_vector when
     * multiple_vectors is set). relaxed: garbage carries no payload. */
    const uint32_t keep = ALTINJ_HVDB_STATUS_PENDING_VECTOR | ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE |
                          ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS;
    uint32_t st = atomic_load_explicit(status, memory_order_relaxed);
    for (;;) {
        const uint32_t add = (st & ALTINJ_HVDB_STATUS_PENDING_VECTOR) ? bits & ~keep : bits;
        if (atomic_compare_exchange_weak_explicit(status, &st, st | add, memory_order_relaxed,
                                                  memory_order_relaxed))
            break;
    }
}

void altinj_faults_write_garbage(struct altinj_hvdb *db, uint64_t *rng)
{
    const uint64_t r = next(rng), r2 = next(rng);
    /* Only ORs into what posters also write, so a real post is never erased (withholding is a
     * denial of service no design prevents, altinj_faults.h). NoFurtherSignal is left out:
     * setting it only suppresses the hypervisor's own kicks, which is delay-kick's business;
     * #MC pending is left out: COCONUT panics on it by design (process_pending_events), a
     * denial of service the hypervisor always has. */
    atomic_fetch_or_explicit(&db->flags,
                             (uint8_t)(r & (ALTINJ_HVDB_FLAG_NMI_PENDING | ALTINJ_HVDB_FLAGS_RESERVED)),
                             memory_order_relaxed);
    /* The VMPL0 vector: the model posts none, so any value here is foreign; half the draws
     * are below 32 (exception vectors, reserved for the doorbell). */
    const uint8_t vec = (uint8_t)((r >> 8) & 1 ? (r >> 16) % 32 : (r >> 16) & 0xFF);
    atomic_store_explicit(&db->vector, vec, memory_order_relaxed);
    atomic_store_explicit(&db->no_eoi_required, (uint8_t)(r >> 24), memory_order_relaxed);
    struct altinj_hvdb_vmpl *d = &db->per_vmpl[(r >> 32) % ALTINJ_HVDB_NUM_VMPL];
    altinj_faults_garble_status(&d->status, (uint32_t)r2);
    atomic_fetch_or_explicit(&d->irr[(r >> 40) % 7], (uint32_t)(r2 >> 32), memory_order_relaxed);
    atomic_fetch_or_explicit(&d->isr[(r >> 44) % 8], (uint32_t)(r2 >> 16), memory_order_relaxed);
    /* release: the events bit is what makes the SVSM look; pairs with the acquire swap in
     * altinj_hvdb_take_events, like a real post. */
    atomic_fetch_or_explicit(&db->per_vmpl_events, (uint8_t)(r >> 48), memory_order_release);
}

/* ---- the wrapped row ---- */

/* What a lying hypervisor shows in its VMCB view: INTn, #BP or #OF, V=1. */
static uint64_t fake_soft_event(uint64_t *rng)
{
    const uint64_t r = next(rng) % 3;
    struct altinj_event ev = {.valid = true};
    if (r == 0) {
        ev.type = ALTINJ_EVENT_SOFTINT;
        ev.vector = 0x80;
    } else {
        ev.type = ALTINJ_EVENT_EXCEPTION;
        ev.vector = r == 1 ? ALTINJ_VEC_BP : ALTINJ_VEC_OF;
    }
    return altinj_event_encode(&ev);
}

static bool fire(struct altinj_faults *f, enum altinj_fault k)
{
    if (!draw(&f->rng[k], f->spec.rate[k]))
        return false;
    f->fired[k]++;
    return true;
}

void altinj_faults_cease(struct altinj_faults *f)
{
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        f->spec.rate[k] = 0.0;
}

static enum altinj_svsm_reason wrapped_hv_after_exit(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    const bool cut = altinj_event_is_valid(v->exit_intinfo);
    if (fire(f, ALTINJ_FAULT_GARBAGE))
        altinj_faults_write_garbage(v->hvdb, &f->rng[ALTINJ_FAULT_GARBAGE]);
    /* Right after a cut exit: BUSY is set under the hardware premise, EFER.SVME is whatever
     * the SVSM left before the guest ran (set). */
    if (cut && fire(f, ALTINJ_FAULT_DOUBLE_VMRUN))
        altinj_faults_second_cpu_vmrun(f, v->vmsa, true);
    if (cut && fire(f, ALTINJ_FAULT_OMIT_FLAG))
        return ALTINJ_SVSM_NONE; /* no flag, no VMPL0 run: what VMRUN does now is the premise's */

    const uint64_t real = v->exit_intinfo;
    if (!cut && fire(f, ALTINJ_FAULT_SOFTINT_EXITINTINFO))
        v->exit_intinfo = fake_soft_event(&f->rng[ALTINJ_FAULT_SOFTINT_EXITINTINFO]);
    enum altinj_svsm_reason why = f->base->hv->after_exit(v);
    v->exit_intinfo = real; /* the lie lives in the hypervisor's decision only */
    if (why == ALTINJ_SVSM_HVDB_FLAG)
        f->flagged_once = true;

    if (!cut && fire(f, ALTINJ_FAULT_FLAG_NO_BUSY)) {
        altinj_hvdb_signal_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL);
        if (why == ALTINJ_SVSM_NONE)
            why = ALTINJ_SVSM_HVDB_FLAG;
    }
    /* A replay needs something to replay: a flag this hypervisor wrote before. */
    if (!cut && f->flagged_once && fire(f, ALTINJ_FAULT_STALE_FLAG))
        altinj_hvdb_signal_clear_busy(v->hvdb, ALTINJ_GUEST_VMPL);
    return why;
}

static void set_hold_epoch(struct altinj_faults *f)
{
    /* Only the vCPU thread writes hold_epoch. release: pairs with the acquire loads in
     * altinj_faults_second_cpu_vmrun (see the file comment). */
    const uint64_t e = atomic_load_explicit(&f->hold_epoch, memory_order_relaxed);
    atomic_store_explicit(&f->hold_epoch, e + 1, memory_order_release);
}

/* Inside an SVSM pass, after the policy's own lock (EFER.SVME clear, BUSY taken): an EOI a
 * stolen handler owes is served here, and the presentation sees what it unblocks. */
static void serve_owed_eoi(struct altinj_vcpu *v)
{
    if (v->guest.eoi_owed) {
        v->guest.eoi_owed = false;
        altinj_apic_guest_eoi(&v->apic, v->vmsa);
    }
}

static void wrapped_on_entry(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    altinj_faults_reconcile(v);
    f->base->svsm->on_entry(v);
    serve_owed_eoi(v);
    set_hold_epoch(f); /* odd: the SVSM works on the page (after its exit processing) */
    if (fire(f, ALTINJ_FAULT_DOUBLE_VMRUN))
        altinj_faults_second_cpu_vmrun(f, v->vmsa, true);
}

static void wrapped_pre_entry(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    altinj_faults_reconcile(v);
    serve_owed_eoi(v);
    /* The launch is no exit the hypervisor handles: no opportunity there. */
    if (!v->launching && fire(f, ALTINJ_FAULT_DOUBLE_VMRUN))
        altinj_faults_second_cpu_vmrun(f, v->vmsa, true);
    if (atomic_load_explicit(&f->hold_epoch, memory_order_relaxed) & 1)
        set_hold_epoch(f); /* even: before the policy's last writes let the guest run */
    f->base->svsm->pre_entry(v);
}

void altinj_faults_init(struct altinj_faults *f, const struct altinj_fault_spec *spec,
                        const struct altinj_strategy *base, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    f->spec = *spec;
    f->base = base;
    f->wrapped = *base;
    f->wrapped_hv = *base->hv;
    f->wrapped_hv.after_exit = wrapped_hv_after_exit;
    f->wrapped_svsm = *base->svsm;
    f->wrapped_svsm.on_entry = wrapped_on_entry;
    f->wrapped_svsm.pre_entry = wrapped_pre_entry;
    f->wrapped.hv = &f->wrapped_hv;
    f->wrapped.svsm = &f->wrapped_svsm;
    seed_streams(f->rng, spec->has_seed ? spec->seed : seed, 0);
    atomic_init(&f->running, 0);
    atomic_init(&f->stolen, 0);
    atomic_init(&f->hold_epoch, 0);
    atomic_init(&f->dr_attempts, 0);
    atomic_init(&f->dr_prevented, 0);
    atomic_init(&f->dr_prevented_busy, 0);
    atomic_init(&f->dr_prevented_svme, 0);
    atomic_init(&f->dr_succeeded, 0);
    atomic_init(&f->dr_violations, 0);
    atomic_init(&f->dr_held_violations, 0);
}

void altinj_faults_attach(struct altinj_faults *f, struct altinj_vcpu *v)
{
    f->vcpu = v;
    v->faults = f;
}

void altinj_faults_counters(const struct altinj_faults *f, struct altinj_fault_counters *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->fired, f->fired, sizeof out->fired);
    out->stolen_deliveries = f->stolen_deliveries;
    /* relaxed: read after the threads that wrote them were joined. */
    out->dr_attempts = atomic_load_explicit(&f->dr_attempts, memory_order_relaxed);
    out->dr_prevented = atomic_load_explicit(&f->dr_prevented, memory_order_relaxed);
    out->dr_prevented_busy = atomic_load_explicit(&f->dr_prevented_busy, memory_order_relaxed);
    out->dr_prevented_svme = atomic_load_explicit(&f->dr_prevented_svme, memory_order_relaxed);
    out->dr_succeeded = atomic_load_explicit(&f->dr_succeeded, memory_order_relaxed);
    out->dr_violations = atomic_load_explicit(&f->dr_violations, memory_order_relaxed);
    out->dr_held_violations = atomic_load_explicit(&f->dr_held_violations, memory_order_relaxed);
}

/* ---- the running detector and the second CPU ---- */

static void count(_Atomic uint64_t *c)
{
    /* relaxed: statistics, read after join. */
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

bool altinj_faults_second_cpu_vmrun(struct altinj_faults *f, struct altinj_vmsa *vmsa, bool hold)
{
    /* One theft in the books at a time: a VMRUN that took a second event before the owner
     * reconciled the first would overwrite it in `stolen`, and that event would be lost to the
     * oracle though the guest saw it (found by test_faults' hammered_vmsa under TSan). The
     * hammering thread tries again later; the vCPU's own attacks reconcile first. Only this
     * thief writes a non-zero value, so the slot stays free until its own store below.
     * relaxed: a test of the slot's own value; the event travels with the release store. */
    if (atomic_load_explicit(&f->stolen, memory_order_relaxed) != 0) {
        if (!hold)
            return false;
        altinj_faults_reconcile(f->vcpu);
    }
    count(&f->dr_attempts);
    /* acquire: pairs with the release stores of hold_epoch (file comment). */
    const uint64_t e1 = atomic_load_explicit(&f->hold_epoch, memory_order_acquire);
    uint64_t injected;
    const uint64_t rc = altinj_hw_vmrun(vmsa, &injected);
    if (rc != 0) {
        count(&f->dr_prevented);
        count(rc == ALTINJ_VMEXIT_BUSY ? &f->dr_prevented_busy : &f->dr_prevented_svme);
        return false;
    }
    count(&f->dr_succeeded);
    /* acquire: as above. */
    const uint64_t e2 = atomic_load_explicit(&f->hold_epoch, memory_order_acquire);
    if (e1 == e2 && (e1 & 1))
        count(&f->dr_held_violations);
    /* acq_rel: the detector's counter (file comment). */
    if (atomic_fetch_add_explicit(&f->running, 1, memory_order_acq_rel) != 0)
        count(&f->dr_violations);
    if (injected)
        /* release: pairs with the acquire exchange in altinj_faults_reconcile. The slot was
         * free (checked at the top), and the owner reconciles before the SVSM looks at
         * EVENTINJ again (wrapped_on_entry, wrapped_pre_entry, every VMRUN). */
        atomic_store_explicit(&f->stolen, injected, memory_order_release);
    if (hold)
        f->attacker_runs++;
    else
        /* release: the run ends; pairs with the acq_rel fetch_add of the next run. */
        atomic_fetch_sub_explicit(&f->running, 1, memory_order_release);
    return true;
}

static void stolen_entry(void *ctx, const struct altinj_irq *irq, uint32_t index)
{
    struct altinj_vcpu *v = ctx;
    (void)index;
    v->faults->stolen_deliveries++;
    if (v->oracle)
        altinj_oracle_deliver(v->oracle, irq->seq);
}

void altinj_faults_reconcile(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    /* relaxed peek: nothing stolen is the common case. */
    if (atomic_load_explicit(&f->stolen, memory_order_relaxed) == 0)
        return;
    /* acquire: pairs with the release store in altinj_faults_second_cpu_vmrun. */
    const uint64_t raw = atomic_exchange_explicit(&f->stolen, 0, memory_order_acquire);
    if (raw == 0)
        return;
    const uint64_t type = (raw & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT;
    struct altinj_guest *g = &v->guest;
    if (type == ALTINJ_EVENT_EXCEPTION || type == ALTINJ_EVENT_SOFTINT) {
        if (g->exc_pending && raw == altinj_irq_eventinj(&g->exc)) {
            /* The guest handled its own event on the second CPU. */
            g->exc_pending = false;
            g->exc_cuts = 0;
            f->stolen_deliveries++;
            if (v->oracle)
                altinj_oracle_deliver(v->oracle, g->exc.seq);
            return;
        }
    } else if (type != ALTINJ_EVENT_NMI) {
        /* An interrupt: its handler ran on the second CPU and ended with an EOI. */
        uint32_t n;
        if (altinj_ledger_deliver(&v->ledger, (uint8_t)(raw & ALTINJ_EVENT_VECTOR_MASK),
                                  stolen_entry, v, &n) != ALTINJ_LEDGER_UNPRESENTED) {
            /* Its EOI: lazy through the CAA if offered; else the VMGEXIT the SVSM must serve
             * (and then present what the EOI unblocks), which the guest now owes. Doing the
             * EOI here without that exit left pending IRR vectors unpresented for good. */
            if (g->caa.no_eoi_required)
                g->caa.no_eoi_required = 0;
            else
                g->eoi_owed = true;
            return;
        }
    }
    v->c.internal_errors++;
    if (v->oracle)
        altinj_oracle_spurious(v->oracle);
}

void altinj_faults_on_vmrun(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    /* acq_rel: the detector's counter (file comment). */
    if (atomic_fetch_add_explicit(&f->running, 1, memory_order_acq_rel) != 0)
        count(&f->dr_violations);
    f->own_running = true;
    if (f->attacker_runs) {
        /* release: the single-threaded attacker's runs end here, overlap counted. */
        atomic_fetch_sub_explicit(&f->running, f->attacker_runs, memory_order_release);
        f->attacker_runs = 0;
    }
    altinj_faults_reconcile(v);
}

void altinj_faults_on_exit(struct altinj_vcpu *v)
{
    struct altinj_faults *f = v->faults;
    if (!f->own_running)
        return;
    f->own_running = false;
    /* release: pairs with the acq_rel fetch_add of the next run. */
    atomic_fetch_sub_explicit(&f->running, 1, memory_order_release);
}

bool altinj_faults_force_cut(struct altinj_faults *f, const struct altinj_irq *irq)
{
    const bool soft = irq->type == ALTINJ_EVENT_SOFTINT ||
                      (irq->type == ALTINJ_EVENT_EXCEPTION &&
                       (irq->vector == ALTINJ_VEC_BP || irq->vector == ALTINJ_VEC_OF));
    return soft && fire(f, ALTINJ_FAULT_SOFTINT_EXITINTINFO);
}

/* ---- posters ---- */

void altinj_fault_poster_init(struct altinj_fault_poster *p, const struct altinj_fault_spec *spec,
                              uint64_t seed, unsigned index)
{
    memset(p, 0, sizeof *p);
    p->spec = spec;
    seed_streams(p->rng, spec->has_seed ? spec->seed : seed, (uint64_t)index + 1);
}

uint64_t altinj_fault_poster_after_post(struct altinj_fault_poster *p, struct altinj_hvdb *db)
{
    if (draw(&p->rng[ALTINJ_FAULT_GARBAGE], p->spec->rate[ALTINJ_FAULT_GARBAGE])) {
        p->fired[ALTINJ_FAULT_GARBAGE]++;
        altinj_faults_write_garbage(db, &p->rng[ALTINJ_FAULT_GARBAGE]);
    }
    if (draw(&p->rng[ALTINJ_FAULT_STALE_FLAG], p->spec->rate[ALTINJ_FAULT_STALE_FLAG])) {
        p->fired[ALTINJ_FAULT_STALE_FLAG]++;
        altinj_hvdb_signal_clear_busy(db, ALTINJ_GUEST_VMPL);
    }
    if (draw(&p->rng[ALTINJ_FAULT_DELAY_KICK], p->spec->rate[ALTINJ_FAULT_DELAY_KICK])) {
        p->fired[ALTINJ_FAULT_DELAY_KICK]++;
        p->kick_delay_ns += p->spec->delay_kick_ns;
        return p->spec->delay_kick_ns;
    }
    return 0;
}

const char *altinj_guest_sees(bool fatal, uint64_t dr_violations, bool stalled, uint64_t lost,
                              uint64_t duplicated, bool delayed)
{
    if (fatal)
        return "panic";
    if (dr_violations > 0)
        return "double-run";
    if (stalled)
        return "stall";
    if (lost > 0)
        return "lost";
    if (duplicated > 0)
        return "duplicated";
    return delayed ? "delay" : "nothing";
}
