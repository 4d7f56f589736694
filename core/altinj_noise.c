#include "altinj_noise.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- classification ---- */

/* One gap into the tally: the probe's loop and the synthetic-readings entry point share it, so
 * the tests check the code that runs. Classes nest: a gap over 1 ms is over 100 us and 10 us. */
static inline void tally_gap(const struct altinj_noise_limits *lim, uint64_t gap,
                             struct altinj_noise_tally *t)
{
    if (gap > t->worst_cycles)
        t->worst_cycles = gap;
    if (gap <= lim->over_10us)
        return;
    t->gaps_over_10us++;
    t->gap_cycles += gap;
    if (gap > lim->over_100us) {
        t->gaps_over_100us++;
        if (gap > lim->over_1ms)
            t->gaps_over_1ms++;
    }
}

/* A reading below its predecessor (only a thread that moved to a CPU whose TSC lags could see
 * one) is no gap rather than a 2^64-cycle one. */
static inline uint64_t gap_of(uint64_t prev, uint64_t now)
{
    return now > prev ? now - prev : 0;
}

void altinj_noise_limits_of(const struct altinj_tsc_clock *clock, struct altinj_noise_limits *out)
{
    out->over_10us = altinj_ns_to_tsc(clock, ALTINJ_NOISE_GAP_NS);
    out->over_100us = altinj_ns_to_tsc(clock, ALTINJ_NOISE_GAP_100US_NS);
    out->over_1ms = altinj_ns_to_tsc(clock, ALTINJ_NOISE_GAP_1MS_NS);
}

void altinj_noise_tally_readings(const struct altinj_noise_limits *lim, const uint64_t *tsc,
                                 size_t n, struct altinj_noise_tally *t)
{
    if (n < 2)
        return;
    for (size_t i = 1; i < n; i++)
        tally_gap(lim, gap_of(tsc[i - 1], tsc[i]), t);
    t->span_cycles += gap_of(tsc[0], tsc[n - 1]);
}

/* ---- reports ---- */

/* The printed figures from the sums. Gaps lie inside the spans they were read in, so gap_s <=
 * cpu_s and lost_cpu_pct <= 100; the min() only guards against float rounding. */
static void derive(struct altinj_noise_report *r)
{
    const double s = r->cpu_s;
    r->gaps_over_10us_per_s = s > 0 ? (double)r->gaps_over_10us / s : 0.0;
    r->gaps_over_100us_per_s = s > 0 ? (double)r->gaps_over_100us / s : 0.0;
    r->gaps_over_1ms_per_s = s > 0 ? (double)r->gaps_over_1ms / s : 0.0;
    double pct = s > 0 ? 100.0 * r->gap_s / s : 0.0;
    r->lost_cpu_pct = pct > 100.0 ? 100.0 : pct;
}

void altinj_noise_report_from_tally(const struct altinj_tsc_clock *clock,
                                    const struct altinj_noise_tally *t, unsigned cpus,
                                    double window_s, int64_t steal,
                                    struct altinj_noise_report *out)
{
    const double hz = (double)clock->hz;
    *out = (struct altinj_noise_report){
        .worst_gap_us = (double)t->worst_cycles * 1e6 / hz,
        .steal = steal,
        .probe_s = window_s,
        .cpus = cpus,
        .gaps_over_10us = t->gaps_over_10us,
        .gaps_over_100us = t->gaps_over_100us,
        .gaps_over_1ms = t->gaps_over_1ms,
        .gap_s = (double)t->gap_cycles / hz,
        .cpu_s = (double)t->span_cycles / hz,
        .windows = 1,
    };
    derive(out);
}

void altinj_noise_report_add(struct altinj_noise_report *sum, const struct altinj_noise_report *x)
{
    if (x->windows == 0)
        return;
    if (sum->windows == 0) {
        *sum = *x;
        return;
    }
    sum->gaps_over_10us += x->gaps_over_10us;
    sum->gaps_over_100us += x->gaps_over_100us;
    sum->gaps_over_1ms += x->gaps_over_1ms;
    sum->gap_s += x->gap_s;
    sum->cpu_s += x->cpu_s;
    sum->probe_s += x->probe_s;
    sum->windows += x->windows;
    if (x->worst_gap_us > sum->worst_gap_us)
        sum->worst_gap_us = x->worst_gap_us;
    if (x->cpus > sum->cpus)
        sum->cpus = x->cpus;
    sum->steal = sum->steal < 0 || x->steal < 0 ? -1 : sum->steal + x->steal;
    derive(sum);
}

