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
 *                                 bm_busy_path.c). "limit_p50_ns" and "vs_limit" (ratio of
 *                                 the medians) come from it.
 *   Latency/busy_path/limit/<x>   each limit alone.
 *   Latency/doorbell/consume_pending  the doorbell consume with a posting pending (no limit).
 * Wall-timed (micro_groups.h): the reported time is the whole iteration's (setups, stamps,
 * consumes, the limit's op); the figures are the counters, "mean_ns" the mean of the samples.
 *
 * Resolution (micro_lat.h): one stamp pair per operation, because the setup and consume must
 * stay outside the stamps and cannot be batched away. These operations take 0.5-25 ns and the
 * clock steps every ~10 ns, so on such a clock their p50 and p99 are one or two steps: under
 * the 10-step rule they are left out ("invalid_pcts"), and so are "limit_p50_ns" and
 * "vs_limit" ("vs_limit_invalid" = 1); "max_ns" (a preemption, an interrupt) usually stays.
 * The figures for the operations themselves are the BusyPath and Doorbell/consume rows (blocks of
 * 1024-2048 operations per stamp pair). On a clock with a fine step every percentile shows.
 */
#include <stdlib.h>

#include "altinj_gbench.h"
#include "micro_busy_ops.h"
#include "micro_clock.h"
#include "micro_doorbell_ops.h"
#include "micro_groups.h"
#include "micro_lat.h"

typedef void (*lat_path_fn)(struct bp_ctx *c, struct altinj_vmsa *v, struct altinj_hvdb *d);

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

/* setup, stamp, op, stamp, consume, on the first page only: returns the stamped ticks. */
static inline uint64_t lat_one(struct bp_ctx *c, lat_path_fn path)
{
    bp_setup(c->signal, c->a, c->db);
    const uint64_t t0 = altinj_micro_now();
    path(c, c->a, c->db);
    const uint64_t t = altinj_micro_now() - t0;
    bp_consume(c, c->a, BP_EVENT);
    return t;
}

static void bm_latency_busy(altinj_gb_state *st, void *arg)
{
    const struct lat_variant *var = arg;
    struct bp_ctx ctx;
    struct altinj_micro_lat lim = {.ok = false}, meas = {.ok = false};
    if (!bp_alloc(&ctx, var->signal)) {
        altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    if (!altinj_micro_lat_init(&lim, st, 1) || !altinj_micro_lat_init(&meas, st, 1))
        goto out;
    while (altinj_gb_keep_running(st)) {
        if (var->limit)
            altinj_micro_lat_record(&lim, lat_one(&ctx, var->limit));
        altinj_micro_lat_record(&meas, lat_one(&ctx, var->path));
    }
    altinj_micro_lat_counters(st, &meas, "", 1.0);
    if (var->limit)
        altinj_micro_lat_limit_counters(st, &meas, &lim, 1.0);
    if (ctx.wrong != 0)
        altinj_gb_skip_with_error(st, "an event was not re-injected exactly once");
out:
    altinj_micro_lat_free(&lim);
    altinj_micro_lat_free(&meas);
    bp_free(&ctx);
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
    if (altinj_micro_lat_init(&meas, st, 1)) {
        while (altinj_gb_keep_running(st)) {
            db_post(ctx.db);
            const uint64_t t0 = altinj_micro_now();
            const uint64_t d = db_consume(&ctx);
            const uint64_t t = altinj_micro_now() - t0;
            ctx.wrong += d != DB_PENDING_DIGEST;
            altinj_micro_lat_record(&meas, t);
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
    /* Wall-timed (micro_groups.h): one stamped op of 1-25 ns in ~150 ns of setup, stamps,
     * consume and the limit's op. */
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_micro_wall_timed(
            altinj_gb_register(variants[i].name, bm_latency_busy, (void *)&variants[i]));
    altinj_micro_wall_timed(
        altinj_gb_register("Latency/doorbell/consume_pending", bm_latency_doorbell, NULL));
}
