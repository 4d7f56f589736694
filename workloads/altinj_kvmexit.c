/*
 * kvm:kvm_exit `perf script` reader (formats and guarantees: altinj_kvmexit.h).
 *
 * A data line is "COMM TID [CPU] [FLAGS..] SECS.FRAC: EVENT: ARGS". COMM may hold spaces and
 * slashes (QEMU names its vCPU threads "CPU 0/KVM"), so the line is read from the CPU field:
 * the first "[N]" token followed, within two flag tokens, by a timestamp. The token before it
 * is the thread id ("TID", or "PID/TID" with -F +pid). perf record -g adds call-chain lines
 * below each event: indented lines whose first token is a hex address; they have no CPU
 * field, which is how they are told from a data line whose comm is indented.
 */
#include "altinj_kvmexit.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Timestamps are kept in integer ns; 2^63 ns is about 292 years of uptime. */
#define MAX_SECONDS ((uint64_t)INT64_MAX / 1000000000u)
#define WHY_LEN 200

struct tok {
    const char *s;
    size_t n;
};

struct loader {
    const char *name;
    struct altinj_kvmexit_trace *tr;
    size_t cap;                 /* exits capacity */
    uint64_t *vcpu_last;        /* last timestamp per vCPU index */
    size_t reason_hint, vcpu_hint;
    size_t first_exit_line;
    bool have_format, have_vcpu_field;
    struct tok *toks;           /* ALTINJ_KVMEXIT_MAX_LINE / 2 + 1 */
};

static bool tok_is(const struct tok *t, const char *s)
{
    const size_t n = strlen(s);
    return t->n == n && memcmp(t->s, s, n) == 0;
}

static size_t tokenize(const char *line, struct tok *toks, size_t max)
{
    size_t n = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || n == max)
            return n;
        toks[n].s = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
        toks[n].n = (size_t)(p - toks[n].s);
        n++;
    }
}

/* "[N]": returns true for a CPU field. */
static bool is_cpu_field(const struct tok *t)
{
    if (t->n < 3 || t->s[0] != '[' || t->s[t->n - 1] != ']')
        return false;
    for (size_t i = 1; i + 1 < t->n; i++)
        if (!isdigit((unsigned char)t->s[i]))
            return false;
    return true;
}

static bool all_hex(const struct tok *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!isxdigit((unsigned char)t->s[i]))
            return false;
    return t->n > 0;
}

/* "S.F:" with 1..9 fraction digits, to ns. 0 ok, -1 not a timestamp, -2 overflow. */
static int parse_timestamp(const struct tok *t, uint64_t *ns)
{
    size_t i = 0;
    uint64_t sec = 0, frac = 0;
    bool over = false;
    if (t->n < 4 || t->s[t->n - 1] != ':' || !isdigit((unsigned char)t->s[0]))
        return -1;
    while (i < t->n && isdigit((unsigned char)t->s[i])) {
        if (sec > MAX_SECONDS)
            over = true; /* keep scanning: the syntax decides first */
        else
            sec = sec * 10 + (uint64_t)(t->s[i] - '0');
        i++;
    }
    if (t->s[i++] != '.')
        return -1;
    unsigned digits = 0;
    while (i < t->n - 1 && isdigit((unsigned char)t->s[i])) {
        if (++digits > 9)
            return -1;
        frac = frac * 10 + (uint64_t)(t->s[i++] - '0');
    }
    if (digits == 0 || i != t->n - 1)
        return -1;
    if (over || sec > MAX_SECONDS)
        return -2;
    for (unsigned d = digits; d < 9; d++)
        frac *= 10;
    const uint64_t v = sec * 1000000000u + frac;
    if (v > (uint64_t)INT64_MAX)
        return -2;
    *ns = v;
    return 0;
}

/* Hex number with "0x" (required when need0x, optional otherwise), at most 64 bits. */
static bool parse_hex(const struct tok *t, bool need0x, uint64_t *v)
{
    size_t i = 0;
    if (t->n >= 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X'))
        i = 2;
    else if (need0x)
        return false;
    if (i == t->n)
        return false;
    uint64_t x = 0;
    for (; i < t->n; i++) {
        const int c = (unsigned char)t->s[i];
        if (!isxdigit(c))
            return false;
        if (x >> 60)
            return false; /* a 17th significant digit */
        x = x << 4 | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
    }
    *v = x;
    return true;
}

static bool parse_dec(const struct tok *t, uint64_t max, uint64_t *v)
{
    if (t->n == 0)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (!isdigit((unsigned char)t->s[i]))
            return false;
        x = x * 10 + (uint64_t)(t->s[i] - '0');
        if (x > max)
            return false;
    }
    *v = x;
    return true;
}

