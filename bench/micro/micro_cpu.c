#include "micro_cpu.h"

#include <errno.h>
#include <immintrin.h>
#include <string.h>

static struct altinj_micro_cpus cpus;
static pthread_once_t cpus_once = PTHREAD_ONCE_INIT;

static void find_cpus(void)
{
    cpu_set_t set;
    cpus = (struct altinj_micro_cpus){.n = 1, .main_cpu = 0, .partner_cpu = 0};
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return;
    int found = 0;
    for (int c = 0; c < CPU_SETSIZE && found < 2; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        if (found == 0)
            cpus.main_cpu = cpus.partner_cpu = c;
        else
            cpus.partner_cpu = c;
        found++;
    }
    cpus.n = found >= 2 ? 2 : 1;
}

const struct altinj_micro_cpus *altinj_micro_cpus(void)
{
    pthread_once(&cpus_once, find_cpus);
    return &cpus;
}

int altinj_micro_pin(int cpu, cpu_set_t *saved)
{
    if (saved && pthread_getaffinity_np(pthread_self(), sizeof *saved, saved) != 0)
        CPU_ZERO(saved);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}

void altinj_micro_unpin(const cpu_set_t *saved)
{
    if (saved && CPU_COUNT(saved) > 0)
        pthread_setaffinity_np(pthread_self(), sizeof *saved, saved);
}

static void *partner_main(void *arg)
{
    struct altinj_micro_partner *p = arg;
    (void)altinj_micro_pin(p->cpu, NULL); /* unpinned still works, only less reproducibly */
    const bool single = altinj_micro_cpus()->n < 2;
    /* release: pairs with the acquire load in altinj_micro_partner_start. */
    atomic_store_explicit(&p->ready, true, memory_order_release);
    /* relaxed: stop carries no data; the join orders everything the partner wrote. */
    while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
        if (!p->step(p->ctx)) {
            if (single)
                sched_yield();
            else
                _mm_pause();
        }
    }
    return NULL;
}

int altinj_micro_partner_start(struct altinj_micro_partner *p, bool (*step)(void *ctx),
                               void *ctx)
{
    p->step = step;
    p->ctx = ctx;
    p->cpu = altinj_micro_cpus()->partner_cpu;
    p->started = false;
    atomic_store_explicit(&p->stop, false, memory_order_relaxed);   /* before the thread exists */
    atomic_store_explicit(&p->ready, false, memory_order_relaxed);
    const int rc = pthread_create(&p->thread, NULL, partner_main, p);
    if (rc != 0)
        return rc;
    p->started = true;
    struct altinj_micro_spin s;
    altinj_micro_spin_begin(&s);
    s.yield = true; /* the partner may need this CPU to get going */
    /* acquire: pairs with the release store in partner_main. */
    while (!atomic_load_explicit(&p->ready, memory_order_acquire)) {
        if (!altinj_micro_spin_on(&s)) {
            altinj_micro_partner_stop(p);
            return ETIMEDOUT;
        }
    }
    return 0;
}

void altinj_micro_partner_stop(struct altinj_micro_partner *p)
{
    if (!p->started)
        return;
    /* relaxed: see partner_main; pthread_join is the synchronisation. */
    atomic_store_explicit(&p->stop, true, memory_order_relaxed);
    pthread_join(p->thread, NULL);
    p->started = false;
}
