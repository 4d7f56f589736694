/*
 * Conformance: each named row writes the VMSA in the order of the code it follows. A scripted
 * world (tests/world_harness.h) drives one row through one situation, the core built with the
 * write log (altinj_core_wlog, altinj_write_log.h) records every write of EFER, EXITINTINFO,
 * VIntrCtrl, the exit code and EVENTINJ, and the test compares the whole sequence, the
 * processor's writes included, with the one read from the sources:
 *
 *   COCONUT-SVSM f4bc4bcd  kernel/src/vmm/execloop.rs enter_guest: after the switch returns,
 *                          vmsa.disable() (EFER.SVME clear), then ai_handle_intercepts
 *                          (kernel/src/cpu/percpu.rs: EXITINTINFO into EVENTINJ if V, then BUSY
 *                          cleared if set), the guest's request; at the top of the loop
 *                          update_apic_emulation (kernel/src/cpu/apic.rs present_interrupts:
 *                          take back an undelivered EVENTINJ/V_IRQ, then EVENTINJ or V_IRQ),
 *                          then vmsa.enable() (EFER.SVME set) and the switch.
 *   OpenHCL 1488a37b       openhcl/virt_mshv_vtl/src/processor/snp/mod.rs run_vp_snp: after the
 *                          run, guest_busy_bit_test_and_set, then the Alternate Injection block
 *                          (EVENTINJ unless INTn/#BP/#OF, EXITINTINFO cleared), set_irq(false);
 *                          the run loop's poll_apic: set_irq(false), handle_interrupt (V_IRQ);
 *                          then run_vp_snp: set_guest_busy(false) and the run.
 *
 * Every run also VMRUNs the page from a "second CPU" at each yield point of every SVSM pass:
 * each attempt must fail (EFER.SVME clear in COCONUT's pass, BUSY held in OpenHCL's) and write
 * nothing.
 *
 * Tokens: "<who> <field> <change>", who = hw (VMRUN, VMEXIT, a V_IRQ taken) or svsm; for EFER
 * and VIntrCtrl the change is the bits that changed (+svme, -busy, +virq:0x30, "=" for a store
 * that changed nothing), for the others the value written (ext:0x30, exc:0x0e, soft:0x80, 0,
 * or an exit code name). ALTINJ_CONFORMANCE_DUMP=1 prints every sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "altinj_hw.h"
#include "altinj_write_log.h"
#include "world_harness.h"

#define MAX_TOKENS 128

struct trace {
    char tok[MAX_TOKENS][48];
    size_t n;
};

static const char *event_text(uint64_t v, char *buf, size_t len)
{
    if (!altinj_event_is_valid(v)) {
        snprintf(buf, len, "%s", v == 0 ? "0" : "invalid");
        return buf;
    }
    const unsigned type = (unsigned)((v & ALTINJ_EVENT_TYPE_MASK) >> ALTINJ_EVENT_TYPE_SHIFT);
    static const char *const names[8] = {"ext", "type1", "nmi", "exc", "soft", "t5", "t6", "t7"};
    snprintf(buf, len, "%s:%#04x", names[type & 7], (unsigned)(v & ALTINJ_EVENT_VECTOR_MASK));
    return buf;
}

static void bits_text(uint64_t old, uint64_t now, char *buf, size_t len)
{
    static const struct {
        uint64_t bit;
        const char *name;
    } named[] = {{ALTINJ_VINTR_BUSY, "busy"}, {ALTINJ_VINTR_VGIF, "vgif"},
                 {ALTINJ_VINTR_INT_SHADOW, "shadow"}, {ALTINJ_VINTR_V_IGN_TPR, "ign_tpr"}};
    size_t off = 0;
    buf[0] = '\0';
    if ((old ^ now) & ALTINJ_VINTR_V_IRQ) {
        if (now & ALTINJ_VINTR_V_IRQ)
            off += (size_t)snprintf(buf + off, len - off, "+virq:%#04x ",
                                    (unsigned)((now & ALTINJ_VINTR_V_INTR_VECTOR_MASK) >>
                                               ALTINJ_VINTR_V_INTR_VECTOR_SHIFT));
        else
            off += (size_t)snprintf(buf + off, len - off, "-virq ");
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if ((old ^ now) & named[i].bit)
            off += (size_t)snprintf(buf + off, len - off, "%c%s ", now & named[i].bit ? '+' : '-',
                                    named[i].name);
    if (off == 0)
        snprintf(buf, len, "=");
    else
        buf[off - 1] = '\0';
}

/* Renders the log; efer0 and vintr0 are the fields' values when the log started. */
static void render(struct trace *t, uint64_t efer0, uint64_t vintr0)
{
    uint64_t efer = efer0, vintr = vintr0;
    t->n = 0;
    assert_false(altinj_write_log_overflowed());
    for (size_t i = 0; i < altinj_write_log_count() && t->n < MAX_TOKENS; i++) {
        const struct altinj_write_log_entry *e = altinj_write_log_at(i);
        char val[32];
        const char *who = e->who == ALTINJ_VW_HW ? "hw" : "svsm";
        switch (e->field) {
        case ALTINJ_VF_EFER:
            snprintf(val, sizeof val, "%s",
                     ((efer ^ e->value) & ALTINJ_EFER_SVME)
                         ? (e->value & ALTINJ_EFER_SVME ? "+svme" : "-svme")
                         : "=");
            efer = e->value;
            break;
        case ALTINJ_VF_VINTR_CTRL:
            bits_text(vintr, e->value, val, sizeof val);
            vintr = e->value;
            break;
        case ALTINJ_VF_EXIT_CODE:
            snprintf(val, sizeof val, "%s", altinj_exit_code_name(e->value));
            break;
        case ALTINJ_VF_EXITINTINFO:
        case ALTINJ_VF_EVENT_INJ:
        case ALTINJ_VF__COUNT:
            event_text(e->value, val, sizeof val);
            break;
        }
        snprintf(t->tok[t->n++], sizeof t->tok[0], "%s %s %s", who,
                 altinj_vmsa_field_name(e->field), val);
    }
}

