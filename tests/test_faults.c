/* The hostile hypervisor: the fault grammar, every strategy x fault on the single-threaded
 * driver with its expected outcome, a row that trusts the doorbell flag (which the harness must
 * catch), and a second thread hammering VMRUN on the VMSA while the world loop runs (built
 * under ThreadSanitizer in CI). ALTINJ_TEST_EVENTS scales the threaded test down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>
#include <cmocka.h>

#include <immintrin.h>

#include "altinj_fault_run.h"
#include "altinj_faults.h"
#include "altinj_hw.h"
#include "altinj_reentry.h"
#include "world_harness.h"

/* Sanitizer suites set ALTINJ_TEST_EVENTS (scripts/test): half the events there. Every
 * threshold below is a fraction of EVENTS. */
static uint64_t EVENTS = 20000;

static bool is(const struct altinj_strategy *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

/* ---- grammar ---- */

static void parse_ok(const char *text, struct altinj_fault_spec *s)
{
    char err[256] = "";
    if (altinj_fault_spec_parse(text, s, err, sizeof err) != 0)
        fail_msg("'%s' should parse: %s", text, err);
}

static void parse_fails(const char *text, const char *frag)
{
    char err[256] = "";
    struct altinj_fault_spec s;
    assert_int_equal(altinj_fault_spec_parse(text, &s, err, sizeof err), -1);
    if (!strstr(err, frag))
        fail_msg("'%s': error '%s' lacks '%s'", text, err, frag);
    assert_null(strchr(err, '\n'));
}

static void grammar(void **state)
{
    (void)state;
    struct altinj_fault_spec s;
    parse_ok("flag-no-busy=0.1,omit-flag=0.5,garbage=0.01,stale-flag=0.1,double-vmrun=0.05,"
             "softint-exitintinfo=0.1,delay-kick=0.1:20us",
             &s);
    assert_true(s.rate[ALTINJ_FAULT_OMIT_FLAG] == 0.5);
    assert_true(s.rate[ALTINJ_FAULT_GARBAGE] == 0.01);
    assert_int_equal(s.delay_kick_ns, 20000);
    assert_false(s.has_seed);
    parse_ok("none", &s);
    assert_false(altinj_fault_spec_any(&s));
    parse_ok("all=0.2,omit-flag=1,seed=7,delay-kick=0.5:3ms", &s);
    assert_true(s.rate[ALTINJ_FAULT_GARBAGE] == 0.2);
    assert_true(s.rate[ALTINJ_FAULT_OMIT_FLAG] == 1.0);
    assert_true(s.rate[ALTINJ_FAULT_DELAY_KICK] == 0.5);
    assert_int_equal(s.delay_kick_ns, 3000000);
    assert_true(s.has_seed);
    assert_int_equal(s.seed, 7);
    /* describe round-trips */
    char buf[512];
    assert_true(altinj_fault_spec_describe(&s, buf, sizeof buf) < (int)sizeof buf);
    struct altinj_fault_spec back;
    parse_ok(buf, &back);
    assert_memory_equal(&s, &back, sizeof s);
    parse_ok("seed=3", &s);
    altinj_fault_spec_describe(&s, buf, sizeof buf);
    assert_string_equal(buf, "seed=3");

    parse_fails("", "empty spec");
    parse_fails("frob=0.1", "unknown fault 'frob'");
    parse_fails("omit-flag=2", "'omit-flag=2': rate must be in [0, 1]");
    parse_fails("omit-flag=-0.1", "rate must be in [0, 1]");
    parse_fails("omit-flag=nan", "decimal");
    parse_fails("omit-flag=0x1", "decimal");
    parse_fails("omit-flag", "needs '='");
    parse_fails("omit-flag=", "empty rate");
    parse_fails("omit-flag=0.1,", "trailing comma");
    parse_fails("omit-flag=0.1,,garbage=0.1", "empty item");
    parse_fails("omit-flag=0.1,omit-flag=0.2", "'omit-flag' given twice");
    parse_fails("garbage=0.1:20us", "only delay-kick takes ':DURATION'");
    parse_fails("delay-kick=0.1:20", "unit");
    parse_fails("delay-kick=0.1:0us", "1ns .. 1s");
    parse_fails("delay-kick=0.1:2s", "1ns .. 1s");
    parse_fails("delay-kick=0.1:99999999999999999999ns", "1ns .. 1s");
    parse_fails("delay-kick=0.1:", "integer with a unit");
    parse_fails("seed=x", "seed 'x'");
    parse_fails("seed=99999999999999999999", "above 2^64-1");
    parse_fails("all=0.1,all=0.2", "all given twice");
    parse_fails("bad\nline=1", "unknown fault");
}

/* ---- the single-threaded driver, one fault at a time ---- */

/* One run; the model's premises as given. */
static void run_model(const struct altinj_strategy *s, const char *faults, uint64_t events,
                      struct altinj_model model, struct altinj_fault_run_result *r)
{
    struct altinj_fault_run_config cfg = {
        .strategy = s, .events = events, .seed = 42, .model = model};
    parse_ok(faults, &cfg.faults);
    char err[256];
    assert_int_equal(altinj_fault_run(&cfg, r, err, sizeof err), 0);
}

/* One run under the default premises that must be exactly once. */
static void run(const struct altinj_strategy *s, const char *faults, uint64_t events,
                struct altinj_fault_run_result *r)
{
    run_model(s, faults, events, (struct altinj_model){0}, r);
    if (r->fatal || r->stalled || r->verdict.lost || r->verdict.duplicated ||
        r->c.internal_errors)
        fail_msg("%s under %s: fatal %d stalled %d lost %llu dup %llu internal %llu", s->name,
                 faults, r->fatal, r->stalled, (unsigned long long)r->verdict.lost,
                 (unsigned long long)r->verdict.duplicated,
                 (unsigned long long)r->c.internal_errors);
    assert_int_equal(r->verdict.delivered, events);
}

static void baseline_is_exactly_once(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result r;
        run(s, "none", EVENTS, &r);
        assert_true(r.c.busy_events > EVENTS / 10);
        /* Reactive meets a cut with VMEXIT_BUSY unless doorbell work runs VMPL0 first. */
        if (is(s, "reactive"))
            assert_true(r.c.failed_vmruns > 0 && r.c.failed_vmruns <= r.c.busy_events);
        else
            assert_int_equal(r.c.failed_vmruns, 0);
        assert_int_equal(r.fc.dr_attempts, 0);
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
            assert_int_equal(r.fc.fired[k], 0);
        assert_string_equal(altinj_fault_run_guest_sees(&r, &r), "nothing");
    }
}

