/* Workload spec parsing: every kind accepted with its defaults, every error class refused with a
 * message that names the offending key or value, and describe() round-trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_event.h"
#include "altinj_guest.h"
#include "altinj_workload.h"

static void parse_ok(const char *spec, struct altinj_workload_spec *s)
{
    char err[512] = "";
    const int rc = altinj_workload_parse(spec, s, err, sizeof(err));
    if (rc != 0)
        fail_msg("parse '%s' failed: %s", spec, err);
}

/* Expects failure; the message must start with "workload '<spec>': " and hold frag. */
static void parse_fails(const char *spec, const char *frag)
{
    struct altinj_workload_spec s;
    char err[512] = "";
    char head[300];
    assert_int_not_equal(altinj_workload_parse(spec, &s, err, sizeof(err)), 0);
    if (strstr(err, frag) == NULL)
        fail_msg("message for '%s' lacks '%s': %s", spec, frag, err);
    snprintf(head, sizeof(head), "workload '%s': ", spec);
    if (strncmp(err, head, strlen(head)) != 0)
        fail_msg("message for '%s' does not start with %s: %s", spec, head, err);
    assert_null(strchr(err, '\n'));
    /* A failed parse leaves nothing behind: freeing it again is harmless. */
    assert_null(s.trace);
    assert_null(s.file);
    altinj_workload_spec_free(&s);
}

/* describe(parse(x)) parses back to the same canonical string. */
static void check_round_trip(const struct altinj_workload_spec *s, const char *want)
{
    char a[512], b[512];
    const int n = altinj_workload_describe(s, a, sizeof(a));
    assert_int_equal(n, (int)strlen(a));
    assert_string_equal(a, want);
    struct altinj_workload_spec t;
    parse_ok(a, &t);
    altinj_workload_describe(&t, b, sizeof(b));
    assert_string_equal(a, b);
    altinj_workload_spec_free(&t);
}

static void test_timer(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("timer:hz=1000", &s);
    assert_int_equal(s.kind, ALTINJ_WL_TIMER);
    assert_true(s.rate == 1000.0);
    assert_int_equal(s.vector, 0xEC);
    assert_true(s.busy == 0.05);
    assert_true(s.exc == 0.0);
    assert_false(s.has_seed);
    assert_int_equal(altinj_workload_sources(&s), 1);
    assert_int_equal(altinj_workload_source_cpu(&s, 0), -1);
    assert_int_equal(altinj_workload_seed(&s, 77), 77);
    check_round_trip(&s, "timer:hz=1000,vector=0xEC,busy=0.05,exc=0,soft=0,masked=0,mask_us=10");
    altinj_workload_spec_free(&s);

    parse_ok("timer:hz=1e6,vector=0x20,busy=0,exc=1,seed=0xFFFFFFFFFFFFFFFF", &s);
    assert_true(s.rate == 1e6);
    assert_int_equal(s.vector, 0x20);
    assert_true(s.has_seed);
    assert_true(s.seed == UINT64_MAX);
    assert_true(altinj_workload_seed(&s, 77) == UINT64_MAX);
    check_round_trip(&s, "timer:hz=1000000,vector=0x20,busy=0,exc=1,soft=0,masked=0,mask_us=10,seed=18446744073709551615");
    altinj_workload_spec_free(&s);
}

static void test_poisson_burst_ipi(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("poisson:rate=250000,busy=0.1,vector=255", &s);
    assert_int_equal(s.kind, ALTINJ_WL_POISSON);
    assert_true(s.rate == 250000.0);
    assert_int_equal(s.vector, 0xFF);
    check_round_trip(&s, "poisson:rate=250000,vector=0xFF,busy=0.1,exc=0,soft=0,masked=0,mask_us=10");
    altinj_workload_spec_free(&s);

    parse_ok("poisson:rate=30000", &s);
    assert_int_equal(s.vector, 0x30);
    altinj_workload_spec_free(&s);

    parse_ok("burst:rate=2e6,on=50,off=950.5,exc=0.25,seed=42", &s);
    assert_int_equal(s.kind, ALTINJ_WL_BURST);
    assert_true(s.rate == 2e6 && s.on_us == 50.0 && s.off_us == 950.5);
    assert_int_equal(s.vector, 0x31);
    assert_int_equal(altinj_workload_sources(&s), 1);
    check_round_trip(&s, "burst:rate=2000000,on=50,off=950.5,vector=0x31,busy=0.05,exc=0.25,soft=0,masked=0,mask_us=10,"
                         "seed=42");
    altinj_workload_spec_free(&s);

    /* Key order is free. */
    parse_ok("ipi:rate=1e5,senders=7", &s);
    assert_int_equal(s.kind, ALTINJ_WL_IPI);
    assert_int_equal(s.senders, 7);
    assert_int_equal(s.vector, 0xFB);
    assert_int_equal(altinj_workload_sources(&s), 7);
    check_round_trip(&s, "ipi:senders=7,rate=100000,vector=0xFB,busy=0.05,exc=0,soft=0,masked=0,mask_us=10");
    altinj_workload_spec_free(&s);

    parse_ok("ipi:senders=64,rate=1e9", &s);
    assert_int_equal(altinj_workload_sources(&s), 64);
    altinj_workload_spec_free(&s);
    parse_ok("ipi:senders=1,rate=0.5", &s);
    altinj_workload_spec_free(&s);
}

