/*
 * The simulator against closed forms and against the live engine.
 *
 * Closed forms (exploration off, one vCPU, a timer sparse enough that each event is handled
 * before the next arrives): every latency is exactly the sum of the profile's costs on the
 * event's path, and the world-switch counts follow from the number of posted interrupts P, of
 * events the guest raises itself R (exc=: #PF/#VC) and of cut deliveries B alone:
 *   posted interrupt:  kick + VMEXIT (INTR) + VMPL switch + VMRUN, taken at once (EVENTINJ, or a
 *                      V_IRQ the guest takes as it enters with IF set), lazy EOI: no exit
 *   guest exception:   0 (raised and handled inside the guest)
 *   a cut adds:        VMEXIT (the cut) + VMPL switch + VMRUN, and for reactive also one
 *                      failed VMRUN (VMEXIT_BUSY) before that VMPL switch
 *   exits = P + B, SVSM entries = 1 + P + B (the first launches the guest),
 *   VMRUNs = 1 + P + B (+ B failed, reactive).
 *
 * Live (same arrival sequence, profiles zero and snp, timer:hz=20000 with busy=0.1): the counts
 * agree exactly, and the latency percentiles agree within the stated tolerance. Why the live
 * counts are timing-independent here: with 50 us between arrivals and a path of at most ~15 us
 * (snp, cut), every event is posted, kicked, consumed and delivered before the next one is
 * posted, so no post ever races an SVSM pass, no kick is suppressed by NoFurtherSignal and no
 * interrupt window is needed; what each strategy does per event is then fixed by the event
 * alone (cut or not). A live run proves it was undisturbed by its own latencies: if every event
 * was delivered within the gap (max latency < 50 us), nothing overlapped. On a loaded machine a
 * preempted thread breaks that; such attempts are retried, and the check is skipped (not
 * passed) when no attempt out of LIVE_ATTEMPTS (within LIVE_BUDGET_S) is undisturbed.
 *
 * Latency tolerance: live latency is sim latency (the busy-waited costs, which the live engine
 * spends too) plus the model's own code path on the host (posting, spinning on the kick, the
 * SVSM's atomics), measured at 0.3-1.5 us on the reference machine (a shared 2-core VM). So
 * for the latency p50 and p75 (plain events: about 10% are cut, so p90 would sit on the edge
 * between the two paths) and for the p50 of BUSY exit -> re-delivery (the cut path):
 *     sim - 1%  <=  live  <=  sim + 5 us.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "altinj_costs.h"
#include "altinj_live.h"
#include "altinj_sim.h"
#include "altinj_workload.h"

#define SPARSE_TIMER "timer:hz=20000,busy=0.1,exc=0.05"
#define GAP_NS 50000u
#define LIVE_EVENTS 300u
#define LIVE_ATTEMPTS 16
#define TOL_ABOVE_NS 5000u
/* Wall-clock budget for the live attempts of one profile, so a loaded machine (or a sanitizer
 * build) skips within seconds instead of retrying for minutes. */
#define LIVE_BUDGET_S 8.0

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_sim(const char *spec, const struct altinj_cost_profile *costs,
                    const struct altinj_strategy *s, uint64_t events, uint64_t seed,
                    struct altinj_run_result *r)
{
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse(spec, &wl, err, sizeof err), 0);
    const struct altinj_sim_config cfg = {
        .strategy = s, .workload = &wl, .costs = costs, .seed = seed, .vcpus = 1,
        .explore = false, .events = events};
    assert_int_equal(altinj_run_result_init(r, s->name, "sim"), 0);
    assert_int_equal(altinj_sim_run(&cfg, r, NULL, err, sizeof err), ALTINJ_SIM_OK);
    assert_true(altinj_run_result_ok(r));
    altinj_workload_spec_free(&wl);
}

/* Costs chosen so that every path has its own sum, all below 2048 ns: the histogram holds
 * them exactly, one counter each. */
static struct altinj_cost_profile distinct_costs(void)
{
    struct altinj_cost_profile p = {.name = "distinct"};
    p.ns[ALTINJ_COST_VMRUN] = 10;
    p.ns[ALTINJ_COST_VMEXIT] = 20;
    p.ns[ALTINJ_COST_VMRUN_BUSY] = 40;
    p.ns[ALTINJ_COST_VMPL_SWITCH] = 80;
    p.ns[ALTINJ_COST_DOORBELL_KICK] = 160;
    return p;
}

static uint64_t cyc(const struct altinj_cost_profile *p, enum altinj_cost_kind k)
{
    uint64_t c[ALTINJ_COST__COUNT];
    assert_int_equal(altinj_costs_to_cycles(p, ALTINJ_SIM_CLOCK_HZ, c), 0);
    return c[k];
}

static bool is_reactive(const struct altinj_strategy *s)
{
    return strcmp(s->name, "reactive") == 0;
}

