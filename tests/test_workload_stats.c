/* Arrival generators: the RNG against published vectors, each kind's statistics, the busy and
 * exception decisions, determinism, and the fill/merge/pregenerate helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "altinj_event.h"
#include "altinj_irq.h"
#include "altinj_rng.h"
#include "altinj_workload.h"

#define N 200000u

static void parse_ok(const char *spec, struct altinj_workload_spec *s)
{
    char err[512] = "";
    if (altinj_workload_parse(spec, s, err, sizeof(err)) != 0)
        fail_msg("parse '%s' failed: %s", spec, err);
}

/* First n arrivals of one source of spec. */
static struct altinj_arrival *take(const char *spec, unsigned source, uint64_t seed, size_t n)
{
    struct altinj_workload_spec s;
    parse_ok(spec, &s);
    struct altinj_arrivals *g = altinj_arrivals_create(&s, source, seed);
    assert_non_null(g);
    struct altinj_arrival *a = calloc(n, sizeof(*a));
    assert_non_null(a);
    assert_int_equal(altinj_arrivals_fill(g, a, n, UINT64_MAX), n);
    altinj_arrivals_destroy(g);
    altinj_workload_spec_free(&s);
    return a;
}

static void test_rng_reference_vectors(void **state)
{
    (void)state;
    /* Published: xoshiro256** from state {1,2,3,4} (reference implementation, as rand_xoshiro
     * tests it) and splitmix64 from 0. */
    static const uint64_t xo[] = {11520u, 0u, 1509978240u, UINT64_C(1215971899390074240),
                                  UINT64_C(1216172134540287360), UINT64_C(607988272756665600),
                                  UINT64_C(16172922978634559625),
                                  UINT64_C(8476171486693032832),
                                  UINT64_C(10595114339597558777),
                                  UINT64_C(2904607092377533576)};
    struct altinj_rng r = {{1, 2, 3, 4}};
    for (size_t i = 0; i < sizeof(xo) / sizeof(xo[0]); i++)
        assert_true(altinj_rng_next(&r) == xo[i]);
    static const uint64_t sm[] = {UINT64_C(0xE220A8397B1DCDAF), UINT64_C(0x6E789E6AA1B965F4),
                                  UINT64_C(0x06C45D188009454F), UINT64_C(0xF88BB8A8724C81EC)};
    uint64_t st = 0;
    for (size_t i = 0; i < 4; i++)
        assert_true(altinj_splitmix64(&st) == sm[i]);
    /* Seeding is splitmix64 into the four words. */
    altinj_rng_seed(&r, 0);
    for (size_t i = 0; i < 4; i++)
        assert_true(r.s[i] == sm[i]);

    /* uniform: top 53 bits, never 1.0; exp: finite, non-negative. */
    struct altinj_rng a = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
    struct altinj_rng b = a;
    const uint64_t raw = altinj_rng_next(&b);
    const double u = altinj_rng_uniform(&a);
    assert_true(u == (double)(raw >> 11) * 0x1.0p-53);
    assert_true(u < 1.0);
    altinj_rng_seed(&r, 123);
    for (int i = 0; i < 100000; i++) {
        const double x = altinj_rng_uniform(&r);
        assert_true(x >= 0.0 && x < 1.0);
        const double e = altinj_rng_exp(&r, 2.0);
        assert_true(e >= 0.0 && e <= 36.8 / 2.0);
    }

    /* Streams of one seed differ from each other and from the plain seed. */
    struct altinj_rng s0, s1;
    altinj_rng_seed(&r, 9);
    altinj_rng_seed_stream(&s0, 9, 0);
    altinj_rng_seed_stream(&s1, 9, 1);
    const uint64_t x0 = altinj_rng_next(&r), x1 = altinj_rng_next(&s0), x2 = altinj_rng_next(&s1);
    assert_true(x0 != x1 && x1 != x2 && x0 != x2);
}

