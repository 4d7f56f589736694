/* The noise probe (core/altinj_noise.h) and thread usage (core/altinj_thread_usage.h, and the
 * live run's usage fields in altinj_run_result). Gap classification, aggregation and the
 * /proc/stat parser are checked exactly on synthetic input; the real probe and the live run only
 * for structure (ordered counts, bounded shares, refused bad input), never for how quiet this
 * machine is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_live.h"
#include "altinj_noise.h"
#include "altinj_thread_usage.h"
#include "altinj_workload.h"

/* 1 GHz: one cycle is one ns, so the synthetic readings below read as ns. */
static const struct altinj_tsc_clock GHZ = {.hz = 1000000000u, .invariant = true};

static void assert_close(double a, double b)
{
    if (fabs(a - b) > 1e-9 * (fabs(b) > 1 ? fabs(b) : 1))
        fail_msg("%.12g != %.12g", a, b);
}

/* The structure every report has, however noisy the machine. */
static void assert_well_formed(const struct altinj_noise_report *r)
{
    assert_true(r->gaps_over_1ms <= r->gaps_over_100us);
    assert_true(r->gaps_over_100us <= r->gaps_over_10us);
    assert_true(r->gaps_over_1ms_per_s <= r->gaps_over_100us_per_s);
    assert_true(r->gaps_over_100us_per_s <= r->gaps_over_10us_per_s);
    if (r->gaps_over_1ms > 0)
        assert_true(r->worst_gap_us >= 1000.0);
    if (r->gaps_over_10us > 0)
        assert_true(r->worst_gap_us > 10.0);
    assert_true(r->lost_cpu_pct >= 0.0 && r->lost_cpu_pct <= 100.0);
    assert_true(r->steal >= -1);
    assert_true(r->gap_s <= r->cpu_s * (1 + 1e-12));
}

static void limits_are_the_classes(void **state)
{
    (void)state;
    struct altinj_noise_limits lim;
    altinj_noise_limits_of(&GHZ, &lim);
    assert_int_equal(lim.over_10us, 10000);
    assert_int_equal(lim.over_100us, 100000);
    assert_int_equal(lim.over_1ms, 1000000);
    const struct altinj_tsc_clock c3 = {.hz = 3000000000u};
    altinj_noise_limits_of(&c3, &lim);
    assert_int_equal(lim.over_10us, 30000);
    assert_int_equal(lim.over_1ms, 3000000);
}

/* Each class counts gaps strictly longer than its limit, and nests in the one below. */
static void synthetic_gaps_are_classified(void **state)
{
    (void)state;
    struct altinj_noise_limits lim;
    altinj_noise_limits_of(&GHZ, &lim);
    const uint64_t gaps[] = {20, 30, 10000, 10001, 99999, 100000, 100001, 1000000, 1000001, 25};
    uint64_t tsc[1 + sizeof gaps / sizeof gaps[0]];
    tsc[0] = 5000;
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        tsc[i + 1] = tsc[i] + gaps[i];
    struct altinj_noise_tally t = {0};
    altinj_noise_tally_readings(&lim, tsc, sizeof tsc / sizeof tsc[0], &t);
    /* over 10 us: 10001, 99999, 100000, 100001, 1000000, 1000001 (10000 itself is not over) */
    assert_int_equal(t.gaps_over_10us, 6);
    assert_int_equal(t.gaps_over_100us, 3);
    assert_int_equal(t.gaps_over_1ms, 1);
    assert_int_equal(t.gap_cycles, 10001 + 99999 + 100000 + 100001 + 1000000 + 1000001);
    assert_int_equal(t.worst_cycles, 1000001);
    uint64_t span = 0;
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        span += gaps[i];
    assert_int_equal(t.span_cycles, span);

    struct altinj_noise_report r;
    altinj_noise_report_from_tally(&GHZ, &t, 1, 0.5, 7, &r);
    assert_well_formed(&r);
    const double cpu_s = (double)span * 1e-9;
    assert_close(r.cpu_s, cpu_s);
    assert_close(r.gaps_over_10us_per_s, 6 / cpu_s);
    assert_close(r.gaps_over_100us_per_s, 3 / cpu_s);
    assert_close(r.gaps_over_1ms_per_s, 1 / cpu_s);
    assert_close(r.worst_gap_us, 1000.001);
    assert_close(r.lost_cpu_pct, 100.0 * (double)t.gap_cycles / (double)span);
    assert_close(r.probe_s, 0.5);
    assert_int_equal(r.cpus, 1);
    assert_int_equal(r.steal, 7);
    assert_int_equal(r.windows, 1);
}

