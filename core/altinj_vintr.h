/*
 * VIntrCtrl, the 64-bit virtual interrupt control word of the VMSA (offset 0x3B8), as
 * COCONUT-SVSM cpuarch/src/vmsa.rs and AMD APM vol. 2 define it. Bit 63 is BUSY, present
 * only with Alternate Injection: VMRUN of a VMSA with BUSY set fails with VMEXIT_BUSY.
 * V_TPR is 4 bits (3:0; Linux V_TPR_MASK 0x0f): COCONUT's GuestCpuState::get_tpr shifts it
 * left by 4 to compare with an 8-bit PPR. Bits 7:4 are reserved.
 */
#ifndef ALTINJ_VINTR_H
#define ALTINJ_VINTR_H

#include <stdbool.h>
#include <stdint.h>

#define ALTINJ_VINTR_V_TPR_MASK        UINT64_C(0x0F)
#define ALTINJ_VINTR_V_IRQ             (UINT64_C(1) << 8)
#define ALTINJ_VINTR_VGIF              (UINT64_C(1) << 9)
#define ALTINJ_VINTR_INT_SHADOW        (UINT64_C(1) << 10)
#define ALTINJ_VINTR_V_NMI             (UINT64_C(1) << 11)
#define ALTINJ_VINTR_V_NMI_MASK        (UINT64_C(1) << 12)
#define ALTINJ_VINTR_V_INTR_PRIO_SHIFT 16
#define ALTINJ_VINTR_V_INTR_PRIO_MASK  (UINT64_C(0xF) << ALTINJ_VINTR_V_INTR_PRIO_SHIFT)
#define ALTINJ_VINTR_V_IGN_TPR         (UINT64_C(1) << 20)
#define ALTINJ_VINTR_V_NMI_ENABLE      (UINT64_C(1) << 26)
#define ALTINJ_VINTR_V_INTR_VECTOR_SHIFT 32
#define ALTINJ_VINTR_V_INTR_VECTOR_MASK (UINT64_C(0xFF) << ALTINJ_VINTR_V_INTR_VECTOR_SHIFT)
#define ALTINJ_VINTR_BUSY              (UINT64_C(1) << 63)

/* Every bit that names a field above; the rest are reserved. */
#define ALTINJ_VINTR_DEFINED_MASK                                                          \
    (ALTINJ_VINTR_V_TPR_MASK | ALTINJ_VINTR_V_IRQ | ALTINJ_VINTR_VGIF |                    \
     ALTINJ_VINTR_INT_SHADOW | ALTINJ_VINTR_V_NMI | ALTINJ_VINTR_V_NMI_MASK |              \
     ALTINJ_VINTR_V_INTR_PRIO_MASK | ALTINJ_VINTR_V_IGN_TPR | ALTINJ_VINTR_V_NMI_ENABLE |  \
     ALTINJ_VINTR_V_INTR_VECTOR_MASK | ALTINJ_VINTR_BUSY)

struct altinj_vintr {
    uint8_t v_tpr;         /* 4 bits */
    bool v_irq;
    bool vgif;
    bool int_shadow;
    bool v_nmi;
    bool v_nmi_mask;
    uint8_t v_intr_prio;   /* 4 bits */
    bool v_ign_tpr;
    bool v_nmi_enable;
    uint8_t v_intr_vector;
    bool busy;
    uint64_t reserved;     /* the reserved bits as found, in place */
};

/* Encodes every field; v_tpr and v_intr_prio are truncated to 4 bits, reserved is masked to the
 * reserved positions. encode(decode(x)) == x for every 64-bit x. */
uint64_t altinj_vintr_encode(const struct altinj_vintr *v);
struct altinj_vintr altinj_vintr_decode(uint64_t raw);

static inline bool altinj_vintr_busy(uint64_t raw)
{
    return (raw & ALTINJ_VINTR_BUSY) != 0;
}

#endif
