#include "altinj_output_text.h"

#include <inttypes.h>
#include <math.h>
#include <jansson.h>
#include <stdbool.h>

#include "altinj_run_faults.h"

#define LABEL_W 30
#define COL_W 14
#define ALTINJ_TEXT_MAX_COLUMNS 16 /* ALTINJ_RUN_MAX_STRATEGIES */

static void header(FILE *f, const struct altinj_run_result *runs, size_t n)
{
    fprintf(f, "%-*s", LABEL_W, "");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%*s", COL_W, runs[i].strategy);
    fputc('\n', f);
}

static void row_u64(FILE *f, const char *label, const struct altinj_run_result *runs, size_t n,
                    uint64_t (*get)(const struct altinj_run_result *))
{
    fprintf(f, "%-*s", LABEL_W, label);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%*" PRIu64, COL_W, get(&runs[i]));
    fputc('\n', f);
}

static void row_f(FILE *f, const char *label, const struct altinj_run_result *runs, size_t n,
                  double (*get)(const struct altinj_run_result *), int decimals)
{
    fprintf(f, "%-*s", LABEL_W, label);
    for (size_t i = 0; i < n; i++) {
        const double v = get(&runs[i]);
        /* NaN: a statistic with no samples (no BUSY event, no exit): n/a, never 0. */
        if (v != v)
            fprintf(f, "%*s", COL_W, "n/a");
        else
            fprintf(f, "%*.*f", COL_W, decimals, v);
    }
    fputc('\n', f);
}

#define U64_GETTER(name, expr)                                                                 \
    static uint64_t name(const struct altinj_run_result *r) { return (expr); }
#define F_GETTER(name, expr)                                                                   \
    static double name(const struct altinj_run_result *r) { return (expr); }

U64_GETTER(g_posted, r->posted)
U64_GETTER(g_delivered, r->verdict.delivered)
U64_GETTER(g_lost, r->verdict.lost)
U64_GETTER(g_dup, r->verdict.duplicated)
U64_GETTER(g_busy, r->c.busy_events)
U64_GETTER(g_failed, r->c.failed_vmruns)
U64_GETTER(g_reinj, r->c.reinjections)
U64_GETTER(g_cancels, r->c.switches_cancelled)
U64_GETTER(g_stale, r->c.stale_copies)

static uint64_t fired_total(const struct altinj_run_result *r)
{
    uint64_t n = 0;
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        n += r->fc.fired[k];
    return n;
}

U64_GETTER(g_fired, fired_total(r))
U64_GETTER(g_added_failed, altinj_run_faults_added_failed_vmruns(r))
U64_GETTER(g_dr_attempts, r->fc.dr_attempts)
U64_GETTER(g_dr_prevented, r->fc.dr_prevented)
U64_GETTER(g_dr_violations, r->fc.dr_violations)
U64_GETTER(g_stolen, r->fc.stolen_deliveries)

static double pct_us(const struct altinj_hist *h, double p)
{
    return altinj_hist_count(h) ? (double)altinj_hist_value_at_percentile(h, p) / 1000.0 : NAN;
}

static double max_us(const struct altinj_hist *h)
{
    return altinj_hist_count(h) ? (double)altinj_hist_max(h) / 1000.0 : NAN;
}

F_GETTER(g_p50, pct_us(&r->latency_ns, 50))
F_GETTER(g_p90, pct_us(&r->latency_ns, 90))
F_GETTER(g_p99, pct_us(&r->latency_ns, 99))
F_GETTER(g_p999, pct_us(&r->latency_ns, 99.9))
F_GETTER(g_p9999, pct_us(&r->latency_ns, 99.99))
F_GETTER(g_max, max_us(&r->latency_ns))
F_GETTER(g_b50, pct_us(&r->busy_redelivery_ns, 50))
F_GETTER(g_b99, pct_us(&r->busy_redelivery_ns, 99))
F_GETTER(g_bmax, max_us(&r->busy_redelivery_ns))
F_GETTER(g_exits, altinj_run_result_per_1000(r, r->c.exits))
F_GETTER(g_vmruns, altinj_run_result_per_1000(r, r->c.vmruns))
F_GETTER(g_failedk, altinj_run_result_per_1000(r, r->c.failed_vmruns))
F_GETTER(g_svsm, altinj_run_result_per_1000(r, r->c.svsm_entries))
F_GETTER(g_dbw, altinj_run_result_per_1000(r, r->c.doorbell_writes + r->poster_doorbell_writes))
F_GETTER(g_kick_delay_us, (double)r->fc.kick_delay_ns / 1000.0)
/* No exit (or no clock): n/a here, where the JSON keeps its 0. */
F_GETTER(g_hv_ns, r->c.exits && r->clock_hz
                      ? altinj_run_result_ns_per(r, r->c.hv_cycles, r->c.exits)
                      : NAN)
