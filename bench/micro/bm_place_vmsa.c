/*
 * Cache-line placement of the VMSA fields the BUSY path touches, when the page moves between
 * two CPUs: the SVSM repairs it on one CPU, the processor runs the guest and takes the next
 * interrupted-delivery exit on another (the partner thread plays the processor).
 *
 * One round trip, timed on the SVSM's CPU:
 *   SVSM:      OpenHCL's repair, the BUSY path that touches all four fields: take BUSY (locked
 *              OR, acquire: altinj_busy_test_and_set), move EXITINTINFO to EVENTINJ and clear
 *              EXITINTINFO (altinj_openhcl_reinject), clear BUSY with a load and a release
 *              store (altinj_busy_clear) - their memory operations, in their order and with
 *              their orders. COCONUT's pass touches the same lines but for the EXITINTINFO
 *              clear, plus EFER's line, which no layout here moves;
 *   processor: sees BUSY clear (acquire load), takes EVENTINJ (exchange), as altinj_hw_vmrun
 *              (its acquire of EFER is left out: OpenHCL never writes EFER, so that line
 *              stays shared in both caches and moves in no layout); then exits in delivery:
 *              exit code, EXITINTINFO, BUSY (release OR), as altinj_hw_vmexit_in_delivery
 *              under the hardware premise;
 *   SVSM:      sees BUSY set again.
 * The same code runs over three layouts of the four fields (VIntrCtrl, EXITINTINFO, EVENTINJ,
 * exit code), reached through pointers so that only the placement differs:
 *   Placement/vmsa/one_line    all four in one line (the limit: one line moves per hand-off)
 *   Placement/vmsa/real_split  struct altinj_vmsa itself: 0x380 line (EXITINTINFO, VIntrCtrl)
 *                              and 0x3C0 line (exit code, EVENTINJ) - the architectural layout
 *   Placement/vmsa/scattered   each on its own line (four lines move)
 * Each iteration runs a one-line round first and then the measured layout's round, VL_BATCH
 * times. p50/p99/max are per round trip (one stamp pair each, project histogram); a round trip
 * is 10+ clock steps, so they pass micro_lat.h's resolution rule, but coarsely (one step in
 * 11-70, and two medians often on the same step). "median_ns", "limit_ns" and "vs_limit" (the
 * ratio of those medians, same run) therefore come from the batches: the sum of VL_BATCH net
 * round-trip samples per layout, per round trip (altinj_micro_lat_record_net). "limit_p50_ns"
 * is the per-round one-line p50, beside "p50_ns".
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_gbench.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"
#include "micro_clock.h"
#include "micro_cpu.h"
#include "micro_groups.h"
#include "micro_lat.h"

#define VL_EVENT (ALTINJ_EVENT_V | UINT64_C(0x41))

struct vl_fields {
    _Atomic uint64_t *vintr, *exitintinfo, *event_inj, *exit_code;
};

struct vl_one_line {
    alignas(64) _Atomic uint64_t vintr;
    _Atomic uint64_t exitintinfo;
    _Atomic uint64_t event_inj;
    _Atomic uint64_t exit_code;
};

struct vl_scattered {
    alignas(64) _Atomic uint64_t vintr;
    alignas(64) _Atomic uint64_t exitintinfo;
    alignas(64) _Atomic uint64_t event_inj;
    alignas(64) _Atomic uint64_t exit_code;
};

struct vl_ctx {
    struct vl_one_line one;
    struct vl_scattered scattered;
    struct altinj_vmsa *vmsa;
    struct vl_fields lay[2];    /* [0] the limit (one line), [1] the measured layout */
    unsigned nlay;
    alignas(64) uint64_t wrong; /* partner-private until the join */
};

/* The page as a delivery-cut exit leaves it: BUSY, EXITINTINFO valid, EVENTINJ empty. */
static void vl_init(const struct vl_fields *f)
{
    /* relaxed: before the partner exists; its creation orders these. */
    atomic_store_explicit(f->exit_code, ALTINJ_VMEXIT_NPF, memory_order_relaxed);
    atomic_store_explicit(f->exitintinfo, VL_EVENT, memory_order_relaxed);
    atomic_store_explicit(f->event_inj, 0, memory_order_relaxed);
    atomic_store_explicit(f->vintr, ALTINJ_VINTR_BUSY, memory_order_relaxed);
}

