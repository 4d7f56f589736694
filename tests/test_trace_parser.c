/* trace: workloads: perf script parsing, CPU selection, speed, loop and every malformed case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_event.h"
#include "altinj_workload.h"

#define DATA(name) ALTINJ_TEST_DATA_DIR "/" name

struct expect {
    uint64_t t_ns;
    uint8_t vector;
};

/* tests/data/perf_irq_good.txt, by hand: relative to the first kept event, CPU 0's local timer
 * entry at 81234.500000 (CPU 1's earlier local_timer_exit is skipped). irq=24 maps to 0x20+24,
 * irq=130 to 0x20+130. */
static const struct expect cpu0[] = {{0, 236}, {250000, 0x38}, {1000000, 236},
                                     {1500000, 251}, {2000000, 236}, {3000000, 236}};
static const struct expect cpu1[] = {{100000, 236}, {700000, 253}, {1100000, 236},
                                     {2100000, 236}, {3100000, 236}};
static const struct expect cpu2[] = {{400000, 0xA2}, {800000, 0xA2}, {1200000, 0xA2},
                                     {2200000, 236}};
static const struct expect cpu3[] = {{50000, 251}, {2050000, 251}, {3300000, 236}};
#define GOOD_TOTAL 18u
#define GOOD_SPAN 3300000u
#define GOOD_PERIOD (GOOD_SPAN + GOOD_SPAN / (GOOD_TOTAL - 1))

static void parse_ok(const char *spec, struct altinj_workload_spec *s)
{
    char err[512] = "";
    const int rc = altinj_workload_parse(spec, s, err, sizeof(err));
    if (rc != 0)
        fail_msg("parse '%s' failed: %s", spec, err);
}

/* Parses spec, expects failure, and checks the message holds every fragment. */
static void parse_fails(const char *spec, const char *frag1, const char *frag2)
{
    struct altinj_workload_spec s;
    char err[512] = "";
    assert_int_not_equal(altinj_workload_parse(spec, &s, err, sizeof(err)), 0);
    if (strstr(err, frag1) == NULL || (frag2 != NULL && strstr(err, frag2) == NULL))
        fail_msg("message for '%s' lacks '%s'/'%s': %s", spec, frag1, frag2 ? frag2 : "", err);
    assert_null(strchr(err, '\n'));
    altinj_workload_spec_free(&s);
}

/* Checks one source against the expected events, shifted by shift and divided by speed. */
static void check_source(const struct altinj_workload_spec *s, unsigned src,
                         const struct expect *e, size_t n, unsigned loop, uint64_t shift0,
                         double speed)
{
    struct altinj_arrivals *g = altinj_arrivals_create(s, src, 1);
    assert_non_null(g);
    struct altinj_arrival a;
    for (unsigned r = 0; r < loop; r++)
        for (size_t i = 0; i < n; i++) {
            assert_true(altinj_arrivals_next(g, &a));
            const uint64_t base = e[i].t_ns - shift0 + (uint64_t)r * GOOD_PERIOD;
            const uint64_t want = speed == 1.0 ? base : (uint64_t)((double)base / speed);
            assert_int_equal(a.t_ns, want);
            assert_int_equal(a.vector, e[i].vector);
            assert_int_equal(a.type, ALTINJ_EVENT_EXTINT);
            assert_int_equal(a.source, src);
        }
    assert_false(altinj_arrivals_next(g, &a));
    assert_false(altinj_arrivals_next(g, &a)); /* stays exhausted */
    altinj_arrivals_destroy(g);
}

static void test_good_trace(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",busy=0", &s);
    assert_int_equal(altinj_workload_sources(&s), 4);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(altinj_workload_source_cpu(&s, i), (int)i);
    assert_int_equal(altinj_workload_source_cpu(&s, 4), -1);
    check_source(&s, 0, cpu0, 6, 1, 0, 1.0);
    check_source(&s, 1, cpu1, 5, 1, 0, 1.0);
    check_source(&s, 2, cpu2, 4, 1, 0, 1.0);
    check_source(&s, 3, cpu3, 3, 1, 0, 1.0);

    /* The merged stream: all 18, time-ordered. */
    struct altinj_merge *m = altinj_merge_create(&s, 1);
    assert_non_null(m);
    struct altinj_arrival a;
    uint64_t prev = 0;
    unsigned n = 0;
    while (altinj_merge_next(m, &a)) {
        assert_true(a.t_ns >= prev);
        prev = a.t_ns;
        n++;
    }
    assert_int_equal(n, GOOD_TOTAL);
    assert_int_equal(prev, GOOD_SPAN);
    altinj_merge_destroy(m);
    altinj_workload_spec_free(&s);
}

