#include "altinj_sim_queue.h"

#include <stdlib.h>

static inline bool before(const struct altinj_sim_heap_entry *a,
                          const struct altinj_sim_heap_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->id < b->id);
}

int altinj_sim_heap_init(struct altinj_sim_heap *h, uint32_t cap)
{
    *h = (struct altinj_sim_heap){.cap = cap};
    if (cap == 0)
        return 0;
    h->e = malloc((size_t)cap * sizeof *h->e);
    return h->e ? 0 : -1;
}

void altinj_sim_heap_destroy(struct altinj_sim_heap *h)
{
    free(h->e);
    *h = (struct altinj_sim_heap){0};
}

static void sift_up(struct altinj_sim_heap *h, uint32_t i)
{
    const struct altinj_sim_heap_entry x = h->e[i];
    while (i > 0) {
        const uint32_t parent = (i - 1) / 2;
        if (!before(&x, &h->e[parent]))
            break;
        h->e[i] = h->e[parent];
        i = parent;
    }
    h->e[i] = x;
}

static void sift_down(struct altinj_sim_heap *h, uint32_t i)
{
    const struct altinj_sim_heap_entry x = h->e[i];
    for (;;) {
        const uint32_t l = 2 * i + 1;
        if (l >= h->n)
            break;
        uint32_t c = l;
        if (l + 1 < h->n && before(&h->e[l + 1], &h->e[l]))
            c = l + 1;
        if (!before(&h->e[c], &x))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    h->e[i] = x;
}

bool altinj_sim_heap_push(struct altinj_sim_heap *h, uint64_t time, uint32_t id)
{
    if (h->n == h->cap)
        return false;
    h->e[h->n] = (struct altinj_sim_heap_entry){.time = time, .id = id};
    sift_up(h, h->n++);
    return true;
}

void altinj_sim_heap_pop(struct altinj_sim_heap *h)
{
    h->e[0] = h->e[--h->n];
    if (h->n > 1)
        sift_down(h, 0);
}

void altinj_sim_heap_retime_top(struct altinj_sim_heap *h, uint64_t time)
{
    /* The top is the minimum, so an earlier time keeps it there; only a later one can sink. */
    const bool later = time > h->e[0].time;
    h->e[0].time = time;
    if (later)
        sift_down(h, 0);
}

#define TIMES_INITIAL 4u

int altinj_sim_times_init(struct altinj_sim_times *q)
{
    *q = (struct altinj_sim_times){.mask = TIMES_INITIAL - 1};
    q->t = malloc(TIMES_INITIAL * sizeof *q->t);
    return q->t ? 0 : -1;
}

void altinj_sim_times_destroy(struct altinj_sim_times *q)
{
    free(q->t);
    *q = (struct altinj_sim_times){0};
}

static int grow(struct altinj_sim_times *q)
{
    const uint32_t cap = q->mask + 1;
    if (cap > UINT32_MAX / 2)
        return -1;
    uint64_t *t = malloc((size_t)cap * 2 * sizeof *t);
    if (!t)
        return -1;
    /* Unwrap into the new array, earliest first. */
    for (uint32_t i = 0; i < q->n; i++)
        t[i] = q->t[(q->head + i) & q->mask];
    free(q->t);
    q->t = t;
    q->head = 0;
    q->mask = cap * 2 - 1;
    return 0;
}

int altinj_sim_times_add_slow(struct altinj_sim_times *q, uint64_t t)
{
    if (q->n > q->mask && grow(q) != 0)
        return -1;
    /* Insertion from the back: shift later times up by one. */
    uint32_t i = q->n;
    while (i > 0) {
        const uint64_t prev = q->t[(q->head + i - 1) & q->mask];
        if (prev <= t)
            break;
        q->t[(q->head + i) & q->mask] = prev;
        i--;
    }
    q->t[(q->head + i) & q->mask] = t;
    q->n++;
    return 0;
}
