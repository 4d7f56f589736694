/*
 * altinj_perf counts attached to benchmark results. Only available counters become user
 * counters; what is unavailable, and why, goes once into the report's context
 * ("perf_unavailable"), so a missing PMU never shows up as a column of zeros.
 */
#ifndef ALTINJ_MICRO_PERF_H
#define ALTINJ_MICRO_PERF_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_gbench.h"
#include "altinj_perf.h"

struct altinj_micro_perf {
    struct altinj_perf p;
    bool ok;            /* open and started */
    uint64_t t0;        /* clock at begin, for the CPU share */
    uint64_t ticks;     /* clock ticks between begin and end */
};

/* Opens the default counters of this thread and starts them. */
void altinj_micro_perf_begin(struct altinj_micro_perf *m);
/* Stops, reads into *out and closes. false if nothing could be counted (out->n == 0 then). */
bool altinj_micro_perf_end(struct altinj_micro_perf *m, struct altinj_perf_sample *out);

/* For each counter available in s (and in minus, when given): counter "<prefix><name>" =
 * (s - minus) / ops. */
void altinj_micro_perf_counters(altinj_gb_state *st, const struct altinj_perf_sample *s,
                                const struct altinj_perf_sample *minus, double ops,
                                const char *prefix);

/* The counts of a whole timed loop: "run_context_switches" (total) and "run_cpu_share"
 * (task-clock / wall time: below 1, the thread was off the CPU for part of the run). */
void altinj_micro_perf_run_counters(altinj_gb_state *st, const struct altinj_micro_perf *m,
                                    const struct altinj_perf_sample *s);

/* Probes the counters once and records in the report context which exist and why the others
 * do not. */
void altinj_micro_perf_context(void);

#endif
