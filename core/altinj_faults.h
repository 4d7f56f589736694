/*
 * A hostile hypervisor, as named faults with rates. The hypervisor is untrusted (DOMAIN.md
 * section 1): what it can really do is write the #HV doorbell page, choose what to run where
 * and when (VMRUN of the guest VMSA on any CPU, VMRUN of VMPL0 or not), delay or drop its own
 * IPIs, and force a VMEXIT during any event delivery (it owns the nested page tables, so an NPF
 * on the guest IDT or stack is always available to it). It can NOT write the encrypted VMSA:
 * EVENTINJ, EXITINTINFO and VIntrCtrl.BUSY in the guest VMSA are written by the processor and
 * the SVSM only. Every fault below is one of those real powers; none writes the VMSA.
 *
 * Spec grammar (one string, e.g. for a future `--faults`):
 *
 *   spec     := "none" | item ("," item)*
 *   item     := FAULT "=" RATE [":" DURATION]     DURATION only for delay-kick
 *             | "all=" RATE                       every fault not named elsewhere in the spec
 *             | "seed=" UINT64                    default: the run's seed
 *   RATE     := decimal number in [0, 1]          probability per opportunity (below)
 *   DURATION := decimal integer + ns|us|ms|s, 1 ns .. 1 s (default 20us)
 *
 * Errors are one line naming the spec and the bad item:
 *   "faults 'garbage=0.1,omit-flag=2': 'omit-flag=2': rate must be in [0, 1]".
 *
 * FAULT        opportunity               what the hypervisor does
 * flag-no-busy each guest exit without   sets the option-A clear-BUSY flag (status bit 11 of
 *              EXITINTINFO.V             per_vmpl[1] + events bit 1, altinj_doorbell.h) and runs
 *                                        VMPL0 though no delivery was interrupted: a lie
 * omit-flag    each exit with            skips whatever its policy owes after it: the flag
 *              EXITINTINFO.V             (flag) and the VMPL0 run (flag, exitintinfo,
 *                                        every-exit); the never policy owes nothing, so no effect
 * garbage      each exit and each post   writes random bits into the doorbell: flags (not #MC,
 *                                        which COCONUT panics on by design, and not
 *                                        NoFurtherSignal), events of every VMPL, per-VMPL status
 *                                        (pending_vector, level_sensitive, multiple_vectors,
 *                                        vector_31, reserved bits including the option-A one)
 *                                        and irr/isr words, and a VMPL0 vector (often < 32); it
 *                                        never erases a real post: bits are only ORed, and a
 *                                        pending vector, level or multiple bit only where no
 *                                        vector is pending
 * stale-flag   each exit and each post   replays the option-A flag after it was consumed
 *                                        (asynchronously, from a poster CPU, so it can land
 *                                        while the SVSM is consuming)
 * double-vmrun each exit with            VMRUN of the same VMSA from a second CPU at three
 *              EXITINTINFO.V, each       points: the hypervisor's exit handling of a cut exit,
 *              SVSM entry and return     the SVSM's entry (after the policy's exit processing)
 *                                        and the SVSM's return (before its pre-entry work); it
 *                                        fails on BUSY (VMEXIT_BUSY) or EFER.SVME clear
 *                                        (VMEXIT_INVALID), counted apart
 * softint-     each exit; each delivery  (a) shows a software interrupt / #BP / #OF in its own
 * exitintinfo  of a guest INTn/INT3/INTO VMCB view of EXITINTINFO, so the policy acts on an
 *                                        event that does not exist; (b) forces a VMEXIT during
 *                                        the delivery of a guest software event, so the real
 *                                        EXITINTINFO (written by the processor) holds INTn or
 *                                        vector 3/4
 * delay-kick   each post                 holds the kick (IPI) back for DURATION
 *
 * What the model cannot represent (stated in the report too):
 * - Withholding: clearing a posted irr/events bit, or never kicking, denies service; no SVSM
 *   design can prevent the hypervisor from not delivering interrupts, so garbage only ORs.
 * - A replayed irr bit for an already delivered vector is, to a real SVSM, a new interrupt the
 *   hypervisor is entitled to post: the guest sees a spurious interrupt, not a duplicate of the
 *   old one. The model's records travel in rings, so such bits are dropped (irr only announces).
 * - Garbage EXITINTINFO (reserved bits, undefined types) is architecturally impossible: only
 *   the processor writes it. The fuzz target reaches that state; these faults cannot.
 * - Whether the processor itself refuses VMRUN of a VMSA that is executing on another CPU is
 *   not in the sources; the model assumes it does not, and counts every overlap as a violation
 *   with a model-only running detector (not a VMSA field).
 *
 * Threads: struct altinj_faults belongs to one vCPU thread, except the double-run detector and
 * counters (atomics) which a hammering second thread may share. Each poster thread owns one
 * struct altinj_fault_poster. Deterministic: each fault draws from its own stream, seeded from
 * (seed, fault, poster index), so enabling one fault never moves another's decisions.
 */