static int shown(size_t n)
{
    return (int)(n > 40 ? 40 : n);
}

/* A hex field "key VALUE" at toks[*k]; advances *k past it. */
static int field_hex(const struct tok *toks, size_t ntok, size_t *k, const char *key,
                     uint64_t max, uint64_t *v, char *why)
{
    if (*k >= ntok || !tok_is(&toks[*k], key)) {
        if (*k >= ntok)
            snprintf(why, WHY_LEN, "kvm:kvm_exit line ends before '%s'", key);
        else
            snprintf(why, WHY_LEN, "expected '%s', found '%.*s'", key, shown(toks[*k].n),
                     toks[*k].s);
        return -1;
    }
    if (*k + 1 >= ntok) {
        snprintf(why, WHY_LEN, "%s has no value", key);
        return -1;
    }
    const struct tok *t = &toks[*k + 1];
    if (!parse_hex(t, true, v)) {
        snprintf(why, WHY_LEN, "bad %s value '%.*s' (expected 0x and up to 16 hex digits)", key,
                 shown(t->n), t->s);
        return -1;
    }
    if (*v > max) {
        snprintf(why, WHY_LEN, "%s value '%.*s' does not fit 32 bits", key, shown(t->n), t->s);
        return -1;
    }
    *k += 2;
    return 0;
}

/* Whatever follows the last field must be bracketed flags such as " [guest]" or
 * " [imm exit]" (the posted kvm_exit patches); anything else is a format this reader does not
 * know, which is an error rather than a silent guess. */
static int trailing_flags(const struct tok *toks, size_t ntok, size_t k, const char *after,
                          char *why)
{
    bool open = false;
    for (; k < ntok; k++) {
        const struct tok *t = &toks[k];
        if (!open && t->s[0] != '[') {
            snprintf(why, WHY_LEN, "unexpected '%.*s' after %s", shown(t->n), t->s, after);
            return -1;
        }
        open = t->s[t->n - 1] != ']';
    }
    if (open) {
        snprintf(why, WHY_LEN, "unclosed '[' after %s", after);
        return -1;
    }
    return 0;
}

static const char *format_name(enum altinj_kvmexit_format f)
{
    switch (f) {
    case ALTINJ_KVMEXIT_FMT_RIP_ONLY:
        return "reason/rip only";
    case ALTINJ_KVMEXIT_FMT_INFO:
        return "info X Y, no intr_info";
    case ALTINJ_KVMEXIT_FMT_INTR_INFO:
        return "intr_info";
    }
    return "?";
}

static int intern_reason(struct loader *L, const char *s, size_t n, uint32_t *idx, char *why)
{
    struct altinj_kvmexit_trace *tr = L->tr;
    if (L->reason_hint < tr->nreasons && strlen(tr->reasons[L->reason_hint]) == n &&
        memcmp(tr->reasons[L->reason_hint], s, n) == 0) {
        *idx = (uint32_t)L->reason_hint;
        return 0;
    }
    for (size_t i = 0; i < tr->nreasons; i++)
        if (strlen(tr->reasons[i]) == n && memcmp(tr->reasons[i], s, n) == 0) {
            L->reason_hint = i;
            *idx = (uint32_t)i;
            return 0;
        }
    if (tr->nreasons == ALTINJ_KVMEXIT_MAX_REASONS) {
        snprintf(why, WHY_LEN, "more than %u distinct exit reasons", ALTINJ_KVMEXIT_MAX_REASONS);
        return -1;
    }
    if (tr->reasons == NULL &&
        (tr->reasons = calloc(ALTINJ_KVMEXIT_MAX_REASONS, sizeof(*tr->reasons))) == NULL)
        goto oom;
    char *copy = malloc(n + 1);
    if (copy == NULL)
        goto oom;
    memcpy(copy, s, n);
    copy[n] = '\0';
    tr->reasons[tr->nreasons] = copy;
    L->reason_hint = tr->nreasons;
    *idx = (uint32_t)tr->nreasons++;
    /* VMX names are upper case (EXTERNAL_INTERRUPT, HLT); SVM's are lower case except the
     * exception intercepts ("PF excp"). */
    bool upper = true, letter = false;
    for (size_t i = 0; i < n && s[i] != ' '; i++) {
        if (islower((unsigned char)s[i]))
            upper = false;
        if (isupper((unsigned char)s[i]))
            letter = true;
    }
    if (upper && letter && !(n > 5 && memcmp(s + n - 5, " excp", 5) == 0) &&
        !(n > 2 && s[0] == '0' && s[1] == 'x'))
        tr->vmx_names = true;
    return 0;
oom:
    snprintf(why, WHY_LEN, "out of memory");
    return -1;
}