static void test_nanosecond_timestamps_and_period_column(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("trace:file=" DATA("perf_irq_ns.txt") ",busy=0", &s);
    assert_int_equal(altinj_workload_sources(&s), 1);
    assert_int_equal(altinj_workload_source_cpu(&s, 0), 5);
    /* irq=300 folds into the device range: 0x20 + 300 % 204 = 0x80. */
    const struct expect e[] = {{0, 236}, {250, 246}, {900, 0x80}};
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 0, 9);
    struct altinj_arrival a;
    for (size_t i = 0; i < 3; i++) {
        assert_true(altinj_arrivals_next(g, &a));
        assert_int_equal(a.t_ns, e[i].t_ns);
        assert_int_equal(a.vector, e[i].vector);
    }
    assert_false(altinj_arrivals_next(g, &a));
    altinj_arrivals_destroy(g);
    altinj_workload_spec_free(&s);
}

static void test_cpu_filter(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    /* Normalized to the first kept event of the SELECTED CPUs: CPU 3 at +50 us. */
    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",cpus=1,3,busy=0", &s);
    assert_int_equal(altinj_workload_sources(&s), 2);
    assert_int_equal(altinj_workload_source_cpu(&s, 0), 1);
    assert_int_equal(altinj_workload_source_cpu(&s, 1), 3);
    struct altinj_arrivals *g = altinj_arrivals_create(&s, 0, 1);
    struct altinj_arrival a;
    assert_true(altinj_arrivals_next(g, &a));
    assert_int_equal(a.t_ns, 50000);
    altinj_arrivals_destroy(g);
    g = altinj_arrivals_create(&s, 1, 1);
    assert_true(altinj_arrivals_next(g, &a));
    assert_int_equal(a.t_ns, 0);
    altinj_arrivals_destroy(g);
    assert_null(altinj_arrivals_create(&s, 2, 1));
    char buf[512];
    assert_true(altinj_workload_describe(&s, buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, ",cpus=1,3,"));
    altinj_workload_spec_free(&s);

    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",cpus=0-2,speed=1", &s);
    assert_int_equal(altinj_workload_sources(&s), 3);
    assert_int_equal(altinj_workload_source_cpu(&s, 2), 2);
    assert_true(altinj_workload_describe(&s, buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, ",cpus=0-2,"));
    altinj_workload_spec_free(&s);

    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",cpus=2", &s);
    check_source(&s, 0, cpu2, 4, 1, 400000, 1.0);
    altinj_workload_spec_free(&s);

    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",cpus=1,7", "CPU 7", "no interrupt");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",cpus=3-1", "cpus=3-1", "backwards");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",cpus=a", "cpus=a", NULL);
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",cpus=4096", "cpus=4096", NULL);
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",cpus=1,", "empty parameter", NULL);
}

static void test_speed_and_loop(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",speed=2", &s);
    check_source(&s, 0, cpu0, 6, 1, 0, 2.0);
    check_source(&s, 3, cpu3, 3, 1, 0, 2.0);
    altinj_workload_spec_free(&s);

    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",speed=0.5", &s);
    check_source(&s, 1, cpu1, 5, 1, 0, 0.5);
    altinj_workload_spec_free(&s);

    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",loop=3", &s);
    check_source(&s, 0, cpu0, 6, 3, 0, 1.0);
    check_source(&s, 2, cpu2, 4, 3, 0, 1.0);
    struct altinj_arrival *all = NULL;
    size_t n = 0;
    assert_int_equal(altinj_workload_pregenerate(&s, 1, SIZE_MAX, UINT64_MAX, &all, &n), 0);
    assert_int_equal(n, 3 * GOOD_TOTAL);
    for (size_t i = 1; i < n; i++)
        assert_true(all[i].t_ns >= all[i - 1].t_ns);
    assert_int_equal(all[n - 1].t_ns, 2 * GOOD_PERIOD + GOOD_SPAN);
    free(all);
    altinj_workload_spec_free(&s);

    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",loop=2,speed=3", &s);
    check_source(&s, 1, cpu1, 5, 2, 0, 3.0);
    altinj_workload_spec_free(&s);

    parse_fails("trace:file=" DATA("perf_single.txt") ",loop=2", "loop=2", "two events");
    parse_ok("trace:file=" DATA("perf_single.txt"), &s);
    assert_int_equal(altinj_workload_source_cpu(&s, 0), 2);
    altinj_workload_spec_free(&s);
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",speed=0", "speed", "'0'");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",speed=-1", "speed", "'-1'");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",speed=inf", "speed", "'inf'");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",loop=0", "loop", "'0'");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",loop=1.5", "loop", "'1.5'");
    parse_fails("trace:file=" DATA("perf_irq_good.txt") ",vector=0x40", "unknown key 'vector'",
                NULL);
}

