/* Workload spec parsing and validation (grammar: altinj_workload.h, workloads/README.md). */
#include "altinj_wl_internal.h"
#include "altinj_path_short.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key {
    K_HZ, K_RATE, K_ON, K_OFF, K_SENDERS, K_FILE, K_CPUS, K_SPEED, K_LOOP,
    K_BUSY, K_EXC, K_SOFT, K_MASKED, K_MASK_US, K_SEED, K_VECTOR, K_EXITS, K_VCPUS, K_COUNT
};

static const char *const key_name[K_COUNT] = {
    "hz", "rate", "on", "off", "senders", "file", "cpus", "speed", "loop",
    "busy", "exc", "soft", "masked", "mask_us", "seed", "vector", "exits", "vcpus",
};

#define BIT(k) (1u << (k))
#define COMMON                                                                                 \
    (BIT(K_BUSY) | BIT(K_EXC) | BIT(K_SOFT) | BIT(K_MASKED) | BIT(K_MASK_US) | BIT(K_SEED) |  \
     BIT(K_EXITS))

struct kind_info {
    const char *name;
    enum altinj_workload_kind kind;
    unsigned allowed;
    unsigned required;
    uint8_t vector; /* default for vector= */
};

/* Default vectors: LOCAL_TIMER_VECTOR 0xEC and CALL_FUNCTION_SINGLE_VECTOR 0xFB as Linux uses
 * them (arch/x86/include/asm/irq_vectors.h); 0x30 and 0x31 are ordinary device vectors, kept
 * apart so that a run mixing a poisson and a burst source can tell them apart. */
static const struct kind_info kinds[] = {
    {"timer", ALTINJ_WL_TIMER, BIT(K_HZ) | BIT(K_VECTOR) | COMMON, BIT(K_HZ), 0xEC},
    {"poisson", ALTINJ_WL_POISSON, BIT(K_RATE) | BIT(K_VECTOR) | COMMON, BIT(K_RATE), 0x30},
    {"burst", ALTINJ_WL_BURST, BIT(K_RATE) | BIT(K_ON) | BIT(K_OFF) | BIT(K_VECTOR) | COMMON,
     BIT(K_RATE) | BIT(K_ON) | BIT(K_OFF), 0x31},
    {"ipi", ALTINJ_WL_IPI, BIT(K_SENDERS) | BIT(K_RATE) | BIT(K_VECTOR) | COMMON,
     BIT(K_SENDERS) | BIT(K_RATE), 0xFB},
    {"trace", ALTINJ_WL_TRACE,
     BIT(K_FILE) | BIT(K_CPUS) | BIT(K_SPEED) | BIT(K_LOOP) | COMMON, BIT(K_FILE), 0},
    /* The trace gives the exits and the events: no exits=, exc= or soft=; busy= only where it
     * has no intr_info (checked once it is read). */
    {"kvmexit", ALTINJ_WL_KVMEXIT,
     BIT(K_FILE) | BIT(K_VCPUS) | BIT(K_SPEED) | BIT(K_LOOP) | BIT(K_VECTOR) | BIT(K_BUSY) |
         BIT(K_MASKED) | BIT(K_MASK_US) | BIT(K_SEED),
     BIT(K_FILE), 0x30},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Values echoed in messages are cut here, so one long value cannot crowd out the problem. */
#define ECHO "%.64s"

const char *altinj_wl_kind_name(enum altinj_workload_kind kind)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i].kind == kind)
            return kinds[i].name;
    return "?";
}

/* The whole string is one finite decimal or hex float (strtod's syntax), nothing around it. */
static int parse_double(const char *key, const char *s, double *v, char *why, size_t len)
{
    char *end = NULL;
    /* strtod would skip leading space; a value with any is rejected, like trailing garbage. */
    const double d = isspace((unsigned char)*s) ? 0.0 : strtod(s, &end);
    if (end == NULL || end == s || *end != '\0') {
        snprintf(why, len, "%s must be a number (got '" ECHO "')", key, s);
        return -1;
    }
    if (!isfinite(d)) {
        snprintf(why, len, "%s must be a finite number (got '" ECHO "')", key, s);
        return -1;
    }
    *v = d;
    return 0;
}

