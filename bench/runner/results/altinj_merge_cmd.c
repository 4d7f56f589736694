#include "altinj_merge_cmd.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_cli_once.h"
#include "altinj_merge_check.h"
#include "altinj_outputs.h"
#include "altinj_path_short.h"
#include "altinj_merge_cross.h"
#include "altinj_repetitions.h"
#include "altinj_merge_json.h"
#include "altinj_merge_micro.h"

#define ERR_LEN 1024

/* The table's columns, in order, with what each means: the usage text and the header line
 * are both printed from this list, so they cannot drift apart. write_run() prints the cells
 * in the same order (tests/test_report.sh checks every row has as many cells as the header). */
static const char *const columns[][2] = {
    { "point", "result file name without .json (one sweep point)" },
    { "mode", "live (real threads) or sim (deterministic simulation)" },
    { "workload", "workload kind: timer, poisson, burst, ipi, trace, kvmexit" },
    { "rate", "arrivals/s: the workload's rate= (timer hz=; burst: in-burst rate; NaN: trace, "
              "kvmexit)" },
    { "busy", "BUSY fraction: probability a VMEXIT cuts an event's first delivery (kvmexit with "
              "intr_info: the trace's BUSY cases over its events)" },
    { "exc", "fraction of #PF/#VC exception events" },
    { "costs", "cost profile name" },
    { "vcpus", "vCPUs simulated (1 in live mode)" },
    { "seed", "arrival seed" },
    { "faults", "hostile-hypervisor fault spec, canonical (run --faults; none: fault-free)" },
    { "strategy", "the row: reactive, hvdb-flag, unconditional, paravisor, HV+SVSM or a mutant-"
                  " row (run --help)" },
    { "events", "events posted: host interrupts and the guest's own exc=/soft= events, each "
                "counted once by the oracle (also when its vector coalesced: coalesced)" },
    { "delivered", "events delivered to the guest handler" },
    { "lost", "posted but never delivered" },
    { "duplicated", "delivered more than once" },
    { "exactly_once", "1 when every event was delivered exactly once, else 0" },
    { "guest_sees", "what the guest would see: nothing, delay, stall, panic, lost, duplicated, "
                    "double-run (run --help)" },
    { "dr_prevented", "second-CPU VMRUNs of the VMSA (double-vmrun) that failed: on BUSY, or "
                      "on EFER.SVME clear (VMEXIT_INVALID; those also in dr_prevented_svme)" },
    { "dr_violations", "VMRUNs that found the VMSA already running on another CPU" },
    { "lat_min_us", "latency (handled - intended arrival), us: minimum" },
    { "lat_p50_us", "latency, us: 50th percentile" },
    { "lat_p90_us", "latency, us: 90th percentile" },
    { "lat_p99_us", "latency, us: 99th percentile" },
    { "lat_p999_us", "latency, us: 99.9th percentile" },
    { "lat_p9999_us", "latency, us: 99.99th percentile" },
    { "lat_max_us", "latency, us: maximum" },
    { "lat_mean_us", "latency, us: mean" },
    { "redeliv_p50_us", "BUSY exit -> re-delivery, us: 50th percentile" },
    { "redeliv_p99_us", "BUSY exit -> re-delivery, us: 99th percentile" },
    { "redeliv_max_us", "BUSY exit -> re-delivery, us: maximum" },
    { "exits_per_1k", "guest exits per 1000 delivered events (a failed VMRUN not included)" },
    { "vmruns_per_1k", "VMRUN attempts per 1000 delivered events (failed ones included)" },
    { "failed_vmruns_per_1k", "failed VMRUNs (VMEXIT_BUSY) per 1000 delivered events" },
    { "svsm_entries_per_1k", "SVSM (VMPL0) runs per 1000 delivered events" },
    { "doorbell_writes_per_1k", "#HV doorbell page writes per 1000 delivered events" },
    { "busy_events_per_1k", "exits that cut a delivery (EXITINTINFO.V=1) per 1000 delivered "
                            "events" },
    { "hv_ns_per_exit", "hypervisor time per guest exit, ns" },
    { "svsm_ns_per_entry", "SVSM time per entry, ns" },
    { "overhead_ns_per_irq", "hypervisor + SVSM time per delivered interrupt, ns" },
    { "elapsed_s", "run time of this strategy, s" },
    { "cpus", "CPUs of the machine that ran the point" },
    { "host", "that machine: uname nodename, machine, release" },
    { "workload_spec", "the full canonical workload spec" },
    /* Added with the policy rows and the model premises: at the end, so the columns above
     * keep their positions. Optional in files written before them (no "model" object). */
    { "premise", "who sets BUSY when a VMEXIT cuts a delivery: hardware or software (run "
                 "--busy-premise; model.busy_premise; files without it: hardware)" },
    { "softint_copy", "what a cut INTn/INT3/INTO copied into EVENTINJ does: rerun or advance "
                      "(run --softint-copy; model.softint_copy; files without it: rerun)" },
    { "hv_policy", "the row's hypervisor policy: never, exitintinfo, flag, every-exit (empty "
                   "in files without it)" },
    { "svsm_policy", "the row's SVSM policy: coconut, flag-only, openhcl or a mutant's (empty "
                     "in files without it)" },
    { "world_switches_per_1k", "world switches per 1000 delivered events: exits + VMRUN "
                               "attempts + 2 per VMPL0 run (files without it: the same sum "
                               "of the columns above)" },
    { "eoi_exits_per_1k", "explicit EOIs (a guest exit to VMPL0 each) per 1000 delivered "
                          "events; lazy EOIs cost none (NaN in files without it)" },
    { "coalesced", "events carried by an interrupt another post of the same vector presented "
                   "(one IRR bit); each still counted once (NaN in files without it)" },
    { "dr_prevented_svme", "of dr_prevented: second-CPU VMRUNs that failed because EFER.SVME "
                           "was clear (COCONUT's pass) (0 in files without it)" },
    /* Added with repetitions (run --repeat): the figures above pool every repetition; these
     * are the medians over the repetitions kept and their bootstrap 95 % intervals. */
    { "repeat", "repetitions run (run --repeat; 1 in files without it)" },
    { "reps_kept", "repetitions kept (not disturbed) in the summaries and tests" },
    { "lat_p50_us_med", "median over the repetitions of the p50 latency, us (files without "
                        "repetitions: the run's value; _lo/_hi NaN)" },
    { "lat_p50_us_lo", "its bootstrap 95 % interval, low end" },
    { "lat_p50_us_hi", "its bootstrap 95 % interval, high end" },
    { "lat_p99_us_med", "median over the repetitions of the p99 latency, us" },
    { "lat_p99_us_lo", "interval, low end" },
    { "lat_p99_us_hi", "interval, high end" },
    { "lat_p999_us_med", "median over the repetitions of the p99.9 latency, us" },
    { "lat_p999_us_lo", "interval, low end" },
    { "lat_p999_us_hi", "interval, high end" },
    { "overhead_ns_per_irq_med", "median over the repetitions of the overhead per interrupt, "
                                 "ns" },
    { "overhead_ns_per_irq_lo", "interval, low end" },
    { "overhead_ns_per_irq_hi", "interval, high end" },
    { "world_switches_per_1k_med", "median over the repetitions of the world switches per "
                                   "1000" },
    { "world_switches_per_1k_lo", "interval, low end" },
    { "world_switches_per_1k_hi", "interval, high end" },
    /* Added with the noise floor: live only (NaN in sim and in files without them). */
    { "noise_gaps_over_100us_per_s", "the point's noise probe beside its live runs: gaps over "
                                     "100 us per second per CPU" },
    { "noise_worst_gap_us", "the probe's longest gap, us" },
    { "noise_lost_cpu_pct", "CPU time the probe lost in gaps over 10 us, percent" },
    { "vcpu_cpu_share", "the vCPU thread's lowest CPU share over the repetitions (a spinning "
                        "thread on its own CPU: 1)" },
    { "vcpu_nivcsw", "the vCPU thread's involuntary context switches, summed over the "
                     "repetitions" },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* One column of the usage table: the name, then its text wrapped at word boundaries to 92
 * characters, continuation lines under the text. */
static void put_column(FILE *f, const char *name, const char *text)
{
    enum { INDENT = 27, WIDTH = 92 };
    fprintf(f, "  %-24s ", name);
    size_t col = INDENT;
    for (const char *p = text; *p;) {
        const size_t n = strcspn(p, " ");
        if (col > INDENT && col + 1 + n > WIDTH) {
            fprintf(f, "\n%*s", INDENT, "");
            col = INDENT;
        } else if (col > INDENT) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)n, p);
        col += n;
        p += n;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

void altinj_merge_usage(FILE *f)
{
    fputs("usage: altinj-bench merge [--crossovers FILE] [--comparisons FILE] OUT.tsv IN.json...\n"
          "       altinj-bench merge --micro OUT.tsv IN.json...\n"
          "\n"
          "Merges `altinj-bench run --json` result files into one tab-separated table, one row\n"
          "per (file, strategy), for gnuplot (plots/*.gp) and scripts/report. Rows are sorted by\n"
          "mode, workload, cost profile, vCPUs, BUSY fraction, rate, premise, softint copy,\n"
          "file name; within a file they keep the run order. Comment lines (#) first: the\n"
          "machines, the cost profiles with their sources (# source PROFILE FIGURE: TEXT), each\n"
          "strategy row's source (# source STRATEGY: TEXT), the model's assumptions. Then one\n"
          "line of column names:\n"
          "\n",
          f);
    for (size_t i = 0; i < NCOLUMNS; i++)
        put_column(f, columns[i][0], columns[i][1]);
    fputs("\n"
          "  --crossovers FILE   also write where two strategies swap order in\n"
          "                      overhead_ns_per_irq as busy grows (same mode, workload, rate,\n"
          "                      costs, vcpus, premise, softint_copy; linear interpolation\n"
          "                      between sweep points; fault-free points only; with\n"
          "                      repetitions, an order counts only where the point's test\n"
          "                      of the pair's overhead is significant)\n"
          "  --comparisons FILE  also write every point's comparisons[] (run --repeat): one\n"
          "                      row per pair of strategies and metric, keyed like the table,\n"
          "                      with p_value, p_holm, significant, effect, ci_lo, ci_hi\n"
          "  --micro             inputs are Google Benchmark JSON (altinj-micro\n"
          "                      --benchmark_format=json), one file per process (or one\n"
          "                      scripts/micro-runs file): one row per benchmark, medians\n"
          "                      over the processes, columns name, label, time_ns, cpu_ns,\n"
          "                      limit_ns, vs_limit, iterations, samples, stat, limit_from,\n"
          "                      processes, time_spread_pct, limit_spread_pct,\n"
          "                      vs_limit_spread_pct, time_min_ns, time_max_ns, limit_min_ns,\n"
          "                      limit_max_ns, time_from, flags (see the table's header\n"
          "                      comments)\n"
          "  -h, --help          this text\n"
          "\n"
          "Exit status: 0 written; 1 out of memory; 2 bad usage (a flag twice, OUT.tsv missing or\n"
          "ending in .json or holding JSON, an output that is an input or another output, or\n"
          "that cannot be created: the output rule of altinj-bench run --help), or a bad input\n"
          "(missing, not JSON, the same file twice, a field missing, a count negative or not an\n"
          "integer, delivered or lost above events, an unknown strategy, exactly_once true\n"
          "beside a loss, a duplicate, fatal or stalled: one line names the file and the\n"
          "field); 3 an output could not be written (disk full...: the file and the system's\n"
          "reason; no output changed). A file with a \"model\" object (written with the\n"
          "premises) must have every field of the last eight columns; older files need none.\n"
          "Nothing is written unless every input is good.\n",
          f);
}

static int fail(int status, const char *msg)
{
    fprintf(stderr, "altinj-bench merge: %s\n", msg);
    return status;
}

/* ---- the sweep table ---- */

struct point {
    const char *file;
    json_t *doc;
    char name[256];
    char kind[32];
    const char *spec, *mode, *costs;
    const char *faults; /* canonical fault spec; "none" for files from before --faults */
    const char *premise, *softint; /* model premises; hardware / rerun for older files */
    bool policies; /* written with the policy rows and premises ("model" present) */
    double rate, busy, exc, vcpus;
};

/* key=value from a canonical workload spec "kind:k=v,k=v", NaN when absent. */
static double spec_param(const char *spec, const char *key)
{
    const char *p = strchr(spec, ':');
    const size_t k = strlen(key);
    while (p) {
        p++;
        if (strncmp(p, key, k) == 0 && p[k] == '=')
            return strtod(p + k + 1, NULL);
        p = strchr(p, ',');
    }
    return NAN;
}

/* The spec without busy= and seed=: the crossover group (what must be equal for two
 * overheads to be compared). */
static void spec_without_busy(const char *spec, char *out, size_t len)
{
    const char *colon = strchr(spec, ':');
    const size_t klen = colon ? (size_t)(colon - spec) + 1 : strlen(spec);
    size_t o = (size_t)snprintf(out, len, "%.*s", (int)klen, spec);
    if (o >= len)
        return;
    bool first = true;
    for (const char *p = colon ? colon + 1 : spec + klen; *p;) {
        const size_t n = strcspn(p, ",");
        if (strncmp(p, "busy=", 5) != 0 && strncmp(p, "seed=", 5) != 0) {
            const int w = snprintf(out + o, len - o, "%s%.*s", first ? "" : ",", (int)n, p);
            if (w < 0 || (size_t)w >= len - o)
                return; /* truncated (a spec over 1 KiB): its start still tells groups apart */
            o += (size_t)w;
            first = false;
        }
        p += n;
        if (*p == ',')
            p++;
    }
}

static void base_name(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    snprintf(out, len, "%s", slash ? slash + 1 : path);
    const size_t n = strlen(out);
    if (n > 5 && strcmp(out + n - 5, ".json") == 0)
        out[n - 5] = '\0';
}

static int cmp_num(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return a < b ? -1 : a > b;
}

static int cmp_point(const void *pa, const void *pb)
{
    const struct point *a = pa, *b = pb;
    int c;
    if ((c = strcmp(a->mode, b->mode)) || (c = strcmp(a->kind, b->kind)) ||
        (c = strcmp(a->costs, b->costs)) || (c = cmp_num(a->vcpus, b->vcpus)) ||
        (c = cmp_num(a->busy, b->busy)) || (c = cmp_num(a->rate, b->rate)) ||
        (c = strcmp(a->premise, b->premise)) || (c = strcmp(a->softint, b->softint)))
        return c;
    return strcmp(a->name, b->name);
}

/* Validates one result document; fills what the sort and the rows need. */
static int check_point(struct point *p, char *err, size_t errlen)
{
    struct altinj_mj r = { .file = p->file, .err = err, .errlen = errlen };
    base_name(p->file, p->name, sizeof p->name);
    p->spec = altinj_mj_str(&r, p->doc, "", "workload");
    p->faults = altinj_mj_str_opt(p->doc, "faults", "none");
    p->mode = altinj_mj_str(&r, p->doc, "", "mode");
    json_t *costs = altinj_mj_object(&r, p->doc, "", "costs");
    p->costs = altinj_mj_str(&r, costs, "costs", "name");
    json_t *machine = altinj_mj_object(&r, p->doc, "", "machine");
    altinj_mj_num(&r, machine, "machine", "cpus");
    altinj_mj_str(&r, machine, "machine", "host");
    altinj_mj_num(&r, p->doc, "", "seed");
    json_t *runs = altinj_mj_array(&r, p->doc, "", "runs");
    /* The premises and the policy fields came together: a file with "model" has them all. */
    p->policies = json_object_get(p->doc, "model") != NULL;
    p->premise = "hardware";
    p->softint = "rerun";
    if (p->policies) {
        json_t *model = altinj_mj_object(&r, p->doc, "", "model");
        p->premise = altinj_mj_str(&r, model, "model", "busy_premise");
        p->softint = altinj_mj_str(&r, model, "model", "softint_copy");
    }
    if (r.failed)
        return -1;
    if (json_array_size(runs) == 0) {
        snprintf(err, errlen, "%s: runs: empty (no strategy ran)", p->file);
        return -1;
    }
    snprintf(p->kind, sizeof p->kind, "%.*s", (int)strcspn(p->spec, ":"), p->spec);
    p->rate = spec_param(p->spec, "rate");
    if (isnan(p->rate))
        p->rate = spec_param(p->spec, "hz");
    p->busy = spec_param(p->spec, "busy");
    json_t *kx = json_object_get(p->doc, "kvmexit");
    if (isnan(p->busy) && json_is_object(kx) &&
        json_is_true(json_object_get(kx, "intr_info"))) {
        /* A replay with intr_info has no busy=: its cut share is the trace's, the BUSY cases
         * (V=1 exits that cut an interrupt or a guest event) over the events they are of. */
        const double cuts =
            (double)(json_integer_value(json_object_get(kx, "cut_interrupts")) +
                     json_integer_value(json_object_get(kx, "cut_guest_events")));
        const double events = cuts + (double)json_integer_value(
                                         json_object_get(kx, "interrupt_posts"));
        p->busy = events > 0 ? cuts / events : NAN;
    }
    if (isnan(p->busy))
        p->busy = 0.05; /* the workload default (workloads/README.md) */
    p->exc = spec_param(p->spec, "exc");
    if (isnan(p->exc))
        p->exc = 0;
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run)
    {
        char w[32];
        snprintf(w, sizeof w, "runs[%zu]", i);
        if (!json_is_object(run)) {
            snprintf(err, errlen, "%s: %s: not an object", p->file, w);
            return -1;
        }
        altinj_mj_str(&r, run, w, "strategy");
        static const char *const ints[] = { "events", "delivered", "lost", "duplicated" };
        for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++)
            altinj_mj_num(&r, run, w, ints[k]);
        if (!r.failed && !json_is_boolean(json_object_get(run, "exactly_once"))) {
            snprintf(err, errlen, "%s: %s.exactly_once: missing or not a boolean", p->file, w);
            return -1;
        }
        static const char *const lat[] = { "min", "p50", "p90", "p99", "p999", "p9999", "max",
                                           "mean" };
        for (size_t k = 0; k < sizeof lat / sizeof lat[0]; k++)
            altinj_mj_num2(&r, run, w, "latency_ns", lat[k]);
        static const char *const red[] = { "p50", "p99", "max" };
        for (size_t k = 0; k < sizeof red / sizeof red[0]; k++)
            altinj_mj_num2(&r, run, w, "busy_redelivery_ns", red[k]);
        static const char *const per[] = { "exits", "vmruns", "failed_vmruns", "svsm_entries",
                                           "doorbell_writes", "busy_events" };
        for (size_t k = 0; k < sizeof per / sizeof per[0]; k++)
            altinj_mj_num2(&r, run, w, "per_1000", per[k]);
        static const char *const ov[] = { "hypervisor_per_exit", "svsm_per_entry",
                                          "total_per_interrupt" };
        for (size_t k = 0; k < sizeof ov / sizeof ov[0]; k++)
            altinj_mj_num2(&r, run, w, "overhead_ns", ov[k]);
        altinj_mj_num(&r, run, w, "elapsed_s");
        if (p->policies) {
            static const char *const strs[] = { "hypervisor_policy", "svsm_policy", "source" };
            for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
                altinj_mj_str(&r, run, w, strs[k]);
            altinj_mj_num2(&r, run, w, "per_1000", "world_switches");
            altinj_mj_num2(&r, run, w, "per_1000", "eoi_exits");
            altinj_mj_num2(&r, run, w, "counts", "coalesced");
            altinj_mj_num3(&r, run, w, "faults", "double_vmrun", "prevented_by_svme");
        }
        if (i == 0)
            p->vcpus = altinj_mj_num_opt(run, "vcpus");
        if (r.failed || altinj_merge_check_run(p->file, w, run, err, errlen) != 0)
            return -1;
        /* Two rows of one strategy in one point would be indistinguishable in the table. */
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(runs, j), "strategy")),
                       json_string_value(json_object_get(run, "strategy"))) == 0) {
                snprintf(err, errlen, "%s: %s.strategy: '%s' also in runs[%zu]", p->file, w,
                         json_string_value(json_object_get(run, "strategy")), j);
                return -1;
            }
    }
    if (isnan(p->vcpus))
        p->vcpus = 1;
    return 0;
}

