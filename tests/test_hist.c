/* altinj_hist against exact statistics from sorted samples, and its text outputs parsed
 * back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_hist.h"
#include "altinj_hist_output.h"
#include "altinj_tsc.h"

__extension__ typedef unsigned __int128 u128;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The documented bound: exact below 2048, else v <= r <= v + floor(v / 1024). */
static void assert_within_bound(uint64_t exact, uint64_t reported)
{
    if (reported < exact || reported - exact > exact / 1024)
        fail_msg("reported %llu for exact %llu: outside [v, v + v/1024]",
                 (unsigned long long)reported, (unsigned long long)exact);
}

enum dist { LOG_UNIFORM, SMALL_UNIFORM, CONSTANT, BIMODAL, NEAR_POW2, NS_LATENCY, DIST_COUNT };

static uint64_t draw(enum dist d, uint64_t *seed)
{
    uint64_t r = splitmix(seed);
    switch (d) {
    case LOG_UNIFORM: { /* exponent uniform in 0..62, mantissa uniform: 1 .. 2^63-1 */
        unsigned e = (unsigned)(r % 63);
        uint64_t base = UINT64_C(1) << e;
        return base + (splitmix(seed) & (base - 1));
    }
    case SMALL_UNIFORM:
        return r % 3000;
    case CONSTANT:
        return 123456789;
    case BIMODAL:
        return (r & 1) ? 1000 + (r >> 1) % 50 : UINT64_C(1000000000) + (r >> 1) % 5000000;
    case NEAR_POW2: { /* values that sit on sub-bucket and bucket edges */
        unsigned e = 11 + (unsigned)(r % 52);
        int64_t off = (int64_t)((r >> 8) % 5) - 2;
        return (UINT64_C(1) << e) + (uint64_t)off;
    }
    case NS_LATENCY: /* typical: a few us with a long tail */
        return 800 + (r % 4000) + ((r >> 40) % 1000 == 0 ? (r >> 12) % 50000000 : 0);
    default:
        return 0;
    }
}

static void index_layout_matches_bound(void **state)
{
    (void)state;
    assert_int_equal(altinj_hist_index(0), 0);
    assert_int_equal(altinj_hist_index(2047), 2047);
    assert_int_equal(altinj_hist_index(2048), 2048);
    assert_int_equal(altinj_hist_index(UINT64_MAX), ALTINJ_HIST_COUNTS_LEN - 1);
    assert_int_equal(ALTINJ_HIST_COUNTS_LEN, 56320);

    uint64_t seed = 7;
    for (uint64_t i = 0; i < 400000; i++) {
        uint64_t v = i < 70000 ? i : splitmix(&seed) >> (splitmix(&seed) % 64);
        size_t idx = altinj_hist_index(v);
        uint64_t lo = altinj_hist_lowest_equivalent(v), hi = altinj_hist_highest_equivalent(v);
        assert_true(idx < ALTINJ_HIST_COUNTS_LEN);
        assert_true(lo <= v && v <= hi);
        assert_int_equal(altinj_hist_index(lo), idx);
        assert_int_equal(altinj_hist_index(hi), idx);
        if (lo > 0)
            assert_int_equal(altinj_hist_index(lo - 1), idx - 1);
        if (hi < UINT64_MAX)
            assert_int_equal(altinj_hist_index(hi + 1), idx + 1);
        if (v < 2048)
            assert_int_equal(hi, lo);
        else
            assert_true(hi - lo <= lo / 1024);
    }
    for (unsigned e = 0; e < 64; e++) {
        uint64_t p = UINT64_C(1) << e;
        assert_true(altinj_hist_lowest_equivalent(p) == p);
        assert_true(altinj_hist_highest_equivalent(p - 1) == p - 1);
    }
}

struct reference {
    uint64_t *sorted;
    size_t n;
    double mean, sd;
};

