/* Bit-exact encodings: EVENTINJ/EXITINTINFO, VIntrCtrl, exit codes, SEV_FEATURES. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void event_fields_at_their_bits(void **state)
{
    (void)state;
    struct altinj_event ev = {.vector = 0xAB};
    assert_int_equal(altinj_event_encode(&ev), 0xAB);
    ev = (struct altinj_event){.type = ALTINJ_EVENT_SOFTINT};
    assert_int_equal(altinj_event_encode(&ev), 4u << 8);
    ev = (struct altinj_event){.error_valid = true};
    assert_int_equal(altinj_event_encode(&ev), 1u << 11);
    ev = (struct altinj_event){.valid = true};
    assert_int_equal(altinj_event_encode(&ev), UINT64_C(1) << 31);
    ev = (struct altinj_event){.error_code = 0xDEADBEEF};
    assert_int_equal(altinj_event_encode(&ev), UINT64_C(0xDEADBEEF) << 32);
    ev = (struct altinj_event){.reserved = 0x7FFFF};
    assert_int_equal(altinj_event_encode(&ev), UINT64_C(0x7FFFF) << 12);
    /* #PF with error code 2, valid: the value KVM would write. */
    ev = (struct altinj_event){.vector = 14, .type = ALTINJ_EVENT_EXCEPTION, .error_valid = true,
                               .valid = true, .error_code = 2};
    assert_int_equal(altinj_event_encode(&ev), UINT64_C(0x0000000280000B0E));
}

static void event_round_trips_every_value(void **state)
{
    (void)state;
    uint64_t s = 1;
    for (int i = 0; i < 100000; i++) {
        const uint64_t raw = splitmix(&s);
        const struct altinj_event ev = altinj_event_decode(raw);
        assert_int_equal(altinj_event_encode(&ev), raw);
    }
    for (unsigned bit = 0; bit < 64; bit++) {
        const uint64_t raw = UINT64_C(1) << bit;
        const struct altinj_event ev = altinj_event_decode(raw);
        assert_int_equal(altinj_event_encode(&ev), raw);
    }
    const struct altinj_event all = altinj_event_decode(UINT64_MAX);
    assert_int_equal(all.vector, 0xFF);
    assert_int_equal(all.type, 7);
    assert_true(all.error_valid && all.valid);
    assert_int_equal(all.error_code, 0xFFFFFFFFu);
    assert_int_equal(all.reserved, 0x7FFFFu);
}

static uint64_t ev(uint8_t vector, uint8_t type, bool valid, uint32_t reserved)
{
    const struct altinj_event e = {.vector = vector, .type = type, .valid = valid,
                                   .reserved = reserved};
    return altinj_event_encode(&e);
}

static void software_events_are_named(void **state)
{
    (void)state;
    assert_true(altinj_event_is_software(ev(0x80, ALTINJ_EVENT_SOFTINT, true, 0)));
    assert_true(altinj_event_is_software(ev(ALTINJ_VEC_BP, ALTINJ_EVENT_EXCEPTION, true, 0)));
    assert_true(altinj_event_is_software(ev(ALTINJ_VEC_OF, ALTINJ_EVENT_EXCEPTION, true, 0)));
    assert_false(altinj_event_is_software(ev(ALTINJ_VEC_PF, ALTINJ_EVENT_EXCEPTION, true, 0)));
    assert_false(altinj_event_is_software(ev(ALTINJ_VEC_VC, ALTINJ_EVENT_EXCEPTION, true, 0)));
    assert_false(altinj_event_is_software(ev(3, ALTINJ_EVENT_EXTINT, true, 0)));
    assert_false(altinj_event_is_software(ev(4, ALTINJ_EVENT_NMI, true, 0)));
}

