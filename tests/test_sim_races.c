/*
 * Exploration: with the seeded scheduler on, the interleavings live runs reach only by chance
 * (a doorbell write between the SVSM's take and its drain, a write landing at each yield point,
 * a VMEXIT during re-injection, a post and a kick at the same instant) are reached in every run,
 * and every strategy still delivers every event exactly once. Also: IPI fan-in into one vCPU
 * fills its small rings (back-pressure), routes, a thousand vCPUs, --events exactness, and a
 * deliberately broken strategy is caught by the oracle (so these checks can fail).
 */
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
#include "altinj_sim.h"
#include "altinj_vcpu.h"
#include "altinj_workload.h"

struct outcome {
    struct altinj_run_result r;
    struct altinj_sim_stats st;
};

static void sim(const char *spec, const struct altinj_strategy *s, unsigned vcpus,
                struct altinj_sim_route route, uint64_t events, uint64_t duration_ns,
                struct outcome *o)
{
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse(spec, &wl, err, sizeof err), 0);
    const struct altinj_sim_config cfg = {
        .strategy = s, .workload = &wl, .costs = altinj_costs_builtin("snp"), .seed = 21,
        .vcpus = vcpus, .route = route, .explore = true, .events = events,
        .duration_ns = duration_ns};
    assert_int_equal(altinj_run_result_init(&o->r, s->name, "sim"), 0);
    const enum altinj_sim_status rc = altinj_sim_run(&cfg, &o->r, &o->st, err, sizeof err);
    if (rc != ALTINJ_SIM_OK)
        fail_msg("%s", err);
    altinj_workload_spec_free(&wl);
}

static void expect_exactly_once(const struct outcome *o)
{
    const struct altinj_run_result *r = &o->r;
    if (!altinj_run_result_ok(r))
        fail_msg("%s: posted %llu delivered %llu lost %llu dup %llu fatal %d stalled %d "
                 "internal %llu",
                 r->strategy, (unsigned long long)r->posted,
                 (unsigned long long)r->verdict.delivered, (unsigned long long)r->verdict.lost,
                 (unsigned long long)r->verdict.duplicated, r->fatal, r->stalled,
                 (unsigned long long)r->c.internal_errors);
    assert_int_equal(r->verdict.delivered, r->posted);
    assert_int_equal(altinj_hist_count(&r->latency_ns), r->posted);
    /* Every cut is repaired by a copy into EVENTINJ, or left to the guest (OpenHCL's software
     * events: none in these workloads). */
    assert_int_equal(r->c.reinjections + r->c.left_to_guest, r->c.busy_events);
    if (strcmp(r->strategy, "reactive") == 0)
        assert_true(r->c.failed_vmruns <= r->c.busy_events);
    else
        assert_int_equal(r->c.failed_vmruns, 0);
    assert_int_equal(r->c.unpresented, 0);
    /* Events: every action counted once. */
    const struct altinj_sim_stats *st = &o->st;
    assert_int_equal(st->posts, r->posted);
    assert_int_equal(st->exits, r->c.exits);
    assert_int_equal(st->events,
                     st->posts + st->parks + st->kicks + st->exits + st->steps + st->guest);
}

static const struct altinj_sim_route ALL = {.kind = ALTINJ_SIM_ROUTE_ALL};

static void races_reached_every_strategy(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct outcome o;
        sim("poisson:rate=200000,busy=0.2,exc=0.05", altinj_strategy_at(i), 16, ALL, 0,
            20000000, &o);
        expect_exactly_once(&o);
        assert_true(o.r.posted > 50000);
        /* Each landing point of the SVSM pass, the race between the doorbell take and the
         * drain among them, a VMEXIT during re-injection, and kicks saved by NoFurtherSignal. */
        for (unsigned p = 0; p < ALTINJ_YIELD__COUNT; p++)
            assert_true(o.st.landed_at[p] > 0);
        assert_true(o.st.deferred > 0);
        assert_true(o.st.recuts > 0);
        assert_true(o.r.c.busy_events > o.st.recuts);
        assert_true(o.r.kicks_suppressed > 0);
        assert_true(o.st.kick_ties_kick_first + o.st.deferred > 0);
        print_message("  %s: %llu events, %llu writes landed between doorbell take and drain, "
                      "%llu re-deliveries cut again\n",
                      o.r.strategy, (unsigned long long)o.st.events,
                      (unsigned long long)o.st.landed_at[ALTINJ_YIELD_DOORBELL_TAKEN],
                      (unsigned long long)o.st.recuts);
        altinj_run_result_free(&o.r);
    }
}

static void ipi_storm_into_one_vcpu(void **state)
{
    (void)state;
    /* 63 sender vCPUs into vCPU 0 at 3M IPIs/s: far past what snp costs let one vCPU absorb,
     * so its 4-record rings fill and the senders wait; nothing is lost. */
    const struct altinj_sim_route to0 = {.kind = ALTINJ_SIM_ROUTE_ONE, .vcpu = 0};
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct outcome o;
        sim("ipi:senders=63,rate=3000000,busy=0.1", altinj_strategy_at(i), 64, to0, 0, 4000000,
            &o);
        expect_exactly_once(&o);
        assert_true(o.st.parks > 0);
        assert_int_equal(o.r.ring_full_waits, o.st.parks);
        assert_true(o.r.late_posts > 0);
        /* One vector from 63 senders: most IPIs coalesce into interrupts already due. */
        assert_true(o.r.c.coalesced > o.r.posted / 2);
        altinj_run_result_free(&o.r);
    }
}