static void num(FILE *f, double v)
{
    if (isnan(v))
        fputs("\tNaN", f);
    else
        fprintf(f, "\t%.10g", v);
}

/* NaN for null (no samples) or absent: the table prints NaN, never a made-up 0. */
static double sub(json_t *run, const char *key, const char *field)
{
    json_t *v = json_object_get(json_object_get(run, key), field);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* What the guest would see: the run's own word, or, in a file from before --faults (a
 * fault-free run), the same word derived from its verdict (altinj_run_result_guest_sees). */
static const char *guest_sees(json_t *run)
{
    json_t *faults = json_object_get(run, "faults");
    const char *s = json_string_value(json_object_get(faults, "guest_sees"));
    if (s)
        return s;
    if (json_is_true(json_object_get(run, "fatal")))
        return "panic";
    if (json_is_true(json_object_get(run, "stalled")))
        return "stall";
    if (json_number_value(json_object_get(run, "lost")) > 0)
        return "lost";
    if (json_number_value(json_object_get(run, "duplicated")) > 0)
        return "duplicated";
    return "nothing";
}

/* Element i of a JSON array as a number; NaN when absent or null (an interval with no
 * repetition kept). */
static double array_num(json_t *a, size_t i)
{
    json_t *v = json_array_get(a, i);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A metric of a run from its run-level figures (a file without repetitions). */
static double run_metric(json_t *run, enum altinj_metric m)
{
    switch (m) {
    case ALTINJ_METRIC_P50:
        return sub(run, "latency_ns", "p50") / 1000.0;
    case ALTINJ_METRIC_P99:
        return sub(run, "latency_ns", "p99") / 1000.0;
    case ALTINJ_METRIC_P999:
        return sub(run, "latency_ns", "p999") / 1000.0;
    case ALTINJ_METRIC_OVERHEAD:
        return sub(run, "overhead_ns", "total_per_interrupt");
    case ALTINJ_METRIC_WORLD_SWITCHES: {
        json_t *ws = json_object_get(json_object_get(run, "per_1000"), "world_switches");
        return ws ? json_number_value(ws)
                  : sub(run, "per_1000", "exits") + sub(run, "per_1000", "vmruns") +
                        2 * sub(run, "per_1000", "svsm_entries");
    }
    case ALTINJ_METRIC__COUNT:
        break;
    }
    return NAN;
}

static void write_run(FILE *f, const struct point *p, json_t *run)
{
    json_t *machine = json_object_get(p->doc, "machine");
    const double vcpus = altinj_mj_num_opt(run, "vcpus");
    altinj_mj_put_cell(f, p->name);
    fputc('\t', f);
    altinj_mj_put_cell(f, altinj_mj_str_opt(run, "mode", p->mode));
    fputc('\t', f);
    altinj_mj_put_cell(f, p->kind);
    num(f, p->rate);
    num(f, p->busy);
    num(f, p->exc);
    fputc('\t', f);
    altinj_mj_put_cell(f, p->costs);
    num(f, isnan(vcpus) ? 1 : vcpus);
    num(f, json_number_value(json_object_get(p->doc, "seed")));
    fputc('\t', f);
    altinj_mj_put_cell(f, p->faults);
    fputc('\t', f);
    altinj_mj_put_cell(f, json_string_value(json_object_get(run, "strategy")));
    num(f, json_number_value(json_object_get(run, "events")));
    num(f, json_number_value(json_object_get(run, "delivered")));
    num(f, json_number_value(json_object_get(run, "lost")));
    num(f, json_number_value(json_object_get(run, "duplicated")));
    num(f, json_is_true(json_object_get(run, "exactly_once")) ? 1 : 0);
    fputc('\t', f);
    altinj_mj_put_cell(f, guest_sees(run));
    /* A fault-free run (and a file from before --faults) had no second-CPU VMRUN: 0. */
    json_t *dr = json_object_get(json_object_get(run, "faults"), "double_vmrun");
    num(f, json_number_value(json_object_get(dr, "prevented")));
    num(f, json_number_value(json_object_get(dr, "violations")));
    static const char *const lat[] = { "min", "p50", "p90", "p99", "p999", "p9999", "max",
                                       "mean" };
    for (size_t k = 0; k < sizeof lat / sizeof lat[0]; k++)
        num(f, sub(run, "latency_ns", lat[k]) / 1000.0);
    static const char *const red[] = { "p50", "p99", "max" };
    for (size_t k = 0; k < sizeof red / sizeof red[0]; k++)
        num(f, sub(run, "busy_redelivery_ns", red[k]) / 1000.0);
    static const char *const per[] = { "exits", "vmruns", "failed_vmruns", "svsm_entries",
                                       "doorbell_writes", "busy_events" };
    for (size_t k = 0; k < sizeof per / sizeof per[0]; k++)
        num(f, sub(run, "per_1000", per[k]));
    num(f, sub(run, "overhead_ns", "hypervisor_per_exit"));
    num(f, sub(run, "overhead_ns", "svsm_per_entry"));
    num(f, sub(run, "overhead_ns", "total_per_interrupt"));
    num(f, json_number_value(json_object_get(run, "elapsed_s")));
    num(f, json_number_value(json_object_get(machine, "cpus")));
    fputc('\t', f);
    altinj_mj_put_cell(f, json_string_value(json_object_get(machine, "host")));
    fputc('\t', f);
    altinj_mj_put_cell(f, p->spec);
    fputc('\t', f);
    altinj_mj_put_cell(f, p->premise);
    fputc('\t', f);
    altinj_mj_put_cell(f, p->softint);
    fputc('\t', f);
    altinj_mj_put_cell(f, altinj_mj_str_opt(run, "hypervisor_policy", ""));
    fputc('\t', f);
    altinj_mj_put_cell(f, altinj_mj_str_opt(run, "svsm_policy", ""));
    if (p->policies) {
        num(f, sub(run, "per_1000", "world_switches"));
        num(f, sub(run, "per_1000", "eoi_exits"));
        num(f, sub(run, "counts", "coalesced"));
    } else {
        /* The definition applied to the counts an older file has. */
        num(f, sub(run, "per_1000", "exits") + sub(run, "per_1000", "vmruns") +
                   2 * sub(run, "per_1000", "svsm_entries"));
        num(f, NAN);
        num(f, NAN);
    }
    num(f, json_number_value(json_object_get(dr, "prevented_by_svme")));
    json_t *summary = json_object_get(run, "summary");
    num(f, summary ? json_number_value(json_object_get(p->doc, "repeat")) : 1);
    num(f, summary ? json_number_value(json_object_get(summary, "repetitions_kept")) : 1);
    for (int m = 0; m < ALTINJ_METRIC__COUNT; m++) {
        const char *key = altinj_metric_key((enum altinj_metric)m);
        json_t *iv = json_object_get(summary, key);
        if (iv) {
            json_t *ci = json_object_get(iv, "ci95");
            num(f, altinj_mj_num_opt(iv, "median"));
            num(f, array_num(ci, 0));
            num(f, array_num(ci, 1));
        } else {
            num(f, run_metric(run, (enum altinj_metric)m));
            num(f, NAN);
            num(f, NAN);
        }
    }
    json_t *noise = json_object_get(p->doc, "noise");
    num(f, altinj_mj_num_opt(noise, "gaps_over_100us_per_s"));
    num(f, altinj_mj_num_opt(noise, "worst_gap_us"));
    num(f, altinj_mj_num_opt(noise, "lost_cpu_pct"));
    json_t *usage = json_object_get(run, "usage");
    num(f, altinj_mj_num_opt(usage, "vcpu_cpu_share"));
    num(f, altinj_mj_num_opt(usage, "vcpu_involuntary_switches"));
    fputc('\n', f);
}

/* Distinct comment lines, in first-seen order: a sweep's 50 files usually share one machine
 * and one cost profile, and the header should say so once. */
struct lines {
    char **v;
    size_t n, cap;
};

static int lines_add(struct lines *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 0;
    if (l->n == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v, l->cap = cap;
    }
    return (l->v[l->n] = strdup(s)) ? (int)(++l->n, 0) : -1;
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* The header comments: what a reader of the table (or a plot footnote) needs to know about
 * where the numbers came from. */
static int collect_meta(const struct point *pts, size_t n, struct lines *meta)
{
    char buf[4096];
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_object_get(pts[i].doc, "machine");
        const char *cpu = altinj_mj_str_opt(m, "cpu_model", "unknown CPU");
        snprintf(buf, sizeof buf, "# machine: %s, %g cpus, clock %.3f GHz, host %s", cpu,
                 altinj_mj_num_opt(m, "cpus"), altinj_mj_num_opt(m, "clock_hz") / 1e9,
                 altinj_mj_str_opt(m, "host", "unknown"));
        if (lines_add(meta, buf) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object_get(pts[i].doc, "costs");
        int w = snprintf(buf, sizeof buf, "# costs %s:", pts[i].costs);
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(c, "ns"), key, v)
        {
            if (w >= 0 && (size_t)w < sizeof buf)
                w += snprintf(buf + w, sizeof buf - (size_t)w, " %s=%.6g ns", key,
                              json_number_value(v));
        }
        if (lines_add(meta, buf) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object_get(pts[i].doc, "costs");
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(c, "sources"), key, v)
        {
            snprintf(buf, sizeof buf, "# source %s %s: %s", pts[i].costs, key,
                     json_is_string(v) ? json_string_value(v) : "");
            if (lines_add(meta, buf) != 0)
                return -1;
        }
    }
    /* Each strategy row's source: "# source STRATEGY: TEXT" (a strategy name has no space,
     * so these never read as a cost figure's "# source PROFILE FIGURE: TEXT"). */
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *run;
        json_array_foreach(json_object_get(pts[i].doc, "runs"), k, run)
        {
            const char *src = json_string_value(json_object_get(run, "source"));
            if (!src)
                continue;
            snprintf(buf, sizeof buf, "# source %s: %s",
                     json_string_value(json_object_get(run, "strategy")), src);
            if (lines_add(meta, buf) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(pts[i].doc, "assumptions"), k, v)
        {
            snprintf(buf, sizeof buf, "# assumption: %s",
                     json_is_string(v) ? json_string_value(v) : "");
            if (lines_add(meta, buf) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "# version: %s %s",
                 altinj_mj_str_opt(pts[i].doc, "tool", "altinj-bench"),
                 altinj_mj_str_opt(pts[i].doc, "version", "unknown"));
        if (lines_add(meta, buf) != 0)
            return -1;
    }
    return 0;
}

static int write_sweep(FILE *f, const struct point *pts, size_t n, size_t nrows,
                       const struct lines *meta)
{
    fprintf(f, "# altinj-bench merge: one row per (result file, strategy): %zu files, %zu rows\n"
               "# columns: altinj-bench merge --help\n",
            n, nrows);
    for (size_t i = 0; i < meta->n; i++) {
        altinj_mj_put_cell(f, meta->v[i]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < NCOLUMNS; i++)
        fprintf(f, "%s%s", columns[i][0], i + 1 < NCOLUMNS ? "\t" : "\n");
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *run;
        json_array_foreach(json_object_get(pts[i].doc, "runs"), k, run)
            write_run(f, &pts[i], run);
    }
    return ferror(f) ? -1 : 0;
}

/* The overhead a crossover compares: the median of two or more repetitions kept, else the
 * run's own figure (one repetition: the same number). */
static double overhead_median(json_t *run)
{
    json_t *summary = json_object_get(run, "summary");
    json_t *med = json_object_get(json_object_get(summary, "overhead_ns_per_irq"), "median");
    return json_is_number(med) && altinj_mj_num_opt(summary, "repetitions_kept") >= 2
               ? json_number_value(med)
               : sub(run, "overhead_ns", "total_per_interrupt");
}

struct points_ctx {
    const struct point *pts;
    size_t n;
};

/* altinj_cross_significant_fn over the points' own comparisons[] of overhead. */
static int point_significant(void *vctx, const char *point, const char *a, const char *b)
{
    const struct points_ctx *ctx = vctx;
    for (size_t i = 0; i < ctx->n; i++) {
        if (strcmp(ctx->pts[i].name, point) != 0)
            continue;
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(ctx->pts[i].doc, "comparisons"), k, c)
        {
            const char *ca = json_string_value(json_object_get(c, "a"));
            const char *cb = json_string_value(json_object_get(c, "b"));
            const char *metric = json_string_value(json_object_get(c, "metric"));
            if (!ca || !cb || !metric || strcmp(metric, "overhead_ns_per_irq") != 0)
                continue;
            if ((strcmp(ca, a) == 0 && strcmp(cb, b) == 0) ||
                (strcmp(ca, b) == 0 && strcmp(cb, a) == 0)) {
                /* One repetition cannot test anything: fall back to the relative rule. */
                if (json_number_value(json_object_get(c, "n_a")) < 2 ||
                    json_number_value(json_object_get(c, "n_b")) < 2)
                    return -1;
                return json_is_true(json_object_get(c, "significant"));
            }
        }
        return -1;
    }
    return -1;
}

/* Returns 0, or -1 (out of memory: err set; a write error shows in ferror(f)). */
static int write_crossovers(FILE *f, const struct point *pts, size_t n, size_t nrows, char *err,
                            size_t errlen)
{
    struct altinj_cross_sample *s = calloc(nrows ? nrows : 1, sizeof *s);
    char(*group)[1400] = calloc(n ? n : 1, sizeof *group);
    char(*label)[400] = calloc(n ? n : 1, sizeof *label);
    char(*tail)[160] = calloc(n ? n : 1, sizeof *tail);
    int rc = -1;
    if (!s || !group || !label || !tail) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        /* vCPUs and mode are per point (a sim point's runs all share them). */
        char spec[1024];
        spec_without_busy(pts[i].spec, spec, sizeof spec);
        snprintf(group[i], sizeof group[i], "%s\x1f%s\x1f%s\x1f%s\x1f%g\x1f%s", pts[i].mode,
                 pts[i].premise, pts[i].softint, pts[i].costs, pts[i].vcpus, spec);
        snprintf(tail[i], sizeof tail[i], "%s\t%s", pts[i].premise, pts[i].softint);
        snprintf(label[i], sizeof label[i], "%s\t%s\t%.10g\t%s\t%g", pts[i].mode, pts[i].kind,
                 pts[i].rate, pts[i].costs, pts[i].vcpus);
        /* A hostile hypervisor's extra work is not the design's cost: its points are left
         * out, so they never mix with the fault-free curve. */
        if (strcmp(pts[i].faults, "none") != 0)
            continue;
        size_t k;
        json_t *run;
        json_array_foreach(json_object_get(pts[i].doc, "runs"), k, run)
        {
            s[m++] = (struct altinj_cross_sample){
                .group = group[i],
                .label = label[i],
                .tail = tail[i],
                .strategy = json_string_value(json_object_get(run, "strategy")),
                .x = pts[i].busy,
                .y = overhead_median(run),
                .point = pts[i].name,
            };
        }
    }
    struct points_ctx ctx = { pts, n };
    rc = altinj_cross_write(f, s, m, point_significant, &ctx) < 0 && !ferror(f) ? -1 : 0;
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
out:
    free(s);
    free(group);
    free(label);
    free(tail);
    return rc;
}