static void dump(const char *title, const struct trace *t)
{
    if (!getenv("ALTINJ_CONFORMANCE_DUMP"))
        return;
    printf("--- %s\n", title);
    for (size_t i = 0; i < t->n; i++)
        printf("  \"%s\",\n", t->tok[i]);
}

/* Fails with the first difference, printing both sequences. */
static void expect_trace(const char *title, const struct trace *t, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    size_t i = 0;
    while (i < n && i < t->n && strcmp(want[i], t->tok[i]) == 0)
        i++;
    if (i == n && i == t->n)
        return;
    print_error("%s: write %zu differs: want \"%s\", got \"%s\"\n", title, i,
                i < n ? want[i] : "(end)", i < t->n ? t->tok[i] : "(end)");
    for (size_t k = 0; k < t->n; k++)
        print_error("  got  %2zu %s\n", k, t->tok[k]);
    for (size_t k = 0; k < n; k++)
        print_error("  want %2zu %s\n", k, want[k]);
    fail();
}

enum situation {
    CUT_INTERRUPT,   /* an external interrupt posted, its delivery cut once (NPF) */
    CUT_FAULT,       /* a #PF the guest raises, its delivery cut once */
    CUT_SOFTINT,     /* an INT 0x80, its delivery cut once */
    PLAIN_EXIT,      /* an exit with nothing in flight and nothing pending */
};

struct run {
    const char *row;
    enum altinj_busy_premise premise;
    enum altinj_softint_copy softint;
    enum situation what;
    uint64_t lost;           /* events the row is known to lose here (mutants) */
};

/* A second CPU's VMRUN of the page at every yield point inside an SVSM pass (altinj_vcpu.h):
 * it must fail, on EFER.SVME during COCONUT's pass (VMEXIT_INVALID), on BUSY during OpenHCL's
 * (VMEXIT_BUSY), and a failed VMRUN writes nothing, so the logged sequence is unchanged. At the
 * last point (SVSM_LEAVING) the page is released for the guest: not attempted there. */
static struct {
    uint64_t attempts, invalid, busy, entered;
} second_cpu;

