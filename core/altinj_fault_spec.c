/* The fault spec grammar of altinj_faults.h: parse, describe, names. Pure functions. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_faults.h"

static const char *const names[ALTINJ_FAULT__COUNT] = {
    [ALTINJ_FAULT_FLAG_NO_BUSY] = "flag-no-busy",
    [ALTINJ_FAULT_OMIT_FLAG] = "omit-flag",
    [ALTINJ_FAULT_GARBAGE] = "garbage",
    [ALTINJ_FAULT_STALE_FLAG] = "stale-flag",
    [ALTINJ_FAULT_DOUBLE_VMRUN] = "double-vmrun",
    [ALTINJ_FAULT_SOFTINT_EXITINTINFO] = "softint-exitintinfo",
    [ALTINJ_FAULT_DELAY_KICK] = "delay-kick",
};

static const char *const docs[ALTINJ_FAULT__COUNT] = {
    [ALTINJ_FAULT_FLAG_NO_BUSY] =
        "sets the clear-BUSY doorbell flag and runs VMPL0 after an exit that cut no delivery",
    [ALTINJ_FAULT_OMIT_FLAG] =
        "after an exit that cut a delivery, skips the flag and the VMPL0 run the row expects",
    [ALTINJ_FAULT_GARBAGE] =
        "ORs random bits into the doorbell page (flags, events, status, irr; vector byte < 32)",
    [ALTINJ_FAULT_STALE_FLAG] = "replays an already consumed clear-BUSY flag at any time",
    [ALTINJ_FAULT_DOUBLE_VMRUN] =
        "VMRUNs the same VMSA from a second CPU while the first processes an exit",
    [ALTINJ_FAULT_SOFTINT_EXITINTINFO] =
        "forces exits during guest INTn/INT3/INTO delivery; shows a fake softint in its VMCB",
    [ALTINJ_FAULT_DELAY_KICK] = "holds the poster's IPI back for the given duration",
};

const char *altinj_fault_name(enum altinj_fault f)
{
    return (unsigned)f < ALTINJ_FAULT__COUNT ? names[f] : NULL;
}

const char *altinj_fault_doc(enum altinj_fault f)
{
    return (unsigned)f < ALTINJ_FAULT__COUNT ? docs[f] : NULL;
}

bool altinj_fault_spec_any(const struct altinj_fault_spec *spec)
{
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        if (spec->rate[k] > 0)
            return true;
    return false;
}

__attribute__((format(printf, 4, 5)))
static int fail(char *err, size_t errlen, const char *text, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return -1;
    char what[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* Keep the message one line even when the input has control characters in it. */
    snprintf(err, errlen, "faults '%.60s': %s", text, what);
    for (char *c = err; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    return -1;
}

/* A decimal rate in [0, 1]: digits, '.', exponent; no hex, no inf/nan, no sign but '+'. */
static const char *parse_rate(const char *s, size_t n, double *out)
{
    if (n == 0)
        return "empty rate";
    if (n > 32)
        return "rate is too long";
    char buf[40];
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strspn(buf, "0123456789.eE+-") != n)
        return "rate must be a decimal number";
    char *end;
    errno = 0;
    const double d = strtod(buf, &end);
    if (end == buf || *end != '\0')
        return "rate must be a decimal number";
    /* 1e-400 underflows to 0 (or a denormal): it would silently switch the fault off. Only a
     * literal zero may do that (omit-flag=0 after all=). */
    if (errno == ERANGE)
        return "rate is not representable (use 0 to turn the fault off, or a rate >= 1e-300)";
    if (!(d >= 0.0 && d <= 1.0))
        return "rate must be in [0, 1]";
    *out = d + 0.0;
    return NULL;
}

static const char *parse_duration(const char *s, size_t n, uint64_t *out)
{
    size_t digits = 0;
    uint64_t v = 0;
    while (digits < n && s[digits] >= '0' && s[digits] <= '9') {
        v = v * 10 + (uint64_t)(s[digits] - '0');
        if (v > ALTINJ_FAULT_MAX_DELAY_NS)
            return "duration must be 1ns .. 1s";
        digits++;
    }
    if (digits == 0)
        return "duration must be an integer with a unit (ns, us, ms, s)";
    const size_t ulen = n - digits;
    const char *u = s + digits;
    uint64_t mult;
    if (ulen == 2 && memcmp(u, "ns", 2) == 0)
        mult = 1;
    else if (ulen == 2 && memcmp(u, "us", 2) == 0)
        mult = 1000;
    else if (ulen == 2 && memcmp(u, "ms", 2) == 0)
        mult = 1000000;
    else if (ulen == 1 && u[0] == 's')
        mult = 1000000000;
    else
        return "duration needs a unit: ns, us, ms or s";
    if (v == 0 || v > ALTINJ_FAULT_MAX_DELAY_NS / mult)
        return "duration must be 1ns .. 1s";
    *out = v * mult;
    return NULL;
}

static int find_fault(const char *s, size_t n)
{
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
            return k;
    return -1;
}