static void flag_no_busy_is_spurious_not_lost(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result base, r;
        run(s, "none", EVENTS, &base);
        run(s, "flag-no-busy=0.3", EVENTS, &r);
        assert_true(r.fc.fired[ALTINJ_FAULT_FLAG_NO_BUSY] > EVENTS / 200);
        if (is(s, "hvdb-flag")) {
            assert_true(r.c.hvdb_flags_spurious > EVENTS / 200);
            assert_true(r.c.hvdb_flags_spurious <= r.fc.fired[ALTINJ_FAULT_FLAG_NO_BUSY]);
        } else {
            assert_int_equal(r.c.hvdb_flags_spurious, 0);
        }
        /* The lie costs doorbell work, nothing else: BUSY is the SVSM's truth. */
        assert_int_equal(r.c.failed_vmruns, base.c.failed_vmruns);
    }
}

static void omit_flag_falls_back_to_vmexit_busy(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result base, r;
        run(s, "none", EVENTS, &base);
        run(s, "omit-flag=0.5", EVENTS, &r);
        const uint64_t omitted = r.fc.fired[ALTINJ_FAULT_OMIT_FLAG];
        assert_true(omitted > EVENTS / 200);
        if (is(s, "reactive")) {
            /* It owes nothing: nothing changes. */
            assert_int_equal(r.c.failed_vmruns, base.c.failed_vmruns);
        } else {
            /* Every omission is one failed VMRUN, unless doorbell work ran VMPL0 anyway and
             * its pass repaired the page on the way. */
            assert_true(r.c.failed_vmruns > omitted / 2);
            assert_true(r.c.failed_vmruns <= omitted);
        }
        /* The flag hypervisor sets the flag it owed once the VMRUN has failed. */
        if (is(s, "hvdb-flag"))
            assert_true(r.c.svsm_by_reason[ALTINJ_SVSM_BUSY_FAILURE] >= r.c.failed_vmruns);
    }
}

