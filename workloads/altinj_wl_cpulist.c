/* CPU lists in the kernel's cpulist syntax ("0,2-3"), as trace's cpus= takes them. */
#include "altinj_wl_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* A CPU number: decimal digits only, at most ALTINJ_WL_MAX_CPU. */
static const char *parse_cpu(const char *p, unsigned *cpu)
{
    if (!isdigit((unsigned char)*p))
        return NULL;
    unsigned long v = 0;
    while (isdigit((unsigned char)*p)) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > ALTINJ_WL_MAX_CPU)
            return NULL;
        p++;
    }
    *cpu = (unsigned)v;
    return p;
}

int altinj_wl_cpulist_parse(const char *key, const char *list, uint64_t *mask, char *err,
                            size_t errlen)
{
    memset(mask, 0, (ALTINJ_WL_MAX_CPU + 1) / 8);
    const char *p = list;
    if (*p == '\0') {
        snprintf(err, errlen, "%s is empty", key);
        return -1;
    }
    for (;;) {
        unsigned lo, hi;
        const char *q = parse_cpu(p, &lo);
        if (q == NULL) {
            snprintf(err, errlen, "%s=%s: expected a number 0..%u at '%s'", key, list,
                     ALTINJ_WL_MAX_CPU, p);
            return -1;
        }
        hi = lo;
        if (*q == '-') {
            const char *r = parse_cpu(q + 1, &hi);
            if (r == NULL) {
                snprintf(err, errlen, "%s=%s: expected a number 0..%u at '%s'", key, list,
                         ALTINJ_WL_MAX_CPU, q + 1);
                return -1;
            }
            if (hi < lo) {
                snprintf(err, errlen, "%s=%s: range %u-%u is backwards", key, list, lo, hi);
                return -1;
            }
            q = r;
        }
        for (unsigned c = lo; c <= hi; c++)
            mask[c / 64] |= UINT64_C(1) << (c % 64);
        if (*q == '\0')
            return 0;
        if (*q != ',' || q[1] == '\0') {
            snprintf(err, errlen, "%s=%s: unexpected '%s'", key, list, q);
            return -1;
        }
        p = q + 1;
    }
}

int altinj_wl_cpulist_append(const uint64_t *mask, char *buf, size_t len, size_t *used)
{
    bool first = true;
    for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++) {
        if (!altinj_wl_cpu_in(mask, c))
            continue;
        unsigned hi = c;
        while (hi < ALTINJ_WL_MAX_CPU && altinj_wl_cpu_in(mask, hi + 1))
            hi++;
        const int rc = hi == c ? altinj_wl_appendf(buf, len, used, "%s%u", first ? "" : ",", c)
                               : altinj_wl_appendf(buf, len, used, "%s%u-%u",
                                                   first ? "" : ",", c, hi);
        if (rc != 0)
            return -1;
        first = false;
        c = hi;
    }
    return 0;
}