static void test_unknown_kind_and_key(void **state)
{
    (void)state;
    parse_fails("", "missing kind");
    parse_fails(":rate=5", "missing kind");
    parse_fails("poison:rate=5", "unknown kind 'poison'");
    parse_fails("TIMER:hz=5", "unknown kind 'TIMER'");
    parse_fails("poisson:rate=5,hz=7", "unknown key 'hz' for poisson");
    parse_fails("timer:hz=5,rate=7", "unknown key 'rate' for timer");
    parse_fails("timer:hz=5,file=x", "unknown key 'file'");
    parse_fails("poisson:rate=5,Rate=7", "unknown key 'Rate'");
    parse_fails("poisson:rate=5,=7", "unknown key ''");
    parse_fails("poisson:rate=5,busy", "parameter 'busy' is not key=value");
}

static void test_missing_and_duplicate(void **state)
{
    (void)state;
    parse_fails("timer", "missing required key 'hz'");
    parse_fails("timer:", "missing required key 'hz'");
    parse_fails("poisson:busy=0.1", "missing required key 'rate'");
    parse_fails("burst:rate=5,on=1", "missing required key 'off'");
    parse_fails("burst:rate=5,off=1", "missing required key 'on'");
    parse_fails("ipi:rate=5", "missing required key 'senders'");
    parse_fails("ipi:senders=5", "missing required key 'rate'");
    parse_fails("poisson:rate=5,rate=6", "duplicate key 'rate'");
    parse_fails("poisson:rate=5,busy=0.1,busy=0.1", "duplicate key 'busy'");
    parse_fails("poisson:rate=", "rate has an empty value");
    parse_fails("poisson:rate=5,", "empty parameter");
    parse_fails("poisson:,rate=5", "empty parameter");
    parse_fails("poisson:rate=5,,busy=0", "empty parameter");
}

static void test_bad_numbers(void **state)
{
    (void)state;
    parse_fails("poisson:rate=abc", "rate must be a number (got 'abc')");
    parse_fails("poisson:rate=5x", "rate must be a number (got '5x')");
    parse_fails("poisson:rate=5 ", "rate must be a number (got '5 ')");
    parse_fails("poisson:rate= 5", "rate must be a number (got ' 5')");
    parse_fails("poisson:rate=0", "rate must be > 0 (got '0')");
    parse_fails("poisson:rate=-3", "rate must be > 0 (got '-3')");
    parse_fails("poisson:rate=nan", "rate must be a finite number (got 'nan')");
    parse_fails("poisson:rate=inf", "rate must be a finite number (got 'inf')");
    parse_fails("poisson:rate=1e999", "rate must be a finite number (got '1e999')");
    parse_fails("poisson:rate=1.000001e9", "rate must be <= 1e9");
    parse_fails("timer:hz=0", "hz must be > 0 (got '0')");
    parse_fails("timer:hz=2e9", "hz must be <= 1e9");
    parse_fails("timer:hz=-nan", "hz must be a finite number");
    parse_fails("ipi:senders=0,rate=5", "senders must be in 1..64 (got '0')");
    parse_fails("ipi:senders=65,rate=5", "senders must be in 1..64 (got '65')");
    parse_fails("ipi:senders=-1,rate=5", "senders must be a non-negative integer (got '-1')");
    parse_fails("ipi:senders=2.0,rate=5", "senders must be a non-negative integer (got '2.0')");
    parse_fails("ipi:senders=08x,rate=5", "senders must be a non-negative integer");
    parse_fails("ipi:senders=4,rate=0", "rate must be > 0 (got '0')");
    parse_fails("burst:rate=5,on=0,off=5", "on must be > 0 us (got '0')");
    parse_fails("burst:rate=5,on=5,off=-1", "off must be > 0 us (got '-1')");
    parse_fails("burst:rate=5,on=5,off=0.0001", "off must be in [0.001, 1e9] us");
    parse_fails("burst:rate=5,on=inf,off=5", "on must be a finite number (got 'inf')");
    parse_fails("poisson:rate=5,busy=1.5", "busy must be a fraction in [0,1] (got '1.5')");
    parse_fails("poisson:rate=5,busy=-0.1", "busy must be a fraction in [0,1] (got '-0.1')");
    parse_fails("poisson:rate=5,busy=nan", "busy must be a finite number (got 'nan')");
    parse_fails("poisson:rate=5,exc=1.01", "exc must be a fraction in [0,1] (got '1.01')");
    parse_fails("poisson:rate=5,exc=x", "exc must be a number (got 'x')");
    parse_fails("poisson:rate=5,seed=-1", "seed must be a non-negative integer (got '-1')");
    parse_fails("poisson:rate=5,seed=18446744073709551616", "seed is too large");
    parse_fails("poisson:rate=5,seed=0x", "seed must be a non-negative integer (got '0x')");
    parse_fails("poisson:rate=5,seed=0x0x5", "seed must be a non-negative integer");
    parse_fails("poisson:rate=5,vector=0x1F", "vector must be in 32..255 (got '0x1F')");
    parse_fails("poisson:rate=5,vector=256", "vector must be in 32..255 (got '256')");
    parse_fails("poisson:rate=5,vector=14", "vector must be in 32..255 (got '14')");
}

