/* What a vCPU's world switches cost, counted. All counters belong to the vCPU thread. */
#ifndef ALTINJ_COUNTERS_H
#define ALTINJ_COUNTERS_H

#include <stdint.h>

struct altinj_counters {
    uint64_t exits;               /* guest VMEXITs (a failed VMRUN is counted apart) */
    uint64_t vmruns;              /* VMRUN attempts of the guest VMSA */
    uint64_t failed_vmruns;       /* of which failed with VMEXIT_BUSY */
    uint64_t svsm_entries;        /* VMPL0 runs (VMPL switches there and back) */
    uint64_t doorbell_writes;     /* hypervisor writes to the #HV doorbell page for this vCPU */
    uint64_t doorbell_reads;      /* SVSM consume operations on the doorbell page */
    uint64_t busy_events;         /* exits that interrupted a delivery and left BUSY set */
    uint64_t reinjections;        /* EXITINTINFO copied into EVENTINJ */
    uint64_t regenerated;         /* INTn/#BP/#OF left to the guest to re-execute */
    uint64_t rejected;            /* corrupt EXITINTINFO dropped */
    uint64_t injections;          /* new events written to EVENTINJ */
    uint64_t inject_backoffs;     /* injections deferred because the page was BUSY (reactive) */
    uint64_t deliveries;          /* guest handler entries */
    uint64_t window_exits;        /* VINTR exits to inject the next pending event */
    uint64_t hvdb_flags_seen;     /* option A: flags consumed by the SVSM */
    uint64_t hvdb_flags_spurious; /* option A: flag set while the page was not BUSY */
    uint64_t hvdb_vectors_rejected; /* doorbell vectors/irr bits that failed validation */
    uint64_t guest_busy;          /* paravisor: exits whose test-and-set found BUSY set */
    uint64_t repairs;             /* re-entry repairs that found the page BUSY */
    uint64_t internal_errors;     /* broken invariants (must stay 0) */
    uint64_t hv_cycles;           /* clock cycles in the hypervisor's exit handling */
    uint64_t svsm_cycles;         /* clock cycles in the SVSM */
};

#endif
