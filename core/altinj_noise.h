/*
 * The machine's noise floor: a sysjitter-style probe that measures how much of each CPU the
 * machine (other processes, interrupts, the hypervisor under this VM) takes away.
 *
 * One thread per probed CPU, pinned there, reads the TSC back to back for a window of W seconds.
 * Consecutive reads are normally tens of cycles apart; a gap between two reads is time the
 * thread was not running (an interrupt, a preemption, a vCPU the host descheduled). Every gap
 * over ALTINJ_NOISE_GAP_NS (10 us) is counted and its whole duration added to the time lost;
 * gaps over 100 us and over 1 ms are counted again in their own classes.
 *
 * Why beside the live run and not during it: on a 2-core machine a live run already uses both
 * CPUs (the vCPU thread and a poster), so a probe spinning at the same time would take CPU from
 * the very run it measures and make it noisier than it is. The runner therefore probes *beside*
 * each live repetition (a short window just before it), never during it; disturbance during the
 * repetition itself is seen through the run's own threads (their CPU share and involuntary
 * context switches, core/altinj_thread_usage.h).
 *
 * Guarantees:
 * - altinj_noise_probe blocks for about W (plus thread start and join) and uses every probed CPU
 *   fully for that time; it starts and joins its own threads and leaves no state behind.
 * - Counts are ordered: gaps_over_1ms <= gaps_over_100us <= gaps_over_10us (each class is a
 *   subset of the one below it), so are their rates; lost_cpu_pct is in [0, 100]; worst_gap_us
 *   >= 1000 whenever gaps_over_1ms > 0.
 * - Nothing is estimated: steal is -1 when /proc/stat could not be read or parsed, never 0.
 * - The classification (altinj_noise_tally_readings) is a pure function of the readings, so it
 *   can be checked on synthetic TSC sequences.
 */
#ifndef ALTINJ_NOISE_H
#define ALTINJ_NOISE_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "altinj_tsc.h"

/* The gap classes, ns: a gap strictly longer than a class's limit belongs to it. */
#define ALTINJ_NOISE_GAP_NS       10000u   /* 10 us: the counting threshold */
#define ALTINJ_NOISE_GAP_100US_NS 100000u
#define ALTINJ_NOISE_GAP_1MS_NS   1000000u

/* A probe window longer than this is refused: the runner's windows are a fraction of a second,
 * and a typo (ms taken for s) should not take every CPU for minutes. */
#define ALTINJ_NOISE_MAX_WINDOW_S 60.0

/* The gap classes in TSC cycles of one clock (altinj_noise_limits_of). */
struct altinj_noise_limits {
    uint64_t over_10us, over_100us, over_1ms;
};

/* What the readings of one CPU (or several, added) showed, in cycles. */
struct altinj_noise_tally {
    uint64_t gaps_over_10us, gaps_over_100us, gaps_over_1ms;
    uint64_t gap_cycles;   /* total duration of the gaps over 10 us (whole gaps, not excess) */
    uint64_t worst_cycles; /* longest gap of any size */
    uint64_t span_cycles;  /* last reading minus first: the time the readings cover */
};

/*
 * One probe window, or the aggregate of several (altinj_noise_report_add). The first block is
 * what a reader prints; it is derived from the sums in the second block, so that aggregates
 * are exact rather than averages of rates.
 */
struct altinj_noise_report {
    double gaps_over_10us_per_s;  /* gaps over 10 us per second of window per CPU */
    double gaps_over_100us_per_s; /* likewise over 100 us */
    double gaps_over_1ms_per_s;   /* likewise over 1 ms */
    double worst_gap_us;          /* longest gap on any probed CPU, us */
    double lost_cpu_pct;          /* gap time over 10 us / cpu_s x 100 */
    int64_t steal;                /* /proc/stat steal ticks (USER_HZ) of the probed CPUs over
                                     the window(s); -1: unreadable (then also in any sum) */
    double probe_s;               /* W: the window, s (summed over aggregated windows) */
    unsigned cpus;                /* CPUs probed (the largest of aggregated windows) */
    /* The sums: */
    uint64_t gaps_over_10us, gaps_over_100us, gaps_over_1ms;
    double gap_s;                 /* CPU-seconds lost in gaps over 10 us */
    double cpu_s;                 /* CPU-seconds probed: the span each CPU's readings cover,
                                     summed (window x cpus, plus at most the last gap of each
                                     CPU, which may straddle the window's end); the rates and
                                     lost_cpu_pct divide by it */
    unsigned windows;             /* probe windows in this report (0: empty) */
};

/* The gap classes of `clock` in cycles (rounded to nearest). clock->hz must be non-zero. */
void altinj_noise_limits_of(const struct altinj_tsc_clock *clock, struct altinj_noise_limits *out);

/* Adds the n - 1 gaps between consecutive readings tsc[0..n-1], and their span tsc[n-1] -
 * tsc[0], to *t (which the caller zeroes to start). A reading below its predecessor counts as a
 * gap of 0 (a TSC read on one CPU never decreases); n < 2 adds nothing. The probe's own loop
 * classifies each gap with the same code. */
void altinj_noise_tally_readings(const struct altinj_noise_limits *lim, const uint64_t *tsc,
                                 size_t n, struct altinj_noise_tally *t);

/* Makes the report of one window of window_s seconds on `cpus` CPUs from their summed tally
 * (steal: ticks, or -1 when unknown). Fills every field; windows = 1. window_s > 0, cpus > 0. */
void altinj_noise_report_from_tally(const struct altinj_tsc_clock *clock,
                                    const struct altinj_noise_tally *t, unsigned cpus,
                                    double window_s, int64_t steal,
                                    struct altinj_noise_report *out);

/*
 * Probes the CPUs of `cpus` for window_s seconds each, all at once, and fills *out (one
 * window). cpus NULL: every CPU this process may run on (sched_getaffinity), which is the set
 * the live run's placement uses (every online CPU when the process is not restricted).
 * Returns 0, or -1 with a one-line message in err (errlen bytes, NUL-terminated when
 * errlen > 0; *out untouched) when: clock is NULL or uncalibrated; window_s is not in
 * (0, ALTINJ_NOISE_MAX_WINDOW_S]; the set is empty or names a CPU outside this process's
 * affinity; a thread cannot be started or pinned.
 */
int altinj_noise_probe(const struct altinj_tsc_clock *clock, const cpu_set_t *cpus,
                       double window_s, struct altinj_noise_report *out, char *err,
                       size_t errlen);

/* Adds window report x into sum: counts, gap time, probed CPU-seconds and windows add, worst
 * is the max, cpus the max, steal adds (-1 if either is -1), probe_s adds; the rates and
 * lost_cpu_pct are recomputed from the sums. A zeroed sum (= {0}) is the empty aggregate;
 * adding an empty x changes nothing. */
void altinj_noise_report_add(struct altinj_noise_report *sum, const struct altinj_noise_report *x);

/* Reads the steal column (the 8th value) of the cpuN lines of /proc/stat text `f` for every
 * CPU in `cpus` and stores their sum in *ticks. Returns 0, or -1 when a line is missing, too
 * short or malformed (then *ticks is untouched). For every CPU this is the steal of the
 * aggregate "cpu" line. Exposed so the parser can be checked on fixed text. */
int altinj_noise_steal_read(FILE *f, const cpu_set_t *cpus, uint64_t *ticks);

#endif
