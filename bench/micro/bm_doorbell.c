/*
 * The SVSM's doorbell consume path, as it runs on every SVSM entry: the #HV handler's
 * clear-before-process of the flags byte (altinj_hvdb_take_flags, svsm_run in altinj_vcpu.c),
 * then consume_doorbell's VMPL0 vector compare-exchange loop (altinj_hvdb_take_vector), the
 * per-VMPL events swap (altinj_hvdb_take_events) and, when the guest's events bit
 * (ALTINJ_HVDB_GUEST_EVENT: bit 1, VMPL2) was set, the consume of its descriptor per_vmpl[1]
 * (altinj_hvdb_consume_vmpl: here the single-vector compare-exchange of pending_vector).
 *
 *   Doorbell/consume/idle     nothing pending: the cost every SVSM entry pays (the relaxed
 *                             peeks the take functions make before their locked RMWs).
 *   Doorbell/consume/pending  the hypervisor has posted: NMI flag, VMPL0 vector 0x30 and guest
 *                             vector 0x41 (altinj_hvdb_post_irq, which with nothing pending
 *                             writes it into pending_vector by compare-exchange). Each op starts
 *                             with that posting; a posting-only baseline block is subtracted (see
 *                             micro_pair.h; "setup_ns" is what was subtracted). Every consume is
 *                             checked: it must find the flag, the VMPL0 vector, the guest's
 *                             events bit and exactly vector 0x41 in the descriptor.
 * No limit sits beside these: there is no single cheaper primitive that does the same job.
 */
#include "altinj_gbench.h"
#include "micro_doorbell_ops.h"
#include "micro_groups.h"
#include "micro_pair.h"

/* The idle consume is a few loads and tests, so its loop runs 8 per iteration (unrolled):
 * the loop's own add, compare and branch are an eighth of an operation. The pending consume
 * (with its posting) is long enough that its loop is noise. */
#define DB_UNROLL 8
#define DB_IDLE_ONE()                                                                          \
    do {                                                                                       \
        const uint64_t d = db_consume(c);                                                      \
        c->wrong += d != 0;                                                                    \
        altinj_gb_use_u64(d);                                                                  \
    } while (0)

static void blk_idle(void *ctx, uint64_t n)
{
    struct db_ctx *c = ctx;
    for (uint64_t i = 0; i < n; i += DB_UNROLL) {
        DB_IDLE_ONE(); DB_IDLE_ONE(); DB_IDLE_ONE(); DB_IDLE_ONE();
        DB_IDLE_ONE(); DB_IDLE_ONE(); DB_IDLE_ONE(); DB_IDLE_ONE();
    }
}

static void blk_pending(void *ctx, uint64_t n)
{
    struct db_ctx *c = ctx;
    for (uint64_t i = 0; i < n; i++) {
        db_post(c->db);
        const uint64_t d = db_consume(c);
        c->wrong += d != DB_PENDING_DIGEST;
        altinj_gb_use_u64(d);
    }
}

static void blk_post_only(void *ctx, uint64_t n)
{
    struct db_ctx *c = ctx;
    for (uint64_t i = 0; i < n; i++)
        db_post(c->db);
}

#define DB_BLOCK 2048
_Static_assert(DB_BLOCK % DB_UNROLL == 0, "a block is whole unrolled iterations");

static void bm_doorbell(altinj_gb_state *st, void *arg)
{
    const bool pending = arg != NULL;
    struct db_ctx ctx = {altinj_hvdb_alloc(), 0, 0};
    if (!ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
        return;
    }
    const struct altinj_micro_pair p = {
        .measured = pending ? blk_pending : blk_idle,
        .baseline = pending ? blk_post_only : NULL,
        .ctx = &ctx,
        .block = DB_BLOCK,
    };
    altinj_micro_run_pair(st, &p);
    if (ctx.wrong != 0 || ctx.rejected != 0)
        altinj_gb_skip_with_error(st, "the consume did not take exactly what was posted");
    altinj_hvdb_free(ctx.db);
}

void altinj_micro_register_doorbell(void)
{
    static const int pending = 1;
    altinj_gb_use_manual_time(altinj_gb_register("Doorbell/consume/idle", bm_doorbell, NULL));
    /* Wall-timed (micro_groups.h): the posting, in both blocks, takes as long again as the
     * consume. */
    altinj_micro_wall_timed(
            altinj_gb_register("Doorbell/consume/pending", bm_doorbell, (void *)&pending));
}