static void make_reference(struct reference *ref, const uint64_t *v, size_t n)
{
    ref->sorted = malloc(n * sizeof(uint64_t));
    assert_non_null(ref->sorted);
    memcpy(ref->sorted, v, n * sizeof(uint64_t));
    qsort(ref->sorted, n, sizeof(uint64_t), cmp_u64);
    ref->n = n;
    u128 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    ref->mean = (double)(sum / n) + (double)(sum % n) / (double)n;
    long double acc = 0;
    for (size_t i = 0; i < n; i++) {
        long double d = (long double)v[i] - ref->mean;
        acc += d * d;
    }
    ref->sd = (double)sqrtl(acc / n);
}

/* Exact percentile with p = k / 1000 %, rank = max(1, ceil(k * n / 100000)). */
static uint64_t exact_at(const struct reference *ref, uint64_t k)
{
    u128 num = (u128)k * ref->n;
    uint64_t rank = (uint64_t)((num + 99999) / 100000);
    if (rank < 1)
        rank = 1;
    return ref->sorted[rank - 1];
}

static void check_against_reference(const struct altinj_hist *h, const struct reference *ref,
                                    uint64_t *seed)
{
    assert_int_equal(altinj_hist_count(h), ref->n);
    assert_int_equal(altinj_hist_min(h), ref->sorted[0]);
    assert_int_equal(altinj_hist_max(h), ref->sorted[ref->n - 1]);
    double m = altinj_hist_mean(h);
    assert_true(fabs(m - ref->mean) <= ref->mean * 1e-12 + 1e-9);
    /* Each sample is represented within v/2048 of itself: the L2 error is bounded by
     * max/2048 (triangle inequality). */
    double sd = altinj_hist_stddev(h);
    assert_true(fabs(sd - ref->sd) <= (double)ref->sorted[ref->n - 1] / 2048.0 + ref->sd * 1e-9);

    static const uint64_t fixed_k[] = { 0, 1, 10, 1000, 10000, 25000, 50000, 75000, 90000,
                                         99000, 99900, 99990, 99999, 100000 };
    for (size_t i = 0; i < sizeof(fixed_k) / sizeof(fixed_k[0]) + 200; i++) {
        uint64_t k = i < sizeof(fixed_k) / sizeof(fixed_k[0]) ? fixed_k[i]
                                                               : splitmix(seed) % 100001;
        uint64_t exact = exact_at(ref, k);
        uint64_t got = altinj_hist_value_at_percentile(h, (double)k / 1000.0);
        assert_within_bound(exact, got);
        assert_true(got >= ref->sorted[0] && got <= ref->sorted[ref->n - 1]);
    }
    assert_int_equal(altinj_hist_value_at_percentile(h, 100.0), ref->sorted[ref->n - 1]);
}

static void percentiles_match_sorted_samples(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1, 2, 3, 7, 100, 1000, 10007, 100003 };
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    uint64_t seed = 2024;
    uint64_t *v = malloc(100003 * sizeof(uint64_t));
    assert_non_null(v);
    for (int d = 0; d < DIST_COUNT; d++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            size_t n = sizes[s];
            altinj_hist_reset(&h);
            for (size_t i = 0; i < n; i++) {
                v[i] = draw((enum dist)d, &seed);
                altinj_hist_record(&h, v[i]);
            }
            struct reference ref;
            make_reference(&ref, v, n);
            check_against_reference(&h, &ref, &seed);
            free(ref.sorted);
        }
    }
    free(v);
    altinj_hist_free(&h);
}

static void decimal_percentiles_pick_the_right_rank(void **state)
{
    (void)state;
    /* 1..1000: p99.9 must be the 999th value, not the 1000th through rounding. */
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    for (uint64_t i = 1; i <= 1000; i++)
        altinj_hist_record(&h, i);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 99.9), 999);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 50.0), 500);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 0.0), 1);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 0.05), 1);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 0.1), 1);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 0.11), 2);
    /* Out-of-range p clamps; NaN counts as 0. */
    assert_int_equal(altinj_hist_value_at_percentile(&h, -5.0), 1);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 150.0), 1000);
    assert_int_equal(altinj_hist_value_at_percentile(&h, NAN), 1);
    altinj_hist_free(&h);
}

