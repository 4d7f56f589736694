#include "altinj_merge_micro.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_merge_json.h"

struct entry {
    json_t *b;
    const char *run_name;
    bool aggregate_median;
    bool error;
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

static int check(struct altinj_mj *r, json_t *doc, struct entry *out, size_t *m)
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

struct row {
    const char *name;
    double t, c, lim, vs, it, samples;
    bool median;
    const char *limit_from; /* "counter", a sibling's name, or "" */
};

/* One benchmark's row: its median aggregate if there is one, else the mean of its iteration
 * entries. Returns false when it has no usable entry (all errors). */
static bool make_row(const struct entry *e, size_t n, const char *run_name, struct row *r)
{
    bool median = false;
    for (size_t i = 0; i < n; i++)
        if (!e[i].error && e[i].aggregate_median && strcmp(e[i].run_name, run_name) == 0)
            median = true;
    double t = 0, c = 0, lim = 0, vs = 0, it = 0, reps = NAN;
    size_t k = 0, klim = 0, kvs = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].error || e[i].aggregate_median != median || strcmp(e[i].run_name, run_name))
            continue;
        json_t *b = e[i].b;
        const double u = unit_ns(altinj_mj_str_opt(b, "time_unit", "ns"));
        t += json_number_value(json_object_get(b, "real_time")) * u;
        c += json_number_value(json_object_get(b, "cpu_time")) * u;
        it += json_number_value(json_object_get(b, "iterations"));
        const double l = altinj_mj_num_opt(b, "limit_ns"), v = altinj_mj_num_opt(b, "vs_limit");
        if (!isnan(l))
            lim += l, klim++;
        if (!isnan(v))
            vs += v, kvs++;
        if (median)
            reps = altinj_mj_num_opt(b, "repetitions");
        k++;
    }
    if (k == 0)
        return false;
    *r = (struct row){
        .name = run_name,
        .t = t / (double)k,
        .c = c / (double)k,
        .lim = klim ? lim / (double)klim : NAN,
        .vs = kvs ? vs / (double)kvs : NAN,
        .it = it / (double)k,
        .samples = median ? (isnan(reps) ? 1 : reps) : (double)k,
        .median = median,
        .limit_from = klim ? "counter" : "",
    };
    return true;
}

/* A benchmark with a vs_limit counter but no limit_ns was compared with a separate limit
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
                rows[i].limit_from = rows[j].name;
            }
        }
    }
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
    put_num(f, r->samples, r->median ? "\tmedian\t" : "\tmean\t");
    char from[256];
    label_of(r->limit_from, from, sizeof from);
    altinj_mj_put_cell(f, from);
    fputc('\n', f);
}

int altinj_merge_micro(FILE *f, json_t *const *docs, const char *const *files, size_t n,
                       char *err, size_t errlen)
{
    size_t cap = 0;
    for (size_t d = 0; d < n; d++)
        cap += json_array_size(json_object_get(docs[d], "benchmarks"));
    struct entry *e = calloc(cap ? cap : 1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t m = 0;
    for (size_t d = 0; d < n; d++) {
        struct altinj_mj r = { .file = files[d], .err = err, .errlen = errlen };
        if (check(&r, docs[d], e, &m) != 0) {
            free(e);
            return -1;
        }
    }
    fprintf(f, "# altinj-bench merge --micro: Google Benchmark results, one row per benchmark\n"
               "# time_ns: real (or manual) time per operation, ns; cpu_ns: CPU time per\n"
               "# operation; limit_ns: the physical limit run beside it (NaN: none);\n"
               "# vs_limit: the benchmark's own measured / limit counter (same run); stat:\n"
               "# median of `samples` repetitions, or mean of `samples` iteration entries;\n"
               "# limit_from: counter (limit_ns counter), or the limit benchmark of the family\n"
               "# (PREFIX/limit/...) whose time is limit_ns; empty: no limit.\n");
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
    }
    for (size_t i = 0; i < m; i++)
        if (e[i].error) {
            fprintf(f, "# skipped (error): ");
            altinj_mj_put_cell(f, e[i].run_name);
            fprintf(f, ": ");
            altinj_mj_put_cell(f, altinj_mj_str_opt(e[i].b, "error_message", ""));
            fputc('\n', f);
        }
    fprintf(f, "%s\n", ALTINJ_MICRO_COLUMNS);
    struct row *rows = calloc(m ? m : 1, sizeof *rows);
    if (!rows) {
        free(e);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t nrows = 0;
    for (size_t i = 0; i < m; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            if (strcmp(e[j].run_name, e[i].run_name) == 0)
                first = false;
        if (first && make_row(e, m, e[i].run_name, &rows[nrows]))
            nrows++;
    }
    sibling_limits(rows, nrows);
    for (size_t i = 0; i < nrows; i++)
        write_row(f, &rows[i]);
    free(rows);
    free(e);
    return 0;
}