#ifndef ALTINJ_FAULTS_H
#define ALTINJ_FAULTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_doorbell.h"
#include "altinj_irq.h"
#include "altinj_strategy.h"

enum altinj_fault {
    ALTINJ_FAULT_FLAG_NO_BUSY = 0,
    ALTINJ_FAULT_OMIT_FLAG,
    ALTINJ_FAULT_GARBAGE,
    ALTINJ_FAULT_STALE_FLAG,
    ALTINJ_FAULT_DOUBLE_VMRUN,
    ALTINJ_FAULT_SOFTINT_EXITINTINFO,
    ALTINJ_FAULT_DELAY_KICK,
    ALTINJ_FAULT__COUNT
};

#define ALTINJ_FAULT_DEFAULT_DELAY_NS 20000u
#define ALTINJ_FAULT_MAX_DELAY_NS     1000000000u

struct altinj_fault_spec {
    double rate[ALTINJ_FAULT__COUNT]; /* 0 .. 1 */
    uint64_t delay_kick_ns;           /* delay-kick's DURATION */
    bool has_seed;
    uint64_t seed;
};

/* "flag-no-busy", ...; NULL out of range. */
const char *altinj_fault_name(enum altinj_fault f);
/* One line: what the hypervisor does. */
const char *altinj_fault_doc(enum altinj_fault f);

/* Parses the grammar above. 0, or -1 with one line (no newline) in err; *out untouched on
 * failure. Never crashes on any input. */
int altinj_fault_spec_parse(const char *text, struct altinj_fault_spec *out, char *err,
                            size_t errlen);
/* Canonical form (every fault with a non-zero rate, fixed order; "none" when there is none);
 * parses back to an equal spec. Returns what snprintf would. */
int altinj_fault_spec_describe(const struct altinj_fault_spec *spec, char *buf, size_t len);
bool altinj_fault_spec_any(const struct altinj_fault_spec *spec);

/* What the faults did, and what the double-run detector saw. */
struct altinj_fault_counters {
    uint64_t fired[ALTINJ_FAULT__COUNT]; /* times each fault acted */
    uint64_t kick_delay_ns;              /* total extra kick delay asked for */
    uint64_t stolen_deliveries;          /* events a second-CPU VMRUN took out of EVENTINJ */
    uint64_t dr_attempts;                /* second-CPU VMRUN attempts */
    uint64_t dr_prevented;               /* of which failed (either reason) */
    uint64_t dr_prevented_busy;          /*   with VMEXIT_BUSY (BUSY set) */
    uint64_t dr_prevented_svme;          /*   with VMEXIT_INVALID (EFER.SVME clear) */
    uint64_t dr_succeeded;               /* of which entered the guest */
    uint64_t dr_violations;              /* VMRUNs that found the VMSA already executing */
    uint64_t dr_held_violations;         /* succeeded while the SVSM worked on the page */
};

/* Per-vCPU fault state. Fields below the line are shared with a hammering thread. */
struct altinj_faults {
    struct altinj_fault_spec spec;
    const struct altinj_strategy *base;
    struct altinj_strategy wrapped;       /* base with hooks that apply the faults */
    struct altinj_hv_policy wrapped_hv;
    struct altinj_svsm_policy wrapped_svsm;
    struct altinj_vcpu *vcpu;             /* set by altinj_faults_attach */
    uint64_t rng[ALTINJ_FAULT__COUNT];
    uint64_t fired[ALTINJ_FAULT__COUNT];  /* vCPU thread */
    uint64_t stolen_deliveries;           /* vCPU thread */
    unsigned attacker_runs;               /* single-threaded attacks still "executing" */
    bool own_running;                     /* the vCPU's own CPU executes the VMSA */
    bool flagged_once;                    /* stale-flag: there is an old flag to replay */
    /* ---- shared ---- */
    _Atomic uint32_t running;             /* CPUs executing this VMSA now (model only) */
    _Atomic uint64_t stolen;              /* EVENTINJ value a second CPU took, unreconciled */
    _Atomic uint64_t hold_epoch;          /* odd: the SVSM works on the page (between its exit
                                             processing and its pre-entry writes) */
    _Atomic uint64_t dr_attempts, dr_prevented, dr_prevented_busy, dr_prevented_svme,
        dr_succeeded, dr_violations, dr_held_violations;
};

/* Builds the wrapped row for `base`. seed: the run's seed (the spec's seed= wins). */
void altinj_faults_init(struct altinj_faults *f, const struct altinj_fault_spec *spec,
                        const struct altinj_strategy *base, uint64_t seed);