static void edge_values_are_exact(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    const uint64_t edges[] = { 0, 1, 2, 2047, 2048, INT64_MAX, (uint64_t)INT64_MAX + 1,
                               UINT64_MAX - 1, UINT64_MAX };
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
        altinj_hist_record(&h, edges[i]);
    assert_int_equal(altinj_hist_count(&h), 9);
    assert_int_equal(altinj_hist_min(&h), 0);
    assert_int_equal(altinj_hist_max(&h), UINT64_MAX);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 100.0), UINT64_MAX);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 0.0), 0);
    /* rank 2 of 9 -> 1 (exact); rank 5 -> 2048, reported as its sub-bucket's top, 2049 */
    assert_int_equal(altinj_hist_value_at_percentile(&h, 100.0 * 2 / 9), 1);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 100.0 * 5 / 9), 2049);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 100.0 * 4 / 9), 2047);
    /* Mean survives a sum beyond 2^64: exact 128-bit sum / 9. */
    u128 sum = 0;
    for (size_t i = 0; i < 9; i++)
        sum += edges[i];
    double exact = (double)(sum / 9) + (double)(sum % 9) / 9.0;
    assert_true(fabs(altinj_hist_mean(&h) - exact) <= exact * 1e-15);

    /* Two UINT64_MAX: the 64-bit sum would wrap. */
    altinj_hist_reset(&h);
    altinj_hist_record(&h, UINT64_MAX);
    altinj_hist_record(&h, UINT64_MAX);
    assert_true(altinj_hist_mean(&h) == (double)UINT64_MAX);
    assert_true(altinj_hist_stddev(&h) == 0.0);
    altinj_hist_free(&h);
}

static void empty_and_reset(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    struct altinj_hist_iter it;
    struct altinj_hist_bucket b;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(altinj_hist_count(&h), 0);
        assert_int_equal(altinj_hist_min(&h), 0);
        assert_int_equal(altinj_hist_max(&h), 0);
        assert_true(altinj_hist_mean(&h) == 0.0);
        assert_true(altinj_hist_stddev(&h) == 0.0);
        assert_int_equal(altinj_hist_value_at_percentile(&h, 50.0), 0);
        altinj_hist_iter_init(&it, &h);
        assert_false(altinj_hist_iter_next(&it, &b));
        for (size_t i = 0; i < ALTINJ_HIST_COUNTS_LEN; i++)
            if (h.counts[i])
                fail_msg("counter %zu not zero after reset", i);
        uint64_t seed = 5;
        for (int i = 0; i < 10000; i++)
            altinj_hist_record(&h, draw(LOG_UNIFORM, &seed));
        altinj_hist_record(&h, 0);
        altinj_hist_record(&h, UINT64_MAX);
        altinj_hist_reset(&h);
    }
    /* Usable after reset, and after free + init. */
    altinj_hist_record(&h, 77);
    assert_int_equal(altinj_hist_value_at_percentile(&h, 50), 77);
    altinj_hist_free(&h);
    altinj_hist_free(&h); /* documented safe */
    assert_int_equal(altinj_hist_init(&h), 0);
    assert_int_equal(altinj_hist_count(&h), 0);
    altinj_hist_free(&h);
}

static void assert_same_hist(const struct altinj_hist *a, const struct altinj_hist *b)
{
    assert_int_equal(altinj_hist_count(a), altinj_hist_count(b));
    assert_int_equal(altinj_hist_min(a), altinj_hist_min(b));
    assert_int_equal(altinj_hist_max(a), altinj_hist_max(b));
    assert_int_equal(a->sum_lo, b->sum_lo);
    assert_int_equal(a->sum_hi, b->sum_hi);
    assert_memory_equal(a->counts, b->counts, ALTINJ_HIST_COUNTS_LEN * sizeof(uint64_t));
    for (int k = 0; k <= 100000; k += 997)
        assert_int_equal(altinj_hist_value_at_percentile(a, k / 1000.0),
                         altinj_hist_value_at_percentile(b, k / 1000.0));
}

