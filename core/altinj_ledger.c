#include "altinj_ledger.h"

#include <stdlib.h>
#include <string.h>

static const struct altinj_ledger_list EMPTY = {ALTINJ_LEDGER_NIL, ALTINJ_LEDGER_NIL, 0};

int altinj_ledger_init(struct altinj_ledger *l, uint32_t capacity)
{
    memset(l, 0, sizeof *l);
    if (capacity == 0 || capacity == ALTINJ_LEDGER_NIL)
        return -1;
    l->rec = calloc(capacity, sizeof *l->rec);
    l->next = calloc(capacity, sizeof *l->next);
    if (!l->rec || !l->next) {
        altinj_ledger_destroy(l);
        return -1;
    }
    l->cap = capacity;
    for (uint32_t i = 0; i < capacity; i++)
        l->next[i] = i + 1 < capacity ? i + 1 : ALTINJ_LEDGER_NIL;
    l->free_head = 0;
    for (unsigned v = 0; v < 256; v++) {
        l->waiting[v] = EMPTY;
        l->covered[v] = EMPTY;
    }
    return 0;
}

void altinj_ledger_destroy(struct altinj_ledger *l)
{
    free(l->rec);
    free(l->next);
    l->rec = NULL;
    l->next = NULL;
}

static void append(struct altinj_ledger *l, struct altinj_ledger_list *list, uint32_t i)
{
    l->next[i] = ALTINJ_LEDGER_NIL;
    if (list->tail == ALTINJ_LEDGER_NIL)
        list->head = i;
    else
        l->next[list->tail] = i;
    list->tail = i;
    list->n++;
}

/* Appends `src` to `dst` and leaves `src` empty. */
static void splice(struct altinj_ledger *l, struct altinj_ledger_list *dst,
                   struct altinj_ledger_list *src)
{
    if (src->n == 0)
        return;
    if (dst->tail == ALTINJ_LEDGER_NIL)
        dst->head = src->head;
    else
        l->next[dst->tail] = src->head;
    dst->tail = src->tail;
    dst->n += src->n;
    *src = EMPTY;
}

static void release(struct altinj_ledger *l, struct altinj_ledger_list *list)
{
    uint32_t i = list->head;
    while (i != ALTINJ_LEDGER_NIL) {
        const uint32_t n = l->next[i];
        l->next[i] = l->free_head;
        l->free_head = i;
        l->used--;
        i = n;
    }
    *list = EMPTY;
}

/* Doubles the pool; the free list gets the new slots. Indices stay valid. */
static bool grow(struct altinj_ledger *l)
{
    if (l->cap > ALTINJ_LEDGER_NIL / 2)
        return false;
    const uint32_t cap = l->cap * 2;
    struct altinj_irq *rec = realloc(l->rec, (size_t)cap * sizeof *rec);
    if (!rec)
        return false;
    l->rec = rec;
    uint32_t *next = realloc(l->next, (size_t)cap * sizeof *next);
    if (!next)
        return false;
    l->next = next;
    for (uint32_t i = l->cap; i < cap; i++)
        l->next[i] = i + 1 < cap ? i + 1 : l->free_head;
    l->free_head = l->cap;
    l->cap = cap;
    return true;
}

bool altinj_ledger_add(struct altinj_ledger *l, const struct altinj_irq *irq)
{
    if (l->free_head == ALTINJ_LEDGER_NIL && !grow(l))
        return false;
    const uint32_t i = l->free_head;
    l->free_head = l->next[i];
    l->rec[i] = *irq;
    append(l, &l->waiting[irq->vector], i);
    l->used++;
    l->undelivered++;
    return true;
}

uint32_t altinj_ledger_cover(struct altinj_ledger *l, uint8_t v)
{
    if (l->state[v] == ALTINJ_COVER_DELIVERED) {
        /* Not EOI'd yet, presented again: only a broken APIC does this; the old records go. */
        release(l, &l->covered[v]);
        l->state[v] = ALTINJ_COVER_NONE;
    }
    if (l->state[v] == ALTINJ_COVER_NONE) {
        l->cuts[v] = 0;
        l->first_cut[v] = 0;
    }
    splice(l, &l->covered[v], &l->waiting[v]);
    l->state[v] = ALTINJ_COVER_PRESENTED;
    return l->covered[v].n;
}

void altinj_ledger_rewind(struct altinj_ledger *l, uint8_t v)
{
    if (l->state[v] != ALTINJ_COVER_PRESENTED)
        return;
    /* Back in front of the records that arrived since: arrival order is kept. */
    splice(l, &l->covered[v], &l->waiting[v]);
    l->waiting[v] = l->covered[v];
    l->covered[v] = EMPTY;
    l->state[v] = ALTINJ_COVER_NONE;
}

bool altinj_ledger_representative(const struct altinj_ledger *l, uint8_t v,
                                  struct altinj_irq *out)
{
    *out = (struct altinj_irq){.seq = UINT64_MAX, .vector = v};
    const struct altinj_ledger_list *c = &l->covered[v];
    if (l->state[v] == ALTINJ_COVER_NONE || c->n == 0)
        return false;
    *out = l->rec[c->head];
    out->delivery_cut = 0;
    out->cut_reason = 0;
    for (uint32_t i = c->head; i != ALTINJ_LEDGER_NIL; i = l->next[i]) {
        /* The cut's exit is the first cut record's (coalesced posts share one cut). */
        if (l->rec[i].delivery_cut && !out->delivery_cut)
            out->cut_reason = l->rec[i].cut_reason;
        out->delivery_cut |= l->rec[i].delivery_cut;
    }
    return true;
}

unsigned altinj_ledger_cut(struct altinj_ledger *l, uint8_t v, uint64_t now)
{
    for (uint32_t i = l->covered[v].head; i != ALTINJ_LEDGER_NIL; i = l->next[i])
        l->rec[i].delivery_cut = 0;
    if (l->cuts[v] == 0)
        l->first_cut[v] = now;
    if (l->cuts[v] < UINT8_MAX)
        l->cuts[v]++;
    return l->cuts[v];
}

enum altinj_ledger_delivery altinj_ledger_deliver(struct altinj_ledger *l, uint8_t v,
                                                  void (*fn)(void *ctx,
                                                             const struct altinj_irq *irq,
                                                             uint32_t index),
                                                  void *ctx, uint32_t *count)
{
    *count = 0;
    const uint8_t state = l->state[v];
    if (state == ALTINJ_COVER_NONE)
        return ALTINJ_LEDGER_UNPRESENTED;
    /* The handler serves whatever work of v is there by now: records drained since the
     * presentation belong to posts this interrupt covers (their IRR bit was already set, or
     * their post is yet to come and will find nothing). */
    if (state == ALTINJ_COVER_PRESENTED)
        splice(l, &l->covered[v], &l->waiting[v]);
    uint32_t k = 0;
    for (uint32_t i = l->covered[v].head; i != ALTINJ_LEDGER_NIL; i = l->next[i], k++)
        fn(ctx, &l->rec[i], k);
    *count = k;
    if (state == ALTINJ_COVER_DELIVERED)
        return ALTINJ_LEDGER_AGAIN;
    l->undelivered -= k;
    l->state[v] = ALTINJ_COVER_DELIVERED;
    return ALTINJ_LEDGER_DELIVERED;
}

void altinj_ledger_eoi(struct altinj_ledger *l, uint8_t v)
{
    if (l->state[v] != ALTINJ_COVER_DELIVERED)
        return;
    release(l, &l->covered[v]);
    l->state[v] = ALTINJ_COVER_NONE;
}
