#include "altinj_costs.h"
#include "altinj_path_short.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GHZ ALTINJ_COSTS_SNP_REF_GHZ

/*
 * Why these figures (DOMAIN.md section 6):
 * - vmrun / vmexit: the only published per-instruction SVM latencies are the
 *   kvm-unit-tests "svm latency" averages (~3200 / ~3000 cycles). They are measured
 *   nested (L1 under KVM), so they overstate bare metal, but SNP adds VMSA
 *   encryption/integrity work that bare-metal SVM lacks; we take them as they are.
 * - vmrun_busy: no figure exists for a VMRUN that fails with VMEXIT_BUSY. The hardware
 *   must fetch and check the guest VMSA and then perform a full #VMEXIT, so we charge one
 *   VMRUN plus one VMEXIT. ASSUMPTION; likely an upper bound since no guest state is run.
 * - vmpl_switch: one SVSM entry = hypervisor VMRUNs the VMPL0 VMSA, the SVSM works, then
 *   VMGEXITs back to the hypervisor. That is the same VMGEXIT round trip through the
 *   hypervisor that CVM_eval measured on real SNP hardware (3.55-3.89 us for #VC/GHCB/
 *   VMGEXIT operations); we take the midpoint. NestedSGX's 32-37k cycles (~11-12 us at
 *   3 GHz) also covers enclave-specific work (its switch is a full enclave transition),
 *   so it would overstate a bare SVSM entry; users who want it can set it in a file.
 *   The round trip already contains its own world switches: do not add vmrun + vmexit
 *   for the VMPL0 leg on top.
 * - doorbell_kick: the poster writes the #HV doorbell page and IPIs the vCPU's physical
 *   CPU. The cache-line part is nviennot/core-to-core-latency's cross-CCD one-way upper
 *   figure (115 ns; the poster and vCPU are not assumed to share a CCX). No source in
 *   DOMAIN.md gives IPI delivery latency: 1000 ns is an ASSUMPTION (order of magnitude of
 *   a cross-core x2APIC IPI into a handler). Edit it when you have a measurement.
 */
static const struct altinj_cost_profile builtin_zero = {
    .name = "zero",
    .ns = { 0 },
    .source = {
        [ALTINJ_COST_VMRUN] = "zero profile: world switches not priced",
        [ALTINJ_COST_VMEXIT] = "zero profile: world switches not priced",
        [ALTINJ_COST_VMRUN_BUSY] = "zero profile: world switches not priced",
        [ALTINJ_COST_VMPL_SWITCH] = "zero profile: world switches not priced",
        [ALTINJ_COST_DOORBELL_KICK] = "zero profile: world switches not priced",
    },
};

static const struct altinj_cost_profile builtin_snp = {
    .name = "snp",
    .ns = {
        [ALTINJ_COST_VMRUN] = 3200.0 / GHZ,
        [ALTINJ_COST_VMEXIT] = 3000.0 / GHZ,
        [ALTINJ_COST_VMRUN_BUSY] = (3200.0 + 3000.0) / GHZ,
        [ALTINJ_COST_VMPL_SWITCH] = (3550.0 + 3890.0) / 2.0,
        [ALTINJ_COST_DOORBELL_KICK] = 115.0 + 1000.0,
    },
    /* NOLINTBEGIN(bugprone-suspicious-missing-comma): each source is one string split over
     * lines on purpose. */
    .source = {
        [ALTINJ_COST_VMRUN] =
            "kvm-unit-tests svm latency (kvm list): VMRUN ~3200 cycles avg (max 49k), nested; "
            "at reference 3.0 GHz (ASSUMPTION) = 1066.667 ns",
        [ALTINJ_COST_VMEXIT] =
            "kvm-unit-tests svm latency (kvm list): VMEXIT ~3000 cycles avg (max 608k), nested; "
            "at reference 3.0 GHz (ASSUMPTION) = 1000 ns",
        [ALTINJ_COST_VMRUN_BUSY] =
            "ASSUMPTION, no published figure: failed VMRUN = one VMRUN + one VMEXIT = 6200 "
            "cycles at 3.0 GHz = 2066.667 ns (likely an upper bound)",
        [ALTINJ_COST_VMPL_SWITCH] =
            "TUM-DSE/CVM_eval (SIGMETRICS'25): SNP guest exit round trip 3.55-3.89 us, midpoint; "
            "an SVSM entry is a VMGEXIT round trip via the hypervisor into VMPL0 and back",
        [ALTINJ_COST_DOORBELL_KICK] =
            "nviennot/core-to-core-latency cross-CCD cache line 115 ns + ASSUMPTION 1000 ns "
            "IPI delivery (no published figure in sources)",
    },
    /* NOLINTEND(bugprone-suspicious-missing-comma) */
};

