/*
 * The signalling strategies, as one table of operations: adding a strategy is adding a row in
 * altinj_strategies.c. Each row says what the hypervisor does after a guest exit (it sees only
 * the VMCB: the exit code and EXITINTINFO) and what the SVSM does on entry and before it
 * returns to the guest. What all rows share lives in altinj_vcpu.c: the doorbell consume, the
 * injection of pending events, and the VMEXIT_BUSY fallback (VMRUN fails, the hypervisor runs
 * VMPL0, which repairs), which every design needs because the hypervisor is untrusted.
 */
#ifndef ALTINJ_STRATEGY_H
#define ALTINJ_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>

#include "altinj_reentry.h"

struct altinj_vcpu;

/* Why the hypervisor ran VMPL0. */
enum altinj_svsm_reason {
    ALTINJ_SVSM_NONE = 0,
    ALTINJ_SVSM_DOORBELL,       /* events pending in the #HV doorbell page */
    ALTINJ_SVSM_WINDOW,         /* VINTR: the SVSM asked for an interrupt window */
    ALTINJ_SVSM_HVDB_FLAG,      /* option A: the hypervisor set the clear-BUSY flag */
    ALTINJ_SVSM_EXITINTINFO,    /* the hypervisor saw EXITINTINFO.V=1 */
    ALTINJ_SVSM_EVERY_EXIT,     /* paravisor: every exit goes to VMPL0 first */
    ALTINJ_SVSM_BUSY_FAILURE,   /* VMRUN failed with VMEXIT_BUSY */
};

struct altinj_strategy {
    const char *name;
    const char *summary;
    /* Hypervisor, after a guest exit: a reason to run VMPL0 before the next VMRUN, or NONE.
     * May write the doorbell page. */
    enum altinj_svsm_reason (*hv_after_exit)(struct altinj_vcpu *vcpu);
    /* SVSM, first thing on entry; NULL for nothing. */
    void (*svsm_on_entry)(struct altinj_vcpu *vcpu, enum altinj_svsm_reason why);
    /* SVSM, last thing before the guest is entered again; NULL for nothing. */
    void (*svsm_pre_entry)(struct altinj_vcpu *vcpu, enum altinj_svsm_reason why);
    /* What injecting a new event does when it finds the page BUSY. */
    enum altinj_busy_policy on_busy_inject;
};

/* The rows, in a stable order; altinj_strategy_count() of them. */
const struct altinj_strategy *altinj_strategy_at(size_t index);
size_t altinj_strategy_count(void);
/* Looks a strategy up by name; NULL if there is none. */
const struct altinj_strategy *altinj_strategy_find(const char *name);
const char *altinj_svsm_reason_name(enum altinj_svsm_reason why);

#endif
