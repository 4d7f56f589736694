#include "altinj_model.h"

#include <stdio.h>
#include <string.h>

const char *altinj_busy_premise_name(enum altinj_busy_premise p)
{
    return p == ALTINJ_PREMISE_SOFTWARE ? "software" : "hardware";
}

const char *altinj_softint_copy_name(enum altinj_softint_copy c)
{
    return c == ALTINJ_SOFTINT_COPY_ADVANCE ? "advance" : "rerun";
}

int altinj_busy_premise_parse(const char *s, enum altinj_busy_premise *out)
{
    if (strcmp(s, "hardware") == 0)
        *out = ALTINJ_PREMISE_HARDWARE;
    else if (strcmp(s, "software") == 0)
        *out = ALTINJ_PREMISE_SOFTWARE;
    else
        return -1;
    return 0;
}

int altinj_softint_copy_parse(const char *s, enum altinj_softint_copy *out)
{
    if (strcmp(s, "rerun") == 0)
        *out = ALTINJ_SOFTINT_COPY_RERUN;
    else if (strcmp(s, "advance") == 0)
        *out = ALTINJ_SOFTINT_COPY_ADVANCE;
    else
        return -1;
    return 0;
}

int altinj_model_describe_premise(const struct altinj_model *m, char *buf, size_t len)
{
    return m->busy_premise == ALTINJ_PREMISE_SOFTWARE
               ? snprintf(buf, len,
                          "busy-premise=software: a VMEXIT that cuts a delivery records "
                          "EXITINTINFO and leaves BUSY alone; BUSY is only software's mark "
                          "(APM 15.36.16 in openvmm PR #1488; OpenHCL run_vp_snp)")
               : snprintf(buf, len,
                          "busy-premise=hardware: a VMEXIT that cuts a delivery leaves BUSY "
                          "set, so the next VMRUN fails with VMEXIT_BUSY (AMD, svsm-devel "
                          "2025-04-15)");
}

int altinj_model_describe_softint(const struct altinj_model *m, char *buf, size_t len)
{
    return m->softint_copy == ALTINJ_SOFTINT_COPY_ADVANCE
               ? snprintf(buf, len,
                          "softint-copy=advance: a cut INTn/INT3/INTO copied into EVENTINJ "
                          "returns past the instruction and is handled once")
               : snprintf(buf, len,
                          "softint-copy=rerun: a cut INTn/INT3/INTO copied into EVENTINJ "
                          "(COCONUT ai_handle_intercepts) does not advance RIP, so the guest "
                          "executes it again and handles it twice (NextRIP is cleared on the "
                          "VM-Exit: Linux svm.c svm_update_soft_interrupt_rip)");
}
