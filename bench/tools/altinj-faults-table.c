/*
 * Strategies x hostile-hypervisor faults, on the single-threaded fault driver
 * (core/altinj_fault_run.h): for each strategy a fault-free baseline, then one run per fault
 * with only that fault on, at the rate the --faults spec gives it.
 *
 *   altinj-faults-table [--events N] [--seed S] [--faults SPEC] [--format md|tsv]
 *   altinj-faults-table --stress [--events N] [--seed S] [--faults SPEC]
 *
 * Table mode prints a Markdown matrix (cells: what the guest sees, and the figure that shows
 * why) or a TSV with every counter, one line per strategy x fault. Stress mode turns every
 * fault of the spec on at once (default all=0.1 with a 5us kick delay), splits N events over
 * the strategies in chunks of at most 5 million with distinct seeds, prints one line per
 * strategy with the outcome its sources lead to, and exits 1 if any strategy's outcome is not
 * that one: every row must keep its model invariants (no internal error, no double run of the
 * VMSA under the hardware premise); paravisor and, when software events are copied once
 * (--softint-copy advance), reactive and unconditional must deliver every event exactly once;
 * with softint-copy rerun COCONUT's copy of a forced INTn/INT3/INTO cut is handled twice (so
 * reactive and unconditional may duplicate, never lose); hvdb-flag's flag-only SVSM loses
 * interrupts when an omitted flag meets doorbell work (docs/hostile-hypervisor.md), so it may
 * lose, never panic silently. Bad arguments: one line, exit 2.
 *
 *   --busy-premise hardware|software, --softint-copy rerun|advance: the model's premises
 *   (core/altinj_model.h); the default is the run command's.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "altinj_cli_once.h"
#include "altinj_cli_num.h"
#include "altinj_fault_run.h"
#include "altinj_faults.h"

#define DEFAULT_TABLE_FAULTS                                                                  \
    "flag-no-busy=0.1,omit-flag=0.5,garbage=0.01,stale-flag=0.1,double-vmrun=0.05,"           \
    "softint-exitintinfo=0.1,delay-kick=0.1:20us"
#define DEFAULT_STRESS_FAULTS "all=0.1,delay-kick=0.1:5us"
#define STRESS_CHUNK UINT64_C(5000000)

static int usage_error(const char *msg)
{
    fprintf(stderr, "altinj-faults-table: %s\n", msg);
    return 2;
}

static struct altinj_model model; /* --busy-premise, --softint-copy */

static int run_one(const struct altinj_strategy *s, const struct altinj_fault_spec *spec,
                   uint64_t events, uint64_t seed, struct altinj_fault_run_result *r)
{
    struct altinj_fault_run_config cfg = {
        .strategy = s, .faults = *spec, .events = events, .seed = seed, .model = model};
    char err[256];
    if (altinj_fault_run(&cfg, r, err, sizeof err) != 0) {
        fprintf(stderr, "altinj-faults-table: %s\n", err);
        return -1;
    }
    return 0;
}

static double mean_us(const struct altinj_fault_run_result *r)
{
    return r->handled ? (double)r->latency_sum_ns / (double)r->handled / 1000.0 : 0.0;
}

static void tsv_header(void)
{
    printf("strategy\tfault\trate\tevents\tdelivered\tlost\tduplicated\tstolen\tfired\t"
           "failed_vmruns\tbusy_events\tsvsm_entries\tspurious_flags\tdoorbell_rejected\t"
           "left_to_guest\tdr_attempts\tdr_prevented\tdr_prevented_svme\tdr_violations\tfatal\t"
           "stalled\t"
           "mean_latency_us\tmax_latency_us\tguest_sees\n");
}