const struct altinj_cost_profile *altinj_costs_builtin(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "zero") == 0)
        return &builtin_zero;
    if (strcmp(name, "snp") == 0)
        return &builtin_snp;
    return NULL;
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* snprintf for strings that may be cut short on purpose (long paths, long comments): a
 * truncated source string is still useful, so truncation is not an error. */
__attribute__((format(printf, 3, 4)))
static void format_truncating(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, size, fmt, ap);
    va_end(ap);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= ALTINJ_COSTS_NAME_MAX)
        return false;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("_.+-", *c))
            return false;
    return true;
}

/* Index of the *_ns key, or -1. */
static int kind_of_key(const char *key)
{
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        const char *name = altinj_cost_kind_name((enum altinj_cost_kind)k);
        size_t n = strlen(name);
        if (strncmp(key, name, n) == 0 && strcmp(key + n, "_ns") == 0)
            return k;
    }
    return -1;
}

/* Parses a decimal cost. Returns NULL and sets *v, or a static problem description. */
static const char *parse_ns(const char *text, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(text, &end);
    if (end == text)
        return "is not a number";
    if (*end)
        return "has trailing garbage after the number";
    if (isnan(d))
        return "is NaN";
    if (isinf(d))
        return "is infinite";
    /* strtod also takes hex floats; a cost file is for humans, keep it decimal. */
    if (strspn(text, "0123456789.eE+-") != strlen(text))
        return "is not a decimal number";
    if (errno == ERANGE)
        return "is out of range";
    if (d < 0)
        return "is negative";
    if (d > ALTINJ_COSTS_MAX_NS)
        return "exceeds 1 s (1e9 ns)";
    *v = d + 0.0; /* folds -0.0 into 0.0 */
    return NULL;
}

static void default_name(char *dst, const char *path)
{
    size_t n = strlen(path);
    if (n < ALTINJ_COSTS_NAME_MAX)
        memcpy(dst, path, n + 1);
    else /* keep the informative tail of a long path */
        format_truncating(dst, ALTINJ_COSTS_NAME_MAX, "...%s", path + n - (ALTINJ_COSTS_NAME_MAX - 4));
}

struct parse_state {
    struct altinj_cost_profile p;
    unsigned long kind_line[ALTINJ_COST__COUNT]; /* 0: not set */
    unsigned long name_line, inherit_line;
    const struct altinj_cost_profile *inherit;
};

/* One "key = value" setting; comment is the line's trailing comment or "". */
static int apply_setting(struct parse_state *st, const char *path, unsigned long line, char *key,
                         char *value, const char *comment, char *err, size_t errlen)
{
    if (*key == '\0')
        return fail(err, errlen, "%s:%lu: missing key before '='", path, line);
    if (*value == '\0')
        return fail(err, errlen, "%s:%lu: key '%s' has no value", path, line, key);

    if (strcmp(key, "name") == 0) {
        if (st->name_line)
            return fail(err, errlen, "%s:%lu: duplicate key 'name' (first set on line %lu)",
                        path, line, st->name_line);
        if (!valid_name(value))
            return fail(err, errlen,
                        "%s:%lu: name '%s' must be 1-63 characters of [A-Za-z0-9_.+-]", path,
                        line, value);
        if (altinj_costs_builtin(value))
            return fail(err, errlen,
                        "%s:%lu: name '%s' is reserved for the built-in profile; pick another",
                        path, line, value);
        st->name_line = line;
        snprintf(st->p.name, sizeof st->p.name, "%s", value); /* valid_name bounds it */
        return 0;
    }
    if (strcmp(key, "inherit") == 0) {
        if (st->inherit_line)
            return fail(err, errlen, "%s:%lu: duplicate key 'inherit' (first set on line %lu)",
                        path, line, st->inherit_line);
        st->inherit = altinj_costs_builtin(value);
        if (!st->inherit)
            return fail(err, errlen, "%s:%lu: inherit must be 'snp' or 'zero', not '%s'", path,
                        line, value);
        st->inherit_line = line;
        return 0;
    }
    int k = kind_of_key(key);
    if (k < 0)
        return fail(err, errlen,
                    "%s:%lu: unknown key '%s' (expected name, inherit, vmrun_ns, vmexit_ns, "
                    "vmrun_busy_ns, vmpl_switch_ns, doorbell_kick_ns)",
                    path, line, key);
    if (st->kind_line[k])
        return fail(err, errlen, "%s:%lu: duplicate key '%s' (first set on line %lu)", path, line,
                    key, st->kind_line[k]);
    double v;
    const char *problem = parse_ns(value, &v);
    if (problem)
        return fail(err, errlen, "%s:%lu: %s value '%s' %s", path, line, key, value, problem);
    st->kind_line[k] = line;
    st->p.ns[k] = v;
    format_truncating(st->p.source[k], ALTINJ_COSTS_SOURCE_MAX, "%s:%lu%s%s", path, line,
             *comment ? ": " : "", comment);
    return 0;
}

