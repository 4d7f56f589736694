#include "altinj_compare_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_cli_once.h"
#include "altinj_outputs.h"
#include "altinj_compare_inputs.h"
#include "altinj_compare_load.h"
#include "altinj_compare_match.h"
#include "altinj_compare_out.h"
#include "altinj_compare_table.h"

#define ERR_LEN 2048

void altinj_compare_usage(FILE *f)
{
    fputs("usage: altinj-bench compare [--json OUT|-] [--metrics LIST] [--force] A B\n"
          "\n"
          "Compares two `altinj-bench run --json` results, before (A) and after (B) a change,\n"
          "the way Google Benchmark's compare.py does for microbenchmarks: for every strategy\n"
          "in both and every metric, A's median [95 % interval], B's, the change of B in % of\n"
          "A, the p-value and a verdict. A and B are each a result file, or each a folder: a\n"
          "sweep folder (DIR/points/*.json, scripts/sweep) or a report folder\n"
          "(DIR/sweep/points/*.json, scripts/report); points pair up by file name, and a point\n"
          "or a strategy on one side only is listed as such.\n"
          "\n"
          "Values come from each run's repetitions (run --repeat N); repetitions marked\n"
          "\"disturbed\" are left out (the output says how many, per strategy). A run from\n"
          "before repetitions counts as one repetition of its totals; a row with one\n"
          "repetition (or none kept) on a side says \"1 repetition: no test possible\" and has\n"
          "no p-value.\n"
          "\n"
          "Statistics (bench/runner/results/altinj_stats.h): the median and its percentile-\n"
          "bootstrap 95 % interval; a two-sided Mann-Whitney U test (exact without ties, as\n"
          "scipy.stats.mannwhitneyu method=\"auto\"); the p-values of every test printed for\n"
          "one pair of inputs (one family, all points of two folders included) Holm-adjusted;\n"
          "significant at adjusted p < 0.05. With five repetitions a side the smallest exact\n"
          "p is 2/252 = 0.0079, so at most six tests can reach significance: narrow --metrics,\n"
          "or repeat more.\n"
          "\n"
          "Verdicts (lower is the smaller number; which is better is the reader's call):\n"
          "  B lower, B higher            significant; the direction of B's median vs A's\n"
          "  no significant difference    tested, adjusted p >= 0.05\n"
          "  significant, equal medians   the samples differ, but not in their medians\n"
          "  1 repetition: no test possible\n"
          "                               a side has one kept repetition (an older file)\n"
          "  no values in A (or B): no test possible\n"
          "                               every repetition disturbed, or not measured\n"
          "\n"
          "Intervals and tests use a fixed seed: the same inputs print the same numbers.\n"
          "\n"
          "Metrics (--metrics, comma-separated; * = compared by default):\n",
          f);
    for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++)
        fprintf(f, "  %c %-26s %s\n", altinj_cmp_metrics[m].by_default ? '*' : ' ',
                altinj_cmp_metrics[m].name, altinj_cmp_metrics[m].what);
    fputs("\n"
          "Options:\n"
          "  --json OUT|-     also write the comparison as JSON (written whole or not at all);\n"
          "                   - writes it to stdout instead of the text. Fields: a, b (the\n"
          "                   inputs), inputs (each side's path, folder, points_dir, files,\n"
          "                   modes), tests (the Holm family's size), alpha, warnings, only\n"
          "                   ([{point, strategy, side}]; strategy null: the whole point), rows\n"
          "                   ([{point (null for two files), strategy, metric, a and b:\n"
          "                   {median, ci95: [lo, hi], n (kept), disturbed}, change_pct,\n"
          "                   p_value (raw), p_holm, significant, direction (lower, higher:\n"
          "                   B's median vs A's when significant; else none), verdict,\n"
          "                   difference: {median, ci95} of B - A (bootstrap), or null}]);\n"
          "                   null where a figure does not exist. OUT must not be an input.\n"
          "  --metrics LIST   the metrics to compare (default: the five marked *)\n"
          "  --force          compare inputs whose workload, cost profile, mode (sim or live),\n"
          "                   premises (busy premise, softint copy) or faults differ; a warning\n"
          "                   line names what differs. Without it such inputs are refused.\n"
          "  -h, --help       this text\n"
          "\n"
          "Output: a line per input (file or folder, sim or live, repetitions, and for files\n"
          "the workload, cost profile, premises and faults), the aligned table, then what the\n"
          "p-values were corrected over, the disturbed repetitions left out, and what was on\n"
          "one side only.\n"
          "\n"
          "Exit status: 0 compared (whatever the verdicts); 1 out of memory; 3 an output could\n"
          "not be written (the file and the system's reason; the JSON file left as it was);\n"
          "2 bad usage (a flag twice, a bad input (missing, not JSON, not an altinj-bench result, a\n"
          "run without a strategy, a repetition with a non-numeric value: one line names the\n"
          "file and the field), inputs that differ without --force, a file compared with a\n"
          "folder, or an OUT that is an input or cannot be written).\n",
          f);
}