static void tsv_row(const char *strategy, const char *fault, double rate,
                    const struct altinj_fault_run_result *r, const char *sees, int k)
{
    printf("%s\t%s\t%g\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
           "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
           "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\t%d\t%.3f\t%.3f"
           "\t%s\n",
           strategy, fault, rate, r->posted, r->verdict.delivered, r->verdict.lost,
           r->verdict.duplicated, r->fc.stolen_deliveries, k >= 0 ? r->fc.fired[k] : 0,
           r->c.failed_vmruns, r->c.busy_events, r->c.svsm_entries, r->c.hvdb_flags_spurious,
           r->c.hvdb_vectors_rejected, r->c.left_to_guest, r->fc.dr_attempts, r->fc.dr_prevented,
           r->fc.dr_prevented_svme, r->fc.dr_violations, r->fatal, r->stalled, mean_us(r),
           (double)r->latency_max_ns / 1000.0, sees);
}

/* The one figure that shows why the cell says what it says. */
static void cell(char *buf, size_t len, int k, const struct altinj_fault_run_result *r,
                 const struct altinj_fault_run_result *base, const char *sees)
{
    char why[96] = "";
    switch (k) {
    case ALTINJ_FAULT_FLAG_NO_BUSY:
    case ALTINJ_FAULT_STALE_FLAG:
        snprintf(why, sizeof why, "%" PRIu64 " spurious flags", r->c.hvdb_flags_spurious);
        break;
    case ALTINJ_FAULT_OMIT_FLAG:
        snprintf(why, sizeof why, "+%" PRId64 " failed VMRUN",
                 (int64_t)(r->c.failed_vmruns - base->c.failed_vmruns));
        break;
    case ALTINJ_FAULT_GARBAGE:
        snprintf(why, sizeof why, "%" PRIu64 " rejected", r->c.hvdb_vectors_rejected);
        break;
    case ALTINJ_FAULT_DOUBLE_VMRUN:
        snprintf(why, sizeof why,
                 "%" PRIu64 "/%" PRIu64 " prevented (%" PRIu64 " by SVME), %" PRIu64 " double runs",
                 r->fc.dr_prevented, r->fc.dr_attempts, r->fc.dr_prevented_svme,
                 r->fc.dr_violations);
        break;
    case ALTINJ_FAULT_SOFTINT_EXITINTINFO:
        snprintf(why, sizeof why, "%" PRIu64 " left to the guest, %" PRIu64 " re-injected",
                 r->c.left_to_guest, r->c.reinjections);
        break;
    case ALTINJ_FAULT_DELAY_KICK:
        snprintf(why, sizeof why, "max %.0f us", (double)r->latency_max_ns / 1000.0);
        break;
    default:
        break;
    }
    char loss[64] = "";
    if (r->verdict.lost || r->verdict.duplicated)
        snprintf(loss, sizeof loss, ", lost %" PRIu64 " dup %" PRIu64, r->verdict.lost,
                 r->verdict.duplicated);
    snprintf(buf, len, "%s: %s%s", sees, why, loss);
}

