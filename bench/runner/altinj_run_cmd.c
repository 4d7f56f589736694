#include "altinj_run_cmd.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "altinj_costs.h"
#include "altinj_live.h"
#include "altinj_noise.h"
#include "altinj_output_hist.h"
#include "altinj_output_json.h"
#include "altinj_output_text.h"
#include "altinj_outputs.h"
#include "altinj_progress.h"
#include "altinj_rate_bounds.h"
#include "altinj_repetitions.h"
#include "altinj_run_pool.h"
#include "altinj_run_cli.h"
#include "altinj_run_kvmexit.h"
#include "altinj_run_meta.h"
#include "altinj_sim_cmd.h"
#include "altinj_tsc.h"
#include "altinj_workload.h"

#ifndef ALTINJ_VERSION
#define ALTINJ_VERSION "unknown"
#endif

#define ERR_LEN 512

static int fail(int status, const char *msg)
{
    fprintf(stderr, "altinj-bench run: %s\n", msg);
    return status;
}

void altinj_run_meta_machine(struct altinj_run_meta *meta)
{
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(meta->host, sizeof meta->host, "%s %s %s", u.nodename, u.machine, u.release);
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    meta->ncpus = n > 0 ? (unsigned)n : 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *colon = strchr(line, ':');
            if (colon) {
                snprintf(meta->cpu_model, sizeof meta->cpu_model, "%s", colon + 2);
                meta->cpu_model[strcspn(meta->cpu_model, "\n")] = '\0';
            }
            break;
        }
    }
    fclose(f);
}

/* A trace replays in full unless -d or -n says otherwise; a cut is said, never silent. */
static void trace_bounds(struct altinj_run_opts *o, const struct altinj_workload_spec *wl)
{
    if (wl->kind != ALTINJ_WL_TRACE && wl->kind != ALTINJ_WL_KVMEXIT)
        return;
    const uint64_t total = altinj_workload_trace_events(wl);
    const uint64_t end_ns = altinj_workload_trace_end_ns(wl);
    if (o->events) {
        /* (Several simulated vCPUs may each replay a copy: no note then; a kvm_exit replay's
         * vCPUs share one.) */
        if (o->events > total && (o->vcpus == 1 || wl->kind == ALTINJ_WL_KVMEXIT))
            fprintf(stderr, "altinj-bench run: note: --events %llu is more than the trace's "
                    "%llu events: it replays %llu\n", (unsigned long long)o->events,
                    (unsigned long long)total, (unsigned long long)total);
        return;
    }
    if (!o->duration_given) {
        /* 1 us past the last event, so no rounding of the double can cut it. */
        o->duration_s = (double)(end_ns + 1000) * 1e-9;
        return;
    }
    const uint64_t kept = altinj_workload_trace_events_before(wl, (uint64_t)(o->duration_s * 1e9));
    if (kept < total)
        fprintf(stderr, "altinj-bench run: note: --duration %g replays %llu of the trace's %llu "
                "events (%llu cut; it spans %.6g s, and replays in full without --duration)\n",
                o->duration_s, (unsigned long long)kept, (unsigned long long)total,
                (unsigned long long)(total - kept), (double)end_ns * 1e-9);
}

/* Every output of the run (--json, --hist and its derived .hgrm names) against every input
 * (the trace, a cost file) and each other, before anything runs (altinj_outputs.h). */
static int plan_outputs(const struct altinj_run_opts *o, const struct altinj_workload_spec *wl,
                        struct altinj_outputs *outs, int *json_i, int *hist_i, char *err,
                        size_t errlen)
{
    *json_i = *hist_i = -1;
    if (o->json_path && (*json_i = altinj_outputs_add(outs, "--json", o->json_path, err,
                                                      errlen)) < 0)
        return -1;
    if (o->hist_path) {
        if (strcmp(o->hist_path, "-") == 0) {
            snprintf(err, errlen, "--hist: '-' is not allowed (it writes one file per strategy "
                                  "beside FILE)");
            return -1;
        }
        if ((*hist_i = altinj_outputs_add(outs, "--hist", o->hist_path, err, errlen)) < 0)
            return -1;
        for (size_t i = 0; i < o->nstrategies; i++) {
            char table[PATH_MAX];
            if (altinj_output_hist_table_path(o->hist_path, o->strategies[i]->name, table,
                                              sizeof table) != 0) {
                snprintf(err, errlen, "--hist: path too long");
                return -1;
            }
            /* Indices follow --hist's in the -s order. */
            if (altinj_outputs_add(outs, "--hist (.hgrm)", table, err, errlen) < 0)
                return -1;
        }
    }
    if (wl->file &&
        altinj_outputs_add_input(outs, wl->kind == ALTINJ_WL_KVMEXIT ? "kvmexit:file=" : "trace:file=",
                                 wl->file, err, errlen) != 0)
        return -1;
    if (!altinj_costs_builtin(o->costs) &&
        altinj_outputs_add_input(outs, "--costs", o->costs, err, errlen) != 0)
        return -1;
    return altinj_outputs_check(outs, err, errlen);
}