static int intern_vcpu(struct loader *L, uint32_t key, uint32_t *idx, char *why)
{
    struct altinj_kvmexit_trace *tr = L->tr;
    if (L->vcpu_hint < tr->nvcpus && tr->vcpu_id[L->vcpu_hint] == key) {
        *idx = (uint32_t)L->vcpu_hint;
        return 0;
    }
    for (size_t i = 0; i < tr->nvcpus; i++)
        if (tr->vcpu_id[i] == key) {
            L->vcpu_hint = i;
            *idx = (uint32_t)i;
            return 0;
        }
    if (tr->nvcpus == ALTINJ_KVMEXIT_MAX_VCPUS) {
        snprintf(why, WHY_LEN, "more than %u vCPUs (%s)", ALTINJ_KVMEXIT_MAX_VCPUS,
                 tr->vcpu_from_tid ? "thread ids" : "vcpu ids");
        return -1;
    }
    if (tr->vcpu_id == NULL) {
        tr->vcpu_id = calloc(ALTINJ_KVMEXIT_MAX_VCPUS, sizeof(*tr->vcpu_id));
        L->vcpu_last = calloc(ALTINJ_KVMEXIT_MAX_VCPUS, sizeof(*L->vcpu_last));
        if (tr->vcpu_id == NULL || L->vcpu_last == NULL) {
            snprintf(why, WHY_LEN, "out of memory");
            return -1;
        }
    }
    tr->vcpu_id[tr->nvcpus] = key;
    L->vcpu_hint = tr->nvcpus;
    *idx = (uint32_t)tr->nvcpus++;
    return 0;
}

