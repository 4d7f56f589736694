/* kvmexit: replays of the kvm:kvm_exit fixtures (tests/data/kvmexit/) through both engines.
 * The replay's counts are the trace's, read independently here through the parser; every
 * replayed exit happens with its reason; the V=1 exits are exactly the BUSY cases; every
 * strategy delivers every event exactly once (and, under softint-copy=rerun, the COCONUT rows
 * duplicate exactly the cut software events, as the model says they do). Counts only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "altinj_costs.h"
#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_kvmexit.h"
#include "altinj_live.h"
#include "altinj_sim.h"
#include "altinj_workload.h"

#ifndef ALTINJ_TEST_DATA_DIR
#error "ALTINJ_TEST_DATA_DIR must point at tests/data"
#endif
#define DATA(name) ALTINJ_TEST_DATA_DIR "/kvmexit/" name

/* The fixtures a replay runs on (a trace without intr_info needs busy=; those with no
 * interrupt exit post nothing, and test_bad_inputs.sh checks that run refuses them). */
static const char *const replays[] = {
    "kvmexit:file=" DATA("svm_5.10.txt"),
    "kvmexit:file=" DATA("svm_5.10_mix.txt"),
    "kvmexit:file=" DATA("svm_requests_crlf.txt"),
    "kvmexit:file=" DATA("svm_info_4.x.txt") ",busy=1",
};
#define NREPLAYS (sizeof replays / sizeof replays[0])

/* What the trace holds, read straight from the parser: exits per mapped reason and the V=1
 * lines by role. */
struct expect {
    uint64_t by_reason[ALTINJ_EXIT_R__COUNT];
    uint64_t exits, v1, cut_interrupts, cut_raised, cut_software, interrupt_posts;
};

static void read_trace(const char *path, struct expect *e)
{
    memset(e, 0, sizeof *e);
    struct altinj_kvmexit_trace *tr;
    char err[256];
    assert_int_equal(altinj_kvmexit_load(path, &tr, err, sizeof err), 0);
    for (size_t i = 0; i < tr->n; i++) {
        const struct altinj_kvmexit *x = &tr->exits[i];
        const int r = altinj_kvmexit_reason(tr->reasons[x->reason]);
        e->exits++;
        e->by_reason[r]++;
        const bool v1 = tr->has_intr_info && x->event.valid;
        e->v1 += v1;
        if (v1 && (x->event.type == ALTINJ_EVENT_EXTINT || x->event.type == ALTINJ_EVENT_NMI))
            e->cut_interrupts++;
        else if (v1 && (x->event.type == ALTINJ_EVENT_EXCEPTION ||
                        x->event.type == ALTINJ_EVENT_SOFTINT)) {
            e->cut_raised++;
            e->cut_software += altinj_event_is_software(x->intr_info);
        } else if (!v1 && r == ALTINJ_EXIT_R_INTR)
            e->interrupt_posts++;
    }
    altinj_kvmexit_free(tr);
}

static const char *spec_path(const char *spec, char *buf, size_t len)
{
    snprintf(buf, len, "%s", strstr(spec, "file=") + 5);
    buf[strcspn(buf, ",")] = '\0';
    return buf;
}

static void parse(const char *spec, struct altinj_workload_spec *wl)
{
    char err[512];
    if (altinj_workload_parse(spec, wl, err, sizeof err) != 0)
        fail_msg("%s: %s", spec, err);
}

/* Replay k: its trace read through the parser, its workload parsed, and the workload's own
 * accounting; free with altinj_workload_spec_free(&f->wl). */
struct fixture {
    char path[512];
    struct expect e;
    struct altinj_workload_spec wl;
    struct altinj_kvmexit_counts c;
};

static void load_fixture(size_t k, struct fixture *f)
{
    read_trace(spec_path(replays[k], f->path, sizeof f->path), &f->e);
    parse(replays[k], &f->wl);
    assert_true(altinj_workload_kvmexit_counts(&f->wl, &f->c));
}

