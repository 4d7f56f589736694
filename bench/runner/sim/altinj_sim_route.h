/*
 * Which simulated vCPU each interrupt source posts to (`altinj-bench run --mode sim --route`).
 *
 *   all (default)  every vCPU receives its own instance of the workload: all of its sources,
 *                  drawn from a stream of its own. vCPU 0 draws exactly the sequence a live run
 *                  with the same seed replays; vCPU i > 0 draws from a seed derived from
 *                  (effective seed, i), also when the spec pins seed=. Total rate: vcpus x rate.
 *   rr             one instance; source s posts to vCPU s mod vcpus (a perf trace's CPU k is
 *                  replayed on vCPU k mod vcpus; ipi senders are spread over the targets).
 *   N              one instance; every source posts to vCPU N (device interrupts all affine to
 *                  one vCPU; with ipi, an IPI storm into one vCPU).
 *
 * IPI fan-in: for an ipi workload the senders are other simulated vCPUs. Source s of target t
 * is sent by vCPU (t + 1 + s) mod vcpus (rr: (s + 1) mod vcpus), so with more than one vCPU an
 * ipi workload needs senders < vcpus (checked), and no vCPU sends to itself. ASSUMPTION: the
 * hypervisor posts the IPI on the sender's behalf at the arrival's intended time (open loop);
 * the sender's own ICR-write exit is not a delivery, cannot leave its VMSA BUSY, and is not
 * modelled, so senders pay nothing in the BUSY protocol.
 *
 * Every route makes each source post to exactly one vCPU. Nothing else connects the vCPUs, so
 * one vCPU's run never depends on another's: the engine relies on that (altinj_sim.c).
 */
#ifndef ALTINJ_SIM_ROUTE_H
#define ALTINJ_SIM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_workload.h"

enum altinj_sim_route_kind {
    ALTINJ_SIM_ROUTE_ALL = 0,
    ALTINJ_SIM_ROUTE_RR,
    ALTINJ_SIM_ROUTE_ONE,
};

struct altinj_sim_route {
    enum altinj_sim_route_kind kind;
    unsigned vcpu; /* ALTINJ_SIM_ROUTE_ONE */
};

/* Parses "all", "rr" or a vCPU number below `vcpus`. Returns 0, or -1 with one line in err. */
int altinj_sim_route_parse(const char *text, unsigned vcpus, struct altinj_sim_route *out,
                           char *err, size_t errlen);

/* Checks the route against the workload (the ipi sender rule above). 0, or -1 and err. */
int altinj_sim_route_check(const struct altinj_sim_route *r,
                           const struct altinj_workload_spec *spec, unsigned vcpus, char *err,
                           size_t errlen);

/* Whether source `source` of the workload posts to vCPU `target`. */
bool altinj_sim_route_posts(const struct altinj_sim_route *r, unsigned vcpus, unsigned target,
                            unsigned source);

/* The vCPU that sends source `source`'s IPIs to `target` (ipi workloads, vcpus > 1). */
unsigned altinj_sim_route_sender(const struct altinj_sim_route *r, unsigned vcpus,
                                 unsigned target, unsigned source);

/* The seed vCPU `target`'s streams are drawn from, given the workload's effective seed
 * (altinj_workload_seed). *unpin is set when the spec's own seed= must be ignored for it (all
 * route, target > 0): the caller then draws from a copy of the spec without seed=. */
uint64_t altinj_sim_route_seed(const struct altinj_sim_route *r, uint64_t effective_seed,
                               unsigned target, bool *unpin);

/* "all", "rr" or "vcpu N", for reports. */
const char *altinj_sim_route_name(const struct altinj_sim_route *r, char *buf, size_t len);

#endif
