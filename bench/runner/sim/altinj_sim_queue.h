/*
 * The simulator's two queues, both keyed by virtual time:
 *  - struct altinj_sim_heap: a binary min-heap of (time, id) pairs. The engine keeps one over
 *    the simulated vCPUs (which runs next) and each vCPU one over its interrupt sources (whose
 *    post is due next). Ties go to the lower id, so the order is a pure function of the keys:
 *    that is what makes a run reproducible.
 *  - struct altinj_sim_times: the landing times of the kicks (IPIs) in flight to one vCPU,
 *    kept sorted, earliest first.
 * Single-threaded, no hidden state; every operation is O(log n) or amortised O(1).
 */
#ifndef ALTINJ_SIM_QUEUE_H
#define ALTINJ_SIM_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct altinj_sim_heap_entry {
    uint64_t time;
    uint32_t id;
};

struct altinj_sim_heap {
    struct altinj_sim_heap_entry *e;
    uint32_t n;
    uint32_t cap;
};

/* Room for `cap` entries (cap may be 0: an always-empty heap). Returns 0, or -1 (no memory). */
int altinj_sim_heap_init(struct altinj_sim_heap *h, uint32_t cap);
void altinj_sim_heap_destroy(struct altinj_sim_heap *h);

static inline bool altinj_sim_heap_empty(const struct altinj_sim_heap *h)
{
    return h->n == 0;
}

/* The smallest (time, id); the heap must not be empty. */
static inline struct altinj_sim_heap_entry altinj_sim_heap_top(const struct altinj_sim_heap *h)
{
    return h->e[0];
}

/* The smallest time, or UINT64_MAX when empty. */
static inline uint64_t altinj_sim_heap_top_time(const struct altinj_sim_heap *h)
{
    return h->n ? h->e[0].time : UINT64_MAX;
}

/* Adds an entry; returns false (and adds nothing) when the heap is full. An id must be in the
 * heap at most once; the heap does not check. */
bool altinj_sim_heap_push(struct altinj_sim_heap *h, uint64_t time, uint32_t id);
/* Removes the top; the heap must not be empty. */
void altinj_sim_heap_pop(struct altinj_sim_heap *h);
/* Gives the top entry a new time (later or earlier) and restores the order: one sift instead of
 * a pop and a push. The heap must not be empty. */
void altinj_sim_heap_retime_top(struct altinj_sim_heap *h, uint64_t time);

struct altinj_sim_times {
    uint64_t *t;
    uint32_t head;   /* index of the earliest */
    uint32_t n;
    uint32_t mask;   /* capacity - 1; capacity is a power of two */
};

/* Starts empty with a small capacity. Returns 0, or -1 (no memory). */
int altinj_sim_times_init(struct altinj_sim_times *q);
void altinj_sim_times_destroy(struct altinj_sim_times *q);

/* Adds a time, keeping the queue sorted (stable: equal times stay in insertion order). Times
 * usually arrive in order, so this is O(1) then. Grows by doubling: its size is bounded by the
 * kicks in flight, about rate x kick cost. Returns 0, or -1 (no memory, nothing added). */
int altinj_sim_times_add_slow(struct altinj_sim_times *q, uint64_t t);
static inline int altinj_sim_times_add(struct altinj_sim_times *q, uint64_t t)
{
    /* The common case: room left and not earlier than the last one. */
    if (q->n <= q->mask && (q->n == 0 || q->t[(q->head + q->n - 1) & q->mask] <= t)) {
        q->t[(q->head + q->n) & q->mask] = t;
        q->n++;
        return 0;
    }
    return altinj_sim_times_add_slow(q, t);
}

/* The earliest time, or UINT64_MAX when empty. */
static inline uint64_t altinj_sim_times_first(const struct altinj_sim_times *q)
{
    return q->n ? q->t[q->head] : UINT64_MAX;
}

/* Removes the earliest; the queue must not be empty. */
static inline void altinj_sim_times_drop(struct altinj_sim_times *q)
{
    q->head = (q->head + 1) & q->mask;
    q->n--;
}

#endif