static void merge_equals_recording_both(void **state)
{
    (void)state;
    struct altinj_hist a, b, both, empty;
    assert_int_equal(altinj_hist_init(&a), 0);
    assert_int_equal(altinj_hist_init(&b), 0);
    assert_int_equal(altinj_hist_init(&both), 0);
    assert_int_equal(altinj_hist_init(&empty), 0);
    uint64_t seed = 99;
    for (int i = 0; i < 50000; i++) {
        uint64_t v = draw(NS_LATENCY, &seed);
        altinj_hist_record(&a, v);
        altinj_hist_record(&both, v);
    }
    for (int i = 0; i < 30000; i++) {
        uint64_t v = draw(LOG_UNIFORM, &seed);
        altinj_hist_record(&b, v);
        altinj_hist_record(&both, v);
    }
    altinj_hist_merge(&a, &b);
    assert_same_hist(&a, &both);
    altinj_hist_merge(&a, &empty); /* no-op */
    assert_same_hist(&a, &both);
    altinj_hist_merge(&empty, &both); /* into empty: a copy */
    assert_same_hist(&empty, &both);

    /* Self-merge doubles: same as record_n(v, 2) for every sample. */
    struct altinj_hist twice;
    assert_int_equal(altinj_hist_init(&twice), 0);
    altinj_hist_reset(&a);
    seed = 3;
    for (int i = 0; i < 1000; i++) {
        uint64_t v = draw(BIMODAL, &seed);
        altinj_hist_record(&a, v);
        altinj_hist_record_n(&twice, v, 2);
    }
    altinj_hist_merge(&a, &a);
    assert_same_hist(&a, &twice);

    altinj_hist_free(&a);
    altinj_hist_free(&b);
    altinj_hist_free(&both);
    altinj_hist_free(&empty);
    altinj_hist_free(&twice);
}

static void record_n_equals_repeated_record(void **state)
{
    (void)state;
    struct altinj_hist a, b;
    assert_int_equal(altinj_hist_init(&a), 0);
    assert_int_equal(altinj_hist_init(&b), 0);
    uint64_t seed = 11;
    for (int i = 0; i < 200; i++) {
        uint64_t v = draw(LOG_UNIFORM, &seed), n = splitmix(&seed) % 20;
        altinj_hist_record_n(&a, v, n);
        for (uint64_t j = 0; j < n; j++)
            altinj_hist_record(&b, v);
    }
    assert_same_hist(&a, &b);
    /* n == 0 leaves min/max alone. */
    altinj_hist_record_n(&a, 0, 0);
    altinj_hist_record_n(&a, UINT64_MAX, 0);
    assert_same_hist(&a, &b);
    altinj_hist_free(&a);
    altinj_hist_free(&b);
}

static void iterator_covers_every_sample(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    uint64_t seed = 17;
    for (int i = 0; i < 20000; i++)
        altinj_hist_record(&h, draw(NS_LATENCY, &seed));
    struct altinj_hist_iter it;
    struct altinj_hist_bucket b;
    altinj_hist_iter_init(&it, &h);
    uint64_t sum = 0, prev_hi = 0;
    bool first = true;
    while (altinj_hist_iter_next(&it, &b)) {
        assert_true(b.count > 0);
        assert_true(b.lo <= b.hi);
        assert_true(first || b.lo > prev_hi);
        assert_int_equal(altinj_hist_lowest_equivalent(b.hi), b.lo);
        sum += b.count;
        assert_int_equal(b.cumulative, sum);
        prev_hi = b.hi;
        first = false;
    }
    assert_int_equal(sum, altinj_hist_count(&h));
    assert_true(altinj_hist_lowest_equivalent(altinj_hist_max(&h)) == altinj_hist_lowest_equivalent(prev_hi));
    altinj_hist_free(&h);
}

/* ---- outputs ---- */

static char *slurp(FILE *f)
{
    long len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    return buf;
}

