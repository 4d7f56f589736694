/* Pools the repetitions of one strategy into one result: counts summed, histograms merged, so
 * the run-level JSON fields, the text table and the exactly-once verdict cover every event of
 * every repetition. */
#ifndef ALTINJ_RUN_POOL_H
#define ALTINJ_RUN_POOL_H

#include "altinj_run_result.h"

/* Adds r into into (both initialised; into may be fresh from altinj_run_result_init, then it
 * takes r's placement, perf figures and clock). Flags (fatal, stalled, faults_on) are OR-ed;
 * times are summed; CPU shares keep the lowest, involuntary switches add. Two pooled runs of different clocks keep into's clock_hz and convert
 * nothing: callers pool runs of one engine and one calibration only. */
void altinj_run_result_pool(struct altinj_run_result *into, const struct altinj_run_result *r);

#endif
