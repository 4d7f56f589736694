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
 * SVSM's atomics): 0.3-1.5 us on the reference machine (a shared 2-core VM), 4-5 us on a
 * slower CI machine. That path is measured in the same pair of runs as the `zero` profile's
 * live latency (own), so for the latency p50 and p75 (plain events: about 10% are cut, so p90
 * would sit on the edge between the two paths) and for the p50 of BUSY exit -> re-delivery
 * (the cut path):
 *     sim - 1%  <=  live(snp)  <=  sim + 2 * own + 1 us.
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
#define TOL_ABOVE_NS 1000u
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

/* One live run of `s` under `costs`; true when it was undisturbed (see the head comment). */
static bool live_attempt(struct live_fixture *f, struct altinj_live_config *cfg,
                         const struct altinj_cost_profile *costs,
                         const struct altinj_strategy *s, struct altinj_run_result *live)
{
    char err[256];
    assert_int_equal(altinj_costs_to_cycles(costs, f->clock.hz, cfg->cost_cycles), 0);
    assert_int_equal(altinj_run_result_init(live, s->name, "live"), 0);
    cfg->strategy = s;
    assert_int_equal(altinj_live_run(cfg, live, err, sizeof err), 0);
    /* Exactly-once holds however disturbed the run was. */
    assert_true(altinj_run_result_ok(live));
    return altinj_hist_max(&live->latency_ns) < GAP_NS;
}

static void expect_counts(const char *profile, const char *name,
                          const struct altinj_run_result *live,
                          const struct altinj_run_result *sim)
{
    if (!counters_equal(live, sim)) {
        print_counts("live", live);
        print_counts("sim ", sim);
        fail_msg("%s/%s: live and sim counts differ", profile, name);
    }
}

/* The percentiles compared, as (histogram selector, percentile). */
struct pct_check {
    const char *what;
    bool redelivery;
    double pct;
};
static const struct pct_check PCT_CHECKS[] = {
    {"latency p50", false, 50},
    {"latency p75", false, 75},
    {"re-delivery p50", true, 50},
};
#define N_PCT_CHECKS (sizeof PCT_CHECKS / sizeof PCT_CHECKS[0])

static uint64_t pct_of(const struct altinj_run_result *r, const struct pct_check *c)
{
    return altinj_hist_value_at_percentile(c->redelivery ? &r->busy_redelivery_ns
                                                         : &r->latency_ns,
                                           c->pct);
}

/*
 * For every strategy: pairs of live runs, `zero` then `snp`, over the same arrivals, each
 * against its sim twin. Counts must be equal in both profiles and live may never be faster
 * than the costs it busy-waits (sim - 1%). The upper bound is a ratio measured in the same
 * pair, not a fixed number of microseconds: the `zero` run is the model's own code path on
 * this machine (the costs are 0), so the `snp` run may exceed its sim figure by at most
 * twice that path plus 1 us. A fixed bound failed on a slower CI machine whose own path
 * alone was 5.2 us; this one follows the machine, and still catches a cost spent twice or a
 * path that waits on the wrong thing.
 */
static void live_counts_match(void **state)
{
    (void)state;
    char err[256];
    struct live_fixture f;
    assert_int_equal(altinj_tsc_calibrate(&f.clock, err, sizeof err), 0);
    assert_int_equal(altinj_workload_parse(SPARSE_TIMER, &f.wl, err, sizeof err), 0);
    assert_int_equal(
        altinj_workload_pregenerate(&f.wl, 5, LIVE_EVENTS, UINT64_MAX, &f.arr, &f.count), 0);
    const struct altinj_cost_profile *zero = altinj_costs_builtin("zero");
    const struct altinj_cost_profile *snp = altinj_costs_builtin("snp");
    struct altinj_live_config cfg = {
        .arrivals = f.arr, .count = f.count, .nsources = 1, .clock = &f.clock,
        .drain_timeout_s = 10, .workload = &f.wl, .seed = 5};
    unsigned skipped = 0;
    const double deadline = wall_s() + LIVE_BUDGET_S;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_run_result sim_zero, sim_snp;
        run_sim(SPARSE_TIMER, zero, s, LIVE_EVENTS, 5, &sim_zero);
        run_sim(SPARSE_TIMER, snp, s, LIVE_EVENTS, 5, &sim_snp);
        bool clean = false;
        for (int attempt = 0; attempt < LIVE_ATTEMPTS && !clean && wall_s() < deadline;
             attempt++) {
            struct altinj_run_result lz, ls;
            const bool clean_zero = live_attempt(&f, &cfg, zero, s, &lz);
            const bool clean_snp = live_attempt(&f, &cfg, snp, s, &ls);
            clean = clean_zero && clean_snp;
            if (clean) {
                expect_counts("zero", s->name, &lz, &sim_zero);
                expect_counts("snp", s->name, &ls, &sim_snp);
                for (size_t k = 0; k < N_PCT_CHECKS; k++) {
                    const struct pct_check *c = &PCT_CHECKS[k];
                    const uint64_t own = pct_of(&lz, c), l = pct_of(&ls, c),
                                   m = pct_of(&sim_snp, c);
                    print_message("  %s %s: own path (zero, live) %llu ns; snp live %llu ns, "
                                  "sim %llu ns\n",
                                  s->name, c->what, (unsigned long long)own,
                                  (unsigned long long)l, (unsigned long long)m);
                    assert_int_equal(pct_of(&sim_zero, c), 0);
                    assert_true((double)l >= (double)m * 0.99);
                    assert_true(l <= m + 2 * own + TOL_ABOVE_NS);
                }
            }
            altinj_run_result_free(&lz);
            altinj_run_result_free(&ls);
        }
        if (!clean) {
            print_message("  %s: no undisturbed pair of live runs within %d attempts or %.0f s "
                          "(loaded machine)\n",
                          s->name, LIVE_ATTEMPTS, LIVE_BUDGET_S);
            skipped++;
        }
        altinj_run_result_free(&sim_zero);
        altinj_run_result_free(&sim_snp);
    }
    free(f.arr);
    altinj_workload_spec_free(&f.wl);
    if (skipped)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_form_distinct_costs),
        cmocka_unit_test(closed_form_snp),
        cmocka_unit_test(closed_form_zero),
        cmocka_unit_test(live_counts_match),
    };
    return cmocka_run_group_tests_name("sim_crossval", tests, NULL, NULL);
}