static void second_cpu_vmrun(void *ctx, enum altinj_yield_point point)
{
    struct harness *h = ctx;
    if (point == ALTINJ_YIELD_SVSM_LEAVING)
        return;
    second_cpu.attempts++;
    uint64_t injected;
    const uint64_t rc = altinj_hw_vmrun(h->vmsa, &injected);
    second_cpu.invalid += rc == ALTINJ_VMEXIT_INVALID;
    second_cpu.busy += rc == ALTINJ_VMEXIT_BUSY;
    second_cpu.entered += rc == 0;
}

/* Launches the guest, then logs everything from the situation's first exit until the world
 * idles; checks the one event (if any) arrived exactly once, or was lost as r->lost says, and
 * that no second-CPU VMRUN got in during an SVSM pass. */
static void run_logged(const struct run *r, struct trace *t)
{
    assert_true(altinj_write_log_enabled());
    const struct altinj_strategy *s = altinj_strategy_find(r->row);
    assert_non_null(s);
    struct harness h;
    assert_int_equal(harness_init_full(&h, s, 16, r->premise, r->softint, 0.0), 0);
    memset(&second_cpu, 0, sizeof second_cpu);
    h.vcpu.env.yield = second_cpu_vmrun;
    assert_true(harness_run(&h, 100)); /* VMPL0 launches the guest: not logged */
    const uint64_t efer0 = atomic_load_explicit(&h.vmsa->efer, memory_order_relaxed);
    const uint64_t vintr0 = atomic_load_explicit(&h.vmsa->vintr_ctrl, memory_order_relaxed);
    altinj_write_log_start(h.vmsa);
    switch (r->what) {
    case CUT_INTERRUPT:
        assert_true(harness_post(&h, 0x30, true));
        harness_kick(&h);
        break;
    case CUT_FAULT:
        assert_true(harness_raise(&h, ALTINJ_VEC_PF, ALTINJ_EVENT_EXCEPTION, true));
        break;
    case CUT_SOFTINT:
        assert_true(harness_raise(&h, 0x80, ALTINJ_EVENT_SOFTINT, true));
        break;
    case PLAIN_EXIT:
        harness_kick(&h);
        break;
    }
    if (r->what == CUT_FAULT || r->what == CUT_SOFTINT) {
        /* The guest runs into its instruction: the event is raised and its delivery cut. */
        assert_int_equal(harness_guest(&h), ALTINJ_STEP_EXITED);
    }
    assert_true(harness_run(&h, 100));
    altinj_write_log_stop();
    render(t, efer0, vintr0);
    assert_true(second_cpu.attempts > 0);
    assert_int_equal(second_cpu.entered, 0);
    if (s->svsm == &altinj_svsm_openhcl)
        assert_int_equal(second_cpu.busy, second_cpu.attempts);
    else
        assert_int_equal(second_cpu.invalid, second_cpu.attempts);
    if (r->lost == 0) {
        expect_exactly_once(&h);
    } else {
        const struct altinj_oracle_verdict v = altinj_oracle_verdict(&h.oracle, h.posted);
        assert_int_equal(v.lost, r->lost);
        assert_int_equal(v.duplicated, 0);
    }
    harness_destroy(&h);
}

static void check(const struct run *r, const char *const *want)
{
    static const char *const names[] = {"cut interrupt", "cut #PF", "cut INT 0x80",
                                        "plain exit"};
    char title[160];
    snprintf(title, sizeof title, "%s, %s premise, softint-copy %s, %s", r->row,
             altinj_busy_premise_name(r->premise), altinj_softint_copy_name(r->softint),
             names[r->what]);
    struct trace t;
    run_logged(r, &t);
    dump(title, &t);
    expect_trace(title, &t, want);
}

#define HW ALTINJ_PREMISE_HARDWARE
#define SW ALTINJ_PREMISE_SOFTWARE
#define ADVANCE ALTINJ_SOFTINT_COPY_ADVANCE

/* The three rows on COCONUT's pass write the VMSA alike; their hypervisors differ only in what
 * they do outside it (a failed VMRUN first, the doorbell flag), which writes no VMSA field. */
static const char *const coconut_rows[] = {"reactive", "hvdb-flag", "unconditional"};

