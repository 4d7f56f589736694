#include "altinj_merge_micro.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_merge_json.h"

struct entry {
    json_t *b;
    const char *run_name;
    size_t proc;           /* index into the process table */
    bool aggregate_median;
    bool error;
};

/* A process: (file, its "altinj_process" value, or -1 when the file is one process). */
struct proc {
    size_t doc;
    double tag;
};

static double unit_ns(const char *unit)
{
    if (strcmp(unit, "ns") == 0)
        return 1.0;
    if (strcmp(unit, "us") == 0)
        return 1e3;
    if (strcmp(unit, "ms") == 0)
        return 1e6;
    if (strcmp(unit, "s") == 0)
        return 1e9;
    return NAN;
}

/* A short name for plot labels: no "BM_" prefix and none of the suffixes the library adds for
 * run options ("/manual_time", "/real_time", "/repeats:9", ...), which say nothing about what
 * was measured. */
static void label_of(const char *name, char *out, size_t len)
{
    if (strncmp(name, "BM_", 3) == 0)
        name += 3;
    snprintf(out, len, "%s", name);
    static const char *const drop[] = { "/manual_time", "/real_time", "/process_time",
                                        "/repeats:", "/iterations:", "/min_time:" };
    bool again = true;
    while (again) {
        again = false;
        char *slash = strrchr(out, '/');
        if (!slash)
            break;
        for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
            const size_t k = strlen(drop[i]);
            if (strncmp(slash, drop[i], k) == 0 && (drop[i][k - 1] == ':' || slash[k] == '\0')) {
                *slash = '\0';
                again = true;
                break;
            }
        }
    }
}

/* The process table index of (doc, tag), added when new. */
static size_t proc_of(struct proc *procs, size_t *nprocs, size_t doc, double tag)
{
    for (size_t i = 0; i < *nprocs; i++)
        if (procs[i].doc == doc && procs[i].tag == tag)
            return i;
    procs[*nprocs] = (struct proc){.doc = doc, .tag = tag};
    return (*nprocs)++;
}

static int check(struct altinj_mj *r, json_t *doc, size_t d, struct entry *out, size_t *m,
                 struct proc *procs, size_t *nprocs)
{
    json_t *arr = altinj_mj_array(r, doc, "", "benchmarks");
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b)
    {
        char where[48];
        snprintf(where, sizeof where, "benchmarks[%zu]", i);
        if (!json_is_object(b)) {
            snprintf(r->err, r->errlen, "%s: %s: not an object", r->file, where);
            r->failed = true;
            return -1;
        }
        struct entry e = { .b = b };
        json_t *tag = json_object_get(b, "altinj_process");
        if (tag && !json_is_number(tag)) {
            snprintf(r->err, r->errlen, "%s: %s.altinj_process: not a number", r->file, where);
            r->failed = true;
            return -1;
        }
        e.proc = proc_of(procs, nprocs, d, tag ? json_number_value(tag) : -1.0);
        const char *name = altinj_mj_str(r, b, where, "name");
        e.run_name = altinj_mj_str_opt(b, "run_name", name);
        e.error = json_is_true(json_object_get(b, "error_occurred"));
        if (!e.error) {
            altinj_mj_num(r, b, where, "real_time");
            altinj_mj_num(r, b, where, "cpu_time");
            altinj_mj_num(r, b, where, "iterations");
            const char *unit = altinj_mj_str_opt(b, "time_unit", "ns");
            if (!r->failed && isnan(unit_ns(unit))) {
                snprintf(r->err, r->errlen, "%s: %s.time_unit: unknown unit '%s'", r->file,
                         where, unit);
                r->failed = true;
            }
        }
        const char *type = altinj_mj_str_opt(b, "run_type", "iteration");
        if (strcmp(type, "aggregate") == 0) {
            /* mean/stddev/cv aggregates are not rows: only the median stands for a run. */
            if (strcmp(altinj_mj_str_opt(b, "aggregate_name", ""), "median") != 0)
                continue;
            e.aggregate_median = true;
        }
        if (r->failed)
            return -1;
        out[(*m)++] = e;
    }
    return r->failed ? -1 : 0;
}

