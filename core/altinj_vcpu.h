/*
 * One guest vCPU and the agents around it on one physical CPU: the hypervisor, the SVSM (VMPL0),
 * the processor's VMRUN/VMEXIT and the guest itself. The same functions drive live runs (real
 * threads, TSC clock, costs spent as busy-waits) and simulations (virtual clock, costs added to
 * it): the environment callbacks are the only difference.
 *
 * Lifecycle of a posted interrupt: a poster (the hypervisor on another CPU) pushes its record
 * into a source ring, presents the vector through the #HV doorbell page (altinj_hvdb_post_irq)
 * and kicks the vCPU. On the next exit the hypervisor sees doorbell events and runs VMPL0. The
 * SVSM's pass clears the doorbell flags (its #HV handler), processes the exit per its policy,
 * consumes the doorbell into its emulated APIC (altinj_apic.h), drains the rings into the
 * ledger (altinj_ledger.h) and presents the highest pending vector through EVENTINJ or V_IRQ.
 * VMRUN delivers an EVENTINJ at once; a V_IRQ is taken when the guest's IF opens, with no exit.
 * If a VMEXIT cuts the delivery, EXITINTINFO holds it (and BUSY, under the hardware premise),
 * and the policies decide how the page is repaired. The guest's handler ends with an EOI, lazy
 * or through an exit (altinj_guest.h).
 *
 * Events the guest raises itself (exceptions, INTn/INT3/INTO) are scheduled with
 * altinj_vcpu_guest_schedule and raised when the running guest reaches their time.
 *
 * Single-threaded: everything here runs on the vCPU thread, except what posters do through
 * altinj_ring and altinj_hvdb (lock-free, documented there).
 */
#ifndef ALTINJ_VCPU_H
#define ALTINJ_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_apic.h"
#include "altinj_cost_kind.h"
#include "altinj_counters.h"
#include "altinj_doorbell.h"
#include "altinj_guest.h"
#include "altinj_irq.h"
#include "altinj_ledger.h"
#include "altinj_model.h"
#include "altinj_oracle.h"
#include "altinj_ring.h"
#include "altinj_strategy.h"
#include "altinj_vmsa.h"

/* A guest handler entry, as reported to the environment: one call per event the handler
 * serves (an interrupt may carry several coalesced posts). */
struct altinj_delivery {
    const struct altinj_irq *irq;
    unsigned cuts;        /* how many times a VMEXIT cut this interrupt's delivery before */
    uint64_t first_cut;   /* clock at the first such VMEXIT (valid when cuts > 0) */
    uint64_t now;         /* clock at handler entry */
    uint32_t index;       /* 0 for the first event of the interrupt, 1.. for coalesced ones */
};

/*
 * Points inside one SVSM pass where an environment may let other agents act before the SVSM
 * goes on: a simulation lands poster writes there on purpose, to reach the races that live runs
 * hit only by chance. At each point the SVSM's private state is consistent, and the doorbell
 * page and the source rings may change exactly as a poster on another CPU could change them at
 * that instant; nothing else may be touched.
 */
enum altinj_yield_point {
    /* VMPL0 entered and the policy's exit processing done; the doorbell events not yet taken.
     * A post here is consumed in this pass. */
    ALTINJ_YIELD_SVSM_ENTERED = 0,
    /* The events byte swapped to 0 (clear before process); the descriptor and the rings not yet
     * read. A post here may be consumed now or set the events bit for a later pass: never a
     * duplicate. */
    ALTINJ_YIELD_DOORBELL_TAKEN,
    /* The descriptor consumed and the rings drained; nothing presented yet. A post here waits
     * for the next pass, which its kick (or the events bit) brings. */
    ALTINJ_YIELD_RINGS_DRAINED,
    /* Presentation and the policy's pre-entry writes done; the SVSM is about to return to the
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
     * event's own delivery_cut decides its first delivery, and re-deliveries are never cut. */
    bool (*delivery_cut)(void *ctx, const struct altinj_irq *irq, unsigned cuts);
    /* Guest handler entry. NULL: nothing. */
    void (*handler_entry)(void *ctx, const struct altinj_delivery *d);
    /* Called at each enum altinj_yield_point of an SVSM pass. NULL (live runs): nothing. */
    void (*yield)(void *ctx, enum altinj_yield_point point);
};

enum altinj_step {
    ALTINJ_STEP_GUEST_RUNNING = 0, /* the guest runs; the caller decides when it exits next */
    ALTINJ_STEP_EXITED,            /* the guest exited by itself (a cut delivery, an EOI
                                      request): call altinj_vcpu_enter again */
    ALTINJ_STEP_FATAL,             /* the guest cannot be made runnable (the SVSM would panic,
                                      or VMRUN failed twice in a row) */
};

struct altinj_faults;

