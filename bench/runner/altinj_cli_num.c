#include "altinj_cli_num.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int altinj_cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max,
                         uint64_t *out, char *err, size_t errlen)
{
    if (!text || !*text || !isdigit((unsigned char)text[0])) {
        snprintf(err, errlen, "%s: '%s' is not a non-negative integer", opt, text ? text : "");
        return -1;
    }
    /* Decimal, or hex after 0x: a leading 0 never means octal (strtoull's base 0 would read
     * "010" as 8), the same rule as the workload grammar. */
    const int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (hex && !isxdigit((unsigned char)text[2])) {
        snprintf(err, errlen, "%s: '%s' is not a valid integer", opt, text);
        return -1;
    }
    errno = 0;
    char *end;
    const unsigned long long v = strtoull(hex ? text + 2 : text, &end, hex ? 16 : 10);
    if (errno == ERANGE || *end != '\0') {
        snprintf(err, errlen, "%s: '%s' is not a valid integer", opt, text);
        return -1;
    }
    if (v < min || v > max) {
        snprintf(err, errlen, "%s: %s is out of range [%" PRIu64 ", %" PRIu64 "]", opt, text, min,
                 max);
        return -1;
    }
    *out = v;
    return 0;
}

int altinj_cli_parse_double(const char *opt, const char *text, double min_exclusive, double max,
                            double *out, char *err, size_t errlen)
{
    if (!text || !*text) {
        snprintf(err, errlen, "%s: empty value", opt);
        return -1;
    }
    errno = 0;
    char *end;
    const double v = strtod(text, &end);
    if (errno == ERANGE || *end != '\0' || end == text || !isfinite(v)) {
        snprintf(err, errlen, "%s: '%s' is not a finite number", opt, text);
        return -1;
    }
    if (!(v > min_exclusive) || v > max) {
        snprintf(err, errlen, "%s: %s must be > %g and <= %g", opt, text, min_exclusive, max);
        return -1;
    }
    *out = v;
    return 0;
}