/* The spec's own accounting and its generators agree with the trace. */
static void counts_are_the_traces(void **state)
{
    (void)state;
    for (size_t k = 0; k < NREPLAYS; k++) {
        struct fixture f;
        load_fixture(k, &f);
        const struct expect e = f.e;
        struct altinj_workload_spec *wl = &f.wl;
        const struct altinj_kvmexit_counts c = f.c;
        assert_int_equal(c.exits, e.exits);
        for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
            assert_int_equal(c.by_reason[r], e.by_reason[r]);
        assert_int_equal(c.v1, e.v1);
        assert_int_equal(c.cut_interrupts, e.cut_interrupts);
        assert_int_equal(c.cut_raised, e.cut_raised);
        assert_int_equal(c.interrupt_posts, e.interrupt_posts);
        assert_int_equal(c.exits, c.cut_interrupts + c.cut_raised + c.interrupt_posts + c.plain);
        /* Generators: the posts and raised events, the plain exits with their reasons. */
        uint64_t posts = 0, busy = 0, plain = 0, plain_by[ALTINJ_EXIT_R__COUNT] = {0};
        for (unsigned s = 0; s < altinj_workload_sources(wl); s++) {
            struct altinj_arrivals *g = altinj_arrivals_create(wl, s, 1);
            struct altinj_arrival a;
            while (altinj_arrivals_next(g, &a)) {
                assert_int_equal(a.source, s);
                posts++;
                busy += a.busy;
            }
            altinj_arrivals_destroy(g);
            struct altinj_exits *x = altinj_exits_create_vcpu(wl, s, 1);
            assert_non_null(x);
            struct altinj_exit_arrival ea;
            while (altinj_exits_next(x, &ea)) {
                plain++;
                plain_by[ea.reason]++;
            }
            altinj_exits_destroy(x);
        }
        assert_int_equal(posts, altinj_workload_trace_events(wl));
        assert_int_equal(posts, c.cut_interrupts + c.cut_raised + c.interrupt_posts);
        assert_int_equal(plain, c.plain);
        if (c.intr_info)
            assert_int_equal(busy, e.v1 - c.v1_reserved_type);
        else
            assert_int_equal(busy, posts); /* busy=1 */
        for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
            assert_true(plain_by[r] <= e.by_reason[r]);
        altinj_workload_spec_free(wl);
    }
}

static void run_sim(const struct altinj_workload_spec *wl, const char *strategy, bool explore,
                    enum altinj_softint_copy copy, struct altinj_run_result *r)
{
    char err[256];
    const struct altinj_sim_config cfg = {
        .strategy = altinj_strategy_find(strategy), .workload = wl,
        .costs = altinj_costs_builtin("snp"), .seed = 3,
        .vcpus = altinj_workload_sources(wl), .route = {.kind = ALTINJ_SIM_ROUTE_RR},
        .explore = explore, .duration_ns = altinj_workload_trace_end_ns(wl) + 1000000,
        .model = {.softint_copy = copy}};
    assert_non_null(cfg.strategy);
    assert_int_equal(altinj_run_result_init(r, strategy, "sim"), 0);
    if (altinj_sim_run(&cfg, r, NULL, err, sizeof err) != ALTINJ_SIM_OK)
        fail_msg("%s: %s", strategy, err);
}

static const char *const named[] = {"reactive", "hvdb-flag", "unconditional", "paravisor"};

/*
 * Every replayed exit happens with the trace's reason. The model adds only its own exits: the
 * kick that brings each cut interrupt's post (an `interrupt` exit: the fixtures are sparse,
 * so no kick coalesces) and the guest's EOI exits (VMGEXIT). With exploration off nothing is
 * re-cut, so the BUSY cases are exactly the V=1 exits (or, busy=1, every post); with it on, a
 * replay with intr_info is not re-cut either (exactly_once_every_strategy).
 */
