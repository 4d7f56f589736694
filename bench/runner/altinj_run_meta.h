/* What every output says about how its runs were made. */
#ifndef ALTINJ_RUN_META_H
#define ALTINJ_RUN_META_H

#include <stdint.h>

#include "altinj_costs.h"
#include "altinj_run_result.h"

/* The option-A encoding, stated wherever results are shown (altinj_doorbell.h). */
#define ALTINJ_ASSUMPTION_HVDB_FLAG                                                            \
    "hvdb-flag encoding is a proposal: bit 11 (reserved) of per_vmpl[2].status in the #HV "    \
    "doorbell page plus per_vmpl_events bit 2; no architected bit exists"
#define ALTINJ_ASSUMPTION_BUSY_FRACTION                                                        \
    "busy= is the probability that a VMEXIT cuts an event's first delivery; no published "     \
    "rate exists"

struct altinj_run_meta {
    const char *version;
    const char *mode;              /* "live" or "sim" */
    char workload[1024];           /* canonical spec */
    char faults[ALTINJ_FAULTS_TEXT_MAX]; /* canonical --faults spec, "none" */
    uint64_t seed;
    const struct altinj_cost_profile *costs;
    uint64_t clock_hz;             /* TSC (live) or virtual clock (sim) */
    uint64_t clock_read_overhead;  /* cycles; 0 in sim */
    unsigned ncpus;
    char host[256];                /* uname: nodename, machine, release */
    char cpu_model[128];
};

#endif
