/*
 * Each strategy row's per-entry work on the common path: the exit cut nothing (EXITINTINFO
 * clear), the guest is not BUSY and no doorbell flag is set. This runs on every return to VMPL0
 * and every entry after it, so its cost is paid on every exit whether or not anything needs
 * repair. The rows are the passes of micro_rows.h (the strategies' own inline primitives):
 *   PreEntry/reactive/row       row_coconut_pass: EFER.SVME cleared (load + store), EXITINTINFO
 *   PreEntry/unconditional/row  loaded, VIntrCtrl loaded (the BUSY test), EFER.SVME set (load +
 *                               release store). The two rows share COCONUT's pass and run the
 *                               same code; they are timed separately so each strategy has its
 *                               row, and the gap between them is this run's noise.
 *   PreEntry/hvdb-flag/row      row_flag_pass: the same SVME pair and one relaxed peek of the
 *                               guest's doorbell status word (per_vmpl[1].status, offset 0x80);
 *                               ai_handle_intercepts is skipped without the flag.
 *   PreEntry/paravisor/row      row_openhcl_pass: the locked test-and-set of BUSY, the load of
 *                               EXITINTINFO (V clear: nothing copied), the BUSY clear (load +
 *                               release store).
 *
 * The limits: the cheapest instruction sequence that does each row's job, written directly with
 * atomics of the orders the job needs. Why each is a floor:
 *   PreEntry/limit/svme_pair_2loads      (reactive, unconditional) COCONUT's job is to clear
 *       SVME, read EXITINTINFO and VIntrCtrl, and set SVME again. Clearing and setting one bit
 *       of EFER without a lock is a load and a store each; the two halves are separate
 *       read-modify-writes because vmsa.disable() and vmsa.enable() are separate calls with the
 *       guest's request, the doorbell and the APIC between them, and a limit that reused the
 *       first load would describe a different SVSM. The set is a release store (the guest may
 *       run after it: altinj_hw_vmrun's acquire of EFER); on x86-64 that is a plain MOV too.
 *       The two reads are plain loads: nothing cheaper reads a word. The limit has no branch
 *       (the row tests V and BUSY).
 *   PreEntry/limit/svme_pair_peek        (hvdb-flag) the same SVME pair and one relaxed load of
 *       the status word: the least any test of a doorbell bit can do.
 *   PreEntry/limit/locked_rmw_load_store (paravisor) OpenHCL's job contains a locked RMW by
 *       design: the test-and-set is what keeps a second CPU's VMRUN out while VTL2 works, so no
 *       plain load can stand in for it. The limit is one `lock or` (acquire, result discarded),
 *       the EXITINTINFO load, a reload of VIntrCtrl and the release store that clears BUSY. Taking
 *       the old value from the RMW instead of reloading makes GCC emit a load + `lock cmpxchg`
 *       loop, which timed the same here; the `lock or` form is the shorter.
 * Disassembly (objdump -d --no-show-raw-insn of bm_preentry.c.o, GCC 12.2 -O3; instructions
 * per operation of the unrolled body, common path, loop control excluded):
 *   limit/svme_pair_2loads       9: 4 loads (EFER, EXITINTINFO, VIntrCtrl, EFER), 2 stores
 *                                (EFER), AND, OR, and the XOR of the returned x ^ b.
 *   reactive|unconditional/row  15: the same 4 loads, 2 stores, AND and OR; the V test (MOV,
 *                                AND, JNE) and the BUSY test (TEST, JS), neither taken; 2 for
 *                                the digest.
 *   limit/svme_pair_peek         7: 3 loads (EFER, status, EFER), 2 stores, AND, OR.
 *   hvdb-flag/row               10: the same 7, the TEST/JNE of bit 11 (not taken) and the
 *                                zeroed digest.
 *   limit/locked_rmw_load_store  5: LOCK OR, 2 loads, AND, store (and one MOVABS of the mask
 *                                per 8 operations).
 *   paravisor/row               11: LOCK BTS and SETB, 2 loads, the V test (MOV, AND, JE:
 *                                taken, to the clear), AND, store, 2 for the digest.
 *   limit/rmw/lock_or            1: LOCK OR (the MOVABS of the mask once per 8).
 *   limit/rmw/lock_bts           3: LOCK BTS, SETB, and an XOR zeroing SETB's register.
 *   limit/rmw/xchg               2: MOV of the value, XCHG.
 *   limit/rmw/lock_cmpxchg       6: load, 2 MOVs, OR, LOCK CMPXCHG, JNE (not taken).
 *   empty_loop                   the loop alone: ADD, CMP, JB per 8 operations.
 * No lock prefix in the COCONUT and hvdb-flag rows or their limits; one per operation in the
 * paravisor row and in its limit. The rows' extra instructions are their tests and the
 * digest; on the common path these loops are bound by instructions issued, so those show.
 * Measured here (5 processes, medians, ns per op): empty_loop 0.034; svme_pair_2loads 0.51,
 * reactive/unconditional 1.01x; svme_pair_peek 0.51, hvdb-flag 1.00x; every bare locked RMW
 * 5.0-5.1 (LOCK OR, LOCK BTS, XCHG and the CMPXCHG loop alike: the lock is the cost, so
 * locked_rmw_load_store, 5.0, costs what its LOCK OR costs), paravisor 1.05x of it. The /chain
 * forms: COCONUT's 1.08x (its digest's extra ALU is on the chain), the others as above.
 *
 * Each op is measured two ways, each beside its limit measured the same way:
 *   PreEntry/<row>        throughput: 8 independent operations per loop iteration (unrolled,
 *                         so the loop's own compare and branch are an eighth of an op), each
 *                         result kept alive by altinj_gb_use_u64 (whose memory clobber also forces
 *                         every load to be a real load). The COCONUT and hvdb-flag passes carry
 *                         a dependency from op to op even here: each EFER load is forwarded
 *                         from the previous EFER store; their limits carry the same one. The
 *                         paravisor row and its limit serialise on their locked RMW instead.
 *   PreEntry/<row>/chain  latency: each op's result feeds the address of the next op (through
 *                         an offset that is 0 at run time but unknown to the compiler:
 *                         result & zero), so every op waits for what its result depends on
 *                         before the next can start. Both sides carry the same AND and ADDs.
 *                         A row's result (its digest, micro_rows.h) depends on EXITINTINFO's
 *                         load for COCONUT and on the test-and-set for OpenHCL, and each limit
 *                         returns the same load (x ^ b, x after its LOCK OR); hvdb-flag's
 *                         peek only decides a predicted branch, so neither its row nor its
 *                         limit (which returns 0) waits for that load: the CPU runs ahead on
 *                         the prediction, as on a real entry path.
 *   PreEntry/empty_loop[/chain]  the same loops around an op that does nothing: what the loop
 *                         itself costs per op (no limit): a fortieth of the cheapest row, so
 *                         no row here measures its loop.
 *   PreEntry/limit/rmw/<form>  each locked RMW form alone (below), throughput only.
 *
 * Checking: `objdump -d --no-show-raw-insn
 *   build/bench/micro/CMakeFiles/altinj-micro.dir/bm_preentry.c.o` and compare pe_<name> of a
 * row with pe_<its limit>; `grep 'lock '` shows which of them hold a locked instruction.
 */
