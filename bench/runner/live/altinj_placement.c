#include "altinj_placement.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

void altinj_placement_plan(struct altinj_placement *p, unsigned nsources)
{
    memset(p, 0, sizeof *p);
    cpu_set_t set;
    int cpus[ALTINJ_MAX_CPUS];
    unsigned n = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int c = 0; c < CPU_SETSIZE && n < ALTINJ_MAX_CPUS; c++)
            if (CPU_ISSET(c, &set))
                cpus[n++] = c;
    }
    p->ncpus = n;
    p->vcpu_cpu = n > 0 ? cpus[0] : -1;
    const unsigned spare = n > 1 ? n - 1 : 1;
    unsigned posters = nsources < spare ? nsources : spare;
    if (posters == 0)
        posters = 1;
    if (posters > 64)
        posters = 64;
    p->nposters = posters;
    for (unsigned i = 0; i < posters; i++)
        p->poster_cpu[i] = n > 1 ? cpus[1 + i % (n - 1)] : (n == 1 ? cpus[0] : -1);
    p->oversubscribed = n < 2;
}

int altinj_placement_pin_self(int cpu)
{
    if (cpu < 0)
        return 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void altinj_placement_describe(const struct altinj_placement *p, bool pinned_ok, char *buf,
                               size_t len)
{
    int w = snprintf(buf, len, "vcpu@cpu%d, %u poster thread%s@cpu%d%s (%u cpu%s allowed)",
                     p->vcpu_cpu, p->nposters, p->nposters == 1 ? "" : "s", p->poster_cpu[0],
                     p->nposters > 1 ? "+" : "", p->ncpus, p->ncpus == 1 ? "" : "s");
    if (w < 0 || (size_t)w >= len)
        return;
    if (p->oversubscribed)
        w += snprintf(buf + w, len - (size_t)w,
                      "; oversubscribed: vCPU and posters share a CPU, latencies include "
                      "scheduler time");
    if (w >= 0 && (size_t)w < len && !pinned_ok)
        snprintf(buf + w, len - (size_t)w, "; pinning refused, threads float");
}
