/*
 * The 4096-byte VMSA page (SEV-ES save area), with the fields the Alternate Injection re-entry
 * path touches at their architectural offsets (COCONUT-SVSM cpuarch/src/vmsa.rs `struct VMSA`
 * at f4bc4bcd, Linux `struct sev_es_save_area`, DOMAIN.md section 3). Everything else is kept as
 * opaque bytes so the page has its real size and the fields their real cache lines:
 *   line 0x0C0-0x0FF: efer (EFER.SVME is COCONUT's lock on the page)
 *   line 0x140-0x17F: rflags (the guest's IF, which decides EVENTINJ or V_IRQ)
 *   line 0x380-0x3BF: guest_exitintinfo, sev_features, vintr_ctrl
 *   line 0x3C0-0x3FF: guest_exit_code, event_inj
 *
 * The fields that more than one agent touches (the processor, the SVSM, a hypervisor's VMRUN on
 * another CPU) are _Atomic: BUSY in vintr_ctrl and SVME in efer are what VMRUN checks, and
 * EVENTINJ is what it takes. On x86-64 an _Atomic uint64_t has the size and alignment of
 * uint64_t, which the asserts below check. rflags is written by the processor at each exit and
 * read by the SVSM on the same CPU only, so it is plain.
 *
 * Every write to the atomic fields goes through the altinj_vmsa_store_* / altinj_vmsa_rmw_*
 * helpers below, so a build with ALTINJ_WRITE_LOG keeps the exact sequence of VMSA writes for
 * the conformance tests (tests/test_conformance.c); without it the helpers are the bare
 * atomic operations.
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

/* EFER.SVME (bit 12): a VMRUN of a VMSA with SVME clear fails with VMEXIT_INVALID (APM vol. 2,
 * "Canonicalization and Consistency Checks"); COCONUT-SVSM kernel/src/sev/vmsa.rs
 * VMSAControl::enable/disable set and clear exactly this bit. */
#define ALTINJ_EFER_SVME (UINT64_C(1) << 12)
/* RFLAGS.IF (bit 9): COCONUT's GuestCpuState::interrupts_enabled reads it from the VMSA. */
#define ALTINJ_RFLAGS_IF (UINT64_C(1) << 9)
#define ALTINJ_RFLAGS_FIXED (UINT64_C(1) << 1) /* bit 1 always reads 1 */

