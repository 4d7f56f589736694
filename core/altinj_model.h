/*
 * The model's switchable assumptions: where the sources are silent or disagree, the choice is
 * named here, printed with every result (JSON `assumptions`, the text table, the report) and
 * selectable on the command line, never hard-coded.
 */
#ifndef ALTINJ_MODEL_H
#define ALTINJ_MODEL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Who sets BUSY when a VMEXIT cuts an event delivery under Alternate Injection (DOMAIN.md
 * section 5, "the open premise").
 *   hardware: the processor leaves BUSY set (AMD's message in the seed thread, 2025-04-15:
 *             "the busy bit gets set in the guest's VMSA").
 *   software: the processor records EXITINTINFO and leaves BUSY alone; BUSY is only ever the
 *             software's mark (APM 15.36.16 as quoted in openvmm PR #1488; OpenHCL's comment in
 *             run_vp_snp, openvmm 1488a37b). A design that waits for VMEXIT_BUSY then never
 *             learns of the cut event, and the oracle reports it lost.
 */
enum altinj_busy_premise {
    ALTINJ_PREMISE_HARDWARE = 0,
    ALTINJ_PREMISE_SOFTWARE,
};

/*
 * What happens when an SVSM copies a cut software event (INTn, or INT3/INTO's #BP/#OF) from
 * EXITINTINFO into EVENTINJ, as COCONUT-SVSM's ai_handle_intercepts does (no filter, f4bc4bcd).
 *   rerun:   the injection does not advance RIP past the instruction, so after the handler
 *            returns the guest executes it again and the event is handled twice. For #BP/#OF
 *            injected as an exception (type 3) the pushed RIP is the instruction's own; for
 *            INTn (type 4) the processor takes the return address from NextRIP, which Linux
 *            says is "lost (cleared on VM-Exit) if the injection doesn't complete due to a
 *            VM-Exit occurring while the CPU is vectoring the event" and that "hardware will
 *            fail to advance guest RIP during event injection" without it (arch/x86/kvm/svm/
 *            svm.c, svm_update_soft_interrupt_rip). Default.
 *   advance: the processor returns past the instruction: handled once.
 * OpenHCL does not copy software events at all (run_vp_snp: the guest re-executes them), so
 * this choice matters only for rows with COCONUT's pass.
 */
enum altinj_softint_copy {
    ALTINJ_SOFTINT_COPY_RERUN = 0,
    ALTINJ_SOFTINT_COPY_ADVANCE,
};

struct altinj_model {
    enum altinj_busy_premise busy_premise;
    enum altinj_softint_copy softint_copy;
};

/* "hardware"/"software", "rerun"/"advance"; never NULL. */
const char *altinj_busy_premise_name(enum altinj_busy_premise p);
const char *altinj_softint_copy_name(enum altinj_softint_copy c);
/* Parses a name; 0, or -1 for an unknown one (*out untouched). */
int altinj_busy_premise_parse(const char *s, enum altinj_busy_premise *out);
int altinj_softint_copy_parse(const char *s, enum altinj_softint_copy *out);

/* One line per assumption for outputs, e.g. "busy-premise=hardware: the processor leaves BUSY
 * set when a VMEXIT cuts a delivery (AMD, seed thread)". Returns what snprintf would. */
int altinj_model_describe_premise(const struct altinj_model *m, char *buf, size_t len);
int altinj_model_describe_softint(const struct altinj_model *m, char *buf, size_t len);

#endif