static void test_malformed(void **state)
{
    (void)state;
    parse_fails("trace:file=" DATA("perf_bad_timestamp.txt"), "perf_bad_timestamp.txt:5:",
                "bad timestamp '81234.50o100:'");
    parse_fails("trace:file=" DATA("perf_missing_vector.txt"), "perf_missing_vector.txt:4:",
                "irq_vectors:call_function_single_entry has no vector=");
    parse_fails("trace:file=" DATA("perf_bad_vector.txt"), "perf_bad_vector.txt:2:",
                "bad vector= value 'vector=2x6'");
    parse_fails("trace:file=" DATA("perf_missing_irq.txt"), "perf_missing_irq.txt:1:",
                "irq:irq_handler_entry has no irq=");
    parse_fails("trace:file=" DATA("perf_backwards.txt"), "perf_backwards.txt:6:",
                "time goes backwards on CPU 1 (81234.500900000 after 81234.501100000)");
    parse_fails("trace:file=" DATA("perf_missing_cpu.txt"), "perf_missing_cpu.txt:2:",
                "missing CPU field");
    parse_fails("trace:file=" DATA("perf_empty.txt"), "perf_empty.txt:",
                "no usable interrupt entry events");
    parse_fails("trace:file=" DATA("perf_no_events.txt"), "perf_no_events.txt:",
                "no usable interrupt entry events");
    parse_fails("trace:file=" DATA("does_not_exist.txt"), "does_not_exist.txt: cannot open",
                "No such file");
    parse_fails("trace:file=" ALTINJ_TEST_DATA_DIR, "read error", NULL);
    parse_fails("trace:busy=0", "missing required key 'file'", NULL);
}

/* Lines written here rather than shipped as files: each small variation is one case. */
static void test_malformed_lines(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *why;
    } cases[] = {
        {"  swapper 0 [000] 5.000000 irq_vectors:local_timer_entry: vector=236", "timestamp"},
        {"  swapper 0 [000] 5.: irq_vectors:local_timer_entry: vector=236", "timestamp"},
        {"  swapper 0 [000] 5.0000000001: irq_vectors:local_timer_entry: vector=236",
         "timestamp"},
        {"  swapper 0 [000] 99999999999.000000: irq_vectors:local_timer_entry: vector=236",
         "timestamp"},
        {"  swapper 0 [5000] 5.000000: irq_vectors:local_timer_entry: vector=236", "above 4095"},
        {"  swapper 0 [000] 5.000000: 1 2 3", "missing event name"},
        {"  swapper 0 [000] 5.000000: irq_vectors:local_timer_entry vector=236", "bad event"},
        {"  swapper 0 [000] 5.000000: irq_vectors:local_timer_entry: vector=", "bad vector="},
        {"  swapper 0 [000] 5.000000: irq_vectors:local_timer_entry: vector=14",
         "exception vector"},
        {"  swapper 0 [000] 5.000000: irq_vectors:local_timer_entry: vector=256", "bad vector="},
        {"  swapper 0 [000] 5.000000: irq:irq_handler_entry: irq=-1 name=x", "bad irq="},
        {"garbage", "missing CPU field"},
    };
    char path[] = "/tmp/altinj_trace_XXXXXX";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "# header\n\n%s\n", cases[i].line);
        fclose(f);
        char spec[128], where[128];
        snprintf(spec, sizeof(spec), "trace:file=%s", path);
        snprintf(where, sizeof(where), "%s:3:", path);
        parse_fails(spec, where, cases[i].why);
        remove(path);
        strcpy(path, "/tmp/altinj_trace_XXXXXX");
    }
}

static void test_trace_busy_and_describe(void **state)
{
    (void)state;
    struct altinj_workload_spec s, t;
    parse_ok("trace:file=" DATA("perf_irq_good.txt") ",busy=1,exc=1,seed=5", &s);
    struct altinj_arrival *all = NULL;
    size_t n = 0;
    assert_int_equal(altinj_workload_pregenerate(&s, 0, SIZE_MAX, UINT64_MAX, &all, &n), 0);
    assert_int_equal(n, GOOD_TOTAL);
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i].busy);
        assert_int_equal(all[i].type, ALTINJ_EVENT_EXCEPTION);
    }
    free(all);
    char a[1024], b[1024];
    assert_true(altinj_workload_describe(&s, a, sizeof(a)) < (int)sizeof(a));
    assert_string_equal(a, "trace:file=" DATA("perf_irq_good.txt")
                           ",speed=1,loop=1,busy=1,exc=1,soft=0,masked=0,mask_us=10,seed=5");
    parse_ok(a, &t);
    altinj_workload_describe(&t, b, sizeof(b));
    assert_string_equal(a, b);
    altinj_workload_spec_free(&t);
    altinj_workload_spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_trace),
        cmocka_unit_test(test_nanosecond_timestamps_and_period_column),
        cmocka_unit_test(test_cpu_filter),
        cmocka_unit_test(test_speed_and_loop),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_trace_busy_and_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