static void put_num(FILE *f, double v, const char *sep)
{
    if (isnan(v))
        fprintf(f, "NaN%s", sep);
    else
        fprintf(f, "%.6g%s", v, sep);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median, min and max of the non-NaN values of v[0..n) (sorted in place); NaN when none. */
struct stat3 {
    double med, min, max;
    size_t n;
};

static struct stat3 stats_of(double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[k++] = v[i];
    if (k == 0)
        return (struct stat3){NAN, NAN, NAN, 0};
    qsort(v, k, sizeof *v, cmp_double);
    const double med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    return (struct stat3){med, v[0], v[k - 1], k};
}

static double spread_pct(const struct stat3 *s)
{
    return s->n >= 2 && s->med > 0 ? 100.0 * (s->max - s->min) / s->med : NAN;
}

/* Which of its fields a process's figure comes from (see the header). */
enum figure { FIG_MEDIAN, FIG_P50, FIG_INVALID, FIG_MEAN };

static const char *const figure_field[] = {"median_ns", "p50_ns", "", "real_time"};

/* One process's figures for one benchmark. */
struct pfig {
    enum figure fig;
    double t, c, lim, vs, it;
    bool ratio_invalid;
};

/* The median of field `key` over the entries e[idx[0..k)] (NaN where absent). real_time and
 * cpu_time are converted to ns. */
static double field_median(const struct entry *e, const size_t *idx, size_t k, const char *key,
                           double *scratch)
{
    const bool is_time = strcmp(key, "real_time") == 0 || strcmp(key, "cpu_time") == 0;
    for (size_t i = 0; i < k; i++) {
        json_t *b = e[idx[i]].b;
        const double v = altinj_mj_num_opt(b, key);
        scratch[i] = is_time ? v * unit_ns(altinj_mj_str_opt(b, "time_unit", "ns")) : v;
    }
    return stats_of(scratch, k).med;
}

static bool has_field(const struct entry *e, const size_t *idx, size_t k, const char *key)
{
    for (size_t i = 0; i < k; i++)
        if (json_object_get(e[idx[i]].b, key))
            return true;
    return false;
}

/* The process's figures from its entries e[idx[0..k)]: its median aggregate if it has one
 * (then k is 1), otherwise its iteration entries. */
static struct pfig process_figures(const struct entry *e, const size_t *idx, size_t k,
                                   double *scratch)
{
    struct pfig p = {.fig = FIG_MEAN};
    const bool new_style = has_field(e, idx, k, "ops_per_block") ||
                           has_field(e, idx, k, "valid_from_ns") ||
                           has_field(e, idx, k, "invalid_pcts");
    const char *limit_key = "limit_ns";
    if (has_field(e, idx, k, "median_ns")) {
        p.fig = FIG_MEDIAN;
    } else if (has_field(e, idx, k, "p50_ns")) {
        p.fig = FIG_P50;
        if (has_field(e, idx, k, "limit_p50_ns"))
            limit_key = "limit_p50_ns";
    } else if (new_style) {
        /* It wrote the rule's markers and no median: below the clock's resolution. */
        p.fig = FIG_INVALID;
        limit_key = has_field(e, idx, k, "limit_p50_ns") ? "limit_p50_ns" : "limit_ns";
    }
    p.t = p.fig == FIG_INVALID ? NAN : field_median(e, idx, k, figure_field[p.fig], scratch);
    p.lim = field_median(e, idx, k, limit_key, scratch);
    p.vs = field_median(e, idx, k, "vs_limit", scratch);
    p.c = field_median(e, idx, k, "cpu_time", scratch);
    p.it = field_median(e, idx, k, "iterations", scratch);
    p.ratio_invalid = has_field(e, idx, k, "vs_limit_invalid");
    /* The rule again, on what the file holds: a stamped-sample figure under the benchmark's
     * own valid_from_ns is not one (older files, hand-made ones). */
    const double floor = field_median(e, idx, k, "valid_from_ns", scratch);
    if (p.fig == FIG_P50 && !isnan(floor)) {
        if (p.t < floor) {
            p.t = NAN;
            p.fig = FIG_INVALID;
        }
        if (p.lim < floor)
            p.lim = NAN;
    }
    if (p.ratio_invalid || (p.fig == FIG_INVALID && !isnan(p.vs))) {
        p.vs = NAN;
        p.ratio_invalid = true;
    }
    return p;
}

struct row {
    const char *name;
    double t, c, lim, vs, it;
    struct stat3 ts, ls, vss;
    size_t processes;        /* processes that ran it */
    size_t invalid;          /* of those, with no valid figure */
    bool ratio_invalid;
    enum figure fig;         /* of the first process with a figure */
    const char *limit_from;  /* "counter", a sibling's name, or "" */
};

/* One benchmark's row across the processes. Returns false when it has no usable entry (all
 * errors). */
static bool make_row(const struct entry *e, size_t n, size_t nprocs, const char *run_name,
                     struct row *r, size_t *idx, double *scratch, double *pv)
{
    double *tv = pv, *lv = pv + nprocs, *vv = pv + 2 * nprocs, *cv = pv + 3 * nprocs,
           *iv = pv + 4 * nprocs;
    *r = (struct row){.name = run_name, .fig = FIG_INVALID};
    bool any_limit = false;
    for (size_t p = 0; p < nprocs; p++) {
        bool median = false;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].proc == p && !e[i].error && e[i].aggregate_median &&
                strcmp(e[i].run_name, run_name) == 0)
                median = true;
        for (size_t i = 0; i < n; i++)
            if (e[i].proc == p && !e[i].error && e[i].aggregate_median == median &&
                strcmp(e[i].run_name, run_name) == 0)
                idx[k++] = i;
        tv[p] = lv[p] = vv[p] = cv[p] = iv[p] = NAN;
        if (k == 0)
            continue;
        const struct pfig f = process_figures(e, idx, k, scratch);
        r->processes++;
        if (f.fig == FIG_INVALID)
            r->invalid++;
        else if (r->fig == FIG_INVALID)
            r->fig = f.fig;
        r->ratio_invalid |= f.ratio_invalid;
        any_limit |= !isnan(f.lim);
        tv[p] = f.t;
        lv[p] = f.lim;
        vv[p] = f.vs;
        cv[p] = f.c;
        iv[p] = f.it;
    }
    if (r->processes == 0)
        return false;
    r->ts = stats_of(tv, nprocs);
    r->ls = stats_of(lv, nprocs);
    r->vss = stats_of(vv, nprocs);
    r->t = r->ts.med;
    r->lim = r->ls.med;
    r->vs = r->vss.med;
    r->c = stats_of(cv, nprocs).med;
    r->it = stats_of(iv, nprocs).med;
    r->limit_from = any_limit ? "counter" : "";
    return true;
}

