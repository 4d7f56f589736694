/*
 * One `altinj-bench run --json` result file as `altinj-bench compare` needs it: what must
 * match between the two sides (mode, workload, cost profile, premises, faults) and, per
 * strategy, the kept (not disturbed) repetition values of every metric compare knows.
 *
 * A run written with repetitions gives one value per kept repetition; a run from before
 * them counts as one repetition whose values come from its totals (latency_ns in ns, turned
 * into us; overhead_ns.total_per_interrupt; per_1000.world_switches).
 */
#ifndef ALTINJ_COMPARE_LOAD_H
#define ALTINJ_COMPARE_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The metrics, in the order compare prints them; lower is the smaller number for every one
 * (compare says "lower"/"higher", never better/worse). */
enum altinj_cmp_metric {
    ALTINJ_CMP_LAT_P50,
    ALTINJ_CMP_LAT_P99,
    ALTINJ_CMP_LAT_P999,
    ALTINJ_CMP_OVERHEAD,
    ALTINJ_CMP_WORLD_SWITCHES,
    ALTINJ_CMP_VCPU_SHARE,
    ALTINJ_CMP_VCPU_INVOLUNTARY,
    ALTINJ_CMP_NMETRICS
};

struct altinj_cmp_metric_info {
    const char *name;  /* the repetition field and the --metrics word */
    const char *what;  /* one line for --help */
    bool by_default;   /* compared without --metrics */
    bool nullable;     /* null in a repetition means "not measured" (sim runs), not an error */
};

extern const struct altinj_cmp_metric_info altinj_cmp_metrics[ALTINJ_CMP_NMETRICS];

/* One strategy's row of a result file. */
struct altinj_cmp_run {
    const char *strategy; /* points into the file's document */
    bool with_repetitions; /* false: an older file's run, counted as one repetition */
    size_t repetitions;    /* in the file, disturbed ones included */
    size_t disturbed;      /* left out */
    double *values[ALTINJ_CMP_NMETRICS]; /* kept values; a null (not measured) one is absent */
    size_t n[ALTINJ_CMP_NMETRICS];
};

struct altinj_cmp_file {
    const char *path;
    json_t *doc;
    /* What two files must share to be compared (strings point into doc). Files from before
     * the premises have no "model": hardware / rerun, as `merge` reads them; before --faults:
     * "none". */
    const char *mode, *workload, *costs, *premise, *softint, *faults;
    struct altinj_cmp_run *runs;
    size_t nruns;
};

/* Loads and checks path: an altinj-bench result ("tool": "altinj-bench") with mode,
 * workload, costs.name, a non-empty runs array, each run with a strategy named once and
 * either well-formed repetitions (every metric a number, the nullable ones a number or null,
 * "disturbed" a boolean) or an older run's totals. Returns 0, -1 with "PATH: FIELD: why" in
 * err for a bad file, -2 when out of memory. f is freed on failure. */
int altinj_cmp_file_load(const char *path, struct altinj_cmp_file *f, char *err,
                         size_t errlen);
void altinj_cmp_file_free(struct altinj_cmp_file *f);

/* The run of strategy s, or NULL. */
const struct altinj_cmp_run *altinj_cmp_file_run(const struct altinj_cmp_file *f,
                                                 const char *s);

#endif
