/* TSC calibration, conversions and busy-waits. No assertion depends on how fast or
 * quiet the machine is: only sanity bands and "at least n cycles". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_tsc.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Independent reference for round(a * mul / div), saturating, by splitting a = q*div + r
 * in 64-bit arithmetic only (valid while r * mul < 2^64, i.e. div * mul < ~1.8e19). */
static uint64_t ref_muldiv(uint64_t a, uint64_t mul, uint64_t div)
{
    uint64_t q = a / div, r = a % div;
    uint64_t hi, lo = (r * mul + div / 2) / div, out;
    if (__builtin_mul_overflow(q, mul, &hi) || __builtin_add_overflow(hi, lo, &out))
        return UINT64_MAX;
    return out;
}

static void calibrate_is_sane_or_refuses_clearly(void **state)
{
    (void)state;
    struct altinj_tsc_clock c;
    memset(&c, 0xA5, sizeof(c));
    struct altinj_tsc_clock before = c;
    char err[256] = "";
    int rc = altinj_tsc_calibrate(&c, err, sizeof(err));
    if (!altinj_tsc_is_invariant()) {
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, "not invariant"));
        assert_memory_equal(&c, &before, sizeof(c));
        skip();
    }
    if (rc != 0)
        fail_msg("calibration failed on an invariant-TSC CPU: %s", err);
    assert_true(c.invariant);
    assert_true(c.hz >= UINT64_C(100000000));   /* 0.1 GHz */
    assert_true(c.hz <= UINT64_C(10000000000)); /* 10 GHz */
    /* A TSC read is tens of cycles; even a trapping one (VM) is well under 100k. */
    assert_true(c.read_overhead_cycles < 100000);
    printf("# tsc: %.6f GHz, read overhead %llu cycles, window spread %u ppm\n", c.hz / 1e9,
           (unsigned long long)c.read_overhead_cycles, c.spread_ppm);
}

static void calibrate_err_may_be_null(void **state)
{
    (void)state;
    struct altinj_tsc_clock c;
    int rc = altinj_tsc_calibrate(&c, NULL, 0);
    assert_int_equal(rc, altinj_tsc_is_invariant() ? 0 : -1);
}

static void conversions_exact_and_overflow_free(void **state)
{
    (void)state;
    const uint64_t rates[] = { 1000000, 100000000, 2994374612u, 3000000000u, 3700000001u,
                               9999999999u };
    uint64_t seed = 42;
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        struct altinj_tsc_clock c = { .hz = rates[r], .invariant = true };
        assert_int_equal(altinj_tsc_to_ns(&c, 0), 0);
        assert_int_equal(altinj_ns_to_tsc(&c, 0), 0);
        assert_int_equal(altinj_tsc_to_ns(&c, c.hz), 1000000000u);
        assert_int_equal(altinj_ns_to_tsc(&c, 1000000000u), c.hz);
        /* Ten hours: cycles * 1e9 overflows 64 bits; the result must not. */
        uint64_t ten_h = c.hz * 36000u;
        assert_int_equal(altinj_tsc_to_ns(&c, ten_h), UINT64_C(36000000000000));
        assert_int_equal(altinj_ns_to_tsc(&c, UINT64_C(36000000000000)), ten_h);
        for (int i = 0; i < 20000; i++) {
            uint64_t x = splitmix(&seed) >> (splitmix(&seed) % 64);
            assert_int_equal(altinj_tsc_to_ns(&c, x), ref_muldiv(x, 1000000000u, c.hz));
            assert_int_equal(altinj_ns_to_tsc(&c, x), ref_muldiv(x, c.hz, 1000000000u));
            /* Round trip loses at most the rounding of each direction (2^50 cycles: no
             * saturation at any rate tested). */
            if (x < (UINT64_C(1) << 50)) {
                uint64_t back = altinj_ns_to_tsc(&c, altinj_tsc_to_ns(&c, x));
                uint64_t diff = back > x ? back - x : x - back;
                assert_true(diff <= 1 + c.hz / 1000000000u);
            }
        }
    }
    /* Saturation instead of wrap-around. */
    struct altinj_tsc_clock fast = { .hz = 5000000000u, .invariant = true };
    assert_int_equal(altinj_ns_to_tsc(&fast, UINT64_MAX), UINT64_MAX);
    struct altinj_tsc_clock slow = { .hz = 1000000u, .invariant = true };
    assert_int_equal(altinj_tsc_to_ns(&slow, UINT64_MAX), UINT64_MAX);
}

static void spend_takes_at_least_n_cycles(void **state)
{
    (void)state;
    const uint64_t ns[] = { 0, 1, 10, 100, 255, 256, 257, 1000, 3200, 100000, 3000000 };
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        for (int rep = 0; rep < 5; rep++) {
            uint64_t t0 = altinj_tsc_now_ordered();
            uint64_t end = altinj_tsc_spend(ns[i]);
            uint64_t t1 = altinj_tsc_now_ordered();
            assert_true(end - t0 >= ns[i]);
            assert_true(t1 - t0 >= ns[i]);
        }
    }
}

static void spin_until_reaches_deadline(void **state)
{
    (void)state;
    uint64_t now = altinj_tsc_now();
    /* Past deadline: returns at once with a reading at or after it. */
    uint64_t r = altinj_tsc_spin_until(now - 1000);
    assert_true(r >= now - 1000);
    for (uint64_t d = 1; d <= 1000000; d *= 10) {
        uint64_t deadline = altinj_tsc_now() + d;
        uint64_t end = altinj_tsc_spin_until(deadline);
        assert_true(end >= deadline);
        assert_true(altinj_tsc_now_ordered() >= deadline);
    }
}

static void ordered_reads_do_not_go_backwards(void **state)
{
    (void)state;
    /* One CPU, so no cross-CPU TSC skew can enter. */
    cpu_set_t set, old;
    int have_old = sched_getaffinity(0, sizeof(old), &old) == 0;
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        (void)sched_setaffinity(0, sizeof(set), &set);
    }
    uint64_t prev = altinj_tsc_now_ordered();
    for (int i = 0; i < 100000; i++) {
        uint64_t t = altinj_tsc_now_ordered();
        assert_true(t >= prev);
        prev = t;
    }
    if (have_old)
        (void)sched_setaffinity(0, sizeof(old), &old);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Informational only: how far past the deadline spend() returns, as a distribution. */
static void report_spend_overshoot(void **state)
{
    (void)state;
    enum { N = 2001 };
    static uint64_t over[N];
    for (int i = 0; i < N; i++) {
        uint64_t deadline = altinj_tsc_now() + 3000;
        over[i] = altinj_tsc_spin_until(deadline) - deadline;
    }
    qsort(over, N, sizeof(over[0]), cmp_u64);
    printf("# spin_until overshoot (cycles): min %llu, median %llu, p99 %llu, max %llu\n",
           (unsigned long long)over[0], (unsigned long long)over[N / 2],
           (unsigned long long)over[N * 99 / 100], (unsigned long long)over[N - 1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calibrate_is_sane_or_refuses_clearly),
        cmocka_unit_test(calibrate_err_may_be_null),
        cmocka_unit_test(conversions_exact_and_overflow_free),
        cmocka_unit_test(spend_takes_at_least_n_cycles),
        cmocka_unit_test(spin_until_reaches_deadline),
        cmocka_unit_test(ordered_reads_do_not_go_backwards),
        cmocka_unit_test(report_spend_overshoot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