/* Everything after the settings: inheritance and the missing-key check. */
static int finish_profile(struct parse_state *st, const char *path, char *err, size_t errlen)
{
    char missing[160] = "";
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        if (st->kind_line[k])
            continue;
        if (st->inherit) {
            st->p.ns[k] = st->inherit->ns[k];
            format_truncating(st->p.source[k], ALTINJ_COSTS_SOURCE_MAX, "inherited from %s: %s",
                              st->inherit->name, st->inherit->source[k]);
        } else {
            size_t n = strlen(missing);
            format_truncating(missing + n, sizeof(missing) - n, "%s%s_ns", n ? ", " : "",
                              altinj_cost_kind_name((enum altinj_cost_kind)k));
        }
    }
    if (missing[0])
        return fail(err, errlen,
                    "%s: missing key(s) %s (give every *_ns key or add inherit=snp|zero)", path,
                    missing);
    if (!st->name_line)
        default_name(st->p.name, path);
    return 0;
}

static int load_file(const char *path, struct altinj_cost_profile *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char shown[ALTINJ_PATH_SHORT_MAX + 1];
    if (!f)
        return fail(err, errlen,
                    "%s: cannot open cost profile: %s (known profiles: zero, snp, or a cost "
                    "file such as core/profiles/snp.conf)",
                    altinj_path_short(path, shown, sizeof shown), strerror(errno));

    struct parse_state st;
    memset(&st, 0, sizeof(st));
    char *buf = NULL;
    size_t cap = 0;
    unsigned long line = 0;
    int rc = 0;
    ssize_t len;
    errno = 0;
    while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (strlen(buf) != (size_t)len) {
            rc = fail(err, errlen, "%s:%lu: NUL byte in line", path, line);
            break;
        }
        /* Binary input: name the first control byte rather than echo it into a message. */
        size_t ctl = 0;
        while (buf[ctl] == '\t' || buf[ctl] == '\n' || buf[ctl] == '\r' ||
               ((unsigned char)buf[ctl] >= 0x20 && buf[ctl] != 0x7f))
            ctl++;
        if (buf[ctl] != '\0') {
            rc = fail(err, errlen, "%s:%lu: control byte 0x%02x: not a cost profile text file",
                      path, line, (unsigned char)buf[ctl]);
            break;
        }
        char *comment = strchr(buf, '#');
        if (comment)
            *comment++ = '\0';
        char *text = trim(buf);
        if (*text == '\0')
            continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            rc = fail(err, errlen, "%s:%lu: expected key = value, got '%.60s'", path, line, text);
            break;
        }
        *eq = '\0';
        rc = apply_setting(&st, path, line, trim(text), trim(eq + 1),
                           comment ? trim(comment) : "", err, errlen);
    }
    if (rc == 0 && ferror(f))
        rc = fail(err, errlen, "%s:%lu: read error: %s", path, line + 1, strerror(errno));
    free(buf);
    fclose(f);
    if (rc == 0)
        rc = finish_profile(&st, path, err, errlen);
    if (rc == 0)
        *out = st.p;
    return rc;
}

int altinj_costs_load(const char *profile_or_path, struct altinj_cost_profile *out, char *err,
                      size_t errlen)
{
    if (!profile_or_path || !*profile_or_path)
        return fail(err, errlen, "empty cost profile name");
    const struct altinj_cost_profile *b = altinj_costs_builtin(profile_or_path);
    if (b) {
        *out = *b;
        return 0;
    }
    return load_file(profile_or_path, out, err, errlen);
}

int altinj_costs_print(FILE *f, const struct altinj_cost_profile *p)
{
    bool failed = fprintf(f, "cost profile: %s\n", p->name) < 0;
    for (int k = 0; k < ALTINJ_COST__COUNT && !failed; k++)
        failed = fprintf(f, "  %-14s %12.3f ns  %s\n",
                         altinj_cost_kind_name((enum altinj_cost_kind)k), p->ns[k],
                         p->source[k]) < 0;
    if (fflush(f) != 0 || ferror(f))
        failed = true;
    return failed ? -1 : 0;
}

int altinj_costs_to_cycles(const struct altinj_cost_profile *p, uint64_t tsc_hz,
                           uint64_t out[ALTINJ_COST__COUNT])
{
    uint64_t tmp[ALTINJ_COST__COUNT];
    if (tsc_hz == 0)
        return -1;
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        double ns = p->ns[k];
        if (!(ns >= 0.0 && ns <= ALTINJ_COSTS_MAX_NS))
            return -1;
        double c = round(ns * (double)tsc_hz / 1e9);
        if (c >= 18446744073709551615.0) /* only for absurd tsc_hz */
            return -1;
        tmp[k] = (uint64_t)c;
    }
    memcpy(out, tmp, sizeof(tmp));
    return 0;
}
