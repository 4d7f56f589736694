/*
 * Crossovers: where two strategies swap order in overhead per interrupt as the BUSY fraction
 * grows. The design question behind the plot is "below which BUSY rate is the cheap-when-idle
 * strategy (reactive: nothing to do until VMRUN fails) better than the always-pay ones
 * (unconditional, paravisor), and where does that flip?" - so the table gives the busy value,
 * the overhead there, and which strategy is cheaper on each side.
 *
 * Samples are compared only within a group (same mode, workload other than busy=, cost
 * profile, vCPU count, model premises): a crossover between two different rates, profiles or
 * premises means nothing.
 * Several samples at the same (group, strategy, busy) - repeated seeds - are averaged first.
 * Between adjacent busy values x0 < x1 where the difference d = y_a - y_b changes sign, the
 * crossing is the linear interpolation x0 + (x1 - x0) * d0 / (d0 - d1). Values within
 * ALTINJ_CROSS_TIE of each other (relative) are a tie and skipped: two strategies that cost the
 * same (the sim often makes hvdb-flag and unconditional equal to 0.1 %) do not "swap" on
 * rounding, a touch-and-return is not a crossover, and a swap across a tie counts once.
 * With repetitions the same rule as "Who wins where" decides instead: where the point's own
 * test of the two strategies' overhead (run --repeat: comparisons[]) is not significant,
 * the two are a tie there, whatever their medians; so a crossover is reported only between
 * two points where each order is significant. Files without tests keep the relative rule.
 */
#ifndef ALTINJ_MERGE_CROSS_H
#define ALTINJ_MERGE_CROSS_H

#include <stddef.h>
#include <stdio.h>

struct altinj_cross_sample {
    const char *group;    /* samples with equal group strings are compared */
    const char *label;    /* the group's printed cells, TAB-separated (altinj_cross_header) */
    const char *tail;     /* more group cells, printed at the end of the row, TAB-separated
                             (ALTINJ_CROSS_TAIL_COLUMNS); NULL: empty cells */
    const char *strategy;
    double x;             /* BUSY fraction */
    double y;             /* overhead, ns per interrupt (the repetitions' median) */
    const char *point;    /* the result file the sample came from (NULL: unknown) */
};

/* Whether a and b differ significantly at `point`: 1 yes, 0 no (a tie there), -1 the point has
 * no test of the pair (the relative tie rule applies). */
typedef int (*altinj_cross_significant_fn)(void *ctx, const char *point, const char *a,
                                           const char *b);

/* Relative difference below which two overheads are a tie (no order). */
#define ALTINJ_CROSS_TIE 0.005

/* The column names the label cells must match, TAB-separated. */
#define ALTINJ_CROSS_LABEL_COLUMNS "mode\tworkload\trate\tcosts\tvcpus"
/* The group cells after the crossing's own (added later: the earlier columns keep their
 * positions); the tail cells must match them. */
#define ALTINJ_CROSS_TAIL_COLUMNS "premise\tsoftint_copy"
#define ALTINJ_CROSS_TAIL_EMPTY "\t"

/* Writes the header comment, the column line and one row per crossing. Groups appear in
 * first-appearance order, strategy pairs in first-appearance order within their group.
 * Samples with a NaN x or y are ignored. Returns the number of crossings, or -1 when out of
 * memory or a write failed. */
long altinj_cross_write(FILE *f, const struct altinj_cross_sample *s, size_t n,
                        altinj_cross_significant_fn significant, void *ctx);

#endif