/* ---- /proc/stat ---- */

int altinj_noise_steal_read(FILE *f, const cpu_set_t *cpus, uint64_t *ticks)
{
    const int want = CPU_COUNT(cpus);
    int seen = 0;
    uint64_t total = 0;
    char line[512];
    while (seen < want && fgets(line, sizeof line, f)) {
        /* "cpuN user nice system idle iowait irq softirq steal ...": the aggregate "cpu" line
         * has no number right after "cpu" and is skipped. */
        if (strncmp(line, "cpu", 3) != 0 || !isdigit((unsigned char)line[3]))
            continue;
        char *rest;
        const unsigned long cpu = strtoul(line + 3, &rest, 10);
        if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, cpus))
            continue;
        const int at = (int)(rest - line);
        uint64_t v[8];
        /* strtoull per field, not sscanf: a field that is not a number must fail the parse,
         * and sscanf's %u conversions cannot report that (cert-err34-c). */
        const char *q = line + at;
        for (int k = 0; k < 8; k++) {
            while (*q == ' ')
                q++;
            if (!isdigit((unsigned char)*q))
                return -1; /* strtoull would take a sign and wrap a negative number */
            char *end;
            errno = 0;
            const unsigned long long x = strtoull(q, &end, 10);
            if (end == q || errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
                return -1;
            v[k] = (uint64_t)x;
            q = end;
        }
        total += v[7];
        seen++;
    }
    if (seen != want)
        return -1;
    *ticks = total;
    return 0;
}

/* Steal of the probed CPUs now, or -1 when /proc/stat cannot be read or parsed. */
static int64_t steal_now(const cpu_set_t *cpus)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    uint64_t ticks;
    const int rc = altinj_noise_steal_read(f, cpus, &ticks);
    fclose(f);
    return rc == 0 && ticks <= INT64_MAX ? (int64_t)ticks : -1;
}

/* ---- the probe ---- */

enum start { START_WAIT, START_GO, START_ABORT };

struct probe {
    struct altinj_noise_limits lim;
    uint64_t window_cycles;
    /* Start handshake, all under mu: each thread counts itself ready once pinned (or refused);
     * the caller then says go or abort. A blocking handshake, not a spin: on a 2-CPU machine a
     * spinning caller would take a probed CPU. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned ready;
    enum start start;
};

struct probe_thread {
    struct probe *p;
    int cpu;
    pthread_t thread;
    int pin_err;                    /* written before ready, read by the caller after */
    struct altinj_noise_tally tally; /* written by the thread, read after join */
};

static void *probe_main(void *arg)
{
    struct probe_thread *pt = arg;
    struct probe *p = pt->p;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(pt->cpu, &one);
    pt->pin_err = pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    pthread_mutex_lock(&p->mu);
    p->ready++;
    pthread_cond_broadcast(&p->cv);
    while (p->start == START_WAIT)
        pthread_cond_wait(&p->cv, &p->mu);
    const bool go = p->start == START_GO;
    pthread_mutex_unlock(&p->mu);
    if (!go)
        return NULL;
    /* The tally lives in registers while the loop runs: one read, one subtraction and a few
     * compares between reads, tens of cycles, far below the 10 us threshold. */
    struct altinj_noise_tally t = {0};
    const uint64_t first = altinj_tsc_now();
    const uint64_t end = first + p->window_cycles;
    uint64_t prev = first;
    while (prev < end) {
        const uint64_t now = altinj_tsc_now();
        tally_gap(&p->lim, gap_of(prev, now), &t);
        prev = now;
    }
    t.span_cycles = prev - first;
    pt->tally = t;
    return NULL;
}