static void test_trace_file_errors(void **state)
{
    (void)state;
    parse_fails("trace:file=/nonexistent/dir/perf.txt", "/nonexistent/dir/perf.txt: cannot open");
    parse_fails("trace:file=", "file has an empty value");
    parse_fails("trace:speed=2", "missing required key 'file'");
}

static void test_error_buffer_handling(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    char small[16];
    memset(small, 'X', sizeof(small));
    assert_int_not_equal(altinj_workload_parse("poisson:rate=0", &s, small, sizeof(small)), 0);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_int_not_equal(altinj_workload_parse("poisson:rate=0", &s, NULL, 0), 0);
    assert_int_not_equal(altinj_workload_parse("poisson:rate=0", &s, NULL, 100), 0);
    assert_int_not_equal(altinj_workload_parse(NULL, &s, small, sizeof(small)), 0);
    assert_int_not_equal(altinj_workload_parse("timer:hz=5", NULL, small, sizeof(small)), 0);

    /* One line, even when the spec holds a newline. */
    char err[256];
    assert_int_not_equal(altinj_workload_parse("timer:hz=5\nx", &s, err, sizeof(err)), 0);
    assert_null(strchr(err, '\n'));
    assert_non_null(strstr(err, "hz must be a number"));

    /* A very long value is cut in the message rather than overflowing anything. */
    char spec[4096] = "poisson:rate=";
    memset(spec + strlen(spec), '9', sizeof(spec) - strlen(spec) - 1);
    spec[sizeof(spec) - 1] = '\0';
    assert_int_not_equal(altinj_workload_parse(spec, &s, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "rate must be"));

    altinj_workload_spec_free(NULL);
    struct altinj_workload_spec zero = {0};
    altinj_workload_spec_free(&zero);
    assert_int_equal(altinj_workload_sources(NULL), 0);
}

static void test_describe_truncation(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("poisson:rate=123456.75,busy=0.333,exc=0.125", &s);
    char full[256], tiny[8];
    const int n = altinj_workload_describe(&s, full, sizeof(full));
    assert_string_equal(full, "poisson:rate=123456.75,vector=0x30,busy=0.333,exc=0.125,soft=0,masked=0,mask_us=10");
    assert_int_equal(altinj_workload_describe(&s, tiny, sizeof(tiny)), n);
    assert_string_equal(tiny, "poisson");
    assert_int_equal(altinj_workload_describe(&s, NULL, 0), n);
    assert_int_equal(altinj_workload_describe(NULL, full, sizeof(full)), -1);
    altinj_workload_spec_free(&s);

    /* Numbers that need all 17 digits still round-trip exactly. */
    parse_ok("poisson:rate=0.1,busy=0.30000000000000004", &s);
    assert_true(s.busy == 0.30000000000000004);
    const int len = altinj_workload_describe(&s, full, sizeof(full));
    assert_int_equal(len, (int)strlen(full));
    struct altinj_workload_spec t;
    parse_ok(full, &t);
    assert_true(t.busy == s.busy && t.rate == s.rate);
    altinj_workload_spec_free(&t);
    altinj_workload_spec_free(&s);
}

