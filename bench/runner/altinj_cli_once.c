#include "altinj_cli_once.h"

#include <stdio.h>

int altinj_cli_once(bool *seen, size_t nseen, int c, const struct option *opts, char *err,
                    size_t errlen)
{
    if (c <= 0 || (size_t)c >= nseen || c == '?' || c == ':')
        return 0;
    if (!seen[c]) {
        seen[c] = true;
        return 0;
    }
    const char *name = NULL;
    for (size_t k = 0; opts[k].name; k++)
        if (opts[k].val == c)
            name = opts[k].name;
    snprintf(err, errlen, "--%s given twice (it takes one value)", name ? name : "?");
    return -1;
}