/* A thread that sleeps 1.5 ms in a 50 ms window of 30-cycle reads: one gap of each class. */
static void injected_gap_is_seen(void **state)
{
    (void)state;
    struct altinj_noise_limits lim;
    altinj_noise_limits_of(&GHZ, &lim);
    enum { N = 50000000 / 30 };
    static uint64_t tsc[N];
    uint64_t now = 1;
    for (size_t i = 0; i < N; i++) {
        tsc[i] = now;
        now += i == N / 2 ? 1500000 : 30;
    }
    struct altinj_noise_tally t = {0};
    altinj_noise_tally_readings(&lim, tsc, N, &t);
    assert_int_equal(t.gaps_over_10us, 1);
    assert_int_equal(t.gaps_over_100us, 1);
    assert_int_equal(t.gaps_over_1ms, 1);
    assert_int_equal(t.worst_cycles, 1500000);
    struct altinj_noise_report r;
    altinj_noise_report_from_tally(&GHZ, &t, 1, 0.05, -1, &r);
    assert_well_formed(&r);
    assert_close(r.worst_gap_us, 1500.0);
    assert_true(r.lost_cpu_pct > 2.9 && r.lost_cpu_pct < 3.1); /* 1.5 ms of 51.5 ms */
}

/* No gap at all, a decreasing reading, one reading: nothing counted, nothing divided by 0. */
static void degenerate_readings(void **state)
{
    (void)state;
    struct altinj_noise_limits lim;
    altinj_noise_limits_of(&GHZ, &lim);
    const uint64_t back[] = {1000000, 10, 20};
    struct altinj_noise_tally t = {0};
    altinj_noise_tally_readings(&lim, back, 3, &t);
    assert_int_equal(t.gaps_over_10us, 0);
    assert_int_equal(t.worst_cycles, 10);
    assert_int_equal(t.span_cycles, 0);
    altinj_noise_tally_readings(&lim, back, 1, &t);
    assert_int_equal(t.span_cycles, 0);
    struct altinj_noise_report r;
    altinj_noise_report_from_tally(&GHZ, &t, 2, 0.1, 0, &r);
    assert_well_formed(&r);
    assert_true(r.gaps_over_10us_per_s == 0.0 && r.lost_cpu_pct == 0.0);
}

