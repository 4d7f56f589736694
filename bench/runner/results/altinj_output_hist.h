/* --hist FILE: a cyclictest -h style histogram (one column per strategy, 1 us rows) in FILE,
 * and an HdrHistogram percentile table (values in us) per strategy in FILE.<strategy>.hgrm,
 * the two text formats existing gnuplot recipes read. The caller opens and commits the files
 * (altinj_outputs.h), so they appear together with the run's other outputs or not at all. */
#ifndef ALTINJ_OUTPUT_HIST_H
#define ALTINJ_OUTPUT_HIST_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_run_result.h"

/* The histogram of every run, one column each. Returns 0, or -1 (out of memory or a write
 * error on f). */
int altinj_output_hist(FILE *f, const struct altinj_run_result *runs, size_t n);

/* One run's percentile table. Returns 0, or -1 on a write error. */
int altinj_output_hist_table(FILE *f, const struct altinj_run_result *run);

/* The path of one strategy's table: "<path>.<strategy>.hgrm". Returns 0, or -1 when it does
 * not fit in len. */
int altinj_output_hist_table_path(const char *path, const char *strategy, char *out, size_t len);

#endif
