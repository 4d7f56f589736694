/*
 * Live execution on real threads. The vCPU thread, pinned, runs the world loop as one physical
 * CPU does: the guest runs until an exit; the hypervisor handles it per strategy; the SVSM runs
 * when invoked; VMRUN enters the guest again. Poster threads on the other CPUs play the
 * hypervisor's interrupt sources: at each arrival's absolute intended time they push the record,
 * post the vector into the #HV doorbell page and kick the vCPU (an IPI, priced by the cost
 * profile). World-switch costs are spent as calibrated TSC busy-waits on the vCPU thread.
 */
#ifndef ALTINJ_LIVE_H
#define ALTINJ_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "altinj_cost_kind.h"
#include "altinj_run_result.h"
#include "altinj_strategy.h"
#include "altinj_tsc.h"
#include "altinj_workload.h"

struct altinj_live_config {
    const struct altinj_strategy *strategy;
    const struct altinj_arrival *arrivals; /* merged, time-ordered; seq = index */
    size_t count;
    unsigned nsources;
    const struct altinj_tsc_clock *clock;
    uint64_t cost_cycles[ALTINJ_COST__COUNT];
    double drain_timeout_s;               /* after the last intended arrival */
    /* Called on the calling thread about 4 times a second with delivered/count; may be NULL. */
    void (*progress)(void *ctx, uint64_t delivered, uint64_t count);
    void *progress_ctx;
};

/* Runs the scenario and fills *out (initialised by the caller with altinj_run_result_init).
 * Returns 0, or -1 with a one-line message in err when the run could not be set up (threads,
 * memory). A run that loses or duplicates events still returns 0: the verdict says so. */
int altinj_live_run(const struct altinj_live_config *cfg, struct altinj_run_result *out,
                    char *err, size_t errlen);

#endif
