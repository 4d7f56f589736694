/*
 * `altinj-bench merge`: many result files -> one tab-separated table for gnuplot and the report.
 *
 *   altinj-bench merge [--crossovers FILE] OUT.tsv IN.json...
 *       `altinj-bench run --json` files -> one row per (file, strategy). Column list and
 *       meaning: the usage text (altinj_merge_usage) and the README's "Sweeps and report"
 *       section. With --crossovers, also where strategies swap order in overhead per
 *       interrupt as the BUSY fraction grows (altinj_merge_cross.h).
 *   altinj-bench merge --micro OUT.tsv IN.json...
 *       Google Benchmark `--benchmark_format=json` files (altinj-micro) -> one row per
 *       benchmark, with the physical limit measured beside it (altinj_merge_micro.h).
 *
 * JSON is read with jansson. Any input that is missing, not JSON, or lacks a field the table
 * needs is refused before anything is written: one line "altinj-bench merge: FILE: why" on
 * stderr and exit status 2. The output appears whole or not at all (altinj_atomic_file).
 */
#ifndef ALTINJ_MERGE_CMD_H
#define ALTINJ_MERGE_CMD_H

#include <stdio.h>

/* Returns the exit status: 0 written, 1 a write failed part-way, 2 bad usage, an output that
 * cannot be created, or a bad input. */
int altinj_merge_command(int argc, char **argv);

void altinj_merge_usage(FILE *f);

#endif
