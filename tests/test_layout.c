/* The VMSA and doorbell pages at their architectural offsets, checked at run time too (the
 * _Static_asserts in the headers already refuse to compile otherwise), plus allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "altinj_doorbell.h"
#include "altinj_vmsa.h"

static void vmsa_offsets(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct altinj_vmsa), 4096);
    assert_int_equal(offsetof(struct altinj_vmsa, guest_exitinfo1), 0x390);
    assert_int_equal(offsetof(struct altinj_vmsa, guest_exitinfo2), 0x398);
    assert_int_equal(offsetof(struct altinj_vmsa, guest_exitintinfo), 0x3A0);
    assert_int_equal(offsetof(struct altinj_vmsa, guest_nrip), 0x3A8);
    assert_int_equal(offsetof(struct altinj_vmsa, sev_features), 0x3B0);
    assert_int_equal(offsetof(struct altinj_vmsa, vintr_ctrl), 0x3B8);
    assert_int_equal(offsetof(struct altinj_vmsa, guest_exit_code), 0x3C0);
    assert_int_equal(offsetof(struct altinj_vmsa, virtual_tom), 0x3C8);
    assert_int_equal(offsetof(struct altinj_vmsa, tlb_id), 0x3D0);
    assert_int_equal(offsetof(struct altinj_vmsa, pcpu_id), 0x3D8);
    assert_int_equal(offsetof(struct altinj_vmsa, event_inj), 0x3E0);
    assert_int_equal(offsetof(struct altinj_vmsa, xcr0), 0x3E8);
}

static void vmsa_bytes_land_where_hardware_reads_them(void **state)
{
    (void)state;
    struct altinj_vmsa *v = altinj_vmsa_alloc();
    assert_non_null(v);
    assert_int_equal((uintptr_t)v % 4096, 0);
    atomic_store_explicit(&v->vintr_ctrl, UINT64_C(0x8000000000000000), memory_order_relaxed);
    atomic_store_explicit(&v->event_inj, UINT64_C(0x80000030), memory_order_relaxed);
    const unsigned char *bytes = (const unsigned char *)v;
    /* Little-endian: BUSY is the top bit of the byte at 0x3B8 + 7. */
    assert_int_equal(bytes[0x3B8 + 7], 0x80);
    assert_int_equal(bytes[0x3E0], 0x30);
    assert_int_equal(bytes[0x3E0 + 3], 0x80);
    assert_int_equal(v->sev_features & ALTINJ_SEV_FEAT_ALTERNATE_INJECTION,
                     ALTINJ_SEV_FEAT_ALTERNATE_INJECTION);
    altinj_vmsa_reset(v);
    assert_int_equal(atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed), 0);
    altinj_vmsa_free(v);
}

static void doorbell_offsets(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct altinj_hvdb), 4096);
    assert_int_equal(offsetof(struct altinj_hvdb, vector), 0);
    assert_int_equal(offsetof(struct altinj_hvdb, flags), 1);
    assert_int_equal(offsetof(struct altinj_hvdb, no_eoi_required), 2);
    assert_int_equal(offsetof(struct altinj_hvdb, per_vmpl_events), 3);
    for (unsigned n = 0; n < 3; n++)
        assert_int_equal(offsetof(struct altinj_hvdb, per_vmpl) + n * 64u, 0x40 + 64 * n);
    assert_int_equal(offsetof(struct altinj_hvdb_vmpl, status), 0);
    assert_int_equal(offsetof(struct altinj_hvdb_vmpl, irr), 4);
    assert_int_equal(offsetof(struct altinj_hvdb_vmpl, isr), 32);
    /* Status bits (DOMAIN.md section 4). */
    assert_int_equal(ALTINJ_HVDB_STATUS_NMI_PENDING, 1u << 8);
    assert_int_equal(ALTINJ_HVDB_STATUS_MC_PENDING, 1u << 9);
    assert_int_equal(ALTINJ_HVDB_STATUS_LEVEL_SENSITIVE, 1u << 10);
    assert_int_equal(ALTINJ_HVDB_STATUS_MULTIPLE_VECTORS, 1u << 14);
    assert_int_equal(ALTINJ_HVDB_STATUS_IPI_REQUESTED, 1u << 27);
    assert_int_equal(ALTINJ_HVDB_STATUS_VECTOR_31, 1u << 31);
    /* The option-A bit is one of the reserved ones, and no defined bit is reserved. */
    assert_true(ALTINJ_HVDB_STATUS_CLEAR_BUSY & ALTINJ_HVDB_STATUS_RESERVED);
    const uint32_t defined = 0xFFu | (1u << 8) | (1u << 9) | (1u << 10) | (1u << 14) |
                             (1u << 27) | (1u << 31);
    assert_int_equal(defined & ALTINJ_HVDB_STATUS_RESERVED, 0);
    assert_int_equal(defined | ALTINJ_HVDB_STATUS_RESERVED, 0xFFFFFFFFu);
    assert_int_equal(ALTINJ_HVDB_FLAG_NO_FURTHER_SIGNAL, 0x80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmsa_offsets),
        cmocka_unit_test(vmsa_bytes_land_where_hardware_reads_them),
        cmocka_unit_test(doorbell_offsets),
    };
    return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
