/*
 * The identities behind the vectors: model-only bookkeeping that the architecture does not have.
 *
 * An APIC holds one bit per vector: two posts of the same vector before the first is presented
 * are one interrupt (COCONUT's LocalApic irr, OpenHCL's lapic). The oracle still wants to name
 * every posted event, so each post's record (sequence number, intended time) travels in its
 * source ring beside the doorbell, and the SVSM's side keeps, per vector:
 *   waiting[v]  records drained from the rings and not yet carried by a presented interrupt;
 *   covered[v]  the records carried by the presentation of v now outstanding: the APIC moved v
 *               from IRR to in-service (COCONUT: at presentation; the model treats OpenHCL's
 *               V_IRQ presentation the same way, see altinj_apic.h); when the guest's handler
 *               for v runs, it serves them together with the records of v that arrived since
 *               (a handler finds all of its vector's work that is there), the rings drained
 *               first.
 * A presentation that is withdrawn before the guest took it (COCONUT check_delivered_interrupts
 * rewinds it into IRR; OpenHCL poll_apic clears V_IRQ) puts its records back in front of
 * waiting[v]. Records of a vector whose post has not been consumed yet simply wait: a later
 * presentation of v carries them.
 *
 * One honest imprecision, counted: a record pushed before a handler of its vector runs but whose
 * post reaches the page after is served by that handler; its post then presents an interrupt
 * that carries nothing (`empty` deliveries), as a device interrupt often finds its work already
 * done. The guest sees the same interrupts at the same times as without the sidecar; only that
 * record's latency is credited to the earlier one, at most the poster's gap between its ring
 * push and its doorbell write (nanoseconds live; one yield point in an explored simulation).
 *
 * Single-threaded: the vCPU thread owns it. Records live in one pool with index links; the pool
 * doubles when full (what it holds is the SVSM side's backlog), so only altinj_ledger_add may
 * allocate.
 */
#ifndef ALTINJ_LEDGER_H
#define ALTINJ_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_irq.h"

#define ALTINJ_LEDGER_NIL UINT32_MAX

struct altinj_ledger;

enum altinj_cover_state {
    ALTINJ_COVER_NONE = 0,   /* v is not presented */
    ALTINJ_COVER_PRESENTED,  /* presented (EVENTINJ or V_IRQ, or cut in EXITINTINFO) */
    ALTINJ_COVER_DELIVERED,  /* the guest's handler ran; kept until EOI to spot a second run */
};

struct altinj_ledger_list {
    uint32_t head, tail, n;
};

struct altinj_ledger {
    struct altinj_irq *rec;      /* pool */
    uint32_t *next;              /* pool links */
    uint32_t cap;
    uint32_t free_head;
    uint32_t used;               /* records in waiting or covered lists */
    uint64_t undelivered;        /* records waiting or covered by a PRESENTED interrupt */
    struct altinj_ledger_list waiting[256];
    struct altinj_ledger_list covered[256];
    uint8_t state[256];          /* enum altinj_cover_state */
    uint8_t cuts[256];           /* VMEXITs that cut the outstanding presentation's delivery */
    uint64_t first_cut[256];     /* clock at its first cut */
};

/* capacity: records the pool holds, at least 1. 0, or -1 (no memory). */
int altinj_ledger_init(struct altinj_ledger *l, uint32_t capacity);
void altinj_ledger_destroy(struct altinj_ledger *l);

/* A record drained from a ring: appended to waiting[irq->vector]. False only when the pool
 * cannot grow (no memory: the caller leaves it in its ring). */
bool altinj_ledger_add(struct altinj_ledger *l, const struct altinj_irq *irq);

/* The APIC presents vector v: waiting[v] becomes covered[v] (appended to it if v is still
 * presented, which only a broken design does). Returns how many records the interrupt
 * carries. The cut count of the presentation restarts only for a fresh presentation. */
uint32_t altinj_ledger_cover(struct altinj_ledger *l, uint8_t v);

/* The presentation of v is withdrawn before the guest took it: its records go back in front of
 * waiting[v], in order. Nothing if v is not PRESENTED. */
void altinj_ledger_rewind(struct altinj_ledger *l, uint8_t v);

/* The representative of v's outstanding interrupt for the cut decision: the first covered
 * record, with delivery_cut set if any covered record still has its cut to spend (and cut_reason
 * that first such record's). False when
 * nothing is covered (an empty or unpresented interrupt: *out gets the vector and seq
 * UINT64_MAX only). */
bool altinj_ledger_representative(const struct altinj_ledger *l, uint8_t v,
                                  struct altinj_irq *out);

/* A VMEXIT cut the delivery of v's interrupt at `now`: spends every covered record's cut (an
 * arrival marked busy is cut once) and counts it. Returns the cut count so far (1 for the
 * first). */
unsigned altinj_ledger_cut(struct altinj_ledger *l, uint8_t v, uint64_t now);

enum altinj_ledger_delivery {
    ALTINJ_LEDGER_DELIVERED = 0, /* first handler run of a presented interrupt */
    ALTINJ_LEDGER_AGAIN,         /* the handler ran for it before: every record a duplicate */
    ALTINJ_LEDGER_UNPRESENTED,   /* the SVSM never presented v: a spurious interrupt */
};

/* The guest's handler for vector v runs: on its first run for this presentation, the records
 * of v that arrived since join it; calls fn(ctx, record, index) for each covered record in
 * order (index 0 first) and marks the interrupt DELIVERED. *count receives the number of
 * records (0 for an empty interrupt). */
enum altinj_ledger_delivery altinj_ledger_deliver(struct altinj_ledger *l, uint8_t v,
                                                  void (*fn)(void *ctx,
                                                             const struct altinj_irq *irq,
                                                             uint32_t index),
                                                  void *ctx, uint32_t *count);

/* The APIC performed the EOI of v: a DELIVERED interrupt's records are freed. */
void altinj_ledger_eoi(struct altinj_ledger *l, uint8_t v);

/* Whether any record is waiting for a presentation of v. */
static inline bool altinj_ledger_waiting(const struct altinj_ledger *l, uint8_t v)
{
    return l->waiting[v].n != 0;
}

#endif
