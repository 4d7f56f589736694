#include "altinj_irq_fifo.h"

#include <stdlib.h>

int altinj_irq_fifo_init(struct altinj_irq_fifo *f, uint64_t capacity)
{
    *f = (struct altinj_irq_fifo){0};
    if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        return -1;
    f->slots = calloc(capacity, sizeof *f->slots);
    if (!f->slots)
        return -1;
    f->mask = capacity - 1;
    return 0;
}

void altinj_irq_fifo_destroy(struct altinj_irq_fifo *f)
{
    free(f->slots);
    f->slots = NULL;
}

bool altinj_irq_fifo_push(struct altinj_irq_fifo *f, const struct altinj_irq *irq)
{
    if (f->tail - f->head > f->mask)
        return false;
    f->slots[f->tail++ & f->mask] = *irq;
    return true;
}

bool altinj_irq_fifo_push_front(struct altinj_irq_fifo *f, const struct altinj_irq *irq)
{
    if (f->tail - f->head > f->mask)
        return false;
    f->slots[--f->head & f->mask] = *irq;
    return true;
}

const struct altinj_irq *altinj_irq_fifo_front(const struct altinj_irq_fifo *f)
{
    return altinj_irq_fifo_empty(f) ? NULL : &f->slots[f->head & f->mask];
}

void altinj_irq_fifo_drop_front(struct altinj_irq_fifo *f)
{
    if (!altinj_irq_fifo_empty(f))
        f->head++;
}