/* Writes every output, then commits them together. Returns 0, or -1 with err set (exit
 * ALTINJ_EXIT_WRITE). */
static int write_outputs(struct altinj_outputs *outs, int json_i, int hist_i,
                         const struct altinj_run_meta *meta, const struct altinj_run_result *runs,
                         size_t n, const struct altinj_repetitions *reps, char *err,
                         size_t errlen)
{
    if (json_i < 0 && hist_i < 0)
        return 0;
    if (altinj_outputs_open(outs, err, errlen) != 0)
        return -1;
    /* A failed write shows as the stream's error at commit, with the system's reason. */
    if (json_i >= 0)
        altinj_output_json(altinj_outputs_stream(outs, json_i), meta, runs, n, reps);
    if (hist_i >= 0) {
        altinj_output_hist(altinj_outputs_stream(outs, hist_i), runs, n);
        for (size_t i = 0; i < n; i++)
            altinj_output_hist_table(altinj_outputs_stream(outs, hist_i + 1 + (int)i), &runs[i]);
    }
    return altinj_outputs_commit(outs, err, errlen);
}

/* The live engine: pre-generates the arrivals every strategy replays and runs each strategy on
 * real threads, on the clock the command calibrated once (so repetitions pool on one clock). Fills meta's clock and machine fields and runs[0..*nruns)
 * (each initialised run is counted in *nruns, so the caller frees it). Returns the exit status:
 * 0, 1 (could not run) or 2 (bad input), with err set when non-zero. */
static int run_live(const struct altinj_run_opts *o, const struct altinj_tsc_clock *clock_in,
                    const struct altinj_cost_profile *costs,
                    const struct altinj_workload_spec *wl, struct altinj_run_meta *meta,
                    struct altinj_run_result *runs, size_t *nruns, char *err, size_t errlen)
{
    const struct altinj_tsc_clock clock = *clock_in;

    /* Every strategy replays this one sequence. One more than the cap is asked for so that
     * "too many" can be told apart from "exactly the cap". */
    struct altinj_arrival *arrivals = NULL;
    size_t count = 0;
    const size_t want = o->events ? (size_t)o->events : (size_t)ALTINJ_RUN_MAX_EVENTS + 1;
    const uint64_t until = o->events ? UINT64_MAX : (uint64_t)(o->duration_s * 1e9);
    if (altinj_workload_pregenerate(wl, o->seed, want, until, &arrivals, &count) != 0) {
        snprintf(err, errlen, "cannot generate the arrivals (out of memory)");
        return 1;
    }
    int status = 2;
    if (count > ALTINJ_RUN_MAX_EVENTS) {
        snprintf(err, errlen,
                 "the workload posts more than %u events in %.6g s: lower the rate or the "
                 "duration, or use --events",
                 ALTINJ_RUN_MAX_EVENTS, o->duration_s);
        goto out;
    }
    if (count == 0) {
        snprintf(err, errlen, "the workload posts no event in %.6g s", o->duration_s);
        goto out;
    }
    meta->mode = "live";
    meta->clock_hz = clock.hz;
    meta->clock_read_overhead = clock.read_overhead_cycles;
    altinj_run_meta_machine(meta);

    struct altinj_live_config cfg = {
        .arrivals = arrivals,
        .count = count,
        .nsources = altinj_workload_sources(wl),
        .clock = &clock,
        .drain_timeout_s = o->drain_timeout_s,
        .progress = altinj_progress_update,
        .faults = &o->faults,
        .seed = o->seed,
        .workload = wl,
        .model = o->model,
        /* exits= over the run's duration; with --events, up to the last arrival. */
        .exits_until_ns = until == UINT64_MAX ? 0 : until,
    };
    if (altinj_costs_to_cycles(costs, clock.hz, cfg.cost_cycles) != 0) {
        snprintf(err, errlen, "cost profile '%s' does not fit the clock", costs->name);
        goto out;
    }
    const double span_s = (double)arrivals[count - 1].t_ns * 1e-9;
    for (size_t i = 0; i < o->nstrategies; i++) {
        if (altinj_run_result_init(&runs[i], o->strategies[i]->name, "live") != 0) {
            snprintf(err, errlen, "out of memory");
            status = 1;
            goto out;
        }
        (*nruns)++;
        runs[i].row = o->strategies[i];
        struct altinj_progress prog;
        altinj_progress_begin(&prog, o->strategies[i]->name, span_s, o->quiet);
        cfg.strategy = o->strategies[i];
        cfg.progress_ctx = &prog;
        const int rc = altinj_live_run(&cfg, &runs[i], err, errlen);
        altinj_progress_end(&prog);
        if (rc != 0) {
            status = 1;
            goto out;
        }
    }
    status = 0;
out:
    free(arrivals);
    return status;
}

