/*
 * COCONUT-SVSM's LocalApic (kernel/src/cpu/apic.rs, f4bc4bcd), step by step; each function
 * names the Rust function it follows. The VMSA accessors at the top are COCONUT's
 * `impl GuestCpuState for VMSA` (kernel/src/sev/vmsa.rs).
 *
 * Memory orders: everything here runs on the vCPU's CPU while the SVSM owns the VMSA (COCONUT:
 * EFER.SVME is clear; OpenHCL: BUSY is held), so every VMSA access is relaxed; the policy's last
 * write before the guest may run (altinj_svme_enable, altinj_busy_clear) is the release that
 * publishes them to VMRUN.
 */
#include "altinj_apic.h"

#include <string.h>

#include "altinj_event.h"
#include "altinj_vintr.h"

/* ---- GuestCpuState for the VMSA ---- */

static uint64_t vintr(struct altinj_vmsa *v)
{
    return altinj_vmsa_load(v, ALTINJ_VF_VINTR_CTRL, memory_order_relaxed);
}

static void set_vintr(struct altinj_vmsa *v, uint64_t value)
{
    /* A plain read-modify-write in COCONUT (`self.vintr_ctrl = vintr_ctrl`). */
    altinj_vmsa_store(v, ALTINJ_VF_VINTR_CTRL, ALTINJ_VW_SVSM, value, memory_order_relaxed);
}

/* get_tpr: the 4-bit V_TPR as an 8-bit priority. */
static uint8_t get_tpr(struct altinj_vmsa *v)
{
    return (uint8_t)((vintr(v) & ALTINJ_VINTR_V_TPR_MASK) << 4);
}

static bool interrupts_enabled(const struct altinj_vmsa *v)
{
    return (v->rflags & ALTINJ_RFLAGS_IF) != 0;
}

static bool in_intr_shadow(struct altinj_vmsa *v)
{
    return (vintr(v) & ALTINJ_VINTR_INT_SHADOW) != 0;
}

/* queue_interrupt: V_INTR_VECTOR, V_INTR_PRIO = vector >> 4, V_IGN_TPR clear, V_IRQ set. */
static void queue_interrupt(struct altinj_vmsa *v, uint8_t irq)
{
    uint64_t x = vintr(v);
    x &= ~(ALTINJ_VINTR_V_INTR_VECTOR_MASK | ALTINJ_VINTR_V_INTR_PRIO_MASK | ALTINJ_VINTR_V_IGN_TPR);
    x |= ((uint64_t)irq << ALTINJ_VINTR_V_INTR_VECTOR_SHIFT) |
         ((uint64_t)(irq >> 4) << ALTINJ_VINTR_V_INTR_PRIO_SHIFT) | ALTINJ_VINTR_V_IRQ;
    set_vintr(v, x);
}

/* try_deliver_interrupt_immediately: EVENTINJ, unless it already holds an event. */
static bool try_deliver_interrupt_immediately(struct altinj_vmsa *v, uint8_t irq)
{
    if (altinj_event_is_valid(altinj_vmsa_load(v, ALTINJ_VF_EVENT_INJ, memory_order_relaxed)))
        return false;
    const struct altinj_event ev = {.vector = irq, .type = ALTINJ_EVENT_EXTINT, .valid = true};
    altinj_vmsa_store(v, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_SVSM, altinj_event_encode(&ev),
                      memory_order_relaxed);
    return true;
}

/* check_and_clear_pending_interrupt_event: an EVENTINJ of type Interrupt is taken back.
 * COCONUT's VmsaEventType::from_bits reads every type but 2, 3 and 4 as Interrupt. */
