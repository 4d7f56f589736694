/* The canonical spec string, for the JSON result and the report. */
#include "altinj_wl_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Shortest form that reads back as the same double, so the canonical string round-trips
 * through parse and still reads 0.05 rather than 0.050000000000000003, and 250000 rather than
 * 2.5e+05 (whole numbers below 2^53 are printed in full: every one of them is exact). */
static void shortest(char *buf, size_t len, double v)
{
    if (v == floor(v) && fabs(v) < 0x1.0p53) {
        snprintf(buf, len, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int altinj_workload_describe(const struct altinj_workload_spec *s, char *buf, size_t len)
{
    if (s == NULL || (buf == NULL && len > 0))
        return -1;
    char a[32], b[32], c[32];
    size_t used = 0;
    int rc = altinj_wl_appendf(buf, len, &used, "%s:", altinj_wl_kind_name(s->kind));
    shortest(a, sizeof(a), s->rate);
    shortest(b, sizeof(b), s->on_us);
    shortest(c, sizeof(c), s->off_us);
    switch (s->kind) {
    case ALTINJ_WL_TIMER: rc |= altinj_wl_appendf(buf, len, &used, "hz=%s", a); break;
    case ALTINJ_WL_POISSON: rc |= altinj_wl_appendf(buf, len, &used, "rate=%s", a); break;
    case ALTINJ_WL_BURST:
        rc |= altinj_wl_appendf(buf, len, &used, "rate=%s,on=%s,off=%s", a, b, c);
        break;
    case ALTINJ_WL_IPI:
        rc |= altinj_wl_appendf(buf, len, &used, "senders=%u,rate=%s", s->senders, a);
        break;
    case ALTINJ_WL_TRACE:
        rc |= altinj_wl_appendf(buf, len, &used, "file=%s", s->file != NULL ? s->file : "");
        if (s->has_cpus) {
            rc |= altinj_wl_appendf(buf, len, &used, ",cpus=");
            rc |= altinj_wl_cpulist_append(s->cpus, buf, len, &used);
        }
        shortest(a, sizeof(a), s->speed);
        rc |= altinj_wl_appendf(buf, len, &used, ",speed=%s,loop=%u", a, s->loop);
        break;
    case ALTINJ_WL_KVMEXIT:
        rc |= altinj_wl_appendf(buf, len, &used, "file=%s", s->file != NULL ? s->file : "");
        if (s->has_cpus) {
            rc |= altinj_wl_appendf(buf, len, &used, ",vcpus=");
            rc |= altinj_wl_cpulist_append(s->cpus, buf, len, &used);
        }
        shortest(a, sizeof(a), s->speed);
        rc |= altinj_wl_appendf(buf, len, &used, ",speed=%s,loop=%u", a, s->loop);
        break;
    }
    if (s->kind != ALTINJ_WL_TRACE)
        rc |= altinj_wl_appendf(buf, len, &used, ",vector=0x%02X", (unsigned)s->vector);
    if (s->kind == ALTINJ_WL_KVMEXIT) {
        /* Only the keys kvmexit takes: busy= only where the trace has no intr_info. */
        if (s->busy_given) {
            shortest(a, sizeof(a), s->busy);
            rc |= altinj_wl_appendf(buf, len, &used, ",busy=%s", a);
        }
        shortest(a, sizeof(a), s->masked);
        shortest(b, sizeof(b), s->mask_us);
        rc |= altinj_wl_appendf(buf, len, &used, ",masked=%s,mask_us=%s", a, b);
        if (s->has_seed)
            rc |= altinj_wl_appendf(buf, len, &used, ",seed=%" PRIu64, s->seed);
        if (rc != 0 || used > (size_t)INT32_MAX)
            return -1;
        return (int)used;
    }
    shortest(a, sizeof(a), s->busy);
    shortest(b, sizeof(b), s->exc);
    rc |= altinj_wl_appendf(buf, len, &used, ",busy=%s,exc=%s", a, b);
    shortest(a, sizeof(a), s->soft);
    shortest(b, sizeof(b), s->masked);
    rc |= altinj_wl_appendf(buf, len, &used, ",soft=%s,masked=%s", a, b);
    shortest(a, sizeof(a), s->mask_us);
    rc |= altinj_wl_appendf(buf, len, &used, ",mask_us=%s", a);
    if (s->has_seed)
        rc |= altinj_wl_appendf(buf, len, &used, ",seed=%" PRIu64, s->seed);
    /* Only when given: a spec without exits= keeps the canonical form it always had. */
    if (s->has_exits) {
        const char *sep = ",exits=";
        for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++) {
            if (!(s->exit_rate[r] > 0.0))
                continue;
            shortest(a, sizeof(a), s->exit_rate[r]);
            rc |= altinj_wl_appendf(buf, len, &used, "%s%s:%s", sep,
                                    altinj_exit_reason_name((enum altinj_exit_reason)r), a);
            sep = "+";
        }
    }
    if (rc != 0 || used > (size_t)INT32_MAX)
        return -1;
    return (int)used;
}
