/*
 * The SVSM's consume-and-repair path against a hostile hypervisor: the fuzzer chooses the row,
 * the faults of altinj_faults.h, the premises, the #HV doorbell page bytes and a script of
 * posts, guest-raised events, world steps and hostile hypervisor writes (doorbell words, flags,
 * garbage, second-CPU VMRUNs). Then one honest post and a run to idle. The VMSA itself is only
 * ever written by the model's processor and SVSM, as on real hardware.
 *
 * Invariants, always: no crash, no sanitizer report, no broken model invariant (internal
 * errors), and the run ends (idle or a verdict), never a livelock. For the rows whose sources
 * keep every event exactly once under a hostile hypervisor (altinj-faults-table --stress:
 * reactive, unconditional and paravisor, with softint-copy=advance and the hardware premise):
 * every posted event delivered exactly once. For hvdb-flag (whose flag-only SVSM may lose
 * interrupts when an omitted flag meets doorbell work): nothing delivered twice. Neither holds
 * where COCONUT's pass copied a stale EXITINTINFO after a cancelled switch (stale_copies).
 *
 * Input: [0] row (bits 1:0), max cuts (bits 3:2, +1), premise (bit 4), softint-copy (bit 5);
 * [1] fault mask (bit k: fault k at rate 0.5); [2..9] fault seed (little endian); [10] n, then
 * n (<= 196) doorbell bytes: vector, flags, no_eoi, events, then the u32 words of per_vmpl[0..2]
 * (status, irr[7], isr[8]); then ops, one byte each (low 3 bits the kind). Hostile writes
 * never erase a real post: that is withholding, which no design prevents.
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
#define HEADER 11u

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
    uint64_t now;
    enum altinj_step st;
};

static bool env_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct world *w = ctx;
    if (cuts >= w->max_cuts)
        return false;
    return altinj_faults_force_cut(&w->faults, irq) || irq->delivery_cut;
}

static uint64_t env_now(void *ctx)
{
    return ((struct world *)ctx)->now;
}

static void env_spend(void *ctx, enum altinj_cost_kind kind)
{
    (void)kind;
    ((struct world *)ctx)->now += 100;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A post (the hypervisor's honest side), or an event the guest's instruction raises. */
static void post(struct world *w, uint8_t arg, bool honest_cut_free)
{
    /* The script's posts stop one short of the cap: the honest last post must always fit. */
    if (w->posted >= (honest_cut_free ? MAX_EVENTS : MAX_EVENTS - 1))
        return;
    struct altinj_irq irq = {.seq = w->posted, .intended = w->now,
                             .delivery_cut = !honest_cut_free && (arg & 1)};
    switch ((arg >> 1) & 3) {
    case 0:
        irq.type = ALTINJ_EVENT_EXTINT;
        irq.vector = (uint8_t)(0x30 + (arg >> 3));
        if (!altinj_ring_push(&w->ring, &irq))
            return;
        w->posted++;
        altinj_hvdb_post_irq(w->hvdb, ALTINJ_GUEST_VMPL, irq.vector);
        return;
    case 1:
        irq.type = ALTINJ_EVENT_EXCEPTION;
        irq.vector = ALTINJ_VEC_PF;
        irq.error_valid = 1;
        irq.error_code = 2;
        break;
    case 2: irq.type = ALTINJ_EVENT_SOFTINT; irq.vector = 0x80; break;
    default: irq.type = ALTINJ_EVENT_EXCEPTION; irq.vector = ALTINJ_VEC_BP; break;
    }
    if (altinj_vcpu_guest_schedule(&w->v, &irq) == 0)
        w->posted++;
}

/* The guest exits (if it runs) and the world goes on until the guest runs again. */
static void step(struct world *w, uint64_t exit_code)
{
    if (w->st == ALTINJ_STEP_FATAL)
        return;
    if (w->st == ALTINJ_STEP_GUEST_RUNNING)
        altinj_vcpu_exit(&w->v, exit_code);
    for (int i = 0; i < 64; i++) {
        w->st = altinj_vcpu_enter(&w->v);
        while (w->st == ALTINJ_STEP_GUEST_RUNNING) {
            const uint64_t next = altinj_vcpu_guest_next(&w->v);
            if (next == UINT64_MAX)
                break;
            if (next > w->now)
                w->now = next;
            w->st = altinj_vcpu_guest_run(&w->v);
        }
        if (w->st != ALTINJ_STEP_EXITED)
            return;
    }
}

