/*
 * The SVSM's consume-and-repair path against hostile state: the fuzzer chooses the strategy, the
 * faults of altinj_faults.h, the guest VMSA's EXITINTINFO, VIntrCtrl and EVENTINJ at an exit,
 * the #HV doorbell page bytes, and a script of posts, world steps and hostile hypervisor writes.
 * Then one honest post and a run to idle.
 *
 * Invariants, always: no crash, no sanitizer report, no sequence number delivered twice.
 * For an architecturally possible start (below), also: no internal error, no panic, no
 * livelock, and every posted event delivered exactly once.
 *
 * Possible: EXITINTINFO.V=1 only with BUSY set, EVENTINJ.V clear and a well-formed event the
 * SVSM could have injected (it is then the SVSM's in-flight event); EVENTINJ.V=1 only with
 * EXITINTINFO.V clear and a well-formed event (the SVSM injected it and the VMRUN is next).
 * Only the processor and the SVSM write these fields, so anything else is a broken machine, not
 * a hostile hypervisor; the doorbell page, by contrast, may hold anything at any time.
 *
 * Input: [0] strategy (bits 1:0), max cuts (bits 3:2, +1); [1] fault mask (bit k: fault k at
 * rate 0.5); [2..9] EXITINTINFO, [10..17] VIntrCtrl, [18..25] EVENTINJ (little endian);
 * [26] n, then n (<= 196) doorbell bytes: vector, flags, no_eoi, events, then the u32 words of
 * per_vmpl[0..2] (status, irr[7], isr[8]); then ops, one byte each (low 3 bits the kind).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_faults.h"
#include "altinj_reentry.h"
#include "altinj_vcpu.h"

#define MAX_EVENTS 48u
#define HEADER 27u

struct world {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    struct altinj_ring ring;
    struct altinj_ring *rings[1];
    struct altinj_oracle oracle;
    struct altinj_faults faults;
    struct altinj_vcpu v;
    unsigned max_cuts;
    uint64_t posted;
    bool running;
    bool fatal;
};

static bool env_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct world *w = ctx;
    if (cuts >= w->max_cuts)
        return false;
    return altinj_faults_force_cut(&w->faults, irq) || irq->delivery_cut;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A well-formed event the SVSM's own encoder produces; fills irq. */
static bool svsm_event(uint64_t raw, struct altinj_irq *irq)
{
    const struct altinj_event ev = altinj_event_decode(raw);
    if (!ev.valid || ev.reserved != 0 || ev.type == 1 || ev.type > ALTINJ_EVENT_SOFTINT)
        return false;
    *irq = (struct altinj_irq){.seq = 0, .vector = ev.vector, .type = ev.type,
                               .error_valid = ev.error_valid, .error_code = ev.error_code};
    return altinj_irq_eventinj(irq) == raw;
}

static void post(struct world *w, uint8_t arg, bool honest_cut_free)
{
    /* The script's posts stop one short of the cap: the honest last post must always fit, it
     * is what makes the SVSM drain records whose doorbell bits the hypervisor withheld. */
    if (w->posted >= (honest_cut_free ? MAX_EVENTS : MAX_EVENTS - 1))
        return;
    struct altinj_irq irq = {.seq = w->posted, .delivery_cut = !honest_cut_free && (arg & 1)};
    switch ((arg >> 1) & 3) {
    case 0: irq.type = ALTINJ_EVENT_EXTINT; irq.vector = (uint8_t)(0x30 + (arg >> 3)); break;
    case 1:
        irq.type = ALTINJ_EVENT_EXCEPTION;
        irq.vector = ALTINJ_VEC_PF;
        irq.error_valid = 1;
        irq.error_code = 2;
        break;
    case 2: irq.type = ALTINJ_EVENT_SOFTINT; irq.vector = 0x80; break;
    default: irq.type = ALTINJ_EVENT_EXCEPTION; irq.vector = ALTINJ_VEC_BP; break;
    }
    if (!altinj_ring_push(&w->ring, &irq))
        return;
    w->posted++;
    altinj_hvdb_post_irq(w->hvdb, ALTINJ_GUEST_VMPL, altinj_irq_doorbell_vector(&irq));
}