static uint8_t check_and_clear_pending_interrupt_event(struct altinj_vmsa *v)
{
    const uint64_t ev = altinj_vmsa_load(v, ALTINJ_VF_EVENT_INJ, memory_order_relaxed);
    const uint64_t type = (ev & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT;
    if (!altinj_event_is_valid(ev) || type == ALTINJ_EVENT_NMI || type == ALTINJ_EVENT_EXCEPTION ||
        type == ALTINJ_EVENT_SOFTINT)
        return 0;
    altinj_vmsa_store(v, ALTINJ_VF_EVENT_INJ, ALTINJ_VW_SVSM, 0, memory_order_relaxed);
    return (uint8_t)(ev & ALTINJ_EVENT_VECTOR_MASK);
}

/* check_and_clear_pending_virtual_interrupt: a V_IRQ not yet taken is withdrawn. */
static uint8_t check_and_clear_pending_virtual_interrupt(struct altinj_vmsa *v)
{
    const uint64_t x = vintr(v);
    if (!(x & ALTINJ_VINTR_V_IRQ))
        return 0;
    set_vintr(v, x & ~ALTINJ_VINTR_V_IRQ);
    return (uint8_t)((x & ALTINJ_VINTR_V_INTR_VECTOR_MASK) >> ALTINJ_VINTR_V_INTR_VECTOR_SHIFT);
}

/* ---- LocalApic ---- */

static void set_bit(uint32_t r[8], uint8_t v)
{
    r[v >> 5] |= UINT32_C(1) << (v & 31);
}

static void clear_bit(uint32_t r[8], uint8_t v)
{
    r[v >> 5] &= ~(UINT32_C(1) << (v & 31));
}

static bool test_bit(const uint32_t r[8], uint8_t v)
{
    return (r[v >> 5] >> (v & 31)) & 1;
}

void altinj_apic_init(struct altinj_apic *a, struct altinj_ledger *ledger, struct altinj_caa *caa,
                      struct altinj_apic_counters *counters)
{
    memset(a, 0, sizeof *a);
    a->ledger = ledger;
    a->caa = caa;
    a->c = counters;
    /* configure_all_vectors(true) */
    a->allowed_irr[0] = UINT32_C(1) << 31;
    for (unsigned i = 1; i < 8; i++)
        a->allowed_irr[i] = UINT32_MAX;
}

static void panic(struct altinj_apic *a, const char *why)
{
    if (!a->panicked)
        a->panic_reason = why;
    a->panicked = true;
}

/* scan_irr: the highest pending vector, 0 for none. */
static uint8_t scan_irr(const struct altinj_apic *a)
{
    for (int i = 7; i >= 0; i--)
        if (a->irr[i])
            return (uint8_t)(i * 32 + 31 - __builtin_clz(a->irr[i]));
    return 0;
}

/* post_interrupt */
static void post_interrupt(struct altinj_apic *a, uint8_t irq, bool level)
{
    set_bit(a->irr, irq);
    if (level)
        set_bit(a->tmr, irq);
    a->update_required = true;
}

/* signal_one_host_interrupt */
static bool signal_one(struct altinj_apic *a, uint8_t vector, bool level)
{
    if (!test_bit(a->allowed_irr, vector)) {
        a->c->refused_vectors++;
        return false;
    }
    post_interrupt(a, vector, level);
    return true;
}

unsigned altinj_apic_post_taken(struct altinj_apic *a, const struct altinj_hvdb_taken *t)
{
    unsigned n = 0;
    if (t->level_vector && signal_one(a, t->level_vector, true)) {
        set_bit(a->host_tmr, t->level_vector);
        n++;
    }
    for (unsigned w = 0; w < 8; w++) {
        uint32_t bits = t->vectors[w];
        while (bits) {
            const unsigned b = 31u - (unsigned)__builtin_clz(bits);
            bits &= ~(UINT32_C(1) << b);
            /* signal_several_interrupts masks with allowed_irr; the single vector goes through
             * signal_one_host_interrupt, which tests it: the same test either way. */
            n += signal_one(a, (uint8_t)(w * 32 + b), false);
        }
    }
    return n;
}

/* rewind_pending_interrupt: back from in-service to IRR. */
static void rewind_pending_interrupt(struct altinj_apic *a, uint8_t irq)
{
    if (a->isr_index == 0 || a->isr_stack[a->isr_index - 1] != irq) {
        panic(a, "rewind_pending_interrupt: the interrupt is not the one in service");
        return;
    }
    set_bit(a->irr, irq);
    a->isr_index--;
    a->update_required = true;
    a->c->rewound++;
    altinj_ledger_rewind(a->ledger, irq);
}

/* perform_eoi */
static void perform_eoi(struct altinj_apic *a)
{
    if (a->isr_index == 0)
        return;
    const uint8_t vector = a->isr_stack[--a->isr_index];
    if (test_bit(a->tmr, vector)) {
        if (test_bit(a->host_tmr, vector)) {
            a->c->host_eois++; /* perform_host_eoi: a GHCB call to the host */
            clear_bit(a->host_tmr, vector);
        }
        clear_bit(a->tmr, vector);
    }
    a->update_required = true;
    a->lazy_eoi_pending = false;
    a->c->eois++;
    altinj_ledger_eoi(a->ledger, vector);
}

/* check_delivered_interrupts */
static void check_delivered_interrupts(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    if (a->interrupt_delivered) {
        const uint8_t irq = check_and_clear_pending_interrupt_event(vmsa);
        if (irq != 0) {
            rewind_pending_interrupt(a, irq);
            a->lazy_eoi_pending = false;
        }
        a->interrupt_delivered = false;
    }
    if (a->interrupt_queued) {
        const uint8_t irq = check_and_clear_pending_virtual_interrupt(vmsa);
        if (irq != 0) {
            rewind_pending_interrupt(a, irq);
            a->lazy_eoi_pending = false;
        }
        a->interrupt_queued = false;
    }
    /* The guest consumed the lazy-EOI offer: its EOI is done now. */
    if (a->lazy_eoi_pending && a->caa->no_eoi_required == 0) {
        if (a->isr_index == 0) {
            panic(a, "check_delivered_interrupts: lazy EOI with nothing in service");
            return;
        }
        perform_eoi(a);
    }
}

/* get_ppr_with_tpr */
static uint8_t get_ppr(const struct altinj_apic *a, uint8_t tpr)
{
    const uint8_t isr = a->isr_index ? a->isr_stack[a->isr_index - 1] : 0;
    return (isr >> 4) > (tpr >> 4) ? isr : tpr;
}

/* deliver_interrupt_immediately */
static bool deliver_interrupt_immediately(struct altinj_apic *a, struct altinj_vmsa *vmsa,
                                          uint8_t irq)
{
    if (!interrupts_enabled(vmsa) || in_intr_shadow(vmsa))
        return false;
    if ((irq >> 4) <= (get_ppr(a, get_tpr(vmsa)) >> 4))
        return false;
    return try_deliver_interrupt_immediately(vmsa, irq);
}

static bool push_in_service(struct altinj_apic *a, uint8_t irq)
{
    if (a->isr_index >= sizeof a->isr_stack) {
        panic(a, "present_interrupts: more than 16 interrupts in service");
        return false;
    }
    clear_bit(a->irr, irq);
    a->isr_stack[a->isr_index++] = irq;
    a->last_presented = irq;
    altinj_ledger_cover(a->ledger, irq);
    return true;
}

void altinj_apic_present(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    if (!a->update_required)
        return;
    check_delivered_interrupts(a, vmsa);
    /* A failed assert! ends COCONUT there: nothing after it is written. */
    if (a->panicked)
        return;
    a->update_required = false;
    const uint8_t irq = scan_irr(a);
    const uint8_t current = a->isr_index ? a->isr_stack[a->isr_index - 1] : 0;
    a->lazy_eoi_pending = false;
    a->caa->no_eoi_required = 0; /* clear_guest_eoi_pending */
    /* Priority against what is in service only, not TPR: an interrupt below TPR must be queued
     * so it is taken as soon as TPR drops (COCONUT's comment). */
    if ((irq & 0xF0) <= (current & 0xF0))
        return;
    bool try_lazy;
    if (deliver_interrupt_immediately(a, vmsa, irq)) {
        a->interrupt_delivered = true;
        a->c->presented_eventinj++;
        try_lazy = true;
    } else {
        queue_interrupt(vmsa, irq);
        a->interrupt_queued = true;
        a->c->presented_virq++;
        /* With a lower interrupt in service, a lazy EOI could not tell which one it ends. */
        try_lazy = a->isr_index == 0;
    }
    if (!push_in_service(a, irq))
        return;
    /* Lazy EOI only when nothing else is pending (else an explicit EOI must prompt the next)
     * and the interrupt is edge-triggered (a level one needs an EOI at the source). */
    if (try_lazy && !test_bit(a->tmr, irq) && scan_irr(a) == 0) {
        a->caa->no_eoi_required = 1;
        a->lazy_eoi_pending = true;
        a->c->lazy_eois_offered++;
    }
}

/* set_irq(false) in OpenHCL: a store of VIntrCtrl with V_IRQ clear, whether or not it was set
 * (a bitfield setter on the VMSA page, not a test), with the model's bookkeeping of the V_IRQ
 * it withdraws. */
static void openhcl_clear_irq(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    /* A queued V_IRQ still set was not taken: back to IRR. One the guest took stays in service
     * (OpenHCL's lapic acknowledges it: `last_interrupt_ctrl.irq() && !...irq()`). */
    const uint64_t x = vintr(vmsa);
    if (a->interrupt_queued && (x & ALTINJ_VINTR_V_IRQ))
        rewind_pending_interrupt(a, (uint8_t)((x & ALTINJ_VINTR_V_INTR_VECTOR_MASK) >>
                                              ALTINJ_VINTR_V_INTR_VECTOR_SHIFT));
    a->interrupt_queued = false;
    set_vintr(vmsa, x & ~ALTINJ_VINTR_V_IRQ);
}

void altinj_apic_openhcl_after_exit(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    openhcl_clear_irq(a, vmsa);
    /* "Clear lazy EOI before processing the exit": hv clear_lazy_eoi finds the bit clear when
     * the guest consumed the offer (then the lapic's lazy_eoi), else clears it itself. */
    if (a->lazy_eoi_pending) {
        if (a->caa->no_eoi_required == 0)
            perform_eoi(a);
        a->caa->no_eoi_required = 0;
        a->lazy_eoi_pending = false;
    }
}

void altinj_apic_openhcl_poll(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    /* poll_apic: "Clear any pending interrupt." After altinj_apic_openhcl_after_exit nothing is
     * queued; on the first entry nothing was. */
    openhcl_clear_irq(a, vmsa);
    a->update_required = false;
    const uint8_t irq = scan_irr(a);
    if (irq != 0 && (irq >> 4) > (get_ppr(a, get_tpr(vmsa)) >> 4)) {
        /* handle_interrupt: vector, priority, ignore_tpr clear, irq set. Four setters on the
         * page OpenHCL holds (BUSY), one store here: nothing can observe between them. */
        queue_interrupt(vmsa, irq);
        a->interrupt_queued = true;
        a->c->presented_virq++;
        push_in_service(a, irq);
    }
}

void altinj_apic_openhcl_sync_lazy_eoi(struct altinj_apic *a)
{
    /* The lapic's is_lazy_eoi_pending, with the model's in-service stack holding the queued
     * vector too: nothing else pending (IRR empty), and either the queued vector with nothing
     * else in service or, with nothing queued, the top in-service vector; edge-triggered. */
    if (a->isr_index == 0 || scan_irr(a) != 0 || (a->interrupt_queued && a->isr_index != 1))
        return;
    if (test_bit(a->tmr, a->isr_stack[a->isr_index - 1]))
        return;
    a->caa->no_eoi_required = 1;
    a->lazy_eoi_pending = true;
    a->c->lazy_eois_offered++;
}

void altinj_apic_guest_eoi(struct altinj_apic *a, struct altinj_vmsa *vmsa)
{
    check_delivered_interrupts(a, vmsa);
    perform_eoi(a);
}
