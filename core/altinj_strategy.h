/*
 * The strategy rows: a hypervisor policy and an SVSM policy (altinj_policy.h) composed.
 *
 * Named rows (each follows the source it names; the same text is in `--help` and in every JSON
 * run as `source`):
 *   reactive       never       + coconut    the seed thread's reply by Jon Lange: the hypervisor
 *                                            never looks and runs VMPL0 on VMEXIT_BUSY; the SVSM
 *                                            re-injects from EXITINTINFO and clears BUSY on every
 *                                            pass before it re-enters the guest (COCONUT's pass,
 *                                            which is that SVSM half as shipped)
 *   hvdb-flag      flag        + flag-only  option A of the seed thread, with the model's
 *                                            proposed flag encoding (altinj_doorbell.h)
 *   unconditional  exitintinfo + coconut    COCONUT-SVSM as it ships (f4bc4bcd) under the
 *                                            hypervisor AMD proposed (runs VMPL0 when
 *                                            EXITINTINFO.V=1): option B
 *   paravisor      every-exit  + openhcl    OpenHCL as it ships (openvmm 1488a37b)
 * Any other pairing is the row `HV+SVSM` (altinj_strategy_find).
 *
 * Test-only mutant rows, each a real or documented bug that the oracle (live and sim) and the
 * spin model must catch (tests/test_mutants.c, scripts/model-check):
 *   mutant-pr881               exitintinfo + coconut before ai_handle_intercepts existed (svsm
 *                              PR #881, commit 6557794b: "Make sure interrupts do not
 *                              disappear"): no copy, no BUSY clear; hardware premise: every
 *                              VMRUN of the BUSY VMSA fails (panic); software premise: the cut
 *                              interrupt is lost and its vector stays in service
 *   mutant-pr1064              exitintinfo + coconut whose guest VMSA has VGIF clear (svsm PR
 *                              #1064): a queued V_IRQ is never taken (needs masked=)
 *   mutant-trust-flag          flag + flag-only that trusts the flag instead of the page: on the
 *                              flag it re-injects the interrupt it last presented and clears
 *                              BUSY without reading EXITINTINFO; a lying flag (faults
 *                              flag-no-busy) duplicates an interrupt
 *   mutant-process-before-clear exitintinfo + coconut whose #HV handler clears NoFurtherSignal
 *                              after the doorbell was processed, not before: a post landing in
 *                              between sends no kick, and waits for an unrelated exit or a
 *                              later post (lost if none comes: the spin model's
 *                              PROCESS_BEFORE_CLEAR)
 */
#ifndef ALTINJ_STRATEGY_H
#define ALTINJ_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>

#include "altinj_policy.h"

struct altinj_strategy {
    const char *name;
    const char *summary;
    const char *source;    /* repository, commit, file and function it follows */
    const struct altinj_hv_policy *hv;
    const struct altinj_svsm_policy *svsm;
    bool mutant;
    /* Mutants only: the verdict the oracle must reach, and what the run needs for it. */
    const char *expect;
    const char *needs;
};

/* The four named rows, in a stable order (reactive, hvdb-flag, unconditional, paravisor). */
size_t altinj_strategy_count(void);
const struct altinj_strategy *altinj_strategy_at(size_t index);

/* The test-only mutant rows. */
size_t altinj_mutant_count(void);
const struct altinj_strategy *altinj_mutant_at(size_t index);

/* The row's source: its own for named rows and mutants; for a composition, its two policies'
 * ("hypervisor: ...; SVSM: ..."). Returns what snprintf would. */
int altinj_strategy_describe_source(const struct altinj_strategy *s, char *buf, size_t len);

/* A pairing known to fail for a reason outside the design question, in a sentence for the
 * user (the run prints it before it starts), or NULL. OpenHCL's VMSA leaves VGIF clear and
 * presents interrupts only through V_IRQ; a hypervisor that enables virtual GIF, as KVM does,
 * never lets the guest take one. */
const char *altinj_strategy_caveat(const struct altinj_strategy *s);

/* A named row, a mutant, or "HV+SVSM" with a hypervisor and a non-mutant SVSM policy name;
 * NULL if there is none. Compositions are static rows of their own name, even when they pair
 * the same policies as a named row. */
const struct altinj_strategy *altinj_strategy_find(const char *name);

#endif