static void garbage_is_rejected(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct altinj_fault_run_result r;
        /* 0.1, not more: each firing can bring VMPL0 runs whose exits fire it again, and at
         * 0.3 that chain runs to some 250 SVSM passes per event (minutes under TSan). */
        run(altinj_strategy_at(i), "garbage=0.1", EVENTS, &r);
        assert_true(r.fc.fired[ALTINJ_FAULT_GARBAGE] > EVENTS / 20);
        assert_true(r.c.hvdb_vectors_rejected > EVENTS / 20);
    }
}

static void stale_flag_is_spurious(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result r;
        run(s, "stale-flag=0.3", EVENTS, &r);
        assert_true(r.fc.fired[ALTINJ_FAULT_STALE_FLAG] > EVENTS / 20);
        if (is(s, "hvdb-flag"))
            assert_true(r.c.hvdb_flags_spurious > EVENTS / 200);
        else
            assert_int_equal(r.c.hvdb_flags_seen, 0);
    }
}

/* Every design keeps a second CPU out while VMPL0 works on the page: COCONUT's rows by
 * clearing EFER.SVME (VMEXIT_INVALID), OpenHCL's by holding BUSY (VMEXIT_BUSY); right after a
 * cut exit the processor's BUSY does it (hardware premise). */
static void double_vmrun_prevented_by_each_rows_lock(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result r;
        run(s, "double-vmrun=0.3", EVENTS, &r);
        assert_true(r.fc.dr_attempts > EVENTS / 20);
        assert_int_equal(r.fc.dr_attempts, r.fc.dr_prevented + r.fc.dr_succeeded);
        assert_int_equal(r.fc.dr_prevented, r.fc.dr_prevented_busy + r.fc.dr_prevented_svme);
        assert_int_equal(r.fc.dr_succeeded, 0);
        assert_int_equal(r.fc.dr_violations, 0);
        assert_int_equal(r.fc.dr_held_violations, 0);
        assert_true(r.fc.dr_prevented_busy > EVENTS / 200); /* cut exits: the processor's BUSY */
        if (is(s, "paravisor"))
            assert_int_equal(r.fc.dr_prevented_svme, 0);
        else
            assert_true(r.fc.dr_prevented_svme > EVENTS / 200);
    }
}

/* Under the software premise the processor leaves BUSY clear at a cut exit: a second CPU may
 * run the guest right then, before any SVSM has seen the exit, in every design. */
static void software_premise_leaves_the_cut_exit_open(void **state)
{
    (void)state;
    const struct altinj_model soft = {.busy_premise = ALTINJ_PREMISE_SOFTWARE};
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result r;
        run_model(s, "double-vmrun=0.3", EVENTS, soft, &r);
        assert_true(r.fc.dr_succeeded > 0);
        assert_int_equal(r.fc.dr_held_violations, 0); /* never while VMPL0 works on it */
    }
}

/* The hypervisor forces a VMEXIT during the guest's INTn/INT3/INTO. OpenHCL leaves them to the
 * guest (once); COCONUT copies them into EVENTINJ: twice under softint-copy=rerun (a
 * hypervisor can make the guest run its software interrupt handler twice), once under
 * advance. */