/* The kvm_exit arguments toks[k..]. */
static int parse_exit(struct loader *L, const struct tok *toks, size_t ntok, size_t k,
                      uint32_t tid, uint64_t t_ns, size_t lineno, char *why)
{
    struct altinj_kvmexit ex = {.t_ns = t_ns};
    bool has_vcpu = false;
    uint64_t vcpu_id = 0;
    if (k < ntok && tok_is(&toks[k], "vcpu")) {
        if (k + 1 >= ntok || !parse_dec(&toks[k + 1], UINT32_MAX, &vcpu_id)) {
            snprintf(why, WHY_LEN, "bad vcpu id '%.*s'", k + 1 < ntok ? shown(toks[k + 1].n) : 0,
                     k + 1 < ntok ? toks[k + 1].s : "");
            return -1;
        }
        has_vcpu = true;
        k += 2;
    }
    if (k >= ntok || !tok_is(&toks[k], "reason")) {
        snprintf(why, WHY_LEN, "kvm:kvm_exit without 'reason'");
        return -1;
    }
    const size_t r0 = ++k;
    while (k < ntok && !tok_is(&toks[k], "rip"))
        k++;
    if (k == r0) {
        snprintf(why, WHY_LEN, "kvm:kvm_exit with an empty reason");
        return -1;
    }
    if (k >= ntok) {
        snprintf(why, WHY_LEN, "kvm:kvm_exit without 'rip'");
        return -1;
    }
    /* The reason as printed, its tokens joined by one space. */
    char reason[ALTINJ_KVMEXIT_MAX_LINE];
    size_t rn = 0;
    for (size_t i = r0; i < k; i++) {
        if (i > r0)
            reason[rn++] = ' ';
        memcpy(reason + rn, toks[i].s, toks[i].n);
        rn += toks[i].n;
    }
    k++; /* "rip" */
    if (k >= ntok || !parse_hex(&toks[k], true, &ex.rip)) {
        snprintf(why, WHY_LEN, "bad rip value '%.*s' (expected 0x and up to 16 hex digits)",
                 k < ntok ? shown(toks[k].n) : 0, k < ntok ? toks[k].s : "");
        return -1;
    }
    k++;
    enum altinj_kvmexit_format fmt;
    bool has_requests = false;
    if (k == ntok) {
        fmt = ALTINJ_KVMEXIT_FMT_RIP_ONLY;
    } else if (tok_is(&toks[k], "info")) {
        /* "info %llx %llx": hex without 0x. */
        fmt = ALTINJ_KVMEXIT_FMT_INFO;
        for (int j = 0; j < 2; j++) {
            const size_t at = k + 1 + (size_t)j;
            if (at >= ntok || !parse_hex(&toks[at], false, j == 0 ? &ex.info1 : &ex.info2)) {
                snprintf(why, WHY_LEN, "bad info value '%.*s' (expected up to 16 hex digits)",
                         at < ntok ? shown(toks[at].n) : 0, at < ntok ? toks[at].s : "");
                return -1;
            }
        }
        if (trailing_flags(toks, ntok, k + 3, "info", why) != 0)
            return -1;
    } else if (tok_is(&toks[k], "info1")) {
        fmt = ALTINJ_KVMEXIT_FMT_INTR_INFO;
        uint64_t ii = 0, ec = 0;
        if (field_hex(toks, ntok, &k, "info1", UINT64_MAX, &ex.info1, why) != 0 ||
            field_hex(toks, ntok, &k, "info2", UINT64_MAX, &ex.info2, why) != 0 ||
            field_hex(toks, ntok, &k, "intr_info", UINT32_MAX, &ii, why) != 0 ||
            field_hex(toks, ntok, &k, "error_code", UINT32_MAX, &ec, why) != 0)
            return -1;
        if (k < ntok && tok_is(&toks[k], "requests")) {
            if (field_hex(toks, ntok, &k, "requests", UINT64_MAX, &ex.requests, why) != 0)
                return -1;
            has_requests = true;
        }
        if (trailing_flags(toks, ntok, k, has_requests ? "requests" : "error_code", why) != 0)
            return -1;
        ex.intr_info = (uint32_t)ii;
        ex.error_code = (uint32_t)ec;
        ex.event = altinj_event_decode((uint64_t)ex.intr_info |
                                       (uint64_t)ex.error_code << ALTINJ_EVENT_ERRCODE_SHIFT);
    } else {
        snprintf(why, WHY_LEN, "unexpected '%.*s' after rip (expected info, info1 or the line end)",
                 shown(toks[k].n), toks[k].s);
        return -1;
    }

    struct altinj_kvmexit_trace *tr = L->tr;
    if (!L->have_format) {
        L->have_format = true;
        L->have_vcpu_field = has_vcpu;
        L->first_exit_line = lineno;
        tr->format = fmt;
        tr->has_intr_info = fmt == ALTINJ_KVMEXIT_FMT_INTR_INFO;
        tr->vcpu_from_tid = !has_vcpu;
    } else if (fmt != tr->format || has_vcpu != L->have_vcpu_field) {
        snprintf(why, WHY_LEN,
                 "kvm_exit format (%s, %s) differs from line %zu's (%s, %s): two kernels' traces "
                 "in one file?",
                 format_name(fmt), has_vcpu ? "vcpu id" : "no vcpu id", L->first_exit_line,
                 format_name(tr->format), L->have_vcpu_field ? "vcpu id" : "no vcpu id");
        return -1;
    }
    if (has_requests)
        tr->has_requests = true;
    if (intern_reason(L, reason, rn, &ex.reason, why) != 0 ||
        intern_vcpu(L, has_vcpu ? (uint32_t)vcpu_id : tid, &ex.vcpu, why) != 0)
        return -1;
    if (ex.t_ns < L->vcpu_last[ex.vcpu]) {
        snprintf(why, WHY_LEN, "time goes backwards on vCPU %s %" PRIu32,
                 tr->vcpu_from_tid ? "thread" : "id", tr->vcpu_id[ex.vcpu]);
        return -1;
    }
    L->vcpu_last[ex.vcpu] = ex.t_ns;
    if (tr->n == L->cap) {
        const size_t ncap = L->cap == 0 ? 1024 : L->cap * 2;
        struct altinj_kvmexit *ne = realloc(tr->exits, ncap * sizeof(*ne));
        if (ne == NULL) {
            snprintf(why, WHY_LEN, "out of memory");
            return -1;
        }
        tr->exits = ne;
        L->cap = ncap;
    }
    if (tr->n == 0 || ex.t_ns < tr->first_ns)
        tr->first_ns = ex.t_ns;
    if (tr->n == 0 || ex.t_ns > tr->last_ns)
        tr->last_ns = ex.t_ns;
    tr->exits[tr->n++] = ex;
    return 0;
}

