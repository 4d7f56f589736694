/*
 * The exactly-once oracle: every event carries a dense sequence number; the guest's handler
 * entry reports each one here. At the end, an event seen never is lost, one seen twice or more is
 * duplicated, and a delivery that carries no known event (a sequence number out of range, or an
 * injection the model cannot attribute) is spurious, which also counts as a duplicate for the
 * verdict. Single-threaded: the vCPU thread owns it.
 */
#ifndef ALTINJ_ORACLE_H
#define ALTINJ_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

struct altinj_oracle {
    uint64_t *seen;        /* one bit per sequence number */
    uint64_t capacity;
    uint64_t delivered;    /* distinct sequence numbers seen */
    uint64_t duplicated;   /* deliveries of an already-seen sequence number */
    uint64_t spurious;     /* deliveries with no attributable event */
};

struct altinj_oracle_verdict {
    uint64_t expected;
    uint64_t delivered;
    uint64_t lost;
    uint64_t duplicated;   /* includes spurious */
    bool ok;
};

/* capacity: the largest number of events the run may post. Returns 0 or -1 (no memory). */
int altinj_oracle_init(struct altinj_oracle *o, uint64_t capacity);
void altinj_oracle_destroy(struct altinj_oracle *o);

/* Grows the capacity to at least `capacity` (never shrinks), keeping every bit seen so far, for
 * runs that learn their event count as they go (the simulator generates arrivals on the fly).
 * Returns 0, or -1 (no memory) with the oracle unchanged. */
int altinj_oracle_reserve(struct altinj_oracle *o, uint64_t capacity);

/* Records a guest handler entry for `seq`. Returns false if it is a duplicate or out of range. */
bool altinj_oracle_deliver(struct altinj_oracle *o, uint64_t seq);

/* Records a delivery that carries no event the model posted. */
void altinj_oracle_spurious(struct altinj_oracle *o);

/* expected: how many events were posted (sequence numbers 0..expected-1). */
struct altinj_oracle_verdict altinj_oracle_verdict(const struct altinj_oracle *o, uint64_t expected);

#endif
