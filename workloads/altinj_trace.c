/*
 * Loader for `perf script` text from `perf record -e 'irq:*' -e 'irq_vectors:*'`:
 *
 *   swapper     0 [003] 81234.567890:       irq_vectors:local_timer_entry: vector=236
 *   kworker/0:1  123 [000]  5.123456: irq:irq_handler_entry: irq=24 name=nvme0q1
 *
 * A data line is found by its CPU field "[N]" followed by the timestamp "S.F:" (F has 1..9
 * digits: perf prints microseconds, or nanoseconds with --ns). The comm before it may hold
 * spaces (and even brackets: every "[N]" is tried until one is followed by a timestamp).
 * Columns between the timestamp and the event name (a period or count, with some -F options)
 * are skipped; the event name is the first token of the form "system:name:".
 *
 * Kept: irq_vectors:*_entry (vector from vector=) and irq:irq_handler_entry (vector from irq=,
 * by the rule in map_irq). Skipped: *_exit, softirq_*, the vector_* allocation events and
 * anything outside the irq and irq_vectors systems, which are not interrupt deliveries.
 * Blank lines and lines starting with '#' (perf's header) are skipped, and so are the
 * call-chain lines `perf record -g` adds below each event (indented, first token a hex
 * address). Anything else that does not parse is an error naming the file, the line and the
 * problem, as is a timestamp that goes backwards on one CPU (perf sorts by time, so that means
 * a damaged or hand-edited file).
 *
 * Bytes and line ends (the rules tests/test_bad_inputs.sh checks): a UTF-8 byte order mark at
 * the very start is skipped; LF and CRLF line ends are accepted; a CR not followed by LF
 * (old Mac line ends) is an error, as is a NUL or other control byte anywhere, a line longer
 * than ALTINJ_TRACE_MAX_LINE bytes (so a file like /dev/zero is refused at once, never read
 * into memory), garbage after a number (vector=236x) and a timestamp at or above 2^63 ns.
 */
#include "altinj_wl_internal.h"
#include "altinj_path_short.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Linux assigns device interrupts vectors 0x20..0xEB, below the system vectors that start at
 * LOCAL_TIMER_VECTOR 0xEC (arch/x86/include/asm/irq_vectors.h). irq_handler_entry gives the
 * Linux IRQ number, not the vector, so the replay folds the IRQ number into that range: the
 * vector is 0x20 + irq % 204. Stable and always a device vector; the real one is not recorded. */
#define DEVICE_VECTOR_FIRST 0x20u
#define DEVICE_VECTORS      (0xECu - DEVICE_VECTOR_FIRST)

/* Timestamps are kept in integer ns; 2^63 ns is ~292 years of uptime. */
#define MAX_SECONDS (INT64_MAX / 1000000000)

/* perf script lines are under 300 bytes even with long comm names and -F extras. */
#define ALTINJ_TRACE_MAX_LINE 4096u

struct line {
    unsigned cpu;
    uint64_t t_ns;
    bool keep;
    uint8_t vector;
};

struct cpu_acc {
    bool seen;
    uint64_t last;
    size_t n, cap;
    uint64_t *t;
    uint8_t *v;
};

static size_t token_len(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && !isspace((unsigned char)p[n]))
        n++;
    return n;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Set by parse_timestamp when the seconds overflow (the message says so precisely). */
static _Thread_local bool ts_overflow;