static int table(const struct altinj_fault_spec *spec, uint64_t events, uint64_t seed, bool md)
{
    const size_t ns = altinj_strategy_count();
    struct altinj_fault_run_result *res = calloc(ns * (ALTINJ_FAULT__COUNT + 1), sizeof *res);
    if (!res)
        return usage_error("out of memory");
    int rc = 0;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        struct altinj_fault_spec none = {.delay_kick_ns = spec->delay_kick_ns};
        struct altinj_fault_run_result *row = &res[i * (ALTINJ_FAULT__COUNT + 1)];
        rc = run_one(altinj_strategy_at(i), &none, events, seed, &row[0]);
        for (int k = 0; k < ALTINJ_FAULT__COUNT && rc == 0; k++) {
            if (!(spec->rate[k] > 0))
                continue;
            struct altinj_fault_spec one = none;
            one.rate[k] = spec->rate[k];
            rc = run_one(altinj_strategy_at(i), &one, events, seed, &row[k + 1]);
        }
    }
    if (rc != 0) {
        free(res);
        return 1;
    }
    if (!md)
        tsv_header();
    else {
        printf("| strategy |");
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++) {
            if (!(spec->rate[k] > 0))
                continue;
            printf(" %s=%g", altinj_fault_name(k), spec->rate[k]);
            if (k == ALTINJ_FAULT_DELAY_KICK)
                printf(":%gus", (double)spec->delay_kick_ns / 1000.0);
            printf(" |");
        }
        printf("\n|---|");
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
            if (spec->rate[k] > 0)
                printf("---|");
        printf("\n");
    }
    for (size_t i = 0; i < ns; i++) {
        const char *name = altinj_strategy_at(i)->name;
        const struct altinj_fault_run_result *row = &res[i * (ALTINJ_FAULT__COUNT + 1)];
        if (md)
            printf("| %s |", name);
        else
            tsv_row(name, "none", 0, &row[0], altinj_fault_run_guest_sees(&row[0], &row[0]), -1);
        for (int k = 0; k < ALTINJ_FAULT__COUNT; k++) {
            if (!(spec->rate[k] > 0))
                continue;
            const char *sees = altinj_fault_run_guest_sees(&row[k + 1], &row[0]);
            if (md) {
                char buf[192];
                cell(buf, sizeof buf, k, &row[k + 1], &row[0], sees);
                printf(" %s |", buf);
            } else {
                tsv_row(name, altinj_fault_name(k), spec->rate[k], &row[k + 1], sees, k);
            }
        }
        if (md)
            printf("\n");
    }
    if (md)
        printf("\n%" PRIu64 " events per cell, seed %" PRIu64 ", one fault per column; cells: "
               "what the guest would see (panic, double-run, stall, lost, duplicated, delay, "
               "nothing) and the figure behind it.\n",
               events, seed);
    free(res);
    return 0;
}