static void cyclictest_output_parses_back(void **state)
{
    (void)state;
    enum { COLS = 3, ROWS = 100 };
    struct altinj_hist h[COLS];
    static uint64_t exact_rows[COLS][ROWS];
    uint64_t exact_over[COLS] = { 0 };
    memset(exact_rows, 0, sizeof(exact_rows));
    uint64_t seed = 8;
    for (int c = 0; c < COLS; c++) {
        assert_int_equal(altinj_hist_init(&h[c]), 0);
        /* Column 2 stays empty. Values < 16384 ns so no sub-bucket straddles a us. */
        int n = c == 0 ? 5000 : c == 1 ? 777 : 0;
        for (int i = 0; i < n; i++) {
            uint64_t v = splitmix(&seed) % 16384;
            if (c == 1 && i % 100 == 0)
                v = 200000 + i; /* overflow rows */
            altinj_hist_record(&h[c], v);
            if (v / 1000 < ROWS)
                exact_rows[c][v / 1000]++;
            else
                exact_over[c]++;
        }
    }
    const struct altinj_hist *cols[COLS] = { &h[0], &h[1], &h[2] };
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_hist_output_cyclictest(f, cols, COLS, 1000.0, ROWS), 0);
    char *text = slurp(f);
    fclose(f);

    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    assert_string_equal(line, "# Histogram");
    uint64_t col_sum[COLS] = { 0 };
    for (unsigned r = 0; r < ROWS; r++) {
        line = strtok_r(NULL, "\n", &save);
        assert_non_null(line);
        char expect_idx[16];
        snprintf(expect_idx, sizeof(expect_idx), "%06u ", r);
        assert_memory_equal(line, expect_idx, 7);
        const char *p = line + 7;
        for (int c = 0; c < COLS; c++) {
            char *end;
            assert_true(p[0] >= '0' && p[0] <= '9');
            assert_true(strspn(p, "0123456789") >= 6); /* %06llu */
            unsigned long long v = strtoull(p, &end, 10);
            assert_int_equal(v, exact_rows[c][r]);
            col_sum[c] += v;
            if (c + 1 < COLS) {
                assert_int_equal(*end, '\t');
                p = end + 1;
            } else {
                assert_int_equal(*end, '\0');
            }
        }
    }
    unsigned long long t[COLS], mn[COLS], av[COLS], mx[COLS], ov[COLS];
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "# Total: %llu %llu %llu", &t[0], &t[1], &t[2]), 3);
    assert_non_null(strstr(line, " 000"));
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "# Min Latencies: %llu %llu %llu", &mn[0], &mn[1], &mn[2]), 3);
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "# Avg Latencies: %llu %llu %llu", &av[0], &av[1], &av[2]), 3);
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "# Max Latencies: %llu %llu %llu", &mx[0], &mx[1], &mx[2]), 3);
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(
        sscanf(line, "# Histogram Overflows: %llu %llu %llu", &ov[0], &ov[1], &ov[2]), 3);
    for (int c = 0; c < COLS; c++) {
        assert_int_equal(t[c], col_sum[c]);
        assert_int_equal(ov[c], exact_over[c]);
        assert_int_equal(t[c] + ov[c], altinj_hist_count(&h[c]));
        assert_int_equal(mn[c], altinj_hist_min(&h[c]) / 1000);
        assert_int_equal(mx[c], altinj_hist_max(&h[c]) / 1000);
        assert_int_equal(av[c], (unsigned long long)floor(altinj_hist_mean(&h[c]) / 1000.0));
    }
    line = strtok_r(NULL, "\n", &save);
    assert_string_equal(line, "# Histogram Overflow at cycle number:");
    line = strtok_r(NULL, "\n", &save);
    assert_string_equal(line, "# Thread 0:");
    line = strtok_r(NULL, "\n", &save);
    char expect[64];
    snprintf(expect, sizeof(expect), "# Thread 1: # %05llu others", (unsigned long long)exact_over[1]);
    assert_string_equal(line, expect);
    line = strtok_r(NULL, "\n", &save);
    assert_string_equal(line, "# Thread 2:");
    assert_null(strtok_r(NULL, "\n", &save));
    /* Ends with cyclictest's blank line. */
    free(text);
    for (int c = 0; c < COLS; c++)
        altinj_hist_free(&h[c]);
}