/* "S.F:" with 1..9 fraction digits, to integer ns. */
static bool parse_timestamp(const char *tok, size_t len, uint64_t *t_ns)
{
    if (len < 4 || tok[len - 1] != ':')
        return false;
    size_t i = 0;
    uint64_t sec = 0, frac = 0;
    unsigned fdigits = 0;
    if (!isdigit((unsigned char)tok[0]))
        return false;
    while (i < len && isdigit((unsigned char)tok[i])) {
        sec = sec * 10 + (uint64_t)(tok[i++] - '0');
        if (sec > (uint64_t)MAX_SECONDS) {
            ts_overflow = true;
            return false;
        }
    }
    if (tok[i++] != '.')
        return false;
    while (i < len - 1 && isdigit((unsigned char)tok[i])) {
        if (++fdigits > 9)
            return false;
        frac = frac * 10 + (uint64_t)(tok[i++] - '0');
    }
    if (fdigits == 0 || i != len - 1)
        return false;
    for (unsigned d = fdigits; d < 9; d++)
        frac *= 10;
    *t_ns = sec * 1000000000u + frac;
    return true;
}

/* "[N]" at p, preceded by whitespace or the line start, followed by whitespace. Returns the
 * position after "]" or NULL. cpu is set even when it is out of range, for the message. */
static const char *parse_cpu_field(const char *line, const char *p, unsigned long *cpu)
{
    if (p != line && !isspace((unsigned char)p[-1]))
        return NULL;
    p++;
    if (!isdigit((unsigned char)*p))
        return NULL;
    unsigned long v = 0;
    while (isdigit((unsigned char)*p)) {
        /* Saturates just above the limit, so a long digit string cannot wrap into range. */
        v = v > ALTINJ_WL_MAX_CPU ? v : v * 10 + (unsigned long)(*p - '0');
        p++;
    }
    if (*p != ']' || !isspace((unsigned char)p[1]))
        return NULL;
    *cpu = v;
    return p + 1;
}

/* The value of a "key=" token among the tokens of args, as a decimal integer. Returns 1 when
 * found and valid, 0 when absent, -1 when present but not a number in 0..max. */
