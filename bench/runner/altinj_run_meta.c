#include "altinj_run_meta.h"

#include <stdio.h>

static const char *const fixed[] = {
    ALTINJ_ASSUMPTION_HVDB_FLAG,   ALTINJ_ASSUMPTION_BUSY_FRACTION, ALTINJ_ASSUMPTION_EOI,
    ALTINJ_ASSUMPTION_TRANSPORT,   ALTINJ_ASSUMPTION_COALESCING,
};
#define NFIXED (sizeof fixed / sizeof fixed[0])

size_t altinj_run_meta_assumption_count(void)
{
    return NFIXED + 2;
}

void altinj_run_meta_assumption(const struct altinj_run_meta *meta, size_t k, char *buf,
                                size_t len)
{
    if (k == 0)
        altinj_model_describe_premise(&meta->model, buf, len);
    else if (k == 1)
        altinj_model_describe_softint(&meta->model, buf, len);
    else if (k - 2 < NFIXED)
        snprintf(buf, len, "%s", fixed[k - 2]);
    else if (len)
        buf[0] = '\0';
}
