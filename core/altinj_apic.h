/*
 * The SVSM's emulated local APIC for the guest, as COCONUT-SVSM implements it
 * (kernel/src/cpu/apic.rs `LocalApic` at f4bc4bcd; the VMSA side in kernel/src/sev/vmsa.rs
 * `impl GuestCpuState for VMSA`). Vectors only: which events an interrupt carries is the
 * ledger's business (altinj_ledger.h), told at each presentation, withdrawal and EOI.
 *
 * What it keeps: IRR (irr[8]), the in-service stack (isr_stack, up to 16 nested), the
 * level-triggered vectors (tmr) and those the host must be sent an EOI for (host_tmr), the
 * vectors the guest allowed (allowed_irr: all of 31..255, configure_all_vectors), and the flags
 * update_required, interrupt_delivered, interrupt_queued and lazy_eoi_pending.
 *
 * Presentation (COCONUT present_interrupts, in this order): consume the doorbell (done by the
 * caller, which posts each vector here); if update_required: check_delivered_interrupts (an
 * interrupt still in EVENTINJ or V_IRQ goes back to IRR; a pending lazy EOI that the guest
 * consumed is performed), clear the guest's lazy-EOI flag, take the highest IRR vector, and if
 * its class is above the in-service one, inject it through EVENTINJ when the guest can take it
 * at once (RFLAGS.IF set, no interrupt shadow, class above PPR = max(in service, V_TPR << 4),
 * EVENTINJ free), otherwise queue it in V_IRQ / V_INTR_VECTOR / V_INTR_PRIO; mark it in
 * service; offer a lazy EOI (the CAA's no_eoi_required) when nothing else is pending and it is
 * edge-triggered (and, if queued, nothing else is in service).
 *
 * OpenHCL (openhcl/virt_mshv_vtl/src/processor/snp/mod.rs at openvmm 1488a37b) presents through
 * V_IRQ only (handle_interrupt) and clears V_IRQ before every poll (poll_apic); its lapic moves
 * the vector to in-service when it sees, after the next exit, that the processor took V_IRQ.
 * altinj_apic_openhcl_* model it with this same state: after an exit a V_IRQ the guest did not
 * take goes back to IRR (rewinding it, as COCONUT's check_delivered_interrupts does), and each
 * poll queues the highest pending vector. The interrupts the guest sees, and when, are the same; only where the model
 * marks in-service differs, which nothing observable depends on.
 *
 * What a real SVSM would panic on (COCONUT's assert! in rewind_pending_interrupt and
 * check_delivered_interrupts, a 17th nested in-service interrupt) sets `panicked`: the caller
 * reports the guest as unable to run, as the SVSM would.
 *
 * Not modelled: NMIs, IPIs between SVSM vCPUs (consume_pending_ipis), x2APIC register reads and
 * writes other than EOI, handoff_to_host. Single-threaded (the vCPU thread).
 */
#ifndef ALTINJ_APIC_H
#define ALTINJ_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_doorbell.h"
#include "altinj_ledger.h"
#include "altinj_vmsa.h"

/* The SVSM calling area (COCONUT `SvsmCaa`), the guest/SVSM page the model needs two bytes of:
 * call_pending (the guest's request to VMPL0) and no_eoi_required (lazy EOI). */
struct altinj_caa {
    uint8_t call_pending;
    uint8_t no_eoi_required;
};

struct altinj_apic_counters {
    uint64_t presented_eventinj;  /* interrupts written to EVENTINJ */
    uint64_t presented_virq;      /* interrupts queued in V_IRQ */
    uint64_t rewound;             /* presentations withdrawn back to IRR */
    uint64_t lazy_eois_offered;   /* no_eoi_required set */
    uint64_t eois;                /* interrupts taken out of service */
    uint64_t host_eois;           /* level-triggered host EOIs (a GHCB call, not priced) */
    uint64_t refused_vectors;     /* doorbell vectors outside allowed_irr (0..30) */
};

struct altinj_apic {
    uint32_t irr[8];
    uint32_t allowed_irr[8];
    uint32_t tmr[8];
    uint32_t host_tmr[8];
    uint8_t isr_stack[16];
    unsigned isr_index;
    bool update_required;
    bool interrupt_delivered;
    bool interrupt_queued;
    bool lazy_eoi_pending;
    uint8_t last_presented;         /* the vector presented last (model-only) */
    bool panicked;
    const char *panic_reason;
    struct altinj_ledger *ledger;
    struct altinj_caa *caa;
    struct altinj_apic_counters *c;   /* the vCPU's (altinj_counters.apic) */
};

/* Empty APIC with every vector 31..255 allowed (COCONUT configure_all_vectors(true)); counts
 * into *counters. */
void altinj_apic_init(struct altinj_apic *a, struct altinj_ledger *ledger, struct altinj_caa *caa,
                      struct altinj_apic_counters *counters);

/* Posts what one doorbell consume took (COCONUT signal_one_host_interrupt /
 * signal_several_interrupts): each allowed vector into IRR, a level vector also into tmr and
 * host_tmr. Returns how many vectors were posted. */
unsigned altinj_apic_post_taken(struct altinj_apic *a, const struct altinj_hvdb_taken *t);

/* COCONUT present_interrupts after its doorbell consume, on the guest VMSA (see the header
 * comment). Nothing when update_required is clear. */
void altinj_apic_present(struct altinj_apic *a, struct altinj_vmsa *vmsa);

/* The guest's explicit EOI (an APIC EOI write through the SVSM: COCONUT write_register(EOI)
 * first runs check_delivered_interrupts, then perform_eoi). */
void altinj_apic_guest_eoi(struct altinj_apic *a, struct altinj_vmsa *vmsa);

/* ---- OpenHCL (header comment), in run_vp_snp's order ---- */
/* After every exit: a V_IRQ the guest took stays in service, one it did not take goes back to
 * IRR; then `set_irq(false)` (always one VIntrCtrl store); then the lazy EOI the guest
 * consumed is performed, or the offer withdrawn ("Clear lazy EOI before processing the
 * exit"). */
void altinj_apic_openhcl_after_exit(struct altinj_apic *a, struct altinj_vmsa *vmsa);
/* poll_apic before every entry: `set_irq(false)` (one store), then handle_interrupt for the
 * highest pending vector whose class is above PPR (one store: vector, priority, V_IGN_TPR
 * clear, V_IRQ set), marked in service. */
void altinj_apic_openhcl_poll(struct altinj_apic *a, struct altinj_vmsa *vmsa);
/* sync_lazy_eoi just before the run (after BUSY is cleared): offers a lazy EOI in the CAA where
 * the lapic's is_lazy_eoi_pending allows it. Writes no VMSA field. */
void altinj_apic_openhcl_sync_lazy_eoi(struct altinj_apic *a);

/* The vector in service on top (the last presented), 0 if none. */
static inline uint8_t altinj_apic_in_service(const struct altinj_apic *a)
{
    return a->isr_index ? a->isr_stack[a->isr_index - 1] : 0;
}

#endif