#include <stdlib.h>

#include "altinj_doorbell.h"
#include "altinj_event.h"
#include "altinj_gbench.h"
#include "altinj_reentry.h"
#include "altinj_vintr.h"
#include "altinj_vmsa.h"
#include "micro_groups.h"
#include "micro_limit_svme.h"
#include "micro_pair.h"
#include "micro_rows.h"

struct pe_ctx {
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *db;
    uint64_t zero; /* 0, read at run time so the compiler cannot fold the chain away */
};

/* ---- the rows (micro_rows.h) and the loop floor ---- */

static inline uint64_t op_none(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    return 0;
}

static inline uint64_t op_coconut_row(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    return row_coconut_pass(v);
}

static inline uint64_t op_flag_row(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    return row_flag_pass(v, db);
}

static inline uint64_t op_openhcl_row(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    return row_openhcl_pass(v);
}

/* ---- the limits ---- */

/* Returns x ^ b: its chained form waits for the two loads (issued together), as the COCONUT
 * row's waits for EXITINTINFO's, which its digest carries. */
static inline uint64_t op_lim_svme_pair_2loads(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    lim_svme_clear(v);
    /* relaxed: read while SVME is clear, as ai_handle_intercepts reads them. */
    const uint64_t x = atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed);
    const uint64_t b = atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
    lim_svme_set(v);
    return x ^ b;
}

/* Returns 0: the hvdb-flag row's peek only decides a predicted branch, so nothing after it
 * waits for the load; a floor that made the next op wait for it would not be a floor. The load
 * itself is issued all the same (an atomic load is never elided). */
static inline uint64_t op_lim_svme_pair_peek(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    lim_svme_clear(v);
    /* relaxed: a hint, as altinj_hvdb_peek_clear_busy's (its acquire partner is the take). */
    (void)atomic_load_explicit(&db->per_vmpl[ALTINJ_HVDB_GUEST_INDEX].status,
                               memory_order_relaxed);
    lim_svme_set(v);
    return 0;
}