/* Byte-exact text for 1..10: the percentile rows were derived by hand from HdrHistogram's
 * PercentileIterator (5 ticks per half distance), the layout from its Java format strings
 * and from rt-tests cyclictest.c print_hist(). */
static void outputs_match_golden_text(void **state)
{
    (void)state;
    static const char percentiles[] =
        "       Value     Percentile TotalCount 1/(1-Percentile)\n"
        "\n"
        "       1.000 0.000000000000          1           1.00\n"
        "       1.000 0.100000000000          1           1.11\n"
        "       2.000 0.200000000000          2           1.25\n"
        "       3.000 0.300000000000          3           1.43\n"
        "       4.000 0.400000000000          4           1.67\n"
        "       5.000 0.500000000000          5           2.00\n"
        "       6.000 0.550000000000          6           2.22\n"
        "       6.000 0.600000000000          6           2.50\n"
        "       7.000 0.650000000000          7           2.86\n"
        "       7.000 0.700000000000          7           3.33\n"
        "       8.000 0.750000000000          8           4.00\n"
        "       8.000 0.775000000000          8           4.44\n"
        "       8.000 0.800000000000          8           5.00\n"
        "       9.000 0.825000000000          9           5.71\n"
        "       9.000 0.850000000000          9           6.67\n"
        "       9.000 0.875000000000          9           8.00\n"
        "       9.000 0.887500000000          9           8.89\n"
        "       9.000 0.900000000000          9          10.00\n"
        "      10.000 0.912500000000         10          11.43\n"
        "      10.000 1.000000000000         10\n"
        "#[Mean    =        5.500, StdDeviation   =        2.872]\n"
        "#[Max     =       10.000, Total count    =           10]\n"
        "#[Buckets =           54, SubBuckets     =         2048]\n";
    static const char cyclictest[] =
        "# Histogram\n"
        "000000 000000\t000000\n"
        "000001 000001\t000000\n"
        "000002 000001\t000000\n"
        "000003 000001\t000000\n"
        "000004 000001\t000000\n"
        "000005 000001\t000000\n"
        "000006 000001\t000000\n"
        "000007 000001\t000000\n"
        "# Total: 000000007 000000000\n"
        "# Min Latencies: 00001 00000\n"
        "# Avg Latencies: 00005 00000\n"
        "# Max Latencies: 00010 00000\n"
        "# Histogram Overflows: 00003 00000\n"
        "# Histogram Overflow at cycle number:\n"
        "# Thread 0: # 00003 others\n"
        "# Thread 1:\n"
        "\n";
    struct altinj_hist h, empty;
    assert_int_equal(altinj_hist_init(&h), 0);
    assert_int_equal(altinj_hist_init(&empty), 0);
    for (uint64_t v = 1; v <= 10; v++)
        altinj_hist_record(&h, v); /* exact buckets: the golden text is exact */
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_hist_output_percentiles(f, &h, 5, 1.0), 0);
    char *text = slurp(f);
    assert_string_equal(text, percentiles);
    free(text);
    fclose(f);

    /* 1..10 us in ns; 9000 and 10000 sit in 8-ns-wide sub-buckets, rows unaffected. */
    altinj_hist_reset(&h);
    for (uint64_t v = 1; v <= 10; v++)
        altinj_hist_record(&h, v * 1000);

    const struct altinj_hist *cols[2] = { &h, &empty };
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_hist_output_cyclictest(f, cols, 2, 1000.0, 8), 0);
    text = slurp(f);
    assert_string_equal(text, cyclictest);
    free(text);
    fclose(f);
    altinj_hist_free(&h);
    altinj_hist_free(&empty);
}

