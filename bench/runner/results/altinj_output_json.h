/* Results as JSON (jansson). Schema, per run: strategy, workload, mode, events, delivered, lost,
 * duplicated, busy_events, failed_vmruns, svsm_entries, doorbell_writes, ..., latency_ns
 * {p50,p90,p99,p999,p9999,max,min,mean,count}, busy_redelivery_ns {...}, per_1000 {...},
 * overhead_ns {...}, faults {spec, fired {FAULT: n}, kick_delay_ns, double_vmrun {attempts,
 * prevented, succeeded, violations, held_violations}, stolen_deliveries, added_failed_vmruns,
 * guest_sees}; at top level: tool, version, mode, workload, seed, faults (canonical spec),
 * costs, machine, assumptions. With repetitions (always present; one for a plain run): top
 * level repeat, repetition_seeds, comparisons [{a, b, metric, n_a, n_b, p_value, p_holm,
 * significant, effect, ci95, exact}]; per run repetitions [{rep, seed, position, disturbed,
 * exactly_once, events, delivered, METRIC...}] and summary {repetitions_kept,
 * repetitions_disturbed, METRIC: {median, ci95, n}}; the run-level figures pool every
 * repetition. README.md documents every field. */
#ifndef ALTINJ_OUTPUT_JSON_H
#define ALTINJ_OUTPUT_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_repetitions.h"
#include "altinj_run_meta.h"
#include "altinj_run_result.h"

/* Writes the document to f. Returns 0, or -1 (out of memory or a write error). */
int altinj_output_json(FILE *f, const struct altinj_run_meta *meta,
                       const struct altinj_run_result *runs, size_t n,
                       const struct altinj_repetitions *reps);

#endif