/* A benchmark with a vs_limit counter but no limit counter was compared with a separate limit
 * benchmark of its family, named PREFIX/limit/...: take that one's time, choosing the longest
 * PREFIX that starts this benchmark's name ("Latency/busy_path/limit/x" for
 * "Latency/busy_path/reactive", "CrossCpu/limit/y" for "CrossCpu/hvdb-flag/signal"). */
static void sibling_limits(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isnan(rows[i].lim) || isnan(rows[i].vs) || strstr(rows[i].name, "/limit/"))
            continue;
        size_t best = 0;
        for (size_t j = 0; j < n; j++) {
            const char *at = strstr(rows[j].name, "/limit/");
            if (!at)
                continue;
            const size_t plen = (size_t)(at - rows[j].name) + 1; /* prefix incl. its '/' */
            if (plen > best && strncmp(rows[i].name, rows[j].name, plen) == 0) {
                best = plen;
                rows[i].lim = rows[j].t;
                rows[i].ls = rows[j].ts;
                rows[i].limit_from = rows[j].name;
            }
        }
    }
}

static void put_flags(FILE *f, const struct row *r)
{
    const char *sep = "";
    if (!isnan(r->vs) && r->vs < ALTINJ_MICRO_BROKEN_LIMIT) {
        fprintf(f, "%sbroken-limit", sep);
        sep = ",";
    }
    const double ts = spread_pct(&r->ts), vs = spread_pct(&r->vss);
    if ((!isnan(ts) && ts > ALTINJ_MICRO_SPREAD_PCT) || (!isnan(vs) && vs > ALTINJ_MICRO_SPREAD_PCT)) {
        fprintf(f, "%sspread>%g%%", sep, ALTINJ_MICRO_SPREAD_PCT);
        sep = ",";
    }
    if (r->invalid == r->processes) {
        fprintf(f, "%sbelow-resolution", sep);
        sep = ",";
    } else if (r->invalid > 0) {
        fprintf(f, "%sbelow-resolution:%zu/%zu", sep, r->invalid, r->processes);
        sep = ",";
    }
    if (r->ratio_invalid)
        fprintf(f, "%sratio-below-resolution", sep);
}

