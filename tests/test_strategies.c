/* The strategy rows on the single-threaded harness: each delivers what its source delivers
 * (exactly once where the source is right, lost or twice where it is not), for cut deliveries,
 * cuts during re-injection, both BUSY premises, the guest's own exceptions and software events,
 * interrupts queued in V_IRQ, and a hostile doorbell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "world_harness.h"

static bool is(const struct altinj_strategy *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

static const struct altinj_strategy *row(const char *name)
{
    const struct altinj_strategy *s = altinj_strategy_find(name);
    assert_non_null(s);
    return s;
}

static void table_has_the_four_rows_the_mutants_and_compositions(void **state)
{
    (void)state;
    assert_int_equal(altinj_strategy_count(), 4);
    const char *names[] = {"reactive", "hvdb-flag", "unconditional", "paravisor"};
    const char *pairs[][2] = {
        {"never", "coconut"}, {"flag", "flag-only"}, {"exitintinfo", "coconut"},
        {"every-exit", "openhcl"}};
    for (size_t i = 0; i < 4; i++) {
        const struct altinj_strategy *s = altinj_strategy_find(names[i]);
        assert_ptr_equal(s, altinj_strategy_at(i));
        assert_string_equal(s->hv->name, pairs[i][0]);
        assert_string_equal(s->svsm->name, pairs[i][1]);
        assert_false(s->mutant);
        /* Every row names where it comes from. */
        assert_non_null(s->source);
        assert_true(strstr(s->source, "coconut-svsm/svsm f4bc4bcd") ||
                    strstr(s->source, "microsoft/openvmm 1488a37b") ||
                    strstr(s->source, "svsm-devel 2025-04-15"));
    }
    assert_null(altinj_strategy_at(4));
    assert_int_equal(altinj_mutant_count(), 4);
    for (size_t i = 0; i < altinj_mutant_count(); i++) {
        const struct altinj_strategy *m = altinj_mutant_at(i);
        assert_true(m->mutant && m->svsm->mutant);
        assert_ptr_equal(altinj_strategy_find(m->name), m);
        assert_non_null(m->expect);
    }
    /* Any pairing of a hypervisor and a (non-mutant) SVSM policy. */
    for (unsigned h = 0; altinj_hv_policy_at(h); h++)
        for (unsigned p = 0; altinj_svsm_policy_at(p); p++) {
            char name[64];
            snprintf(name, sizeof name, "%s+%s", altinj_hv_policy_at(h)->name,
                     altinj_svsm_policy_at(p)->name);
            const struct altinj_strategy *s = altinj_strategy_find(name);
            if (altinj_svsm_policy_at(p)->mutant) {
                assert_null(s);
                continue;
            }
            assert_non_null(s);
            assert_ptr_equal(s->hv, altinj_hv_policy_at(h));
            assert_ptr_equal(s->svsm, altinj_svsm_policy_at(p));
            char source[2048];
            assert_true(altinj_strategy_describe_source(s, source, sizeof source) > 0);
            assert_non_null(strstr(source, s->svsm->source));
        }
    assert_null(altinj_strategy_find("nope"));
    assert_null(altinj_strategy_find("never+"));
    assert_null(altinj_strategy_find("+coconut"));
}