/* Every point's comparisons[] (run --repeat), one row each, keyed like the sweep table. */
static void write_comparisons(FILE *f, const struct point *pts, size_t n)
{
    fputs("# altinj-bench merge --comparisons: every pair of strategies per point and metric,\n"
          "# from the point's repetitions (run --repeat): Mann-Whitney U (exact without ties\n"
          "# for small samples, as scipy's mannwhitneyu(auto)), Holm-corrected across the\n"
          "# pairs of one metric; effect = median a - median b with its bootstrap 95 %\n"
          "# interval (ci_lo, ci_hi); significant = 1 when p_holm < 0.05.\n"
          "point\tmode\tworkload\trate\tbusy\tcosts\tvcpus\tpremise\tsoftint_copy\tfaults\t"
          "a\tb\tmetric\tn_a\tn_b\tp_value\tp_holm\tsignificant\teffect\tci_lo\tci_hi\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const struct point *p = &pts[i];
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(p->doc, "comparisons"), k, c)
        {
            altinj_mj_put_cell(f, p->name);
            fputc('\t', f);
            altinj_mj_put_cell(f, p->mode);
            fputc('\t', f);
            altinj_mj_put_cell(f, p->kind);
            num(f, p->rate);
            num(f, p->busy);
            fputc('\t', f);
            altinj_mj_put_cell(f, p->costs);
            num(f, p->vcpus);
            static const char *const keys[] = { "a", "b", "metric" };
            const char *cells[] = { p->premise, p->softint, p->faults };
            for (size_t j = 0; j < 3; j++) {
                fputc('\t', f);
                altinj_mj_put_cell(f, cells[j]);
            }
            for (size_t j = 0; j < 3; j++) {
                fputc('\t', f);
                altinj_mj_put_cell(f, altinj_mj_str_opt(c, keys[j], ""));
            }
            static const char *const nums[] = { "n_a", "n_b", "p_value", "p_holm" };
            for (size_t j = 0; j < 4; j++)
                num(f, altinj_mj_num_opt(c, nums[j]));
            num(f, json_is_true(json_object_get(c, "significant")) ? 1 : 0);
            num(f, altinj_mj_num_opt(c, "effect"));
            json_t *ci = json_object_get(c, "ci95");
            num(f, array_num(ci, 0));
            num(f, array_num(ci, 1));
            fputc('\n', f);
        }
    }
}