/* The row to pass to altinj_vcpu_init: same name and policies as base, faults applied. */
static inline const struct altinj_strategy *altinj_faults_strategy(const struct altinj_faults *f)
{
    return &f->wrapped;
}
/* Links the vCPU and its fault state (v->faults = f): call right after altinj_vcpu_init. */
void altinj_faults_attach(struct altinj_faults *f, struct altinj_vcpu *v);
/* From now on the hypervisor is honest: no fault of f fires again (vCPU thread). A driver's
 * honest end needs it: a hypervisor that writes garbage IRR bits on every exit keeps the guest
 * in interrupt handlers forever, a denial of service no SVSM prevents. */
void altinj_faults_cease(struct altinj_faults *f);
/* Totals, after the threads that share f have stopped. */
void altinj_faults_counters(const struct altinj_faults *f, struct altinj_fault_counters *out);

/* ---- hooks the world loop calls when v->faults is set (altinj_vcpu.c) ---- */
/* A VMRUN of the vCPU's own CPU succeeded: marks the VMSA executing, counts an overlap,
 * ends pending single-threaded attacker runs, reconciles stolen events. */
void altinj_faults_on_vmrun(struct altinj_vcpu *v);
/* The vCPU's guest is about to VMEXIT: the VMSA stops executing on this CPU. */
void altinj_faults_on_exit(struct altinj_vcpu *v);

/* ---- hooks an engine (simulator, live runner, test driver) calls ---- */
/* The environment's delivery_cut: whether the hypervisor forces a VMEXIT during this delivery
 * (softint-exitintinfo, for guest INTn/INT3/INTO only). */
bool altinj_faults_force_cut(struct altinj_faults *f, const struct altinj_irq *irq);
/* Takes a stolen event back into the books (vCPU thread): the guest saw it on the second CPU,
 * so the oracle counts what it carried delivered, and its handler's EOI is done (lazy if the
 * SVSM offered it; else the guest owes the explicit EOI's VMGEXIT, served by the next SVSM
 * pass, guest.eoi_owed). Call before reading the verdict; the world loop calls it on every
 * VMRUN. */
void altinj_faults_reconcile(struct altinj_vcpu *v);

/* A VMRUN of f's VMSA from a second CPU. hold: the attacker's run lasts until the vCPU's own
 * next VMRUN (single-threaded drivers, vCPU thread only); otherwise it ends at once (a
 * hammering thread). Returns true if the VMRUN entered the guest. Writes no VMSA field but
 * what VMRUN itself does (it takes EVENTINJ). One thief per f (a hammering thread or the
 * vCPU's own attacks, not both), and one unreconciled theft at a time: with one pending, a
 * hammering thread's call returns false without a VMRUN (no attempt counted), a holding call
 * reconciles first. */
bool altinj_faults_second_cpu_vmrun(struct altinj_faults *f, struct altinj_vmsa *vmsa,
                                    bool hold);

/* Poster-side state, one per poster thread. */
struct altinj_fault_poster {
    const struct altinj_fault_spec *spec;
    uint64_t rng[ALTINJ_FAULT__COUNT];
    uint64_t fired[ALTINJ_FAULT__COUNT];
    uint64_t kick_delay_ns;
};
void altinj_fault_poster_init(struct altinj_fault_poster *p, const struct altinj_fault_spec *spec,
                              uint64_t seed, unsigned index);
/* Call right after posting one event (altinj_hvdb_post_irq) and before kicking: applies
 * garbage and stale-flag writes to db and returns how long (ns) to hold the kick back
 * (delay-kick), 0 to kick at once. An engine that cannot delay (a single-threaded loop) may
 * model the delay as guest run time before the kick exit. */
uint64_t altinj_fault_poster_after_post(struct altinj_fault_poster *p, struct altinj_hvdb *db);

/* What the guest would see of a run, worst first: "panic" (the SVSM could not make it
 * runnable), "double-run" (its VMSA executed on two CPUs), "stall", "lost", "duplicated",
 * "delay" (every event arrived once, later than without the faults), "nothing". One ladder for
 * every engine; each engine decides `delayed` by its own evidence. Returns a static string. */
const char *altinj_guest_sees(bool fatal, uint64_t dr_violations, bool stalled, uint64_t lost,
                              uint64_t duplicated, bool delayed);

/* Hostile doorbell contents from one draw stream (exposed for tests and the fuzzer). */
void altinj_faults_write_garbage(struct altinj_hvdb *db, uint64_t *rng);
/* ORs hostile bits into a doorbell status word without replacing or hiding a pending vector
 * (any thread; a CAS loop). */
void altinj_faults_garble_status(_Atomic uint32_t *status, uint32_t bits);

#endif
