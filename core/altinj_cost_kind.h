/* The world switches a cost profile prices (see altinj_costs.h for the figures). */
#ifndef ALTINJ_COST_KIND_H
#define ALTINJ_COST_KIND_H

enum altinj_cost_kind {
    ALTINJ_COST_VMRUN = 0,      /* successful VMRUN of the guest VMSA */
    ALTINJ_COST_VMEXIT,         /* guest VMEXIT back to the hypervisor */
    ALTINJ_COST_VMRUN_BUSY,     /* VMRUN that fails with VMEXIT_BUSY (entry attempt + exit) */
    ALTINJ_COST_VMPL_SWITCH,    /* hypervisor runs VMPL0 (SVSM) and returns: one SVSM entry */
    ALTINJ_COST_DOORBELL_KICK,  /* poster's IPI to the vCPU's physical CPU */
    ALTINJ_COST__COUNT
};

/* Stable key names used in cost files and JSON: "vmrun", "vmexit", "vmrun_busy",
 * "vmpl_switch", "doorbell_kick". Returns NULL for an out-of-range kind. */
const char *altinj_cost_kind_name(enum altinj_cost_kind kind);

#endif