static inline uint64_t op_lim_locked_rmw_load_store(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)db;
    /* acquire: as altinj_busy_test_and_set's, pairs with the release store below of the
     * previous op (the previous holder's clear). The result is not needed for the job (OpenHCL
     * only counts it): discarded, so it is a single `lock or`. */
    atomic_fetch_or_explicit(&v->vintr_ctrl, ALTINJ_VINTR_BUSY, memory_order_acquire);
    /* relaxed: under BUSY. */
    const uint64_t x = atomic_load_explicit(&v->guest_exitintinfo, memory_order_relaxed);
    const uint64_t b = atomic_load_explicit(&v->vintr_ctrl, memory_order_relaxed);
    /* release: pairs with the acquire load of VIntrCtrl in altinj_hw_vmrun and the acquire RMW
     * above of the next op. */
    atomic_store_explicit(&v->vintr_ctrl, b & ~ALTINJ_VINTR_BUSY, memory_order_release);
    return x;
}

/* ---- the bare locked RMWs: which one is the cheapest lock ---- */

/* OpenHCL's pre-entry takes BUSY with a locked test-and-set, so its floor must hold a locked
 * RMW too; these rows time each form x86-64 has for "set a bit of a shared word atomically",
 * alone, on a line of their own (not VIntrCtrl: the page must stay on the common path), so the
 * paravisor limit can use the cheapest one that does the job. Each is the only memory
 * instruction of its op:
 *   lock_or       LOCK OR, result discarded: sets the bit; does the job (OpenHCL only counts
 *                 whether BUSY was already set, so the old value is not needed).
 *   lock_bts      LOCK BTS + SETB: sets the bit and returns the old one - the row's own form
 *                 (altinj_busy_test_and_set).
 *   xchg          XCHG (implicitly locked): stores a whole word. Not the job: it would
 *                 overwrite VIntrCtrl's other bits, which the hypervisor owns; timed as the
 *                 cheapest locked store there is, for comparison.
 *   lock_cmpxchg  a load + LOCK CMPXCHG loop: what GCC emits for fetch_or when the whole old
 *                 value is used. Not a floor: one more load and a loop.
 * Why a file-scope word: the rows take the page and the doorbell only, and the word must not be
 * either; single-threaded, so one word serves every run. */
static struct {
    _Alignas(64) _Atomic uint64_t w;
} pe_lock_word;

static inline uint64_t op_rmw_lock_or(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    /* acquire: the order altinj_busy_test_and_set takes the lock with. */
    atomic_fetch_or_explicit(&pe_lock_word.w, ALTINJ_VINTR_BUSY, memory_order_acquire);
    return 0;
}

static inline uint64_t op_rmw_lock_bts(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    /* acquire: as above; testing one bit of the result makes GCC emit LOCK BTS + SETB. */
    return (atomic_fetch_or_explicit(&pe_lock_word.w, ALTINJ_VINTR_BUSY, memory_order_acquire) &
            ALTINJ_VINTR_BUSY) != 0;
}

static inline uint64_t op_rmw_xchg(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    /* acquire: as above. */
    return atomic_exchange_explicit(&pe_lock_word.w, ALTINJ_VINTR_BUSY, memory_order_acquire);
}

static inline uint64_t op_rmw_lock_cmpxchg(struct altinj_vmsa *v, struct altinj_hvdb *db)
{
    (void)v;
    (void)db;
    /* acquire: as above; the whole old value is used, so GCC loops on LOCK CMPXCHG. */
    return atomic_fetch_or_explicit(&pe_lock_word.w, ALTINJ_VINTR_BUSY, memory_order_acquire);
}

/* ---- the two loop shapes, 8 operations per iteration ---- */

#define PE_UNROLL 8
#define PE_X8(s) s; s; s; s; s; s; s; s

#define PE_CHAIN_STEP(name)                                                                    \
    do {                                                                                       \
        const uint64_t off = op_##name(v, db) & zero;                                          \
        v = (struct altinj_vmsa *)((char *)v + off);                                           \
        db = (struct altinj_hvdb *)((char *)db + off);                                         \
        altinj_gb_clobber_memory();                                                            \
    } while (0)