static void write_row(FILE *f, const struct row *r)
{
    char label[256];
    label_of(r->name, label, sizeof label);
    altinj_mj_put_cell(f, r->name);
    fputc('\t', f);
    altinj_mj_put_cell(f, label);
    fputc('\t', f);
    put_num(f, r->t, "\t");
    put_num(f, r->c, "\t");
    put_num(f, r->lim, "\t");
    put_num(f, r->vs, "\t");
    put_num(f, r->it, "\t");
    fprintf(f, "%zu\t%s\t", r->processes - r->invalid, r->fig == FIG_MEAN ? "mean" : "median");
    char from[256];
    label_of(r->limit_from, from, sizeof from);
    altinj_mj_put_cell(f, from);
    fprintf(f, "\t%zu\t", r->processes);
    put_num(f, spread_pct(&r->ts), "\t");
    put_num(f, spread_pct(&r->ls), "\t");
    put_num(f, spread_pct(&r->vss), "\t");
    put_num(f, r->ts.min, "\t");
    put_num(f, r->ts.max, "\t");
    put_num(f, r->ls.min, "\t");
    put_num(f, r->ls.max, "\t");
    fprintf(f, "%s\t", r->invalid == r->processes ? "-" : figure_field[r->fig]);
    put_flags(f, r);
    fputc('\n', f);
}

/* A context string as a number ("10.015"), NaN when absent. */
static double ctx_num(json_t *ctx, const char *key)
{
    const char *s = altinj_mj_str_opt(ctx, key, "");
    char *end;
    const double v = strtod(s, &end);
    return end == s ? NAN : v;
}