static void forced_softint_cuts_per_row_and_premise(void **state)
{
    (void)state;
    for (int copy = 0; copy < 2; copy++)
        for (size_t i = 0; i < altinj_strategy_count(); i++) {
            const struct altinj_strategy *s = altinj_strategy_at(i);
            struct altinj_fault_run_result base, r;
            const struct altinj_model m = {.softint_copy = (enum altinj_softint_copy)copy};
            run_model(s, "none", EVENTS, m, &base);
            run_model(s, "softint-exitintinfo=0.5", EVENTS, m, &r);
            assert_true(r.fc.fired[ALTINJ_FAULT_SOFTINT_EXITINTINFO] > EVENTS / 20);
            assert_int_equal(base.verdict.duplicated, 0);
            assert_int_equal(r.verdict.lost, 0);
            assert_false(r.fatal || r.stalled);
            if (is(s, "paravisor")) {
                assert_true(r.c.left_to_guest > base.c.left_to_guest + EVENTS / 100);
                assert_int_equal(r.verdict.duplicated, 0);
            } else if (copy == ALTINJ_SOFTINT_COPY_RERUN) {
                assert_true(r.verdict.duplicated > EVENTS / 200);
                assert_string_equal(altinj_fault_run_guest_sees(&r, &base), "duplicated");
            } else {
                assert_int_equal(r.verdict.duplicated, 0);
            }
            if (is(s, "hvdb-flag"))
                assert_true(r.c.hvdb_flags_spurious > EVENTS / 200); /* the VMCB lie made it flag */
            if (is(s, "unconditional"))
                assert_true(r.c.svsm_entries > base.c.svsm_entries);
        }
}

static void delay_kick_delays(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct altinj_fault_run_result base, r;
        run(altinj_strategy_at(i), "none", EVENTS, &base);
        run(altinj_strategy_at(i), "delay-kick=0.3:500us", EVENTS, &r);
        assert_true(r.latency_max_ns >= 500000);
        assert_true(base.latency_max_ns < 500000);
        assert_string_equal(altinj_fault_run_guest_sees(&r, &base), "delay");
    }
}

/* Every fault at once, software events copied once (softint-copy=advance, so that only the
 * faults decide): COCONUT as shipped and OpenHCL keep every event exactly once. The flag-only
 * SVSM does not: when the hypervisor omits the flag but runs VMPL0 for doorbell work while the
 * cut event waits in EXITINTINFO with BUSY set, that pass presents a new interrupt into
 * EVENTINJ, and the flag-driven copy of EXITINTINFO after the failed VMRUN overwrites it; the
 * overwritten interrupt stays in service forever (or COCONUT's APIC asserts). */
static void every_fault_at_once(void **state)
{
    (void)state;
    const struct altinj_model advance = {.softint_copy = ALTINJ_SOFTINT_COPY_ADVANCE};
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result r;
        run_model(s, "all=0.1,delay-kick=0.1:5us", 4 * EVENTS, advance, &r);
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
            if (k != ALTINJ_FAULT_STALE_FLAG || is(s, "hvdb-flag"))
                assert_true(r.fc.fired[k] > 0);
        assert_int_equal(r.fc.dr_held_violations, 0);
        assert_int_equal(r.fc.dr_violations, 0);
        if (is(s, "hvdb-flag")) {
            assert_true(r.verdict.lost > 0 || r.fatal);
        } else {
            assert_int_equal(r.verdict.lost, 0);
            assert_int_equal(r.verdict.duplicated, 0);
            assert_false(r.fatal || r.stalled);
        }
    }
    /* Either fault alone leaves the flag-only SVSM exactly once. */
    struct altinj_fault_run_result r;
    run_model(altinj_strategy_find("hvdb-flag"), "all=0.2,omit-flag=0", EVENTS, advance, &r);
    assert_int_equal(r.verdict.lost + r.verdict.duplicated, 0);
    run_model(altinj_strategy_find("hvdb-flag"), "all=0.2,garbage=0", EVENTS, advance, &r);
    assert_int_equal(r.verdict.lost + r.verdict.duplicated, 0);
}