static int parse_line(struct loader *L, const char *line, size_t lineno, char *why)
{
    const size_t ntok = tokenize(line, L->toks, ALTINJ_KVMEXIT_MAX_LINE / 2 + 1);
    if (ntok == 0 || L->toks[0].s[0] == '#')
        return 0;
    size_t cpu = ntok, ts = ntok, first_cpu = ntok;
    uint64_t t_ns = 0;
    int ts_rc = -1;
    for (size_t i = 0; i < ntok && ts == ntok; i++) {
        if (!is_cpu_field(&L->toks[i]))
            continue;
        if (first_cpu == ntok)
            first_cpu = i;
        for (size_t j = i + 1; j < ntok && j <= i + 3; j++) {
            const int rc = parse_timestamp(&L->toks[j], &t_ns);
            if (rc != -1) {
                cpu = i;
                ts = j;
                ts_rc = rc;
                break;
            }
        }
    }
    if (first_cpu == ntok) {
        /* No CPU field: a perf record -g call-chain line, or not perf script text. */
        if ((line[0] == ' ' || line[0] == '\t') && all_hex(&L->toks[0])) {
            L->tr->callchain_lines++;
            return 0;
        }
        snprintf(why, WHY_LEN, "missing CPU field '[N]' (not perf script text?)");
        return -1;
    }
    if (ts == ntok) {
        const struct tok *t = first_cpu + 1 < ntok ? &L->toks[first_cpu + 1] : NULL;
        snprintf(why, WHY_LEN, "bad timestamp '%.*s' after %.*s (expected seconds.fraction:)",
                 t != NULL ? shown(t->n) : 0, t != NULL ? t->s : "",
                 shown(L->toks[first_cpu].n), L->toks[first_cpu].s);
        return -1;
    }
    if (ts_rc == -2) {
        snprintf(why, WHY_LEN, "timestamp '%.*s' overflows (over 2^63 ns)", shown(L->toks[ts].n),
                 L->toks[ts].s);
        return -1;
    }
    /* The thread id: "TID" or "PID/TID" just before the CPU field. */
    uint64_t tid = 0;
    bool tid_ok = false;
    if (cpu > 0) {
        struct tok t = L->toks[cpu - 1];
        const char *slash = memchr(t.s, '/', t.n);
        if (slash != NULL) {
            struct tok pid = {t.s, (size_t)(slash - t.s)};
            uint64_t dummy;
            t.n -= (size_t)(slash + 1 - t.s);
            t.s = slash + 1;
            tid_ok = parse_dec(&pid, UINT32_MAX, &dummy) && parse_dec(&t, UINT32_MAX, &tid);
        } else {
            tid_ok = parse_dec(&t, UINT32_MAX, &tid);
        }
    }
    if (!tid_ok) {
        snprintf(why, WHY_LEN, "missing thread id before %.*s (expected TID or PID/TID)",
                 shown(L->toks[cpu].n), L->toks[cpu].s);
        return -1;
    }
    /* The event: the first token after the timestamp with a ':' in it, "system:name:". */
    size_t ev = ts + 1;
    while (ev < ntok && memchr(L->toks[ev].s, ':', L->toks[ev].n) == NULL)
        ev++;
    if (ev == ntok) {
        snprintf(why, WHY_LEN, "missing event name (system:name:)");
        return -1;
    }
    const struct tok *e = &L->toks[ev];
    const char *colon = memchr(e->s, ':', e->n);
    const char *end = e->s + e->n - 1; /* the name's closing ':' */
    /* A hardware or software event recorded beside the tracepoint prints with no system
     * ("cycles:", perf script's evsel name and ':'): another event, skipped like kvm_entry.
     * Tested before the memchr below, whose length end - (colon + 1) would wrap otherwise. */
    if (colon == end && colon != e->s) {
        L->tr->skipped_events++;
        return 0;
    }
    if (colon == e->s || *end != ':' || colon + 1 == end ||
        memchr(colon + 1, ':', (size_t)(end - (colon + 1))) != NULL) {
        snprintf(why, WHY_LEN, "bad event name '%.*s' (expected system:name:)", shown(e->n),
                 e->s);
        return -1;
    }
    if (!tok_is(e, "kvm:kvm_exit:")) {
        L->tr->skipped_events++;
        return 0;
    }
    return parse_exit(L, L->toks, ntok, ev + 1, (uint32_t)tid, t_ns, lineno, why);
}