/* Decimal or 0x-hex digits only: no sign, no space, no octal surprise from a leading 0. */
static int parse_u64(const char *key, const char *s, uint64_t *v, char *why, size_t len)
{
    const bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *p = hex ? s + 2 : s;
    const uint64_t base = hex ? 16 : 10;
    uint64_t x = 0;
    if (*p == '\0')
        goto bad;
    for (; *p != '\0'; p++) {
        unsigned d;
        if (isdigit((unsigned char)*p))
            d = (unsigned)(*p - '0');
        else if (hex && isxdigit((unsigned char)*p))
            d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
        else
            goto bad;
        if (x > (UINT64_MAX - d) / base) {
            snprintf(why, len, "%s is too large (got '" ECHO "')", key, s);
            return -1;
        }
        x = x * base + d;
    }
    *v = x;
    return 0;
bad:
    snprintf(why, len, "%s must be a non-negative integer (got '" ECHO "')", key, s);
    return -1;
}

static int parse_rate(const char *key, const char *s, double *v, char *why, size_t len)
{
    if (parse_double(key, s, v, why, len) != 0)
        return -1;
    if (!(*v > 0.0)) {
        snprintf(why, len, "%s must be > 0 (got '" ECHO "')", key, s);
        return -1;
    }
    if (*v > ALTINJ_WL_MAX_RATE) {
        snprintf(why, len, "%s must be <= 1e9 per second, a period under 1 ns cannot be "
                 "scheduled (got '" ECHO "')", key, s);
        return -1;
    }
    return 0;
}

static int parse_fraction(const char *key, const char *s, double *v, char *why, size_t len)
{
    if (parse_double(key, s, v, why, len) != 0)
        return -1;
    if (!(*v >= 0.0 && *v <= 1.0)) {
        snprintf(why, len, "%s must be a fraction in [0,1] (got '" ECHO "')", key, s);
        return -1;
    }
    return 0;
}

static int parse_window(const char *key, const char *s, double *v, char *why, size_t len)
{
    if (parse_double(key, s, v, why, len) != 0)
        return -1;
    if (!(*v > 0.0)) {
        snprintf(why, len, "%s must be > 0 us (got '" ECHO "')", key, s);
        return -1;
    }
    if (*v < 0.001 || *v > 1e9) {
        snprintf(why, len, "%s must be in [0.001, 1e9] us, 1 ns to ~17 min (got '" ECHO "')",
                 key, s);
        return -1;
    }
    return 0;
}

static int parse_bounded(const char *key, const char *s, uint64_t lo, uint64_t hi, uint64_t *v,
                         char *why, size_t len)
{
    if (parse_u64(key, s, v, why, len) != 0)
        return -1;
    if (*v < lo || *v > hi) {
        snprintf(why, len, "%s must be in %llu..%llu (got '" ECHO "')", key,
                 (unsigned long long)lo, (unsigned long long)hi, s);
        return -1;
    }
    return 0;
}

static const struct kind_info *find_kind(const char *name, size_t n)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, name, n) == 0)
            return &kinds[i];
    return NULL;
}

static int find_key(const char *name, size_t n)
{
    for (int k = 0; k < K_COUNT; k++)
        if (strlen(key_name[k]) == n && memcmp(key_name[k], name, n) == 0)
            return k;
    return -1;
}

static void list_keys(unsigned mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < K_COUNT; k++)
        if (mask & BIT(k))
            (void)altinj_wl_appendf(buf, len, &used, "%s%s", used ? ", " : "", key_name[k]);
}

/* Splits params (modified in place) into val[]. cpus and vcpus take the kernel's cpulist
 * syntax, whose commas collide with the parameter separator: a piece without '=' right after
 * cpus= (vcpus=) continues the list. */