static void reports_aggregate(void **state)
{
    (void)state;
    struct altinj_noise_tally a = {.gaps_over_10us = 4, .gaps_over_100us = 2, .gaps_over_1ms = 1,
                                   .gap_cycles = 2000000, .worst_cycles = 1200000,
                                   .span_cycles = 200000000};
    struct altinj_noise_tally b = {.gaps_over_10us = 6, .gap_cycles = 100000,
                                   .worst_cycles = 30000, .span_cycles = 100000000};
    struct altinj_noise_report ra, rb, sum = {0};
    altinj_noise_report_from_tally(&GHZ, &a, 2, 0.1, 3, &ra);
    altinj_noise_report_from_tally(&GHZ, &b, 1, 0.1, 5, &rb);
    struct altinj_noise_report empty = {0};
    altinj_noise_report_add(&sum, &empty);
    assert_int_equal(sum.windows, 0);
    altinj_noise_report_add(&sum, &ra);
    assert_int_equal(sum.windows, 1);
    assert_int_equal(sum.gaps_over_10us, 4);
    assert_int_equal(sum.steal, 3);
    assert_close(sum.lost_cpu_pct, ra.lost_cpu_pct);
    altinj_noise_report_add(&sum, &rb);
    altinj_noise_report_add(&sum, &empty);
    assert_well_formed(&sum);
    assert_int_equal(sum.windows, 2);
    assert_int_equal(sum.gaps_over_10us, 10);
    assert_int_equal(sum.gaps_over_100us, 2);
    assert_int_equal(sum.gaps_over_1ms, 1);
    assert_int_equal(sum.cpus, 2);
    assert_int_equal(sum.steal, 8);
    assert_close(sum.probe_s, 0.2);
    assert_close(sum.cpu_s, 0.3);
    assert_close(sum.worst_gap_us, 1200.0);
    /* Rates of the sums, not means of the rates. */
    assert_close(sum.gaps_over_10us_per_s, 10 / 0.3);
    assert_close(sum.lost_cpu_pct, 100.0 * 0.0021 / 0.3);
    /* An unknown steal makes the sum unknown. */
    struct altinj_noise_report rc;
    altinj_noise_report_from_tally(&GHZ, &b, 1, 0.1, -1, &rc);
    altinj_noise_report_add(&sum, &rc);
    assert_int_equal(sum.steal, -1);
    altinj_noise_report_add(&sum, &ra);
    assert_int_equal(sum.steal, -1);
}

static FILE *text(const char *s)
{
    FILE *f = fmemopen((void *)s, strlen(s), "r");
    assert_non_null(f);
    return f;
}

static void steal_parser(void **state)
{
    (void)state;
    static const char stat[] = "cpu  854243 0 89898 1756232 1159 0 345 1693 0 0\n"
                               "cpu0 469343 0 36912 845164 155 0 70 817 0 0\n"
                               "cpu1 384899 0 52985 911068 1004 0 274 876 0 0\n"
                               "intr 123 4 5\n"
                               "ctxt 99\n";
    cpu_set_t both, one, absent;
    CPU_ZERO(&both);
    CPU_SET(0, &both);
    CPU_SET(1, &both);
    CPU_ZERO(&one);
    CPU_SET(1, &one);
    CPU_ZERO(&absent);
    CPU_SET(5, &absent);
    uint64_t ticks = 42;
    FILE *f = text(stat);
    assert_int_equal(altinj_noise_steal_read(f, &both, &ticks), 0);
    fclose(f);
    assert_int_equal(ticks, 1693); /* every CPU: the aggregate line's steal */
    f = text(stat);
    assert_int_equal(altinj_noise_steal_read(f, &one, &ticks), 0);
    fclose(f);
    assert_int_equal(ticks, 876);
    ticks = 42;
    f = text(stat);
    assert_int_equal(altinj_noise_steal_read(f, &absent, &ticks), -1);
    fclose(f);
    assert_int_equal(ticks, 42);
    /* An old kernel's line without the steal column is refused, not read as 0. */
    f = text("cpu0 1 2 3 4 5 6 7\n");
    assert_int_equal(altinj_noise_steal_read(f, &one, &ticks), -1);
    fclose(f);
    f = text("cpu1 1 2 3 4 5 6 7\n");
    assert_int_equal(altinj_noise_steal_read(f, &one, &ticks), -1);
    fclose(f);
    assert_int_equal(ticks, 42);
    /* This machine's own file, when it has one. */
    f = fopen("/proc/stat", "r");
    if (f) {
        cpu_set_t mine;
        assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
        assert_int_equal(altinj_noise_steal_read(f, &mine, &ticks), 0);
        fclose(f);
    }
}