/* Guest exit (if running) and entry until the guest runs again. */
static void step(struct world *w, uint64_t exit_code)
{
    if (w->fatal)
        return;
    if (w->running) {
        altinj_vcpu_exit(&w->v, altinj_vcpu_wants_window(&w->v) ? ALTINJ_VMEXIT_VINTR : exit_code);
        w->running = false;
    }
    for (int i = 0; i < 16; i++) {
        const enum altinj_step st = altinj_vcpu_enter(&w->v);
        if (st == ALTINJ_STEP_FATAL) {
            w->fatal = true;
            return;
        }
        if (st == ALTINJ_STEP_GUEST_RUNNING) {
            w->running = true;
            return;
        }
    }
}

/* Returns false on a livelock. */
static bool run_to_idle(struct world *w)
{
    for (int i = 0; i < 10000 && !w->fatal; i++) {
        if (!w->running)
            step(w, 0);
        else if (altinj_vcpu_wants_window(&w->v))
            step(w, ALTINJ_VMEXIT_VINTR);
        else if (altinj_vcpu_work_pending(&w->v))
            step(w, ALTINJ_VMEXIT_INTR);
        else
            return true;
    }
    return w->fatal;
}

static void load_doorbell(struct altinj_hvdb *db, const uint8_t *b, size_t n)
{
    _Atomic uint8_t *bytes[4] = {&db->vector, &db->flags, &db->no_eoi_required,
                                 &db->per_vmpl_events};
    for (size_t i = 0; i < 4 && i < n; i++)
        atomic_store_explicit(bytes[i], b[i], memory_order_relaxed);
    for (size_t i = 4, word = 0; i + 4 <= n && word < 48; i += 4, word++) {
        const uint32_t v = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 |
                           (uint32_t)b[i + 3] << 24;
        struct altinj_hvdb_vmpl *pv = &db->per_vmpl[word / 16];
        _Atomic uint32_t *dst = word % 16 == 0 ? &pv->status
                                : word % 16 < 8 ? &pv->irr[word % 16 - 1]
                                                : &pv->isr[word % 16 - 8];
        atomic_store_explicit(dst, v, memory_order_relaxed);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER || size > 4096)
        return 0;
    static struct world w;
    memset(&w, 0, sizeof w);
    w.vmsa = altinj_vmsa_alloc();
    w.hvdb = altinj_hvdb_alloc();
    if (!w.vmsa || !w.hvdb || altinj_ring_init(&w.ring, 64) != 0 ||
        altinj_oracle_init(&w.oracle, MAX_EVENTS + 2) != 0)
        abort();
    w.rings[0] = &w.ring;
    w.max_cuts = 1 + ((data[0] >> 2) & 3);
    const struct altinj_strategy *s = altinj_strategy_at(data[0] & 3);
    struct altinj_fault_spec spec = {.delay_kick_ns = ALTINJ_FAULT_DEFAULT_DELAY_NS};
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        spec.rate[k] = (data[1] >> k) & 1 ? 0.5 : 0.0;
    altinj_faults_init(&w.faults, &spec, s, le64(data + 2));
    const struct altinj_vcpu_env env = {.ctx = &w, .delivery_cut = env_cut};
    if (altinj_vcpu_init(&w.v, altinj_faults_strategy(&w.faults), w.vmsa, w.hvdb, w.rings, 1,
                         &w.oracle, &env, 64) != 0)
        abort();
    altinj_faults_attach(&w.faults, &w.v);

    /* The state at an exit. */
    const uint64_t exitintinfo = le64(data + 2), vintr = le64(data + 10), eventinj = le64(data + 18);
    atomic_store_explicit(&w.vmsa->guest_exitintinfo, exitintinfo, memory_order_relaxed);
    atomic_store_explicit(&w.vmsa->vintr_ctrl, vintr, memory_order_relaxed);
    atomic_store_explicit(&w.vmsa->event_inj, eventinj, memory_order_relaxed);
    bool possible = true;
    struct altinj_irq irq;
    if (altinj_event_is_valid(exitintinfo)) {
        possible = altinj_vintr_busy(vintr) && !altinj_event_is_valid(eventinj) &&
                   svsm_event(exitintinfo, &irq);
        if (possible) {
            w.v.inflight = irq;
            w.v.inflight_valid = true;
            w.v.inflight_cuts = 1;
            w.posted = 1;
        }
        w.v.exit_pending = true;
        w.v.exit_code = ALTINJ_VMEXIT_NPF;
        w.v.exit_intinfo = exitintinfo; /* the hypervisor's VMCB view */
    } else {
        if (altinj_event_is_valid(eventinj)) {
            possible = svsm_event(eventinj, &irq);
            if (possible) {
                w.v.inflight = irq;
                w.v.inflight_valid = true;
                w.posted = 1;
            }
        }
        w.v.exit_pending = true;
        w.v.exit_code = ALTINJ_VMEXIT_INTR;
    }
    const size_t dlen = data[26] < 196 ? data[26] : 196;
    const uint8_t *p = data + HEADER, *end = data + size;
    const size_t have = (size_t)(end - p) < dlen ? (size_t)(end - p) : dlen;
    load_doorbell(w.hvdb, p, have);
    p += have;

    while (p < end && !w.fatal) {
        const uint8_t op = *p++;
        switch (op & 7) {
        case 0: post(&w, (uint8_t)(op >> 3), false); break;
        case 1: step(&w, ALTINJ_VMEXIT_INTR); break;
        case 2: /* a hostile store of one doorbell word */
            if (end - p >= 5) {
                const uint8_t field = p[0] % 52;
                uint8_t b[4] = {p[1], p[2], p[3], p[4]};
                p += 5;
                if (field < 4) {
                    _Atomic uint8_t *bytes[4] = {&w.hvdb->vector, &w.hvdb->flags,
                                                 &w.hvdb->no_eoi_required,
                                                 &w.hvdb->per_vmpl_events};
                    atomic_store_explicit(bytes[field], b[0], memory_order_relaxed);
                } else {
                    const unsigned word = field - 4u;
                    struct altinj_hvdb_vmpl *pv = &w.hvdb->per_vmpl[word / 16];
                    _Atomic uint32_t *dst = word % 16 == 0 ? &pv->status
                                            : word % 16 < 8 ? &pv->irr[word % 16 - 1]
                                                            : &pv->isr[word % 16 - 8];
                    atomic_store_explicit(dst,
                                          (uint32_t)b[0] | (uint32_t)b[1] << 8 |
                                              (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24,
                                          memory_order_relaxed);
                }
            }
            break;
        case 3: altinj_hvdb_signal_clear_busy(w.hvdb, ALTINJ_GUEST_VMPL); break;
        case 4: {
            uint64_t rng = op;
            altinj_faults_write_garbage(w.hvdb, &rng);
            break;
        }
        case 5: altinj_hvdb_post_irq(w.hvdb, ALTINJ_GUEST_VMPL, (uint8_t)(0x20 + op)); break;
        case 6: altinj_faults_second_cpu_vmrun(&w.faults, w.vmsa, true); break;
        default: step(&w, ALTINJ_VMEXIT_HLT); break;
        }
    }
    /* An honest end: one more post, a kick, and the world runs until it idles. */
    post(&w, 0, true);
    const bool idle = run_to_idle(&w);
    altinj_faults_reconcile(&w.v);
    const struct altinj_oracle_verdict verdict = altinj_oracle_verdict(&w.oracle, w.posted);
    if (w.oracle.duplicated != 0)
        abort(); /* a sequence number delivered twice, whatever the start */
    if (possible && (!idle || w.fatal || w.v.c.internal_errors != 0 || verdict.lost != 0 ||
                     verdict.duplicated != 0)) {
        fprintf(stderr,
                "fuzz_world: %s: idle %d fatal %d internal %llu posted %llu lost %llu dup %llu "
                "inflight %d busy %d eventinj %#llx exitintinfo %#llx\n",
                s->name, idle, w.fatal, (unsigned long long)w.v.c.internal_errors,
                (unsigned long long)w.posted, (unsigned long long)verdict.lost,
                (unsigned long long)verdict.duplicated, w.v.inflight_valid,
                altinj_busy_peek(w.vmsa),
                (unsigned long long)atomic_load(&w.vmsa->event_inj),
                (unsigned long long)atomic_load(&w.vmsa->guest_exitintinfo));
        abort();
    }
    altinj_vcpu_destroy(&w.v);
    altinj_oracle_destroy(&w.oracle);
    altinj_ring_destroy(&w.ring);
    altinj_hvdb_free(w.hvdb);
    altinj_vmsa_free(w.vmsa);
    return 0;
}
