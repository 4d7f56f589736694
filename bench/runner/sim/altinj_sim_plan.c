#include "altinj_sim_plan.h"

#include <stdlib.h>
#include <string.h>

#include "altinj_sim_queue.h"

int altinj_sim_plan_counts(const struct altinj_sim_source *streams, size_t n, uint64_t events,
                           uint64_t until_ns, uint64_t *counts, uint64_t *total)
{
    *total = 0;
    memset(counts, 0, n * sizeof *counts);
    if (n > UINT32_MAX)
        return -1;
    struct altinj_arrivals **gen = calloc(n ? n : 1, sizeof *gen);
    struct altinj_sim_heap heap;
    int rc = -1;
    if (!gen || altinj_sim_heap_init(&heap, (uint32_t)n) != 0) {
        free(gen);
        return -1;
    }
    struct altinj_arrival a;
    for (size_t i = 0; i < n; i++) {
        gen[i] = altinj_arrivals_create(streams[i].spec, streams[i].source, streams[i].seed);
        if (!gen[i])
            goto done;
        if (altinj_arrivals_next(gen[i], &a) && a.t_ns < until_ns)
            altinj_sim_heap_push(&heap, a.t_ns, (uint32_t)i);
    }
    while (*total < events && !altinj_sim_heap_empty(&heap)) {
        const uint32_t i = altinj_sim_heap_top(&heap).id;
        counts[i]++;
        (*total)++;
        if (altinj_arrivals_next(gen[i], &a) && a.t_ns < until_ns)
            altinj_sim_heap_retime_top(&heap, a.t_ns);
        else
            altinj_sim_heap_pop(&heap);
    }
    rc = 0;
done:
    for (size_t i = 0; i < n; i++)
        altinj_arrivals_destroy(gen[i]);
    free(gen);
    altinj_sim_heap_destroy(&heap);
    return rc;
}