static void check_closed_form(const struct altinj_cost_profile *p, bool exact_buckets)
{
    const uint64_t plain = cyc(p, ALTINJ_COST_DOORBELL_KICK) + cyc(p, ALTINJ_COST_VMEXIT) +
                           cyc(p, ALTINJ_COST_VMPL_SWITCH) + cyc(p, ALTINJ_COST_VMRUN);
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        const uint64_t redelivery = (is_reactive(s) ? cyc(p, ALTINJ_COST_VMRUN_BUSY) : 0) +
                                    cyc(p, ALTINJ_COST_VMPL_SWITCH) + cyc(p, ALTINJ_COST_VMRUN);
        const uint64_t cut = plain + cyc(p, ALTINJ_COST_VMEXIT) + redelivery;
        const uint64_t raised_cut = cyc(p, ALTINJ_COST_VMEXIT) + redelivery;
        struct altinj_run_result r;
        run_sim(SPARSE_TIMER, p, s, 3000, 11, &r);
        const uint64_t e = r.posted, b = r.c.busy_events, raised = r.c.guest_raised;
        const uint64_t posted = e - raised;
        assert_int_equal(e, 3000);
        assert_true(b > 200 && b < 400);
        assert_true(raised > 80 && raised < 220);
        /* Counts. */
        assert_int_equal(r.c.exits, posted + b);
        assert_int_equal(r.c.svsm_entries, 1 + posted + b);
        assert_int_equal(r.c.failed_vmruns, is_reactive(s) ? b : 0);
        assert_int_equal(r.c.vmruns, 1 + posted + b + r.c.failed_vmruns);
        assert_int_equal(r.c.reinjections, b);
        assert_int_equal(r.c.eoi_exits, 0);
        assert_int_equal(r.c.lazy_eois, posted);
        assert_int_equal(r.c.coalesced, 0);
        assert_int_equal(r.kicks, posted);
        assert_int_equal(r.kicks_suppressed, 0);
        /* Latencies: the extremes are exact in any histogram. */
        assert_int_equal(altinj_hist_min(&r.latency_ns), 0);
        assert_int_equal(altinj_hist_max(&r.latency_ns), cut);
        assert_int_equal(altinj_hist_count(&r.busy_redelivery_ns), b);
        assert_int_equal(altinj_hist_min(&r.busy_redelivery_ns), redelivery);
        assert_int_equal(altinj_hist_max(&r.busy_redelivery_ns), redelivery);
        if (exact_buckets) {
            /* Exactly four values, in this order: a guest exception handled at once, one that
             * was cut, a posted interrupt, one that was cut. */
            const uint64_t at[4] = {0, raised_cut, plain, cut};
            uint64_t n[4];
            struct altinj_hist_iter it;
            struct altinj_hist_bucket bk;
            altinj_hist_iter_init(&it, &r.latency_ns);
            for (int k = 0; k < 4; k++) {
                assert_true(altinj_hist_iter_next(&it, &bk));
                assert_int_equal(bk.lo, at[k]);
                n[k] = bk.count;
            }
            assert_false(altinj_hist_iter_next(&it, &bk));
            assert_int_equal(n[0] + n[1], raised);
            assert_int_equal(n[2] + n[3], posted);
            assert_int_equal(n[1] + n[3], b);
        }
        altinj_run_result_free(&r);
    }
}

static void closed_form_distinct_costs(void **state)
{
    (void)state;
    const struct altinj_cost_profile p = distinct_costs();
    check_closed_form(&p, true);
}

static void closed_form_snp(void **state)
{
    (void)state;
    check_closed_form(altinj_costs_builtin("snp"), false);
}

static void closed_form_zero(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct altinj_run_result r;
        run_sim(SPARSE_TIMER, altinj_costs_builtin("zero"), altinj_strategy_at(i), 2000, 3, &r);
        assert_int_equal(altinj_hist_max(&r.latency_ns), 0);
        assert_int_equal(altinj_hist_count(&r.latency_ns), 2000);
        assert_int_equal(r.c.failed_vmruns,
                         is_reactive(altinj_strategy_at(i)) ? r.c.busy_events : 0);
        assert_int_equal(r.verdict.delivered, 2000);
        altinj_run_result_free(&r);
    }
}

/* ---- live ---- */

struct live_fixture {
    struct altinj_tsc_clock clock;
    struct altinj_workload_spec wl;
    struct altinj_arrival *arr;
    size_t count;
};

static bool counters_equal(const struct altinj_run_result *a, const struct altinj_run_result *b)
{
    struct altinj_counters x = a->c, y = b->c;
    /* Time spent differs by construction; everything else is a count. */
    x.hv_cycles = y.hv_cycles = 0;
    x.svsm_cycles = y.svsm_cycles = 0;
    return memcmp(&x, &y, sizeof x) == 0 && a->posted == b->posted &&
           a->kicks == b->kicks && a->kicks_suppressed == b->kicks_suppressed &&
           a->poster_doorbell_writes == b->poster_doorbell_writes &&
           a->verdict.delivered == b->verdict.delivered;
}