static int stress(const struct altinj_fault_spec *spec, uint64_t events, uint64_t seed)
{
    const size_t ns = altinj_strategy_count();
    const uint64_t per = events / ns + (events % ns != 0);
    char desc[512];
    altinj_fault_spec_describe(spec, desc, sizeof desc);
    printf("stress: %" PRIu64 " events per strategy, faults %s, busy-premise %s, softint-copy %s\n",
           per, desc, altinj_busy_premise_name(model.busy_premise),
           altinj_softint_copy_name(model.softint_copy));
    int failed = 0;
    for (size_t i = 0; i < ns; i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        struct altinj_fault_run_result sum = {0};
        uint64_t fired = 0, internal = 0;
        bool fatal = false, stalled = false;
        const clock_t t0 = clock();
        for (uint64_t done = 0, chunk = 0; done < per; chunk++) {
            const uint64_t n = per - done < STRESS_CHUNK ? per - done : STRESS_CHUNK;
            struct altinj_fault_run_result r;
            if (run_one(s, spec, n, seed + chunk * 7919 + i, &r) != 0)
                return 1;
            done += n;
            sum.posted += r.posted;
            sum.verdict.delivered += r.verdict.delivered;
            sum.verdict.lost += r.verdict.lost;
            sum.verdict.duplicated += r.verdict.duplicated;
            sum.fc.stolen_deliveries += r.fc.stolen_deliveries;
            sum.fc.dr_attempts += r.fc.dr_attempts;
            sum.fc.dr_prevented += r.fc.dr_prevented;
            sum.fc.dr_violations += r.fc.dr_violations;
            sum.fc.dr_held_violations += r.fc.dr_held_violations;
            sum.c.failed_vmruns += r.c.failed_vmruns;
            for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
                fired += r.fc.fired[k];
            internal += r.c.internal_errors;
            fatal |= r.fatal;
            stalled |= r.stalled;
        }
        const double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        /* The outcome the row's sources lead to (the file comment). */
        const bool coconut_copy = s->svsm == &altinj_svsm_coconut;
        const bool may_dup = coconut_copy && model.softint_copy == ALTINJ_SOFTINT_COPY_RERUN;
        const bool may_lose = s->svsm == &altinj_svsm_flag_only;
        const bool hw = model.busy_premise == ALTINJ_PREMISE_HARDWARE;
        const bool unsafe = internal || (hw && (sum.fc.dr_violations || sum.fc.dr_held_violations)) ||
                            (!may_lose && (sum.verdict.lost || fatal || stalled)) ||
                            (!may_dup && !may_lose && sum.verdict.duplicated);
        printf("%-13s events %" PRIu64 " delivered %" PRIu64 " lost %" PRIu64
               " duplicated %" PRIu64 " stolen %" PRIu64 " faults %" PRIu64
               " failed_vmruns %" PRIu64 " double-run prevented %" PRIu64 "/%" PRIu64
               " violations %" PRIu64 " internal %" PRIu64 "%s%s  %.1f s  %s%s\n",
               s->name, sum.posted, sum.verdict.delivered, sum.verdict.lost,
               sum.verdict.duplicated, sum.fc.stolen_deliveries, fired, sum.c.failed_vmruns,
               sum.fc.dr_prevented, sum.fc.dr_attempts, sum.fc.dr_violations, internal,
               fatal ? " FATAL" : "", stalled ? " STALLED" : "", secs, unsafe ? "FAIL" : "ok",
               may_lose ? " (expected: may lose)" : may_dup ? " (expected: may duplicate)" : "");
        failed |= unsafe;
    }
    printf("stress: %s\n", failed ? "FAILED" : "passed");
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"events", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
        {"faults", required_argument, NULL, 'f'}, {"format", required_argument, NULL, 'F'},
        {"stress", no_argument, NULL, 'S'},       {"help", no_argument, NULL, 'h'},
        {"busy-premise", required_argument, NULL, 'P'},
        {"softint-copy", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    uint64_t events = 0, seed = 1;
    const char *faults = NULL;
    bool md = true, stress_mode = false;
    char err[256];
    opterr = 0;
    bool seen[256] = {false};
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        /* --stress and --help are switches; every other option takes one value. */
        if (c != 'S' && c != 'h' && altinj_cli_once(seen, 256, c, opts, err, sizeof err) != 0)
            return usage_error(err);
        switch (c) {
        case 'n':
            if (altinj_cli_parse_u64("--events", optarg, 1, UINT64_C(1) << 40, &events, err,
                                     sizeof err) != 0)
                return usage_error(err);
            break;
        case 's':
            if (altinj_cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &seed, err, sizeof err) != 0)
                return usage_error(err);
            break;
        case 'f': faults = optarg; break;
        case 'F':
            if (strcmp(optarg, "md") == 0)
                md = true;
            else if (strcmp(optarg, "tsv") == 0)
                md = false;
            else
                return usage_error("--format must be md or tsv");
            break;
        case 'S': stress_mode = true; break;
        case 'P':
            if (altinj_busy_premise_parse(optarg, &model.busy_premise) != 0)
                return usage_error("--busy-premise must be hardware or software");
            break;
        case 'C':
            if (altinj_softint_copy_parse(optarg, &model.softint_copy) != 0)
                return usage_error("--softint-copy must be rerun or advance");
            break;
        case 'h':
            printf("usage: altinj-faults-table [--events N] [--seed S] [--faults SPEC] "
                   "[--format md|tsv] [--stress]\n"
                   "                           [--busy-premise hardware|software] "
                   "[--softint-copy rerun|advance]\n");
            return 0;
        default:
            snprintf(err, sizeof err, "unknown option or missing value '%s' (see --help)",
                     argv[optind - 1]);
            return usage_error(err);
        }
    }
    if (optind < argc) {
        snprintf(err, sizeof err, "unexpected argument '%s'", argv[optind]);
        return usage_error(err);
    }
    struct altinj_fault_spec spec;
    if (altinj_fault_spec_parse(faults ? faults
                                       : stress_mode ? DEFAULT_STRESS_FAULTS : DEFAULT_TABLE_FAULTS,
                                &spec, err, sizeof err) != 0)
        return usage_error(err);
    if (spec.has_seed) { /* the run's seed then; each chunk and row derives its own */
        seed = spec.seed;
        spec.has_seed = false;
    }
    if (stress_mode)
        return stress(&spec, events ? events : UINT64_C(100000000), seed);
    return table(&spec, events ? events : 100000, seed, md);
}
