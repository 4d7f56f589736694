/*
 * How much of its wall time a thread really ran, and how often the kernel took its CPU away:
 * the disturbance a live run's own threads see while it runs (the noise probe,
 * core/altinj_noise.h, measures the machine beside the run, never during it).
 *
 * A live thread spins from its start to its end, never sleeps, so its CPU share (thread CPU time
 * over wall time) is 1 on a quiet machine; whatever another task, an interrupt or the host took
 * shows as a share below 1 and, for preemptions, as involuntary context switches (ru_nivcsw).
 *
 * Guarantees: begin and end are called on the same thread (the clocks and counters are that
 * thread's, CLOCK_THREAD_CPUTIME_ID and getrusage(RUSAGE_THREAD)); no locks, no allocation, no
 * shared state, so any number of threads use their own structs at once.
 */
#ifndef ALTINJ_THREAD_USAGE_H
#define ALTINJ_THREAD_USAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The readings at begin; opaque to callers. */
struct altinj_thread_usage {
    struct timespec wall0, cpu0;
    long nivcsw0;
    bool ok;  /* every reading at begin succeeded */
};

/* What the thread saw between begin and end. */
struct altinj_thread_usage_sample {
    double wall_s;      /* CLOCK_MONOTONIC time between begin and end */
    double cpu_s;       /* the thread's CPU time over it */
    double cpu_share;   /* cpu_s / wall_s: in [0, 1] up to the clocks' resolution */
    uint64_t nivcsw;    /* involuntary context switches over it */
};

/* Takes the starting readings of the calling thread. */
void altinj_thread_usage_begin(struct altinj_thread_usage *u);

/* Takes the end readings on the thread that called begin and fills *out. Returns 0, or -1 (out
 * untouched) when a reading failed at begin or now, or no wall time passed. */
int altinj_thread_usage_end(const struct altinj_thread_usage *u,
                            struct altinj_thread_usage_sample *out);

#endif
