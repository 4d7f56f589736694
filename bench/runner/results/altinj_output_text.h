/* The human summary: strategies side by side, one row per figure. */
#ifndef ALTINJ_OUTPUT_TEXT_H
#define ALTINJ_OUTPUT_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_repetitions.h"
#include "altinj_run_meta.h"
#include "altinj_run_result.h"

/* With more than one repetition, the table pools them (every event of every repetition) and
 * two sections follow: each strategy's medians with their intervals, and every pair's test. */
void altinj_output_text(FILE *f, const struct altinj_run_meta *meta,
                        const struct altinj_run_result *runs, size_t n,
                        const struct altinj_repetitions *reps);

#endif
