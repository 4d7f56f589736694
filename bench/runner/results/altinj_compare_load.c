#include "altinj_compare_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_merge_json.h"

const struct altinj_cmp_metric_info altinj_cmp_metrics[ALTINJ_CMP_NMETRICS] = {
    [ALTINJ_CMP_LAT_P50] = { "lat_p50_us", "latency (handled - intended arrival), us: median",
                             true, false },
    [ALTINJ_CMP_LAT_P99] = { "lat_p99_us", "latency, us: 99th percentile", true, false },
    [ALTINJ_CMP_LAT_P999] = { "lat_p999_us", "latency, us: 99.9th percentile", true, false },
    [ALTINJ_CMP_OVERHEAD] = { "overhead_ns_per_irq",
                              "hypervisor + SVSM time per delivered interrupt, ns", true,
                              false },
    [ALTINJ_CMP_WORLD_SWITCHES] = { "world_switches_per_1k",
                                    "world switches per 1000 delivered events", true, false },
    [ALTINJ_CMP_VCPU_SHARE] = { "vcpu_cpu_share",
                                "share of a CPU the vCPU thread got (live; null in sim)", false,
                                true },
    [ALTINJ_CMP_VCPU_INVOLUNTARY] = { "vcpu_involuntary_switches",
                                      "the vCPU thread's involuntary context switches (live)",
                                      false, true },
};

static void run_free(struct altinj_cmp_run *r)
{
    for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++)
        free(r->values[m]);
}

void altinj_cmp_file_free(struct altinj_cmp_file *f)
{
    for (size_t i = 0; i < f->nruns; i++)
        run_free(&f->runs[i]);
    free(f->runs);
    json_decref(f->doc);
    memset(f, 0, sizeof *f);
}

const struct altinj_cmp_run *altinj_cmp_file_run(const struct altinj_cmp_file *f,
                                                 const char *s)
{
    for (size_t i = 0; i < f->nruns; i++)
        if (strcmp(f->runs[i].strategy, s) == 0)
            return &f->runs[i];
    return NULL;
}

static int alloc_values(struct altinj_cmp_run *r, size_t n)
{
    for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++)
        if (!(r->values[m] = malloc((n ? n : 1) * sizeof *r->values[m])))
            return -2;
    return 0;
}

/* A run with "repetitions": every repetition checked, the kept ones' values taken. */
static int load_repetitions(struct altinj_mj *rd, json_t *reps, const char *where,
                            struct altinj_cmp_run *r)
{
    r->with_repetitions = true;
    r->repetitions = json_array_size(reps);
    if (r->repetitions == 0) {
        snprintf(rd->err, rd->errlen, "%s: %s.repetitions: empty", rd->file, where);
        return -1;
    }
    if (alloc_values(r, r->repetitions) != 0)
        return -2;
    size_t k;
    json_t *rep;
    json_array_foreach(reps, k, rep)
    {
        char w[96];
        snprintf(w, sizeof w, "%s.repetitions[%zu]", where, k);
        if (!json_is_object(rep)) {
            snprintf(rd->err, rd->errlen, "%s: %s: not an object", rd->file, w);
            return -1;
        }
        json_t *disturbed = json_object_get(rep, "disturbed");
        if (!json_is_boolean(disturbed)) {
            snprintf(rd->err, rd->errlen, "%s: %s.disturbed: missing or not a boolean",
                     rd->file, w);
            return -1;
        }
        double v[ALTINJ_CMP_NMETRICS];
        for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++) {
            const struct altinj_cmp_metric_info *mi = &altinj_cmp_metrics[m];
            json_t *x = json_object_get(rep, mi->name);
            if (mi->nullable && (!x || json_is_null(x))) {
                v[m] = 0;
                continue;
            }
            if (mi->nullable && !json_is_number(x)) {
                snprintf(rd->err, rd->errlen, "%s: %s.%s: not a number or null", rd->file, w,
                         mi->name);
                return -1;
            }
            v[m] = altinj_mj_num(rd, rep, w, mi->name);
            if (rd->failed)
                return -1;
        }
        /* Checked whole before it is left out: a disturbed repetition with a broken field is
         * still a broken file. */
        if (json_is_true(disturbed)) {
            r->disturbed++;
            continue;
        }
        for (size_t m = 0; m < ALTINJ_CMP_NMETRICS; m++) {
            json_t *x = json_object_get(rep, altinj_cmp_metrics[m].name);
            if (json_is_number(x))
                r->values[m][r->n[m]++] = v[m];
        }
    }
    return 0;
}

