/*
 * The measured-beside-its-limit runner that every single-threaded throughput benchmark uses.
 *
 * Why interleave: a ratio "op / limit" is only worth something if both sides saw the same
 * machine. This box is shared (builds run beside it) and a VM, so two separate benchmark
 * entries minutes apart can differ by more than the effect measured. Each iteration of the
 * benchmark loop therefore runs, back to back and timed with the same clock:
 *   1. a block of the setup-only baseline (if the op needs per-op setup),
 *   2. a block of the limit (the cheapest thing that could do the job), first,
 *   3. a block of the measured op;
 * every block is `block` operations long and each operation in it starts with the same
 * setup. Per block, the net time of (2) and (3) is (2) - (1) and (3) - (1).
 * Reported:
 *   time (manual time)  mean net time of the measured op: sum of (3) - (1) over all ops
 *                       (benchmarks registered wall-timed, micro_groups.h, report the wall
 *                       time of the whole iteration instead; the counters are the same)
 *   "mean_ns"           that mean, as a counter
 *   "median_ns"         median over blocks of the measured op's net time per op: the figure
 *   "limit_ns"          the same for the limit
 *   "vs_limit"          median_ns / limit_ns: medians, because a block hit by an interrupt or
 *                       a preemption on this shared machine should not move the ratio
 *   "vs_limit_mean"     the ratio of the means, for comparison
 *   "setup_ns"          (1) per op: what was subtracted
 * all from the same run of the same process. A median whose block is under 10 clock steps
 * (micro_clock.h's resolution rule) is left out, with the ratio, and "invalid_pcts" /
 * "vs_limit_invalid" / "valid_from_ns" say so; blocks are sized to be hundreds of steps.
 *
 * Blocks are long enough (tens of microseconds) that the two clock reads around each one cost
 * well under 1 %, and short enough that a burst of noise lands in a few blocks of both kinds.
 *
 * After the timed loop, the measured block (and the baseline) run once more under altinj_perf
 * so that per-op counts ("op_<counter>", net of the baseline) are attributable to the measured
 * op alone; the timed loop itself reports "run_context_switches" and "run_cpu_share".
 */
#ifndef ALTINJ_MICRO_PAIR_H
#define ALTINJ_MICRO_PAIR_H

#include <stdint.h>

#include "altinj_gbench.h"

/* Runs n operations (each with its own setup, if any). */
typedef void (*altinj_micro_block_fn)(void *ctx, uint64_t n);

struct altinj_micro_pair {
    altinj_micro_block_fn measured;
    altinj_micro_block_fn limit;     /* NULL: no limit beside this op */
    altinj_micro_block_fn baseline;  /* NULL: no per-op setup to subtract */
    void *ctx;
    uint64_t block;                  /* operations per block */
};

void altinj_micro_run_pair(altinj_gb_state *st, const struct altinj_micro_pair *p);

#endif
