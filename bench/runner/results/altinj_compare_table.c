#include "altinj_compare_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    const size_t c = *cap ? 2 * *cap : 32;
    void *p = realloc(*v, c * size);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

static int add_only(struct altinj_cmp_table *t, const char *point, const char *strategy,
                    bool in_a)
{
    if (grow((void **)&t->only, &t->caponly, t->nonly, sizeof *t->only) != 0)
        return -1;
    t->only[t->nonly++] = (struct altinj_cmp_only){ point, strategy, in_a };
    return 0;
}

int altinj_cmp_table_add_only(struct altinj_cmp_table *t, const char *point, bool in_a)
{
    return add_only(t, point, NULL, in_a);
}

static int add_row(struct altinj_cmp_table *t, const char *point, const struct altinj_cmp_run *ra,
                   const struct altinj_cmp_run *rb, enum altinj_cmp_metric m)
{
    if (grow((void **)&t->rows, &t->cap, t->n, sizeof *t->rows) != 0)
        return -1;
    struct altinj_cmp_row *row = &t->rows[t->n];
    memset(row, 0, sizeof *row);
    row->point = point;
    row->strategy = ra->strategy;
    row->metric = m;
    row->a_disturbed = ra->disturbed;
    row->b_disturbed = rb->disturbed;
    const double *a = ra->values[m], *b = rb->values[m];
    const size_t na = ra->n[m], nb = rb->n[m];
    if (altinj_stats_median_ci(a, na, ALTINJ_CMP_SEED, &row->a) != 0 ||
        altinj_stats_median_ci(b, nb, ALTINJ_CMP_SEED, &row->b) != 0)
        return -1;
    row->change_pct = NAN;
    if (na && nb && row->a.median != 0)
        row->change_pct = (row->b.median - row->a.median) / fabs(row->a.median) * 100;
    else if (na && nb && row->b.median == 0)
        row->change_pct = 0; /* 0 -> 0: no change; 0 -> x: no percentage */
    if (na == 0 || nb == 0) {
        row->verdict = na == 0 ? ALTINJ_CMP_NO_VALUES_A : ALTINJ_CMP_NO_VALUES_B;
    } else if (na == 1 || nb == 1) {
        /* altinj_stats_compare would answer p = 1; a row that could never be significant
         * says so rather than carrying a p-value that means nothing. */
        row->verdict = ALTINJ_CMP_ONE_REPETITION;
    } else {
        if (altinj_stats_compare(a, na, b, nb, ALTINJ_CMP_SEED, &row->test) != 0)
            return -1;
        row->tested = true;
        t->ntests++;
    }
    t->n++;
    return 0;
}

int altinj_cmp_table_add_pair(struct altinj_cmp_table *t, const char *point,
                              const struct altinj_cmp_file *a, const struct altinj_cmp_file *b,
                              const enum altinj_cmp_metric *metrics, size_t nmetrics)
{
    for (size_t i = 0; i < a->nruns; i++) {
        const struct altinj_cmp_run *rb = altinj_cmp_file_run(b, a->runs[i].strategy);
        if (!rb) {
            if (add_only(t, point, a->runs[i].strategy, true) != 0)
                return -1;
            continue;
        }
        for (size_t k = 0; k < nmetrics; k++)
            if (add_row(t, point, &a->runs[i], rb, metrics[k]) != 0)
                return -1;
    }
    for (size_t i = 0; i < b->nruns; i++)
        if (!altinj_cmp_file_run(a, b->runs[i].strategy) &&
            add_only(t, point, b->runs[i].strategy, false) != 0)
            return -1;
    return 0;
}

int altinj_cmp_table_finish(struct altinj_cmp_table *t)
{
    double *p = malloc((t->ntests ? t->ntests : 1) * sizeof *p);
    if (!p)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].tested)
            p[k++] = t->rows[i].test.p_value;
    if (altinj_stats_holm(p, k, p) != 0) {
        free(p);
        return -1;
    }
    k = 0;
    for (size_t i = 0; i < t->n; i++) {
        struct altinj_cmp_row *row = &t->rows[i];
        if (!row->tested)
            continue;
        row->p_holm = p[k++];
        /* The direction is the medians' (effect = median(A) - median(B)), the figures the
         * row prints. A significant rank test over equal medians (the samples differ off
         * the middle) has no direction those figures could show, and says so. */
        row->significant = row->p_holm < ALTINJ_STATS_ALPHA;
        row->verdict = !row->significant        ? ALTINJ_CMP_NO_DIFFERENCE
                       : row->test.effect > 0   ? ALTINJ_CMP_B_LOWER
                       : row->test.effect < 0   ? ALTINJ_CMP_B_HIGHER
                                                : ALTINJ_CMP_EQUAL_MEDIANS;
    }
    free(p);
    return 0;
}

void altinj_cmp_table_free(struct altinj_cmp_table *t)
{
    free(t->rows);
    free(t->only);
    memset(t, 0, sizeof *t);
}

const char *altinj_cmp_verdict_text(enum altinj_cmp_verdict v)
{
    switch (v) {
    case ALTINJ_CMP_B_LOWER:
        return "B lower";
    case ALTINJ_CMP_B_HIGHER:
        return "B higher";
    case ALTINJ_CMP_NO_DIFFERENCE:
        return "no significant difference";
    case ALTINJ_CMP_ONE_REPETITION:
        return "1 repetition: no test possible";
    case ALTINJ_CMP_EQUAL_MEDIANS:
        return "significant, equal medians";
    case ALTINJ_CMP_NO_VALUES_A:
        return "no values in A: no test possible";
    case ALTINJ_CMP_NO_VALUES_B:
        return "no values in B: no test possible";
    }
    return "?";
}
