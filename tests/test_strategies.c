/* Every strategy delivers every event exactly once, also when deliveries are cut, cut again
 * during re-injection, and when the hypervisor's doorbell writes are hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "world_harness.h"

static bool is(const struct altinj_strategy *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

static void table_has_the_four_rows(void **state)
{
    (void)state;
    assert_int_equal(altinj_strategy_count(), 4);
    const char *names[] = {"reactive", "hvdb-flag", "unconditional", "paravisor"};
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(altinj_strategy_find(names[i]));
        assert_ptr_equal(altinj_strategy_find(names[i]), altinj_strategy_at(i));
    }
    assert_null(altinj_strategy_find("nope"));
    assert_null(altinj_strategy_at(4));
}

static void one_cut_event_each_strategy(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 16), 0);
        assert_true(harness_post(&h, 0x30, ALTINJ_EVENT_EXTINT, true));
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.busy_events, 1);
        assert_int_equal(h.vcpu.c.reinjections, 1);
        assert_int_equal(h.vcpu.c.deliveries, 1);
        /* The closed form of the reactive design: one failed VMRUN per BUSY event. */
        assert_int_equal(h.vcpu.c.failed_vmruns, is(s, "reactive") ? 1 : 0);
        if (is(s, "hvdb-flag")) {
            assert_int_equal(h.vcpu.c.doorbell_writes, 1);
            assert_int_equal(h.vcpu.c.hvdb_flags_seen, 1);
            assert_int_equal(h.vcpu.c.hvdb_flags_spurious, 0);
        }
        if (is(s, "paravisor"))
            assert_int_equal(h.vcpu.c.guest_busy, 1);
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
        assert_true(harness_post(&h, 0x31, ALTINJ_EVENT_EXTINT, true));
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

static void many_events_mixed_cuts(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 20000), 0);
        h.max_cuts = 2;
        uint64_t x = 88172645463325252ull;
        bool started = false;
        while (h.posted < 20000) {
            /* A burst of up to 8 events, then the guest is kicked. */
            const unsigned burst = 1 + (unsigned)(next_rand(&x) % 8);
            for (unsigned b = 0; b < burst && h.posted < 20000; b++) {
                const uint64_t r = next_rand(&x);
                const bool exc = r % 10 == 0;
                assert_true(harness_post(&h, exc ? ALTINJ_VEC_PF : (uint8_t)(0x30 + r % 64),
                                         exc ? ALTINJ_EVENT_EXCEPTION : ALTINJ_EVENT_EXTINT,
                                         (r >> 8) % 10 < 3));
            }
            if (started)
                harness_kick(&h);
            started = true;
            assert_true(harness_run(&h, 1000));
        }
        expect_exactly_once(&h);
        assert_true(h.vcpu.c.busy_events > 4000);
        if (is(s, "reactive"))
            assert_int_equal(h.vcpu.c.failed_vmruns, h.vcpu.c.busy_events);
        else
            assert_int_equal(h.vcpu.c.failed_vmruns, 0);
        assert_int_equal(h.vcpu.c.reinjections, h.vcpu.c.busy_events);
        harness_destroy(&h);
    }
}

static void software_interrupt_is_regenerated_not_reinjected(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_post(&h, 0x80, ALTINJ_EVENT_SOFTINT, true));
        assert_true(harness_post(&h, ALTINJ_VEC_BP, ALTINJ_EVENT_EXCEPTION, true));
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.regenerated, 2);
        assert_int_equal(h.vcpu.c.reinjections, 0);
        /* Order kept: the regenerated event goes first. */
        assert_int_equal(h.delivered_seq[0], 0);
        assert_int_equal(h.delivered_seq[1], 1);
        harness_destroy(&h);
    }
}

/* ---- hostile doorbell ---- */

static void flag_without_busy_is_ignored(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct harness h;
        assert_int_equal(harness_init(&h, s, 16), 0);
        assert_true(harness_post(&h, 0x30, ALTINJ_EVENT_EXTINT, false));
        altinj_hvdb_signal_clear_busy(h.hvdb, ALTINJ_GUEST_VMPL); /* a lie */
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

static void garbage_in_the_doorbell_is_dropped(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_post(&h, 0x30, ALTINJ_EVENT_EXTINT, true));
        atomic_store_explicit(&h.hvdb->vector, 5, memory_order_relaxed);      /* < 32 */
        atomic_store_explicit(&h.hvdb->flags, 0xFF, memory_order_relaxed);
        atomic_store_explicit(&h.hvdb->per_vmpl_events, 0xFF, memory_order_relaxed);
        atomic_store_explicit(&h.hvdb->per_vmpl[0].status, 0xFFFFFFFF, memory_order_relaxed);
        atomic_store_explicit(&h.hvdb->per_vmpl[2].irr[6], 0xFFFFFFFF, memory_order_relaxed);
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_true(h.vcpu.c.hvdb_vectors_rejected >= 1);
        harness_destroy(&h);
    }
}

static enum altinj_svsm_reason omit_flag(struct altinj_vcpu *v)
{
    (void)v;
    return ALTINJ_SVSM_NONE; /* the hypervisor saw EXITINTINFO.V=1 and said nothing */
}

static void missing_flag_falls_back_to_vmexit_busy(void **state)
{
    (void)state;
    struct altinj_strategy hostile = *altinj_strategy_find("hvdb-flag");
    hostile.hv_after_exit = omit_flag;
    struct harness h;
    assert_int_equal(harness_init(&h, &hostile, 16), 0);
    assert_true(harness_post(&h, 0x30, ALTINJ_EVENT_EXTINT, true));
    assert_true(harness_run(&h, 100));
    expect_exactly_once(&h);
    assert_int_equal(h.vcpu.c.failed_vmruns, 1);
    assert_int_equal(h.vcpu.c.hvdb_flags_seen, 0);
    harness_destroy(&h);
}

static void exception_keeps_its_error_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct harness h;
        assert_int_equal(harness_init(&h, altinj_strategy_at(i), 16), 0);
        assert_true(harness_post(&h, ALTINJ_VEC_VC, ALTINJ_EVENT_EXCEPTION, true));
        assert_true(harness_run(&h, 100));
        expect_exactly_once(&h);
        assert_int_equal(h.vcpu.c.reinjections, 1);
        harness_destroy(&h);
    }
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
        assert_true(harness_post(&h, 0x30, ALTINJ_EVENT_EXTINT, false));
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
        cmocka_unit_test(table_has_the_four_rows),
        cmocka_unit_test(one_cut_event_each_strategy),
        cmocka_unit_test(cut_again_during_reinjection),
        cmocka_unit_test(many_events_mixed_cuts),
        cmocka_unit_test(software_interrupt_is_regenerated_not_reinjected),
        cmocka_unit_test(flag_without_busy_is_ignored),
        cmocka_unit_test(garbage_in_the_doorbell_is_dropped),
        cmocka_unit_test(missing_flag_falls_back_to_vmexit_busy),
        cmocka_unit_test(exception_keeps_its_error_code),
        cmocka_unit_test(no_further_signal_is_always_acknowledged),
    };
    return cmocka_run_group_tests_name("strategies", tests, NULL, NULL);
}