#define PE_THROUGHPUT(name)                                                                    \
    static void pe_##name(void *ctx, uint64_t n)                                               \
    {                                                                                          \
        const struct pe_ctx *c = ctx;                                                          \
        struct altinj_vmsa *const v = c->vmsa;                                                 \
        struct altinj_hvdb *const db = c->db;                                                  \
        for (uint64_t i = 0; i < n; i += PE_UNROLL) {                                          \
            PE_X8(altinj_gb_use_u64(op_##name(v, db)));                                        \
        }                                                                                      \
    }

#define PE_BLOCKS(name)                                                                        \
    PE_THROUGHPUT(name)                                                                        \
    static void pe_##name##_chain(void *ctx, uint64_t n)                                       \
    {                                                                                          \
        const struct pe_ctx *c = ctx;                                                          \
        struct altinj_vmsa *v = c->vmsa;                                                       \
        struct altinj_hvdb *db = c->db;                                                        \
        const uint64_t zero = c->zero;                                                         \
        for (uint64_t i = 0; i < n; i += PE_UNROLL) {                                          \
            PE_X8(PE_CHAIN_STEP(name));                                                        \
        }                                                                                      \
        altinj_gb_use_ptr(v);                                                                  \
        altinj_gb_use_ptr(db);                                                                 \
    }

PE_BLOCKS(none)
PE_BLOCKS(coconut_row)
PE_BLOCKS(flag_row)
PE_BLOCKS(openhcl_row)
PE_BLOCKS(lim_svme_pair_2loads)
PE_BLOCKS(lim_svme_pair_peek)
PE_BLOCKS(lim_locked_rmw_load_store)
PE_THROUGHPUT(rmw_lock_or)
PE_THROUGHPUT(rmw_lock_bts)
PE_THROUGHPUT(rmw_xchg)
PE_THROUGHPUT(rmw_lock_cmpxchg)

struct pe_variant {
    const char *name;
    altinj_micro_block_fn op;
    altinj_micro_block_fn limit; /* NULL for the limits and the empty loop */
};

#define PE_ALONE(label, name)                                                                  \
    {"PreEntry/" label, pe_##name, NULL}, {"PreEntry/" label "/chain", pe_##name##_chain, NULL}

/* Throughput only: a locked RMW serialises the next one anyway, so a chain adds nothing. */
#define PE_RMW(label, name) {"PreEntry/limit/rmw/" label, pe_##name, NULL}

#define PE_VARIANTS(label, name, lim)                                                          \
    {"PreEntry/" label, pe_##name, pe_##lim},                                                  \
        {"PreEntry/" label "/chain", pe_##name##_chain, pe_##lim##_chain}

static const struct pe_variant variants[] = {
    PE_ALONE("empty_loop", none),
    PE_ALONE("limit/svme_pair_2loads", lim_svme_pair_2loads),
    PE_ALONE("limit/svme_pair_peek", lim_svme_pair_peek),
    PE_ALONE("limit/locked_rmw_load_store", lim_locked_rmw_load_store),
    PE_RMW("lock_or", rmw_lock_or),
    PE_RMW("lock_bts", rmw_lock_bts),
    PE_RMW("xchg", rmw_xchg),
    PE_RMW("lock_cmpxchg", rmw_lock_cmpxchg),
    PE_VARIANTS("reactive/row", coconut_row, lim_svme_pair_2loads),
    PE_VARIANTS("unconditional/row", coconut_row, lim_svme_pair_2loads),
    PE_VARIANTS("hvdb-flag/row", flag_row, lim_svme_pair_peek),
    PE_VARIANTS("paravisor/row", openhcl_row, lim_locked_rmw_load_store),
};

#define PE_BLOCK 16384 /* operations per block: ~5-100 us */
_Static_assert(PE_BLOCK % PE_UNROLL == 0, "a block is whole unrolled iterations");

/* The common path must have stayed common: SVME set, nothing BUSY, cut, injected or flagged. */
static bool pe_still_common(struct pe_ctx *c)
{
    /* relaxed: single-threaded, after the timed loop. */
    return (atomic_load_explicit(&c->vmsa->efer, memory_order_relaxed) & ALTINJ_EFER_SVME) &&
           !altinj_busy_peek(c->vmsa) &&
           atomic_load_explicit(&c->vmsa->guest_exitintinfo, memory_order_relaxed) == 0 &&
           atomic_load_explicit(&c->vmsa->event_inj, memory_order_relaxed) == 0 &&
           atomic_load_explicit(&c->db->per_vmpl[ALTINJ_HVDB_GUEST_INDEX].status,
                                memory_order_relaxed) == 0;
}

static void bm_preentry(altinj_gb_state *st, void *arg)
{
    const struct pe_variant *var = arg;
    struct pe_ctx ctx = {altinj_vmsa_alloc(), altinj_hvdb_alloc(), 0};
    if (!ctx.vmsa || !ctx.db) {
        altinj_gb_skip_with_error(st, "out of memory");
    } else {
        /* The page as the guest left it at its exit: SVME set (alloc leaves it clear).
         * relaxed: single-threaded, before the timed loop. */
        atomic_store_explicit(&ctx.vmsa->efer, ALTINJ_EFER_SVME, memory_order_relaxed);
        const struct altinj_micro_pair p = {
            .measured = var->op,
            .limit = var->limit,
            .ctx = &ctx,
            .block = PE_BLOCK,
        };
        altinj_micro_run_pair(st, &p);
        if (!pe_still_common(&ctx))
            altinj_gb_skip_with_error(st, "the page left the common path");
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