static void release(struct probe *p, enum start how)
{
    pthread_mutex_lock(&p->mu);
    p->start = how;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Checks the arguments and resolves the CPU set; 0 or -1 with err. */
static int check(const struct altinj_tsc_clock *clock, const cpu_set_t *cpus, double window_s,
                 cpu_set_t *set, char *err, size_t errlen)
{
    if (!clock || clock->hz == 0) {
        snprintf(err, errlen, "noise probe: no calibrated clock");
        return -1;
    }
    if (!(window_s > 0) || window_s > ALTINJ_NOISE_MAX_WINDOW_S) {
        snprintf(err, errlen, "noise probe: window %g s is not in (0, %g] s", window_s,
                 ALTINJ_NOISE_MAX_WINDOW_S);
        return -1;
    }
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        snprintf(err, errlen, "noise probe: cannot read this process's CPUs: %s",
                 strerror(errno));
        return -1;
    }
    *set = cpus ? *cpus : allowed;
    if (CPU_COUNT(set) == 0) {
        snprintf(err, errlen, "noise probe: the CPU set is empty");
        return -1;
    }
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, set) && !CPU_ISSET(c, &allowed)) {
            snprintf(err, errlen, "noise probe: cpu %d is not one this process may run on", c);
            return -1;
        }
    }
    return 0;
}

int altinj_noise_probe(const struct altinj_tsc_clock *clock, const cpu_set_t *cpus,
                       double window_s, struct altinj_noise_report *out, char *err,
                       size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    cpu_set_t set;
    if (check(clock, cpus, window_s, &set, err, errlen) != 0)
        return -1;
    const unsigned n = (unsigned)CPU_COUNT(&set);
    struct probe_thread *pts = calloc(n, sizeof *pts);
    if (!pts) {
        snprintf(err, errlen, "noise probe: out of memory for %u threads", n);
        return -1;
    }
    struct probe p = {.window_cycles = altinj_ns_to_tsc(clock, (uint64_t)(window_s * 1e9)),
                      .start = START_WAIT};
    altinj_noise_limits_of(clock, &p.lim);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);

    unsigned started = 0;
    int rc = 0;
    for (int c = 0; c < CPU_SETSIZE && started < n; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        pts[started] = (struct probe_thread){.p = &p, .cpu = c};
        const int e = pthread_create(&pts[started].thread, NULL, probe_main, &pts[started]);
        if (e != 0) {
            snprintf(err, errlen, "noise probe: cannot start the thread for cpu %d: %s", c,
                     strerror(e));
            rc = -1;
            break;
        }
        started++;
    }
    pthread_mutex_lock(&p.mu);
    while (p.ready < started)
        pthread_cond_wait(&p.cv, &p.mu);
    pthread_mutex_unlock(&p.mu);
    for (unsigned i = 0; rc == 0 && i < started; i++) {
        if (pts[i].pin_err != 0) {
            snprintf(err, errlen, "noise probe: cannot pin a thread to cpu %d: %s", pts[i].cpu,
                     strerror(pts[i].pin_err));
            rc = -1;
        }
    }
    const int64_t steal0 = rc == 0 ? steal_now(&set) : -1;
    release(&p, rc == 0 ? START_GO : START_ABORT);
    struct altinj_noise_tally sum = {0};
    for (unsigned i = 0; i < started; i++) {
        pthread_join(pts[i].thread, NULL);
        const struct altinj_noise_tally *t = &pts[i].tally;
        sum.gaps_over_10us += t->gaps_over_10us;
        sum.gaps_over_100us += t->gaps_over_100us;
        sum.gaps_over_1ms += t->gaps_over_1ms;
        sum.gap_cycles += t->gap_cycles;
        sum.span_cycles += t->span_cycles;
        if (t->worst_cycles > sum.worst_cycles)
            sum.worst_cycles = t->worst_cycles;
    }
    if (rc == 0) {
        const int64_t steal1 = steal_now(&set);
        const int64_t steal = steal0 >= 0 && steal1 >= steal0 ? steal1 - steal0 : -1;
        altinj_noise_report_from_tally(clock, &sum, n, window_s, steal, out);
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    free(pts);
    return rc;
}
