/*
 * One guest vCPU and the three agents around it on one physical CPU: the hypervisor, the SVSM
 * (VMPL0) and the processor's VMRUN/VMEXIT. The same functions drive live runs (real threads,
 * TSC clock, costs spent as busy-waits) and simulations (virtual clock, costs added to it): the
 * environment callbacks are the only difference.
 *
 * Lifecycle of an event: a poster (the hypervisor on another CPU) pushes its record into a
 * source ring, posts the vector into the doorbell page and kicks the vCPU. On the next exit the
 * hypervisor sees doorbell events and runs the SVSM, which consumes the doorbell (clear before
 * process), drains the rings into its pending queue and injects the front event through
 * EVENTINJ. VMRUN delivers it; if a VMEXIT cuts the delivery, EXITINTINFO holds it, BUSY is set,
 * and the strategy decides how the page is repaired before the guest runs again.
 *
 * Single-threaded: everything here runs on the vCPU thread, except what posters do through
 * altinj_ring and altinj_hvdb (lock-free, documented there).
 */
#ifndef ALTINJ_VCPU_H
#define ALTINJ_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_cost_kind.h"
#include "altinj_counters.h"
#include "altinj_doorbell.h"
#include "altinj_irq.h"
#include "altinj_irq_fifo.h"
#include "altinj_oracle.h"
#include "altinj_ring.h"
#include "altinj_strategy.h"
#include "altinj_vmsa.h"

/* A guest handler entry, as reported to the environment. */
struct altinj_delivery {
    const struct altinj_irq *irq;
    unsigned cuts;        /* how many times a VMEXIT interrupted its delivery before this one */
    uint64_t first_cut;   /* clock at the first such VMEXIT (valid when cuts > 0) */
    uint64_t now;         /* clock at handler entry */
};

/*
 * Points inside one SVSM pass (svsm_run) where an environment may let other agents act before
 * the SVSM goes on: a simulation lands poster writes there on purpose, to reach the races that
 * live runs hit only by chance. At each point the SVSM's private state is consistent, and the
 * doorbell page and the source rings may change exactly as a poster on another CPU could change
 * them at that instant; nothing else may be touched.
 */
enum altinj_yield_point {
    /* VMPL0 entered, the row's on-entry work and the VMEXIT_BUSY repair done; the doorbell not
     * yet read. A post here is consumed in this pass. */
    ALTINJ_YIELD_SVSM_ENTERED = 0,
    /* The flags byte cleared and the events byte swapped to 0 (clear before process); irr and
     * the rings not yet read. A post here re-sets the events bit, so its record may be drained
     * now and the bit costs one more, empty, pass later: never a duplicate. */
    ALTINJ_YIELD_DOORBELL_TAKEN,
    /* The rings drained into the pending queue; nothing injected yet. A post here stays in its
     * ring until the next pass, which its kick (or the events bit) brings. */
    ALTINJ_YIELD_RINGS_DRAINED,
    /* Injection and the row's pre-entry work done; the SVSM is about to return to the
     * hypervisor, which VMRUNs the guest next. */
    ALTINJ_YIELD_SVSM_LEAVING,
    ALTINJ_YIELD__COUNT
};

struct altinj_vcpu_env {
    void *ctx;
    /* Clock in cycles (TSC or virtual). NULL: no time accounting (now reads as 0). */
    uint64_t (*now)(void *ctx);
    /* Spends or accounts one world switch's cost. NULL: free. */
    void (*spend)(void *ctx, enum altinj_cost_kind kind);
    /* Whether a VMEXIT cuts this delivery; `cuts` says how often it was cut before. NULL: the
     * event's own delivery_cut decides its first delivery, and re-injections are never cut. */
    bool (*delivery_cut)(void *ctx, const struct altinj_irq *irq, unsigned cuts);
    /* Guest handler entry. NULL: nothing. */
    void (*handler_entry)(void *ctx, const struct altinj_delivery *d);
    /* Called at each enum altinj_yield_point of an SVSM pass. NULL (live runs): nothing, so
     * live behaviour and speed are unchanged. */
    void (*yield)(void *ctx, enum altinj_yield_point point);
};

