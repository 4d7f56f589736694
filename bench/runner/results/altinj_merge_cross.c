#include "altinj_merge_cross.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct xy {
    double x, y;
    const char *point; /* the one sample's point; NULL when several were averaged */
};

static int cmp_xy(const void *a, const void *b)
{
    const double xa = ((const struct xy *)a)->x, xb = ((const struct xy *)b)->x;
    return xa < xb ? -1 : xa > xb;
}

static bool usable(const struct altinj_cross_sample *s)
{
    return !isnan(s->x) && !isnan(s->y);
}

/* The (x, mean y) series of one strategy in one group, sorted by x; returns its length. */
static size_t series(const struct altinj_cross_sample *s, size_t n, const char *group,
                     const char *strategy, struct xy *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (usable(&s[i]) && strcmp(s[i].group, group) == 0 &&
            strcmp(s[i].strategy, strategy) == 0)
            out[m++] = (struct xy){ s[i].x, s[i].y, s[i].point };
    qsort(out, m, sizeof *out, cmp_xy);
    size_t k = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        double sum = 0;
        while (j < m && out[j].x == out[i].x)
            sum += out[j++].y;
        out[k++] = (struct xy){ out[i].x, sum / (double)(j - i), j - i == 1 ? out[i].point : NULL };
        i = j;
    }
    return k;
}

/* True when no usable sample before index i has the same value of the chosen field. */
static bool first_of(const struct altinj_cross_sample *s, size_t i, const char *group)
{
    for (size_t j = 0; j < i; j++) {
        if (!usable(&s[j]))
            continue;
        if (group ? strcmp(s[j].group, group) == 0 && strcmp(s[j].strategy, s[i].strategy) == 0
                  : strcmp(s[j].group, s[i].group) == 0)
            return false;
    }
    return true;
}

struct tester {
    altinj_cross_significant_fn fn;
    void *ctx;
};

/* No order at this x: the point's own test says no significant difference, or (no test) the
 * two are within ALTINJ_CROSS_TIE of each other. */
static bool tied(const struct tester *t, const struct xy *a, const struct xy *b, const char *sa,
                 const char *sb)
{
    if (t->fn && a->point && b->point && strcmp(a->point, b->point) == 0) {
        const int sig = t->fn(t->ctx, a->point, sa, sb);
        if (sig >= 0)
            return sig == 0;
    }
    return fabs(a->y - b->y) <= ALTINJ_CROSS_TIE * fmax(fabs(a->y), fabs(b->y));
}

static long pair(FILE *f, const struct tester *t, const char *label, const char *tail,
                 const char *sa, const struct xy *a, size_t na, const char *sb,
                 const struct xy *b, size_t nb)
{
    long found = 0;
    size_t i = 0, j = 0;
    bool have_prev = false;
    double px = 0, pd = 0, pya = 0;
    while (i < na && j < nb) {
        if (a[i].x < b[j].x) {
            i++;
            continue;
        }
        if (b[j].x < a[i].x) {
            j++;
            continue;
        }
        const double x = a[i].x, d = a[i].y - b[j].y, ya = a[i].y;
        const bool tie = tied(t, &a[i], &b[j], sa, sb);
        i++, j++;
        if (tie)
            continue; /* a tie has no order: it can neither start nor end a swap */
        if (have_prev && (pd < 0) != (d < 0)) {
            const double t = pd / (pd - d);
            const double cx = px + (x - px) * t, cy = pya + (ya - pya) * t;
            /* d = y_a - y_b < 0 below the crossing: a was the cheaper one there. */
            if (fprintf(f, "%s\t%s\t%s\t%.6g\t%.6g\t%s\t%s\t%s\n", label, sa, sb, cx, cy,
                        pd < 0 ? sa : sb, pd < 0 ? sb : sa,
                        tail ? tail : ALTINJ_CROSS_TAIL_EMPTY) < 0)
                return -1;
            found++;
        }
        have_prev = true;
        px = x, pd = d, pya = ya;
    }
    return found;
}

long altinj_cross_write(FILE *f, const struct altinj_cross_sample *s, size_t n,
                        altinj_cross_significant_fn significant, void *ctx)
{
    const struct tester t = { significant, ctx };
    if (fprintf(f,
                "# altinj-bench merge --crossovers: where two strategies swap order in\n"
                "# overhead_ns_per_irq as the BUSY fraction grows, within one mode, workload,\n"
                "# rate, cost profile, vCPU count and model premises (linear interpolation\n"
                "# between adjacent sweep points; repeated points averaged first; where a point\n"
                "# has repetitions, the two are a tie there unless its Mann-Whitney U test of\n"
                "# their overhead is significant (Holm, 0.05); without, values within 0.5 %% of\n"
                "# each other are a tie, not an order).\n"
                "# busy: BUSY fraction at the crossing; overhead_ns: overhead per interrupt\n"
                "# there; cheaper_below / cheaper_above: the cheaper strategy on each side;\n"
                "# premise, softint_copy: the model's --busy-premise and --softint-copy.\n"
                "%s\tstrategy_a\tstrategy_b\tbusy\toverhead_ns\tcheaper_below\tcheaper_above\t%s\n",
                ALTINJ_CROSS_LABEL_COLUMNS, ALTINJ_CROSS_TAIL_COLUMNS) < 0)
        return -1;
    struct xy *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    long total = 0;
    for (size_t g = 0; g < n && total >= 0; g++) {
        if (!usable(&s[g]) || !first_of(s, g, NULL))
            continue;
        const char *group = s[g].group;
        for (size_t i = g; i < n && total >= 0; i++) {
            if (!usable(&s[i]) || strcmp(s[i].group, group) != 0 || !first_of(s, i, group))
                continue;
            const size_t na = series(s, n, group, s[i].strategy, a);
            for (size_t j = i + 1; j < n; j++) {
                if (!usable(&s[j]) || strcmp(s[j].group, group) != 0 ||
                    strcmp(s[j].strategy, s[i].strategy) == 0 || !first_of(s, j, group))
                    continue;
                const size_t nb = series(s, n, group, s[j].strategy, b);
                const long k = pair(f, &t, s[g].label, s[g].tail, s[i].strategy, a, na,
                                    s[j].strategy, b, nb);
                if (k < 0) {
                    total = -1;
                    break;
                }
                total += k;
            }
        }
    }
    free(a);
    free(b);
    return total;
}