F_GETTER(g_svsm_ns, r->c.svsm_entries && r->clock_hz
                        ? altinj_run_result_ns_per(r, r->c.svsm_cycles, r->c.svsm_entries)
                        : NAN)
/* The live threads' usage; NaN (printed n/a) in sim, where there are no threads. */
F_GETTER(g_vcpu_share, r->usage_valid ? r->vcpu_cpu_share : NAN)
F_GETTER(g_poster_share, r->usage_valid ? r->poster_cpu_share_min : NAN)
F_GETTER(g_vcpu_nivcsw, r->usage_valid ? (double)r->vcpu_nivcsw : NAN)

/* The live threads' own view of the run: their lowest CPU share over the repetitions and
 * their involuntary context switches (n/a in sim: no threads). */
static void usage_rows(FILE *f, const struct altinj_run_result *runs, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= runs[i].usage_valid;
    if (!any)
        return;
    fputs("live threads (lowest CPU share; involuntary switches)\n", f);
    row_f(f, "  vCPU CPU share", runs, n, g_vcpu_share, 3);
    row_f(f, "  poster CPU share", runs, n, g_poster_share, 3);
    row_f(f, "  vCPU involuntary switches", runs, n, g_vcpu_nivcsw, 0);
}

/* The vCPU thread's perf counters (altinj_perf JSON kept in the result): one row per counter
 * that any run has; "n/a" where a run's machine could not count it. */
static void perf_rows(FILE *f, const struct altinj_run_result *runs, size_t n)
{
    static const char *const keys[] = {"task_clock_ns", "context_switches", "cycles",
                                       "instructions", "cache_misses", "branch_misses"};
    json_t *docs[ALTINJ_TEXT_MAX_COLUMNS] = {0};
    bool any = false;
    for (size_t i = 0; i < n && i < ALTINJ_TEXT_MAX_COLUMNS; i++)
        if (runs[i].perf_json[0] && (docs[i] = json_loads(runs[i].perf_json, 0, NULL)))
            any = true;
    if (any) {
        fputs("perf, vCPU thread (n/a: not countable here)\n", f);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            fprintf(f, "  %-*s", LABEL_W - 2, keys[k]);
            for (size_t i = 0; i < n && i < ALTINJ_TEXT_MAX_COLUMNS; i++) {
                const json_t *v = docs[i] ? json_object_get(docs[i], keys[k]) : NULL;
                if (json_is_integer(v))
                    fprintf(f, "%*" JSON_INTEGER_FORMAT, COL_W, json_integer_value(v));
                else
                    fprintf(f, "%*s", COL_W, "n/a");
            }
            fputc('\n', f);
        }
    }
    for (size_t i = 0; i < n && i < ALTINJ_TEXT_MAX_COLUMNS; i++)
        json_decref(docs[i]);
}

/* Per strategy: repetitions kept, then each metric's median [95 % interval]. */
static void repetition_rows(FILE *f, const struct altinj_run_result *runs, size_t n,
                            const struct altinj_repetitions *reps)
{
    fprintf(f, "\nrepetitions: %u (seed %" PRIu64 "..%" PRIu64 ", each in a shuffled order); "
               "median [bootstrap 95 %% interval] over the repetitions kept\n",
            reps->n, reps->seeds[0], reps->seeds[reps->n - 1]);
    fprintf(f, "  %-16s %6s", "strategy", "kept");
    for (int m = 0; m < ALTINJ_METRIC__COUNT; m++)
        fprintf(f, "  %-27s", altinj_metric_label((enum altinj_metric)m));
    fputc('\n', f);
    for (size_t s = 0; s < n; s++) {
        fprintf(f, "  %-16s %3zu/%-2u", runs[s].strategy, reps->kept[s], reps->n);
        for (int m = 0; m < ALTINJ_METRIC__COUNT; m++) {
            const struct altinj_interval *iv = &reps->summary[s][m];
            char cell[64];
            if (iv->n == 0)
                snprintf(cell, sizeof cell, "n/a");
            else
                snprintf(cell, sizeof cell, "%.4g [%.4g, %.4g]", iv->median, iv->lo, iv->hi);
            fprintf(f, "  %-27s", cell);
        }
        fputc('\n', f);
    }
}

/* Every pair per metric: the difference of medians (a - b) with its interval and the
 * Holm-adjusted p; "significant" only below 0.05. */
