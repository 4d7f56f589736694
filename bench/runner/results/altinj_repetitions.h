/*
 * Repetitions of one run command (`altinj-bench run --repeat N`): each repetition runs every
 * strategy once, in its own shuffled order and with its own seed, and what each strategy
 * measured in each repetition is kept. From those: per strategy and metric the median with a
 * bootstrap 95 % interval, and per pair of strategies and metric a Mann-Whitney U test,
 * Holm-corrected across the pairs of that metric (altinj_stats.h).
 *
 * Why shuffled: a machine that drifts (a neighbour starts, the CPU clocks down) would
 * otherwise always land on the strategy that runs last. Why a seed per repetition: the
 * repetitions are then samples of the workload too, not N copies of one arrival sequence,
 * and in the simulator (where one seed gives one answer) they are the only spread there is.
 * Repetition k runs with seed + k, so repetition 0 is the single run of the same --seed.
 */
#ifndef ALTINJ_REPETITIONS_H
#define ALTINJ_REPETITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_run_result.h"
#include "altinj_stats.h"

#define ALTINJ_REPEAT_MAX 1000u

/* The metrics summarised and tested; lower is better for every one. */
enum altinj_metric {
    ALTINJ_METRIC_P50 = 0,
    ALTINJ_METRIC_P99,
    ALTINJ_METRIC_P999,
    ALTINJ_METRIC_OVERHEAD,
    ALTINJ_METRIC_WORLD_SWITCHES,
    ALTINJ_METRIC__COUNT
};

/* The JSON/TSV key ("lat_p99_us", "overhead_ns_per_irq", ...) and a short label. */
const char *altinj_metric_key(enum altinj_metric m);
const char *altinj_metric_label(enum altinj_metric m);
/* The metric of one run: latency percentiles in us, overhead in ns per delivered interrupt
 * (hypervisor + SVSM time), world switches per 1000 delivered. */
double altinj_metric_of(const struct altinj_run_result *r, enum altinj_metric m);

/* The latency percentiles kept per repetition, so plots can draw the spread of the whole
 * percentile curve across repetitions (100: the maximum). */
#define ALTINJ_REP_PCTS 10
extern const double altinj_rep_pcts[ALTINJ_REP_PCTS];

struct altinj_rep {
    unsigned rep;         /* repetition number, 0-based */
    unsigned position;    /* where in that repetition's shuffled order the strategy ran */
    uint64_t seed;
    bool disturbed;       /* left out of summaries and tests (live: see altinj_run_cmd.c) */
    bool exactly_once;
    uint64_t events, delivered;
    double v[ALTINJ_METRIC__COUNT];
    double latency_us[ALTINJ_REP_PCTS]; /* at altinj_rep_pcts */
    bool usage_valid;     /* live: the threads' usage was read (altinj_thread_usage.h) */
    double vcpu_cpu_share, poster_cpu_share_min;
    uint64_t vcpu_nivcsw, poster_nivcsw;
};

/* A live repetition is disturbed when a thread of the run did not have its CPU: the vCPU
 * thread's or a poster's CPU share below this, as both spin for the whole run. Such a
 * repetition measures the machine's neighbours, not the strategy. */
#define ALTINJ_DISTURBED_CPU_SHARE 0.95

struct altinj_comparison {
    size_t a, b;          /* strategy indices, a < b (the order of -s) */
    enum altinj_metric metric;
    size_t na, nb;        /* repetitions kept */
    struct altinj_test t; /* effect = median(a) - median(b) */
    double p_holm;
    bool significant;     /* p_holm < ALTINJ_STATS_ALPHA */
};

struct altinj_repetitions {
    unsigned n;                   /* repetitions */
    size_t nstrategies;
    uint64_t *seeds;              /* [n] */
    struct altinj_rep *reps;      /* [nstrategies][n] */
    struct altinj_interval (*summary)[ALTINJ_METRIC__COUNT]; /* [nstrategies] */
    size_t *kept;                 /* [nstrategies] repetitions not disturbed */
    struct altinj_comparison *cmp; /* [ncmp]: pairs x metrics, metric-major */
    size_t ncmp;
};

/* Returns 0, or -1 when out of memory (nothing to free then). */
int altinj_repetitions_init(struct altinj_repetitions *r, unsigned n, size_t nstrategies);
void altinj_repetitions_free(struct altinj_repetitions *r);

/* The repetition order: order[0..n) becomes a permutation of 0..n) drawn from seed
 * (Fisher-Yates over xoshiro256**), the same for the same seed on every machine. */
void altinj_repetitions_shuffle(size_t *order, size_t n, uint64_t seed);

static inline struct altinj_rep *altinj_repetitions_at(const struct altinj_repetitions *r,
                                                        size_t strategy, unsigned rep)
{
    return &r->reps[strategy * r->n + rep];
}

/* Records what strategy `s` measured in repetition `rep`. */
void altinj_repetitions_record(struct altinj_repetitions *r, size_t s, unsigned rep,
                               unsigned position, uint64_t seed, bool disturbed,
                               const struct altinj_run_result *run);

/* Fills the summaries and comparisons from the recorded repetitions (undisturbed ones);
 * deterministic for one seed (the bootstraps' RNG). A strategy with no repetition kept gets
 * NaN summaries, and its comparisons p = 1, not significant. Returns 0 or -1 (memory). */
int altinj_repetitions_analyse(struct altinj_repetitions *r, uint64_t seed);

#endif
