#include "altinj_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* The standalone library's own names (pwilcox, pnorm), not R's remapped Rf_ ones. */
#define MATHLIB_STANDALONE 1
#include <Rmath.h>

static double median_sorted(const double *s, size_t n)
{
    return gsl_stats_median_from_sorted_data(s, 1, n);
}

/* Draws n values of x with replacement into out. */
static void resample(gsl_rng *rng, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = x[gsl_rng_uniform_int(rng, n)];
}

static double resampled_median(gsl_rng *rng, const double *x, size_t n, double *scratch)
{
    resample(rng, x, n, scratch);
    gsl_sort(scratch, 1, n);
    return median_sorted(scratch, n);
}

static gsl_rng *seeded_rng(uint64_t seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng)
        gsl_rng_set(rng, (unsigned long)(seed ^ (seed >> 32)));
    return rng;
}

/* The 2.5 % and 97.5 % quantiles of boot[0..ALTINJ_STATS_BOOTSTRAP) (sorted in place). */
static void percentile_interval(double *boot, double *lo, double *hi)
{
    gsl_sort(boot, 1, ALTINJ_STATS_BOOTSTRAP);
    *lo = gsl_stats_quantile_from_sorted_data(boot, 1, ALTINJ_STATS_BOOTSTRAP, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(boot, 1, ALTINJ_STATS_BOOTSTRAP, 0.975);
}

int altinj_stats_median_ci(const double *x, size_t n, uint64_t seed,
                           struct altinj_interval *out)
{
    out->n = n;
    if (n == 0) {
        out->median = out->lo = out->hi = NAN;
        return 0;
    }
    double *sorted = malloc(n * sizeof *sorted), *scratch = malloc(n * sizeof *scratch);
    double *boot = malloc(ALTINJ_STATS_BOOTSTRAP * sizeof *boot);
    gsl_rng *rng = seeded_rng(seed);
    int rc = -1;
    if (!sorted || !scratch || !boot || !rng)
        goto out;
    memcpy(sorted, x, n * sizeof *x);
    gsl_sort(sorted, 1, n);
    out->median = median_sorted(sorted, n);
    for (size_t b = 0; b < ALTINJ_STATS_BOOTSTRAP; b++)
        boot[b] = resampled_median(rng, x, n, scratch);
    percentile_interval(boot, &out->lo, &out->hi);
    rc = 0;
out:
    gsl_rng_free(rng);
    free(boot);
    free(scratch);
    free(sorted);
    return rc;
}

struct ranked {
    double v;
    size_t from_a;
};

static int cmp_ranked(const void *x, const void *y)
{
    const double a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;
    return (a > b) - (a < b);
}

/* The rank sum of a (mid-ranks for ties) and the tie term sum(t^3 - t) over tie groups. */
static void rank_sum(const double *a, size_t na, const double *b, size_t nb,
                     struct ranked *all, double *ra, double *tie_term)
{
    const size_t n = na + nb;
    for (size_t i = 0; i < na; i++)
        all[i] = (struct ranked){a[i], 1};
    for (size_t i = 0; i < nb; i++)
        all[na + i] = (struct ranked){b[i], 0};
    qsort(all, n, sizeof *all, cmp_ranked);
    *ra = 0;
    *tie_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && all[j].v == all[i].v)
            j++;
        const double t = (double)(j - i), mid = ((double)i + 1 + (double)j) / 2;
        for (size_t k = i; k < j; k++)
            if (all[k].from_a)
                *ra += mid;
        *tie_term += t * t * t - t;
        i = j;
    }
}

/* Two-sided Mann-Whitney U p-value, the method chosen as scipy.stats.mannwhitneyu's
 * method="auto" does (exact for small samples without ties), so a reviewer can reproduce
 * every figure with scipy. */
static double mwu_p(const double *a, size_t na, const double *b, size_t nb, bool *exact,
                    struct ranked *scratch)
{
    double ra, tie_term;
    rank_sum(a, na, b, nb, scratch, &ra, &tie_term);
    const double n1 = (double)na, n2 = (double)nb, n = n1 + n2;
    const double u1 = ra - n1 * (n1 + 1) / 2, u = fmax(u1, n1 * n2 - u1);
    double p;
    *exact = (na <= 8 || nb <= 8) && tie_term == 0;
    if (*exact) {
        /* P(U >= u) = P(U > u - 1): the upper tail of R's Wilcoxon distribution. */
        p = 2 * pwilcox(u - 1, n1, n2, 0, 0);
        wilcox_free();
    } else {
        const double s = sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))));
        if (s == 0)
            return 1; /* every value equal: no evidence either way */
        p = 2 * pnorm((u - n1 * n2 / 2 - 0.5) / s, 0, 1, 0, 0);
    }
    return p > 1 ? 1 : p;
}

int altinj_stats_compare(const double *a, size_t na, const double *b, size_t nb,
                         uint64_t seed, struct altinj_test *out)
{
    if (na == 0 || nb == 0)
        return -1;
    const size_t big = na > nb ? na : nb;
    struct ranked *all = malloc((na + nb) * sizeof *all);
    double *sa = malloc(na * sizeof *sa), *sb = malloc(nb * sizeof *sb);
    double *scratch = malloc(big * sizeof *scratch);
    double *boot = malloc(ALTINJ_STATS_BOOTSTRAP * sizeof *boot);
    gsl_rng *rng = seeded_rng(seed);
    int rc = -1;
    if (!all || !sa || !sb || !scratch || !boot || !rng)
        goto out;
    memcpy(sa, a, na * sizeof *a);
    memcpy(sb, b, nb * sizeof *b);
    gsl_sort(sa, 1, na);
    gsl_sort(sb, 1, nb);
    out->effect = median_sorted(sa, na) - median_sorted(sb, nb);
    out->p_value = mwu_p(a, na, b, nb, &out->exact, all);
    for (size_t k = 0; k < ALTINJ_STATS_BOOTSTRAP; k++) {
        const double ma = resampled_median(rng, a, na, scratch);
        boot[k] = ma - resampled_median(rng, b, nb, scratch);
    }
    percentile_interval(boot, &out->lo, &out->hi);
    rc = 0;
out:
    gsl_rng_free(rng);
    free(boot);
    free(scratch);
    free(sb);
    free(sa);
    free(all);
    return rc;
}

int altinj_stats_holm(const double *p, size_t n, double *adj)
{
    if (n == 0)
        return 0;
    size_t *order = malloc(n * sizeof *order);
    double *raw = malloc(n * sizeof *raw);
    if (!order || !raw) {
        free(order);
        free(raw);
        return -1;
    }
    memcpy(raw, p, n * sizeof *p); /* adj may alias p */
    gsl_sort_index(order, raw, 1, n);
    double running = 0;
    for (size_t k = 0; k < n; k++) {
        double v = (double)(n - k) * raw[order[k]];
        if (v > 1)
            v = 1;
        if (v > running)
            running = v; /* step-down: never below an earlier, smaller p's adjustment */
        adj[order[k]] = running;
    }
    free(raw);
    free(order);
    return 0;
}