/* The guest's own events and its interruptibility. */
static void test_guest_keys(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("poisson:rate=1000,exc=0.25,soft=0.5,masked=0.3,mask_us=20", &s);
    assert_true(s.exc == 0.25 && s.soft == 0.5 && s.masked == 0.3 && s.mask_us == 20.0);
    check_round_trip(&s, "poisson:rate=1000,vector=0x30,busy=0.05,exc=0.25,soft=0.5,masked=0.3,"
                         "mask_us=20");
    /* The draws: #PF/#VC for exc, INTn/INT3/INTO for soft, guest-raised; the rest posted. */
    struct altinj_arrival *a = NULL;
    size_t n = 0;
    assert_int_equal(altinj_workload_pregenerate(&s, 3, 30000, UINT64_MAX, &a, &n), 0);
    size_t pf = 0, vc = 0, intn = 0, bp = 0, of = 0, posted = 0;
    for (size_t i = 0; i < n; i++) {
        if (!altinj_arrival_guest_raised(&a[i])) {
            posted++;
            continue;
        }
        if (a[i].type == ALTINJ_EVENT_SOFTINT && a[i].vector == ALTINJ_WL_SOFT_VECTOR)
            intn++;
        else if (a[i].vector == ALTINJ_VEC_PF && a[i].error_valid)
            pf++;
        else if (a[i].vector == ALTINJ_VEC_VC && a[i].error_valid)
            vc++;
        else if (a[i].vector == ALTINJ_VEC_BP && !a[i].error_valid)
            bp++;
        else if (a[i].vector == ALTINJ_VEC_OF && !a[i].error_valid)
            of++;
    }
    free(a);
    assert_int_equal(pf + vc + intn + bp + of + posted, n);
    /* Expected shares 12.5 / 12.5 / 16.7 x 3 / 25 %, within 1.5 points at 30000 draws. */
    assert_true(pf > 3300 && pf < 4200 && vc > 3300 && vc < 4200);
    assert_true(intn > 4500 && intn < 5500 && bp > 4500 && bp < 5500 && of > 4500 && of < 5500);
    assert_true(posted > 7000 && posted < 8000);
    /* The guest's interruptibility in clock cycles. */
    struct altinj_guest_config g;
    altinj_workload_guest(&s, 3, 0, 1000000000u, &g);
    assert_true(g.masked == 0.3);
    assert_int_equal(g.mask_cycles, 20000);
    struct altinj_guest_config g1;
    altinj_workload_guest(&s, 3, 1, 1000000000u, &g1);
    assert_true(g.seed != g1.seed); /* each vCPU its own stream */
    altinj_workload_spec_free(&s);

    parse_fails("poisson:rate=5,exc=0.6,soft=0.5", "exc + soft must be at most 1");
    parse_fails("poisson:rate=5,soft=2", "soft must be a fraction in [0,1] (got '2')");
    parse_fails("poisson:rate=5,masked=1", "masked must be below 1");
    parse_fails("poisson:rate=5,masked=-0.1", "masked must be a fraction in [0,1]");
    parse_fails("poisson:rate=5,mask_us=0", "mask_us must be > 0 us");
    parse_fails("poisson:rate=5,mask_us=1e10", "mask_us must be in [0.001, 1e9] us");
    parse_fails("poisson:rate=5,masked=0.1,masked=0.2", "masked");
}

