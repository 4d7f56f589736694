#include "altinj_cost_kind.h"

const char *altinj_cost_kind_name(enum altinj_cost_kind kind)
{
    static const char *const names[ALTINJ_COST__COUNT] = {
        [ALTINJ_COST_VMRUN] = "vmrun",
        [ALTINJ_COST_VMEXIT] = "vmexit",
        [ALTINJ_COST_VMRUN_BUSY] = "vmrun_busy",
        [ALTINJ_COST_VMPL_SWITCH] = "vmpl_switch",
        [ALTINJ_COST_DOORBELL_KICK] = "doorbell_kick",
    };
    if ((unsigned)kind >= ALTINJ_COST__COUNT)
        return 0;
    return names[kind];
}
