/* Hardware semantics (VMRUN/VMEXIT) and the re-entry path on a single VMSA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_hw.h"
#include "altinj_reentry.h"

#define EXTINT(vec) (ALTINJ_EVENT_V | (uint64_t)(vec))
#define EXC(vec) (ALTINJ_EVENT_V | ((uint64_t)ALTINJ_EVENT_EXCEPTION << 8) | (uint64_t)(vec))
#define SOFTINT(vec) (ALTINJ_EVENT_V | ((uint64_t)ALTINJ_EVENT_SOFTINT << 8) | (uint64_t)(vec))

static int setup(void **state)
{
    *state = altinj_vmsa_alloc();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    altinj_vmsa_free(*state);
    return 0;
}

static uint64_t load(_Atomic uint64_t *f)
{
    return atomic_load_explicit(f, memory_order_relaxed);
}

static void vmrun_delivers_eventinj_once(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->event_inj, EXTINT(0x30), memory_order_relaxed);
    uint64_t injected = 1;
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, EXTINT(0x30));
    assert_int_equal(load(&v->event_inj), 0);
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, 0);
}

static void vmrun_of_busy_vmsa_fails_and_runs_nothing(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->event_inj, EXTINT(0x31), memory_order_relaxed);
    atomic_store_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY | 0x5, memory_order_relaxed);
    uint64_t injected = 1;
    assert_int_equal(altinj_hw_vmrun(v, &injected), ALTINJ_VMEXIT_BUSY);
    assert_int_equal(injected, 0);
    /* Nothing changed: the event is still pending, the other VIntrCtrl bits untouched. */
    assert_int_equal(load(&v->event_inj), EXTINT(0x31));
    assert_int_equal(load(&v->vintr_ctrl), ALTINJ_VINTR_BUSY | 0x5);
}

static void exit_in_delivery_records_event_and_leaves_busy(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->vintr_ctrl, 0x20, memory_order_relaxed);
    altinj_hw_vmexit_in_delivery(v, EXC(14) | ALTINJ_EVENT_EV | (UINT64_C(6) << 32),
                                 ALTINJ_VMEXIT_NPF);
    assert_int_equal(load(&v->guest_exitintinfo), EXC(14) | ALTINJ_EVENT_EV | (UINT64_C(6) << 32));
    assert_int_equal(load(&v->guest_exit_code), ALTINJ_VMEXIT_NPF);
    assert_int_equal(load(&v->vintr_ctrl), ALTINJ_VINTR_BUSY | 0x20);
    uint64_t injected;
    assert_int_equal(altinj_hw_vmrun(v, &injected), ALTINJ_VMEXIT_BUSY);
    /* A plain exit clears EXITINTINFO and leaves BUSY alone. */
    altinj_hw_vmexit(v, ALTINJ_VMEXIT_HLT);
    assert_int_equal(load(&v->guest_exitintinfo), 0);
    assert_true(altinj_vintr_busy(load(&v->vintr_ctrl)));
}

static void repair_reinjects_once_and_releases(void **state)
{
    struct altinj_vmsa *v = *state;
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x40), ALTINJ_VMEXIT_NPF);
    const struct altinj_reentry_result r = altinj_reentry_repair_if_busy(v);
    assert_true(r.acted && r.was_busy);
    assert_int_equal(r.fixup, ALTINJ_FIXUP_REINJECTED);
    assert_int_equal(r.event, EXTINT(0x40));
    assert_int_equal(load(&v->event_inj), EXTINT(0x40));
    assert_int_equal(load(&v->guest_exitintinfo), 0);
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    /* A second pass finds nothing: the event cannot be injected twice. */
    const struct altinj_reentry_result again = altinj_reentry_repair(v);
    assert_int_equal(again.fixup, ALTINJ_FIXUP_NONE);
    assert_false(again.was_busy);
    uint64_t injected;
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, EXTINT(0x40));
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, 0);
}

static void common_path_does_nothing(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->vintr_ctrl, 0x1234, memory_order_relaxed);
    const struct altinj_reentry_result r = altinj_reentry_repair_if_busy(v);
    assert_false(r.acted);
    assert_int_equal(load(&v->vintr_ctrl), 0x1234);
}