static void runs_are_deterministic(void **state)
{
    (void)state;
    const struct altinj_strategy *s = altinj_strategy_find("hvdb-flag");
    struct altinj_fault_run_result a, b, c;
    run_model(s, "all=0.2", EVENTS, (struct altinj_model){0}, &a);
    run_model(s, "all=0.2", EVENTS, (struct altinj_model){0}, &b);
    assert_memory_equal(&a.c, &b.c, sizeof a.c);
    assert_memory_equal(&a.fc, &b.fc, sizeof a.fc);
    assert_int_equal(a.latency_sum_ns, b.latency_sum_ns);
    assert_int_equal(a.verdict.delivered, b.verdict.delivered);
    /* Each fault draws from its own stream: adding one leaves the others' decisions alone. */
    run_model(s, "all=0.2,delay-kick=0", EVENTS, (struct altinj_model){0}, &c);
    assert_int_equal(c.fc.fired[ALTINJ_FAULT_DELAY_KICK], 0);
    assert_int_equal(c.fc.fired[ALTINJ_FAULT_GARBAGE], a.fc.fired[ALTINJ_FAULT_GARBAGE]);
}

/* ---- a design that trusts the flag: the harness must catch it ---- */

static void a_trusting_design_duplicates(void **state)
{
    (void)state;
    const struct altinj_strategy *trusting = altinj_strategy_find("mutant-trust-flag");
    assert_non_null(trusting);
    /* Interrupts only: the mutant re-injects the interrupt it presented last, which is the cut
     * one as long as no guest exception was cut in between. */
    struct altinj_fault_run_config cfg = {
        .strategy = trusting, .events = 2000, .seed = 1, .exc = 1e-12, .soft = 1e-12};
    char err[256];
    struct altinj_fault_run_result r;
    parse_ok("none", &cfg.faults);
    assert_int_equal(altinj_fault_run(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.verdict.duplicated, 0); /* honest hypervisor: it works */
    parse_ok("flag-no-busy=0.3", &cfg.faults);
    assert_int_equal(altinj_fault_run(&cfg, &r, err, sizeof err), 0);
    assert_true(r.verdict.duplicated > 0);
}

/* Found by fuzz/fuzz_world.c: EVENTINJ with V clear is no event, whatever its other bits. */
static void vmrun_ignores_eventinj_without_v(void **state)
{
    (void)state;
    struct altinj_vmsa *vmsa = altinj_vmsa_alloc();
    assert_non_null(vmsa);
    atomic_store_explicit(&vmsa->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    atomic_store_explicit(&vmsa->event_inj, UINT64_C(0x0108010000000030), memory_order_relaxed);
    uint64_t injected = 1;
    assert_int_equal(altinj_hw_vmrun(vmsa, &injected), 0);
    assert_int_equal(injected, 0);
    altinj_vmsa_free(vmsa);
}

static void bad_config_is_refused(void **state)
{
    (void)state;
    struct altinj_fault_run_config cfg = {.strategy = NULL, .events = 10};
    struct altinj_fault_run_result r;
    char err[128];
    assert_int_equal(altinj_fault_run(&cfg, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad config"));
}

/* ---- a second thread hammers VMRUN while the world loop runs ---- */

struct hammer {
    struct altinj_faults *f;
    struct altinj_vmsa *vmsa;
    _Atomic uint32_t stop;
};

static void *hammer_main(void *arg)
{
    struct hammer *hm = arg;
    /* acquire: pairs with the release store of stop by the vCPU thread. */
    while (!atomic_load_explicit(&hm->stop, memory_order_acquire)) {
        altinj_faults_second_cpu_vmrun(hm->f, hm->vmsa, false);
        _mm_pause();
    }
    return NULL;
}

/* 200,000 events per strategy; a quarter of ALTINJ_TEST_EVENTS in the sanitizer suites. */
static uint64_t test_events(void)
{
    const char *e = getenv("ALTINJ_TEST_EVENTS");
    const uint64_t n = e ? strtoull(e, NULL, 10) / 4 : 0;
    return n ? (n < 200000 ? n : 200000) : 200000;
}

static void hammered_vmsa(void **state)
{
    (void)state;
    const uint64_t events = test_events();
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_spec none;
        parse_ok("none", &none);
        struct altinj_faults f;
        altinj_faults_init(&f, &none, s, 1);
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_faults_strategy(&f), events), 0);
        altinj_faults_attach(&f, &h.vcpu);
        h.max_cuts = 2;
        struct hammer hm = {.f = &f, .vmsa = h.vmsa};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, hammer_main, &hm), 0);
        uint64_t x = 0x9E3779B97F4A7C15ull;
        bool started = false;
        while (h.posted < events) {
            for (unsigned b = 0; b < 4 && h.posted < events; b++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                assert_true(harness_post(&h, (uint8_t)(0x30 + x % 64), (x >> 12) % 10 < 3));
            }
            if (started)
                harness_kick(&h);
            started = true;
            assert_true(harness_run(&h, 100000));
        }
        /* release: pairs with the acquire load in hammer_main. */
        atomic_store_explicit(&hm.stop, 1, memory_order_release);
        pthread_join(t, NULL);
        /* A theft published after the last VMRUN is taken into the books here; an event it
         * left in flight still needs its guest entry. */
        altinj_faults_reconcile(&h.vcpu);
        harness_kick(&h);
        assert_true(harness_run(&h, 100000));
        struct altinj_fault_counters c;
        altinj_faults_counters(&f, &c);
        const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h.oracle, h.posted);
        print_message("  %-13s attempts %llu prevented %llu succeeded %llu violations %llu "
                      "stolen %llu\n",
                      s->name, (unsigned long long)c.dr_attempts,
                      (unsigned long long)c.dr_prevented, (unsigned long long)c.dr_succeeded,
                      (unsigned long long)c.dr_violations,
                      (unsigned long long)c.stolen_deliveries);
        assert_int_equal(v.lost, 0);
        assert_int_equal(v.duplicated, 0);
        assert_int_equal(h.vcpu.c.internal_errors, 0);
        assert_true(c.dr_attempts > 0);
        assert_int_equal(c.dr_attempts, c.dr_prevented + c.dr_succeeded);
        /* Never while VMPL0 works on the page: EFER.SVME (COCONUT) or BUSY (OpenHCL) is a lock
         * there. */
        assert_int_equal(c.dr_held_violations, 0);
        assert_int_equal(atomic_load_explicit(&f.running, memory_order_relaxed), 1);
        harness_destroy(&h);
    }
}

int main(void)
{
    if (getenv("ALTINJ_TEST_EVENTS"))
        EVENTS = 10000;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grammar),
        cmocka_unit_test(baseline_is_exactly_once),
        cmocka_unit_test(flag_no_busy_is_spurious_not_lost),
        cmocka_unit_test(omit_flag_falls_back_to_vmexit_busy),
        cmocka_unit_test(garbage_is_rejected),
        cmocka_unit_test(stale_flag_is_spurious),
        cmocka_unit_test(double_vmrun_prevented_by_each_rows_lock),
        cmocka_unit_test(software_premise_leaves_the_cut_exit_open),
        cmocka_unit_test(forced_softint_cuts_per_row_and_premise),
        cmocka_unit_test(delay_kick_delays),
        cmocka_unit_test(every_fault_at_once),
        cmocka_unit_test(runs_are_deterministic),
        cmocka_unit_test(a_trusting_design_duplicates),
        cmocka_unit_test(vmrun_ignores_eventinj_without_v),
        cmocka_unit_test(bad_config_is_refused),
        cmocka_unit_test(hammered_vmsa),
    };
    return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