/* Whether a live repetition of one strategy was disturbed by the machine, so that its figures
 * describe this VM's neighbours rather than the strategy: a thread of the run lost its CPU
 * (ALTINJ_DISTURBED_CPU_SHARE). Usage that could not be read proves nothing either way and
 * keeps the repetition. */
static bool live_disturbed(const struct altinj_run_result *r)
{
    return r->usage_valid && (r->vcpu_cpu_share < ALTINJ_DISTURBED_CPU_SHARE ||
                              r->poster_cpu_share_min < ALTINJ_DISTURBED_CPU_SHARE);
}

/* Repetition k: every strategy once, in an order shuffled with seed + k, on arrivals drawn
 * with seed + k; each result is recorded in reps and pooled into runs[] (the -s order). */
static int run_repetition(const struct altinj_run_opts *o, unsigned k,
                          const struct altinj_tsc_clock *clock,
                          const struct altinj_cost_profile *costs,
                          const struct altinj_workload_spec *wl, struct altinj_run_meta *meta,
                          struct altinj_run_result *runs, struct altinj_repetitions *reps,
                          char *err, size_t errlen)
{
    struct altinj_run_opts ok = *o;
    ok.seed = o->seed + k;
    size_t order[ALTINJ_RUN_MAX_STRATEGIES] = {0}; /* only [0, nstrategies) is used */
    /* One strategy, or one repetition asked for: the order given (a single run of
     * altinj-bench stays what it was before repetitions existed). */
    if (o->repeat > 1)
        altinj_repetitions_shuffle(order, o->nstrategies, ok.seed);
    else
        for (size_t i = 0; i < o->nstrategies; i++)
            order[i] = i;
    for (size_t p = 0; p < o->nstrategies; p++)
        ok.strategies[p] = o->strategies[order[p]];
    struct altinj_run_result once[ALTINJ_RUN_MAX_STRATEGIES];
    size_t nonce = 0;
    if (o->repeat > 1 && !o->quiet)
        fprintf(stderr, "repetition %u/%u (seed %llu)\n", k + 1, o->repeat,
                (unsigned long long)ok.seed);
    /* The machine's noise floor just before the repetition, never during it (a probe would
     * take the CPUs the run uses: core/altinj_noise.h). A probe that cannot start is
     * reported, not fatal: the run itself is still good. */
    if (o->mode == ALTINJ_RUN_MODE_LIVE && o->noise_probe_s > 0 && !meta->noise_error[0]) {
        struct altinj_noise_report w;
        char perr[160];
        if (altinj_noise_probe(clock, NULL, o->noise_probe_s, &w, perr, sizeof perr) == 0)
            altinj_noise_report_add(&meta->noise, &w);
        else
            snprintf(meta->noise_error, sizeof meta->noise_error, "%s", perr);
    }
    int status = o->mode == ALTINJ_RUN_MODE_SIM
                     ? altinj_sim_command(&ok, costs, wl, meta, once, &nonce, err, errlen)
                     : run_live(&ok, clock, costs, wl, meta, once, &nonce, err, errlen);
    if (status == 0) {
        for (size_t p = 0; p < nonce; p++) {
            const size_t s = order[p];
            const bool disturbed = o->mode == ALTINJ_RUN_MODE_LIVE && live_disturbed(&once[p]);
            altinj_repetitions_record(reps, s, k, (unsigned)p, ok.seed, disturbed, &once[p]);
            altinj_run_result_pool(&runs[s], &once[p]);
        }
    }
    for (size_t p = 0; p < nonce; p++)
        altinj_run_result_free(&once[p]);
    return status;
}