static void cyclictest_output_rejects_bad_args(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    const struct altinj_hist *one[1] = { &h };
    const struct altinj_hist *null_col[1] = { NULL };
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_hist_output_cyclictest(f, one, 0, 1000.0, 10), -1);
    assert_int_equal(altinj_hist_output_cyclictest(f, one, 1, 0.0, 10), -1);
    assert_int_equal(altinj_hist_output_cyclictest(f, one, 1, NAN, 10), -1);
    assert_int_equal(altinj_hist_output_cyclictest(f, one, 1, 1000.0, 0), -1);
    assert_int_equal(altinj_hist_output_cyclictest(f, null_col, 1, 1000.0, 10), -1);
    assert_int_equal(altinj_hist_output_percentiles(f, &h, 0, 1.0), -1);
    assert_int_equal(altinj_hist_output_percentiles(f, &h, 5, 0.0), -1);
    fclose(f);
    altinj_hist_free(&h);
}

static void outputs_report_write_errors(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip();
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    altinj_hist_record(&h, 1234);
    const struct altinj_hist *one[1] = { &h };
    assert_int_equal(altinj_hist_output_cyclictest(f, one, 1, 1000.0, 10), -1);
    clearerr(f);
    assert_int_equal(altinj_hist_output_percentiles(f, &h, 5, 1000.0), -1);
    fclose(f);
    altinj_hist_free(&h);
}

/* Parses the table; checks structure, monotonicity and each row against the buckets. */
static void check_percentile_table(const struct altinj_hist *h, double scale, unsigned ticks)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_hist_output_percentiles(f, h, ticks, scale), 0);
    char *text = slurp(f);
    fclose(f);

    /* Header, then HdrHistogram's blank line. */
    static const char header[] = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n";
    assert_memory_equal(text, header, sizeof(header) - 1);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    assert_string_equal(line, "       Value     Percentile TotalCount 1/(1-Percentile)");
    uint64_t total = altinj_hist_count(h);
    double prev_v = -1, prev_p = -1;
    unsigned long long prev_c = 0;
    int rows = 0;
    bool saw_last = false;
    double first_levels[16];
    while ((line = strtok_r(NULL, "\n", &save)) && line[0] != '#') {
        double v, p, inv;
        unsigned long long c;
        int got = sscanf(line, "%lf %lf %llu %lf", &v, &p, &c, &inv);
        assert_false(saw_last); /* the 3-column row is the last one */
        if (got == 3) {
            saw_last = true;
            assert_true(p == 1.0);
            assert_int_equal(c, total);
            assert_true(fabs(v - (double)altinj_hist_max(h) / scale) < 0.0005 + v * 1e-12);
        } else {
            assert_int_equal(got, 4);
            assert_true(fabs(inv - 1.0 / (1.0 - p)) <= 0.005 + inv * 1e-9);
            /* Row value: the clamped top of the bucket whose cumulative count is c. */
            struct altinj_hist_iter it;
            struct altinj_hist_bucket b;
            altinj_hist_iter_init(&it, h);
            bool found = false;
            while (altinj_hist_iter_next(&it, &b))
                if (b.cumulative == c) {
                    uint64_t hi = b.hi > altinj_hist_max(h) ? altinj_hist_max(h) : b.hi;
                    if (hi < altinj_hist_min(h))
                        hi = altinj_hist_min(h);
                    assert_true(fabs(v - (double)hi / scale) < 0.0005 + v * 1e-12);
                    /* the level is reached by this bucket */
                    assert_true(100.0 * (double)c / (double)total >= p * 100.0 - 1e-9);
                    found = true;
                    break;
                }
            assert_true(found);
        }
        assert_true(v >= prev_v);
        assert_true(p > prev_p || (p == 1.0 && saw_last));
        assert_true(c >= prev_c);
        if (rows < 16)
            first_levels[rows] = p;
        prev_v = v;
        prev_p = p;
        prev_c = c;
        rows++;
    }
    assert_true(total == 0 ? rows == 0 && !saw_last : saw_last);
    if (total >= 100000 && ticks == 5 && rows >= 17) {
        /* HdrHistogram's level sequence for 5 ticks per half distance. */
        static const double expect[] = { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65,
                                         0.7, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875 };
        for (int i = 0; i < 16; i++)
            assert_true(fabs(first_levels[i] - expect[i]) < 1e-12);
    }
    double mean, sd, max;
    unsigned long long cnt;
    int buckets, subs;
    assert_non_null(line);
    assert_int_equal(sscanf(line, "#[Mean    = %lf, StdDeviation   = %lf]", &mean, &sd), 2);
    assert_true(fabs(mean - altinj_hist_mean(h) / scale) < 0.0005 + mean * 1e-12);
    assert_true(fabs(sd - altinj_hist_stddev(h) / scale) < 0.0005 + sd * 1e-12);
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "#[Max     = %lf, Total count    = %llu]", &max, &cnt), 2);
    assert_int_equal(cnt, total);
    assert_true(fabs(max - (double)altinj_hist_max(h) / scale) < 0.0005 + max * 1e-12);
    line = strtok_r(NULL, "\n", &save);
    assert_int_equal(sscanf(line, "#[Buckets = %d, SubBuckets     = %d]", &buckets, &subs), 2);
    assert_int_equal(buckets, 54);
    assert_int_equal(subs, 2048);
    assert_null(strtok_r(NULL, "\n", &save));
    free(text);
}

