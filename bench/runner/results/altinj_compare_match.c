#include "altinj_compare_match.h"

#include <stdio.h>
#include <string.h>

size_t altinj_cmp_differences(const struct altinj_cmp_file *a, const struct altinj_cmp_file *b,
                              char *out, size_t len)
{
    const struct {
        const char *name, *a, *b;
    } fields[] = {
        { "workload", a->workload, b->workload },
        { "cost profile", a->costs, b->costs },
        { "mode", a->mode, b->mode },
        { "busy premise", a->premise, b->premise },
        { "softint copy", a->softint, b->softint },
        { "faults", a->faults, b->faults },
    };
    size_t n = 0, o = 0;
    if (len)
        out[0] = '\0';
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].a, fields[i].b) == 0)
            continue;
        if (o < len) {
            const int w = snprintf(out + o, len - o, "%s%s (A '%s', B '%s')", n ? ", " : "",
                                   fields[i].name, fields[i].a, fields[i].b);
            o = w < 0 ? len : o + (size_t)w;
        }
        n++;
    }
    return n;
}
