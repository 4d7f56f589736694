#include "altinj_repetitions.h"

#include <math.h>
#include <stdlib.h>

#include "altinj_rng.h"

static const struct {
    const char *key, *label;
} METRICS[ALTINJ_METRIC__COUNT] = {
    [ALTINJ_METRIC_P50] = {"lat_p50_us", "p50 (us)"},
    [ALTINJ_METRIC_P99] = {"lat_p99_us", "p99 (us)"},
    [ALTINJ_METRIC_P999] = {"lat_p999_us", "p99.9 (us)"},
    [ALTINJ_METRIC_OVERHEAD] = {"overhead_ns_per_irq", "overhead (ns/irq)"},
    [ALTINJ_METRIC_WORLD_SWITCHES] = {"world_switches_per_1k", "world switches/1k"},
};

const double altinj_rep_pcts[ALTINJ_REP_PCTS] = {50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
                                                   100};

const char *altinj_metric_key(enum altinj_metric m)
{
    return METRICS[m].key;
}

const char *altinj_metric_label(enum altinj_metric m)
{
    return METRICS[m].label;
}

double altinj_metric_of(const struct altinj_run_result *r, enum altinj_metric m)
{
    switch (m) {
    case ALTINJ_METRIC_P50:
        return (double)altinj_hist_value_at_percentile(&r->latency_ns, 50) / 1000.0;
    case ALTINJ_METRIC_P99:
        return (double)altinj_hist_value_at_percentile(&r->latency_ns, 99) / 1000.0;
    case ALTINJ_METRIC_P999:
        return (double)altinj_hist_value_at_percentile(&r->latency_ns, 99.9) / 1000.0;
    case ALTINJ_METRIC_OVERHEAD:
        return altinj_run_result_ns_per(r, r->c.hv_cycles + r->c.svsm_cycles,
                                        r->verdict.delivered);
    case ALTINJ_METRIC_WORLD_SWITCHES:
        return altinj_run_result_per_1000(r, altinj_run_result_world_switches(r));
    case ALTINJ_METRIC__COUNT:
        break;
    }
    return NAN;
}

int altinj_repetitions_init(struct altinj_repetitions *r, unsigned n, size_t nstrategies)
{
    const size_t pairs = nstrategies * (nstrategies - (nstrategies > 0)) / 2;
    *r = (struct altinj_repetitions){.n = n, .nstrategies = nstrategies,
                                     .ncmp = pairs * ALTINJ_METRIC__COUNT};
    r->seeds = calloc(n ? n : 1, sizeof *r->seeds);
    r->reps = calloc((size_t)n * nstrategies + 1, sizeof *r->reps);
    r->summary = calloc(nstrategies + 1, sizeof *r->summary);
    r->kept = calloc(nstrategies + 1, sizeof *r->kept);
    r->cmp = calloc(r->ncmp + 1, sizeof *r->cmp);
    if (!r->seeds || !r->reps || !r->summary || !r->kept || !r->cmp) {
        altinj_repetitions_free(r);
        return -1;
    }
    return 0;
}

void altinj_repetitions_free(struct altinj_repetitions *r)
{
    free(r->seeds);
    free(r->reps);
    free(r->summary);
    free(r->kept);
    free(r->cmp);
    *r = (struct altinj_repetitions){0};
}

void altinj_repetitions_shuffle(size_t *order, size_t n, uint64_t seed)
{
    struct altinj_rng rng;
    /* Its own stream, so the order is independent of the workload drawn from the same seed. */
    altinj_rng_seed_stream(&rng, seed, 0x53485546464c45u /* "SHUFFLE" */);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)(altinj_rng_uniform(&rng) * (double)i);
        const size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

