/* Results as JSON (jansson). Schema, per run: strategy, workload, mode, events, delivered, lost,
 * duplicated, busy_events, failed_vmruns, svsm_entries, doorbell_writes, ..., latency_ns
 * {p50,p90,p99,p999,p9999,max,min,mean,count}, busy_redelivery_ns {...}, per_1000 {...},
 * overhead_ns {...}, faults {spec, fired {FAULT: n}, kick_delay_ns, double_vmrun {attempts,
 * prevented, succeeded, violations, held_violations}, stolen_deliveries, added_failed_vmruns,
 * guest_sees}; at top level: tool, version, mode, workload, seed, faults (canonical spec),
 * costs, machine, assumptions. README.md documents every field. */
#ifndef ALTINJ_OUTPUT_JSON_H
#define ALTINJ_OUTPUT_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_run_meta.h"
#include "altinj_run_result.h"

/* Writes the document to f. Returns 0, or -1 (out of memory or a write error). */
int altinj_output_json(FILE *f, const struct altinj_run_meta *meta,
                       const struct altinj_run_result *runs, size_t n);

#endif