struct altinj_vcpu_config {
    const struct altinj_strategy *strategy;   /* possibly a fault-wrapped row */
    struct altinj_vmsa *vmsa;                 /* reset pages */
    struct altinj_hvdb *hvdb;
    struct altinj_ring *const *sources;       /* poster rings the SVSM drains */
    unsigned nsources;
    struct altinj_oracle *oracle;             /* may be NULL */
    struct altinj_vcpu_env env;
    uint32_t ledger_capacity;                 /* records the SVSM side may hold, >= 1 */
    struct altinj_model model;
    struct altinj_guest_config guest;
};

struct altinj_vcpu {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    const struct altinj_strategy *strategy;
    struct altinj_model model;
    struct altinj_vcpu_env env;
    struct altinj_oracle *oracle;
    struct altinj_ring *const *sources;
    unsigned nsources;
    struct altinj_counters c;

    /* SVSM-private state */
    struct altinj_apic apic;
    struct altinj_ledger ledger;
    uint64_t policy_note;  /* a policy's own note from its exit processing to its pre-entry */
    bool pass_after_cancel; /* the exit processing runs after a cancelled switch, not an exit */
    /* model-only */
    struct altinj_guest guest;
    bool started;
    bool launching;        /* inside the first VMPL0 run, which launches the guest */
    bool guest_running;
    bool fatal;
    const char *fatal_reason;

    /* The hypervisor's view of the last exit (VMCB control area). */
    bool exit_pending;
    uint64_t exit_code;
    uint64_t exit_intinfo;

    /* Hostile-hypervisor fault state (altinj_faults.h); NULL in fault-free runs. */
    struct altinj_faults *faults;
};

/* Sets the vCPU up on reset pages: the SVSM policy initialises the guest VMSA as its source
 * does. Returns 0, or -1 (bad config, no memory). */
int altinj_vcpu_init(struct altinj_vcpu *v, const struct altinj_vcpu_config *cfg);
void altinj_vcpu_destroy(struct altinj_vcpu *v);

/*
 * Everything between a guest exit (or the start, which runs VMPL0 to launch the guest) and the
 * guest running: the hypervisor's exit handling per its policy, VMPL0 if it is run, VMRUN (a
 * failed one makes the hypervisor run VMPL0 and try again, twice at most), and what the guest
 * does at once when it runs: take an injected event, execute again an instruction whose event
 * was not delivered, take a V_IRQ if IF is set, raise its own events that are due.
 */
enum altinj_step altinj_vcpu_enter(struct altinj_vcpu *v);

/* The running guest exits for `exit_code` (a kick), with no delivery in flight. */
void altinj_vcpu_exit(struct altinj_vcpu *v, uint64_t exit_code);

/* When the running guest next does something by itself (takes a queued V_IRQ as its IF opens,
 * raises a scheduled event), in clock cycles; UINT64_MAX if nothing (or it is not running). */
uint64_t altinj_vcpu_guest_next(struct altinj_vcpu *v);

/* The running guest does what is due by now (the clock has reached altinj_vcpu_guest_next). */
enum altinj_step altinj_vcpu_guest_run(struct altinj_vcpu *v);

/* Schedules an event the guest's own instruction raises at irq->intended (an exception or a
 * software event; engines add them in time order). -1 when out of memory. */
int altinj_vcpu_guest_schedule(struct altinj_vcpu *v, const struct altinj_irq *irq);

/* Whether the hypervisor has a reason to run VMPL0 for this vCPU: doorbell events posted or a
 * #HV signalled and not yet acknowledged. A poster's kick is wasted unless this is true
 * afterwards. */
bool altinj_vcpu_work_pending(struct altinj_vcpu *v);

/* Whether anything announced, held or in flight is still undelivered: doorbell, rings, ledger
 * records, EVENTINJ, a queued V_IRQ, a cut guest event or scheduled raises. A run may end only
 * when this is false; if it stays true with nothing coming, events are lost. */
bool altinj_vcpu_busy(struct altinj_vcpu *v);

/* ---- for the policies (altinj_policy_*.c) ---- */

/* COCONUT's update_apic_emulation: the doorbell consume (with the yield points), the ring drain
 * and present_interrupts. */
void altinj_vcpu_svsm_present(struct altinj_vcpu *v);
/* OpenHCL's poll_apic with the same consume: V_IRQ only. */
void altinj_vcpu_svsm_present_virq(struct altinj_vcpu *v);
/* The guest's request, if it made one (COCONUT get_svsm_request_message: the exit was a VMGEXIT
 * and the CAA says a call is pending): its APIC EOI. */
void altinj_vcpu_svsm_guest_request(struct altinj_vcpu *v);
/* Counts an ai_handle_intercepts-style repair. */
void altinj_vcpu_note_reinjection(struct altinj_vcpu *v, bool copied, bool was_busy);

static inline uint64_t altinj_vcpu_now(struct altinj_vcpu *v)
{
    return v->env.now ? v->env.now(v->env.ctx) : 0;
}

#endif
