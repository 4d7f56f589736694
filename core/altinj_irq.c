#include "altinj_irq.h"

#include "altinj_event.h"

uint64_t altinj_irq_eventinj(const struct altinj_irq *irq)
{
    const struct altinj_event ev = {
        .vector = irq->vector,
        .type = irq->type,
        .error_valid = irq->error_valid != 0,
        .valid = true,
        .error_code = irq->error_valid ? irq->error_code : 0,
    };
    return altinj_event_encode(&ev);
}