static bool vl_processor(void *arg)
{
    struct vl_ctx *c = arg;
    bool did = false;
    for (unsigned k = 0; k < c->nlay; k++) {
        const struct vl_fields *f = &c->lay[k];
        /* acquire: pairs with the release store that clears BUSY in vl_svsm_round
         * (altinj_busy_clear). */
        if (altinj_vintr_busy(atomic_load_explicit(f->vintr, memory_order_acquire)))
            continue;
        /* relaxed: ordered by the acquire above, as in altinj_hw_vmrun. */
        const uint64_t inj = atomic_exchange_explicit(f->event_inj, 0, memory_order_relaxed);
        c->wrong += inj != VL_EVENT;
        /* The guest runs; the delivery is cut again (altinj_hw_vmexit_in_delivery). */
        atomic_store_explicit(f->exit_code, ALTINJ_VMEXIT_NPF, memory_order_relaxed);
        atomic_store_explicit(f->exitintinfo, inj, memory_order_relaxed);
        /* release: pairs with the acquire fetch_or and the acquire spin in vl_svsm_round. */
        atomic_fetch_or_explicit(f->vintr, ALTINJ_VINTR_BUSY, memory_order_release);
        did = true;
    }
    return did;
}

/* One hand-off round trip in ticks, or 0 on timeout. */
static uint64_t vl_svsm_round(const struct vl_fields *f)
{
    struct altinj_micro_spin sp;
    altinj_micro_spin_begin(&sp);
    const uint64_t t0 = altinj_micro_now();
    /* acquire: pairs with the processor's release fetch_or (altinj_busy_test_and_set). */
    atomic_fetch_or_explicit(f->vintr, ALTINJ_VINTR_BUSY, memory_order_acquire);
    /* relaxed: under BUSY (altinj_openhcl_reinject). */
    const uint64_t ev = atomic_load_explicit(f->exitintinfo, memory_order_relaxed);
    atomic_store_explicit(f->event_inj, ev, memory_order_relaxed);
    atomic_store_explicit(f->exitintinfo, 0, memory_order_relaxed);
    /* relaxed load: under BUSY nobody else writes VIntrCtrl. release store: pairs with the
     * processor's acquire load in vl_processor (altinj_busy_clear). */
    const uint64_t b = atomic_load_explicit(f->vintr, memory_order_relaxed);
    atomic_store_explicit(f->vintr, b & ~ALTINJ_VINTR_BUSY, memory_order_release);
    /* acquire: pairs with the processor's release fetch_or. */
    while (!altinj_vintr_busy(atomic_load_explicit(f->vintr, memory_order_acquire)))
        if (!altinj_micro_spin_on(&sp))
            return 0;
    return altinj_micro_now() - t0;
}

static struct vl_fields fields_one(struct vl_one_line *l)
{
    return (struct vl_fields){&l->vintr, &l->exitintinfo, &l->event_inj, &l->exit_code};
}

static struct vl_fields fields_scattered(struct vl_scattered *l)
{
    return (struct vl_fields){&l->vintr, &l->exitintinfo, &l->event_inj, &l->exit_code};
}

static struct vl_fields fields_real(struct altinj_vmsa *v)
{
    return (struct vl_fields){&v->vintr_ctrl, &v->guest_exitintinfo, &v->event_inj,
                              &v->guest_exit_code};
}

enum vl_layout { VL_ONE_LINE, VL_REAL, VL_SCATTERED };

#define VL_BATCH 16u /* round pairs per batch sample */

