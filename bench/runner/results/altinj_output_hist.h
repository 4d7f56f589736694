/* --hist FILE: a cyclictest -h style histogram (one column per strategy, 1 us rows) in FILE,
 * and an HdrHistogram percentile table (values in us) per strategy in FILE.<strategy>.hgrm,
 * the two text formats existing gnuplot recipes read. */
#ifndef ALTINJ_OUTPUT_HIST_H
#define ALTINJ_OUTPUT_HIST_H

#include <stddef.h>

#include "altinj_run_result.h"

/* Each file appears whole or not at all. Returns 0, or -1 with the reason in err. */
int altinj_output_hist(const char *path, const struct altinj_run_result *runs, size_t n,
                       char *err, size_t errlen);

/* The path of one strategy's table: "<path>.<strategy>.hgrm". */
int altinj_output_hist_table_path(const char *path, const char *strategy, char *out, size_t len);

#endif
