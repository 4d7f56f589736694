#include "altinj_vmsa.h"

#include <stdlib.h>
#include <string.h>

void altinj_vmsa_reset(struct altinj_vmsa *vmsa)
{
    memset(vmsa->opaque_0000, 0, sizeof vmsa->opaque_0000);
    memset(vmsa->opaque_00d8, 0, sizeof vmsa->opaque_00d8);
    memset(vmsa->opaque_0180, 0, sizeof vmsa->opaque_0180);
    memset(vmsa->opaque_03f0, 0, sizeof vmsa->opaque_03f0);
    vmsa->rflags = ALTINJ_RFLAGS_FIXED | ALTINJ_RFLAGS_IF;
    vmsa->rip = 0;
    vmsa->guest_exitinfo1 = 0;
    vmsa->guest_exitinfo2 = 0;
    vmsa->guest_nrip = 0;
    /* COCONUT-SVSM init_guest_vmsa (kernel/src/cpu/vmsa.rs, f4bc4bcd): guest VMSAs never enable
     * Restricted Injection, and get Alternate Injection when it is in use. */
    vmsa->sev_features = ALTINJ_SEV_FEAT_ALTERNATE_INJECTION;
    vmsa->virtual_tom = 0;
    vmsa->tlb_id = 0;
    vmsa->pcpu_id = 0;
    vmsa->xcr0 = 1; /* x87 state is architecturally always enabled */
    /* Reset happens before any other agent sees the page: relaxed is enough, and the thread
     * start that publishes the page orders it. Not logged: the page does not exist yet. */
    atomic_store_explicit(&vmsa->efer, 0, memory_order_relaxed);
    atomic_store_explicit(&vmsa->guest_exitintinfo, 0, memory_order_relaxed);
    atomic_store_explicit(&vmsa->vintr_ctrl, 0, memory_order_relaxed);
    atomic_store_explicit(&vmsa->guest_exit_code, 0, memory_order_relaxed);
    atomic_store_explicit(&vmsa->event_inj, 0, memory_order_relaxed);
}

struct altinj_vmsa *altinj_vmsa_alloc(void)
{
    struct altinj_vmsa *vmsa = aligned_alloc(ALTINJ_PAGE_SIZE, sizeof *vmsa);
    if (vmsa)
        altinj_vmsa_reset(vmsa);
    return vmsa;
}

void altinj_vmsa_free(struct altinj_vmsa *vmsa)
{
    free(vmsa);
}
