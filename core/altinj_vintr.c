#include "altinj_vintr.h"

static uint64_t flag(bool set, uint64_t bit)
{
    return set ? bit : 0;
}

uint64_t altinj_vintr_encode(const struct altinj_vintr *v)
{
    return ((uint64_t)v->v_tpr & ALTINJ_VINTR_V_TPR_MASK) | flag(v->v_irq, ALTINJ_VINTR_V_IRQ) |
           flag(v->vgif, ALTINJ_VINTR_VGIF) | flag(v->int_shadow, ALTINJ_VINTR_INT_SHADOW) |
           flag(v->v_nmi, ALTINJ_VINTR_V_NMI) | flag(v->v_nmi_mask, ALTINJ_VINTR_V_NMI_MASK) |
           (((uint64_t)v->v_intr_prio << ALTINJ_VINTR_V_INTR_PRIO_SHIFT) &
            ALTINJ_VINTR_V_INTR_PRIO_MASK) |
           flag(v->v_ign_tpr, ALTINJ_VINTR_V_IGN_TPR) |
           flag(v->v_nmi_enable, ALTINJ_VINTR_V_NMI_ENABLE) |
           ((uint64_t)v->v_intr_vector << ALTINJ_VINTR_V_INTR_VECTOR_SHIFT) |
           flag(v->busy, ALTINJ_VINTR_BUSY) | (v->reserved & ~ALTINJ_VINTR_DEFINED_MASK);
}

struct altinj_vintr altinj_vintr_decode(uint64_t raw)
{
    struct altinj_vintr v = {
        .v_tpr = (uint8_t)(raw & ALTINJ_VINTR_V_TPR_MASK),
        .v_irq = (raw & ALTINJ_VINTR_V_IRQ) != 0,
        .vgif = (raw & ALTINJ_VINTR_VGIF) != 0,
        .int_shadow = (raw & ALTINJ_VINTR_INT_SHADOW) != 0,
        .v_nmi = (raw & ALTINJ_VINTR_V_NMI) != 0,
        .v_nmi_mask = (raw & ALTINJ_VINTR_V_NMI_MASK) != 0,
        .v_intr_prio =
            (uint8_t)((raw & ALTINJ_VINTR_V_INTR_PRIO_MASK) >> ALTINJ_VINTR_V_INTR_PRIO_SHIFT),
        .v_ign_tpr = (raw & ALTINJ_VINTR_V_IGN_TPR) != 0,
        .v_nmi_enable = (raw & ALTINJ_VINTR_V_NMI_ENABLE) != 0,
        .v_intr_vector = (uint8_t)((raw & ALTINJ_VINTR_V_INTR_VECTOR_MASK) >>
                                   ALTINJ_VINTR_V_INTR_VECTOR_SHIFT),
        .busy = (raw & ALTINJ_VINTR_BUSY) != 0,
        .reserved = raw & ~ALTINJ_VINTR_DEFINED_MASK,
    };
    return v;
}