static void sim_exits_and_busy_cases(void **state)
{
    (void)state;
    for (size_t k = 0; k < NREPLAYS; k++) {
        struct fixture f;
        load_fixture(k, &f);
        const struct expect e = f.e;
        const char *path = f.path;
        struct altinj_workload_spec *wl = &f.wl;
        const struct altinj_kvmexit_counts c = f.c;
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
            struct altinj_run_result r;
            run_sim(wl, named[i], false, ALTINJ_SOFTINT_COPY_ADVANCE, &r);
            assert_true(r.exit_mix);
            assert_true(altinj_run_result_ok(&r));
            assert_int_equal(r.posted, altinj_workload_trace_events(wl));
            const uint64_t cuts = c.intr_info ? e.cut_interrupts + e.cut_raised : r.posted;
            assert_int_equal(r.c.busy_events, cuts);
            for (unsigned x = 0; x < ALTINJ_EXIT_R__COUNT; x++) {
                uint64_t want = e.by_reason[x];
                if (x == ALTINJ_EXIT_R_INTR)
                    want += e.cut_interrupts; /* the kicks of the cut interrupts' posts */
                if (x == ALTINJ_EXIT_R_VMGEXIT)
                    want += r.c.eoi_exits;
                if (x == ALTINJ_EXIT_R_NPF && !c.intr_info)
                    want += r.c.busy_events; /* busy=: the model's npf cuts */
                if (r.c.exits_by_reason[x] != want)
                    fail_msg("%s on %s: %llu %s exits, want %llu", named[i], path,
                             (unsigned long long)r.c.exits_by_reason[x],
                             altinj_exit_reason_name((enum altinj_exit_reason)x),
                             (unsigned long long)want);
            }
            altinj_run_result_free(&r);
        }
        altinj_workload_spec_free(wl);
    }
}

/* Exactly once in every named strategy, explored and not; under rerun the COCONUT rows
 * duplicate each cut software event once (their copy into EVENTINJ plus the guest's second
 * execution) and nothing else, paravisor (OpenHCL leaves INTn/INT3/INTO to the guest) none. */
static void exactly_once_every_strategy(void **state)
{
    (void)state;
    for (size_t k = 0; k < NREPLAYS; k++) {
        struct fixture f;
        load_fixture(k, &f);
        const struct expect e = f.e;
        const char *path = f.path;
        struct altinj_workload_spec *wl = &f.wl;
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
            for (int explore = 0; explore < 2; explore++) {
                struct altinj_run_result r;
                run_sim(wl, named[i], explore, ALTINJ_SOFTINT_COPY_ADVANCE, &r);
                if (!altinj_run_result_ok(&r))
                    fail_msg("%s on %s (explore %d): %llu lost, %llu duplicated", named[i],
                             path, explore, (unsigned long long)r.verdict.lost,
                             (unsigned long long)r.verdict.duplicated);
                assert_int_equal(r.verdict.delivered, r.posted);
                /* Explored or not, a replay with intr_info cuts what the trace cut and no
                 * more: a host's re-cut is already one of its V=1 exits. */
                if (strstr(replays[k], "busy=") == NULL)
                    assert_int_equal(r.c.busy_events, e.cut_interrupts + e.cut_raised);
                altinj_run_result_free(&r);
                run_sim(wl, named[i], explore, ALTINJ_SOFTINT_COPY_RERUN, &r);
                assert_int_equal(r.verdict.lost, 0);
                assert_int_equal(r.verdict.duplicated,
                                 strcmp(named[i], "paravisor") == 0 ? 0 : e.cut_software);
                altinj_run_result_free(&r);
            }
        }
        altinj_workload_spec_free(wl);
    }
}

/* vcpus= picks trace vCPUs (by printed id) as sources in id order; loop= repeats and speed=
 * scales, in the counts and in a run. */
