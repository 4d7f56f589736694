/* exits= through both engines: the synthetic non-interrupt exits happen exactly as the
 * workload generates them, per reason; paravisor sends every one to VMPL0 and the other rows
 * send them straight back; the events stay exactly-once. Counts only, no timings (live runs
 * on a loaded machine take each exit at or after its time, never drop one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "altinj_costs.h"
#include "altinj_exit_codes.h"
#include "altinj_live.h"
#include "altinj_sim.h"
#include "altinj_workload.h"

#define SPEC "poisson:rate=20000,busy=0,exits=npf:30000+io:5000+hlt:2000"
#define SEED 5

/* What the workload generates for vCPU 0 before until_ns (or up to and including the last
 * arrival's time, with until_ns UINT64_MAX and that time in last). */
static void expected(const struct altinj_workload_spec *wl, uint64_t until_ns, uint64_t last,
                     uint64_t *n)
{
    memset(n, 0, ALTINJ_EXIT_R__COUNT * sizeof *n);
    struct altinj_exits *g = altinj_exits_create(wl, SEED);
    assert_non_null(g);
    struct altinj_exit_arrival e;
    while (altinj_exits_next(g, &e) && e.t_ns < until_ns && e.t_ns <= last)
        n[e.reason]++;
    altinj_exits_destroy(g);
}

static uint64_t synthetic(const uint64_t *n)
{
    return n[ALTINJ_EXIT_R_NPF] + n[ALTINJ_EXIT_R_IO] + n[ALTINJ_EXIT_R_HLT];
}

/* Rows other than paravisor: no VMPL0 run for the exits themselves (busy=0: no cut). A
 * VMPL0 run may still follow one when doorbell work happens to be pending then. */
static void check_row(const struct altinj_run_result *r, const uint64_t *n)
{
    assert_true(altinj_run_result_ok(r));
    assert_int_equal(r->c.exits_by_reason[ALTINJ_EXIT_R_NPF], n[ALTINJ_EXIT_R_NPF]);
    assert_int_equal(r->c.exits_by_reason[ALTINJ_EXIT_R_IO], n[ALTINJ_EXIT_R_IO]);
    assert_int_equal(r->c.exits_by_reason[ALTINJ_EXIT_R_HLT], n[ALTINJ_EXIT_R_HLT]);
    assert_int_equal(r->c.exits_by_reason[ALTINJ_EXIT_R_MSR], 0);
    assert_true(r->exit_mix);
    uint64_t sum = 0;
    for (unsigned k = 0; k < ALTINJ_EXIT_R__COUNT; k++)
        sum += r->c.exits_by_reason[k];
    assert_int_equal(sum, r->c.exits);
    if (strcmp(r->strategy, "paravisor") == 0) {
        assert_int_equal(r->c.svsm_by_reason[ALTINJ_SVSM_EVERY_EXIT], r->c.exits);
    } else {
        assert_int_equal(r->c.svsm_by_reason[ALTINJ_SVSM_EVERY_EXIT], 0);
        assert_int_equal(r->c.svsm_by_reason[ALTINJ_SVSM_EXITINTINFO] +
                             r->c.svsm_by_reason[ALTINJ_SVSM_HVDB_FLAG],
                         0);
        /* At most the interrupt exits, the launch and the rare doorbell coincidence. */
        assert_true(r->c.svsm_entries < r->c.exits - synthetic(n) / 2);
    }
}

static void sim_counts_per_reason(void **state)
{
    (void)state;
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse(SPEC, &wl, err, sizeof err), 0);
    const uint64_t duration = 50000000; /* 50 ms: ~1750 synthetic exits */
    uint64_t n[ALTINJ_EXIT_R__COUNT];
    expected(&wl, duration, UINT64_MAX, n);
    assert_true(synthetic(n) > 1000);
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        for (int explore = 0; explore < 2; explore++) {
            struct altinj_sim_config cfg = {
                .strategy = altinj_strategy_at(i), .workload = &wl,
                .costs = altinj_costs_builtin("snp"), .seed = SEED, .vcpus = 1,
                .explore = explore != 0, .duration_ns = duration};
            struct altinj_run_result r;
            assert_int_equal(altinj_run_result_init(&r, cfg.strategy->name, "sim"), 0);
            assert_int_equal(altinj_sim_run(&cfg, &r, NULL, err, sizeof err), ALTINJ_SIM_OK);
            check_row(&r, n);
            altinj_run_result_free(&r);
        }
    }
    /* Many vCPUs: each exits on its own stream, vCPU 0 on the one-vCPU run's. */
    struct altinj_sim_config cfg = {
        .strategy = altinj_strategy_find("paravisor"), .workload = &wl,
        .costs = altinj_costs_builtin("snp"), .seed = SEED, .vcpus = 4, .explore = true,
        .duration_ns = duration};
    struct altinj_run_result r;
    assert_int_equal(altinj_run_result_init(&r, "paravisor", "sim"), 0);
    assert_int_equal(altinj_sim_run(&cfg, &r, NULL, err, sizeof err), ALTINJ_SIM_OK);
    assert_true(altinj_run_result_ok(&r));
    assert_true(r.c.exits_by_reason[ALTINJ_EXIT_R_NPF] > 3 * n[ALTINJ_EXIT_R_NPF]);
    assert_true(r.c.exits_by_reason[ALTINJ_EXIT_R_NPF] != 4 * n[ALTINJ_EXIT_R_NPF]);
    altinj_run_result_free(&r);
    altinj_workload_spec_free(&wl);
}

/* --events: the exits up to the last arrival's intended time, in both engines alike. */
static void live_and_sim_events(void **state)
{
    (void)state;
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse(SPEC, &wl, err, sizeof err), 0);
    const size_t events = 1500;
    struct altinj_arrival *arr;
    size_t count;
    assert_int_equal(altinj_workload_pregenerate(&wl, SEED, events, UINT64_MAX, &arr, &count), 0);
    assert_int_equal(count, events);
    uint64_t n[ALTINJ_EXIT_R__COUNT];
    expected(&wl, UINT64_MAX, arr[count - 1].t_ns, n);
    assert_true(synthetic(n) > 1000);
    struct altinj_tsc_clock clock;
    assert_int_equal(altinj_tsc_calibrate(&clock, err, sizeof err), 0);
    struct altinj_live_config lcfg = {
        .arrivals = arr, .count = count, .nsources = altinj_workload_sources(&wl),
        .clock = &clock, .drain_timeout_s = 30, .workload = &wl, .seed = SEED};
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct altinj_run_result r;
        assert_int_equal(altinj_run_result_init(&r, altinj_strategy_at(i)->name, "live"), 0);
        lcfg.strategy = altinj_strategy_at(i);
        assert_int_equal(altinj_live_run(&lcfg, &r, err, sizeof err), 0);
        assert_int_equal(r.verdict.delivered, count);
        check_row(&r, n);
        altinj_run_result_free(&r);

        struct altinj_sim_config scfg = {
            .strategy = altinj_strategy_at(i), .workload = &wl,
            .costs = altinj_costs_builtin("snp"), .seed = SEED, .vcpus = 1, .events = events};
        assert_int_equal(altinj_run_result_init(&r, altinj_strategy_at(i)->name, "sim"), 0);
        assert_int_equal(altinj_sim_run(&scfg, &r, NULL, err, sizeof err), ALTINJ_SIM_OK);
        assert_int_equal(r.verdict.delivered, count);
        check_row(&r, n);
        altinj_run_result_free(&r);
    }
    free(arr);
    altinj_workload_spec_free(&wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_counts_per_reason),
        cmocka_unit_test(live_and_sim_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
