/*
 * The hostile hypervisor in a run (`altinj-bench run --faults SPEC`): what both engines share to
 * set a run's faults up and to account for them, and the one word that says what the guest
 * would see. The wiring itself lives in the engines (altinj_live.c, altinj_sim_vcpu.c); the
 * faults in core/altinj_faults.h.
 *
 * A fault-free run ("none", or no --faults) never touches the fault module: v->faults stays
 * NULL and the environment's delivery_cut stays the engine's own, so its speed and its results
 * are those of a build without faults.
 */
#ifndef ALTINJ_RUN_FAULTS_H
#define ALTINJ_RUN_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_faults.h"
#include "altinj_run_result.h"

/* Records `spec` in r (canonical text, "none" for NULL or a spec with no rate) and returns
 * whether the engine must wire faults in. */
bool altinj_run_faults_begin(struct altinj_run_result *r, const struct altinj_fault_spec *spec);

/* Adds one vCPU's fault counters (call after every thread sharing f has stopped) and one
 * poster's to r->fc. */
void altinj_run_faults_add_vcpu(struct altinj_run_result *r, const struct altinj_faults *f);
void altinj_run_faults_add_poster(struct altinj_run_result *r,
                                  const struct altinj_fault_poster *p);

/* Failed VMRUNs the faults added: all failed VMRUNs less one per BUSY event for a row whose
 * hypervisor never looks (the never policy: reactive), whose fault-free count under the
 * hardware premise is exactly that (tests/test_live_run.c); the other rows never fail a VMRUN
 * without a fault. 0 for a fault-free run. */
uint64_t altinj_run_faults_added_failed_vmruns(const struct altinj_run_result *r);

/*
 * What the guest would see, worst first (altinj_guest_sees in core/altinj_faults.h):
 *   "panic"       the SVSM could not make the guest runnable (fatal)
 *   "double-run"  the VMSA ran on two CPUs at once (dr_violations > 0): a property of the
 *                 strategy under attack, reported, never an exit status
 *   "stall"       deliveries stopped (drain deadline, or work left that nothing would do)
 *   "lost", "duplicated"  the oracle's verdict
 *   "delay"       exactly once, but the faults added failed VMRUNs or held kicks back
 *   "nothing"     exactly once; at most the latency of the extra work
 * A fault-free run gets one of panic, stall, lost, duplicated or nothing.
 */
const char *altinj_run_result_guest_sees(const struct altinj_run_result *r);

#endif