enum altinj_step {
    ALTINJ_STEP_GUEST_RUNNING = 0, /* the guest runs; the caller decides when it exits next */
    ALTINJ_STEP_EXITED,            /* a VMEXIT cut a delivery; call altinj_vcpu_enter again */
    ALTINJ_STEP_FATAL,             /* the SVSM cannot make the guest runnable (it would panic) */
};

struct altinj_faults;

struct altinj_vcpu {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    const struct altinj_strategy *strategy;
    struct altinj_vcpu_env env;
    struct altinj_oracle *oracle;        /* may be NULL */
    struct altinj_ring *const *sources;  /* poster rings the SVSM drains */
    unsigned nsources;
    struct altinj_counters c;

    /* SVSM-private state. */
    struct altinj_irq_fifo pending;
    struct altinj_irq inflight;          /* the event in EVENTINJ or EXITINTINFO, if any */
    bool inflight_valid;
    unsigned inflight_cuts;
    uint64_t inflight_first_cut;
    bool window_requested;               /* V_IRQ: exit at the next interrupt window */
    bool svsm_holds_busy;                /* paravisor: BUSY taken on entry, released on exit */
    bool ring_hint;                      /* rings may hold records the doorbell announced */

    /* The hypervisor's view of the last exit (VMCB control area). */
    bool exit_pending;
    uint64_t exit_code;
    uint64_t exit_intinfo;

    /* Hostile-hypervisor fault state (altinj_faults.h); NULL in fault-free runs. */
    struct altinj_faults *faults;
};

/* Sets the vCPU up on a reset VMSA and doorbell page. pending_capacity: power of two, at least
 * the total capacity of the source rings. Returns 0, or -1 (bad capacity, no memory). */
int altinj_vcpu_init(struct altinj_vcpu *v, const struct altinj_strategy *strategy,
                     struct altinj_vmsa *vmsa, struct altinj_hvdb *hvdb,
                     struct altinj_ring *const *sources, unsigned nsources,
                     struct altinj_oracle *oracle, const struct altinj_vcpu_env *env,
                     uint64_t pending_capacity);
void altinj_vcpu_destroy(struct altinj_vcpu *v);

/*
 * Everything between a guest exit (or the start) and the guest running again: the hypervisor's
 * exit handling per strategy, the SVSM if it is run, VMRUN (with the VMEXIT_BUSY fallback) and
 * the delivery of an injected event, which the environment may cut.
 */
enum altinj_step altinj_vcpu_enter(struct altinj_vcpu *v);

/* The running guest exits for `exit_code` (a kick, HLT, VINTR...), with no delivery in flight. */
void altinj_vcpu_exit(struct altinj_vcpu *v, uint64_t exit_code);

/* Whether the guest, now running, should take a VINTR exit at once: the SVSM has more events
 * pending and asked for the next interrupt window. */
static inline bool altinj_vcpu_wants_window(const struct altinj_vcpu *v)
{
    return v->window_requested;
}

/* Whether the hypervisor has a reason to run VMPL0 for this vCPU: doorbell events posted, or
 * events the SVSM still holds. A poster's kick is wasted unless this is true afterwards. */
bool altinj_vcpu_work_pending(struct altinj_vcpu *v);

/* ---- for strategy rows (altinj_strategies.c) ---- */

/* Accounts for a repair's outcome: moves the in-flight record, counts, flags broken invariants. */
void altinj_vcpu_note_repair(struct altinj_vcpu *v, const struct altinj_reentry_result *r);
static inline uint64_t altinj_vcpu_now(struct altinj_vcpu *v)
{
    return v->env.now ? v->env.now(v->env.ctx) : 0;
}

#endif