static void vintr_fields_at_their_bits(void **state)
{
    (void)state;
    /* V_TPR is 4 bits (3:0); 7:4 are reserved and kept as found. */
    struct altinj_vintr v = {.v_tpr = 0xFF};
    assert_int_equal(altinj_vintr_encode(&v), 0x0F);
    assert_int_equal(altinj_vintr_decode(0xF7).v_tpr, 7);
    assert_int_equal(altinj_vintr_decode(0xF7).reserved, 0xF0);
    v = (struct altinj_vintr){.v_irq = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 8);
    v = (struct altinj_vintr){.vgif = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 9);
    v = (struct altinj_vintr){.int_shadow = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 10);
    v = (struct altinj_vintr){.v_nmi = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 11);
    v = (struct altinj_vintr){.v_nmi_mask = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 12);
    v = (struct altinj_vintr){.v_intr_prio = 0xF};
    assert_int_equal(altinj_vintr_encode(&v), 0xFu << 16);
    v = (struct altinj_vintr){.v_ign_tpr = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 20);
    v = (struct altinj_vintr){.v_nmi_enable = true};
    assert_int_equal(altinj_vintr_encode(&v), 1u << 26);
    v = (struct altinj_vintr){.v_intr_vector = 0xEC};
    assert_int_equal(altinj_vintr_encode(&v), UINT64_C(0xEC) << 32);
    v = (struct altinj_vintr){.busy = true};
    assert_int_equal(altinj_vintr_encode(&v), UINT64_C(1) << 63);
    assert_int_equal(ALTINJ_VINTR_BUSY, UINT64_C(0x8000000000000000));
    assert_true(altinj_vintr_busy(UINT64_C(1) << 63));
    assert_false(altinj_vintr_busy(~(UINT64_C(1) << 63)));
}

static void vintr_round_trips_every_value(void **state)
{
    (void)state;
    uint64_t s = 7;
    for (int i = 0; i < 100000; i++) {
        const uint64_t raw = splitmix(&s);
        const struct altinj_vintr v = altinj_vintr_decode(raw);
        assert_int_equal(altinj_vintr_encode(&v), raw);
    }
    for (unsigned bit = 0; bit < 64; bit++) {
        const uint64_t raw = UINT64_C(1) << bit;
        const struct altinj_vintr v = altinj_vintr_decode(raw);
        assert_int_equal(altinj_vintr_encode(&v), raw);
        /* A bit is reserved exactly when no named field holds it. */
        assert_int_equal(v.reserved != 0, (raw & ALTINJ_VINTR_DEFINED_MASK) == 0);
    }
}

static void exit_codes_and_features(void **state)
{
    (void)state;
    assert_int_equal(ALTINJ_VMEXIT_BUSY, UINT64_C(0xFFFFFFFFFFFFFFFE));
    assert_int_equal(ALTINJ_VMEXIT_INVALID, UINT64_C(0xFFFFFFFFFFFFFFFF));
    assert_int_equal(ALTINJ_VMEXIT_INTR, 0x60);
    assert_int_equal(ALTINJ_VMEXIT_NMI, 0x61);
    assert_int_equal(ALTINJ_VMEXIT_VINTR, 0x64);
    assert_int_equal(ALTINJ_VMEXIT_HLT, 0x78);
    assert_int_equal(ALTINJ_VMEXIT_NPF, 0x400);
    assert_int_equal(ALTINJ_VMEXIT_VMGEXIT, 0x403);
    assert_string_equal(altinj_exit_code_name(ALTINJ_VMEXIT_BUSY), "VMEXIT_BUSY");
    assert_string_equal(altinj_exit_code_name(12345), "unknown");
    assert_int_equal(ALTINJ_SEV_FEAT_RESTRICTED_INJECTION, 1u << 3);
    assert_int_equal(ALTINJ_SEV_FEAT_ALTERNATE_INJECTION, 1u << 4);
    assert_int_equal(ALTINJ_SEV_STATUS_RESTRICTED_INJECTION, 1u << 5);
    assert_int_equal(ALTINJ_SEV_STATUS_ALTERNATE_INJECTION, 1u << 6);
    assert_int_equal(ALTINJ_MSR_SEV_STATUS, 0xC0010131u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_fields_at_their_bits),
        cmocka_unit_test(event_round_trips_every_value),
        cmocka_unit_test(software_events_are_named),
        cmocka_unit_test(vintr_fields_at_their_bits),
        cmocka_unit_test(vintr_round_trips_every_value),
        cmocka_unit_test(exit_codes_and_features),
    };
    return cmocka_run_group_tests_name("encoding", tests, NULL, NULL);
}