/* A posted interrupt, presented through EVENTINJ, its delivery cut by an NPF. */
static void coconut_cut_interrupt(void **state)
{
    (void)state;
    static const char *const hw[] = {
        /* the kick; the doorbell makes every hypervisor run VMPL0 */
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0",
        "svsm efer -svme",         /* enter_guest: vmsa.disable() */
        /* ai_handle_intercepts: EXITINTINFO.V clear, BUSY clear: no write */
        "svsm event_inj ext:0x30", /* update_apic_emulation: try_deliver_interrupt_immediately */
        "svsm efer +svme",         /* vmsa.enable(), the last write before the switch */
        "hw event_inj 0",          /* VMRUN takes the event */
        /* the delivery is cut: the processor leaves BUSY set (hardware premise) */
        "hw exit_code VMEXIT_NPF", "hw exitintinfo ext:0x30", "hw vintr_ctrl +busy",
        "svsm efer -svme",         /* vmsa.disable() */
        "svsm event_inj ext:0x30", /* ai_handle_intercepts: EXITINTINFO into EVENTINJ ... */
        "svsm vintr_ctrl -busy",   /* ... then BUSY cleared */
        /* present_interrupts: update_required clear, no write */
        "svsm efer +svme", "hw event_inj 0", NULL};
    static const char *const sw[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0", "svsm efer -svme",
        "svsm event_inj ext:0x30", "svsm efer +svme", "hw event_inj 0",
        /* software premise: the cut leaves BUSY clear, so no BUSY write anywhere */
        "hw exit_code VMEXIT_NPF", "hw exitintinfo ext:0x30", "svsm efer -svme",
        "svsm event_inj ext:0x30", "svsm efer +svme", "hw event_inj 0", NULL};
    for (size_t i = 0; i < 3; i++) {
        check(&(struct run){coconut_rows[i], HW, ADVANCE, CUT_INTERRUPT, 0}, hw);
        /* reactive's hypervisor never hears of a cut without BUSY: it loses the event
         * (tests/test_strategies.c); the other two are checked under both premises. */
        if (i > 0)
            check(&(struct run){coconut_rows[i], SW, ADVANCE, CUT_INTERRUPT, 0}, sw);
    }
}

/* A #PF the guest's own instruction raises, its delivery cut. */
static void coconut_cut_fault(void **state)
{
    (void)state;
    static const char *const hw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo exc:0x0e", "hw vintr_ctrl +busy",
        "svsm efer -svme", "svsm event_inj exc:0x0e", "svsm vintr_ctrl -busy",
        "svsm efer +svme", "hw event_inj 0", NULL};
    static const char *const sw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo exc:0x0e", "svsm efer -svme",
        "svsm event_inj exc:0x0e", "svsm efer +svme", "hw event_inj 0", NULL};
    for (size_t i = 0; i < 3; i++) {
        check(&(struct run){coconut_rows[i], HW, ADVANCE, CUT_FAULT, 0}, hw);
        if (i > 0)
            check(&(struct run){coconut_rows[i], SW, ADVANCE, CUT_FAULT, 0}, sw);
    }
}

/* An INT 0x80, its delivery cut: ai_handle_intercepts copies it as it copies anything (no
 * filter on the event type). Exactly once only if the processor then advances past the INT
 * (softint-copy=advance); under rerun it runs twice (tests/test_strategies.c). */
static void coconut_cut_softint(void **state)
{
    (void)state;
    static const char *const hw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo soft:0x80", "hw vintr_ctrl +busy",
        "svsm efer -svme", "svsm event_inj soft:0x80", "svsm vintr_ctrl -busy",
        "svsm efer +svme", "hw event_inj 0", NULL};
    for (size_t i = 0; i < 3; i++)
        check(&(struct run){coconut_rows[i], HW, ADVANCE, CUT_SOFTINT, 0}, hw);
}

/* An exit with nothing in flight: no hypervisor of the three runs VMPL0 for it. */
static void coconut_plain_exit(void **state)
{
    (void)state;
    static const char *const want[] = {"hw exit_code VMEXIT_INTR", "hw exitintinfo 0", NULL};
    for (size_t i = 0; i < 3; i++) {
        check(&(struct run){coconut_rows[i], HW, ADVANCE, PLAIN_EXIT, 0}, want);
        check(&(struct run){coconut_rows[i], SW, ADVANCE, PLAIN_EXIT, 0}, want);
    }
}

