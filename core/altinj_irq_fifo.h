/* The SVSM's private queue of events taken from the doorbell but not yet injected: the
 * emulated APIC's pending set, in arrival order. Owned by one thread; no atomics. */
#ifndef ALTINJ_IRQ_FIFO_H
#define ALTINJ_IRQ_FIFO_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_irq.h"

struct altinj_irq_fifo {
    struct altinj_irq *slots;
    uint64_t mask;
    uint64_t head;   /* next to pop */
    uint64_t tail;   /* next free */
};

/* capacity: a power of two >= 2. Returns 0 or -1. */
int altinj_irq_fifo_init(struct altinj_irq_fifo *f, uint64_t capacity);
void altinj_irq_fifo_destroy(struct altinj_irq_fifo *f);

static inline bool altinj_irq_fifo_empty(const struct altinj_irq_fifo *f)
{
    return f->head == f->tail;
}

static inline uint64_t altinj_irq_fifo_len(const struct altinj_irq_fifo *f)
{
    return f->tail - f->head;
}

/* Returns false when full. */
bool altinj_irq_fifo_push(struct altinj_irq_fifo *f, const struct altinj_irq *irq);
/* Puts an event back at the front (a regenerated INTn/#BP/#OF goes before newer events). */
bool altinj_irq_fifo_push_front(struct altinj_irq_fifo *f, const struct altinj_irq *irq);
/* The front event, or NULL when empty. */
const struct altinj_irq *altinj_irq_fifo_front(const struct altinj_irq_fifo *f);
void altinj_irq_fifo_drop_front(struct altinj_irq_fifo *f);

#endif