static void test_timer_exact_period(void **state)
{
    (void)state;
    struct altinj_arrival *a = take("timer:hz=1000", 0, 1, N);
    for (size_t i = 0; i < N; i++)
        assert_true(a[i].t_ns == (uint64_t)i * 1000000u);
    free(a);
    a = take("timer:hz=1e6,vector=0x41", 0, 1, N);
    for (size_t i = 0; i < N; i++) {
        assert_true(a[i].t_ns == (uint64_t)i * 1000u);
        assert_int_equal(a[i].vector, 0x41);
        assert_int_equal(a[i].type, ALTINJ_EVENT_EXTINT);
        assert_false(a[i].error_valid);
    }
    free(a);
    /* A non-integral period does not drift: t_k = round(k * 1e9 / 3). */
    a = take("timer:hz=3", 0, 1, 3001);
    for (size_t i = 0; i < 3001; i++)
        assert_true(a[i].t_ns == (uint64_t)llround((double)i * 1e9 / 3.0));
    assert_true(a[3000].t_ns == UINT64_C(1000000000000));
    free(a);
    /* The timer draws no times, so its arrival times ignore the seed. */
    struct altinj_arrival *b = take("timer:hz=48000", 0, 99, 1000);
    a = take("timer:hz=48000", 0, 1, 1000);
    for (size_t i = 0; i < 1000; i++)
        assert_true(a[i].t_ns == b[i].t_ns);
    free(a);
    free(b);
}

/* Mean rate (per second) and coefficient of variation of the gaps. */
static void gap_stats(const struct altinj_arrival *a, size_t n, double *rate, double *cv)
{
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 1; i < n; i++) {
        assert_true(a[i].t_ns >= a[i - 1].t_ns);
        const double g = (double)(a[i].t_ns - a[i - 1].t_ns);
        sum += g;
        sum2 += g * g;
    }
    const double m = sum / (double)(n - 1);
    *rate = 1e9 / m;
    *cv = sqrt(sum2 / (double)(n - 1) - m * m) / m;
}

static void test_poisson_rate_and_cv(void **state)
{
    (void)state;
    static const double rates[] = {1e4, 1e5, 1e6};
    for (size_t r = 0; r < 3; r++) {
        char spec[64];
        snprintf(spec, sizeof(spec), "poisson:rate=%g", rates[r]);
        struct altinj_arrival *a = take(spec, 0, 20250415u + r, N);
        double rate, cv;
        gap_stats(a, N, &rate, &cv);
        print_message("%s: rate %.1f cv %.4f\n", spec, rate, cv);
        assert_true(fabs(rate / rates[r] - 1.0) < 0.02);
        assert_true(fabs(cv - 1.0) < 0.03);
        assert_int_equal(a[0].vector, 0x30);
        free(a);
    }
}

static void test_burst_windows_and_rate(void **state)
{
    (void)state;
    /* 100 us on at 1 MHz (about 100 per burst), 400 us off. */
    struct altinj_arrival *a = take("burst:rate=1e6,on=100,off=400", 0, 7, N);
    const uint64_t on = 100000, cycle = 500000;
    for (size_t i = 0; i < N; i++)
        if (a[i].t_ns % cycle >= on)
            fail_msg("arrival %zu at %llu ns falls in an off window", i,
                     (unsigned long long)a[i].t_ns);
    /* Whole cycles only, so the partial last burst does not bias the rate. */
    const uint64_t cycles = a[N - 1].t_ns / cycle;
    size_t in = 0;
    while (in < N && a[in].t_ns < cycles * cycle)
        in++;
    const double in_burst = (double)in / ((double)cycles * (double)on * 1e-9);
    print_message("burst: %llu cycles, in-burst rate %.0f\n", (unsigned long long)cycles,
                  in_burst);
    assert_true(fabs(in_burst / 1e6 - 1.0) < 0.02);
    /* Long-run mean is rate * on / (on + off). */
    const double mean = (double)in / ((double)cycles * (double)cycle * 1e-9);
    assert_true(fabs(mean / 2e5 - 1.0) < 0.02);
    /* Arrivals start in the first window. */
    assert_true(a[0].t_ns < on);
    free(a);

    /* A fractional duty cycle: on=0.5 us, off=2.5 us, in-burst 1e8/s (50 per window). */
    a = take("burst:rate=1e8,on=0.5,off=2.5", 0, 3, N);
    for (size_t i = 0; i < N; i++)
        assert_true(a[i].t_ns % 3000 < 500);
    free(a);
}