int altinj_fault_spec_parse(const char *text, struct altinj_fault_spec *out, char *err,
                            size_t errlen)
{
    if (!text)
        text = "";
    struct altinj_fault_spec spec = {.delay_kick_ns = ALTINJ_FAULT_DEFAULT_DELAY_NS};
    if (strcmp(text, "none") == 0) {
        *out = spec;
        return 0;
    }
    if (*text == '\0')
        return fail(err, errlen, text, "empty spec (use 'none' for no faults)");
    bool named[ALTINJ_FAULT__COUNT] = {false};
    bool have_all = false, have_seed = false;
    double all_rate = 0;
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        const size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (len == 0)
            return fail(err, errlen, text, !comma && p != text ? "trailing comma" : "empty item");
        if (!eq)
            return fail(err, errlen, text, "item '%.*s' needs '=' (FAULT=RATE)", (int)len, p);
        const size_t klen = (size_t)(eq - p);
        const char *val = eq + 1;
        const size_t vlen = len - klen - 1;
        const char *colon = memchr(val, ':', vlen);
        const size_t rlen = colon ? (size_t)(colon - val) : vlen;
        const char *problem = NULL;
        if (klen == 4 && memcmp(p, "seed", 4) == 0) {
            if (have_seed)
                return fail(err, errlen, text, "seed given twice");
            uint64_t s = 0;
            size_t i = 0;
            for (; i < vlen && val[i] >= '0' && val[i] <= '9'; i++) {
                const uint64_t d = (uint64_t)(val[i] - '0');
                if (s > (UINT64_MAX - d) / 10)
                    return fail(err, errlen, text, "seed '%.*s' is above 2^64-1", (int)vlen, val);
                s = s * 10 + d;
            }
            if (vlen == 0 || i != vlen)
                return fail(err, errlen, text, "seed '%.*s' must be a decimal integer",
                            (int)(vlen > 40 ? 40 : vlen), val);
            have_seed = true;
            spec.has_seed = true;
            spec.seed = s;
        } else if (klen == 3 && memcmp(p, "all", 3) == 0) {
            if (have_all)
                return fail(err, errlen, text, "all given twice");
            if (colon)
                return fail(err, errlen, text, "'all' takes a rate only");
            if ((problem = parse_rate(val, vlen, &all_rate)))
                return fail(err, errlen, text, "'%.*s': %s", (int)(len > 40 ? 40 : len), p,
                            problem);
            have_all = true;
        } else {
            const int k = find_fault(p, klen);
            if (k < 0)
                return fail(err, errlen, text,
                            "unknown fault '%.*s' (expected flag-no-busy, omit-flag, garbage, "
                            "stale-flag, double-vmrun, softint-exitintinfo, delay-kick, all, "
                            "seed)",
                            (int)(klen > 40 ? 40 : klen), p);
            if (named[k])
                return fail(err, errlen, text, "'%s' given twice", names[k]);
            if ((problem = parse_rate(val, rlen, &spec.rate[k])))
                return fail(err, errlen, text, "'%.*s': %s", (int)(len > 40 ? 40 : len), p,
                            problem);
            if (colon) {
                if (k != ALTINJ_FAULT_DELAY_KICK)
                    return fail(err, errlen, text, "'%.*s': only delay-kick takes ':DURATION'",
                                (int)(len > 40 ? 40 : len), p);
                if ((problem = parse_duration(colon + 1, vlen - rlen - 1, &spec.delay_kick_ns)))
                    return fail(err, errlen, text, "'%.*s': %s", (int)(len > 40 ? 40 : len), p,
                                problem);
            }
            named[k] = true;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (have_all)
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
            if (!named[k])
                spec.rate[k] = all_rate;
    *out = spec;
    return 0;
}

/* Shortest %g form that reads back as the same double. */
static void shortest(char *buf, size_t len, double d)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

int altinj_fault_spec_describe(const struct altinj_fault_spec *spec, char *buf, size_t len)
{
    size_t used = 0;
    char tmp[96], num[32];
    if (len > 0)
        buf[0] = '\0';
    for (int k = 0; k <= ALTINJ_FAULT__COUNT; k++) {
        int n;
        if (k == ALTINJ_FAULT__COUNT) {
            if (used == 0 && !spec->has_seed)
                n = snprintf(tmp, sizeof tmp, "none");
            else if (spec->has_seed)
                n = snprintf(tmp, sizeof tmp, "%sseed=%" PRIu64, used ? "," : "", spec->seed);
            else
                break;
        } else {
            if (!(spec->rate[k] > 0))
                continue;
            shortest(num, sizeof num, spec->rate[k]);
            if (k == ALTINJ_FAULT_DELAY_KICK)
                n = snprintf(tmp, sizeof tmp, "%s%s=%s:%" PRIu64 "ns", used ? "," : "",
                             names[k], num, spec->delay_kick_ns);
            else
                n = snprintf(tmp, sizeof tmp, "%s%s=%s", used ? "," : "", names[k], num);
        }
        if (n < 0)
            return -1;
        if (used < len)
            snprintf(buf + used, len - used, "%s", tmp);
        used += (size_t)n;
    }
    return (int)used;
}