static void write_header(FILE *f, json_t *const *docs, size_t n, size_t nprocs)
{
    fprintf(f,
            "# altinj-bench merge --micro: Google Benchmark results, one row per benchmark, over\n"
            "# %zu process(es)\n"
            "# time_ns: the median over processes of each process's per-operation median (the\n"
            "# benchmark's median_ns, else p50_ns; stat 'mean': a file with neither, mean per\n"
            "# operation); limit_ns: the same of the limit run beside it, from the counter the\n"
            "# benchmark paired with its figure (limit_ns, limit_p50_ns), or the family's\n"
            "# PREFIX/limit/ benchmark named in limit_from; vs_limit: median over processes of\n"
            "# the benchmark's own same-run ratio (so it need not equal time_ns / limit_ns);\n"
            "# cpu_ns: CPU time per operation (median); samples: processes with a valid figure,\n"
            "# processes: processes that ran it; *_spread_pct: (max - min) / median over\n"
            "# processes, percent; *_min_ns, *_max_ns: that range; time_from: the field;\n"
            "# flags: broken-limit (vs_limit < %g), spread>%g%%, below-resolution[:K/N] (a\n"
            "# stamped-sample figure under 10 clock steps: not a number), ratio-below-resolution.\n",
            nprocs, ALTINJ_MICRO_BROKEN_LIMIT, ALTINJ_MICRO_SPREAD_PCT);
    for (size_t d = 0; d < n; d++) {
        json_t *ctx = json_object_get(docs[d], "context");
        fprintf(f, "# machine: ");
        altinj_mj_put_cell(f, altinj_mj_str_opt(ctx, "host_name", "unknown host"));
        fprintf(f, ", %g cpus at %g MHz, library build ", altinj_mj_num_opt(ctx, "num_cpus"),
                altinj_mj_num_opt(ctx, "mhz_per_cpu"));
        altinj_mj_put_cell(f, altinj_mj_str_opt(ctx, "library_build_type", "unknown"));
        fprintf(f, ", date ");
        altinj_mj_put_cell(f, altinj_mj_str_opt(ctx, "date", "unknown"));
        fputc('\n', f);
        const double step = ctx_num(ctx, "altinj_clock_step_ns");
        if (!isnan(step)) {
            fprintf(f, "# clock: step %g ns (mode of consecutive deltas), minimum delta %g ns, "
                       "valid from %g ns per sample\n",
                    step, ctx_num(ctx, "altinj_clock_step_min_ns"),
                    ctx_num(ctx, "altinj_valid_from_ns"));
        }
    }
}

int altinj_merge_micro(FILE *f, json_t *const *docs, const char *const *files, size_t n,
                       char *err, size_t errlen)
{
    size_t cap = 0;
    for (size_t d = 0; d < n; d++)
        cap += json_array_size(json_object_get(docs[d], "benchmarks"));
    const size_t c1 = cap ? cap : 1;
    struct entry *e = calloc(c1, sizeof *e);
    struct proc *procs = calloc(c1 + n, sizeof *procs);
    size_t *idx = calloc(c1, sizeof *idx);
    double *scratch = calloc(c1, sizeof *scratch);
    double *pv = calloc(5 * (c1 + n), sizeof *pv);
    struct row *rows = calloc(c1, sizeof *rows);
    int rc = -1;
    if (!e || !procs || !idx || !scratch || !pv || !rows) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t m = 0, nprocs = 0;
    for (size_t d = 0; d < n; d++) {
        struct altinj_mj r = { .file = files[d], .err = err, .errlen = errlen };
        if (check(&r, docs[d], d, e, &m, procs, &nprocs) != 0)
            goto out;
    }
    write_header(f, docs, n, nprocs);
    for (size_t i = 0; i < m; i++)
        if (e[i].error) {
            fprintf(f, "# skipped (error): ");
            altinj_mj_put_cell(f, e[i].run_name);
            fprintf(f, ": ");
            altinj_mj_put_cell(f, altinj_mj_str_opt(e[i].b, "error_message", ""));
            fputc('\n', f);
        }
    fprintf(f, "%s\n", ALTINJ_MICRO_COLUMNS);
    size_t nrows = 0;
    for (size_t i = 0; i < m; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            if (strcmp(e[j].run_name, e[i].run_name) == 0)
                first = false;
        if (first && make_row(e, m, nprocs, e[i].run_name, &rows[nrows], idx, scratch, pv))
            nrows++;
    }
    sibling_limits(rows, nrows);
    for (size_t i = 0; i < nrows; i++)
        write_row(f, &rows[i]);
    rc = 0;
out:
    free(rows);
    free(pv);
    free(scratch);
    free(idx);
    free(procs);
    free(e);
    return rc;
}
