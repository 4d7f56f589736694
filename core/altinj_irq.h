/*
 * One interrupt or exception as the model tracks it end to end. The architectural state
 * (doorbell irr bit, EVENTINJ, EXITINTINFO) carries only a vector and type; the sequence number
 * and intended arrival time travel beside it so the exactly-once oracle and the latency
 * measurement can name each event.
 */
#ifndef ALTINJ_IRQ_H
#define ALTINJ_IRQ_H

#include <stdint.h>

struct altinj_irq {
    uint64_t seq;          /* unique per run, 0-based, dense */
    uint64_t intended;     /* intended arrival, in cycles of the run's clock (TSC or virtual) */
    uint32_t error_code;   /* exceptions with an error code only */
    uint8_t vector;
    uint8_t type;          /* enum altinj_event_type */
    uint8_t error_valid;   /* 0 or 1 */
    uint8_t source;        /* index of the posting source */
    uint8_t delivery_cut;  /* 1: a VMEXIT interrupts this event's first delivery (BUSY case);
                              drawn by the workload so every strategy sees the same sequence */
    uint8_t cut_reason;    /* the exit that makes that first cut: 0 the model's own (npf), else
                              1 + enum altinj_exit_reason (a kvm_exit replay's V=1 exit keeps
                              the reason the trace recorded) */
};

/* The doorbell's irr bits name external vectors (32..255) only. An exception the SVSM must
 * inject (a reflected #PF or #VC) is announced through the lowest external vector instead:
 * an assumption of the model, since the real path for such events is not the doorbell. */
#define ALTINJ_IRQ_ANNOUNCE_VECTOR 0x20u

static inline uint8_t altinj_irq_doorbell_vector(const struct altinj_irq *irq)
{
    return irq->vector >= 32 ? irq->vector : (uint8_t)ALTINJ_IRQ_ANNOUNCE_VECTOR;
}

/* Builds the EVENTINJ value (V=1) that injects this event. */
uint64_t altinj_irq_eventinj(const struct altinj_irq *irq);

#endif