static struct altinj_tsc_clock calibrated(void)
{
    struct altinj_tsc_clock c;
    char err[256];
    if (altinj_tsc_calibrate(&c, err, sizeof err) != 0) {
        print_message("# no calibrated TSC here: %s\n", err);
        skip();
    }
    return c;
}

static void print_report(const char *what, const struct altinj_noise_report *r)
{
    print_message("# %s: %u cpus x %.3f s: >10us %.1f/s, >100us %.1f/s, >1ms %.1f/s, worst "
                  "%.1f us, lost %.3f %%, steal %lld\n",
                  what, r->cpus, r->probe_s, r->gaps_over_10us_per_s, r->gaps_over_100us_per_s,
                  r->gaps_over_1ms_per_s, r->worst_gap_us, r->lost_cpu_pct,
                  (long long)r->steal);
}

static void probe_is_well_formed(void **state)
{
    (void)state;
    const struct altinj_tsc_clock c = calibrated();
    cpu_set_t mine;
    assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
    struct altinj_noise_report r;
    char err[256];
    if (altinj_noise_probe(&c, NULL, 0.05, &r, err, sizeof err) != 0)
        fail_msg("%s", err);
    print_report("every cpu", &r);
    assert_well_formed(&r);
    assert_int_equal(r.cpus, CPU_COUNT(&mine));
    assert_int_equal(r.windows, 1);
    assert_close(r.probe_s, 0.05);
    /* Each CPU's readings cover at least the window. */
    assert_true(r.cpu_s >= 0.05 * r.cpus * 0.999);

    /* One CPU of the set, named explicitly. */
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &mine)) {
            CPU_SET(i, &one);
            break;
        }
    struct altinj_noise_report r1;
    if (altinj_noise_probe(&c, &one, 0.02, &r1, err, sizeof err) != 0)
        fail_msg("%s", err);
    print_report("one cpu", &r1);
    assert_well_formed(&r1);
    assert_int_equal(r1.cpus, 1);
    struct altinj_noise_report sum = {0};
    altinj_noise_report_add(&sum, &r);
    altinj_noise_report_add(&sum, &r1);
    assert_well_formed(&sum);
    assert_int_equal(sum.gaps_over_10us, r.gaps_over_10us + r1.gaps_over_10us);
}

static void expect_refused(const struct altinj_tsc_clock *c, const cpu_set_t *cpus, double w,
                           const char *fragment)
{
    struct altinj_noise_report r, before;
    memset(&r, 0xA5, sizeof r);
    before = r;
    char err[256] = "";
    assert_int_equal(altinj_noise_probe(c, cpus, w, &r, err, sizeof err), -1);
    if (!strstr(err, fragment))
        fail_msg("message '%s' lacks '%s'", err, fragment);
    assert_memory_equal(&r, &before, sizeof r);
}

static void probe_refuses_bad_input(void **state)
{
    (void)state;
    const struct altinj_tsc_clock c = calibrated();
    expect_refused(&c, NULL, 0.0, "window");
    expect_refused(&c, NULL, -1.0, "window");
    expect_refused(&c, NULL, NAN, "window");
    expect_refused(&c, NULL, ALTINJ_NOISE_MAX_WINDOW_S * 2, "window");
    expect_refused(NULL, NULL, 0.01, "clock");
    const struct altinj_tsc_clock zero = {0};
    expect_refused(&zero, NULL, 0.01, "clock");
    cpu_set_t none;
    CPU_ZERO(&none);
    expect_refused(&c, &none, 0.01, "empty");
    /* A CPU this process may not run on (there is always one below CPU_SETSIZE here). */
    cpu_set_t mine, other;
    assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
    CPU_ZERO(&other);
    for (int i = CPU_SETSIZE - 1; i >= 0; i--)
        if (!CPU_ISSET(i, &mine)) {
            CPU_SET(i, &other);
            break;
        }
    if (CPU_COUNT(&other) == 1)
        expect_refused(&c, &other, 0.01, "may run on");
    /* errlen 0: still refused, nothing written. */
    struct altinj_noise_report r;
    assert_int_equal(altinj_noise_probe(&c, NULL, 0.0, &r, NULL, 0), -1);
}

