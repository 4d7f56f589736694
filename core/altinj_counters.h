/* What a vCPU's world switches cost, counted. All counters belong to the vCPU thread, and every
 * field is a uint64_t (engines sum the struct as an array). */
#ifndef ALTINJ_COUNTERS_H
#define ALTINJ_COUNTERS_H

#include <stdint.h>

#include "altinj_apic.h"
#include "altinj_exit_codes.h"
#include "altinj_policy.h"

struct altinj_counters {
    uint64_t exits;               /* guest VMEXITs (a failed VMRUN is counted apart) */
    uint64_t exits_by_reason[ALTINJ_EXIT_R__COUNT]; /* the same, by altinj_exit_reason_of */
    uint64_t vmruns;              /* VMRUN attempts of the guest VMSA */
    uint64_t failed_vmruns;       /* of which failed with VMEXIT_BUSY */
    uint64_t invalid_vmruns;      /* of which failed with VMEXIT_INVALID (EFER.SVME clear) */
    uint64_t svsm_entries;        /* VMPL0 runs (VMPL switches there and back) */
    uint64_t svsm_by_reason[ALTINJ_SVSM__COUNT]; /* the hypervisor's reason for each */
    uint64_t switches_cancelled;  /* switches to the guest VMPL0 cancelled (NoFurtherSignal set);
                                     each re-runs the pass within the same VMPL0 run */
    uint64_t stale_copies;        /* EXITINTINFO copied into EVENTINJ again by a pass after a
                                     cancelled switch: the last real exit's event, already
                                     handled (counted apart from reinjections) */
    uint64_t doorbell_writes;     /* the row's own hypervisor writes to the #HV doorbell page */
    uint64_t doorbell_reads;      /* SVSM consumes of the doorbell page */
    uint64_t busy_events;         /* exits that cut a delivery (EXITINTINFO.V=1) */
    uint64_t reinjections;        /* EXITINTINFO copied into EVENTINJ by the SVSM */
    uint64_t left_to_guest;       /* cut software events the SVSM left for the guest to redo */
    uint64_t repairs;             /* SVSM passes that found BUSY set */
    uint64_t interrupts;          /* interrupt handler runs */
    uint64_t deliveries;          /* events delivered (one per event a handler run serves) */
    uint64_t coalesced;           /* events carried by an interrupt another post presented */
    uint64_t empty_interrupts;    /* handler runs of a presented interrupt that carried none */
    uint64_t unpresented;         /* handler runs for a vector the SVSM never presented */
    uint64_t virq_taken;          /* V_IRQs the processor delivered */
    uint64_t lazy_eois;           /* EOIs the guest did through the CAA, without an exit */
    uint64_t eoi_exits;           /* explicit EOIs: a guest exit to VMPL0 each */
    uint64_t guest_raised;        /* exceptions and software events the guest raised */
    uint64_t reexecuted;          /* instructions the guest executed again after a cut */
    uint64_t hvdb_flags_seen;     /* option A: flags the SVSM took */
    uint64_t hvdb_flags_spurious; /* option A: a flag with neither EXITINTINFO.V nor BUSY */
    uint64_t hvdb_vectors_rejected; /* doorbell content the SVSM refused: foreign VMPL0 vectors,
                                       events of VMPLs without a guest, vectors below 31 */
    uint64_t guest_busy;          /* OpenHCL: exits whose test-and-set found BUSY set */
    uint64_t internal_errors;     /* broken model invariants (must stay 0) */
    uint64_t hv_cycles;           /* clock cycles in the hypervisor's exit handling */
    uint64_t svsm_cycles;         /* clock cycles in the SVSM */
    struct altinj_apic_counters apic;
};

/* Adds src into dst. Every field of struct altinj_counters is a uint64_t counter, so the
 * struct is summed as an array: a counter added above is summed here without an edit. */
static inline void altinj_counters_add(struct altinj_counters *dst,
                                       const struct altinj_counters *src)
{
    _Static_assert(sizeof(struct altinj_counters) % sizeof(uint64_t) == 0,
                   "altinj_counters holds uint64_t counters only");
    uint64_t *d = (uint64_t *)dst;
    const uint64_t *s = (const uint64_t *)src;
    for (unsigned long i = 0; i < sizeof *dst / sizeof(uint64_t); i++)
        d[i] += s[i];
}

#endif