static void vcpus_loop_speed(void **state)
{
    (void)state;
    struct altinj_workload_spec all, one, looped;
    parse("kvmexit:file=" DATA("svm_5.10_mix.txt"), &all);
    parse("kvmexit:file=" DATA("svm_5.10_mix.txt") ",vcpus=2,5", &one);
    parse("kvmexit:file=" DATA("svm_5.10_mix.txt") ",loop=3,speed=2", &looped);
    assert_int_equal(altinj_workload_sources(&all), 3);
    assert_int_equal(altinj_workload_sources(&one), 2);
    assert_int_equal(altinj_workload_source_cpu(&one, 0), 2);
    assert_int_equal(altinj_workload_source_cpu(&one, 1), 5);
    struct altinj_kvmexit_counts ca, co, cl;
    assert_true(altinj_workload_kvmexit_counts(&all, &ca));
    assert_true(altinj_workload_kvmexit_counts(&one, &co));
    assert_true(altinj_workload_kvmexit_counts(&looped, &cl));
    assert_int_equal(ca.exits, 14);
    assert_int_equal(co.exits, 9);
    assert_int_equal(cl.exits, 3 * ca.exits);
    assert_int_equal(cl.v1, 3 * ca.v1);
    /* span 0.2 s, 13 gaps: period 0.2 s + 15.384615 ms; the third repetition ends at
     * 2 x period + span, halved by speed=2. */
    const uint64_t span = 200000000, period = span + span / 13;
    assert_int_equal(altinj_workload_trace_end_ns(&all), span);
    assert_int_equal(altinj_workload_trace_end_ns(&looped), (2 * period + span) / 2);
    /* Times relative to the first selected line: vCPU 2's first exit is at 10.010000. */
    struct altinj_arrivals *g = altinj_arrivals_create(&one, 0, 1);
    struct altinj_arrival a;
    assert_true(altinj_arrivals_next(g, &a));
    assert_int_equal(a.t_ns, 0);
    assert_int_equal(a.vector, 0xec);
    assert_true(a.busy);
    assert_int_equal(a.cut_reason, 1 + ALTINJ_EXIT_R_INTR);
    altinj_arrivals_destroy(g);
    struct altinj_run_result r;
    run_sim(&looped, "paravisor", true, ALTINJ_SOFTINT_COPY_ADVANCE, &r);
    assert_true(altinj_run_result_ok(&r));
    assert_int_equal(r.posted, 3 * altinj_workload_trace_events(&all));
    assert_int_equal(r.c.exits_by_reason[ALTINJ_EXIT_R_IO], 3);
    assert_int_equal(r.c.exits_by_reason[ALTINJ_EXIT_R_OTHER], 9);
    altinj_run_result_free(&r);
    altinj_workload_spec_free(&all);
    altinj_workload_spec_free(&one);
    altinj_workload_spec_free(&looped);
}

static void parse_fails(const char *spec, const char *want)
{
    struct altinj_workload_spec wl;
    char err[512];
    assert_int_not_equal(altinj_workload_parse(spec, &wl, err, sizeof err), 0);
    if (!strstr(err, want))
        fail_msg("%s: '%s' lacks '%s'", spec, err, want);
}

