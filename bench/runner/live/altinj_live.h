/*
 * Live execution on real threads. The vCPU thread, pinned, runs the world loop as one physical
 * CPU does: the guest runs until an exit; the hypervisor handles it per strategy; the SVSM runs
 * when invoked; VMRUN enters the guest again. Poster threads on the other CPUs play the
 * hypervisor's interrupt sources: at each arrival's absolute intended time they push the record,
 * post the vector into the #HV doorbell page and kick the vCPU (an IPI, priced by the cost
 * profile). Events the guest raises itself (the workload's exc= and soft= shares) are raised by
 * the vCPU thread when its guest reaches their time, and so is a queued V_IRQ when the guest's
 * IF opens (masked=). World-switch costs are spent as calibrated TSC busy-waits on the vCPU
 * thread.
 *
 * Bounded time, whatever a strategy row does: every wait has a deadline derived from the run,
 * the arrival span plus the drain timeout (the vCPU's world loop checks it on every step, so a
 * row that loops through exits without ever idling ends too; posters check it while they wait).
 * Past it the run ends with what the oracle saw: lost events, `stalled`, or `fatal` for a VMRUN
 * that failed twice in a row.
 *
 * Hostile hypervisor (config.faults, core/altinj_faults.h): the vCPU runs the wrapped strategy
 * row, so the hypervisor's lies, omissions, garbage and second-CPU VMRUNs happen in the vCPU
 * thread's own exit handling and SVSM pass; each poster applies its own faults right after its
 * doorbell post. delay-kick: the poster that drew it spins on the TSC for DURATION before its
 * kick (only when the post needs one: NoFurtherSignal was clear), so that poster's later posts
 * leave late too and count in late_posts; latency stays measured from each event's intended
 * time, so the delay shows in the latency of everything it held up. The simulator instead lets
 * a delayed kick land late without holding its source back.
 * double-vmrun is the single-threaded attack (hold: the second CPU's run lasts until the vCPU's
 * own next VMRUN), as in the simulator and the fault driver. No free-running hammer thread is
 * started: it would VMRUN while the guest itself runs, which no design prevents (BUSY must be
 * clear for VMRUN), so every row, paravisor included, would show double runs and the
 * strategies could not be told apart; and it would take a CPU from the vCPU and the posters.
 * tests/test_faults.c hammers a VMSA from a real second thread under ThreadSanitizer instead.
 */
#ifndef ALTINJ_LIVE_H
#define ALTINJ_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "altinj_cost_kind.h"
#include "altinj_faults.h"
#include "altinj_model.h"
#include "altinj_run_result.h"
#include "altinj_strategy.h"
#include "altinj_tsc.h"
#include "altinj_workload.h"

struct altinj_live_config {
    const struct altinj_strategy *strategy;
    const struct altinj_arrival *arrivals; /* merged, time-ordered; seq = index */
    size_t count;
    const struct altinj_workload_spec *workload; /* for the guest's interruptibility (NULL:
                                                    the guest never masks interrupts) */
    unsigned nsources;
    const struct altinj_tsc_clock *clock;
    uint64_t cost_cycles[ALTINJ_COST__COUNT];
    double drain_timeout_s;               /* after the last intended arrival */
    /* Called on the calling thread about 4 times a second with delivered/count; may be NULL. */
    void (*progress)(void *ctx, uint64_t delivered, uint64_t count);
    void *progress_ctx;
    /* Hostile-hypervisor faults; NULL (or a spec with no rate) runs fault-free, with no fault
     * code on any path. seed: the run's seed, which seeds the fault streams unless the spec
     * has seed=. */
    const struct altinj_fault_spec *faults;
    uint64_t seed;
    struct altinj_model model;             /* the premises (altinj_model.h) */
    /* exits= of workload (altinj_exits_create, seeded from seed as the arrivals are), or a
     * kvmexit replay's plain exits of its one trace vCPU (nsources must then be 1): the
     * vCPU thread's guest exits for them at their times, taken before exits_until_ns (ns from
     * the start; 0: up to the last arrival's intended time, inclusive, as --events runs do).
     * The run ends only after the last of them. */
    uint64_t exits_until_ns;
};

/* Runs the scenario and fills *out (initialised by the caller with altinj_run_result_init).
 * Returns 0, or -1 with a one-line message in err when the run could not be set up (threads,
 * memory). A run that loses or duplicates events still returns 0: the verdict says so. */
int altinj_live_run(const struct altinj_live_config *cfg, struct altinj_run_result *out,
                    char *err, size_t errlen);

#endif
