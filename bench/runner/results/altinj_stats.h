/*
 * Statistics over repetitions: a median with its 95 % interval, and a two-sample test with an
 * effect and its interval, Holm-corrected across a family of tests.
 *
 * What comes from libraries and what is written here, and why:
 *   - the Mann-Whitney U distribution (exact, no ties): libRmath's pwilcox (R's own code,
 *     Debian r-mathlib); the normal tail with tie correction: libRmath's pnorm;
 *   - resampling and quantiles: GSL's gsl_rng (MT19937) and gsl_stats_quantile_from_sorted_data
 *     (Debian libgsl-dev);
 *   - the percentile bootstrap loop and Holm's step-down are written here: neither library
 *     has them for C (scipy.stats.bootstrap and statsmodels' multipletests are Python), and
 *     each is a few lines on top of the library calls.
 * Every result is a pure function of its inputs and the seed given, so a simulated run's JSON
 * stays the same bytes for the same arguments.
 */
#ifndef ALTINJ_STATS_H
#define ALTINJ_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Resamples per bootstrap interval: enough that the 2.5 % and 97.5 % quantiles move by less
 * than the spread of five repetitions between seeds. */
#define ALTINJ_STATS_BOOTSTRAP 2000u
#define ALTINJ_STATS_ALPHA 0.05

struct altinj_interval {
    double median; /* the sample median (mean of the two middle values for even n) */
    double lo, hi; /* percentile-bootstrap 95 % interval of the median; lo = hi = median for
                      n = 1; all NaN for n = 0 */
    size_t n;
};

/* The median of x[0..n) and its bootstrap interval, from ALTINJ_STATS_BOOTSTRAP resamples
 * drawn with `seed`. x is not modified. Returns 0, or -1 when out of memory. */
int altinj_stats_median_ci(const double *x, size_t n, uint64_t seed,
                           struct altinj_interval *out);

struct altinj_test {
    double p_value; /* two-sided Mann-Whitney U: exact (Rmath pwilcox) when the pooled values
                       have no ties and at least one sample has n <= 8; otherwise the normal
                       approximation with tie and continuity correction: the choice scipy.stats
                       mannwhitneyu(method="auto") makes; 1 when every value is equal */
    double effect;  /* median(a) - median(b), in the metric's unit */
    double lo, hi;  /* percentile-bootstrap 95 % interval of that difference (each sample
                       resampled on its own) */
    bool exact;     /* which p-value was used */
};

/* Compares a[0..na) with b[0..nb); both n >= 1 (a p-value of 1 and an interval from the
 * bootstrap when either n is 1). Returns 0, or -1 when out of memory or a sample is empty. */
int altinj_stats_compare(const double *a, size_t na, const double *b, size_t nb,
                         uint64_t seed, struct altinj_test *out);

/* Holm's step-down adjustment of p[0..n) into adj[0..n) (may alias p): sorted ascending,
 * the k-th smallest (0-based) becomes max over j <= k of min(1, (n - j) * p_(j)). A test is
 * significant at family-wise level alpha when adj < alpha. Returns 0, or -1 when out of
 * memory. */
int altinj_stats_holm(const double *p, size_t n, double *adj);

#endif
