/*
 * The single-threaded fault driver: one vCPU, one poster, a virtual clock priced with the
 * built-in "snp" cost profile, the hostile hypervisor of altinj_faults.h applied to one
 * strategy row. Everything runs on the calling thread, so a run is a pure function of its
 * config: tests check exact outcomes, the table tool prints them, the stress mode repeats them
 * for hundreds of millions of events.
 *
 * Workload: bursts of 1..max_burst events, each an external interrupt posted through the
 * doorbell, or an event the guest's own instruction raises: a #PF/#VC (exc share) or a
 * software event INTn/INT3/INTO (soft share); a delivery of an interrupt or fault is cut
 * (VMEXIT during delivery) with probability busy, at most max_cuts times in a row, and a
 * software event only when the hypervisor forces it (softint-exitintinfo), so that the
 * fault-free baseline is the same reference for every fault. The poster's kick after each burst may be
 * delayed (delay-kick): the guest keeps running, unaware, and the clock moves on.
 */
#ifndef ALTINJ_FAULT_RUN_H
#define ALTINJ_FAULT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_counters.h"
#include "altinj_faults.h"
#include "altinj_model.h"
#include "altinj_oracle.h"
#include "altinj_strategy.h"

struct altinj_fault_run_config {
    const struct altinj_strategy *strategy;
    struct altinj_fault_spec faults;
    uint64_t events;
    uint64_t seed;
    double busy;        /* default 0.2 */
    double exc;         /* default 0.05 */
    double soft;        /* default 0.05 */
    unsigned max_burst; /* default 8 */
    unsigned max_cuts;  /* default 2 */
    uint64_t gap_ns;    /* virtual time between bursts, default 20000 */
    struct altinj_model model; /* premises (default: hardware BUSY, softint-copy rerun) */
};

/* Fills the defaults above into a zeroed config's zero fields. */
void altinj_fault_run_defaults(struct altinj_fault_run_config *cfg);

struct altinj_fault_run_result {
    struct altinj_counters c;
    struct altinj_fault_counters fc;
    struct altinj_oracle_verdict verdict;
    uint64_t posted;
    bool fatal;              /* ALTINJ_STEP_FATAL: the SVSM would panic */
    const char *fatal_reason;
    bool stalled;            /* no progress for a whole burst: the guest waits forever */
    uint64_t latency_sum_ns; /* over handler entries on the vCPU's own CPU */
    uint64_t latency_max_ns;
    uint64_t handled;
};

/* Runs one config. 0, or -1 with one line in err (bad config, no memory). */
int altinj_fault_run(const struct altinj_fault_run_config *cfg,
                     struct altinj_fault_run_result *out, char *err, size_t errlen);

/* What the guest would see, worst first: "panic", "double-run", "stall", "lost",
 * "duplicated", "delay" (mean latency over the baseline's by more than 1%, or kicks held
 * back), "nothing". baseline may be NULL (then no "delay" from latency). */
const char *altinj_fault_run_guest_sees(const struct altinj_fault_run_result *r,
                                        const struct altinj_fault_run_result *baseline);

#endif