void altinj_repetitions_record(struct altinj_repetitions *r, size_t s, unsigned rep,
                               unsigned position, uint64_t seed, bool disturbed,
                               const struct altinj_run_result *run)
{
    struct altinj_rep *x = altinj_repetitions_at(r, s, rep);
    *x = (struct altinj_rep){.rep = rep, .position = position, .seed = seed,
                             .disturbed = disturbed, .exactly_once = altinj_run_result_ok(run),
                             .events = run->posted, .delivered = run->verdict.delivered,
                             .usage_valid = run->usage_valid,
                             .vcpu_cpu_share = run->vcpu_cpu_share,
                             .poster_cpu_share_min = run->poster_cpu_share_min,
                             .vcpu_nivcsw = run->vcpu_nivcsw,
                             .poster_nivcsw = run->poster_nivcsw};
    for (int m = 0; m < ALTINJ_METRIC__COUNT; m++)
        x->v[m] = altinj_metric_of(run, (enum altinj_metric)m);
    for (int k = 0; k < ALTINJ_REP_PCTS; k++)
        x->latency_us[k] =
            (double)(altinj_rep_pcts[k] >= 100
                         ? altinj_hist_max(&run->latency_ns)
                         : altinj_hist_value_at_percentile(&run->latency_ns, altinj_rep_pcts[k])) /
            1000.0;
    r->seeds[rep] = seed;
}

/* The kept values of strategy s for metric m into out; returns how many. */
static size_t kept_values(const struct altinj_repetitions *r, size_t s, enum altinj_metric m,
                          double *out)
{
    size_t k = 0;
    for (unsigned i = 0; i < r->n; i++) {
        const struct altinj_rep *x = altinj_repetitions_at(r, s, i);
        if (!x->disturbed)
            out[k++] = x->v[m];
    }
    return k;
}

int altinj_repetitions_analyse(struct altinj_repetitions *r, uint64_t seed)
{
    double *a = malloc((r->n + 1) * sizeof *a), *b = malloc((r->n + 1) * sizeof *b);
    double *p = malloc((r->ncmp + 1) * sizeof *p);
    int rc = -1;
    if (!a || !b || !p)
        goto out;
    /* Each interval its own bootstrap stream: the same figures whatever else is computed. */
    uint64_t stream = seed;
    for (size_t s = 0; s < r->nstrategies; s++)
        for (int m = 0; m < ALTINJ_METRIC__COUNT; m++) {
            /* The same repetitions for every metric: `disturbed` is per repetition. */
            r->kept[s] = kept_values(r, s, (enum altinj_metric)m, a);
            if (altinj_stats_median_ci(a, r->kept[s], altinj_splitmix64(&stream),
                                       &r->summary[s][m]) != 0)
                goto out;
        }
    size_t c = 0;
    for (int m = 0; m < ALTINJ_METRIC__COUNT; m++) {
        const size_t first = c;
        for (size_t i = 0; i < r->nstrategies; i++)
            for (size_t j = i + 1; j < r->nstrategies; j++, c++) {
                struct altinj_comparison *x = &r->cmp[c];
                *x = (struct altinj_comparison){.a = i, .b = j, .metric = (enum altinj_metric)m};
                x->na = kept_values(r, i, x->metric, a);
                x->nb = kept_values(r, j, x->metric, b);
                const uint64_t bs = altinj_splitmix64(&stream);
                if (x->na == 0 || x->nb == 0) {
                    x->t = (struct altinj_test){.p_value = 1, .effect = NAN, .lo = NAN,
                                                .hi = NAN};
                } else if (altinj_stats_compare(a, x->na, b, x->nb, bs, &x->t) != 0) {
                    goto out;
                }
                p[c - first] = x->t.p_value;
            }
        /* One family per metric: the pairs of this point. */
        if (altinj_stats_holm(p, c - first, p) != 0)
            goto out;
        for (size_t k = first; k < c; k++) {
            r->cmp[k].p_holm = p[k - first];
            r->cmp[k].significant = r->cmp[k].p_holm < ALTINJ_STATS_ALPHA;
        }
    }
    rc = 0;
out:
    free(p);
    free(b);
    free(a);
    return rc;
}