static void bm_place_vmsa(altinj_gb_state *st, void *arg)
{
    const enum vl_layout layout = (enum vl_layout)(uintptr_t)arg;
    struct vl_ctx *c = aligned_alloc(64, sizeof *c);
    struct altinj_micro_lat lim = {.ok = false}, meas = {.ok = false};
    struct altinj_micro_lat limb = {.ok = false}, measb = {.ok = false};
    struct altinj_micro_partner partner = {.started = false};
    cpu_set_t saved;
    bool pinned = false;
    if (!c || !(c->vmsa = altinj_vmsa_alloc()) || !altinj_micro_lat_init(&lim, st, 1) ||
        !altinj_micro_lat_init(&meas, st, 1) || !altinj_micro_lat_init(&limb, st, VL_BATCH) ||
        !altinj_micro_lat_init(&measb, st, VL_BATCH)) {
        if (!altinj_gb_error_occurred(st))
            altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    c->lay[0] = fields_one(&c->one);
    c->nlay = 1;
    if (layout == VL_REAL)
        c->lay[c->nlay++] = fields_real(c->vmsa);
    else if (layout == VL_SCATTERED)
        c->lay[c->nlay++] = fields_scattered(&c->scattered);
    c->wrong = 0;
    for (unsigned k = 0; k < c->nlay; k++)
        vl_init(&c->lay[k]);
    pinned = altinj_micro_pin(altinj_micro_cpus()->main_cpu, &saved) == 0;
    if (altinj_micro_partner_start(&partner, vl_processor, c) != 0) {
        altinj_gb_skip_with_error(st, "cannot start the partner thread");
        goto out;
    }
    if (altinj_micro_cpus()->n < 2)
        altinj_gb_set_label(st, "single-cpu: scheduler-bound, not a cache transfer");
    altinj_gb_counter(st, "cpus", altinj_micro_cpus()->n, ALTINJ_GB_COUNTER_DEFAULT);

    uint64_t timeouts = 0;
    const uint64_t o = altinj_micro_clock.stamp_overhead;
    while (altinj_gb_keep_running_batch(st, VL_BATCH)) {
        /* Sums of net samples; a batch with a timeout in it is not a sample. */
        uint64_t sum_l = 0, sum_m = 0;
        unsigned lost = 0;
        for (unsigned k = 0; k < VL_BATCH; k++) {
            const uint64_t l = vl_svsm_round(&c->lay[0]);
            if (l)
                altinj_micro_lat_record(&lim, l);
            else
                lost++;
            sum_l += l > o ? l - o : 0;
            if (c->nlay > 1) {
                const uint64_t m = vl_svsm_round(&c->lay[1]);
                if (m)
                    altinj_micro_lat_record(&meas, m);
                else
                    lost++;
                sum_m += m > o ? m - o : 0;
            }
        }
        timeouts += lost;
        if (!lost) {
            altinj_micro_lat_record_net(&limb, sum_l);
            if (c->nlay > 1)
                altinj_micro_lat_record_net(&measb, sum_m);
        }
    }
    altinj_micro_partner_stop(&partner); /* the join orders c->wrong */
    altinj_gb_counter(st, "timeouts", (double)timeouts, ALTINJ_GB_COUNTER_DEFAULT);
    if (c->nlay == 1) {
        altinj_micro_lat_counters(st, &lim, "", 1.0);
        altinj_micro_lat_ratio_counters(st, &lim, NULL, &limb, NULL, 1.0);
    } else {
        altinj_micro_lat_counters(st, &meas, "", 1.0);
        altinj_micro_lat_ratio_counters(st, &meas, &lim, &measb, &limb, 1.0);
    }
    /* After a timeout the two sides can disagree for a round (the counter says so); without
     * one, a wrong event is a real failure of the protocol as written here. */
    if (c->wrong && timeouts == 0)
        altinj_gb_skip_with_error(st, "the processor took an event that was not re-injected");
out:
    altinj_micro_partner_stop(&partner);
    if (pinned)
        altinj_micro_unpin(&saved);
    altinj_micro_lat_free(&lim);
    altinj_micro_lat_free(&meas);
    altinj_micro_lat_free(&limb);
    altinj_micro_lat_free(&measb);
    if (c)
        altinj_vmsa_free(c->vmsa);
    free(c);
}

void altinj_micro_register_place_vmsa(void)
{
    /* Wall-timed (micro_groups.h): the one-line rounds beside the measured layout's take as
     * long again. */
    altinj_micro_wall_timed(altinj_gb_register("Placement/vmsa/one_line", bm_place_vmsa,
                                               (void *)(uintptr_t)VL_ONE_LINE));
    altinj_micro_wall_timed(altinj_gb_register("Placement/vmsa/real_split", bm_place_vmsa,
                                               (void *)(uintptr_t)VL_REAL));
    altinj_micro_wall_timed(altinj_gb_register("Placement/vmsa/scattered", bm_place_vmsa,
                                               (void *)(uintptr_t)VL_SCATTERED));
}