static void print_counts(const char *what, const struct altinj_run_result *r)
{
    print_message("  %s: exits %llu vmruns %llu failed %llu svsm %llu busy %llu eoi exits %llu "
                  "kicks %llu suppressed %llu\n",
                  what, (unsigned long long)r->c.exits, (unsigned long long)r->c.vmruns,
                  (unsigned long long)r->c.failed_vmruns, (unsigned long long)r->c.svsm_entries,
                  (unsigned long long)r->c.busy_events, (unsigned long long)r->c.eoi_exits,
                  (unsigned long long)r->kicks, (unsigned long long)r->kicks_suppressed);
}

static void crossval(const char *profile)
{
    char err[256];
    struct live_fixture f;
    assert_int_equal(altinj_tsc_calibrate(&f.clock, err, sizeof err), 0);
    assert_int_equal(altinj_workload_parse(SPARSE_TIMER, &f.wl, err, sizeof err), 0);
    assert_int_equal(
        altinj_workload_pregenerate(&f.wl, 5, LIVE_EVENTS, UINT64_MAX, &f.arr, &f.count), 0);
    const struct altinj_cost_profile *costs = altinj_costs_builtin(profile);
    struct altinj_live_config cfg = {
        .arrivals = f.arr, .count = f.count, .nsources = 1, .clock = &f.clock,
        .drain_timeout_s = 10, .workload = &f.wl, .seed = 5};
    assert_int_equal(altinj_costs_to_cycles(costs, f.clock.hz, cfg.cost_cycles), 0);
    unsigned skipped = 0;
    const double deadline = wall_s() + LIVE_BUDGET_S;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_run_result sim;
        run_sim(SPARSE_TIMER, costs, s, LIVE_EVENTS, 5, &sim);
        bool clean = false;
        for (int attempt = 0; attempt < LIVE_ATTEMPTS && !clean && wall_s() < deadline;
             attempt++) {
            struct altinj_run_result live;
            assert_int_equal(altinj_run_result_init(&live, s->name, "live"), 0);
            cfg.strategy = s;
            assert_int_equal(altinj_live_run(&cfg, &live, err, sizeof err), 0);
            /* Exactly-once holds however disturbed the run was. */
            assert_true(altinj_run_result_ok(&live));
            clean = altinj_hist_max(&live.latency_ns) < GAP_NS;
            if (clean) {
                if (!counters_equal(&live, &sim)) {
                    print_counts("live", &live);
                    print_counts("sim ", &sim);
                    fail_msg("%s/%s: live and sim counts differ", profile, s->name);
                }
                const struct {
                    const char *what;
                    const struct altinj_hist *live, *sim;
                    double pct;
                } checks[] = {
                    {"latency p50", &live.latency_ns, &sim.latency_ns, 50},
                    {"latency p75", &live.latency_ns, &sim.latency_ns, 75},
                    {"re-delivery p50", &live.busy_redelivery_ns, &sim.busy_redelivery_ns, 50},
                };
                for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
                    const uint64_t l = altinj_hist_value_at_percentile(checks[k].live,
                                                                       checks[k].pct);
                    const uint64_t m = altinj_hist_value_at_percentile(checks[k].sim,
                                                                       checks[k].pct);
                    print_message("  %s/%s %s: live %llu ns, sim %llu ns\n", profile, s->name,
                                  checks[k].what, (unsigned long long)l,
                                  (unsigned long long)m);
                    assert_true((double)l >= (double)m * 0.99);
                    assert_true(l <= m + TOL_ABOVE_NS);
                }
            }
            altinj_run_result_free(&live);
        }
        if (!clean) {
            print_message("  %s/%s: no undisturbed live run within %d attempts or %.0f s "
                          "(loaded machine)\n",
                          profile, s->name, LIVE_ATTEMPTS, LIVE_BUDGET_S);
            skipped++;
        }
        altinj_run_result_free(&sim);
    }
    free(f.arr);
    altinj_workload_spec_free(&f.wl);
    if (skipped)
        skip();
}

static void live_counts_match_zero(void **state)
{
    (void)state;
    crossval("zero");
}

static void live_counts_match_snp(void **state)
{
    (void)state;
    crossval("snp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_form_distinct_costs),
        cmocka_unit_test(closed_form_snp),
        cmocka_unit_test(closed_form_zero),
        cmocka_unit_test(live_counts_match_zero),
        cmocka_unit_test(live_counts_match_snp),
    };
    return cmocka_run_group_tests_name("sim_crossval", tests, NULL, NULL);
}
