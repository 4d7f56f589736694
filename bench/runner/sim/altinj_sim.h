/*
 * Deterministic simulation of many vCPUs (`altinj-bench run --mode sim`): a discrete-event
 * simulation in virtual time, single-threaded, that drives the same core functions as live runs
 * (altinj_vcpu_enter / altinj_vcpu_exit, the strategy rows, the doorbell and ring operations)
 * on real VMSA and #HV doorbell pages, one of each per simulated vCPU. World-switch costs come
 * from the cost profile and are added to a virtual clock of ALTINJ_SIM_CLOCK_HZ (1 GHz: one
 * cycle per ns) through env.spend; nothing is measured on the host.
 *
 * Determinism: the result (every counter, every histogram bucket, hence the JSON byte for
 * byte) is a pure function of (strategy, workload spec, seed, vcpus, route, explore, events or
 * duration, cost profile, fault spec). No host clock, no host state, no addresses, no threads.
 * (The one libm call, log1p in exponential inter-arrival draws, may differ in the last ulp
 * between libm builds: see workloads/altinj_workload.h.)
 *
 * Structure: each vCPU (altinj_sim_vcpu.h) has its own event agenda (its sources' next posts and
 * its kicks in flight) and its own seeded scheduler (altinj_sim_sched.h). The sources are routed
 * so that each posts to exactly one vCPU (altinj_sim_route.h), and nothing else connects vCPUs,
 * so a vCPU's history does not depend on any other's. The engine therefore keeps a min-heap of
 * vCPUs keyed by their next event time and lets the earliest run through a window of
 * ALTINJ_SIM_WINDOW_NS virtual time at once: the same result as strict global time order, with
 * a vCPU's pages and rings staying in cache for a whole window.
 *
 * Arrivals are generated on the fly, one pending arrival per source: a run never holds its
 * arrivals in memory, so the live engine's ALTINJ_RUN_MAX_EVENTS pre-generation cap does not
 * apply. What grows with the event count is the exactly-once oracle, one bit per event
 * (ALTINJ_SIM_MAX_EVENTS events: 250 MB), and nothing else.
 */
#ifndef ALTINJ_SIM_H
#define ALTINJ_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_costs.h"
#include "altinj_model.h"
#include "altinj_run_result.h"
#include "altinj_sim_route.h"
#include "altinj_sim_vcpu.h"
#include "altinj_strategy.h"
#include "altinj_workload.h"

#define ALTINJ_SIM_CLOCK_HZ UINT64_C(1000000000)
#define ALTINJ_SIM_MAX_VCPUS 4096u
#define ALTINJ_SIM_MAX_EVENTS UINT64_C(2000000000)
/* The workload's t = 0 lies this far into virtual time, after every vCPU's first VMRUN (the
 * live engine also starts its clock 1 ms after its threads). */
#define ALTINJ_SIM_LEAD_NS UINT64_C(1000000)
#define ALTINJ_SIM_WINDOW_NS UINT64_C(10000000)

struct altinj_sim_config {
    const struct altinj_strategy *strategy;
    const struct altinj_workload_spec *workload;
    const struct altinj_cost_profile *costs;
    uint64_t seed;                 /* run seed (the spec's seed= wins for the arrivals) */
    unsigned vcpus;                /* 1..ALTINJ_SIM_MAX_VCPUS */
    struct altinj_sim_route route;
    bool explore;                  /* seeded interleavings (altinj_sim_sched.h) */
    uint64_t events;               /* > 0: exactly the first `events` arrivals of all vCPUs */
    uint64_t duration_ns;          /* events == 0: every arrival before this */
    /* Called now and then with (posted, estimated total); may be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    /* Hostile-hypervisor faults (altinj_sim_vcpu.h); NULL (or a spec with no rate): none, and
     * no fault code on any path. Part of the inputs the result is a pure function of. */
    const struct altinj_fault_spec *faults;
    struct altinj_model model;     /* the premises (altinj_model.h) */
};

enum altinj_sim_status {
    ALTINJ_SIM_OK = 0,
    ALTINJ_SIM_BAD_INPUT = 2,      /* a configuration the simulation refuses (exit 2) */
    ALTINJ_SIM_NO_MEMORY = 1,
};

/*
 * Runs one strategy and fills *out (initialised by the caller with altinj_run_result_init; mode
 * is left to the caller) and, if stats is non-NULL, *stats. A run that loses or duplicates an
 * event, or whose vCPU cannot be made runnable or is left with undeliverable work, still
 * returns ALTINJ_SIM_OK: out's verdict, fatal and stalled say so. Otherwise one line in err.
 */
enum altinj_sim_status altinj_sim_run(const struct altinj_sim_config *cfg,
                                      struct altinj_run_result *out,
                                      struct altinj_sim_stats *stats, char *err, size_t errlen);

/* "simulated: 256 vCPUs, route all, explore on, virtual clock 1 GHz" (+ the ipi sender rule),
 * the placement line of sim reports. */
void altinj_sim_describe(const struct altinj_sim_config *cfg, char *buf, size_t len);

#endif
