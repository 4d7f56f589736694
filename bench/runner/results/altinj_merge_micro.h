/*
 * `altinj-bench merge --micro`: Google Benchmark JSON (altinj-micro --benchmark_format=json,
 * library 1.7.x) -> one TSV row per benchmark, for the bar plot that draws each operation
 * beside its physical limit.
 *
 * Per benchmark (its run_name): the "median" aggregate when the file has one (runs with
 * --benchmark_repetitions), otherwise the mean of its iteration entries. Times are converted
 * to ns from the entry's time_unit. limit_ns and vs_limit are the user counters bench/micro/
 * sets on benchmarks that run a limit beside them. A benchmark with vs_limit but no limit_ns
 * counter was compared with a separate limit benchmark of its family (PREFIX/limit/...): its
 * limit_ns is that benchmark's time (limit_from names it). NaN where there is no limit.
 * Entries with error_occurred are left out and listed in a header comment.
 */
#ifndef ALTINJ_MERGE_MICRO_H
#define ALTINJ_MERGE_MICRO_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define ALTINJ_MICRO_COLUMNS                                                                   \
    "name\tlabel\ttime_ns\tcpu_ns\tlimit_ns\tvs_limit\titerations\tsamples\tstat\tlimit_from"

/* Checks every document first; returns 0 after writing f, or -1 with "FILE: why" in err
 * (nothing useful written). docs[i] came from files[i]. */
int altinj_merge_micro(FILE *f, json_t *const *docs, const char *const *files, size_t n,
                       char *err, size_t errlen);

#endif
