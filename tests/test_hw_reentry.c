/* Processor semantics (VMRUN/VMEXIT, V_IRQ) and the SVSMs' re-entry primitives on one VMSA. */
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
    struct altinj_vmsa *v = altinj_vmsa_alloc();
    if (!v)
        return -1;
    /* A runnable page: EFER.SVME set (as COCONUT's enable() or OpenHCL's init leave it). */
    atomic_store_explicit(&v->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
    *state = v;
    return 0;
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

static void reset_page_is_a_coconut_guest_vmsa(void **state)
{
    (void)state;
    struct altinj_vmsa *v = altinj_vmsa_alloc();
    assert_non_null(v);
    /* Alternate Injection set, Restricted Injection clear (init_guest_vmsa). */
    assert_int_equal(v->sev_features & ALTINJ_SEV_FEAT_ALTERNATE_INJECTION,
                     ALTINJ_SEV_FEAT_ALTERNATE_INJECTION);
    assert_int_equal(v->sev_features & ALTINJ_SEV_FEAT_RESTRICTED_INJECTION, 0);
    assert_int_equal(load(&v->efer), 0);
    assert_true((v->rflags & ALTINJ_RFLAGS_IF) != 0);
    altinj_vmsa_free(v);
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
    /* V clear: nothing is injected, whatever the other bits say, and they stay. */
    atomic_store_explicit(&v->event_inj, 0x30, memory_order_relaxed);
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, 0);
    assert_int_equal(load(&v->event_inj), 0x30);
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

static void vmrun_without_svme_is_invalid(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->event_inj, EXTINT(0x32), memory_order_relaxed);
    altinj_svme_disable(v);
    uint64_t injected = 1;
    assert_int_equal(altinj_hw_vmrun(v, &injected), ALTINJ_VMEXIT_INVALID);
    assert_int_equal(injected, 0);
    assert_int_equal(load(&v->event_inj), EXTINT(0x32));
    /* BUSY too: BUSY is reported (the ASSUMPTION in altinj_hw.h). */
    atomic_store_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_relaxed);
    assert_int_equal(altinj_hw_vmrun(v, &injected), ALTINJ_VMEXIT_BUSY);
    atomic_store_explicit(&v->vintr_ctrl, 0, memory_order_relaxed);
    altinj_svme_enable(v);
    assert_int_equal(load(&v->efer), ALTINJ_EFER_SVME);
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, EXTINT(0x32));
}

static void exit_in_delivery_follows_the_premise(void **state)
{
    struct altinj_vmsa *v = *state;
    const uint64_t pf = EXC(14) | ALTINJ_EVENT_EV | (UINT64_C(6) << 32);
    atomic_store_explicit(&v->vintr_ctrl, 0x20, memory_order_relaxed);
    altinj_hw_vmexit_in_delivery(v, pf, ALTINJ_VMEXIT_NPF, false, ALTINJ_PREMISE_HARDWARE);
    assert_int_equal(load(&v->guest_exitintinfo), pf);
    assert_int_equal(load(&v->guest_exit_code), ALTINJ_VMEXIT_NPF);
    assert_int_equal(load(&v->vintr_ctrl), ALTINJ_VINTR_BUSY | 0x20);
    assert_int_equal(v->rflags & ALTINJ_RFLAGS_IF, 0);
    uint64_t injected;
    assert_int_equal(altinj_hw_vmrun(v, &injected), ALTINJ_VMEXIT_BUSY);
    /* A plain exit clears EXITINTINFO and leaves BUSY alone. */
    altinj_hw_vmexit(v, ALTINJ_VMEXIT_HLT, true);
    assert_int_equal(load(&v->guest_exitintinfo), 0);
    assert_true(altinj_vintr_busy(load(&v->vintr_ctrl)));
    assert_true((v->rflags & ALTINJ_RFLAGS_IF) != 0);
    /* Software premise: EXITINTINFO recorded, BUSY untouched, VMRUN succeeds. */
    atomic_store_explicit(&v->vintr_ctrl, 0, memory_order_relaxed);
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x41), ALTINJ_VMEXIT_NPF, true,
                                 ALTINJ_PREMISE_SOFTWARE);
    assert_int_equal(load(&v->guest_exitintinfo), EXTINT(0x41));
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    assert_int_equal(altinj_hw_vmrun(v, &injected), 0);
    assert_int_equal(injected, 0);
}

static void ai_handle_intercepts_copies_and_clears_busy(void **state)
{
    struct altinj_vmsa *v = *state;
    altinj_hw_vmexit_in_delivery(v, EXTINT(0x40), ALTINJ_VMEXIT_NPF, true, ALTINJ_PREMISE_HARDWARE);
    const struct altinj_ai_result r = altinj_ai_handle_intercepts(v);
    assert_true(r.copied && r.was_busy);
    assert_int_equal(r.exitintinfo, EXTINT(0x40));
    assert_int_equal(load(&v->event_inj), EXTINT(0x40));
    /* As shipped: EXITINTINFO is not cleared. */
    assert_int_equal(load(&v->guest_exitintinfo), EXTINT(0x40));
    assert_false(altinj_vintr_busy(load(&v->vintr_ctrl)));
    /* No filter either: a software event is copied too. */
    atomic_store_explicit(&v->guest_exitintinfo, SOFTINT(0x80), memory_order_relaxed);
    assert_true(altinj_ai_handle_intercepts(v).copied);
    assert_int_equal(load(&v->event_inj), SOFTINT(0x80));
}

