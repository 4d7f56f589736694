/*
 * Repetition statistics against reference figures.
 *
 * Every p-value below was computed with scipy 1.10.1 (Debian bookworm python3-scipy),
 * scipy.stats.mannwhitneyu(a, b, method="auto"), which altinj_stats_compare promises to
 * reproduce: exact for small samples without ties, normal with tie and continuity correction
 * otherwise. The Holm figures are worked by hand from the definition.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "altinj_stats.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void expect_p(const double *a, size_t na, const double *b, size_t nb, double want,
                     bool exact)
{
    struct altinj_test t;
    assert_int_equal(altinj_stats_compare(a, na, b, nb, 1, &t), 0);
    assert_true(fabs(t.p_value - want) < 1e-12 * (want > 1e-3 ? want : 1e-3) + 1e-14);
    assert_int_equal(t.exact, exact);
    /* Symmetric: the p-value does not depend on which side is a. */
    struct altinj_test u;
    assert_int_equal(altinj_stats_compare(b, nb, a, na, 1, &u), 0);
    assert_true(fabs(u.p_value - t.p_value) < 1e-12);
    assert_true(fabs(u.effect + t.effect) < 1e-12);
}

static void mwu_matches_scipy(void **state)
{
    (void)state;
    const double sep_a[] = {1, 2, 3, 4, 5}, sep_b[] = {6, 7, 8, 9, 10};
    expect_p(sep_a, 5, sep_b, 5, 0.007936507936507936, true);
    const double mix_a[] = {1.2, 3.4, 2.2, 5.1, 4.0}, mix_b[] = {2.5, 3.9, 6.1, 5.5, 4.4};
    expect_p(mix_a, 5, mix_b, 5, 0.2222222222222222, true);
    const double tie_a[] = {1, 2, 2, 3, 4}, tie_b[] = {2, 3, 3, 5, 6};
    expect_p(tie_a, 5, tie_b, 5, 0.19882894401644247, false);
    const double big_a[] = {0.0, 1.0, 2.4623, 4.1712, 6.0629, 8.1033, 10.2706, 12.5495,
                            14.9285, 17.3986};
    const double big_b[] = {1.1033, 2.4009, 4.0212, 5.8609, 7.8731, 10.0299, 12.3123,
                            14.7065, 17.2021, 19.7905};
    expect_p(big_a, N(big_a), big_b, N(big_b), 0.6775849579524755, false);
    const double un_a[] = {3.1, 4.1, 5.9}, un_b[] = {2.6, 5.3, 5.8, 9.7, 9.3, 2.3, 8.4};
    expect_p(un_a, N(un_a), un_b, N(un_b), 0.6666666666666666, true);
}

static void all_equal_is_no_evidence(void **state)
{
    (void)state;
    const double a[] = {7, 7, 7, 7, 7}, b[] = {7, 7, 7, 7, 7};
    struct altinj_test t;
    assert_int_equal(altinj_stats_compare(a, 5, b, 5, 3, &t), 0);
    assert_true(t.p_value == 1.0);
    assert_true(t.effect == 0 && t.lo == 0 && t.hi == 0);
}

static void effect_interval_brackets_the_difference(void **state)
{
    (void)state;
    const double a[] = {10, 11, 12, 13, 14}, b[] = {1, 2, 3, 4, 5};
    struct altinj_test t;
    assert_int_equal(altinj_stats_compare(a, 5, b, 5, 9, &t), 0);
    assert_true(t.effect == 9.0);
    /* Every resampled difference of medians lies between min(a)-max(b) and max(a)-min(b). */
    assert_true(t.lo <= t.effect && t.effect <= t.hi);
    assert_true(t.lo >= 10 - 5 && t.hi <= 14 - 1);
    assert_true(t.lo > 0); /* fully separated samples: the interval excludes 0 */
    /* Deterministic for one seed. */
    struct altinj_test u;
    assert_int_equal(altinj_stats_compare(a, 5, b, 5, 9, &u), 0);
    assert_true(u.lo == t.lo && u.hi == t.hi);
}

static void median_interval(void **state)
{
    (void)state;
    const double x[] = {5, 1, 4, 2, 3, 100};
    struct altinj_interval iv;
    assert_int_equal(altinj_stats_median_ci(x, N(x), 4, &iv), 0);
    assert_true(iv.median == 3.5);
    assert_int_equal(iv.n, 6);
    assert_true(iv.lo <= iv.median && iv.median <= iv.hi);
    assert_true(iv.lo >= 1 && iv.hi <= 100);
    assert_true(x[0] == 5 && x[5] == 100); /* input untouched */
    const double one[] = {42};
    assert_int_equal(altinj_stats_median_ci(one, 1, 4, &iv), 0);
    assert_true(iv.median == 42 && iv.lo == 42 && iv.hi == 42);
    assert_int_equal(altinj_stats_median_ci(one, 0, 4, &iv), 0);
    assert_true(isnan(iv.median) && isnan(iv.lo) && iv.n == 0);
}

static void holm_step_down(void **state)
{
    (void)state;
    /* Sorted: 0.005 x4 = 0.02, 0.01 x3 = 0.03, 0.03 x2 = 0.06, 0.04 x1 = 0.04 -> 0.06. */
    double p[] = {0.01, 0.04, 0.03, 0.005}, adj[4];
    assert_int_equal(altinj_stats_holm(p, 4, adj), 0);
    const double want[] = {0.03, 0.06, 0.06, 0.02};
    for (size_t i = 0; i < 4; i++)
        assert_true(fabs(adj[i] - want[i]) < 1e-15);
    /* Capped at 1, and in place. */
    double q[] = {0.6, 0.5};
    assert_int_equal(altinj_stats_holm(q, 2, q), 0);
    assert_true(q[0] == 1.0 && q[1] == 1.0);
}

static void empty_sample_refused(void **state)
{
    (void)state;
    const double a[] = {1};
    struct altinj_test t;
    assert_int_equal(altinj_stats_compare(a, 1, a, 0, 1, &t), -1);
    assert_int_equal(altinj_stats_compare(a, 0, a, 1, 1, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mwu_matches_scipy),
        cmocka_unit_test(all_equal_is_no_evidence),
        cmocka_unit_test(effect_interval_brackets_the_difference),
        cmocka_unit_test(median_interval),
        cmocka_unit_test(holm_step_down),
        cmocka_unit_test(empty_sample_refused),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