static void test_ipi_fan_in(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("ipi:senders=8,rate=1e6", &s);
    assert_int_equal(altinj_workload_sources(&s), 8);
    struct altinj_merge *m = altinj_merge_create(&s, 11);
    assert_non_null(m);
    struct altinj_arrival *a = calloc(N, sizeof(*a));
    assert_int_equal(altinj_merge_fill(m, a, N, UINT64_MAX), N);
    size_t per[8] = {0};
    for (size_t i = 0; i < N; i++) {
        assert_true(a[i].source < 8);
        per[a[i].source]++;
        assert_int_equal(a[i].vector, 0xFB);
        if (i > 0) {
            assert_true(a[i].t_ns >= a[i - 1].t_ns);
            /* Ties go to the lower source; one source may repeat a ns (gaps under 1 ns). */
            if (a[i].t_ns == a[i - 1].t_ns)
                assert_true(a[i].source >= a[i - 1].source);
        }
    }
    double rate, cv;
    gap_stats(a, N, &rate, &cv);
    print_message("ipi merged: rate %.1f cv %.4f\n", rate, cv);
    assert_true(fabs(rate / 1e6 - 1.0) < 0.02);
    assert_true(fabs(cv - 1.0) < 0.03); /* superposed Poisson is Poisson */
    for (unsigned k = 0; k < 8; k++)
        assert_true(fabs((double)per[k] / (N / 8.0) - 1.0) < 0.05);

    /* Each source alone runs at N/K. */
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 5, 11);
    struct altinj_arrival *b = calloc(N / 4, sizeof(*b));
    assert_int_equal(altinj_arrivals_fill(g, b, N / 4, UINT64_MAX), N / 4);
    gap_stats(b, N / 4, &rate, &cv);
    assert_true(fabs(rate / 125000.0 - 1.0) < 0.03);
    for (size_t i = 0; i < N / 4; i++)
        assert_int_equal(b[i].source, 5);
    altinj_arrivals_destroy(g);
    assert_null(altinj_arrivals_create(&s, 8, 11));
    free(a);
    free(b);
    altinj_merge_destroy(m);
    altinj_workload_spec_free(&s);
}

static void test_busy_fraction(void **state)
{
    (void)state;
    static const char *const specs[] = {"poisson:rate=1e5", "timer:hz=1000,busy=0.2",
                                        "burst:rate=1e6,on=10,off=10,busy=0.5"};
    static const double want[] = {0.05, 0.2, 0.5};
    for (size_t k = 0; k < 3; k++) {
        struct altinj_arrival *a = take(specs[k], 0, 5, N);
        size_t busy = 0;
        for (size_t i = 0; i < N; i++)
            busy += a[i].busy;
        const double f = (double)busy / N;
        print_message("%s: busy %.4f\n", specs[k], f);
        assert_true(fabs(f - want[k]) < 0.005);
        free(a);
    }
    struct altinj_arrival *a = take("poisson:rate=1e5,busy=0", 0, 5, 10000);
    for (size_t i = 0; i < 10000; i++)
        assert_false(a[i].busy);
    free(a);
    a = take("poisson:rate=1e5,busy=1", 0, 5, 10000);
    for (size_t i = 0; i < 10000; i++)
        assert_true(a[i].busy);
    free(a);
}

static void test_exception_fraction_and_split(void **state)
{
    (void)state;
    struct altinj_arrival *a = take("poisson:rate=1e5,exc=0.2,vector=0x77", 0, 8, N);
    size_t pf = 0, vc = 0, ext = 0;
    for (size_t i = 0; i < N; i++) {
        if (a[i].type == ALTINJ_EVENT_EXTINT) {
            assert_int_equal(a[i].vector, 0x77);
            assert_false(a[i].error_valid);
            assert_int_equal(a[i].error_code, 0);
            ext++;
            continue;
        }
        assert_int_equal(a[i].type, ALTINJ_EVENT_EXCEPTION);
        assert_true(a[i].error_valid);
        if (a[i].vector == ALTINJ_VEC_PF) {
            assert_int_equal(a[i].error_code, ALTINJ_WL_PF_ERROR_CODE);
            pf++;
        } else {
            assert_int_equal(a[i].vector, ALTINJ_VEC_VC);
            assert_int_equal(a[i].error_code, 0x72);
            vc++;
        }
    }
    print_message("exc: pf %zu vc %zu ext %zu\n", pf, vc, ext);
    assert_true(fabs((double)(pf + vc) / N - 0.2) < 0.005);
    assert_true(fabs((double)pf / N - 0.1) < 0.005);
    assert_true(fabs((double)vc / N - 0.1) < 0.005);
    free(a);

    a = take("ipi:senders=3,rate=3e5,exc=1", 2, 8, 10000);
    pf = 0;
    for (size_t i = 0; i < 10000; i++) {
        assert_int_equal(a[i].type, ALTINJ_EVENT_EXCEPTION);
        pf += a[i].vector == ALTINJ_VEC_PF;
    }
    assert_true(pf > 4500 && pf < 5500);
    free(a);
}