static void one_cut_interrupt_each_row(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 16), 0);
        assert_true(harness_run(&h, 100)); /* VMPL0 launches the guest */
        assert_true(harness_post(&h, 0x30, true));
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.busy_events, 1);
        assert_int_equal(h.vcpu.c.reinjections, 1);
        assert_int_equal(h.vcpu.c.repairs, 1);
        assert_int_equal(h.vcpu.c.interrupts, 1);
        assert_int_equal(h.vcpu.c.lazy_eois, 1);
        assert_int_equal(h.vcpu.c.eoi_exits, 0);
        /* The hypervisor that never looks meets the cut with a VMEXIT_BUSY. */
        assert_int_equal(h.vcpu.c.failed_vmruns, is(s, "reactive") ? 1 : 0);
        assert_int_equal(h.vcpu.c.invalid_vmruns, 0);
        assert_int_equal(h.vcpu.c.svsm_by_reason[ALTINJ_SVSM_START], 1);
        if (is(s, "hvdb-flag")) {
            assert_int_equal(h.vcpu.c.doorbell_writes, 1);
            assert_int_equal(h.vcpu.c.hvdb_flags_seen, 1);
            assert_int_equal(h.vcpu.c.hvdb_flags_spurious, 0);
        }
        if (is(s, "paravisor")) {
            /* OpenHCL's test-and-set after the cut exit found the processor's BUSY. */
            assert_int_equal(h.vcpu.c.guest_busy, 1);
            assert_int_equal(h.vcpu.c.virq_taken, 1);
            assert_int_equal(h.vcpu.c.apic.presented_eventinj, 0);
        } else {
            assert_int_equal(h.vcpu.c.apic.presented_eventinj, 1);
        }
        /* COCONUT's lock: EFER.SVME set again before the guest ran. */
        assert_true(atomic_load_explicit(&h.vmsa->efer, memory_order_relaxed) & ALTINJ_EFER_SVME);
        harness_destroy(&h);
    }
}

/* Under the software premise the cut leaves BUSY clear: a hypervisor that waits for
 * VMEXIT_BUSY never hears of it, the next exit overwrites EXITINTINFO, and the event is lost. */
static void software_premise_loses_the_cut_event_only_for_reactive(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init_premise(&h, s, 16, ALTINJ_PREMISE_SOFTWARE), 0);
        assert_true(harness_run(&h, 100));
        assert_true(harness_post(&h, 0x30, true));
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        /* A later interrupt makes the guest exit, which overwrites EXITINTINFO. */
        assert_true(harness_post(&h, 0x31, false));
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h.oracle, h.posted);
        assert_int_equal(h.vcpu.c.failed_vmruns, 0);
        if (is(s, "reactive")) {
            /* The lost interrupt also stays in service (its handler never ran, so no EOI
             * comes): the later one of the same class is never presented either. */
            assert_int_equal(v.lost, 2);
            assert_int_equal(h.vcpu.c.reinjections, 0);
        } else {
            assert_int_equal(v.lost, 0);
            assert_int_equal(v.duplicated, 0);
            assert_int_equal(h.vcpu.c.reinjections, 1);
        }
        harness_destroy(&h);
    }
}

static void cut_again_during_reinjection(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 16), 0);
        h.max_cuts = 3;
        assert_true(harness_post(&h, 0x31, true));
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.busy_events, 3);
        assert_int_equal(h.vcpu.c.reinjections, 3);
        assert_int_equal(h.vcpu.c.failed_vmruns, is(s, "reactive") ? 3 : 0);
        harness_destroy(&h);
    }
}

static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Bursts of posts on many vectors, guest faults among them, many of them cut. */
static void many_events_mixed_cuts(void **state)
{
    (void)state;
    for (int premise = 0; premise < 2; premise++)
        for (size_t i = 0; i < altinj_strategy_count(); i++) {
            const struct altinj_strategy *s = altinj_strategy_at(i);
            if (premise == ALTINJ_PREMISE_SOFTWARE && is(s, "reactive"))
                continue; /* loses the cut events by design (above) */
            struct harness h;
            assert_int_equal(harness_init_premise(&h, s, 20000, (enum altinj_busy_premise)premise),
                             0);
            h.max_cuts = 2;
            uint64_t x = 88172645463325252ull;
            bool started = false;
            while (h.posted < 20000) {
                const unsigned burst = 1 + (unsigned)(next_rand(&x) % 8);
                for (unsigned b = 0; b < burst && h.posted < 20000; b++) {
                    const uint64_t r = next_rand(&x);
                    const bool cut = (r >> 8) % 10 < 3;
                    if (r % 10 == 0)
                        assert_true(harness_raise(&h, r & 16 ? ALTINJ_VEC_PF : ALTINJ_VEC_VC,
                                                  ALTINJ_EVENT_EXCEPTION, cut));
                    else
                        assert_true(harness_post(&h, (uint8_t)(0x30 + r % 64), cut));
                }
                if (started)
                    harness_kick(&h);
                started = true;
                assert_true(harness_run(&h, 10000));
            }
            expect_exactly_once(&h);
            assert_true(h.vcpu.c.busy_events > 2000);
            if (is(s, "reactive"))
                assert_true(h.vcpu.c.failed_vmruns > 0);
            else
                assert_int_equal(h.vcpu.c.failed_vmruns, 0);
            /* Several vectors pending at once: the later ones need the guest's explicit EOI. */
            assert_true(h.vcpu.c.eoi_exits > 0);
            assert_int_equal(h.vcpu.c.unpresented, 0);
            harness_destroy(&h);
        }
}

