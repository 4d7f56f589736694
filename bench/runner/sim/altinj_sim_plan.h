/*
 * `--events N` in simulation: which arrivals are "the first N" when many vCPUs each draw their
 * own streams. The answer is a count per stream, found by merging every stream once (a dry run
 * of the generators, no vCPU involved) in (time, stream index) order, where streams are indexed
 * vCPU by vCPU and source by source within one. For one vCPU that is the order of the live
 * engine's pre-generated sequence (ties to the lower source), so both post the same events.
 * Memory: one generator and one heap entry per stream; time O(N log streams).
 */
#ifndef ALTINJ_SIM_PLAN_H
#define ALTINJ_SIM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "altinj_workload.h"

struct altinj_sim_source {
    const struct altinj_workload_spec *spec;
    unsigned source;
    uint64_t seed;
};

/* counts[i] receives how many of stream i's arrivals are among the first `events` arrivals of
 * all n streams (arrivals at or past until_ns excluded); *total their sum (< events only when
 * the streams run dry). Returns 0, or -1 (no memory). */
int altinj_sim_plan_counts(const struct altinj_sim_source *streams, size_t n, uint64_t events,
                           uint64_t until_ns, uint64_t *counts, uint64_t *total);

#endif