/* A run from before repetitions: its totals as one repetition. */
static int load_totals(struct altinj_mj *rd, json_t *run, const char *where,
                       struct altinj_cmp_run *r)
{
    r->with_repetitions = false;
    r->repetitions = 1;
    if (alloc_values(r, 1) != 0)
        return -2;
    double v[ALTINJ_CMP_NMETRICS];
    v[ALTINJ_CMP_LAT_P50] = altinj_mj_num2(rd, run, where, "latency_ns", "p50") / 1000.0;
    v[ALTINJ_CMP_LAT_P99] = altinj_mj_num2(rd, run, where, "latency_ns", "p99") / 1000.0;
    v[ALTINJ_CMP_LAT_P999] = altinj_mj_num2(rd, run, where, "latency_ns", "p999") / 1000.0;
    v[ALTINJ_CMP_OVERHEAD] =
        altinj_mj_num2(rd, run, where, "overhead_ns", "total_per_interrupt");
    json_t *per = json_object_get(run, "per_1000");
    if (json_is_number(json_object_get(per, "world_switches"))) {
        v[ALTINJ_CMP_WORLD_SWITCHES] = altinj_mj_num2(rd, run, where, "per_1000",
                                                      "world_switches");
    } else {
        /* Files from before world_switches: the same definition over the counts they have
         * (exits + VMRUN attempts + 2 per VMPL0 run), as `merge` derives it. */
        v[ALTINJ_CMP_WORLD_SWITCHES] =
            altinj_mj_num2(rd, run, where, "per_1000", "exits") +
            altinj_mj_num2(rd, run, where, "per_1000", "vmruns") +
            2 * altinj_mj_num2(rd, run, where, "per_1000", "svsm_entries");
    }
    if (rd->failed)
        return -1;
    for (size_t m = 0; m <= ALTINJ_CMP_WORLD_SWITCHES; m++)
        r->values[m][r->n[m]++] = v[m];
    /* No vCPU figures in older files: those metrics have no values. */
    return 0;
}

static int load_runs(struct altinj_mj *rd, json_t *runs, struct altinj_cmp_file *f)
{
    const size_t n = json_array_size(runs);
    if (n == 0) {
        snprintf(rd->err, rd->errlen, "%s: runs: empty (no strategy ran)", rd->file);
        return -1;
    }
    if (!(f->runs = calloc(n, sizeof *f->runs)))
        return -2;
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run)
    {
        char w[32];
        snprintf(w, sizeof w, "runs[%zu]", i);
        struct altinj_cmp_run *r = &f->runs[i];
        f->nruns = i + 1;
        if (!json_is_object(run)) {
            snprintf(rd->err, rd->errlen, "%s: %s: not an object", rd->file, w);
            return -1;
        }
        r->strategy = altinj_mj_str(rd, run, w, "strategy");
        if (rd->failed)
            return -1;
        if (!*r->strategy || altinj_cmp_file_run(f, r->strategy) != r) {
            snprintf(rd->err, rd->errlen, "%s: %s.strategy: %s", rd->file, w,
                     *r->strategy ? "named by an earlier run too" : "empty");
            return -1;
        }
        json_t *reps = json_object_get(run, "repetitions");
        if (reps && !json_is_array(reps)) {
            snprintf(rd->err, rd->errlen, "%s: %s.repetitions: not an array", rd->file, w);
            return -1;
        }
        const int rc = reps ? load_repetitions(rd, reps, w, r) : load_totals(rd, run, w, r);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int altinj_cmp_file_load(const char *path, struct altinj_cmp_file *f, char *err,
                         size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    if (altinj_mj_load(path, &f->doc, err, errlen) != 0)
        return -1;
    struct altinj_mj rd = { .file = path, .err = err, .errlen = errlen };
    const char *tool = altinj_mj_str_opt(f->doc, "tool", NULL);
    if (!tool || strcmp(tool, "altinj-bench") != 0) {
        if (tool)
            snprintf(err, errlen, "%s: not an altinj-bench result (tool: '%s')", path, tool);
        else
            snprintf(err, errlen, "%s: not an altinj-bench result (tool: missing)", path);
        altinj_cmp_file_free(f);
        return -1;
    }
    f->mode = altinj_mj_str(&rd, f->doc, "", "mode");
    f->workload = altinj_mj_str(&rd, f->doc, "", "workload");
    json_t *costs = altinj_mj_object(&rd, f->doc, "", "costs");
    f->costs = altinj_mj_str(&rd, costs, "costs", "name");
    f->faults = altinj_mj_str_opt(f->doc, "faults", "none");
    f->premise = "hardware";
    f->softint = "rerun";
    if (json_object_get(f->doc, "model")) {
        json_t *model = altinj_mj_object(&rd, f->doc, "", "model");
        f->premise = altinj_mj_str(&rd, model, "model", "busy_premise");
        f->softint = altinj_mj_str(&rd, model, "model", "softint_copy");
    }
    json_t *runs = altinj_mj_array(&rd, f->doc, "", "runs");
    int rc = rd.failed ? -1 : load_runs(&rd, runs, f);
    if (rc == 0 && rd.failed)
        rc = -1;
    if (rc == -2)
        snprintf(err, errlen, "%s: out of memory", path);
    if (rc != 0)
        altinj_cmp_file_free(f);
    return rc;
}