static void percentile_table_parses_back(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    check_percentile_table(&h, 1.0, 5); /* empty */
    altinj_hist_record(&h, 4242);
    check_percentile_table(&h, 1000.0, 5); /* one value: a 0 % row and the 100 % row */
    uint64_t seed = 123;
    for (int d = 0; d < DIST_COUNT; d++) {
        altinj_hist_reset(&h);
        for (int i = 0; i < 200000; i++)
            altinj_hist_record(&h, d == CONSTANT ? 5 : (uint64_t)(i + 1) * 7 + splitmix(&seed) % 3);
        check_percentile_table(&h, 1000.0, 5);
        check_percentile_table(&h, 1.0, 1);
        altinj_hist_reset(&h);
        for (int i = 0; i < 5000; i++)
            altinj_hist_record(&h, draw((enum dist)d, &seed));
        check_percentile_table(&h, 1.0, 5);
        check_percentile_table(&h, 1e6, 3);
    }
    altinj_hist_free(&h);
}

/* Informational only (no assertion): cost of record() and of a stamp + record. */
static void report_record_cost(void **state)
{
    (void)state;
    struct altinj_hist h;
    assert_int_equal(altinj_hist_init(&h), 0);
    enum { N = 2000000 };
    uint64_t seed = 1, t0 = altinj_tsc_now_ordered();
    for (int i = 0; i < N; i++)
        altinj_hist_record(&h, 1000 + (splitmix(&seed) & 4095));
    uint64_t t1 = altinj_tsc_now_ordered();
    for (int i = 0; i < N; i++) {
        uint64_t a = altinj_tsc_now();
        altinj_hist_record(&h, altinj_tsc_now() - a);
    }
    uint64_t t2 = altinj_tsc_now_ordered();
    printf("# record: %.1f cycles/sample (incl. rng); 2 stamps + record: %.1f cycles\n",
           (double)(t1 - t0) / N, (double)(t2 - t1) / N);
    altinj_hist_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_layout_matches_bound),
        cmocka_unit_test(percentiles_match_sorted_samples),
        cmocka_unit_test(decimal_percentiles_pick_the_right_rank),
        cmocka_unit_test(edge_values_are_exact),
        cmocka_unit_test(empty_and_reset),
        cmocka_unit_test(merge_equals_recording_both),
        cmocka_unit_test(record_n_equals_repeated_record),
        cmocka_unit_test(iterator_covers_every_sample),
        cmocka_unit_test(cyclictest_output_parses_back),
        cmocka_unit_test(outputs_match_golden_text),
        cmocka_unit_test(cyclictest_output_rejects_bad_args),
        cmocka_unit_test(outputs_report_write_errors),
        cmocka_unit_test(percentile_table_parses_back),
        cmocka_unit_test(report_record_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