static void rr_route_spreads_sources(void **state)
{
    (void)state;
    const struct altinj_sim_route rr = {.kind = ALTINJ_SIM_ROUTE_RR};
    struct outcome o;
    sim("ipi:senders=8,rate=800000,busy=0.1", altinj_strategy_find("unconditional"), 4, rr, 0,
        10000000, &o);
    expect_exactly_once(&o);
    /* 8 senders at 100k/s each over 10 ms. */
    assert_true(o.r.posted > 7000 && o.r.posted < 9000);
    altinj_run_result_free(&o.r);
}

static void thousand_vcpus(void **state)
{
    (void)state;
    struct outcome o;
    sim("poisson:rate=20000,busy=0.1", altinj_strategy_find("paravisor"), 1024, ALL, 0, 2000000,
        &o);
    expect_exactly_once(&o);
    assert_int_equal(o.r.vcpus, 1024);
    assert_true(o.r.posted > 30000);
    altinj_run_result_free(&o.r);
}

static void events_bound_is_exact(void **state)
{
    (void)state;
    struct outcome o;
    sim("poisson:rate=300000,busy=0.1", altinj_strategy_find("reactive"), 8, ALL, 12345, 0, &o);
    expect_exactly_once(&o);
    assert_int_equal(o.r.posted, 12345);
    altinj_run_result_free(&o.r);
}

/* Two posts 5 us apart on two vectors: the second falls inside the SVSM pass the first one
 * caused, and lands at one of its points as the vCPU's explored schedule decides; it is the
 * last post, so a post stranded by the process-before-clear mutant is lost for good. */
static const char TWO_POSTS[] =
    "         swapper      0 [000]     1.000000:  irq_vectors:local_timer_entry: vector=236\n"
    "         swapper      0 [000]     1.000005:  irq:irq_handler_entry: irq=24 name=nvme0q1\n";

/* Each mutant row is caught by the oracle in the explored simulation, with its expected
 * verdict, in bounded time. */
static void mutants_are_caught(void **state)
{
    (void)state;
    char two[] = "/tmp/altinj-two-posts-XXXXXX";
    const int fd = mkstemp(two);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, TWO_POSTS, sizeof TWO_POSTS - 1), (ssize_t)(sizeof TWO_POSTS - 1));
    close(fd);
    char pbc[128];
    snprintf(pbc, sizeof pbc, "trace:file=%s,busy=0", two);
    struct {
        const char *row, *spec, *faults;
        unsigned vcpus;
    } cases[] = {
        {"mutant-pr881", "poisson:rate=100000,busy=0.2", "none", 1},
        /* A guest that keeps interrupts masked most of the time gets them through V_IRQ. */
        {"mutant-pr1064", "poisson:rate=100000,busy=0.05,masked=0.9,mask_us=50", "none", 1},
        {"mutant-trust-flag", "poisson:rate=100000,busy=0.2", "flag-no-busy=0.3", 1},
        /* Every vCPU replays the two posts with its own explored schedule. */
        {"mutant-process-before-clear", pbc, "none", 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct altinj_strategy *m = altinj_strategy_find(cases[i].row);
        assert_non_null(m);
        char err[256];
        struct altinj_workload_spec wl;
        assert_int_equal(altinj_workload_parse(cases[i].spec, &wl, err, sizeof err), 0);
        struct altinj_fault_spec faults;
        assert_int_equal(altinj_fault_spec_parse(cases[i].faults, &faults, err, sizeof err), 0);
        const struct altinj_sim_config cfg = {
            .strategy = m, .workload = &wl, .costs = altinj_costs_builtin("snp"), .seed = 21,
            .vcpus = cases[i].vcpus, .route = ALL, .explore = true, .duration_ns = 20000000,
            .faults = &faults};
        struct outcome o;
        assert_int_equal(altinj_run_result_init(&o.r, m->name, "sim"), 0);
        assert_int_equal(altinj_sim_run(&cfg, &o.r, &o.st, err, sizeof err), ALTINJ_SIM_OK);
        const struct altinj_run_result *r = &o.r;
        print_message("  %s: posted %llu lost %llu duplicated %llu stalled %d fatal %d\n",
                      m->name, (unsigned long long)r->posted, (unsigned long long)r->verdict.lost,
                      (unsigned long long)r->verdict.duplicated, r->stalled, r->fatal);
        assert_false(altinj_run_result_ok(r));
        if (strcmp(m->expect, "duplicated") == 0)
            assert_true(r->verdict.duplicated > 0);
        else if (strcmp(m->expect, "panic") == 0)
            assert_true(r->fatal);
        else
            assert_true(r->verdict.lost > 0);
        /* The same workload is exactly once for the row the mutant breaks. */
        const struct altinj_strategy *honest =
            altinj_strategy_find(strcmp(m->expect, "duplicated") == 0 ? "hvdb-flag"
                                                                      : "unconditional");
        struct altinj_sim_config hc = cfg;
        hc.strategy = honest;
        struct outcome h;
        assert_int_equal(altinj_run_result_init(&h.r, honest->name, "sim"), 0);
        assert_int_equal(altinj_sim_run(&hc, &h.r, &h.st, err, sizeof err), ALTINJ_SIM_OK);
        assert_true(altinj_run_result_ok(&h.r));
        altinj_run_result_free(&h.r);
        altinj_run_result_free(&o.r);
        altinj_workload_spec_free(&wl);
    }
    unlink(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(races_reached_every_strategy),
        cmocka_unit_test(ipi_storm_into_one_vcpu),
        cmocka_unit_test(rr_route_spreads_sources),
        cmocka_unit_test(thousand_vcpus),
        cmocka_unit_test(events_bound_is_exact),
        cmocka_unit_test(mutants_are_caught),
    };
    return cmocka_run_group_tests_name("sim_races", tests, NULL, NULL);
}