static void test_determinism(void **state)
{
    (void)state;
    static const char *const specs[] = {"poisson:rate=1e6,busy=0.3,exc=0.1",
                                        "burst:rate=1e6,on=5,off=20,exc=0.5",
                                        "ipi:senders=4,rate=4e5", "timer:hz=1e4,busy=0.5"};
    for (size_t k = 0; k < 4; k++) {
        const unsigned src = k == 2 ? 3 : 0;
        struct altinj_arrival *a = take(specs[k], src, 42, 20000);
        struct altinj_arrival *b = take(specs[k], src, 42, 20000);
        struct altinj_arrival *c = take(specs[k], src, 43, 20000);
        assert_memory_equal(a, b, 20000 * sizeof(*a));
        assert_memory_not_equal(a, c, 20000 * sizeof(*a));
        free(a);
        free(b);
        free(c);
    }
    /* seed= in the spec overrides the caller's seed. */
    struct altinj_arrival *a = take("poisson:rate=1e6,seed=42", 0, 1, 1000);
    struct altinj_arrival *b = take("poisson:rate=1e6", 0, 42, 1000);
    assert_memory_equal(a, b, 1000 * sizeof(*a));
    free(a);
    free(b);
    /* Sources of one spec are independent streams. */
    a = take("ipi:senders=2,rate=1e6", 0, 42, 1000);
    b = take("ipi:senders=2,rate=1e6", 1, 42, 1000);
    assert_memory_not_equal(a, b, 1000 * sizeof(*a));
    free(a);
    free(b);
    /* busy= and exc= never move an arrival time; exc= never changes a busy decision. */
    a = take("poisson:rate=1e6,busy=0.1,exc=0", 0, 42, 5000);
    b = take("poisson:rate=1e6,busy=0.9,exc=0.7", 0, 42, 5000);
    struct altinj_arrival *c = take("poisson:rate=1e6,busy=0.1,exc=0.7", 0, 42, 5000);
    for (size_t i = 0; i < 5000; i++) {
        assert_true(a[i].t_ns == b[i].t_ns);
        assert_true(a[i].busy == c[i].busy);
        assert_true(a[i].busy <= b[i].busy); /* monotone coupling */
    }
    free(a);
    free(b);
    free(c);
    /* Golden values pin the stream itself (integer-only path: timer times, busy draws), so a
     * change to seeding or to the RNG shows up here and not only as a statistical drift. */
    a = take("timer:hz=1000,busy=0.5", 0, 1, 64);
    uint64_t bits = 0;
    for (size_t i = 0; i < 64; i++)
        bits |= (uint64_t)a[i].busy << i;
    print_message("timer busy bits seed 1: 0x%016llx\n", (unsigned long long)bits);
    assert_true(bits == UINT64_C(0xe193a84ad1c9a483));
    free(a);
}