/* The guest's own INTn/INT3/INTO, cut: OpenHCL leaves them to the guest (it re-executes the
 * instruction: once); COCONUT copies them into EVENTINJ, which under softint-copy=rerun does not
 * advance RIP, so the guest handles them twice; under advance, once. */
static void cut_software_events_per_row_and_premise(void **state)
{
    (void)state;
    for (int copy = 0; copy < 2; copy++)
        for (size_t i = 0; i < altinj_strategy_count(); i++) {
            const struct altinj_strategy *s = altinj_strategy_at(i);
            struct harness h;
            assert_int_equal(harness_init_full(&h, s, 16, ALTINJ_PREMISE_HARDWARE,
                                               (enum altinj_softint_copy)copy, 0.0),
                             0);
            assert_true(harness_run(&h, 100));
            assert_true(harness_raise(&h, 0x80, ALTINJ_EVENT_SOFTINT, true));
            assert_true(harness_raise(&h, ALTINJ_VEC_BP, ALTINJ_EVENT_EXCEPTION, true));
            assert_true(harness_raise(&h, ALTINJ_VEC_OF, ALTINJ_EVENT_EXCEPTION, true));
            assert_true(harness_run(&h, 100));
            const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h.oracle, h.posted);
            assert_int_equal(v.lost, 0);
            assert_int_equal(h.vcpu.c.busy_events, 3);
            if (is(s, "paravisor")) {
                assert_int_equal(h.vcpu.c.left_to_guest, 3);
                assert_int_equal(h.vcpu.c.reinjections, 0);
                assert_int_equal(v.duplicated, 0);
            } else {
                assert_int_equal(h.vcpu.c.reinjections, 3);
                assert_int_equal(v.duplicated, copy == ALTINJ_SOFTINT_COPY_RERUN ? 3 : 0);
            }
            /* Order kept: the guest raises them one after the other. */
            assert_int_equal(h.delivered_seq[0], 0);
            harness_destroy(&h);
        }
}

/* The guest's own faults, cut: every row's source re-injects them (#VC too: neither COCONUT nor
 * OpenHCL filters vector 29), and the handler runs once. */
static void cut_guest_faults_are_delivered_once(void **state)
{
    (void)state;
    for (int premise = 0; premise < 2; premise++)
        for (size_t i = 0; i < altinj_strategy_count(); i++) {
            const struct altinj_strategy *s = altinj_strategy_at(i);
            struct harness h;
            assert_int_equal(harness_init_premise(&h, s, 16, (enum altinj_busy_premise)premise), 0);
            assert_true(harness_run(&h, 100));
            assert_true(harness_raise(&h, ALTINJ_VEC_VC, ALTINJ_EVENT_EXCEPTION, true));
            assert_true(harness_raise(&h, ALTINJ_VEC_PF, ALTINJ_EVENT_EXCEPTION, true));
            assert_true(harness_run(&h, 100));
            expect_exactly_once(&h);
            /* Reactive under the software premise never hears of the cut: the guest resumes at
             * the faulting instruction and raises the fault again. */
            if (premise == ALTINJ_PREMISE_SOFTWARE && is(s, "reactive")) {
                assert_int_equal(h.vcpu.c.reinjections, 0);
                assert_int_equal(h.vcpu.c.reexecuted, 2);
            } else {
                assert_int_equal(h.vcpu.c.reinjections, 2);
            }
            harness_destroy(&h);
        }
}