static void exclusions_are_not_reinjected(void **state)
{
    struct altinj_vmsa *v = *state;
    const uint64_t cases[] = {SOFTINT(0x80), EXC(3), EXC(4)};
    for (size_t i = 0; i < 3; i++) {
        altinj_hw_vmexit_in_delivery(v, cases[i], ALTINJ_VMEXIT_NPF);
        const struct altinj_reentry_result r = altinj_reentry_repair(v);
        assert_int_equal(r.fixup, ALTINJ_FIXUP_REGENERATED);
        assert_int_equal(load(&v->event_inj), 0);
        assert_int_equal(load(&v->guest_exitintinfo), 0);
        assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    }
    /* Reserved bits: corrupt, rejected, cleared. */
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x30) | (UINT64_C(1) << 20), ALTINJ_VMEXIT_NPF);
    assert_int_equal(altinj_reentry_repair(v).fixup, ALTINJ_FIXUP_REJECTED);
    assert_int_equal(load(&v->event_inj), 0);
}

static void conflict_keeps_page_busy(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->event_inj, EXTINT(0x50), memory_order_relaxed);
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x51), ALTINJ_VMEXIT_NPF);
    const struct altinj_reentry_result r = altinj_reentry_repair(v);
    assert_int_equal(r.fixup, ALTINJ_FIXUP_CONFLICT);
    assert_int_equal(load(&v->event_inj), EXTINT(0x50));
    assert_int_equal(load(&v->guest_exitintinfo), EXTINT(0x51));
    assert_true(altinj_vintr_busy(load(&v->vintr_ctrl)));
}

static void inject_repairs_or_backs_off(void **state)
{
    struct altinj_vmsa *v = *state;
    struct altinj_reentry_result rep;
    /* Not busy: written, released. */
    assert_int_equal(altinj_reentry_inject(v, EXTINT(0x60), ALTINJ_BUSY_REPAIR, &rep),
                     ALTINJ_INJECT_DONE);
    assert_false(rep.acted);
    assert_int_equal(load(&v->event_inj), EXTINT(0x60));
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    /* Slot occupied. */
    assert_int_equal(altinj_reentry_inject(v, EXTINT(0x61), ALTINJ_BUSY_REPAIR, &rep),
                     ALTINJ_INJECT_SLOT_BUSY);
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    uint64_t injected;
    altinj_hw_vmrun(v, &injected);
    /* Busy from the hardware, back-off: page exactly as found. */
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x60), ALTINJ_VMEXIT_NPF);
    assert_int_equal(altinj_reentry_inject(v, EXTINT(0x62), ALTINJ_BUSY_BACK_OFF, &rep),
                     ALTINJ_INJECT_BACKED_OFF);
    assert_true(altinj_vintr_busy(load(&v->vintr_ctrl)));
    assert_int_equal(load(&v->guest_exitintinfo), EXTINT(0x60));
    assert_int_equal(load(&v->event_inj), 0);
    /* Busy from the hardware, repair: the interrupted event goes first, the new one waits. */
    assert_int_equal(altinj_reentry_inject(v, EXTINT(0x62), ALTINJ_BUSY_REPAIR, &rep),
                     ALTINJ_INJECT_SLOT_BUSY);
    assert_true(rep.was_busy);
    assert_int_equal(rep.fixup, ALTINJ_FIXUP_REINJECTED);
    assert_int_equal(load(&v->event_inj), EXTINT(0x60));
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(vmrun_delivers_eventinj_once, setup, teardown),
        cmocka_unit_test_setup_teardown(vmrun_of_busy_vmsa_fails_and_runs_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_in_delivery_records_event_and_leaves_busy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(repair_reinjects_once_and_releases, setup, teardown),
        cmocka_unit_test_setup_teardown(common_path_does_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(exclusions_are_not_reinjected, setup, teardown),
        cmocka_unit_test_setup_teardown(conflict_keeps_page_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(inject_repairs_or_backs_off, setup, teardown),
    };
    return cmocka_run_group_tests_name("hw_reentry", tests, NULL, NULL);
}
