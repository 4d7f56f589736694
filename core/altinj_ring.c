#include "altinj_ring.h"

#include <stdlib.h>

int altinj_ring_init(struct altinj_ring *ring, uint64_t capacity)
{
    if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        return -1;
    ring->slots = calloc(capacity, sizeof *ring->slots);
    if (!ring->slots)
        return -1;
    ring->mask = capacity - 1;
    ring->tail_cache = 0;
    ring->head_cache = 0;
    /* Before publication (thread creation orders it). */
    atomic_store_explicit(&ring->head, 0, memory_order_relaxed);
    atomic_store_explicit(&ring->tail, 0, memory_order_relaxed);
    return 0;
}

void altinj_ring_destroy(struct altinj_ring *ring)
{
    free(ring->slots);
    ring->slots = NULL;
}

bool altinj_ring_push(struct altinj_ring *ring, const struct altinj_irq *irq)
{
    /* relaxed: only this thread writes tail. */
    const uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    if (tail - ring->head_cache > ring->mask) {
        /* acquire: pairs with the release store of head in altinj_ring_pop, so the consumer's
         * reads of the slot we are about to overwrite are done. */
        ring->head_cache = atomic_load_explicit(&ring->head, memory_order_acquire);
        if (tail - ring->head_cache > ring->mask)
            return false;
    }
    ring->slots[tail & ring->mask] = *irq;
    /* release: pairs with the acquire load of tail in altinj_ring_pop/empty: the slot is
     * written before the consumer can see it. */
    atomic_store_explicit(&ring->tail, tail + 1, memory_order_release);
    return true;
}

static bool refresh_tail(struct altinj_ring *ring, uint64_t head)
{
    if (head != ring->tail_cache)
        return true;
    /* acquire: pairs with the release store of tail in altinj_ring_push. */
    ring->tail_cache = atomic_load_explicit(&ring->tail, memory_order_acquire);
    return head != ring->tail_cache;
}

bool altinj_ring_pop(struct altinj_ring *ring, struct altinj_irq *out)
{
    /* relaxed: only this thread writes head. */
    const uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    if (!refresh_tail(ring, head))
        return false;
    *out = ring->slots[head & ring->mask];
    /* release: pairs with the acquire load of head in altinj_ring_push: the slot is read
     * before the producer may reuse it. */
    atomic_store_explicit(&ring->head, head + 1, memory_order_release);
    return true;
}

bool altinj_ring_empty(struct altinj_ring *ring)
{
    const uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    return !refresh_tail(ring, head);
}
