/*
 * The full BUSY path per strategy: an exit interrupted a delivery (EXITINTINFO valid, BUSY
 * set), and the SVSM takes BUSY, re-injects, clears EXITINTINFO and releases, after which
 * VMRUN takes the event out of EVENTINJ exactly once.
 *
 * Each operation is:  setup (altinj_hw_vmexit_in_delivery, plus the hypervisor's doorbell
 * signal for hvdb-flag)  ->  the strategy's path  ->  consume (altinj_hw_vmrun, which must
 * return the event, checked).
 * Pausing the timer around setup would cost two clock reads per op (~50 ns), more than the
 * path, so the setup is not paused but subtracted: a setup-only baseline block (the same setup,
 * then VMRUN of a second, runnable page so the consume's instructions - acquire load and
 * exchange - are the same) runs interleaved with the others and is subtracted from both the
 * path and the limit (see micro_pair.h). "setup_ns" reports what was subtracted.
 *
 * The limit: what any correct repair must do, and no more: one uncontended locked RMW that
 * takes BUSY, the load of EXITINTINFO it must move, the two stores (EVENTINJ, EXITINTINFO = 0)
 * and the release of BUSY as a plain release store (legal for the single owner: while BUSY is
 * held neither the hardware nor the hypervisor may write VIntrCtrl).
 *
 * What each path measures (mirroring altinj_strategies.c and altinj_vcpu.c):
 *   reactive       the failed VMRUN (altinj_hw_vmrun returns VMEXIT_BUSY) and the fallback
 *                  altinj_reentry_repair the SVSM runs when told of it. World switches are
 *                  not modelled here: they are cost profiles elsewhere.
 *   hvdb-flag      altinj_hvdb_peek_clear_busy, altinj_hvdb_take_clear_busy, then
 *                  altinj_reentry_repair (the flag is never trusted alone).
 *   unconditional  altinj_reentry_repair_if_busy (peek, take, fixup, release).
 *   paravisor      altinj_busy_acquire, altinj_reentry_fixup, the pre-entry EXITINTINFO check
 *                  and altinj_busy_release.
 * And the injection of a new event into a clean page (what every strategy does to deliver):
 *   inject/back_off  altinj_reentry_inject with ALTINJ_BUSY_BACK_OFF (reactive's policy)
 *   inject/repair    altinj_reentry_inject with ALTINJ_BUSY_REPAIR (the others)
 * whose limit is the same minus the EXITINTINFO move: locked RMW, EVENTINJ store, release store.
 */
#include <stdlib.h>

#include "micro_busy_ops.h"
#include "micro_groups.h"
#include "micro_pair.h"

/* ---- blocks: setup -> path -> consume, n times ---- */

#define BUSY_BLOCK(fn, path_stmt)                                                              \
    static void fn(void *ctx, uint64_t n)                                                      \
    {                                                                                          \
        struct bp_ctx *c = ctx;                                                                \
        for (uint64_t i = 0; i < n; i++) {                                                     \
            bp_setup(c);                                                                       \
            path_stmt;                                                                         \
            bp_consume(c, c->a, BP_EVENT);                                                     \
        }                                                                                      \
    }

BUSY_BLOCK(blk_limit_repair, limit_repair(c->a))
BUSY_BLOCK(blk_reactive, path_reactive(c))
BUSY_BLOCK(blk_hvdb_flag, path_hvdb_flag(c))
BUSY_BLOCK(blk_unconditional, path_unconditional(c))
BUSY_BLOCK(blk_paravisor, path_paravisor(c))

static void blk_setup_only(void *ctx, uint64_t n)
{
    struct bp_ctx *c = ctx;
    for (uint64_t i = 0; i < n; i++) {
        bp_setup(c);
        bp_consume(c, c->b, 0);
    }
}

#define INJECT_BLOCK(fn, stmt)                                                                 \
    static void fn(void *ctx, uint64_t n)                                                      \
    {                                                                                          \
        struct bp_ctx *c = ctx;                                                                \
        for (uint64_t i = 0; i < n; i++) {                                                     \
            stmt;                                                                              \
            bp_consume(c, c->a, BP_EVENT);                                                     \
        }                                                                                      \
    }

INJECT_BLOCK(blk_limit_inject, limit_inject(c->a))
INJECT_BLOCK(blk_inject_back_off, bp_inject(c, ALTINJ_BUSY_BACK_OFF))
INJECT_BLOCK(blk_inject_repair, bp_inject(c, ALTINJ_BUSY_REPAIR))

static void blk_consume_only(void *ctx, uint64_t n)
{
    struct bp_ctx *c = ctx;
    for (uint64_t i = 0; i < n; i++)
        bp_consume(c, c->b, 0);
}

struct bp_variant {
    const char *name;
    altinj_micro_block_fn op;
    altinj_micro_block_fn limit;     /* NULL for the limits themselves */
    altinj_micro_block_fn baseline;
    bool signal;
};

static const struct bp_variant variants[] = {
    {"BusyPath/limit/locked_rmw_2stores_release", blk_limit_repair, NULL, blk_setup_only, false},
    {"BusyPath/reactive", blk_reactive, blk_limit_repair, blk_setup_only, false},
    {"BusyPath/hvdb-flag", blk_hvdb_flag, blk_limit_repair, blk_setup_only, true},
    {"BusyPath/unconditional", blk_unconditional, blk_limit_repair, blk_setup_only, false},
    {"BusyPath/paravisor", blk_paravisor, blk_limit_repair, blk_setup_only, false},
    {"Inject/limit/locked_rmw_store_release", blk_limit_inject, NULL, blk_consume_only, false},
    {"Inject/back_off", blk_inject_back_off, blk_limit_inject, blk_consume_only, false},
    {"Inject/repair", blk_inject_repair, blk_limit_inject, blk_consume_only, false},
};

static void bm_busy_path(altinj_gb_state *st, void *arg)
{
    const struct bp_variant *var = arg;
    struct bp_ctx ctx = {altinj_vmsa_alloc(), altinj_vmsa_alloc(), altinj_hvdb_alloc(),
                         var->signal, 0};
    if (!ctx.a || !ctx.b || !ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
    } else {
        const struct altinj_micro_pair p = {
            .measured = var->op,
            .limit = var->limit,
            .baseline = var->baseline,
            .ctx = &ctx,
            .block = 1024, /* ~30-100 us per block */
        };
        altinj_micro_run_pair(st, &p);
        if (ctx.wrong != 0)
            altinj_gb_skip_with_error(st, "an event was not re-injected exactly once");
    }
    altinj_vmsa_free(ctx.a);
    altinj_vmsa_free(ctx.b);
    altinj_hvdb_free(ctx.db);
}

void altinj_micro_register_busy_path(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_gb_use_manual_time(
            altinj_gb_register(variants[i].name, bm_busy_path, (void *)&variants[i]));
}