static int fail(int status, const char *msg)
{
    fprintf(stderr, "altinj-bench compare: %s\n", msg);
    return status;
}

/* LIST into metrics[]: known names, each once. */
static int parse_metrics(const char *list, enum altinj_cmp_metric *metrics, size_t *n,
                         char *err, size_t errlen)
{
    *n = 0;
    for (const char *p = list;;) {
        const size_t len = strcspn(p, ",");
        size_t m = 0;
        while (m < ALTINJ_CMP_NMETRICS && (strlen(altinj_cmp_metrics[m].name) != len ||
                                           strncmp(altinj_cmp_metrics[m].name, p, len) != 0))
            m++;
        if (m == ALTINJ_CMP_NMETRICS) {
            int w = snprintf(err, errlen, "--metrics: '%.*s' is not a metric (one of", (int)len,
                             p);
            for (size_t k = 0; k < ALTINJ_CMP_NMETRICS && w >= 0 && (size_t)w < errlen; k++)
                w += snprintf(err + w, errlen - (size_t)w, "%s %s", k ? "," : "",
                              altinj_cmp_metrics[k].name);
            if (w >= 0 && (size_t)w < errlen)
                snprintf(err + w, errlen - (size_t)w, ")");
            return -1;
        }
        for (size_t k = 0; k < *n; k++)
            if (metrics[k] == (enum altinj_cmp_metric)m) {
                snprintf(err, errlen, "--metrics: '%s' listed twice", altinj_cmp_metrics[m].name);
                return -1;
            }
        metrics[(*n)++] = (enum altinj_cmp_metric)m;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

struct compare {
    struct altinj_cmp_side a, b;
    struct altinj_cmp_file *fa, *fb;
    struct altinj_cmp_table t;
    char **warnings;
    size_t nwarnings;
};

static void compare_free(struct compare *c)
{
    for (size_t i = 0; c->fa && i < c->a.n; i++)
        altinj_cmp_file_free(&c->fa[i]);
    for (size_t i = 0; c->fb && i < c->b.n; i++)
        altinj_cmp_file_free(&c->fb[i]);
    free(c->fa);
    free(c->fb);
    for (size_t i = 0; i < c->nwarnings; i++)
        free(c->warnings[i]);
    free(c->warnings);
    altinj_cmp_table_free(&c->t);
    altinj_cmp_side_free(&c->a);
    altinj_cmp_side_free(&c->b);
}

/* Loads every file of a side. Returns 0, or the exit status with err set. */
static int load_side(const struct altinj_cmp_side *s, struct altinj_cmp_file **files,
                     char *err, size_t errlen)
{
    if (!(*files = calloc(s->n, sizeof **files))) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < s->n; i++) {
        const int rc = altinj_cmp_file_load(s->paths[i], &(*files)[i], err, errlen);
        if (rc != 0)
            return rc == -2 ? 1 : 2;
    }
    return 0;
}

/* One pair of files: refused when they differ (unless forced), else its rows. */
static int add_pair(struct compare *c, const char *point, size_t ia, size_t ib, bool force,
                    const enum altinj_cmp_metric *metrics, size_t nmetrics, char *err,
                    size_t errlen)
{
    const struct altinj_cmp_file *a = &c->fa[ia], *b = &c->fb[ib];
    char what[1536];
    if (altinj_cmp_differences(a, b, what, sizeof what)) {
        if (!force) {
            snprintf(err, errlen,
                     "%s and %s differ in %s; pass --force to compare them anyway", a->path,
                     b->path, what);
            return 2;
        }
        char line[ERR_LEN];
        snprintf(line, sizeof line, "%s and %s differ in %s: compared anyway (--force)",
                 a->path, b->path, what);
        char **w = realloc(c->warnings, (c->nwarnings + 1) * sizeof *w);
        if (!w || !(w[c->nwarnings] = strdup(line))) {
            if (w)
                c->warnings = w;
            snprintf(err, errlen, "out of memory");
            return 1;
        }
        c->warnings = w;
        c->nwarnings++;
    }
    if (altinj_cmp_table_add_pair(&c->t, point, a, b, metrics, nmetrics) != 0) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    return 0;
}

/* Every pair of the two sides (two files: the one pair; two folders: by point name). */
static int build(struct compare *c, bool force, const enum altinj_cmp_metric *metrics,
                 size_t nmetrics, char *err, size_t errlen)
{
    if (!c->a.folder)
        return add_pair(c, NULL, 0, 0, force, metrics, nmetrics, err, errlen);
    for (size_t i = 0; i < c->a.n; i++) {
        const long k = altinj_cmp_side_find(&c->b, c->a.names[i]);
        const int rc = k < 0 ? (altinj_cmp_table_add_only(&c->t, c->a.names[i], true) ? 1 : 0)
                             : add_pair(c, c->a.names[i], i, (size_t)k, force, metrics,
                                        nmetrics, err, errlen);
        if (rc == 1 && !*err)
            snprintf(err, errlen, "out of memory");
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < c->b.n; i++)
        if (altinj_cmp_side_find(&c->a, c->b.names[i]) < 0 &&
            altinj_cmp_table_add_only(&c->t, c->b.names[i], false) != 0) {
            snprintf(err, errlen, "out of memory");
            return 1;
        }
    return 0;
}

static int write_outputs(const struct compare *c, const char *json, struct altinj_outputs *outs,
                         char *err, size_t errlen)
{
    const struct altinj_cmp_report r = {
        .a = &c->a, .b = &c->b, .fa = c->fa, .fb = c->fb, .t = &c->t,
        .warnings = c->warnings, .nwarnings = c->nwarnings,
    };
    for (size_t i = 0; i < c->nwarnings; i++)
        fprintf(stderr, "altinj-bench compare: warning: %s\n", c->warnings[i]);
    const bool json_stdout = json && strcmp(json, "-") == 0;
    if (!json_stdout && (altinj_cmp_write_text(stdout, &r) != 0 || fflush(stdout) != 0)) {
        snprintf(err, errlen, "cannot write the report to stdout: %s", strerror(errno ? errno : EIO));
        return ALTINJ_EXIT_WRITE;
    }
    if (json_stdout) {
        if (altinj_cmp_write_json(stdout, &r) != 0 || fflush(stdout) != 0) {
            snprintf(err, errlen, "cannot write the JSON to stdout: %s",
                     strerror(errno ? errno : EIO));
            return ALTINJ_EXIT_WRITE;
        }
    } else if (json) {
        /* Through the output rule (altinj_outputs.h): a device is written through, never
         * renamed over. */
        if (altinj_outputs_open(outs, err, errlen) != 0)
            return ALTINJ_EXIT_WRITE;
        altinj_cmp_write_json(altinj_outputs_stream(outs, 0), &r);
        if (altinj_outputs_commit(outs, err, errlen) != 0)
            return ALTINJ_EXIT_WRITE;
    }
    return 0;
}

static int run_compare(const char *pa, const char *pb, const char *json, bool force,
                       const enum altinj_cmp_metric *metrics, size_t nmetrics, char *err,
                       size_t errlen)
{
    struct compare c = { 0 };
    struct altinj_outputs *outs = NULL;
    int rc = altinj_cmp_side_open(pa, &c.a, err, errlen);
    if (rc == 0 && (rc = altinj_cmp_side_open(pb, &c.b, err, errlen)) != 0)
        altinj_cmp_side_free(&c.a);
    if (rc != 0)
        return rc == -2 ? 1 : 2;
    if (c.a.folder != c.b.folder) {
        snprintf(err, errlen, "%s is a %s and %s a %s: compare two result files or two folders",
                 pa, c.a.folder ? "folder" : "file", pb, c.b.folder ? "folder" : "file");
        rc = 2;
        goto out;
    }
    /* Before anything is read or printed: an output that would replace an input, or that
     * cannot be written, is bad usage. */
    if (json && strcmp(json, "-") != 0) {
        if (altinj_cmp_side_holds(&c.a, json) || altinj_cmp_side_holds(&c.b, json)) {
            snprintf(err, errlen, "--json %s: is one of the inputs; refusing to overwrite it",
                     json);
            rc = 2;
            goto out;
        }
        outs = altinj_outputs_new();
        if (!outs || altinj_outputs_add(outs, "--json", json, err, errlen) < 0 ||
            altinj_outputs_add_input(outs, "A", pa, err, errlen) != 0 ||
            altinj_outputs_add_input(outs, "B", pb, err, errlen) != 0 ||
            altinj_outputs_check(outs, err, errlen) != 0) {
            if (!outs)
                snprintf(err, errlen, "out of memory");
            rc = outs ? 2 : 1;
            goto out;
        }
    }
    if ((rc = load_side(&c.a, &c.fa, err, errlen)) != 0 ||
        (rc = load_side(&c.b, &c.fb, err, errlen)) != 0 ||
        (rc = build(&c, force, metrics, nmetrics, err, errlen)) != 0)
        goto out;
    if (altinj_cmp_table_finish(&c.t) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = 1;
        goto out;
    }
    rc = write_outputs(&c, json, outs, err, errlen);
out:
    altinj_outputs_free(outs);
    compare_free(&c);
    return rc;
}

int altinj_compare_command(int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_METRICS, OPT_FORCE };
    static const struct option longopts[] = {
        { "json", required_argument, NULL, OPT_JSON },
        { "metrics", required_argument, NULL, OPT_METRICS },
        { "force", no_argument, NULL, OPT_FORCE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *json = NULL;
    bool force = false;
    bool seen[OPT_FORCE + 1] = {false}; /* --json only: --metrics may be given again */
    enum altinj_cmp_metric metrics[ALTINJ_CMP_NMETRICS];
    size_t nmetrics = 0;
    for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++)
        if (altinj_cmp_metrics[m].by_default)
            metrics[nmetrics++] = (enum altinj_cmp_metric)m;
    char err[ERR_LEN] = "";
    optind = 0; /* glibc: a full reset, so a parse left inside "-hq" leaves no stale state */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            if (altinj_cli_once(seen, sizeof seen / sizeof seen[0], c, longopts, err,
                                sizeof err) != 0)
                return fail(2, err);
            json = optarg;
            break;
        case OPT_METRICS:
            if (parse_metrics(optarg, metrics, &nmetrics, err, sizeof err) != 0)
                return fail(2, err);
            break;
        case OPT_FORCE:
            force = true;
            break;
        case 'h':
            altinj_compare_usage(stdout);
            return 0;
        case ':':
            snprintf(err, sizeof err, "%s needs a value", argv[optind - 1]);
            return fail(2, err);
        default:
            snprintf(err, sizeof err, "unknown option '%s' (see altinj-bench compare --help)",
                     argv[optind - 1]);
            return fail(2, err);
        }
    }
    if (argc - optind != 2) {
        snprintf(err, sizeof err, "expected two inputs, A and B, got %d (see --help)",
                 argc - optind);
        return fail(2, err);
    }
    if (json && !*json)
        return fail(2, "--json: empty path");
    const int rc = run_compare(argv[optind], argv[optind + 1], json, force, metrics, nmetrics,
                               err, sizeof err);
    return rc ? fail(rc, err) : 0;
}
