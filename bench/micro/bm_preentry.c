/*
 * The SVSM's pre-entry check on the common path: the guest is not BUSY, EXITINTINFO is clear,
 * no doorbell flag is set. This runs before every guest entry, so its cost is paid on every
 * exit whether or not anything needs repair.
 *
 * The limit beside each: one relaxed load of VIntrCtrl, the least any check of BUSY can do.
 * Each op is measured two ways, each beside the limit measured the same way:
 *   PreEntry/<strategy>/<op>        throughput: a tight loop of independent operations, each
 *                                   result kept alive by altinj_gb_use_u64 (whose memory clobber
 *                                   also forces every load to be a real load). Sub-nanosecond
 *                                   figures; it charges everything the op issues, including
 *                                   branch and call/return throughput.
 *   PreEntry/<strategy>/<op>/chain  latency: each op's result feeds the address of the next op
 *                                   (through an offset that is 0 at run time but unknown to the
 *                                   compiler: result & zero), so every iteration waits for the
 *                                   previous one, as an entry path waits for its check before it
 *                                   decides. Both sides carry the same AND and ADD. An op whose
 *                                   result comes from a predicted branch rather than from the data
 *                                   it loaded (repair_if_busy's `acted` is a constant false on the
 *                                   common path) does not extend the chain: the CPU runs ahead on
 *                                   the prediction, as it does on a real entry path, and the op's
 *                                   cost shows only in the throughput figure.
 *
 * What each op is:
 *   reactive/none                nothing: the reactive SVSM does no pre-entry check (it learns
 *                                of BUSY from a failed VMRUN); this is the loop's own floor.
 *   unconditional/busy_peek      altinj_busy_peek: the inline relaxed load + bit test.
 *   unconditional/repair_if_busy altinj_reentry_repair_if_busy: what the strategy row calls;
 *                                an out-of-line call that peeks and returns a 16-byte result.
 *   hvdb-flag/peek_clear_busy    altinj_hvdb_peek_clear_busy: relaxed load of the doorbell
 *                                status word + bit test (the hvdb-flag row's on-entry check).
 *   paravisor/tas_release        altinj_busy_acquire + altinj_busy_release: the locked
 *                                test-and-set and the locked release paravisor does on every
 *                                exit, BUSY or not.
 *   paravisor/row                the whole paravisor row on a clean page: test-and-set,
 *                                altinj_reentry_fixup (finds nothing), the EXITINTINFO check
 *                                of its pre-entry hook, release.
 */
#include <stdlib.h>

#include "altinj_doorbell.h"
#include "altinj_event.h"
#include "altinj_gbench.h"
#include "altinj_reentry.h"
#include "altinj_vmsa.h"
#include "micro_groups.h"
#include "micro_pair.h"

struct pe_ctx {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *db;
    uint64_t zero; /* 0, read at run time so the compiler cannot fold the chain away */
};

/* ---- the ops: each returns a value that depends on everything it read ---- */

static inline uint64_t op_bare_load(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    /* relaxed: the limit is the bare hint load, no ordering at all (altinj_busy_peek's load,
     * minus its bit test). */
    return atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
}

static inline uint64_t op_none(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    return 0;
}

static inline uint64_t op_busy_peek(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    return altinj_busy_peek(v);
}

static inline uint64_t op_repair_if_busy(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    return altinj_reentry_repair_if_busy(v).acted;
}

static inline uint64_t op_hvdb_peek(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    return altinj_hvdb_peek_clear_busy(db, ALTINJ_GUEST_VMPL);
}

static inline uint64_t op_tas_release(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    const uint64_t old = altinj_busy_acquire(v);
    altinj_busy_release(v);
    return old;
}