static int split_params(const struct kind_info *ki, char *params, const char **val, char *why,
                        size_t len)
{
    int last = -1;
    char *p = params;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        char *eq = strchr(p, '=');
        if (*p == '\0') {
            snprintf(why, len, "empty parameter (stray ',')");
            return -1;
        }
        if (eq == NULL && last == K_EXITS) {
            snprintf(why, len, "exits: join the reasons with '+', not ',' (',' separates keys): "
                     "e.g. exits=npf:30000+io:5000 (got '" ECHO "' after ',')", p);
            return -1;
        }
        if (eq == NULL && (last == K_CPUS || last == K_VCPUS)) {
            p[-1] = ','; /* rejoin with the cpus value before it */
        } else if (eq == NULL) {
            snprintf(why, len, "parameter '" ECHO "' is not key=value", p);
            return -1;
        } else {
            const int k = find_key(p, (size_t)(eq - p));
            if (ki->kind == ALTINJ_WL_KVMEXIT && (k == K_EXITS || k == K_EXC || k == K_SOFT)) {
                snprintf(why, len, "kvmexit takes no %s= (the trace gives the exits and the "
                         "events; keys: file, vcpus, speed, loop, vector, busy, masked, "
                         "mask_us, seed)", key_name[k]);
                return -1;
            }
            if (k < 0 || !(ki->allowed & BIT(k))) {
                char keys[128];
                list_keys(ki->allowed, keys, sizeof(keys));
                snprintf(why, len, "unknown key '%.*s' for %s (expected %s)",
                         (int)(eq - p > 64 ? 64 : eq - p), p, ki->name, keys);
                return -1;
            }
            if (val[k] != NULL) {
                snprintf(why, len, "duplicate key '%s'", key_name[k]);
                return -1;
            }
            if (eq[1] == '\0') {
                snprintf(why, len, "%s has an empty value", key_name[k]);
                return -1;
            }
            val[k] = eq + 1;
            last = k;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

/* Reasons exits= accepts: the non-interrupt exits a guest makes by itself. interrupt, nmi and
 * vintr come from the interrupt sources; vmgexit is left out because the hypervisor policies
 * send every VMGEXIT to VMPL0 as a guest request (the model's EOI exit), which a GHCB exit to
 * the hypervisor is not. */
#define EXIT_REASONS_TEXT "npf, io, msr, hlt, cpuid or pause"
static bool exit_reason_allowed(int r)
{
    switch (r) {
    case ALTINJ_EXIT_R_NPF:
    case ALTINJ_EXIT_R_IO:
    case ALTINJ_EXIT_R_MSR:
    case ALTINJ_EXIT_R_HLT:
    case ALTINJ_EXIT_R_CPUID:
    case ALTINJ_EXIT_R_PAUSE: return true;
    default: return false;
    }
}

/* exits=npf:30000+io:5000: each reason once, each rate in (0, 1e9] per second. */
static int parse_exits(const char *value, struct altinj_workload_spec *s, char *why, size_t len)
{
    char *copy = strdup(value);
    if (copy == NULL) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    int rc = -1;
    char *p = copy;
    for (;;) {
        char *plus = strchr(p, '+');
        if (plus != NULL)
            *plus = '\0';
        char *colon = strchr(p, ':');
        if (*p == '\0') {
            snprintf(why, len, "exits: empty reason (stray '+'); expected REASON:RATE joined by "
                     "'+', e.g. exits=npf:30000+io:5000");
            goto out;
        }
        if (colon == NULL) {
            snprintf(why, len, "exits: '" ECHO "' is not REASON:RATE (e.g. exits=npf:30000+io:5000)",
                     p);
            goto out;
        }
        const int r = altinj_exit_reason_find(p, (unsigned long)(colon - p));
        if (r < 0 || !exit_reason_allowed(r)) {
            snprintf(why, len, "exits: unknown reason '%.*s' (expected " EXIT_REASONS_TEXT ")",
                     (int)(colon - p > 64 ? 64 : colon - p), p);
            goto out;
        }
        if (s->exit_rate[r] > 0.0) {
            snprintf(why, len, "exits: duplicate reason '%s'", altinj_exit_reason_name(r));
            goto out;
        }
        char key[32];
        snprintf(key, sizeof key, "exits rate of %s", altinj_exit_reason_name(r));
        if (parse_rate(key, colon + 1, &s->exit_rate[r], why, len) != 0)
            goto out;
        s->has_exits = true;
        if (plus == NULL)
            break;
        p = plus + 1;
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

static int check_trace_horizon(const struct altinj_workload_spec *s, char *why, size_t len)
{
    const struct altinj_trace *tr = s->trace;
    if (s->loop > 1 && tr->total < 2) {
        snprintf(why, len, "loop=%u needs at least two events in the trace to define the "
                 "loop period (it has one)", s->loop);
        return -1;
    }
    const double end = ((double)tr->span_ns + (double)(s->loop - 1) * (double)tr->period_ns) /
                       s->speed;
    if (!(end < (double)ALTINJ_WL_HORIZON_NS)) {
        snprintf(why, len, "trace duration * loop / speed reaches the 2^62 ns horizon");
        return -1;
    }
    return 0;
}

/* kvmexit: reads the trace; its V=1 exits are the BUSY cases, so busy= is refused where it
 * has intr_info and required where it has none (then it decides per posted event). */
static int load_kvmexit(struct altinj_workload_spec *s, char *why, size_t len)
{
    if (altinj_kvmexit_replay_load(s->file, s->has_cpus ? s->cpus : NULL, s->vector,
                                   &s->kvmexit, why, len))
        return -1;
    const struct altinj_kvmexit_replay *r = s->kvmexit;
    if (r->once.intr_info && s->busy_given) {
        snprintf(why, len, "busy= conflicts with the trace's intr_info: its V=1 exits (%llu "
                 "of %llu) are the BUSY cases; drop busy=", (unsigned long long)r->once.v1,
                 (unsigned long long)r->once.exits);
        return -1;
    }
    if (!r->once.intr_info && !s->busy_given) {
        snprintf(why, len, "the trace has no intr_info (a kernel before 5.10): give busy= (the "
                 "probability that a posted event's first delivery is cut), which stands in "
                 "for the V=1 exits");
        return -1;
    }
    if (r->once.intr_info)
        s->busy = 0.0; /* no per-event draw: the trace says which events are cut */
    s->has_exits = true;
    if (s->loop > 1 && r->lines < 2) {
        snprintf(why, len, "loop=%u needs at least two exits in the trace to define the "
                 "loop period (it has one)", s->loop);
        return -1;
    }
    const double end = ((double)r->span_ns + (double)(s->loop - 1) * (double)r->period_ns) /
                       s->speed;
    if (!(end < (double)ALTINJ_WL_HORIZON_NS)) {
        snprintf(why, len, "trace duration * loop / speed reaches the 2^62 ns horizon");
        return -1;
    }
    return 0;
}

static int fill(const struct kind_info *ki, const char **val, struct altinj_workload_spec *s,
                char *why, size_t len)
{
    uint64_t u;
    s->kind = ki->kind;
    s->busy = ALTINJ_WL_DEFAULT_BUSY;
    s->exc = 0.0;
    s->soft = 0.0;
    s->masked = 0.0;
    s->mask_us = ALTINJ_WL_DEFAULT_MASK_US;
    s->vector = ki->vector;
    s->speed = 1.0;
    s->loop = 1;
    if (val[K_HZ] && parse_rate("hz", val[K_HZ], &s->rate, why, len))
        return -1;
    if (val[K_RATE] && parse_rate("rate", val[K_RATE], &s->rate, why, len))
        return -1;
    if (val[K_ON] && parse_window("on", val[K_ON], &s->on_us, why, len))
        return -1;
    if (val[K_OFF] && parse_window("off", val[K_OFF], &s->off_us, why, len))
        return -1;
    if (val[K_SENDERS]) {
        if (parse_bounded("senders", val[K_SENDERS], 1, ALTINJ_WL_MAX_SENDERS, &u, why, len))
            return -1;
        s->senders = (unsigned)u;
    }
    if (val[K_CPUS]) {
        if (altinj_wl_cpulist_parse("cpus", val[K_CPUS], s->cpus, why, len))
            return -1;
        s->has_cpus = true;
    }
    if (val[K_VCPUS]) {
        if (altinj_wl_cpulist_parse("vcpus", val[K_VCPUS], s->cpus, why, len))
            return -1;
        s->has_cpus = true;
    }
    if (val[K_SPEED]) {
        if (parse_double("speed", val[K_SPEED], &s->speed, why, len))
            return -1;
        if (!(s->speed > 0.0 && s->speed <= ALTINJ_WL_MAX_SPEED)) {
            snprintf(why, len, "speed must be > 0 and <= 1e6 (got '" ECHO "')", val[K_SPEED]);
            return -1;
        }
    }
    if (val[K_LOOP]) {
        if (parse_bounded("loop", val[K_LOOP], 1, ALTINJ_WL_MAX_LOOP, &u, why, len))
            return -1;
        s->loop = (unsigned)u;
    }
    if (val[K_BUSY] && parse_fraction("busy", val[K_BUSY], &s->busy, why, len))
        return -1;
    s->busy_given = val[K_BUSY] != NULL;
    if (val[K_EXC] && parse_fraction("exc", val[K_EXC], &s->exc, why, len))
        return -1;
    if (val[K_SOFT] && parse_fraction("soft", val[K_SOFT], &s->soft, why, len))
        return -1;
    if (!(s->exc + s->soft <= 1.0)) {
        snprintf(why, len, "exc + soft must be at most 1 (got %.17g + %.17g)", s->exc, s->soft);
        return -1;
    }
    if (val[K_MASKED]) {
        if (parse_fraction("masked", val[K_MASKED], &s->masked, why, len))
            return -1;
        if (!(s->masked < 1.0)) {
            snprintf(why, len, "masked must be below 1: a guest that never enables interrupts "
                               "never takes one (got '" ECHO "')",
                     val[K_MASKED]);
            return -1;
        }
    }
    if (val[K_MASK_US] && parse_window("mask_us", val[K_MASK_US], &s->mask_us, why, len))
        return -1;
    if (val[K_SEED]) {
        if (parse_u64("seed", val[K_SEED], &s->seed, why, len))
            return -1;
        s->has_seed = true;
    }
    if (val[K_VECTOR]) {
        if (parse_bounded("vector", val[K_VECTOR], 0x20, 0xFF, &u, why, len))
            return -1;
        s->vector = (uint8_t)u;
    }
    if (val[K_EXITS] && parse_exits(val[K_EXITS], s, why, len))
        return -1;
    if (val[K_FILE]) {
        s->file = strdup(val[K_FILE]);
        if (s->file == NULL) {
            snprintf(why, len, "out of memory");
            return -1;
        }
        /* Loaded last: every cheap check has passed, and the trace needs cpus=. */
        if (ki->kind == ALTINJ_WL_KVMEXIT)
            return load_kvmexit(s, why, len);
        if (altinj_trace_load(s->file, s->has_cpus ? s->cpus : NULL, &s->trace, why, len))
            return -1;
        if (check_trace_horizon(s, why, len))
            return -1;
    }
    return 0;
}

static int parse_into(const char *spec, struct altinj_workload_spec *out, char *why, size_t len)
{
    const char *colon = strchr(spec, ':');
    const size_t klen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
    if (klen == 0) {
        snprintf(why, len, "missing kind (expected KIND:key=value,... with KIND one of timer, "
                 "poisson, burst, ipi, trace, kvmexit)");
        return -1;
    }
    const struct kind_info *ki = find_kind(spec, klen);
    if (ki == NULL) {
        snprintf(why, len, "unknown kind '%.*s' (expected timer, poisson, burst, ipi, trace or "
                 "kvmexit)",
                 (int)(klen > 64 ? 64 : klen), spec);
        return -1;
    }
    const char *val[K_COUNT] = {0};
    char *params = NULL;
    if (colon != NULL) {
        params = strdup(colon + 1);
        if (params == NULL) {
            snprintf(why, len, "out of memory");
            return -1;
        }
        if (*params != '\0' && split_params(ki, params, val, why, len) != 0) {
            free(params);
            return -1;
        }
    }
    int rc = 0;
    for (int k = 0; k < K_COUNT && rc == 0; k++)
        if ((ki->required & BIT(k)) && val[k] == NULL) {
            snprintf(why, len, "missing required key '%s'", key_name[k]);
            rc = -1;
        }
    if (rc == 0)
        rc = fill(ki, val, out, why, len);
    free(params);
    return rc;
}

/* One line, whatever the input held: control characters (a newline in a spec or in a trace
 * file name) become '?'. */
static void one_line(char *s)
{
    for (; *s != '\0'; s++)
        if (iscntrl((unsigned char)*s))
            *s = '?';
}

int altinj_workload_parse(const char *spec, struct altinj_workload_spec *out, char *err,
                          size_t errlen)
{
    char why[1024];
    if (err == NULL)
        errlen = 0;
    if (out == NULL) {
        snprintf(err, errlen, "workload: no output spec given");
        return -1;
    }
    memset(out, 0, sizeof(*out));
    if (spec == NULL) {
        snprintf(err, errlen, "workload: no spec given");
        return -1;
    }
    if (parse_into(spec, out, why, sizeof(why)) == 0)
        return 0;
    altinj_workload_spec_free(out);
    if (errlen > 0) {
        {
            /* Shortened in the middle: a long trace path must not push the reason away. */
            char shown[ALTINJ_PATH_SHORT_MAX + 1];
            snprintf(err, errlen, "workload '%s': %s", altinj_path_short(spec, shown, sizeof shown),
                     why);
        }
        one_line(err);
    }
    return -1;
}

void altinj_workload_spec_free(struct altinj_workload_spec *spec)
{
    if (spec == NULL)
        return;
    altinj_trace_free(spec->trace);
    altinj_kvmexit_replay_free(spec->kvmexit);
    free(spec->file);
    memset(spec, 0, sizeof(*spec));
}

unsigned altinj_workload_sources(const struct altinj_workload_spec *spec)
{
    if (spec == NULL)
        return 0;
    switch (spec->kind) {
    case ALTINJ_WL_IPI: return spec->senders;
    case ALTINJ_WL_TRACE: return spec->trace != NULL ? spec->trace->ncpus : 0;
    case ALTINJ_WL_KVMEXIT: return spec->kvmexit != NULL ? spec->kvmexit->nvcpus : 0;
    default: return 1;
    }
}

int altinj_workload_source_cpu(const struct altinj_workload_spec *spec, unsigned source)
{
    if (spec != NULL && spec->kind == ALTINJ_WL_KVMEXIT && spec->kvmexit != NULL &&
        source < spec->kvmexit->nvcpus)
        return (int)spec->kvmexit->vcpu[source].id;
    if (spec == NULL || spec->kind != ALTINJ_WL_TRACE || spec->trace == NULL ||
        source >= spec->trace->ncpus)
        return -1;
    return (int)spec->trace->cpu[source].cpu;
}

uint64_t altinj_workload_seed(const struct altinj_workload_spec *spec, uint64_t run_seed)
{
    return spec != NULL && spec->has_seed ? spec->seed : run_seed;
}