struct altinj_vmsa {
    uint8_t opaque_0000[0xD0];
    _Atomic uint64_t efer;                  /* 0x0D0 EFER, bit 12 SVME */
    uint8_t opaque_00d8[0x170 - 0xD8];
    uint64_t rflags;                        /* 0x170 RFLAGS, bit 9 IF */
    uint64_t rip;                           /* 0x178 */
    uint8_t opaque_0180[0x390 - 0x180];
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
_Static_assert(offsetof(struct altinj_vmsa, efer) == 0xD0, "efer");
_Static_assert(offsetof(struct altinj_vmsa, rflags) == 0x170, "rflags");
_Static_assert(offsetof(struct altinj_vmsa, rip) == 0x178, "rip");
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
_Static_assert(offsetof(struct altinj_vmsa, efer) / 64 != offsetof(struct altinj_vmsa, vintr_ctrl) / 64,
               "EFER is on a line of its own, away from the BUSY line");

/* Allocates a zeroed, page-aligned VMSA with SEV_FEATURES = Alternate Injection (Restricted
 * Injection clear: COCONUT-SVSM kernel/src/cpu/vmsa.rs init_guest_vmsa removes REST_INJ from
 * guest VMSAs and inserts ALT_INJ), RFLAGS = 0x202 (IF set) and everything else 0: EFER.SVME
 * clear, VIntrCtrl 0. The SVSM policy's init (altinj_policy.h) then sets what its source sets
 * at creation (VGIF, BUSY, SVME). Returns NULL on allocation failure. */
struct altinj_vmsa *altinj_vmsa_alloc(void);
void altinj_vmsa_free(struct altinj_vmsa *vmsa);

/* Resets the page to the state altinj_vmsa_alloc returns. Not thread-safe. */
void altinj_vmsa_reset(struct altinj_vmsa *vmsa);

/* ---- the write log (conformance tests; compiled in only with ALTINJ_WRITE_LOG) ---- */

enum altinj_vmsa_field {
    ALTINJ_VF_EFER = 0,
    ALTINJ_VF_EXITINTINFO,
    ALTINJ_VF_VINTR_CTRL,
    ALTINJ_VF_EXIT_CODE,
    ALTINJ_VF_EVENT_INJ,
    ALTINJ_VF__COUNT
};

/* Who wrote: the processor (VMRUN/VMEXIT, a V_IRQ taken) or the SVSM. */
enum altinj_vmsa_writer { ALTINJ_VW_HW = 0, ALTINJ_VW_SVSM };

#ifdef ALTINJ_WRITE_LOG
/* Called for every VMSA write of the logged fields, with the value now in the field. The log
 * itself lives in altinj_write_log.c (only in the logged build of the core). */
void altinj_write_log_note(const struct altinj_vmsa *vmsa, enum altinj_vmsa_field field,
                           enum altinj_vmsa_writer who, uint64_t value);
#define ALTINJ_VMSA_NOTE(vmsa, field, who, value) altinj_write_log_note(vmsa, field, who, value)
#else
#define ALTINJ_VMSA_NOTE(vmsa, field, who, value) ((void)(vmsa), (void)(who), (void)(value))
#endif

static inline _Atomic uint64_t *altinj_vmsa_slot(struct altinj_vmsa *v, enum altinj_vmsa_field f)
{
    switch (f) {
    case ALTINJ_VF_EFER: return &v->efer;
    case ALTINJ_VF_EXITINTINFO: return &v->guest_exitintinfo;
    case ALTINJ_VF_VINTR_CTRL: return &v->vintr_ctrl;
    case ALTINJ_VF_EXIT_CODE: return &v->guest_exit_code;
    case ALTINJ_VF_EVENT_INJ:
    case ALTINJ_VF__COUNT: break;
    }
    return &v->event_inj;
}

/* A store of one logged field with the given order. */
static inline void altinj_vmsa_store(struct altinj_vmsa *v, enum altinj_vmsa_field f,
                                     enum altinj_vmsa_writer who, uint64_t value,
                                     memory_order order)
{
    atomic_store_explicit(altinj_vmsa_slot(v, f), value, order);
    ALTINJ_VMSA_NOTE(v, f, who, value);
}

/* fetch_or / fetch_and of one logged field; returns the old value. The log notes the new
 * value, even when it equals the old one (a locked RMW is a write either way). */
static inline uint64_t altinj_vmsa_or(struct altinj_vmsa *v, enum altinj_vmsa_field f,
                                      enum altinj_vmsa_writer who, uint64_t bits,
                                      memory_order order)
{
    const uint64_t old = atomic_fetch_or_explicit(altinj_vmsa_slot(v, f), bits, order);
    ALTINJ_VMSA_NOTE(v, f, who, old | bits);
    return old;
}

static inline uint64_t altinj_vmsa_and(struct altinj_vmsa *v, enum altinj_vmsa_field f,
                                       enum altinj_vmsa_writer who, uint64_t bits,
                                       memory_order order)
{
    const uint64_t old = atomic_fetch_and_explicit(altinj_vmsa_slot(v, f), bits, order);
    ALTINJ_VMSA_NOTE(v, f, who, old & bits);
    return old;
}

static inline uint64_t altinj_vmsa_xchg(struct altinj_vmsa *v, enum altinj_vmsa_field f,
                                        enum altinj_vmsa_writer who, uint64_t value,
                                        memory_order order)
{
    const uint64_t old = atomic_exchange_explicit(altinj_vmsa_slot(v, f), value, order);
    ALTINJ_VMSA_NOTE(v, f, who, value);
    return old;
}

static inline uint64_t altinj_vmsa_load(struct altinj_vmsa *v, enum altinj_vmsa_field f,
                                        memory_order order)
{
    return atomic_load_explicit(altinj_vmsa_slot(v, f), order);
}

#endif
