/*
 * The rows `altinj-bench compare` prints: per (point,) strategy and metric, both sides'
 * medians with their 95 % intervals, the change, the Mann-Whitney U p-value Holm-adjusted
 * over every test of the table (one family per pair of inputs), and a verdict. All the
 * statistics come from altinj_stats.h; this file only decides which samples meet.
 */
#ifndef ALTINJ_COMPARE_TABLE_H
#define ALTINJ_COMPARE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "altinj_compare_load.h"
#include "altinj_stats.h"

/* Every interval and test is drawn from this seed: the same inputs print the same numbers. */
#define ALTINJ_CMP_SEED 1u

enum altinj_cmp_verdict {
    ALTINJ_CMP_B_LOWER,
    ALTINJ_CMP_B_HIGHER,
    ALTINJ_CMP_EQUAL_MEDIANS,  /* significant, but the medians are equal: no direction */
    ALTINJ_CMP_NO_DIFFERENCE,  /* tested, not significant after Holm */
    ALTINJ_CMP_ONE_REPETITION, /* a side has one value: no test possible */
    ALTINJ_CMP_NO_VALUES_A,    /* A has none (all disturbed, or not measured): no test */
    ALTINJ_CMP_NO_VALUES_B,
};

struct altinj_cmp_row {
    const char *point; /* NULL when two files (not folders) are compared */
    const char *strategy;
    enum altinj_cmp_metric metric;
    struct altinj_interval a, b;
    size_t a_disturbed, b_disturbed; /* repetitions of the strategy left out, each side */
    double change_pct;               /* (B - A) / A * 100; NaN when undefined */
    bool tested;
    struct altinj_test test;         /* when tested */
    double p_holm;                   /* when tested, after altinj_cmp_table_finish */
    bool significant;
    enum altinj_cmp_verdict verdict;
};

/* A point or a strategy one side has and the other lacks. */
struct altinj_cmp_only {
    const char *point;    /* NULL for two files */
    const char *strategy; /* NULL: the whole point */
    bool in_a;            /* true: only in A */
};

struct altinj_cmp_table {
    struct altinj_cmp_row *rows;
    size_t n, cap;
    struct altinj_cmp_only *only;
    size_t nonly, caponly;
    size_t ntests; /* the Holm family */
};

/* Adds the rows of one pair of files: every strategy of a also in b (in a's order), each of
 * the metrics in metrics[0..nmetrics). Strategies on one side only are noted. Returns 0 or
 * -1 when out of memory. */
int altinj_cmp_table_add_pair(struct altinj_cmp_table *t, const char *point,
                              const struct altinj_cmp_file *a, const struct altinj_cmp_file *b,
                              const enum altinj_cmp_metric *metrics, size_t nmetrics);
/* Notes a point one side has and the other lacks. Returns 0 or -1 when out of memory. */
int altinj_cmp_table_add_only(struct altinj_cmp_table *t, const char *point, bool in_a);
/* Holm-adjusts every test of the table as one family and sets the verdicts. Returns 0 or -1
 * when out of memory. */
int altinj_cmp_table_finish(struct altinj_cmp_table *t);
void altinj_cmp_table_free(struct altinj_cmp_table *t);

/* The verdict in words ("B lower", "1 repetition: no test possible", ...). */
const char *altinj_cmp_verdict_text(enum altinj_cmp_verdict v);

#endif