static void comparison_rows(FILE *f, const struct altinj_run_result *runs,
                            const struct altinj_repetitions *reps)
{
    fputs("\npairs (Mann-Whitney U over the repetitions, Holm-corrected across the pairs of "
          "each metric; effect = median a - median b)\n",
          f);
    for (size_t c = 0; c < reps->ncmp; c++) {
        const struct altinj_comparison *x = &reps->cmp[c];
        char pair[64];
        snprintf(pair, sizeof pair, "%s - %s", runs[x->a].strategy, runs[x->b].strategy);
        fprintf(f, "  %-19s %-30s %+10.4g [%+.4g, %+.4g]  p=%.3g  %s\n",
                altinj_metric_label(x->metric), pair, x->t.effect, x->t.lo, x->t.hi, x->p_holm,
                x->significant ? "significant" : "no significant difference");
    }
}

/* What a kvm_exit replay made of its trace: the reasons and the V=1 exits. */
static void kvmexit_line(FILE *f, const struct altinj_kvmexit_counts *k)
{
    fprintf(f, "trace:    %" PRIu64 " exits (", k->exits);
    const char *sep = "";
    for (int r = 0; r < ALTINJ_EXIT_R__COUNT; r++) {
        if (!k->by_reason[r])
            continue;
        fprintf(f, "%s%s %" PRIu64, sep, altinj_exit_reason_name((enum altinj_exit_reason)r),
                k->by_reason[r]);
        sep = ", ";
    }
    /* kvm_exit does not name an interrupt exit's vector: they all post the vector= key's. */
    fprintf(f, "); %" PRIu64 " interrupt exits post the vector= vector", k->interrupt_posts);
    if (k->intr_info)
        fprintf(f, "; intr_info V=1: %" PRIu64 " (BUSY cases: %" PRIu64 " interrupts, %" PRIu64
                " guest events%s)", k->v1, k->cut_interrupts, k->cut_raised,
                k->v1_reserved_type ? ", the rest reserved types, replayed as plain exits" : "");
    fputc('\n', f);
}

/* Every guest exit by reason, for workloads with non-interrupt exits (exits=, kvmexit): the
 * reasons some run has. */
static void exit_rows(FILE *f, const struct altinj_run_result *runs, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= runs[i].exit_mix;
    if (!any)
        return;
    fputs("guest exits by reason\n", f);
    for (int r = 0; r < ALTINJ_EXIT_R__COUNT; r++) {
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            seen |= runs[i].c.exits_by_reason[r] != 0;
        if (!seen)
            continue;
        char label[40];
        snprintf(label, sizeof label, "  %s", altinj_exit_reason_name((enum altinj_exit_reason)r));
        fprintf(f, "%-*s", LABEL_W, label);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%*" PRIu64, COL_W, runs[i].c.exits_by_reason[r]);
        fputc('\n', f);
    }
}