static int read_all(struct loader *L, FILE *f, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    char why[WHY_LEN];
    int rc = 0;
    while ((len = getline(&buf, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)len;
        if (n > ALTINJ_KVMEXIT_MAX_LINE) {
            snprintf(err, errlen, "%s:%zu: line of %zu bytes, over the %u-byte limit", L->name,
                     lineno, n, ALTINJ_KVMEXIT_MAX_LINE);
            rc = -1;
            break;
        }
        if (n > 0 && buf[n - 1] == '\n')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '\r')
            buf[--n] = '\0';
        size_t bad = 0;
        while (bad < n && (buf[bad] == '\t' || ((unsigned char)buf[bad] >= 0x20 &&
                                                buf[bad] != 0x7f)))
            bad++;
        if (bad < n) {
            if (buf[bad] == '\0')
                snprintf(err, errlen, "%s:%zu: NUL byte at column %zu: not perf script text",
                         L->name, lineno, bad + 1);
            else
                snprintf(err, errlen, "%s:%zu: control byte 0x%02x at column %zu: not perf "
                         "script text", L->name, lineno, (unsigned char)buf[bad], bad + 1);
            rc = -1;
            break;
        }
        if (parse_line(L, buf, lineno, why) != 0) {
            snprintf(err, errlen, "%s:%zu: %s", L->name, lineno, why);
            rc = -1;
            break;
        }
    }
    L->tr->lines = lineno;
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error after line %zu: %s", L->name, lineno,
                 strerror(errno));
        rc = -1;
    }
    if (rc == 0 && L->tr->n == 0) {
        snprintf(err, errlen, "%s: no kvm:kvm_exit events in %zu lines (record with perf "
                 "record -e kvm:kvm_exit, then perf script)", L->name, lineno);
        rc = -1;
    }
    free(buf);
    return rc;
}

int altinj_kvmexit_load_stream(FILE *f, const char *name, struct altinj_kvmexit_trace **out,
                               char *err, size_t errlen)
{
    *out = NULL;
    struct loader L = {.name = name};
    L.tr = calloc(1, sizeof(*L.tr));
    L.toks = malloc((ALTINJ_KVMEXIT_MAX_LINE / 2 + 1) * sizeof(*L.toks));
    int rc = -1;
    if (L.tr == NULL || L.toks == NULL)
        snprintf(err, errlen, "%s: out of memory", name);
    else
        rc = read_all(&L, f, err, errlen);
    free(L.toks);
    free(L.vcpu_last);
    if (rc != 0) {
        altinj_kvmexit_free(L.tr);
        return -1;
    }
    *out = L.tr;
    return 0;
}

int altinj_kvmexit_load(const char *path, struct altinj_kvmexit_trace **out, char *err,
                        size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    const int rc = altinj_kvmexit_load_stream(f, path, out, err, errlen);
    fclose(f);
    return rc;
}

void altinj_kvmexit_free(struct altinj_kvmexit_trace *trace)
{
    if (trace == NULL)
        return;
    for (size_t i = 0; i < trace->nreasons; i++)
        free(trace->reasons[i]);
    free(trace->reasons);
    free(trace->vcpu_id);
    free(trace->exits);
    free(trace);
}

const char *altinj_kvmexit_type_name(unsigned type)
{
    static const char *const names[8] = {"intr",      "type1",   "nmi",   "exception",
                                         "softint",   "type5",   "type6", "type7"};
    return names[type & 7u];
}