/* A thread that spins has a share near 1 on a quiet CPU and never above it (clock resolution
 * aside); the readings are its own. */
static void thread_usage_of_a_spinning_thread(void **state)
{
    (void)state;
    const struct altinj_tsc_clock c = calibrated();
    struct altinj_thread_usage u;
    altinj_thread_usage_begin(&u);
    altinj_tsc_spend(altinj_ns_to_tsc(&c, 20000000));
    struct altinj_thread_usage_sample s;
    assert_int_equal(altinj_thread_usage_end(&u, &s), 0);
    print_message("# spinning thread: share %.4f over %.4f s, %llu involuntary switches\n",
                  s.cpu_share, s.wall_s, (unsigned long long)s.nivcsw);
    assert_true(s.wall_s >= 0.019);
    assert_true(s.cpu_s > 0.0 && s.cpu_s <= s.wall_s * 1.001 + 1e-6);
    assert_true(s.cpu_share > 0.0 && s.cpu_share <= 1.001);
    /* Without a valid begin, no sample. */
    struct altinj_thread_usage bad = {.ok = false};
    struct altinj_thread_usage_sample untouched = {.cpu_share = 7.0};
    assert_int_equal(altinj_thread_usage_end(&bad, &untouched), -1);
    assert_true(untouched.cpu_share == 7.0);
}

/* A live run measures its vCPU thread and every poster; a result that never ran live (a sim
 * run, a merged one) says not measured. */
static void live_run_measures_its_threads(void **state)
{
    (void)state;
    const struct altinj_tsc_clock clock = calibrated();
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse("ipi:senders=2,rate=200000,busy=0.1", &wl, err,
                                           sizeof err), 0);
    struct altinj_arrival *arr;
    size_t count;
    assert_int_equal(altinj_workload_pregenerate(&wl, 3, 5000, UINT64_MAX, &arr, &count), 0);
    struct altinj_live_config cfg = {
        .strategy = altinj_strategy_find("unconditional"), .arrivals = arr, .count = count,
        .nsources = altinj_workload_sources(&wl), .clock = &clock, .drain_timeout_s = 30,
        .workload = &wl, .seed = 3};
    struct altinj_run_result r;
    assert_int_equal(altinj_run_result_init(&r, cfg.strategy->name, "live"), 0);
    assert_false(r.usage_valid);
    assert_int_equal(altinj_live_run(&cfg, &r, err, sizeof err), 0);
    print_message("# live: vcpu share %.4f (%llu involuntary switches), poster share min %.4f "
                  "(%llu)\n",
                  r.vcpu_cpu_share, (unsigned long long)r.vcpu_nivcsw, r.poster_cpu_share_min,
                  (unsigned long long)r.poster_nivcsw);
    assert_true(altinj_run_result_ok(&r));
    assert_true(r.usage_valid);
    assert_true(r.vcpu_cpu_share > 0.0 && r.vcpu_cpu_share <= 1.001);
    assert_true(r.poster_cpu_share_min > 0.0 && r.poster_cpu_share_min <= 1.001);
    altinj_run_result_free(&r);
    free(arr);
    altinj_workload_spec_free(&wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_are_the_classes),
        cmocka_unit_test(synthetic_gaps_are_classified),
        cmocka_unit_test(injected_gap_is_seen),
        cmocka_unit_test(degenerate_readings),
        cmocka_unit_test(reports_aggregate),
        cmocka_unit_test(steal_parser),
        cmocka_unit_test(probe_is_well_formed),
        cmocka_unit_test(probe_refuses_bad_input),
        cmocka_unit_test(thread_usage_of_a_spinning_thread),
        cmocka_unit_test(live_run_measures_its_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