static void test_fill_keeps_the_bounding_arrival(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("timer:hz=1000", &s);
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 0, 1);
    struct altinj_arrival buf[16];
    /* [0, 5 ms): 0..4 ms; the 5 ms arrival stays for the next call. */
    assert_int_equal(altinj_arrivals_fill(g, buf, 16, 5000000), 5);
    assert_true(buf[4].t_ns == 4000000);
    assert_int_equal(altinj_arrivals_fill(g, buf, 16, 5000000), 0);
    assert_int_equal(altinj_arrivals_fill(g, NULL, 3, UINT64_MAX), 3); /* count only */
    struct altinj_arrival a;
    assert_true(altinj_arrivals_next(g, &a));
    assert_true(a.t_ns == 8000000);
    altinj_arrivals_destroy(g);

    struct altinj_merge *m = altinj_merge_create(&s, 1);
    assert_int_equal(altinj_merge_fill(m, buf, 16, 2500000), 3);
    assert_true(altinj_merge_next(m, &a));
    assert_true(a.t_ns == 3000000);
    altinj_merge_destroy(m);

    struct altinj_arrival *all;
    size_t n;
    assert_int_equal(altinj_workload_pregenerate(&s, 1, SIZE_MAX, 1000000000, &all, &n), 0);
    assert_int_equal(n, 1000);
    assert_true(all[999].t_ns == 999000000);
    free(all);
    assert_int_equal(altinj_workload_pregenerate(&s, 1, 10000, UINT64_MAX, &all, &n), 0);
    assert_int_equal(n, 10000);
    free(all);
    assert_int_equal(altinj_workload_pregenerate(&s, 1, 0, UINT64_MAX, &all, &n), 0);
    assert_int_equal(n, 0);
    assert_null(all);
    /* Endless source, no bound: refused rather than eating memory. */
    assert_int_equal(altinj_workload_pregenerate(&s, 1, SIZE_MAX, UINT64_MAX, &all, &n), -1);
    altinj_workload_spec_free(&s);
}

static void test_horizon_ends_a_source(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    /* At 1e-9 per second the mean gap is 1e18 ns, so a handful of arrivals reach the 2^62 ns
     * horizon, where the source must end rather than convert an out-of-range double. */
    parse_ok("poisson:rate=1e-9", &s);
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 0, 3);
    struct altinj_arrival a;
    size_t n = 0;
    uint64_t last = 0;
    while (n < 1000 && altinj_arrivals_next(g, &a)) {
        assert_true(a.t_ns < ALTINJ_WL_HORIZON_NS && a.t_ns >= last);
        last = a.t_ns;
        n++;
    }
    assert_true(n < 1000);
    assert_false(altinj_arrivals_next(g, &a));
    altinj_arrivals_destroy(g);
    altinj_workload_spec_free(&s);
}

static void test_arrival_to_irq(void **state)
{
    (void)state;
    const struct altinj_arrival a = {.t_ns = 5, .error_code = 0x72, .vector = ALTINJ_VEC_VC,
                                     .type = ALTINJ_EVENT_EXCEPTION, .source = 3,
                                     .error_valid = true, .busy = true};
    struct altinj_irq irq;
    altinj_arrival_to_irq(&a, 17, 12345, &irq);
    assert_int_equal(irq.seq, 17);
    assert_int_equal(irq.intended, 12345);
    assert_int_equal(irq.vector, ALTINJ_VEC_VC);
    assert_int_equal(irq.type, ALTINJ_EVENT_EXCEPTION);
    assert_int_equal(irq.error_valid, 1);
    assert_int_equal(irq.error_code, 0x72);
    assert_int_equal(irq.source, 3);
    assert_int_equal(irq.delivery_cut, 1);
    const uint64_t ev = altinj_irq_eventinj(&irq);
    assert_int_equal(ev & 0xFF, ALTINJ_VEC_VC);
    assert_true((ev >> 32) == 0x72);
}

/* A gross regression guard, not a benchmark: next() is meant to cost tens of ns; fail only if
 * it costs microseconds (the sanitizer build and a loaded machine stay well under). */
static void test_next_is_cheap(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("poisson:rate=1e6,exc=0.1", &s);
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 0, 1);
    struct altinj_arrival a;
    uint64_t sink = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 1000000; i++) {
        altinj_arrivals_next(g, &a);
        sink += a.t_ns;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec))
                      / 1e6;
    print_message("poisson next(): %.1f ns/arrival (sink %llu)\n", ns,
                  (unsigned long long)(sink & 1));
    assert_true(ns < 1000.0);
    altinj_arrivals_destroy(g);
    altinj_workload_spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_reference_vectors),
        cmocka_unit_test(test_timer_exact_period),
        cmocka_unit_test(test_poisson_rate_and_cv),
        cmocka_unit_test(test_burst_windows_and_rate),
        cmocka_unit_test(test_ipi_fan_in),
        cmocka_unit_test(test_busy_fraction),
        cmocka_unit_test(test_exception_fraction_and_split),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_fill_keeps_the_bounding_arrival),
        cmocka_unit_test(test_horizon_ends_a_source),
        cmocka_unit_test(test_arrival_to_irq),
        cmocka_unit_test(test_next_is_cheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
