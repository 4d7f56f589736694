/*
 * Cross-CPU signalling: how long the hvdb-flag signal takes from the hypervisor's write on one
 * CPU to the SVSM's observation on another, beside a raw cache-line ping-pong on the same two
 * CPUs (the limit: no signal between two CPUs can be faster than moving the line).
 *
 * The benchmark thread is pinned to the first usable CPU, a partner thread to the second.
 * One-way latency is half a round trip, so no cross-CPU clock comparison is needed. Each leg
 * is answered at the moment of observation, so a round trip is two observations:
 *   raw:        main stores seq to `ping` -> partner sees it, stores it to `pong` -> main sees
 *               it. Two plain stores and two spinning loads on two lines.
 *   hvdb-flag:  main altinj_hvdb_signal_clear_busy(ab) -> partner's altinj_hvdb_peek_clear_busy
 *               sees it and answers with altinj_hvdb_signal_clear_busy on a second page (ba) ->
 *               main's peek sees that.
 * Then, outside the timed window, each side consumes what it observed as the SVSM would (clear
 * before process: altinj_hvdb_take_clear_busy, then altinj_hvdb_take_events), and main waits
 * for the partner to report its round finished (`done`) before the next round. So the consumes
 * are not timed, but their effect is: they leave the lines where a real consume leaves them,
 * and the next signal has to fetch them back. The `done` hand-shake also keeps one round's
 * trailing work out of the next round (without it, the partner's consume of a doorbell round
 * delays its answer to the raw round that follows, and the limit comes out 3x too slow).
 * The partner polls both kinds in every turn of its loop, in every benchmark here, so its loop
 * is the same whichever is being timed.
 *
 * Figures: p50/p99/max are per round trip (one stamp pair each, halved: one way); a round trip
 * here is 10+ clock steps, so they pass the resolution rule of micro_lat.h, but at 1 step in
 * 11-50 their medians are coarse, and two of them often fall on the same step (vs_limit
 * exactly 1). So "median_ns", "limit_ns" and "vs_limit" come from batches instead: the sum of
 * a batch's XC_BATCH net round-trip samples, per round trip (micro_lat.h:
 * altinj_micro_lat_record_net), whose median resolves a small fraction of a step.
 * "limit_p50_ns" is the per-round raw p50, beside "p50_ns".
 *
 * Robustness: every wait is bounded (250 ms, micro_cpu.h). A late answer cannot be taken for
 * the next one in the raw protocol (sequence numbers); after a timeout the doorbell protocol
 * may misattribute one round (its flag carries no sequence), which the "timeouts" counter
 * exposes. A descheduled partner shows up as a large sample in max_ns, not as a hang.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "altinj_doorbell.h"
#include "altinj_gbench.h"
#include "micro_clock.h"
#include "micro_cpu.h"
#include "micro_groups.h"
#include "micro_lat.h"
#include "micro_perf.h"

struct xc_ctx {
    alignas(64) _Atomic uint64_t ping;   /* main -> partner */
    alignas(64) _Atomic uint64_t pong;   /* partner -> main */
    alignas(64) _Atomic uint64_t done;   /* partner -> main: rounds finished */
    alignas(64) uint64_t partner_seen;   /* partner-private */
    struct altinj_hvdb *ab;              /* hypervisor (main) -> SVSM (partner) */
    struct altinj_hvdb *ba;              /* and back */
};

static bool xc_partner_step(void *arg)
{
    struct xc_ctx *x = arg;
    bool did = false;
    /* acquire: pairs with main's release store of ping in raw_round. */
    const uint64_t s = atomic_load_explicit(&x->ping, memory_order_acquire);
    if (s != x->partner_seen) {
        x->partner_seen = s;
        /* release: pairs with main's acquire load of pong in raw_round. */
        atomic_store_explicit(&x->pong, s, memory_order_release);
        did = true;
    }
    if (altinj_hvdb_peek_clear_busy(x->ab, ALTINJ_GUEST_VMPL)) {
        altinj_hvdb_signal_clear_busy(x->ba, ALTINJ_GUEST_VMPL); /* answer on observation */
        (void)altinj_hvdb_take_clear_busy(x->ab, ALTINJ_GUEST_VMPL);
        (void)altinj_hvdb_take_events(x->ab);
        did = true;
    }
    if (did)
        /* release: pairs with the acquire load in wait_done; publishes the consumes above. */
        atomic_fetch_add_explicit(&x->done, 1, memory_order_release);
    return did;
}