/* OpenHCL's pass around a cut V_IRQ delivery (every exit goes to VTL2). */
static void openhcl_cut_interrupt(void **state)
{
    (void)state;
    static const char *const hw[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0",
        "svsm vintr_ctrl +busy",   /* run_vp_snp: guest_busy_bit_test_and_set */
        /* Alternate Injection block: EXITINTINFO.V clear, no write */
        "svsm vintr_ctrl =",       /* set_irq(false) after the exit */
        "svsm exit_code VMEXIT_INTR", /* set_guest_error_code(INTR), the end of exit handling */
        "svsm vintr_ctrl =",       /* poll_apic: set_irq(false) ("Clear any pending interrupt") */
        "svsm vintr_ctrl +virq:0x30", /* handle_interrupt */
        "svsm vintr_ctrl -busy",   /* run_vp_snp: set_guest_busy(false), then the run */
        "hw vintr_ctrl -virq",     /* the guest takes V_IRQ ... */
        "hw exit_code VMEXIT_NPF", "hw exitintinfo ext:0x30", /* ... and its delivery is cut */
        "hw vintr_ctrl +busy",
        "svsm vintr_ctrl =",       /* test-and-set finds BUSY set (a locked RMW still writes) */
        "svsm event_inj ext:0x30", /* an external interrupt: injected as found */
        "svsm exitintinfo 0",      /* "so that it is not examined again" */
        "svsm vintr_ctrl =", "svsm exit_code VMEXIT_INTR",
        "svsm vintr_ctrl =",       /* set_irq(false) after the exit and in poll_apic */
        "svsm vintr_ctrl -busy", "hw event_inj 0", NULL};
    static const char *const sw[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0", "svsm vintr_ctrl +busy",
        "svsm vintr_ctrl =", "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =",
        "svsm vintr_ctrl +virq:0x30",
        "svsm vintr_ctrl -busy", "hw vintr_ctrl -virq", "hw exit_code VMEXIT_NPF",
        "hw exitintinfo ext:0x30",
        "svsm vintr_ctrl +busy",   /* software premise: the test-and-set is what sets BUSY */
        "svsm event_inj ext:0x30", "svsm exitintinfo 0", "svsm vintr_ctrl =",
        "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =", "svsm vintr_ctrl -busy",
        "hw event_inj 0", NULL};
    check(&(struct run){"paravisor", HW, ADVANCE, CUT_INTERRUPT, 0}, hw);
    check(&(struct run){"paravisor", SW, ADVANCE, CUT_INTERRUPT, 0}, sw);
}

static void openhcl_cut_fault(void **state)
{
    (void)state;
    static const char *const hw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo exc:0x0e", "hw vintr_ctrl +busy",
        "svsm vintr_ctrl =", "svsm event_inj exc:0x0e", "svsm exitintinfo 0",
        "svsm vintr_ctrl =", "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =",
        "svsm vintr_ctrl -busy", "hw event_inj 0", NULL};
    static const char *const sw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo exc:0x0e", "svsm vintr_ctrl +busy",
        "svsm event_inj exc:0x0e", "svsm exitintinfo 0", "svsm vintr_ctrl =",
        "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =", "svsm vintr_ctrl -busy",
        "hw event_inj 0", NULL};
    check(&(struct run){"paravisor", HW, ADVANCE, CUT_FAULT, 0}, hw);
    check(&(struct run){"paravisor", SW, ADVANCE, CUT_FAULT, 0}, sw);
}

/* A cut INT 0x80 is not re-injected (SEV_INTR_TYPE_SW: None), EXITINTINFO is still cleared;
 * the guest re-executes the INT, whose second delivery is not cut: no EVENTINJ at all. */
