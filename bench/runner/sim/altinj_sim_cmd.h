/* `altinj-bench run --mode sim`: the simulation side of the run command (altinj_run_cmd.c
 * parses, validates the shared inputs and writes the outputs; this runs the strategies). */
#ifndef ALTINJ_SIM_CMD_H
#define ALTINJ_SIM_CMD_H

#include <stddef.h>

#include "altinj_costs.h"
#include "altinj_run_cli.h"
#include "altinj_run_meta.h"
#include "altinj_run_result.h"
#include "altinj_workload.h"

/*
 * Simulates every strategy of `o` on `wl` and `costs`. Fills the mode, clock and machine fields
 * of *meta with values that depend on the inputs only (the simulated machine: --vcpus CPUs,
 * 1 GHz virtual clock, host "simulation"), so the JSON is reproducible byte for byte, and
 * runs[0..*nruns) (each initialised run is counted, so the caller frees it). Unless o->quiet,
 * prints one line per strategy on stderr with the events simulated, the wall time and the races
 * the scheduler explored. Returns the exit status: 0, 1 (could not run) or 2 (bad input), with
 * err set when non-zero.
 */
int altinj_sim_command(const struct altinj_run_opts *o, const struct altinj_cost_profile *costs,
                       const struct altinj_workload_spec *wl, struct altinj_run_meta *meta,
                       struct altinj_run_result *runs, size_t *nruns, char *err, size_t errlen);

#endif