int altinj_run_command(int argc, char **argv)
{
    char err[ERR_LEN] = "";
    struct altinj_run_opts o;
    switch (altinj_run_parse(argc, argv, &o, stdout, err, sizeof err)) {
    case ALTINJ_CLI_EXIT:
        return 0;
    case ALTINJ_CLI_ERROR:
        return fail(2, err);
    case ALTINJ_CLI_OK:
        break;
    }
    struct altinj_cost_profile costs;
    if (altinj_costs_load(o.costs, &costs, err, sizeof err) != 0)
        return fail(2, err);
    struct altinj_workload_spec wl;
    if (altinj_workload_parse(o.workload, &wl, err, sizeof err) != 0)
        return fail(2, err);
    int status = 2;
    struct altinj_run_result *runs = NULL;
    size_t nruns = 0;
    struct altinj_repetitions reps = {0};
    struct altinj_run_meta meta = {
        .version = ALTINJ_VERSION, .seed = o.seed, .costs = &costs, .model = o.model,
        .repeat = o.repeat};
    int json_i, hist_i;
    struct altinj_outputs *outs = NULL;
    /* Before the bounds: it may set --vcpus (a kvm_exit replay's sim runs one per vCPU). */
    if (altinj_run_kvmexit_setup(&o, &wl, &meta, err, sizeof err) != 0)
        goto out;
    trace_bounds(&o, &wl);
    outs = altinj_outputs_new();
    if (!outs) {
        snprintf(err, sizeof err, "out of memory");
        status = 1;
        goto out;
    }
    if (plan_outputs(&o, &wl, outs, &json_i, &hist_i, err, sizeof err) != 0)
        goto out;
    runs = calloc(o.nstrategies, sizeof *runs);
    if (!runs) {
        snprintf(err, sizeof err, "out of memory");
        status = 1;
        goto out;
    }
    altinj_workload_describe(&wl, meta.workload, sizeof meta.workload);
    altinj_fault_spec_describe(&o.faults, meta.faults, sizeof meta.faults);
    if (altinj_repetitions_init(&reps, o.repeat, o.nstrategies) != 0) {
        snprintf(err, sizeof err, "out of memory");
        status = 1;
        goto out;
    }
    struct altinj_tsc_clock clock;
    if (o.mode == ALTINJ_RUN_MODE_LIVE && altinj_tsc_calibrate(&clock, err, sizeof err) != 0) {
        status = 1;
        goto out;
    }
    /* Before a single arrival is generated: a rate the clock cannot schedule, or one whose
     * arrivals would not fit the pre-generated sequence, is bad input. */
    if (o.mode == ALTINJ_RUN_MODE_LIVE &&
        altinj_rate_check(&wl, o.duration_s, o.events != 0, ALTINJ_RUN_MAX_EVENTS, clock.hz,
                          altinj_rate_clock_read_cycles(), err, sizeof err) != 0) {
        status = 2;
        goto out;
    }
    for (size_t i = 0; i < o.nstrategies; i++) {
        const char *caveat = altinj_strategy_caveat(o.strategies[i]);
        if (caveat)
            fprintf(stderr, "altinj-bench run: note: %s: %s\n", o.strategies[i]->name, caveat);
        if (altinj_run_result_init(&runs[i], o.strategies[i]->name,
                                   o.mode == ALTINJ_RUN_MODE_SIM ? "sim" : "live") != 0) {
            snprintf(err, sizeof err, "out of memory");
            status = 1;
            goto out;
        }
        nruns++;
    }
    for (unsigned k = 0; k < o.repeat; k++) {
        status = run_repetition(&o, k, &clock, &costs, &wl, &meta, runs, &reps, err, sizeof err);
        if (status != 0)
            goto out;
    }
    if (altinj_repetitions_analyse(&reps, o.seed) != 0) {
        snprintf(err, sizeof err, "out of memory");
        status = 1;
        goto out;
    }
    /* With --json -, standard output is the JSON's: the table goes to stderr. */
    if (!o.quiet)
        altinj_output_text(altinj_outputs_uses_stdout(outs) ? stderr : stdout, &meta, runs,
                           nruns, &reps);
    if (write_outputs(outs, json_i, hist_i, &meta, runs, nruns, &reps, err, sizeof err) != 0) {
        status = ALTINJ_EXIT_WRITE;
        goto out;
    }
    status = 0;
    for (size_t i = 0; i < nruns; i++) {
        const struct altinj_run_result *r = &runs[i];
        if (altinj_run_result_ok(r))
            continue;
        fprintf(stderr,
                "altinj-bench run: %s: %llu lost, %llu duplicated%s%s%s%s%s\n", r->strategy,
                (unsigned long long)r->verdict.lost, (unsigned long long)r->verdict.duplicated,
                r->fatal ? ", guest could not be made runnable" : "",
                r->fatal && r->fatal_reason ? " (" : "",
                r->fatal && r->fatal_reason ? r->fatal_reason : "",
                r->fatal && r->fatal_reason ? ")" : "",
                r->stalled ? ", deliveries stalled past the drain timeout" : "");
        if (r->c.internal_errors)
            fprintf(stderr, "altinj-bench run: %s: model invariant broken %llu times\n",
                    r->strategy, (unsigned long long)r->c.internal_errors);
        status = 1;
    }
    err[0] = '\0';
out:
    if (err[0])
        fail(status, err);
    for (size_t i = 0; i < nruns; i++)
        altinj_run_result_free(&runs[i]);
    free(runs);
    altinj_outputs_free(outs);
    altinj_repetitions_free(&reps);
    altinj_workload_spec_free(&wl);
    return status;
}