/* OUT, --crossovers and --comparisons against the inputs and each other (altinj_outputs.h),
 * and the inputs against each other: 0, or -1 with err set (exit 2). */
static int plan_outputs(struct altinj_outputs *outs, const char *out, const char *cross,
                        const char *cmps, char **files, size_t n, char *err, size_t errlen)
{
    char s1[ALTINJ_PATH_SHORT_MAX + 1], s2[ALTINJ_PATH_SHORT_MAX + 1];
    if (altinj_merge_check_out(out, err, errlen) != 0 ||
        altinj_outputs_add(outs, "OUT.tsv", out, err, errlen) < 0 ||
        (cross && altinj_outputs_add(outs, "--crossovers", cross, err, errlen) < 0) ||
        (cmps && altinj_outputs_add(outs, "--comparisons", cmps, err, errlen) < 0))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (altinj_outputs_add_input(outs, "IN.json", files[i], err, errlen) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(files[i], files[j]) == 0 || altinj_merge_same_file(files[i], files[j])) {
                snprintf(err, errlen, "%s and %s are the same input (each point once)",
                         altinj_path_short(files[j], s1, sizeof s1),
                         altinj_path_short(files[i], s2, sizeof s2));
                return -1;
            }
    }
    return altinj_outputs_check(outs, err, errlen);
}