/* Two posts of one vector before it is presented are one interrupt (an APIC IRR bit). */
static void posts_of_one_vector_coalesce(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_run(&h, 100));
        assert_true(harness_post(&h, 0x30, false));
        assert_true(harness_post(&h, 0x30, false));
        /* The doorbell holds it once, as the single pending vector. */
        const uint32_t st = atomic_load_explicit(
            &h.hvdb->per_vmpl[ALTINJ_HVDB_GUEST_INDEX].status, memory_order_relaxed);
        assert_int_equal(st & ALTINJ_HVDB_STATUS_PENDING_VECTOR, 0x30);
        assert_int_equal(st & ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS, 0);
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.interrupts, 1);
        assert_int_equal(h.vcpu.c.coalesced, 1);
        harness_destroy(&h);
    }
}

/* Two vectors pending: the higher one first; the lower one after the guest's explicit EOI
 * (no lazy EOI while another is pending). */
static void further_vectors_follow_the_eoi(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_run(&h, 100));
        assert_true(harness_post(&h, 0x31, false));
        assert_true(harness_post(&h, 0x52, false));
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.delivered_seq[0], 1); /* 0x52 first */
        assert_int_equal(h.delivered_seq[1], 0);
        assert_int_equal(h.vcpu.c.eoi_exits, 1);
        assert_int_equal(h.vcpu.c.lazy_eois, 1);
        assert_int_equal(h.vcpu.c.svsm_by_reason[ALTINJ_SVSM_GUEST_REQUEST] +
                             h.vcpu.c.svsm_by_reason[ALTINJ_SVSM_EVERY_EXIT],
                         is(altinj_strategy_at(i), "paravisor") ? 2 : 1);
        harness_destroy(&h);
    }
}

/* A guest that masks interrupts gets them through V_IRQ, taken when its IF opens, no exit. */
static void masked_guest_takes_virq_without_an_exit(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init_full(&h, altinj_strategy_at(i), 4096, ALTINJ_PREMISE_HARDWARE,
                                           ALTINJ_SOFTINT_COPY_RERUN, 0.5),
                         0);
        assert_true(harness_run(&h, 100));
        for (int k = 0; k < 200; k++) {
            assert_true(harness_post(&h, 0x30, false));
            harness_kick(&h);
            assert_true(harness_run(&h, 100));
            h.now += 3000;
        }
        expect_exactly_once(&h);
        assert_true(h.vcpu.c.apic.presented_virq > 20);
        assert_true(h.vcpu.c.virq_taken > 20);
        assert_int_equal(h.vcpu.c.eoi_exits, 0);
        harness_destroy(&h);
    }
}

static void flag_without_busy_is_ignored(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 16), 0);
        assert_true(harness_run(&h, 100));
        assert_true(harness_post(&h, 0x30, false));
        altinj_hvdb_signal_clear_busy(h.hvdb, ALTINJ_GUEST_VMPL); /* a lie */
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        /* A stale replay after the event was delivered. */
        altinj_hvdb_signal_clear_busy(h.hvdb, ALTINJ_GUEST_VMPL);
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        if (is(s, "hvdb-flag"))
            assert_int_equal(h.vcpu.c.hvdb_flags_spurious, 2);
        harness_destroy(&h);
    }
}

static void garbage_in_the_doorbell_loses_and_duplicates_nothing(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_post(&h, 0x30, true));
        struct altinj_hvdb_vmpl *g = &h.hvdb->per_vmpl[ALTINJ_HVDB_GUEST_INDEX];
        atomic_store_explicit(&h.hvdb->vector, 5, memory_order_relaxed);      /* < 32 */
        atomic_fetch_or_explicit(&h.hvdb->flags, ALTINJ_HVDB_FLAG_NMI_PENDING | 0x7C,
                                 memory_order_relaxed);
        atomic_store_explicit(&h.hvdb->per_vmpl_events, 0xFF, memory_order_relaxed);
        atomic_store_explicit(&h.hvdb->per_vmpl[0].status, 0xFFFFFFFF, memory_order_relaxed);
        /* Real post kept, extra irr bits, vector 31 and a reserved bit on the guest's line. */
        atomic_fetch_or_explicit(&g->irr[6], 0x80000001u, memory_order_relaxed);
        atomic_fetch_or_explicit(&g->status,
                                 ALTINJ_HVDB_STATUS_VECTOR_31 | (1u << 20), memory_order_relaxed);
        assert_true(harness_run(&h, 100));
        const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h.oracle, h.posted);
        assert_int_equal(v.lost, 0);
        assert_int_equal(v.duplicated, 0);
        assert_int_equal(h.vcpu.c.internal_errors, 0);
        assert_true(h.vcpu.c.hvdb_vectors_rejected >= 1);
        harness_destroy(&h);
    }
}