/* Untimed: until the partner has finished the round that started when done read `before`. */
static bool wait_done(struct xc_ctx *x, uint64_t before)
{
    struct altinj_micro_spin sp;
    altinj_micro_spin_begin(&sp);
    /* acquire: pairs with the release fetch_add in xc_partner_step. */
    while (atomic_load_explicit(&x->done, memory_order_acquire) == before)
        if (!altinj_micro_spin_on(&sp))
            return false;
    return true;
}

/* One raw round trip in ticks, or 0 on timeout. */
static uint64_t raw_round(struct xc_ctx *x, uint64_t seq)
{
    struct altinj_micro_spin sp;
    altinj_micro_spin_begin(&sp);
    /* relaxed: only compared with itself, in wait_done. */
    const uint64_t before = atomic_load_explicit(&x->done, memory_order_relaxed);
    const uint64_t t0 = altinj_micro_now();
    /* release: pairs with the partner's acquire load of ping. */
    atomic_store_explicit(&x->ping, seq, memory_order_release);
    /* acquire: pairs with the partner's release store of pong. */
    while (atomic_load_explicit(&x->pong, memory_order_acquire) != seq)
        if (!altinj_micro_spin_on(&sp))
            return 0;
    const uint64_t t = altinj_micro_now() - t0;
    return wait_done(x, before) ? t : 0;
}

/* One doorbell round trip in ticks, or 0 on timeout. */
static uint64_t hvdb_round(struct xc_ctx *x)
{
    struct altinj_micro_spin sp;
    altinj_micro_spin_begin(&sp);
    /* relaxed: only compared with itself, in wait_done. */
    const uint64_t before = atomic_load_explicit(&x->done, memory_order_relaxed);
    const uint64_t t0 = altinj_micro_now();
    altinj_hvdb_signal_clear_busy(x->ab, ALTINJ_GUEST_VMPL);
    while (!altinj_hvdb_peek_clear_busy(x->ba, ALTINJ_GUEST_VMPL))
        if (!altinj_micro_spin_on(&sp))
            return 0;
    const uint64_t t = altinj_micro_now() - t0;
    (void)altinj_hvdb_take_clear_busy(x->ba, ALTINJ_GUEST_VMPL);
    (void)altinj_hvdb_take_events(x->ba);
    return wait_done(x, before) ? t : 0;
}

#define XC_BATCH 32u /* rounds of one kind in a row */

static void label_cpus(altinj_gb_state *st)
{
    const struct altinj_micro_cpus *c = altinj_micro_cpus();
    char label[64];
    if (c->n < 2)
        snprintf(label, sizeof label, "single-cpu %d: scheduler-bound, not a cache transfer",
                 c->main_cpu);
    else
        snprintf(label, sizeof label, "cpus %d<->%d", c->main_cpu, c->partner_cpu);
    altinj_gb_set_label(st, label);
    altinj_gb_counter(st, "cpus", c->n, ALTINJ_GB_COUNTER_DEFAULT);
}