/* exits=: the mix grammar ('+' between reasons), on every kind, and its canonical form. */
static void test_exits_key(void **state)
{
    (void)state;
    struct altinj_workload_spec s;
    parse_ok("poisson:rate=20000,exits=npf:30000+io:5000+hlt:2000", &s);
    assert_true(s.has_exits);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_NPF] == 30000.0);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_IO] == 5000.0);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_HLT] == 2000.0);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_MSR] == 0.0);
    /* Canonical: the reasons in a fixed order, whatever order was given. */
    check_round_trip(&s, "poisson:rate=20000,vector=0x30,busy=0.05,exc=0,soft=0,masked=0,"
                         "mask_us=10,exits=hlt:2000+io:5000+npf:30000");
    altinj_workload_spec_free(&s);
    parse_ok("timer:hz=1000,exits=cpuid:1e3+pause:5+msr:2.5e4", &s);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_CPUID] == 1000.0);
    assert_true(s.exit_rate[ALTINJ_EXIT_R_MSR] == 25000.0);
    altinj_workload_spec_free(&s);
    /* Without exits= the canonical form is the one it always was. */
    parse_ok("poisson:rate=20000", &s);
    assert_false(s.has_exits);
    check_round_trip(&s, "poisson:rate=20000,vector=0x30,busy=0.05,exc=0,soft=0,masked=0,"
                         "mask_us=10");
    altinj_workload_spec_free(&s);

    parse_fails("poisson:rate=1,exits=npf:30000,io:5000", "join the reasons with '+'");
    parse_fails("poisson:rate=1,exits=npf", "is not REASON:RATE");
    parse_fails("poisson:rate=1,exits=npf:1+", "stray '+'");
    parse_fails("poisson:rate=1,exits=+npf:1", "stray '+'");
    parse_fails("poisson:rate=1,exits=foo:1", "unknown reason 'foo'");
    parse_fails("poisson:rate=1,exits=interrupt:1", "unknown reason 'interrupt'");
    parse_fails("poisson:rate=1,exits=vmgexit:1", "unknown reason 'vmgexit'");
    parse_fails("poisson:rate=1,exits=npf:1+npf:2", "duplicate reason 'npf'");
    parse_fails("poisson:rate=1,exits=npf:0", "exits rate of npf must be > 0");
    parse_fails("poisson:rate=1,exits=npf:-5", "must be > 0");
    parse_fails("poisson:rate=1,exits=npf:2e9", "<= 1e9");
    parse_fails("poisson:rate=1,exits=npf:5x", "must be a number");
    parse_fails("poisson:rate=1,exits=npf:1,exits=io:1", "duplicate key 'exits'");
    parse_fails("poisson:rate=1,exits=", "exits has an empty value");
}

/* The exits generator: its own streams, so exits= moves no arrival and no busy decision;
 * each reason near its rate; times non-decreasing. */
static void test_exits_streams(void **state)
{
    (void)state;
    struct altinj_workload_spec a, b;
    parse_ok("poisson:rate=50000,busy=0.3", &a);
    parse_ok("poisson:rate=50000,busy=0.3,exits=npf:30000+io:5000", &b);
    assert_null(altinj_exits_create(&a, 1));
    struct altinj_arrival *x, *y;
    size_t nx, ny;
    assert_int_equal(altinj_workload_pregenerate(&a, 9, 20000, UINT64_MAX, &x, &nx), 0);
    assert_int_equal(altinj_workload_pregenerate(&b, 9, 20000, UINT64_MAX, &y, &ny), 0);
    assert_int_equal(nx, ny);
    assert_memory_equal(x, y, nx * sizeof *x);
    free(x);
    free(y);
    struct altinj_exits *g = altinj_exits_create(&b, 9);
    assert_non_null(g);
    uint64_t n[ALTINJ_EXIT_R__COUNT] = {0}, last = 0;
    struct altinj_exit_arrival e;
    while (altinj_exits_next(g, &e) && e.t_ns < UINT64_C(1000000000)) {
        assert_true(e.t_ns >= last);
        last = e.t_ns;
        n[e.reason]++;
    }
    altinj_exits_destroy(g);
    /* One second: Poisson counts within 5 sigma of their means. */
    assert_true(n[ALTINJ_EXIT_R_NPF] > 30000 - 866 && n[ALTINJ_EXIT_R_NPF] < 30000 + 866);
    assert_true(n[ALTINJ_EXIT_R_IO] > 5000 - 354 && n[ALTINJ_EXIT_R_IO] < 5000 + 354);
    assert_int_equal(n[ALTINJ_EXIT_R_HLT], 0);
    altinj_workload_spec_free(&a);
    altinj_workload_spec_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timer),
        cmocka_unit_test(test_guest_keys),
        cmocka_unit_test(test_poisson_burst_ipi),
        cmocka_unit_test(test_unknown_kind_and_key),
        cmocka_unit_test(test_missing_and_duplicate),
        cmocka_unit_test(test_bad_numbers),
        cmocka_unit_test(test_trace_file_errors),
        cmocka_unit_test(test_error_buffer_handling),
        cmocka_unit_test(test_describe_truncation),
        cmocka_unit_test(test_exits_key),
        cmocka_unit_test(test_exits_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
