/*
 * Each strategy row's SVSM pass on the guest VMSA, as core/altinj_policy_svsm.c orders the
 * inline primitives of core/altinj_reentry.h, so that PreEntry (bm_preentry.c), BusyPath
 * (bm_busy_path.c) and Latency (bm_latency.c) time the instructions the rows run, on the common
 * path and on a cut delivery alike:
 *   row_coconut_pass  reactive and unconditional (the `coconut` SVSM policy): vmsa.disable
 *                     (altinj_svme_disable), ai_handle_intercepts (altinj_ai_handle_intercepts:
 *                     EXITINTINFO.V -> EVENTINJ, BUSY -> plain clear), vmsa.enable
 *                     (altinj_svme_enable, release).
 *   row_flag_pass     hvdb-flag (`flag-only`): the same SVME pair, and ai_handle_intercepts only
 *                     when the doorbell flag is seen by the relaxed peek
 *                     (altinj_hvdb_peek_clear_busy) and then taken by the locked fetch_and
 *                     (altinj_hvdb_take_clear_busy).
 *   row_openhcl_pass  paravisor (`openhcl`): altinj_busy_test_and_set (locked, acquire) after the
 *                     exit, altinj_openhcl_reinject, altinj_busy_clear (release) before entry.
 * Left out, because every row of a family shares them and other benchmarks time them: the
 * guest's request (an exit code compare), the doorbell consume (the Doorbell/consume group) and
 * the APIC presentation, which on these paths has nothing to present. For COCONUT that leaves
 * no VMSA write out; OpenHCL's APIC side does write on every pass even then: set_irq(false)
 * after the exit and again in poll_apic, two plain load + store pairs of VIntrCtrl
 * (altinj_apic_openhcl_after_exit, altinj_apic_openhcl_poll) that row_openhcl_pass does not
 * time, so the paravisor rows here are two plain stores short of OpenHCL's pass. The memory
 * orders are the primitives' own; their pairings are stated in altinj_reentry.h.
 *
 * Each returns a digest of what the pass found, made of values it already holds: the results
 * the policy turns into counters (altinj_vcpu_note_reinjection, guest_busy, left_to_guest,
 * hvdb_flags_seen) and, for COCONUT, the EXITINTINFO it read. Keeping them alive keeps the
 * tests that produce them, at two or three ALU instructions; anything more would be the
 * benchmark's cost, not the row's (on the common path the throughput loops are bound by the
 * instructions issued). What the digest depends on is also what a chained op waits for
 * (bm_preentry.c): EXITINTINFO's load for COCONUT, the test-and-set for OpenHCL, and for
 * hvdb-flag nothing but predicted branches (its peek decides a branch, as in the policy).
 */
#ifndef ALTINJ_MICRO_ROWS_H
#define ALTINJ_MICRO_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_doorbell.h"
#include "altinj_reentry.h"
#include "altinj_vmsa.h"

static inline uint64_t row_ai_digest(const struct altinj_ai_result *r)
{
    return r->exitintinfo ^ ((uint64_t)r->copied | (uint64_t)r->was_busy << 1);
}

/* coconut_on_entry + coconut_pre_entry, VMSA steps only. */
static inline uint64_t row_coconut_pass(struct altinj_vmsa *v)
{
    altinj_svme_disable(v);
    const struct altinj_ai_result r = altinj_ai_handle_intercepts(v);
    altinj_svme_enable(v);
    return row_ai_digest(&r);
}

/* flag_only_on_entry (take_flag) + coconut_pre_entry, VMSA and doorbell steps only. */
static inline uint64_t row_flag_pass(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    uint64_t d = 0;
    altinj_svme_disable(v);
    if (altinj_hvdb_peek_clear_busy(db, ALTINJ_GUEST_VMPL) &&
        altinj_hvdb_take_clear_busy(db, ALTINJ_GUEST_VMPL)) {
        const struct altinj_ai_result r = altinj_ai_handle_intercepts(v);
        d = row_ai_digest(&r) | UINT64_C(1) << 2;
    }
    altinj_svme_enable(v);
    return d;
}

/* openhcl_on_entry + openhcl_pre_entry, VMSA steps only. */
static inline uint64_t row_openhcl_pass(struct altinj_vmsa *v)
{
    const bool was_busy = altinj_busy_test_and_set(v);
    const enum altinj_openhcl_reinject how = altinj_openhcl_reinject(v);
    altinj_busy_clear(v);
    return (uint64_t)was_busy | (uint64_t)how << 1;
}

#endif
