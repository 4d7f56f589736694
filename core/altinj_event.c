#include "altinj_event.h"

uint64_t altinj_event_encode(const struct altinj_event *ev)
{
    uint64_t raw = (uint64_t)ev->vector;
    raw |= ((uint64_t)(ev->type & 0x7u)) << ALTINJ_EVENT_TYPE_SHIFT;
    if (ev->error_valid)
        raw |= ALTINJ_EVENT_EV;
    raw |= ((uint64_t)(ev->reserved & 0x7FFFFu)) << 12;
    if (ev->valid)
        raw |= ALTINJ_EVENT_V;
    raw |= (uint64_t)ev->error_code << ALTINJ_EVENT_ERRCODE_SHIFT;
    return raw;
}

struct altinj_event altinj_event_decode(uint64_t raw)
{
    struct altinj_event ev = {
        .vector = (uint8_t)(raw & ALTINJ_EVENT_VECTOR_MASK),
        .type = (uint8_t)((raw & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT),
        .error_valid = (raw & ALTINJ_EVENT_EV) != 0,
        .valid = (raw & ALTINJ_EVENT_V) != 0,
        .error_code = (uint32_t)(raw >> ALTINJ_EVENT_ERRCODE_SHIFT),
        .reserved = (uint32_t)((raw & ALTINJ_EVENT_RESERVED_MASK) >> 12),
    };
    return ev;
}