static int find_arg(const char *args, const char *key, unsigned long max, unsigned long *val,
                    const char **bad, size_t *badlen)
{
    const size_t klen = strlen(key);
    for (const char *p = skip_space(args); *p != '\0'; p = skip_space(p)) {
        const size_t n = token_len(p);
        if (n >= klen && memcmp(p, key, klen) == 0) {
            *bad = p;
            *badlen = n;
            if (n == klen)
                return -1;
            unsigned long v = 0;
            for (size_t i = klen; i < n; i++) {
                if (!isdigit((unsigned char)p[i]))
                    return -1;
                v = v * 10 + (unsigned long)(p[i] - '0');
                if (v > max)
                    return -1;
            }
            *val = v;
            return 1;
        }
        p += n;
    }
    return 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    const size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Parses one non-blank, non-comment line. Returns 0, or -1 with the problem in why. */
static int parse_line(const char *line, struct line *out, char *why, size_t whylen)
{
    const char *after_cpu = NULL, *ts = NULL;
    size_t tslen = 0;
    unsigned long cpu = 0;
    bool have_cpu_field = false;
    ts_overflow = false;
    for (const char *b = strchr(line, '['); b != NULL; b = strchr(b + 1, '[')) {
        unsigned long c;
        const char *q = parse_cpu_field(line, b, &c);
        if (q == NULL)
            continue;
        const char *t = skip_space(q);
        const size_t tl = token_len(t);
        if (!have_cpu_field) { /* the first candidate names the problem if none fits */
            have_cpu_field = true;
            cpu = c;
            ts = t;
            tslen = tl;
        }
        if (parse_timestamp(t, tl, &out->t_ns)) {
            cpu = c;
            ts = t;
            tslen = tl;
            after_cpu = t + tl;
            break;
        }
    }
    if (!have_cpu_field) {
        snprintf(why, whylen, "missing CPU field '[N]'");
        return -1;
    }
    if (after_cpu == NULL) {
        snprintf(why, whylen, "%s '%.*s' (expected seconds.fraction:%s)",
                 ts_overflow ? "timestamp too large" : "bad timestamp",
                 (int)(tslen > 40 ? 40 : tslen), ts,
                 ts_overflow ? " below 2^63 ns, about 292 years" : "");
        return -1;
    }
    if (cpu > ALTINJ_WL_MAX_CPU) {
        snprintf(why, whylen, "CPU number above %u", ALTINJ_WL_MAX_CPU);
        return -1;
    }
    out->cpu = (unsigned)cpu;

    /* The event name: first token with a ':' in it, which must be "system:name:". */
    const char *ev = NULL;
    size_t evlen = 0;
    for (const char *p = skip_space(after_cpu); *p != '\0'; p = skip_space(p + evlen)) {
        evlen = token_len(p);
        if (memchr(p, ':', evlen) != NULL) {
            ev = p;
            break;
        }
    }
    if (ev == NULL) {
        snprintf(why, whylen, "missing event name (system:name:)");
        return -1;
    }
    const char *colon = memchr(ev, ':', evlen);
    const size_t syslen = (size_t)(colon - ev);
    const size_t namelen = evlen >= syslen + 2 ? evlen - syslen - 2 : 0;
    if (syslen == 0 || namelen == 0 || ev[evlen - 1] != ':' ||
        memchr(colon + 1, ':', namelen) != NULL) {
        snprintf(why, whylen, "bad event name '%.*s' (expected system:name:)",
                 (int)(evlen > 60 ? 60 : evlen), ev);
        return -1;
    }
    const char *name = colon + 1;
    const char *args = ev + evlen;
    const bool vectors = syslen == 11 && memcmp(ev, "irq_vectors", 11) == 0;
    const bool handler = syslen == 3 && memcmp(ev, "irq", 3) == 0 && namelen == 17 &&
                         memcmp(name, "irq_handler_entry", 17) == 0;
    out->keep = false;
    if (!(vectors && ends_with(name, namelen, "_entry")) && !handler)
        return 0;

    unsigned long v = 0;
    const char *bad = NULL;
    size_t badlen = 0;
    const int rc = vectors ? find_arg(args, "vector=", 255, &v, &bad, &badlen)
                           : find_arg(args, "irq=", 0xFFFFFFFFul, &v, &bad, &badlen);
    if (rc == 0) {
        snprintf(why, whylen, "%.*s has no %s", (int)(evlen - 1), ev,
                 vectors ? "vector=" : "irq=");
        return -1;
    }
    if (rc < 0) {
        snprintf(why, whylen, "bad %s value '%.*s'%s", vectors ? "vector=" : "irq=",
                 (int)(badlen > 40 ? 40 : badlen), bad, vectors ? " (expected 32..255)" : "");
        return -1;
    }
    if (vectors) {
        if (v < DEVICE_VECTOR_FIRST) {
            snprintf(why, whylen, "vector=%lu is an exception vector (expected 32..255)", v);
            return -1;
        }
        out->vector = (uint8_t)v;
    } else {
        out->vector = (uint8_t)(DEVICE_VECTOR_FIRST + v % DEVICE_VECTORS);
    }
    out->keep = true;
    return 0;
}

static int push(struct cpu_acc *a, uint64_t t, uint8_t v)
{
    if (a->n == a->cap) {
        const size_t ncap = a->cap == 0 ? 256 : a->cap * 2;
        uint64_t *nt = realloc(a->t, ncap * sizeof(*nt));
        if (nt == NULL)
            return -1;
        a->t = nt;
        uint8_t *nv = realloc(a->v, ncap);
        if (nv == NULL)
            return -1;
        a->v = nv;
        a->cap = ncap;
    }
    a->t[a->n] = t;
    a->v[a->n] = v;
    a->n++;
    return 0;
}

static void free_acc(struct cpu_acc *acc)
{
    if (acc == NULL)
        return;
    for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++) {
        free(acc[c].t);
        free(acc[c].v);
    }
    free(acc);
}

static void fmt_time(char *buf, size_t len, uint64_t t)
{
    snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, t / 1000000000u, t % 1000000000u);
}