static int merge_sweep(const char *out, const char *cross, const char *cmps, char **files,
                       size_t n, char *err, size_t errlen)
{
    struct point *pts = calloc(n, sizeof *pts);
    struct lines meta = { 0 };
    struct altinj_outputs *outs = altinj_outputs_new();
    int status = 2;
    size_t loaded = 0, nrows = 0;
    if (!pts || !outs) {
        snprintf(err, errlen, "out of memory");
        status = 1;
        goto out;
    }
    if (plan_outputs(outs, out, cross, cmps, files, n, err, errlen) != 0)
        goto out;
    for (; loaded < n; loaded++) {
        pts[loaded].file = files[loaded];
        if (altinj_mj_load(files[loaded], &pts[loaded].doc, err, errlen) != 0)
            goto out;
        if (check_point(&pts[loaded], err, errlen) != 0) {
            loaded++;
            goto out;
        }
        nrows += json_array_size(json_object_get(pts[loaded].doc, "runs"));
    }
    qsort(pts, n, sizeof *pts, cmp_point);
    status = 1;
    if (collect_meta(pts, n, &meta) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    status = ALTINJ_EXIT_WRITE;
    if (altinj_outputs_open(outs, err, errlen) != 0)
        goto out;
    /* A write error shows at commit, with the system's reason; all files or none. */
    int i = 0;
    write_sweep(altinj_outputs_stream(outs, i++), pts, n, nrows, &meta);
    if (cross && write_crossovers(altinj_outputs_stream(outs, i++), pts, n, nrows, err,
                                  errlen) != 0) {
        status = 1;
        goto out;
    }
    if (cmps)
        write_comparisons(altinj_outputs_stream(outs, i++), pts, n);
    if (altinj_outputs_commit(outs, err, errlen) != 0)
        goto out;
    status = 0;
out:
    for (size_t i = 0; i < loaded; i++)
        json_decref(pts[i].doc);
    free(pts);
    altinj_outputs_free(outs);
    lines_free(&meta);
    return status;
}

static int merge_micro(const char *out, char **files, size_t n, char *err, size_t errlen)
{
    json_t **docs = calloc(n, sizeof *docs);
    struct altinj_outputs *outs = altinj_outputs_new();
    int status = 2;
    size_t loaded = 0;
    if (!docs || !outs) {
        snprintf(err, errlen, "out of memory");
        status = 1;
        goto out;
    }
    if (plan_outputs(outs, out, NULL, NULL, files, n, err, errlen) != 0)
        goto out;
    for (; loaded < n; loaded++)
        if (altinj_mj_load(files[loaded], &docs[loaded], err, errlen) != 0)
            goto out;
    /* Validate before touching the output, so a bad input leaves no file behind. */
    FILE *sink = fopen("/dev/null", "w");
    if (!sink) {
        snprintf(err, errlen, "cannot open /dev/null");
        status = 1;
        goto out;
    }
    const int bad = altinj_merge_micro(sink, docs, (const char *const *)files, n, err, errlen);
    fclose(sink);
    if (bad)
        goto out;
    status = ALTINJ_EXIT_WRITE;
    if (altinj_outputs_open(outs, err, errlen) != 0)
        goto out;
    /* Validated above: a failure now is the stream's, reported at commit. */
    altinj_merge_micro(altinj_outputs_stream(outs, 0), docs, (const char *const *)files, n, err,
                       errlen);
    if (altinj_outputs_commit(outs, err, errlen) != 0)
        goto out;
    status = 0;
out:
    for (size_t i = 0; i < loaded; i++)
        json_decref(docs[i]);
    free(docs);
    altinj_outputs_free(outs);
    return status;
}

int altinj_merge_command(int argc, char **argv)
{
    enum { OPT_CROSS = 256, OPT_MICRO, OPT_CMP };
    static const struct option longopts[] = {
        { "crossovers", required_argument, NULL, OPT_CROSS },
        { "comparisons", required_argument, NULL, OPT_CMP },
        { "micro", no_argument, NULL, OPT_MICRO },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cross = NULL, *cmps = NULL;
    bool micro = false;
    bool seen[OPT_CMP + 1] = {false};
    char err[ERR_LEN] = "";
    optind = 0; /* glibc: a full reset, so a parse left inside "-hq" leaves no stale state */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CROSS:
        case OPT_CMP:
            if (altinj_cli_once(seen, sizeof seen / sizeof seen[0], c, longopts, err,
                                sizeof err) != 0)
                return fail(2, err);
            *(c == OPT_CROSS ? &cross : &cmps) = optarg;
            break;
        case OPT_MICRO:
            micro = true;
            break;
        case 'h':
            altinj_merge_usage(stdout);
            return 0;
        case ':':
            snprintf(err, sizeof err, "%s needs a value", argv[optind - 1]);
            return fail(2, err);
        default:
            snprintf(err, sizeof err, "unknown option '%s' (see altinj-bench merge --help)",
                     argv[optind - 1]);
            return fail(2, err);
        }
    }
    if (micro && (cross || cmps))
        return fail(2, "--crossovers and --comparisons apply to run results, not to --micro");
    if (argc - optind < 2)
        return fail(2, argc - optind < 1 ? "missing OUT.tsv and input files (see --help)"
                                         : "missing input files (see --help)");
    const char *out = argv[optind];
    char **files = argv + optind + 1;
    const size_t n = (size_t)(argc - optind - 1);
    const int status =
        micro ? merge_micro(out, files, n, err, sizeof err)
              : merge_sweep(out, cross, cmps, files, n, err, sizeof err);
    return status ? fail(status, err) : 0;
}
