/*
 * CPUs for the two-sided benchmarks: which two to use, pinning, a partner thread, and spins
 * that cannot hang.
 *
 * The benchmark thread runs on the first CPU this process may use and the partner on the
 * second. With a single usable CPU both share it: the benchmarks still run (and say so in a
 * "cpus" counter and a "single-cpu" label), and every spin yields, so each hand-off costs a
 * trip through the scheduler instead of a cache-line transfer.
 */
#ifndef ALTINJ_MICRO_CPU_H
#define ALTINJ_MICRO_CPU_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "micro_clock.h"

struct altinj_micro_cpus {
    int n;        /* usable CPUs that matter here: 1 or 2 */
    int main_cpu;
    int partner_cpu;
};

/* The CPUs from this process's affinity mask (read once, at the first call). */
const struct altinj_micro_cpus *altinj_micro_cpus(void);

/* Pins the calling thread to cpu, saving its previous mask in *saved for
 * altinj_micro_unpin. Returns 0 or an errno value. */
int altinj_micro_pin(int cpu, cpu_set_t *saved);
void altinj_micro_unpin(const cpu_set_t *saved);

/* A partner thread that calls step(ctx) in a loop until stopped. step returns whether it did
 * anything; when it did not, the loop relaxes the core (PAUSE) or, on a single CPU, yields. */
struct altinj_micro_partner {
    pthread_t thread;
    _Atomic bool stop;    /* main -> partner */
    _Atomic bool ready;   /* partner -> main: pinned and looping */
    bool (*step)(void *ctx);
    void *ctx;
    int cpu;
    bool started;
};

/* Starts the partner pinned to the partner CPU and waits (bounded) until it loops. Returns 0,
 * or an errno value (nothing is left running then). */
int altinj_micro_partner_start(struct altinj_micro_partner *p, bool (*step)(void *ctx),
                               void *ctx);
/* Stops and joins it. Safe if it was never started. */
void altinj_micro_partner_stop(struct altinj_micro_partner *p);

/* A bounded spin: `while (!cond) if (!altinj_micro_spin_on(&s)) { timed out }`. The deadline
 * is checked every 1024 turns so the common turn is a compare and a branch; no PAUSE, because
 * these spins sit inside the latencies being measured (PAUSE is tens of cycles on Zen). */
struct altinj_micro_spin {
    uint64_t deadline;
    uint32_t turns;
    bool yield;
};

#define ALTINJ_MICRO_SPIN_TIMEOUT_NS 250e6 /* 250 ms: a descheduled peer, not a slow one */

static inline void altinj_micro_spin_begin(struct altinj_micro_spin *s)
{
    s->deadline = altinj_micro_now() + altinj_micro_ns_ticks(ALTINJ_MICRO_SPIN_TIMEOUT_NS);
    s->turns = 0;
    s->yield = altinj_micro_cpus()->n < 2;
}

/* One more turn; false once the deadline has passed. */
static inline bool altinj_micro_spin_on(struct altinj_micro_spin *s)
{
    if (__builtin_expect((++s->turns & 1023u) != 0, 1))
        return true;
    if (s->yield)
        sched_yield();
    return altinj_micro_now() < s->deadline;
}

#endif
