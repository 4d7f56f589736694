/*
 * altinj-bench compare: two `run --json` results (or two sweep/report folders of them) side
 * by side per strategy and metric, with a significance verdict for each, for before/after
 * a change (what Google Benchmark's compare.py does for microbenchmarks).
 */
#ifndef ALTINJ_COMPARE_CMD_H
#define ALTINJ_COMPARE_CMD_H

#include <stdio.h>

/* argv[0] is "compare". Returns the exit status: 0 compared (whatever the verdicts), 1 out
 * of memory or writing failed part-way, 2 bad usage, a bad input (one line names the file
 * and the field), inputs that differ in workload, cost profile, mode, premises or faults
 * (without --force), or an output path that is an input or cannot be written. */
int altinj_compare_command(int argc, char **argv);
void altinj_compare_usage(FILE *f);

#endif