static inline uint64_t op_paravisor_row(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    /* paravisor_svsm_on_entry */
    const uint64_t old = altinj_busy_acquire(v);
    uint64_t event;
    const enum altinj_fixup f = altinj_reentry_fixup(v, &event);
    /* paravisor_svsm_pre_entry; relaxed: BUSY is held, as in the row. */
    if (!altinj_event_is_valid(atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed)))
        altinj_busy_release(v);
    return old ^ (uint64_t)f ^ event;
}

/* ---- the two loop shapes ---- */

#define PE_BLOCKS(name)                                                                        \
    static void pe_##name(void *ctx, uint64_t n)                                               \
    {                                                                                          \
        const struct pe_ctx *c = ctx;                                                          \
        struct altinj_vmsa *const v = c->vmsa;                                                 \
        struct altinj_hvdb *const db = c->db;                                                  \
        for (uint64_t i = 0; i < n; i++)                                                       \
            altinj_gb_use_u64(op_##name(v, db));                                               \
    }                                                                                          \
    static void pe_##name##_chain(void *ctx, uint64_t n)                                       \
    {                                                                                          \
        const struct pe_ctx *c = ctx;                                                          \
        struct altinj_vmsa *v = c->vmsa;                                                       \
        struct altinj_hvdb *db = c->db;                                                        \
        const uint64_t zero = c->zero;                                                         \
        for (uint64_t i = 0; i < n; i++) {                                                     \
            const uint64_t off = op_##name(v, db) & zero;                                      \
            v = (struct altinj_vmsa *)((char *)v + off);                                       \
            db = (struct altinj_hvdb *)((char *)db + off);                                     \
            altinj_gb_clobber_memory();                                                        \
        }                                                                                      \
        altinj_gb_use_ptr(v);                                                                  \
        altinj_gb_use_ptr(db);                                                                 \
    }

PE_BLOCKS(bare_load)
PE_BLOCKS(none)
PE_BLOCKS(busy_peek)
PE_BLOCKS(repair_if_busy)
PE_BLOCKS(hvdb_peek)
PE_BLOCKS(tas_release)
PE_BLOCKS(paravisor_row)

struct pe_variant {
    const char *name;
    altinj_micro_block_fn op;
    altinj_micro_block_fn limit; /* NULL for the limits themselves */
};

#define PE_VARIANTS(label, name)                                                               \
    {"PreEntry/" label, pe_##name, pe_bare_load},                                              \
        {"PreEntry/" label "/chain", pe_##name##_chain, pe_bare_load_chain}

static const struct pe_variant variants[] = {
    {"PreEntry/limit/bare_load", pe_bare_load, NULL},
    {"PreEntry/limit/bare_load/chain", pe_bare_load_chain, NULL},
    PE_VARIANTS("reactive/none", none),
    PE_VARIANTS("unconditional/busy_peek", busy_peek),
    PE_VARIANTS("unconditional/repair_if_busy", repair_if_busy),
    PE_VARIANTS("hvdb-flag/peek_clear_busy", hvdb_peek),
    PE_VARIANTS("paravisor/tas_release", tas_release),
    PE_VARIANTS("paravisor/row", paravisor_row),
};

static void bm_preentry(altinj_gb_state *st, void *arg)
{
    const struct pe_variant *var = arg;
    struct pe_ctx ctx = {altinj_vmsa_alloc(), altinj_hvdb_alloc(), 0};
    if (!ctx.vmsa || !ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
    } else {
        const struct altinj_micro_pair p = {
            .measured = var->op,
            .limit = var->limit,
            .ctx = &ctx,
            .block = 16384, /* ~5-200 us per block */
        };
        altinj_micro_run_pair(st, &p);
        /* The common path must have stayed common: nothing left BUSY. */
        if (altinj_busy_peek(ctx.vmsa))
            altinj_gb_skip_with_error(st, "the page was left BUSY");
    }
    altinj_vmsa_free(ctx.vmsa);
    altinj_hvdb_free(ctx.db);
}

void altinj_micro_register_preentry(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_gb_use_manual_time(
            altinj_gb_register(variants[i].name, bm_preentry, (void *)&variants[i]));
}
