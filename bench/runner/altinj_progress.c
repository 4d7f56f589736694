#include "altinj_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void altinj_progress_begin(struct altinj_progress *p, const char *label, double expected_s,
                           bool quiet)
{
    p->enabled = !quiet && expected_s >= 2.0 && isatty(STDERR_FILENO);
    p->label = label;
    p->unit = "delivered";
    p->started = now_s();
}

void altinj_progress_update(void *ctx, uint64_t done, uint64_t total)
{
    struct altinj_progress *p = ctx;
    if (!p->enabled || total == 0)
        return;
    fprintf(stderr, "\r  %-14s %5.1f%%  %llu/%llu %s  %.1fs", p->label,
            100.0 * (double)done / (double)total, (unsigned long long)done,
            (unsigned long long)total, p->unit, now_s() - p->started);
    fflush(stderr);
}

void altinj_progress_end(struct altinj_progress *p)
{
    if (p->enabled)
        fputs("\r\033[K", stderr);
}
