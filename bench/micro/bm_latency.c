/*
 * Per-operation latency distributions where the mean hides them: each operation is stamped on
 * its own (ordered TSC reads), its setup and consume outside the stamps, and recorded into the
 * project histogram (core/altinj_hist.h); p50/p99/max are user counters. Samples are net of the
 * minimum stamp overhead ("stamp_overhead_ns", micro_lat.h), so p50 near the throughput figure
 * is expected, and the tail (p99, max) is the point: interrupts, preemption and cache misses
 * that a mean over millions of operations averages away.
 *
 *   Latency/busy_path/<strategy>  the repairs of bm_busy_path.c (micro_busy_ops.h; reactive
 *                                 includes its failed VMRUN), each with its own limit stamped the
 *                                 same way in the same iteration (first): COCONUT's
 *                                 svme_pair_copy_clear for reactive and unconditional,
 *                                 locked_take_svme_pair_copy_clear for hvdb-flag,
 *                                 locked_rmw_2stores_release for paravisor (why each is a floor:
 *                                 bm_busy_path.c). "limit_p50_ns" (also as "limit_ns", the
 *                                 figure the ratio was computed from) and "vs_limit" (ratio of
 *                                 medians) come from it.
 *   Latency/busy_path/limit/<x>   each limit alone.
 *   Latency/doorbell/consume_pending  the doorbell consume with a posting pending (no limit).
 * Manual time is the measured operation's own stamped time, so the reported mean is the mean of
 * the same samples.
 */
#include <stdlib.h>

#include "altinj_gbench.h"
#include "micro_busy_ops.h"
#include "micro_clock.h"
#include "micro_doorbell_ops.h"
#include "micro_groups.h"
#include "micro_lat.h"

typedef void (*lat_path_fn)(struct bp_ctx *c);

struct lat_variant {
    const char *name;
    lat_path_fn path;
    lat_path_fn limit; /* NULL for the limits themselves */
    bool signal;
};

static const struct lat_variant variants[] = {
    {"Latency/busy_path/limit/svme_pair_copy_clear", path_limit_coconut, NULL, false},
    {"Latency/busy_path/limit/locked_take_svme_pair_copy_clear", path_limit_flag, NULL, true},
    {"Latency/busy_path/limit/locked_rmw_2stores_release", path_limit_openhcl, NULL, false},
    {"Latency/busy_path/reactive", path_reactive, path_limit_coconut, false},
    {"Latency/busy_path/hvdb-flag", path_hvdb_flag, path_limit_flag, true},
    {"Latency/busy_path/unconditional", path_unconditional, path_limit_coconut, false},
    {"Latency/busy_path/paravisor", path_paravisor, path_limit_openhcl, false},
};

/* setup, stamp, op, stamp, consume: returns the stamped ticks. */
static inline uint64_t lat_one(struct bp_ctx *c, lat_path_fn path)
{
    bp_setup(c);
    const uint64_t t0 = altinj_micro_now();
    path(c);
    const uint64_t t = altinj_micro_now() - t0;
    bp_consume(c, c->a, BP_EVENT);
    return t;
}

static void bm_latency_busy(altinj_gb_state *st, void *arg)
{
    const struct lat_variant *var = arg;
    struct bp_ctx ctx = {altinj_vmsa_alloc(), altinj_vmsa_alloc(), altinj_hvdb_alloc(),
                         var->signal, 0};
    struct altinj_micro_lat lim = {.ok = false}, meas = {.ok = false};
    if (!ctx.a || !ctx.b || !ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    bp_init_pages(&ctx);
    if (!altinj_micro_lat_init(&lim, st) || !altinj_micro_lat_init(&meas, st))
        goto out;
    while (altinj_gb_keep_running(st)) {
        if (var->limit)
            altinj_micro_lat_record(&lim, lat_one(&ctx, var->limit));
        const uint64_t t = lat_one(&ctx, var->path);
        altinj_micro_lat_record(&meas, t);
        const uint64_t o = altinj_micro_clock.stamp_overhead;
        altinj_gb_set_iteration_time(st, altinj_micro_ticks_s(t > o ? (double)(t - o) : 0.0));
    }
    altinj_micro_lat_counters(st, &meas, "", 1.0);
    if (var->limit) {
        const double lp50 = altinj_micro_lat_ns(&lim, 50, 1.0);
        altinj_gb_counter(st, "limit_p50_ns", lp50, ALTINJ_GB_COUNTER_DEFAULT);
        /* The same figure under the name the merge tool reads as this row's own limit
         * (bench/runner/altinj_merge_micro.c): the rows here have three different limits, so
         * a family-wide sibling would be the wrong one for some. */
        altinj_gb_counter(st, "limit_ns", lp50, ALTINJ_GB_COUNTER_DEFAULT);
        if (lp50 > 0)
            altinj_gb_counter(st, "vs_limit", altinj_micro_lat_ns(&meas, 50, 1.0) / lp50,
                              ALTINJ_GB_COUNTER_DEFAULT);
    }
    if (ctx.wrong != 0)
        altinj_gb_skip_with_error(st, "an event was not re-injected exactly once");
out:
    altinj_micro_lat_free(&lim);
    altinj_micro_lat_free(&meas);
    altinj_vmsa_free(ctx.a);
    altinj_vmsa_free(ctx.b);
    altinj_hvdb_free(ctx.db);
}

static void bm_latency_doorbell(altinj_gb_state *st, void *arg)
{
    (void)arg;
    struct db_ctx ctx = {altinj_hvdb_alloc(), 0, 0};
    struct altinj_micro_lat meas = {.ok = false};
    if (!ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
        return;
    }
    if (altinj_micro_lat_init(&meas, st)) {
        const uint64_t o = altinj_micro_clock.stamp_overhead;
        while (altinj_gb_keep_running(st)) {
            db_post(ctx.db);
            const uint64_t t0 = altinj_micro_now();
            const uint64_t d = db_consume(&ctx);
            const uint64_t t = altinj_micro_now() - t0;
            ctx.wrong += d != DB_PENDING_DIGEST;
            altinj_micro_lat_record(&meas, t);
            altinj_gb_set_iteration_time(st, altinj_micro_ticks_s(t > o ? (double)(t - o) : 0.0));
        }
        altinj_micro_lat_counters(st, &meas, "", 1.0);
        if (ctx.wrong != 0 || ctx.rejected != 0)
            altinj_gb_skip_with_error(st, "the consume did not take exactly what was posted");
    }
    altinj_micro_lat_free(&meas);
    altinj_hvdb_free(ctx.db);
}

void altinj_micro_register_latency(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_gb_use_manual_time(
            altinj_gb_register(variants[i].name, bm_latency_busy, (void *)&variants[i]));
    altinj_gb_use_manual_time(
        altinj_gb_register("Latency/doorbell/consume_pending", bm_latency_doorbell, NULL));
}