static void openhcl_cut_softint(void **state)
{
    (void)state;
    static const char *const hw[] = {
        "hw exit_code VMEXIT_NPF", "hw exitintinfo soft:0x80", "hw vintr_ctrl +busy",
        "svsm vintr_ctrl =", "svsm exitintinfo 0", "svsm vintr_ctrl =",
        "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =", "svsm vintr_ctrl -busy", NULL};
    check(&(struct run){"paravisor", HW, ADVANCE, CUT_SOFTINT, 0}, hw);
}

static void openhcl_plain_exit(void **state)
{
    (void)state;
    static const char *const want[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0", "svsm vintr_ctrl +busy",
        "svsm vintr_ctrl =", "svsm exit_code VMEXIT_INTR", "svsm vintr_ctrl =",
        "svsm vintr_ctrl -busy", NULL};
    check(&(struct run){"paravisor", HW, ADVANCE, PLAIN_EXIT, 0}, want);
    check(&(struct run){"paravisor", SW, ADVANCE, PLAIN_EXIT, 0}, want);
}

/* The comparison tells a missing write apart: the code before svsm PR #881 (commit 6557794b
 * adds ai_handle_intercepts whole) neither copies EXITINTINFO nor clears BUSY. Under the
 * software premise BUSY is clear, the VMRUN succeeds and the interrupt is gone. */
static void mutant_pr881_differs_where_its_bug_is(void **state)
{
    (void)state;
    static const char *const want[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0", "svsm efer -svme",
        "svsm event_inj ext:0x30", "svsm efer +svme", "hw event_inj 0",
        "hw exit_code VMEXIT_NPF", "hw exitintinfo ext:0x30", "svsm efer -svme",
        "svsm efer +svme", NULL};
    check(&(struct run){"mutant-pr881", SW, ADVANCE, CUT_INTERRUPT, 1}, want);
}

/* ---- COCONUT's cancelled switch ----
 *
 * switch_to_vmpl (kernel/src/sev/ghcb.rs) cancels the switch to the guest when NoFurtherSignal
 * is set ("An aborted VMPL switch is treated as a successful switch"), and enter_guest's loop
 * then runs the exit processing again: ai_handle_intercepts copies EXITINTINFO, which COCONUT
 * never clears, into EVENTINJ a second time. Here 0x30 is cut, a post of 0x40 cancels the first
 * switch, a post of 0x50 the second: the second pass presented 0x40 through EVENTINJ, the third
 * copies the stale 0x30 over it, and check_delivered_interrupts rewinds 0x30 while 0x40 is on
 * top of the in-service stack: apic.rs rewind_pending_interrupt's assert fails. */
static struct {
    struct harness *h;
    unsigned leaving; /* SVSM_LEAVING points since the cut */
} cancel;

static void post_at_leaving(void *ctx, enum altinj_yield_point point)
{
    struct harness *h = ctx;
    if (point != ALTINJ_YIELD_SVSM_LEAVING || h->vcpu.c.busy_events == 0 || cancel.leaving >= 2)
        return;
    const uint8_t vector = cancel.leaving++ == 0 ? 0x40 : 0x50;
    assert_true(harness_post(h, vector, false));
    assert_true(altinj_hvdb_signal(h->hvdb)); /* the post's #HV: NoFurtherSignal set */
}

static void cancelled_switch_run(const char *row, struct harness *h, struct trace *t)
{
    const struct altinj_strategy *s = altinj_strategy_find(row);
    assert_non_null(s);
    assert_int_equal(harness_init_full(h, s, 16, HW, ADVANCE, 0.0), 0);
    assert_true(harness_run(h, 100));
    memset(&cancel, 0, sizeof cancel);
    h->vcpu.env.yield = post_at_leaving;
    const uint64_t efer0 = atomic_load_explicit(&h->vmsa->efer, memory_order_relaxed);
    const uint64_t vintr0 = atomic_load_explicit(&h->vmsa->vintr_ctrl, memory_order_relaxed);
    altinj_write_log_start(h->vmsa);
    assert_true(harness_post(h, 0x30, true));
    harness_kick(h);
    (void)harness_run(h, 100);
    altinj_write_log_stop();
    render(t, efer0, vintr0);
    dump(row, t);
    assert_int_equal(cancel.leaving, 2);
    assert_int_equal(h->vcpu.c.switches_cancelled, 2);
}