/* Returns false on a livelock. */
static bool run_to_idle(struct world *w)
{
    for (int i = 0; i < 10000; i++) {
        if (w->st == ALTINJ_STEP_FATAL)
            return true;
        if (w->st == ALTINJ_STEP_EXITED)
            step(w, 0);
        else if (altinj_vcpu_work_pending(&w->v))
            step(w, ALTINJ_VMEXIT_INTR);
        else
            return true;
    }
    return false;
}

static _Atomic uint32_t *doorbell_word(struct altinj_hvdb *db, unsigned word)
{
    struct altinj_hvdb_vmpl *pv = &db->per_vmpl[word / 16];
    return word % 16 == 0  ? &pv->status
           : word % 16 < 8 ? &pv->irr[word % 16 - 1]
                           : &pv->isr[word % 16 - 8];
}

static void load_doorbell(struct altinj_hvdb *db, const uint8_t *b, size_t n)
{
    _Atomic uint8_t *bytes[4] = {&db->vector, &db->flags, &db->no_eoi_required,
                                 &db->per_vmpl_events};
    for (size_t i = 0; i < 4 && i < n; i++)
        /* #MC pending makes COCONUT panic by design: not a finding. */
        atomic_store_explicit(bytes[i], (uint8_t)(i == 1 ? b[i] & ~ALTINJ_HVDB_FLAG_MC_PENDING : b[i]),
                              memory_order_relaxed);
    for (size_t i = 4, word = 0; i + 4 <= n && word < 48; i += 4, word++) {
        const uint32_t v = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 |
                           (uint32_t)b[i + 3] << 24;
        atomic_store_explicit(doorbell_word(db, (unsigned)word), v, memory_order_relaxed);
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
    w.st = ALTINJ_STEP_EXITED;
    const struct altinj_strategy *s = altinj_strategy_at(data[0] & 3);
    const struct altinj_model model = {
        .busy_premise = (data[0] >> 4) & 1 ? ALTINJ_PREMISE_SOFTWARE : ALTINJ_PREMISE_HARDWARE,
        .softint_copy = (data[0] >> 5) & 1 ? ALTINJ_SOFTINT_COPY_RERUN : ALTINJ_SOFTINT_COPY_ADVANCE};
    struct altinj_fault_spec spec = {.delay_kick_ns = ALTINJ_FAULT_DEFAULT_DELAY_NS};
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        spec.rate[k] = (data[1] >> k) & 1 ? 0.5 : 0.0;
    altinj_faults_init(&w.faults, &spec, s, le64(data + 2));
    const struct altinj_vcpu_config cfg = {
        .strategy = altinj_faults_strategy(&w.faults),
        .vmsa = w.vmsa,
        .hvdb = w.hvdb,
        .sources = w.rings,
        .nsources = 1,
        .oracle = &w.oracle,
        .env = {.ctx = &w, .now = env_now, .spend = env_spend, .delivery_cut = env_cut},
        .ledger_capacity = 64,
        .model = model,
    };
    if (altinj_vcpu_init(&w.v, &cfg) != 0)
        abort();
    altinj_faults_attach(&w.faults, &w.v);

    const size_t dlen = data[10] < 196 ? data[10] : 196;
    const uint8_t *p = data + HEADER, *end = data + size;
    const size_t have = (size_t)(end - p) < dlen ? (size_t)(end - p) : dlen;
    load_doorbell(w.hvdb, p, have);
    p += have;

    while (p < end && w.st != ALTINJ_STEP_FATAL) {
        const uint8_t op = *p++;
        switch (op & 7) {
        case 0: post(&w, (uint8_t)(op >> 3), false); break;
        case 1: step(&w, ALTINJ_VMEXIT_INTR); break;
        case 2: /* a hostile store of one doorbell word */
            if (end - p >= 5) {
                const uint8_t field = p[0] % 52;
                const uint32_t v = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
                                   (uint32_t)p[4] << 24;
                p += 5;
                if (field < 4) {
                    _Atomic uint8_t *bytes[4] = {&w.hvdb->vector, &w.hvdb->flags,
                                                 &w.hvdb->no_eoi_required,
                                                 &w.hvdb->per_vmpl_events};
                    const uint8_t b = (uint8_t)(field == 1 ? v & ~ALTINJ_HVDB_FLAG_MC_PENDING : v);
                    atomic_store_explicit(bytes[field], b, memory_order_relaxed);
                } else {
                    /* The guest's status and IRR words only gain bits: a store there could
                     * erase a real post, a withholding no SVSM prevents (altinj_faults.h). */
                    const unsigned word = field - 4u;
                    _Atomic uint32_t *dst = doorbell_word(w.hvdb, word);
                    if (word / 16 != ALTINJ_HVDB_GUEST_INDEX || word % 16 >= 8)
                        atomic_store_explicit(dst, v, memory_order_relaxed);
                    else if (word % 16 == 0)
                        altinj_faults_garble_status(dst, v);
                    else
                        atomic_fetch_or_explicit(dst, v, memory_order_relaxed);
                }
            }
            break;
        case 3: altinj_hvdb_signal_clear_busy(w.hvdb, ALTINJ_GUEST_VMPL); break;
        case 4: {
            uint64_t rng = op;
            altinj_faults_write_garbage(w.hvdb, &rng);
            break;
        }
        case 5: altinj_hvdb_post_irq(w.hvdb, ALTINJ_GUEST_VMPL, (uint8_t)(0x1C + op)); break;
        case 6: altinj_faults_second_cpu_vmrun(&w.faults, w.vmsa, true); break;
        default: step(&w, ALTINJ_VMEXIT_HLT); break;
        }
    }
    /* An honest end: the hypervisor stops its faults, posts once more and kicks, and the world
     * runs until it idles. */
    altinj_faults_cease(&w.faults);
    post(&w, 0, true);
    if (w.st == ALTINJ_STEP_GUEST_RUNNING)
        step(&w, ALTINJ_VMEXIT_INTR);
    const bool idle = run_to_idle(&w);
    altinj_faults_reconcile(&w.v);
    const struct altinj_oracle_verdict verdict = altinj_oracle_verdict(&w.oracle, w.posted);
    const bool fatal = w.st == ALTINJ_STEP_FATAL;
    /* COCONUT's shipped pass re-run after a cancelled switch copies a stale EXITINTINFO
     * (README "The cancelled switch"): a known finding, not a harness bug, so a run where it
     * happened is held to the invariants only. */
    const bool stale = w.v.c.stale_copies != 0;
    const bool strict = model.busy_premise == ALTINJ_PREMISE_HARDWARE &&
                        model.softint_copy == ALTINJ_SOFTINT_COPY_ADVANCE &&
                        s->svsm != &altinj_svsm_flag_only && !stale;
    const bool no_dups = model.softint_copy == ALTINJ_SOFTINT_COPY_ADVANCE && !stale;
    if (!idle || w.v.c.internal_errors != 0 ||
        (strict && (fatal || verdict.lost != 0 || verdict.duplicated != 0)) ||
        (no_dups && verdict.duplicated != 0)) {
        fprintf(stderr,
                "fuzz_world: %s premise %s softint %s: idle %d fatal %d (%s) internal %llu "
                "posted %llu lost %llu dup %llu busy %d eventinj %#llx exitintinfo %#llx\n",
                s->name, altinj_busy_premise_name(model.busy_premise),
                altinj_softint_copy_name(model.softint_copy), idle, fatal,
                w.v.fatal_reason ? w.v.fatal_reason : "", (unsigned long long)w.v.c.internal_errors,
                (unsigned long long)w.posted, (unsigned long long)verdict.lost,
                (unsigned long long)verdict.duplicated, altinj_busy_peek(w.vmsa),
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