void altinj_output_text(FILE *f, const struct altinj_run_meta *meta,
                        const struct altinj_run_result *runs, size_t n,
                        const struct altinj_repetitions *reps)
{
    fprintf(f, "altinj-bench %s, %s mode\n", meta->version, meta->mode);
    fprintf(f, "workload: %s (seed %" PRIu64 ")\n", meta->workload, meta->seed);
    if (meta->has_kvmexit)
        kvmexit_line(f, &meta->kvmexit);
    if (meta->workload_note[0])
        fprintf(f, "note:     %s\n", meta->workload_note);
    fprintf(f, "costs:    %s", meta->costs->name);
    for (int k = 0; k < ALTINJ_COST__COUNT; k++)
        fprintf(f, " %s=%.0fns", altinj_cost_kind_name((enum altinj_cost_kind)k),
                meta->costs->ns[k]);
    fputc('\n', f);
    if (n > 0 && runs[0].placement[0])
        fprintf(f, "placement: %s\n", runs[0].placement);
    /* Fault-free output stays as it was: the fault rows appear only under --faults. */
    bool faults = false;
    for (size_t i = 0; i < n; i++)
        faults |= runs[i].faults_on;
    if (faults)
        fprintf(f, "faults:   %s (hostile hypervisor: docs/hostile-hypervisor.md)\n",
                meta->faults);
    if (reps->n > 1)
        fprintf(f, "table: every event of the %u repetitions pooled\n", reps->n);
    if (meta->noise.windows > 0)
        fprintf(f,
                "noise floor (probe beside the runs, %u x %.2f s on %u CPUs): gaps >10 us "
                "%.1f/s, >100 us %.1f/s, >1 ms %.2f/s per CPU, worst %.0f us, %.3f %% CPU "
                "lost\n",
                meta->noise.windows, meta->noise.probe_s / meta->noise.windows,
                meta->noise.cpus, meta->noise.gaps_over_10us_per_s,
                meta->noise.gaps_over_100us_per_s, meta->noise.gaps_over_1ms_per_s,
                meta->noise.worst_gap_us, meta->noise.lost_cpu_pct);
    else if (meta->noise_error[0])
        fprintf(f, "noise floor: not measured (%s)\n", meta->noise_error);
    fputc('\n', f);
    header(f, runs, n);
    row_u64(f, "events posted", runs, n, g_posted);
    row_u64(f, "delivered", runs, n, g_delivered);
    row_u64(f, "lost", runs, n, g_lost);
    row_u64(f, "duplicated", runs, n, g_dup);
    row_u64(f, "BUSY events", runs, n, g_busy);
    row_u64(f, "failed VMRUNs (VMEXIT_BUSY)", runs, n, g_failed);
    row_u64(f, "re-injections", runs, n, g_reinj);
    /* COCONUT's cancelled switch (README): shown where some row cancelled one, so the stale
     * EXITINTINFO copies behind a wrong delivery are in the table, not only in the JSON. */
    bool cancels = false;
    for (size_t i = 0; i < n; i++)
        cancels |= runs[i].c.switches_cancelled != 0;
    if (cancels) {
        row_u64(f, "switches cancelled", runs, n, g_cancels);
        row_u64(f, "stale EXITINTINFO copies", runs, n, g_stale);
    }
    fputs("latency, us (handler - intended)\n", f);
    row_f(f, "  p50", runs, n, g_p50, 2);
    row_f(f, "  p90", runs, n, g_p90, 2);
    row_f(f, "  p99", runs, n, g_p99, 2);
    row_f(f, "  p99.9", runs, n, g_p999, 2);
    row_f(f, "  p99.99", runs, n, g_p9999, 2);
    row_f(f, "  max", runs, n, g_max, 2);
    fputs("BUSY exit -> re-delivery, us\n", f);
    row_f(f, "  p50", runs, n, g_b50, 2);
    row_f(f, "  p99", runs, n, g_b99, 2);
    row_f(f, "  max", runs, n, g_bmax, 2);
    exit_rows(f, runs, n);
    fputs("per 1000 interrupts\n", f);
    row_f(f, "  guest exits", runs, n, g_exits, 1);
    row_f(f, "  VMRUNs", runs, n, g_vmruns, 1);
    row_f(f, "  failed VMRUNs", runs, n, g_failedk, 1);
    row_f(f, "  SVSM entries", runs, n, g_svsm, 1);
    row_f(f, "  doorbell writes", runs, n, g_dbw, 1);
    fputs("overhead\n", f);
    row_f(f, "  hypervisor ns / exit", runs, n, g_hv_ns, 1);
    row_f(f, "  SVSM ns / entry", runs, n, g_svsm_ns, 1);
    if (faults) {
        fputs("hostile hypervisor (--faults)\n", f);
        row_u64(f, "  faults fired", runs, n, g_fired);
        row_u64(f, "  failed VMRUNs they added", runs, n, g_added_failed);
        row_f(f, "  kick delay asked, us", runs, n, g_kick_delay_us, 1);
        row_u64(f, "  double-VMRUN attempts", runs, n, g_dr_attempts);
        row_u64(f, "  double runs prevented", runs, n, g_dr_prevented);
        row_u64(f, "  double-run violations", runs, n, g_dr_violations);
        row_u64(f, "  deliveries on 2nd CPU", runs, n, g_stolen);
        fprintf(f, "%-*s", LABEL_W, "guest sees");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%*s", COL_W, altinj_run_result_guest_sees(&runs[i]));
        fputc('\n', f);
    }
    usage_rows(f, runs, n);
    perf_rows(f, runs, n);
    fprintf(f, "%-*s", LABEL_W, "verdict");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%*s", COL_W,
                altinj_run_result_ok(&runs[i]) ? "exactly-once"
                : runs[i].fatal                ? "FATAL"
                : runs[i].stalled              ? "STALLED"
                                               : "BROKEN");
    fputc('\n', f);
    if (reps->n > 1) {
        repetition_rows(f, runs, n, reps);
        comparison_rows(f, runs, reps);
    }
    /* The two model premises first: the sources disagree on them and the verdicts depend on
     * them, so a table read alone must say which reading produced it. */
    char line[512];
    fputc('\n', f);
    for (size_t k = 0; k < 2; k++) {
        altinj_run_meta_assumption(meta, k, line, sizeof line);
        fprintf(f, "assumption: %s\n", line);
    }
    fprintf(f, "assumption: %s\n", ALTINJ_ASSUMPTION_HVDB_FLAG);
}
