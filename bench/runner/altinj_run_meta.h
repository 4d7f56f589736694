/* What every output says about how its runs were made. */
#ifndef ALTINJ_RUN_META_H
#define ALTINJ_RUN_META_H

#include <stdint.h>

#include "altinj_costs.h"
#include "altinj_noise.h"
#include "altinj_run_result.h"
#include "altinj_workload.h"

#include <stddef.h>

#include "altinj_model.h"

/* The option-A encoding, stated wherever results are shown (altinj_doorbell.h). */
#define ALTINJ_ASSUMPTION_HVDB_FLAG                                                            \
    "hvdb-flag encoding is a proposal: bit 11 (reserved) of per_vmpl[1].status (the guest's, "  \
    "VMPL2) in the #HV doorbell page plus per_vmpl_events bit 1; no architected bit exists"
#define ALTINJ_ASSUMPTION_BUSY_FRACTION                                                        \
    "busy= is the probability that a VMEXIT cuts an event's first delivery; no published "     \
    "rate exists"
#define ALTINJ_ASSUMPTION_EOI                                                                  \
    "the guest EOIs through the SVSM APIC protocol (one VMGEXIT, a VMPL0 run, a VMRUN) unless " \
    "the SVSM offered a lazy EOI (COCONUT present_interrupts, OpenHCL sync_lazy_eoi: only "    \
    "when nothing else is pending); handlers take no time; V_TPR stays 0 and no interrupt "    \
    "shadow is modelled"
#define ALTINJ_ASSUMPTION_TRANSPORT                                                            \
    "every SVSM policy takes host interrupts through the #HV doorbell protocol COCONUT "       \
    "consumes (pending_vector, irr + multiple_vectors, vector_31); the hypervisor's posting "  \
    "side has no public implementation and is the model's; OpenHCL really uses Hyper-V's "    \
    "synthetic interrupts"
#define ALTINJ_ASSUMPTION_COALESCING                                                           \
    "posts of one vector before it is presented are one interrupt (an APIC IRR bit); each "    \
    "post's record travels in a ring beside the doorbell so the oracle credits every event "    \
    "(counts.coalesced), and a record drained before its own post reached the page makes "     \
    "that post's interrupt carry nothing (counts.empty_interrupts)"

struct altinj_run_meta {
    const char *version;
    const char *mode;              /* "live" or "sim" */
    char workload[1024];           /* canonical spec */
    char faults[ALTINJ_FAULTS_TEXT_MAX]; /* canonical --faults spec, "none" */
    uint64_t seed;
    unsigned repeat;               /* --repeat: repetitions, each with seed + k */
    const struct altinj_cost_profile *costs;
    uint64_t clock_hz;             /* TSC (live) or virtual clock (sim) */
    uint64_t clock_read_overhead;  /* cycles; 0 in sim */
    unsigned ncpus;
    char host[256];                /* uname: nodename, machine, release */
    char cpu_model[128];
    struct altinj_model model;     /* the premises every run used */
    /* Live: the noise probe's windows beside the repetitions (core/altinj_noise.h), summed;
     * noise.windows 0: no probe ran (sim, --noise-probe off, or it failed: noise_error). */
    struct altinj_noise_report noise;
    char noise_error[160];
    /* A kvmexit replay (has_kvmexit): what the trace holds, one repetition times loop=
     * (altinj_workload.h), and the note a trace without intr_info gets ("" otherwise). */
    bool has_kvmexit;
    struct altinj_kvmexit_counts kvmexit;
    char workload_note[160];
};

/* The assumptions every output states, one line each: the fixed ones above and the premises. */
size_t altinj_run_meta_assumption_count(void);
void altinj_run_meta_assumption(const struct altinj_run_meta *meta, size_t k, char *buf,
                                size_t len);

#endif
