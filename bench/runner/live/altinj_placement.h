/* Where the live run's threads go: the vCPU on one CPU of the allowed set, the posters on the
 * others, and a plain statement of what was obtained when there are fewer CPUs than threads. */
#ifndef ALTINJ_PLACEMENT_H
#define ALTINJ_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>

#define ALTINJ_MAX_CPUS 1024

struct altinj_placement {
    int vcpu_cpu;                 /* -1: not pinned */
    unsigned nposters;            /* poster threads (each serves one or more sources) */
    int poster_cpu[64];           /* -1: not pinned */
    bool oversubscribed;          /* some threads share a CPU: spins must yield */
    unsigned ncpus;               /* CPUs this process may run on */
};

/* Plans nsources sources onto the CPUs in this process's affinity mask: at most one poster
 * thread per spare CPU (at least one), sources dealt round-robin. */
void altinj_placement_plan(struct altinj_placement *p, unsigned nsources);

/* Pins the calling thread; returns 0 or an errno value (the run goes on unpinned and says so). */
int altinj_placement_pin_self(int cpu);

/* "vcpu@cpu0, 1 poster@cpu1 (2 cpus)" or with "; oversubscribed ..." appended. */
void altinj_placement_describe(const struct altinj_placement *p, bool pinned_ok, char *buf,
                               size_t len);

#endif