static enum altinj_svsm_reason omit(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_NONE; /* the hypervisor saw EXITINTINFO.V=1 and did nothing */
}

static void missing_flag_falls_back_to_vmexit_busy(void **state)
{
    (void)state;
    struct altinj_hv_policy hv = *row("hvdb-flag")->hv;
    hv.after_exit = omit;
    struct altinj_strategy hostile = *row("hvdb-flag");
    hostile.hv = &hv;
    struct harness h;
    assert_int_equal(harness_init(&h, &hostile, 16), 0);
    assert_true(harness_post(&h, 0x30, true));
    assert_true(harness_run(&h, 100));
    expect_exactly_once(&h);
    /* VMEXIT_BUSY, then the hypervisor sets the flag it owed and runs VMPL0. */
    assert_int_equal(h.vcpu.c.failed_vmruns, 1);
    assert_int_equal(h.vcpu.c.hvdb_flags_seen, 1);
    harness_destroy(&h);
}

/* The flag-only SVSM under a hypervisor that never sets the flag cannot clear BUSY: two failed
 * VMRUNs in a row, the guest cannot run again (a composition a reviewer may ask for). */
static void flag_only_under_a_reactive_hypervisor_panics(void **state)
{
    (void)state;
    struct harness h;
    assert_int_equal(harness_init(&h, row("never+flag-only"), 16), 0);
    assert_true(harness_post(&h, 0x30, true));
    assert_false(harness_run(&h, 100));
    assert_true(h.vcpu.fatal);
    assert_int_equal(h.vcpu.c.failed_vmruns, 2);
    assert_non_null(strstr(h.vcpu.fatal_reason, "VMEXIT_BUSY"));
    harness_destroy(&h);
}

/* An SVSM pass can take a post's events before that post's kick lands, leaving
 * NoFurtherSignal set with nothing posted. The hypervisor must still run VMPL0 to clear it,
 * or every later post is suppressed and the guest never hears of them (a lost wakeup). */
static void no_further_signal_is_always_acknowledged(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_run(&h, 100));
        assert_true(altinj_hvdb_signal(h.hvdb));   /* first signal: send the #HV */
        assert_false(altinj_hvdb_signal(h.hvdb));  /* suppressed while it is pending */
        const uint64_t entries = h.vcpu.c.svsm_entries;
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        assert_int_equal(h.vcpu.c.svsm_entries, entries + 1);
        assert_int_equal(atomic_load_explicit(&h.hvdb->flags, memory_order_relaxed), 0);
        /* The next post signals again, and is delivered. */
        assert_true(harness_post(&h, 0x30, false));
        assert_true(altinj_hvdb_signal(h.hvdb));
        harness_kick(&h);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        harness_destroy(&h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_has_the_four_rows_the_mutants_and_compositions),
        cmocka_unit_test(one_cut_interrupt_each_row),
        cmocka_unit_test(software_premise_loses_the_cut_event_only_for_reactive),
        cmocka_unit_test(cut_again_during_reinjection),
        cmocka_unit_test(many_events_mixed_cuts),
        cmocka_unit_test(cut_software_events_per_row_and_premise),
        cmocka_unit_test(cut_guest_faults_are_delivered_once),
        cmocka_unit_test(posts_of_one_vector_coalesce),
        cmocka_unit_test(further_vectors_follow_the_eoi),
        cmocka_unit_test(masked_guest_takes_virq_without_an_exit),
        cmocka_unit_test(flag_without_busy_is_ignored),
        cmocka_unit_test(garbage_in_the_doorbell_loses_and_duplicates_nothing),
        cmocka_unit_test(missing_flag_falls_back_to_vmexit_busy),
        cmocka_unit_test(flag_only_under_a_reactive_hypervisor_panics),
        cmocka_unit_test(no_further_signal_is_always_acknowledged),
    };
    return cmocka_run_group_tests_name("strategies", tests, NULL, NULL);
}