/* One line into buf (without its end), at most ALTINJ_TRACE_MAX_LINE bytes: returns its length,
 * -1 at the end of the file, or -2 with why set (a NUL, a lone CR, a line too long). */
static long read_line(FILE *f, char *buf, char *why, size_t whylen)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (c == '\n')
            break;
        if (c == '\r') {
            const int d = getc(f);
            if (d == '\n' || d == EOF)
                break; /* CRLF, or a CR ending the file */
            snprintf(why, whylen, "CR without LF at column %zu: old Mac line ends are not "
                     "supported (convert with tr '\\r' '\\n')", n + 1);
            return -2;
        }
        if (c == '\0') {
            snprintf(why, whylen, "NUL byte at column %zu: not perf script text", n + 1);
            return -2;
        }
        if (n == ALTINJ_TRACE_MAX_LINE) {
            snprintf(why, whylen, "line longer than %u bytes: not perf script text",
                     ALTINJ_TRACE_MAX_LINE);
            return -2;
        }
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    buf[n] = '\0';
    return (long)n;
}

/* A `perf record -g` call-chain frame: indented, first token a hex address. */
static bool callchain_line(const char *line)
{
    if (!isspace((unsigned char)line[0]))
        return false;
    const char *p = skip_space(line);
    const size_t n = token_len(p);
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    return true;
}

