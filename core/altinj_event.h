/*
 * EVENTINJ / EXITINTINFO encoding (AMD APM vol. 2, "Event Injection"; both fields share it):
 *   7:0 vector, 10:8 type, 11 EV (error code valid), 30:12 reserved, 31 V (valid),
 *   63:32 error code.
 */
#ifndef ALTINJ_EVENT_H
#define ALTINJ_EVENT_H

#include <stdbool.h>
#include <stdint.h>

enum altinj_event_type {
    ALTINJ_EVENT_EXTINT = 0, /* external (maskable) interrupt */
    ALTINJ_EVENT_NMI = 2,
    ALTINJ_EVENT_EXCEPTION = 3,
    ALTINJ_EVENT_SOFTINT = 4, /* INTn */
};

#define ALTINJ_EVENT_VECTOR_MASK   UINT64_C(0xFF)
#define ALTINJ_EVENT_TYPE_SHIFT    8
#define ALTINJ_EVENT_TYPE_MASK     (UINT64_C(0x7) << ALTINJ_EVENT_TYPE_SHIFT)
#define ALTINJ_EVENT_EV            (UINT64_C(1) << 11)
#define ALTINJ_EVENT_RESERVED_MASK (UINT64_C(0x7FFFF) << 12) /* bits 30:12 */
#define ALTINJ_EVENT_V             (UINT64_C(1) << 31)
#define ALTINJ_EVENT_ERRCODE_SHIFT 32

/* Exception vectors the model names (Intel SDM / APM vector table). */
#define ALTINJ_VEC_BP 3   /* #BP, from INT3: re-executing the instruction regenerates it */
#define ALTINJ_VEC_OF 4   /* #OF, from INTO: likewise */
#define ALTINJ_VEC_PF 14
#define ALTINJ_VEC_VC 29

struct altinj_event {
    uint8_t vector;
    uint8_t type;       /* enum altinj_event_type; 3 bits on the wire */
    bool error_valid;   /* EV */
    bool valid;         /* V */
    uint32_t error_code;
    uint32_t reserved;  /* bits 30:12 as found; non-zero only in hostile or corrupt input */
};

/* Encodes every field; type is truncated to 3 bits and reserved to 19 bits, exactly as the
 * hardware field would hold them. */
uint64_t altinj_event_encode(const struct altinj_event *ev);

/* Decodes every field, including the reserved bits, so a caller can reject them. Total:
 * every 64-bit input decodes, and encode(decode(x)) == x for every x. */
struct altinj_event altinj_event_decode(uint64_t raw);

static inline bool altinj_event_is_valid(uint64_t raw)
{
    return (raw & ALTINJ_EVENT_V) != 0;
}

/* Whether an event is a software event the guest regenerates by executing its instruction
 * again: INTn (type 4) or INT3/INTO's #BP/#OF (type 3, vector 3 or 4). OpenHCL's run_vp_snp
 * leaves these to the guest; KVM's svm_complete_interrupts re-executes #BP/#OF too. */
static inline bool altinj_event_is_software(uint64_t raw)
{
    const uint64_t type = (raw & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT;
    const uint64_t vector = raw & ALTINJ_EVENT_VECTOR_MASK;
    return type == ALTINJ_EVENT_SOFTINT ||
           (type == ALTINJ_EVENT_EXCEPTION && (vector == ALTINJ_VEC_BP || vector == ALTINJ_VEC_OF));
}

#endif
