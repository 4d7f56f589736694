/*
 * Single-producer single-consumer ring of interrupt records, one per posting source. It stands
 * in for the identity the doorbell's irr bits cannot carry (a vector, not a sequence number), so
 * nothing coalesces and the oracle can name every event. Modelled on DPDK's rte_ring SP/SC path:
 * head and tail on their own cache lines, the producer publishes with a release store of `tail`,
 * the consumer frees with a release store of `head`.
 */
#ifndef ALTINJ_RING_H
#define ALTINJ_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "altinj_irq.h"

struct altinj_ring {
    /* Consumer-owned line. */
    alignas(64) _Atomic uint64_t head;   /* next slot to consume */
    uint64_t tail_cache;                 /* consumer's last view of tail */
    /* Producer-owned line. */
    alignas(64) _Atomic uint64_t tail;   /* next slot to fill */
    uint64_t head_cache;                 /* producer's last view of head */
    /* Read-only after init. */
    alignas(64) uint64_t mask;
    struct altinj_irq *slots;
};

/* capacity must be a power of two >= 2. Returns 0, or -1 on a bad capacity or no memory. */
int altinj_ring_init(struct altinj_ring *ring, uint64_t capacity);
void altinj_ring_destroy(struct altinj_ring *ring);

/* Producer only. Returns false (and stores nothing) when the ring is full. */
bool altinj_ring_push(struct altinj_ring *ring, const struct altinj_irq *irq);

/* Consumer only. Returns false when the ring is empty. */
bool altinj_ring_pop(struct altinj_ring *ring, struct altinj_irq *out);

/* Consumer only: whether a pop would succeed now (it may become true later). */
bool altinj_ring_empty(struct altinj_ring *ring);

#endif
