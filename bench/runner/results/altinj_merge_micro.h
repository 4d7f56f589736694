/*
 * `altinj-bench merge --micro`: Google Benchmark JSON (altinj-micro --benchmark_format=json,
 * library 1.7.x) -> one TSV row per benchmark, for the report's table and the bar plot that
 * draws each operation beside its limit.
 *
 * Processes: the spread that matters on a shared VM is between processes (repetitions in one
 * process agree; separate processes do not), so a row is made from several. Each input file is
 * one process, unless its entries carry "altinj_process" (scripts/micro-runs writes one file
 * holding several processes that way): then each value is one process of that file.
 *
 * Per benchmark (its run_name) and process, the process's figure: from its "median" aggregate
 * when it has one (--benchmark_repetitions), otherwise the median over its iteration entries.
 * Which figure is the benchmark's own: the per-operation median it wrote, in the pair it wrote
 * it - "median_ns" with its limit "limit_ns" (blocks, batches), else "p50_ns" with
 * "limit_p50_ns" (stamped samples; "limit_ns" for files from before that counter) - and,
 * only for files that have neither, the mean per operation (real_time, limit "limit_ns").
 * vs_limit is the benchmark's own same-run "vs_limit" counter. A benchmark with vs_limit but
 * no limit counter was compared with a separate limit benchmark of its family
 * (PREFIX/limit/...): its limit is that benchmark's time (limit_from names it).
 *
 * The resolution rule (bench/micro/micro_lat.h): a stamped-sample figure under 10 clock steps
 * is invalid. A process whose benchmark left its p50 out ("invalid_pcts") or wrote one under
 * its "valid_from_ns" has no figure; such a row is flagged and never given a number from it.
 *
 * Across processes: time_ns, limit_ns, vs_limit and cpu_ns are medians over the processes that
 * have a figure; *_spread_pct is (max - min) / median in percent (NaN with one process). flags
 * (comma-separated, empty when none): broken-limit (vs_limit < 0.95: the limit is not a floor),
 * spread>5% (time or vs_limit spread over 5 %), below-resolution (no process has a valid
 * figure), below-resolution:K/N (K of N processes had none), ratio-below-resolution (the
 * benchmark could not form vs_limit from valid figures in some process). NaN where there is no
 * value. Entries with error_occurred are left out and listed in a header comment.
 */
#ifndef ALTINJ_MERGE_MICRO_H
#define ALTINJ_MERGE_MICRO_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define ALTINJ_MICRO_COLUMNS                                                                   \
    "name\tlabel\ttime_ns\tcpu_ns\tlimit_ns\tvs_limit\titerations\tsamples\tstat\tlimit_from\t" \
    "processes\ttime_spread_pct\tlimit_spread_pct\tvs_limit_spread_pct\ttime_min_ns\t"       \
    "time_max_ns\tlimit_min_ns\tlimit_max_ns\ttime_from\tflags"

/* Below this median vs_limit a limit is flagged broken: it is not a floor of its row. */
#define ALTINJ_MICRO_BROKEN_LIMIT 0.95
/* Above this spread across processes (percent of the median) a row is flagged. */
#define ALTINJ_MICRO_SPREAD_PCT 5.0

/* Checks every document first; returns 0 after writing f, or -1 with "FILE: why" in err
 * (nothing useful written). docs[i] came from files[i]. */
int altinj_merge_micro(FILE *f, json_t *const *docs, const char *const *files, size_t n,
                       char *err, size_t errlen);

#endif
