#include "altinj_thread_usage.h"

#include <sys/resource.h>

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

void altinj_thread_usage_begin(struct altinj_thread_usage *u)
{
    struct rusage ru;
    /* Wall first and CPU last at begin, the reverse at end: the CPU interval lies inside the
     * wall interval, so the share does not exceed 1 by the readings' own cost. */
    u->ok = clock_gettime(CLOCK_MONOTONIC, &u->wall0) == 0 &&
            getrusage(RUSAGE_THREAD, &ru) == 0 &&
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &u->cpu0) == 0;
    u->nivcsw0 = u->ok ? ru.ru_nivcsw : 0;
}

int altinj_thread_usage_end(const struct altinj_thread_usage *u,
                            struct altinj_thread_usage_sample *out)
{
    struct timespec cpu1, wall1;
    struct rusage ru;
    if (!u->ok || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1) != 0 ||
        getrusage(RUSAGE_THREAD, &ru) != 0 || clock_gettime(CLOCK_MONOTONIC, &wall1) != 0)
        return -1;
    const double wall = seconds_between(&u->wall0, &wall1);
    if (!(wall > 0))
        return -1;
    const double cpu = seconds_between(&u->cpu0, &cpu1);
    out->wall_s = wall;
    out->cpu_s = cpu;
    out->cpu_share = cpu / wall;
    out->nivcsw = ru.ru_nivcsw >= u->nivcsw0 ? (uint64_t)(ru.ru_nivcsw - u->nivcsw0) : 0;
    return 0;
}