/* The index of the first token equal to `tok` at or after `from`; t->n if none. */
static size_t find_token(const struct trace *t, size_t from, const char *tok)
{
    while (from < t->n && strcmp(t->tok[from], tok) != 0)
        from++;
    return from;
}

static void coconut_cancelled_switch_copies_a_stale_event(void **state)
{
    (void)state;
    struct harness h;
    struct trace t;
    cancelled_switch_run("unconditional", &h, &t);
    static const char *const want[] = {
        "hw exit_code VMEXIT_INTR", "hw exitintinfo 0", "svsm efer -svme",
        "svsm event_inj ext:0x30", "svsm efer +svme", "hw event_inj 0",
        "hw exit_code VMEXIT_NPF", "hw exitintinfo ext:0x30", "hw vintr_ctrl +busy",
        "svsm efer -svme", "svsm event_inj ext:0x30", "svsm vintr_ctrl -busy",
        "svsm efer +svme",          /* the switch: cancelled by the post of 0x40 */
        "svsm efer -svme",
        "svsm event_inj ext:0x30",  /* ai_handle_intercepts again: the same, harmless */
        "svsm event_inj 0",         /* check_delivered_interrupts takes 0x30 back ... */
        "svsm event_inj ext:0x40",  /* ... and 0x40 goes in */
        "svsm efer +svme",          /* the switch: cancelled by the post of 0x50 */
        "svsm efer -svme",
        "svsm event_inj ext:0x30",  /* the stale 0x30 over 0x40 */
        "svsm event_inj 0",         /* cleared, then the assert fails: nothing more */
        NULL};
    expect_trace("unconditional, cancelled switches", &t, want);
    assert_true(h.vcpu.fatal);
    assert_non_null(strstr(h.vcpu.fatal_reason, "rewind_pending_interrupt"));
    assert_int_equal(h.vcpu.c.stale_copies, 2);
    harness_destroy(&h);
}

/* The proposed fix, EXITINTINFO cleared after the copy as OpenHCL does: the passes re-run after
 * the cancels copy nothing, and all three interrupts arrive once. */
static void coconut_cancelled_switch_with_exitintinfo_cleared(void **state)
{
    (void)state;
    struct harness h;
    struct trace t;
    cancelled_switch_run("exitintinfo+coconut-clear-eii", &h, &t);
    assert_true(find_token(&t, 0, "svsm exitintinfo 0") < t.n);
    assert_int_equal(h.vcpu.c.stale_copies, 0);
    expect_exactly_once(&h);
    harness_destroy(&h);
}

/* The recorder is really there (a test that could not fail otherwise). */
static void write_log_records(void **state)
{
    (void)state;
    assert_true(altinj_write_log_enabled());
    struct altinj_vmsa *vmsa = altinj_vmsa_alloc();
    assert_non_null(vmsa);
    altinj_write_log_start(vmsa);
    altinj_hw_vmexit(vmsa, ALTINJ_VMEXIT_HLT, true);
    altinj_write_log_stop();
    assert_int_equal(altinj_write_log_count(), 2);
    assert_int_equal(altinj_write_log_at(0)->field, ALTINJ_VF_EXIT_CODE);
    assert_int_equal(altinj_write_log_at(0)->value, ALTINJ_VMEXIT_HLT);
    assert_int_equal(altinj_write_log_at(1)->field, ALTINJ_VF_EXITINTINFO);
    altinj_vmsa_free(vmsa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_log_records),
        cmocka_unit_test(coconut_cut_interrupt),
        cmocka_unit_test(coconut_cut_fault),
        cmocka_unit_test(coconut_cut_softint),
        cmocka_unit_test(coconut_plain_exit),
        cmocka_unit_test(openhcl_cut_interrupt),
        cmocka_unit_test(openhcl_cut_fault),
        cmocka_unit_test(openhcl_cut_softint),
        cmocka_unit_test(openhcl_plain_exit),
        cmocka_unit_test(mutant_pr881_differs_where_its_bug_is),
        cmocka_unit_test(coconut_cancelled_switch_copies_a_stale_event),
        cmocka_unit_test(coconut_cancelled_switch_with_exitintinfo_cleared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