static void errors(void **state)
{
    (void)state;
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",busy=0.1", "busy= conflicts");
    parse_fails("kvmexit:file=" DATA("svm_info_5.5.txt"), "no intr_info");
    parse_fails("kvmexit:file=" DATA("vmx_5.10.txt"), "VMX");
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",vcpus=0,7", "vCPU 7");
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",vcpus=3-1", "vcpus=3-1");
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",exc=0.1", "no exc=");
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",speed=0", "speed");
    parse_fails("kvmexit:file=" DATA("svm_5.10.txt") ",loop=0", "loop");
    parse_fails("kvmexit:file=" DATA("none.txt"), "cannot open");
    /* The parser's FILE:LINE. */
    char path[] = "/tmp/altinj-kvx-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(" CPU 0/KVM 1 [000] 1.000000: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 "
          "0x0 intr_info 0x0 error_code 0x0\n"
          " CPU 0/KVM 1 [000] 1.000001: kvm:kvm_exit: vcpu 0 reason npf rip 0xzz\n",
          f);
    fclose(f);
    char spec[64], want[64];
    snprintf(spec, sizeof spec, "kvmexit:file=%s", path);
    snprintf(want, sizeof want, "%s:2:", path);
    parse_fails(spec, want);
    unlink(path);
    /* The engines refuse a replay they cannot place. */
    struct altinj_workload_spec wl;
    parse("kvmexit:file=" DATA("svm_5.10.txt"), &wl);
    char err[256];
    struct altinj_run_result r;
    assert_int_equal(altinj_run_result_init(&r, "paravisor", "sim"), 0);
    const struct altinj_sim_config cfg = {
        .strategy = altinj_strategy_find("paravisor"), .workload = &wl,
        .costs = altinj_costs_builtin("snp"), .seed = 1, .vcpus = 1,
        .route = {.kind = ALTINJ_SIM_ROUTE_RR}, .duration_ns = 2000000000};
    assert_int_equal(altinj_sim_run(&cfg, &r, NULL, err, sizeof err), ALTINJ_SIM_BAD_INPUT);
    assert_non_null(strstr(err, "kvmexit"));
    altinj_run_result_free(&r);
    altinj_workload_spec_free(&wl);
}

/* One short live run: vCPU 0 of the mix at speed 4 (50 ms), paravisor. Exits are taken at or
 * after their times, never dropped, so the counts are exact live too. */
static void live_one_strategy(void **state)
{
    (void)state;
    struct altinj_workload_spec wl;
    parse("kvmexit:file=" DATA("svm_5.10_mix.txt") ",vcpus=0,speed=4", &wl);
    struct altinj_kvmexit_counts c;
    assert_true(altinj_workload_kvmexit_counts(&wl, &c));
    struct altinj_arrival *arr;
    size_t count;
    assert_int_equal(altinj_workload_pregenerate(&wl, 1, SIZE_MAX, UINT64_MAX, &arr, &count), 0);
    assert_int_equal(count, c.cut_interrupts + c.cut_raised + c.interrupt_posts);
    char err[256];
    struct altinj_tsc_clock clock;
    assert_int_equal(altinj_tsc_calibrate(&clock, err, sizeof err), 0);
    const struct altinj_live_config cfg = {
        .strategy = altinj_strategy_find("paravisor"), .arrivals = arr, .count = count,
        .nsources = 1, .clock = &clock, .drain_timeout_s = 30, .workload = &wl, .seed = 1,
        .exits_until_ns = altinj_workload_trace_end_ns(&wl) + 1000};
    struct altinj_run_result r;
    assert_int_equal(altinj_run_result_init(&r, "paravisor", "live"), 0);
    if (altinj_live_run(&cfg, &r, err, sizeof err) != 0)
        fail_msg("live: %s", err);
    assert_true(altinj_run_result_ok(&r));
    assert_int_equal(r.verdict.delivered, count);
    assert_int_equal(r.c.busy_events, c.cut_interrupts + c.cut_raised);
    assert_int_equal(r.c.exits_by_reason[ALTINJ_EXIT_R_IO], c.by_reason[ALTINJ_EXIT_R_IO]);
    assert_int_equal(r.c.exits_by_reason[ALTINJ_EXIT_R_OTHER], c.by_reason[ALTINJ_EXIT_R_OTHER]);
    assert_int_equal(r.c.exits_by_reason[ALTINJ_EXIT_R_NPF], c.by_reason[ALTINJ_EXIT_R_NPF]);
    altinj_run_result_free(&r);
    free(arr);
    altinj_workload_spec_free(&wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_are_the_traces),
        cmocka_unit_test(sim_exits_and_busy_cases),
        cmocka_unit_test(exactly_once_every_strategy),
        cmocka_unit_test(vcpus_loop_speed),
        cmocka_unit_test(errors),
        cmocka_unit_test(live_one_strategy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
