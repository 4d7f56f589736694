/*
 * The 4096-byte VMSA page (SEV-ES save area), with the fields the Alternate Injection re-entry
 * path touches at their architectural offsets (COCONUT-SVSM `struct VMSA`, Linux
 * `struct sev_es_save_area`, DOMAIN.md section 3). Everything else is kept as opaque bytes so
 * the page has its real size and the fields their real cache lines:
 *   line 0x380-0x3BF: guest_exitintinfo, sev_features, vintr_ctrl
 *   line 0x3C0-0x3FF: guest_exit_code, event_inj
 * so one re-entry touches two lines, and that is what the benchmarks measure.
 *
 * The fields that more than one agent touches (hardware, hypervisor on another CPU, SVSM) are
 * _Atomic: BUSY in vintr_ctrl is both the hardware "not runnable" mark and the SVSM's lock on
 * the page, and EXITINTINFO/EVENTINJ are published under it. On x86-64 an _Atomic uint64_t has
 * the size and alignment of uint64_t, which the asserts below check.
 */
#ifndef ALTINJ_VMSA_H
#define ALTINJ_VMSA_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ALTINJ_PAGE_SIZE 4096u
#define ALTINJ_CACHE_LINE 64u

/* SEV_FEATURES as the VMSA holds it (offset 0x3B0). */
#define ALTINJ_SEV_FEAT_RESTRICTED_INJECTION (UINT64_C(1) << 3)
#define ALTINJ_SEV_FEAT_ALTERNATE_INJECTION  (UINT64_C(1) << 4)
/* The same features in the SEV_STATUS MSR (0xC0010131) sit two bits higher. */
#define ALTINJ_MSR_SEV_STATUS                0xC0010131u
#define ALTINJ_SEV_STATUS_RESTRICTED_INJECTION (UINT64_C(1) << 5)
#define ALTINJ_SEV_STATUS_ALTERNATE_INJECTION  (UINT64_C(1) << 6)

struct altinj_vmsa {
    uint8_t opaque_0000[0x390];
    uint64_t guest_exitinfo1;               /* 0x390 */
    uint64_t guest_exitinfo2;               /* 0x398 */
    _Atomic uint64_t guest_exitintinfo;     /* 0x3A0 EXITINTINFO */
    uint64_t guest_nrip;                    /* 0x3A8 */
    uint64_t sev_features;                  /* 0x3B0 */
    _Atomic uint64_t vintr_ctrl;            /* 0x3B8 VIntrCtrl, bit 63 BUSY */
    _Atomic uint64_t guest_exit_code;       /* 0x3C0 */
    uint64_t virtual_tom;                   /* 0x3C8 */
    uint64_t tlb_id;                        /* 0x3D0 */
    uint64_t pcpu_id;                       /* 0x3D8 */
    _Atomic uint64_t event_inj;             /* 0x3E0 EVENTINJ */
    uint64_t xcr0;                          /* 0x3E8 */
    uint8_t opaque_03f0[ALTINJ_PAGE_SIZE - 0x3F0];
};

_Static_assert(sizeof(_Atomic uint64_t) == 8, "atomic u64 must keep the field width");
_Static_assert(alignof(_Atomic uint64_t) == 8, "atomic u64 must keep the field alignment");
_Static_assert(sizeof(struct altinj_vmsa) == 4096, "VMSA is one 4 KiB page");
_Static_assert(offsetof(struct altinj_vmsa, guest_exitinfo1) == 0x390, "guest_exitinfo1");
_Static_assert(offsetof(struct altinj_vmsa, guest_exitinfo2) == 0x398, "guest_exitinfo2");
_Static_assert(offsetof(struct altinj_vmsa, guest_exitintinfo) == 0x3A0, "guest_exitintinfo");
_Static_assert(offsetof(struct altinj_vmsa, guest_nrip) == 0x3A8, "guest_nrip");
_Static_assert(offsetof(struct altinj_vmsa, sev_features) == 0x3B0, "sev_features");
_Static_assert(offsetof(struct altinj_vmsa, vintr_ctrl) == 0x3B8, "vintr_ctrl");
_Static_assert(offsetof(struct altinj_vmsa, guest_exit_code) == 0x3C0, "guest_exit_code");
_Static_assert(offsetof(struct altinj_vmsa, virtual_tom) == 0x3C8, "virtual_tom");
_Static_assert(offsetof(struct altinj_vmsa, tlb_id) == 0x3D0, "tlb_id");
_Static_assert(offsetof(struct altinj_vmsa, pcpu_id) == 0x3D8, "pcpu_id");
_Static_assert(offsetof(struct altinj_vmsa, event_inj) == 0x3E0, "event_inj");
_Static_assert(offsetof(struct altinj_vmsa, xcr0) == 0x3E8, "xcr0");
/* The cache-line facts in the header comment. */
_Static_assert(offsetof(struct altinj_vmsa, guest_exitintinfo) / 64 ==
                   offsetof(struct altinj_vmsa, vintr_ctrl) / 64,
               "EXITINTINFO and VIntrCtrl share a line");
_Static_assert(offsetof(struct altinj_vmsa, vintr_ctrl) / 64 !=
                   offsetof(struct altinj_vmsa, event_inj) / 64,
               "EVENTINJ is on the next line");

/* Allocates a zeroed, page-aligned VMSA with SEV_FEATURES = Restricted | Alternate Injection
 * (the configuration the BUSY bit exists in). Returns NULL on allocation failure. */
struct altinj_vmsa *altinj_vmsa_alloc(void);
void altinj_vmsa_free(struct altinj_vmsa *vmsa);

/* Resets the page to the state altinj_vmsa_alloc returns. Not thread-safe. */
void altinj_vmsa_reset(struct altinj_vmsa *vmsa);

#endif