static void ai_handle_intercepts_without_exitintinfo_touches_nothing(void **state)
{
    struct altinj_vmsa *v = *state;
    atomic_store_explicit(&v->vintr_ctrl, 0x1234, memory_order_relaxed);
    const struct altinj_ai_result r = altinj_ai_handle_intercepts(v);
    assert_false(r.copied || r.was_busy);
    assert_int_equal(load(&v->vintr_ctrl), 0x1234);
    assert_int_equal(load(&v->event_inj), 0);
}

static void openhcl_filters_software_events_and_clears_exitintinfo(void **state)
{
    struct altinj_vmsa *v = *state;
    const uint64_t left[] = {SOFTINT(0x80), EXC(3), EXC(4)};
    for (size_t i = 0; i < 3; i++) {
        atomic_store_explicit(&v->event_inj, 0, memory_order_relaxed);
        altinj_hw_vmexit_in_delivery(v, left[i], ALTINJ_VMEXIT_NPF, true, ALTINJ_PREMISE_HARDWARE);
        assert_true(altinj_busy_test_and_set(v));
        assert_int_equal(altinj_openhcl_reinject(v), ALTINJ_OH_LEFT_TO_GUEST);
        assert_int_equal(load(&v->event_inj), 0);
        assert_int_equal(load(&v->guest_exitintinfo), 0);
        assert_true(altinj_busy_peek(v)); /* still held until the clear before entry */
        altinj_busy_clear(v);
        assert_false(altinj_busy_peek(v));
    }
    /* Everything else is re-injected as found, #VC and the undefined type 5 (ICEBP) included. */
    const uint64_t in[] = {EXTINT(0x30), EXC(14), EXC(29),
                           ALTINJ_EVENT_V | (UINT64_C(5) << 8) | 1};
    for (size_t i = 0; i < 4; i++) {
        atomic_store_explicit(&v->event_inj, 0, memory_order_relaxed);
        altinj_hw_vmexit_in_delivery(v, in[i], ALTINJ_VMEXIT_NPF, true, ALTINJ_PREMISE_SOFTWARE);
        assert_false(altinj_busy_test_and_set(v)); /* software premise: BUSY was clear */
        assert_int_equal(altinj_openhcl_reinject(v), ALTINJ_OH_REINJECTED);
        assert_int_equal(load(&v->event_inj), in[i]);
        assert_int_equal(load(&v->guest_exitintinfo), 0);
        altinj_busy_clear(v);
    }
    /* Nothing cut: nothing done. */
    assert_int_equal(altinj_openhcl_reinject(v), ALTINJ_OH_NONE);
}

static void virq_is_taken_only_when_the_guest_can(void **state)
{
    struct altinj_vmsa *v = *state;
    const uint64_t queued = ALTINJ_VINTR_V_IRQ | ((uint64_t)0x41 << 32) | ((uint64_t)4 << 16);
    uint8_t vec = 0;
    /* KVM enables virtual GIF: VGIF clear means never (svsm PR #1064). */
    atomic_store_explicit(&v->vintr_ctrl, queued, memory_order_relaxed);
    assert_false(altinj_hw_virq_armed(v, true));
    assert_false(altinj_hw_take_virq(v, true, true, &vec));
    /* Without virtual GIF (the every-exit hypervisor) VGIF does not matter. */
    assert_true(altinj_hw_virq_armed(v, false));
    atomic_store_explicit(&v->vintr_ctrl, queued | ALTINJ_VINTR_VGIF, memory_order_relaxed);
    /* IF clear: not now. */
    assert_true(altinj_hw_virq_armed(v, true));
    assert_false(altinj_hw_take_virq(v, false, true, &vec));
    /* Interrupt shadow: not now. */
    atomic_store_explicit(&v->vintr_ctrl, queued | ALTINJ_VINTR_VGIF | ALTINJ_VINTR_INT_SHADOW,
                          memory_order_relaxed);
    assert_false(altinj_hw_take_virq(v, true, true, &vec));
    /* Priority not above V_TPR: not now, unless V_IGN_TPR. */
    atomic_store_explicit(&v->vintr_ctrl, queued | ALTINJ_VINTR_VGIF | 4, memory_order_relaxed);
    assert_false(altinj_hw_take_virq(v, true, true, &vec));
    atomic_store_explicit(&v->vintr_ctrl, queued | ALTINJ_VINTR_VGIF | 4 | ALTINJ_VINTR_V_IGN_TPR,
                          memory_order_relaxed);
    assert_true(altinj_hw_take_virq(v, true, true, &vec));
    assert_int_equal(vec, 0x41);
    /* Taken: V_IRQ cleared, every other bit kept. */
    assert_int_equal(load(&v->vintr_ctrl),
                     (queued & ~ALTINJ_VINTR_V_IRQ) | ALTINJ_VINTR_VGIF | 4 |
                         ALTINJ_VINTR_V_IGN_TPR);
    assert_false(altinj_hw_take_virq(v, true, true, &vec));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_page_is_a_coconut_guest_vmsa),
        cmocka_unit_test_setup_teardown(vmrun_delivers_eventinj_once, setup, teardown),
        cmocka_unit_test_setup_teardown(vmrun_of_busy_vmsa_fails_and_runs_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(vmrun_without_svme_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_in_delivery_follows_the_premise, setup, teardown),
        cmocka_unit_test_setup_teardown(ai_handle_intercepts_copies_and_clears_busy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ai_handle_intercepts_without_exitintinfo_touches_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(openhcl_filters_software_events_and_clears_exitintinfo,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(virq_is_taken_only_when_the_guest_can, setup, teardown),
    };
    return cmocka_run_group_tests_name("hw_reentry", tests, NULL, NULL);
}
