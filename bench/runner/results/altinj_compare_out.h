/*
 * The two outputs of `altinj-bench compare`: the aligned text table (altinj_compare_text.c)
 * and the machine-readable JSON (altinj_compare_json.c), both from one finished table.
 */
#ifndef ALTINJ_COMPARE_OUT_H
#define ALTINJ_COMPARE_OUT_H

#include <stdio.h>

#include "altinj_compare_inputs.h"
#include "altinj_compare_load.h"
#include "altinj_compare_table.h"

struct altinj_cmp_report {
    const struct altinj_cmp_side *a, *b;
    const struct altinj_cmp_file *fa, *fb; /* the loaded files, parallel to a->paths, b->paths */
    const struct altinj_cmp_table *t;      /* finished (Holm applied) */
    char *const *warnings;                 /* what differs between compared inputs (--force) */
    size_t nwarnings;
};

/* Writes the text report. Returns 0, or -1 when writing failed. */
int altinj_cmp_write_text(FILE *f, const struct altinj_cmp_report *r);

/* Writes the JSON report: {"a", "b", "inputs", "tests", "alpha", "warnings", "only",
 * "rows": [{"point", "strategy", "metric", "a": {"median", "ci95", "n", "disturbed"}, "b",
 * "change_pct", "p_value", "p_holm", "significant", "direction", "verdict", "difference"}]};
 * a value that does not exist (no test, no values) is null. Returns 0, or -1 when out of
 * memory or writing failed. */
int altinj_cmp_write_json(FILE *f, const struct altinj_cmp_report *r);

#endif
