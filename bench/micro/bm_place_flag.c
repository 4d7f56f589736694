/*
 * Cache-line placement of the doorbell flag the SVSM polls on every entry (the hvdb-flag
 * common-path peek), while a partner thread on the other CPU keeps writing beside it, as remote
 * interrupt posters write the doorbell page.
 *
 *   Placement/doorbell_flag/own_line     the flag alone on its line; the posters' word on
 *                                        another line (the limit: posters cost the reader nothing)
 *   Placement/doorbell_flag/shared_line  the flag and the posters' word on one line: every post
 *                                        steals the line and the next peek misses (false sharing)
 *   Placement/doorbell_flag/real_page    the real page: altinj_hvdb_peek_clear_busy while the
 *                                        partner runs altinj_hvdb_post_irq for the guest VMPL
 *                                        (VMPL2). The proposed CLEAR_BUSY bit is bit 11 of the
 *                                        guest's per_vmpl[1].status (ALTINJ_HVDB_GUEST_INDEX,
 *                                        offset 0x80), the very word whose pending_vector every
 *                                        post writes by compare-exchange (a vector already
 *                                        pending is written back to itself, still a locked
 *                                        write). So by construction of the GHCB layout this is
 *                                        the shared case: the flag shares not only the posters'
 *                                        line but their word.
 * The partner hammers all three targets in every turn, in every variant, so the load it puts
 * on the machine is the same whichever is timed; the own-line block runs first in each
 * iteration and is the limit ("vs_limit", same run): no peek of a word can cost less than the
 * load of a line nobody else writes. Each block's loop runs 8 peeks per iteration (unrolled),
 * so the loop's branch is an eighth of a peek on every side.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "altinj_doorbell.h"
#include "altinj_gbench.h"
#include "micro_cpu.h"
#include "micro_groups.h"
#include "micro_pair.h"

struct fl_shared {
    alignas(64) _Atomic uint32_t flag;
    _Atomic uint32_t neighbour;          /* same line */
};

struct fl_own {
    alignas(64) _Atomic uint32_t flag;
    alignas(64) _Atomic uint32_t neighbour; /* next line */
};

struct fl_ctx {
    struct fl_shared shared;
    struct fl_own own;
    struct altinj_hvdb *db;
};

static bool fl_hammer(void *arg)
{
    struct fl_ctx *c = arg;
    /* release, like altinj_hvdb_post_irq's compare-exchange of the status word; no acquire
     * pairs with these (the reader's peeks are relaxed hints): only the traffic matters. */
    atomic_fetch_or_explicit(&c->shared.neighbour, 1, memory_order_release);
    atomic_fetch_or_explicit(&c->own.neighbour, 1, memory_order_release);
    (void)altinj_hvdb_post_irq(c->db, ALTINJ_GUEST_VMPL, 0x41);
    return true;
}

#define FL_UNROLL 8
#define FL_X8(s) s; s; s; s; s; s; s; s
#define FL_BLOCK 16384
_Static_assert(FL_BLOCK % FL_UNROLL == 0, "a block is whole unrolled iterations");

/* relaxed: the same hint load altinj_hvdb_peek_clear_busy makes (its acquire partner is the
 * take, not this). */
#define FL_PEEK(f)                                                                             \
    altinj_gb_use_u64((atomic_load_explicit(f, memory_order_relaxed) &                         \
                       ALTINJ_HVDB_STATUS_CLEAR_BUSY) != 0)

static void blk_own(void *ctx, uint64_t n)
{
    _Atomic uint32_t *const f = &((struct fl_ctx *)ctx)->own.flag;
    for (uint64_t i = 0; i < n; i += FL_UNROLL) {
        FL_X8(FL_PEEK(f));
    }
}

static void blk_shared(void *ctx, uint64_t n)
{
    _Atomic uint32_t *const f = &((struct fl_ctx *)ctx)->shared.flag;
    for (uint64_t i = 0; i < n; i += FL_UNROLL) {
        FL_X8(FL_PEEK(f));
    }
}

static void blk_real(void *ctx, uint64_t n)
{
    struct altinj_hvdb *const db = ((struct fl_ctx *)ctx)->db;
    for (uint64_t i = 0; i < n; i += FL_UNROLL) {
        FL_X8(altinj_gb_use_u64(altinj_hvdb_peek_clear_busy(db, ALTINJ_GUEST_VMPL)));
    }
}

struct fl_variant {
    const char *name;
    altinj_micro_block_fn op;
    altinj_micro_block_fn limit;
};

static const struct fl_variant variants[] = {
    {"Placement/doorbell_flag/own_line", blk_own, NULL},
    {"Placement/doorbell_flag/shared_line", blk_shared, blk_own},
    {"Placement/doorbell_flag/real_page", blk_real, blk_own},
};

static void bm_place_flag(altinj_gb_state *st, void *arg)
{
    const struct fl_variant *var = arg;
    struct fl_ctx *c = aligned_alloc(64, sizeof *c);
    struct altinj_micro_partner partner = {.started = false};
    cpu_set_t saved;
    bool pinned = false;
    if (!c || !(c->db = altinj_hvdb_alloc())) {
        altinj_gb_skip_with_error(st, "out of memory");
        goto out;
    }
    /* relaxed: before the partner exists; its creation orders these. */
    atomic_store_explicit(&c->shared.flag, 0, memory_order_relaxed);
    atomic_store_explicit(&c->shared.neighbour, 0, memory_order_relaxed);
    atomic_store_explicit(&c->own.flag, 0, memory_order_relaxed);
    atomic_store_explicit(&c->own.neighbour, 0, memory_order_relaxed);
    pinned = altinj_micro_pin(altinj_micro_cpus()->main_cpu, &saved) == 0;
    if (altinj_micro_partner_start(&partner, fl_hammer, c) != 0) {
        altinj_gb_skip_with_error(st, "cannot start the partner thread");
        goto out;
    }
    if (altinj_micro_cpus()->n < 2)
        altinj_gb_set_label(st, "single-cpu: the hammer only runs when the reader is preempted");
    altinj_gb_counter(st, "cpus", altinj_micro_cpus()->n, ALTINJ_GB_COUNTER_DEFAULT);
    const struct altinj_micro_pair p = {
        .measured = var->op,
        .limit = var->limit,
        .ctx = c,
        .block = FL_BLOCK,
    };
    altinj_micro_run_pair(st, &p);
out:
    altinj_micro_partner_stop(&partner);
    if (pinned)
        altinj_micro_unpin(&saved);
    if (c)
        altinj_hvdb_free(c->db);
    free(c);
}

void altinj_micro_register_place_flag(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_gb_use_manual_time(
            altinj_gb_register(variants[i].name, bm_place_flag, (void *)&variants[i]));
}