static void bm_crosscpu(altinj_gb_state *st, void *arg)
{
    const bool with_hvdb = arg != NULL;
    struct xc_ctx *x = aligned_alloc(64, sizeof *x);
    /* Per round (the tails) and per batch (the medians and the ratio: micro_lat.h). */
    struct altinj_micro_lat raw = {.ok = false}, db = {.ok = false};
    struct altinj_micro_lat rawb = {.ok = false}, dbb = {.ok = false};
    struct altinj_micro_partner partner = {.started = false};
    cpu_set_t saved;
    CPU_ZERO(&saved);
    bool pinned = false;
    if (!x) {
        altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    /* relaxed: before the partner exists; its creation orders these. */
    atomic_store_explicit(&x->ping, 0, memory_order_relaxed);
    atomic_store_explicit(&x->pong, 0, memory_order_relaxed);
    atomic_store_explicit(&x->done, 0, memory_order_relaxed);
    x->partner_seen = 0;
    x->ab = altinj_hvdb_alloc();
    x->ba = altinj_hvdb_alloc();
    if (!x->ab || !x->ba || !altinj_micro_lat_init(&raw, st, 1) ||
        !altinj_micro_lat_init(&db, st, 1) || !altinj_micro_lat_init(&rawb, st, XC_BATCH) ||
        !altinj_micro_lat_init(&dbb, st, XC_BATCH)) {
        if (!altinj_gb_error_occurred(st))
            altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    pinned = altinj_micro_pin(altinj_micro_cpus()->main_cpu, &saved) == 0;
    if (altinj_micro_partner_start(&partner, xc_partner_step, x) != 0) {
        altinj_gb_skip_with_error(st, "cannot start the partner thread");
        goto out;
    }
    label_cpus(st);

    uint64_t seq = 0, timeouts = 0, sum_raw = 0, sum_db = 0;
    struct altinj_micro_perf run;
    altinj_micro_perf_begin(&run);
    /* Rounds come in batches: XC_BATCH raw rounds (the limit, first), then XC_BATCH doorbell
     * rounds, every iteration. Batches rather than alternating single rounds, so that each
     * protocol runs in its own steady state, while a drift of the machine still lands on both
     * within one iteration. Alternating every round measured each one just after the other
     * had disturbed the lines and the predictors: on quiet runs it gave 1.22-1.43x for the
     * doorbell, where batches give 0.80-1.18x and a standalone phase-by-phase program gave
     * 1.0-1.2x. */
    const uint64_t o = altinj_micro_clock.stamp_overhead;
    while (altinj_gb_keep_running_batch(st, XC_BATCH)) {
        /* Sums of the rounds' net samples; a batch with a timeout in it is not a sample. */
        uint64_t batch_raw = 0, batch_db = 0;
        unsigned lost_raw = 0, lost_db = 0;
        for (unsigned k = 0; k < XC_BATCH; k++) {
            const uint64_t r = raw_round(x, ++seq);
            if (r == 0)
                lost_raw++;
            else
                altinj_micro_lat_record(&raw, r);
            batch_raw += r > o ? r - o : 0;
        }
        timeouts += lost_raw;
        if (!lost_raw)
            altinj_micro_lat_record_net(&rawb, batch_raw);
        if (!with_hvdb)
            continue;
        for (unsigned k = 0; k < XC_BATCH; k++) {
            const uint64_t d = hvdb_round(x);
            if (d == 0)
                lost_db++;
            else
                altinj_micro_lat_record(&db, d);
            batch_db += d > o ? d - o : 0;
        }
        timeouts += lost_db;
        if (!lost_db)
            altinj_micro_lat_record_net(&dbb, batch_db);
        sum_raw += batch_raw;
        sum_db += batch_db;
    }
    struct altinj_perf_sample s;
    if (altinj_micro_perf_end(&run, &s))
        altinj_micro_perf_run_counters(st, &run, &s);

    altinj_gb_counter(st, "timeouts", (double)timeouts, ALTINJ_GB_COUNTER_DEFAULT);
    if (!with_hvdb) {
        altinj_micro_lat_counters(st, &raw, "", 0.5);
        altinj_micro_lat_ratio_counters(st, &raw, NULL, &rawb, NULL, 0.5);
    } else {
        altinj_micro_lat_counters(st, &db, "", 0.5);
        altinj_micro_lat_ratio_counters(st, &db, &raw, &dbb, &rawb, 0.5);
        if (sum_raw > 0)
            altinj_gb_counter(st, "vs_limit_mean", (double)sum_db / (double)sum_raw,
                              ALTINJ_GB_COUNTER_DEFAULT);
    }
out:
    altinj_micro_partner_stop(&partner);
    if (pinned)
        altinj_micro_unpin(&saved);
    altinj_micro_lat_free(&raw);
    altinj_micro_lat_free(&db);
    altinj_micro_lat_free(&rawb);
    altinj_micro_lat_free(&dbb);
    if (x) {
        altinj_hvdb_free(x->ab);
        altinj_hvdb_free(x->ba);
        free(x);
    }
}

void altinj_micro_register_crosscpu(void)
{
    static const int hvdb = 1;
    /* Wall-timed (micro_groups.h): the figures are one way of one protocol's round trips; the
     * other half, the other protocol's rounds and the untimed hand-shakes take the rest. */
    altinj_micro_wall_timed(altinj_gb_register("CrossCpu/limit/ping_pong_raw", bm_crosscpu, NULL));
    altinj_micro_wall_timed(
        altinj_gb_register("CrossCpu/hvdb-flag/signal", bm_crosscpu, (void *)&hvdb));
}
