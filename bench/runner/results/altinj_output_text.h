/* The human summary: strategies side by side, one row per figure. */
#ifndef ALTINJ_OUTPUT_TEXT_H
#define ALTINJ_OUTPUT_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_run_meta.h"
#include "altinj_run_result.h"

void altinj_output_text(FILE *f, const struct altinj_run_meta *meta,
                        const struct altinj_run_result *runs, size_t n);

#endif