/* Reads every line into acc. Returns 0 or -1 with err set. */
static int read_lines(FILE *f, const char *path, const uint64_t *mask, struct cpu_acc *acc,
                      char *err, size_t errlen)
{
    /* calloc: clang's analyzer cannot follow read_line's terminator through its loop. */
    char *buf = calloc(ALTINJ_TRACE_MAX_LINE + 1, 1);
    size_t lineno = 0;
    int rc = 0;
    char why[160];
    if (buf == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    long len;
    while ((len = read_line(f, buf, why, sizeof why)) != -1) {
        lineno++;
        if (len == -2) {
            snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
            rc = -1;
            break;
        }
        /* A UTF-8 byte order mark, as some editors save text: not part of the first line. */
        if (lineno == 1 && len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            memmove(buf, buf + 3, (size_t)len - 2);
        /* Binary input: say so once, rather than echo control bytes into a message. */
        const char *ctl = buf;
        while (*ctl != '\0' && (*ctl == '\t' || *ctl == '\n' || *ctl == '\r' ||
                                ((unsigned char)*ctl >= 0x20 && *ctl != 0x7f)))
            ctl++;
        if (*ctl != '\0') {
            snprintf(err, errlen, "%s:%zu: control byte 0x%02x: not perf script text", path,
                     lineno, (unsigned char)*ctl);
            rc = -1;
            break;
        }
        const char *p = skip_space(buf);
        if (*p == '\0' || *p == '#' || callchain_line(buf))
            continue;
        struct line ln = {0}; /* -O1 sanitizer builds cannot prove parse_line fills it */
        if (parse_line(buf, &ln, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
            rc = -1;
            break;
        }
        struct cpu_acc *a = &acc[ln.cpu];
        if (a->seen && ln.t_ns < a->last) {
            char now[32], before[32];
            fmt_time(now, sizeof(now), ln.t_ns);
            fmt_time(before, sizeof(before), a->last);
            snprintf(err, errlen, "%s:%zu: time goes backwards on CPU %u (%s after %s)", path,
                     lineno, ln.cpu, now, before);
            rc = -1;
            break;
        }
        a->seen = true;
        a->last = ln.t_ns;
        if (ln.keep && (mask == NULL || altinj_wl_cpu_in(mask, ln.cpu)) &&
            push(a, ln.t_ns, ln.vector) != 0) {
            snprintf(err, errlen, "%s:%zu: out of memory", path, lineno);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error after line %zu: %s", path, lineno,
                 strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

/* Moves the kept events into a trace, relative to the first kept event. */
static int build(const char *path, const uint64_t *mask, struct cpu_acc *acc,
                 struct altinj_trace **out, char *err, size_t errlen)
{
    unsigned ncpus = 0;
    size_t total = 0;
    uint64_t first = UINT64_MAX, last = 0;
    for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++) {
        if (acc[c].n == 0)
            continue;
        ncpus++;
        total += acc[c].n;
        if (acc[c].t[0] < first)
            first = acc[c].t[0];
        if (acc[c].t[acc[c].n - 1] > last)
            last = acc[c].t[acc[c].n - 1];
    }
    if (total == 0) {
        snprintf(err, errlen,
                 "%s: no usable interrupt entry events%s (need irq_vectors:*_entry or "
                 "irq:irq_handler_entry lines)",
                 path, mask != NULL ? " on the selected cpus" : "");
        return -1;
    }
    if (mask != NULL)
        for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++)
            if (altinj_wl_cpu_in(mask, c) && acc[c].n == 0) {
                snprintf(err, errlen, "%s: cpus= names CPU %u, which has no interrupt entry "
                         "events in the trace", path, c);
                return -1;
            }
    if (ncpus > ALTINJ_WL_MAX_SOURCES) {
        snprintf(err, errlen, "%s: %u CPUs have events, at most %u sources (select with cpus=)",
                 path, ncpus, ALTINJ_WL_MAX_SOURCES);
        return -1;
    }
    struct altinj_trace *tr = calloc(1, sizeof(*tr));
    if (tr == NULL || (tr->cpu = calloc(ncpus, sizeof(*tr->cpu))) == NULL) {
        free(tr);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++) {
        if (acc[c].n == 0)
            continue;
        struct altinj_trace_cpu *tc = &tr->cpu[tr->ncpus++];
        tc->cpu = c;
        tc->n = acc[c].n;
        tc->t_ns = acc[c].t;
        tc->vector = acc[c].v;
        acc[c].t = NULL;
        acc[c].v = NULL;
        for (size_t i = 0; i < tc->n; i++)
            tc->t_ns[i] -= first;
    }
    tr->total = total;
    tr->span_ns = last - first;
    if (total > 1) {
        const uint64_t gap = tr->span_ns / (total - 1);
        tr->period_ns = tr->span_ns + (gap > 0 ? gap : 1);
    }
    *out = tr;
    return 0;
}

int altinj_trace_load_stream(FILE *f, const char *name, const uint64_t *cpu_mask,
                             struct altinj_trace **out, char *err, size_t errlen)
{
    *out = NULL;
    struct cpu_acc *acc = calloc(ALTINJ_WL_MAX_CPU + 1, sizeof(*acc));
    int rc = -1;
    if (acc == NULL)
        snprintf(err, errlen, "%s: out of memory", name);
    else if (read_lines(f, name, cpu_mask, acc, err, errlen) == 0)
        rc = build(name, cpu_mask, acc, out, err, errlen);
    free_acc(acc);
    return rc;
}

int altinj_trace_load(const char *path, const uint64_t *cpu_mask, struct altinj_trace **out,
                      char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        char shown[ALTINJ_PATH_SHORT_MAX + 1];
        snprintf(err, errlen, "%s: cannot open: %s", altinj_path_short(path, shown, sizeof shown),
                 strerror(errno));
        return -1;
    }
    char shown[ALTINJ_PATH_SHORT_MAX + 1];
    const int rc = altinj_trace_load_stream(f, altinj_path_short(path, shown, sizeof shown),
                                            cpu_mask, out, err, errlen);
    fclose(f);
    return rc;
}

void altinj_trace_free(struct altinj_trace *trace)
{
    if (trace == NULL)
        return;
    for (unsigned i = 0; i < trace->ncpus; i++) {
        free(trace->cpu[i].t_ns);
        free(trace->cpu[i].vector);
    }
    free(trace->cpu);
    free(trace);
}
