/*
 * The full repair of a cut delivery, per strategy row: an exit interrupted the delivery of an
 * event (EXITINTINFO valid, BUSY left set under the hardware premise), the row's SVSM pass runs,
 * and then VMRUN takes the event out of EVENTINJ exactly once.
 *
 * Each operation is:  setup (the state altinj_hw_vmexit_in_delivery(..., guest_if = true,
 * ALTINJ_PREMISE_HARDWARE) leaves, plus the hypervisor's doorbell flag for hvdb-flag, written
 * with plain stores: bp_setup)  ->  the row's repair  ->  consume (what altinj_hw_vmrun checks
 * and takes, with plain loads and a store: BUSY clear, SVME set, EVENTINJ the event, checked;
 * bp_consume). Operations come in groups of BP_PAGES (8) pages: 8 setups, 8 repairs, 8
 * consumes, so that a repair does not wait on its own setup's stores. Why plain stores, and
 * why the pages sit BP_STRIDE apart, is in micro_busy_ops.h: in short, the model's locked
 * RMWs in the setup hid a COCONUT repair in their shadow, and pages at a 4096-byte stride
 * made every load alias the previous page's store. After the timed loop bp_verify runs the row
 * and its limit between the model's own exit and VMRUN on every page: the event must be taken
 * exactly once.
 * Pausing the timer around setup would cost two clock reads per op (~50 ns), more than the
 * repair, so the setup is not paused but subtracted: a setup-only baseline block (the same
 * setup, then the same consume of a second, runnable page whose EVENTINJ was re-armed with one
 * relaxed store) runs interleaved with the others and is subtracted from both the row and its
 * limit (see micro_pair.h). "setup_ns" reports what was subtracted (~1.5 ns: the setup and
 * consume of one page); the re-arming store is in it, so both sides come out one plain store
 * short, the same store. Wall-timed (micro_groups.h): the figures are the counters.
 *
 * The rows (micro_rows.h, the strategies' own inline primitives; micro_busy_ops.h):
 *   reactive       the failed VMRUN first (altinj_hw_vmrun returns VMEXIT_BUSY: the hypervisor
 *                  never looks at EXITINTINFO, so it learns of the cut only from this failure;
 *                  included in the row, the world switches around it are not: they are cost
 *                  profiles elsewhere), then COCONUT's pass (row_coconut_pass).
 *   unconditional  COCONUT's pass: altinj_svme_disable, altinj_ai_handle_intercepts (copies
 *                  EXITINTINFO into EVENTINJ, finds BUSY and clears it with a load and a
 *                  release store), altinj_svme_enable.
 *   hvdb-flag      the same pass with the doorbell flag in it: the relaxed peek
 *                  (altinj_hvdb_peek_clear_busy), the locked take (altinj_hvdb_take_clear_busy,
 *                  out of line in core), then ai_handle_intercepts (the flag is never trusted
 *                  alone: the page is read).
 *   paravisor      OpenHCL's pass: altinj_busy_test_and_set (finds BUSY set),
 *                  altinj_openhcl_reinject (copy, EXITINTINFO cleared), altinj_busy_clear.
 *
 * The limits, each the cheapest sequence that does that row's job, and why it is a floor:
 *   BusyPath/limit/svme_pair_copy_clear  (reactive, unconditional) COCONUT's job: clear SVME,
 *       move EXITINTINFO into EVENTINJ, clear BUSY, set SVME. Each bit change is a plain load
 *       and store (COCONUT locks nothing with a locked instruction: the page is its own while
 *       SVME is clear), the move a load and a store; the last two stores are release (the
 *       guest may run after them), which on x86-64 are plain MOVs. No branch, no lock prefix.
 *       The SVME pair is in the limit because it is in the job: it is COCONUT's lock on the
 *       page, as the test-and-set is OpenHCL's.
 *   BusyPath/limit/locked_take_svme_pair_copy_clear  (hvdb-flag) the flag must be taken
 *       atomically (the hypervisor sets it from any CPU), so one locked fetch_and on the status
 *       word, then COCONUT's limit. No peek: here the flag is set, and the peek only pays off
 *       when it is not.
 *   BusyPath/limit/locked_rmw_2stores_release  (paravisor) OpenHCL's job: take BUSY with a
 *       locked RMW (its lock against a second CPU's VMRUN), move the event, clear EXITINTINFO,
 *       clear BUSY with a plain release store (legal for the single owner: while BUSY is held
 *       nobody else writes VIntrCtrl). No filter for software events: this event is external.
 * reactive's ratio therefore includes its failed VMRUN; the others' include only the extra
 * tests, loads and calls of their passes.
 * Disassembly (objdump -d --no-show-raw-insn of bm_busy_path.c.o, GCC 12.2 -O3, blk_<name>;
 * per page of the unrolled repair group, every access a displacement from one register):
 *   svme_pair_copy_clear        11: 4 loads (EFER, EXITINTINFO, VIntrCtrl, EFER), 4 stores
 *                               (EFER, EVENTINJ, VIntrCtrl, EFER), 3 ALU (AND, AND, OR). No lock
 *                               prefix, no branch.
 *   unconditional               14 in line: EFER load, AND, store; EXITINTINFO load, MOV, AND,
 *                               JNE (taken: V is set); ...; EFER load, OR, store, the XOR of the
 *                               digest; and out of line the EVENTINJ store, the VIntrCtrl load,
 *                               TEST, JS (taken: BUSY is set), MOVABS, AND, the VIntrCtrl store
 *                               and the jumps back: ~23 with 2 taken jumps, the limit's 4 loads
 *                               and 4 stores among them. No lock prefix.
 *   reactive                    the same, after a call to altinj_hw_vmrun (core, out of line:
 *                               the acquire load of VIntrCtrl, the BUSY test, the return) and
 *                               the CMP, SETNE, MOVZBL, ADD that count a wrong answer.
 *   locked_take_svme_pair_copy_clear  12: the 11 above and one LOCK AND of the status word,
 *                               after the EFER clear, as in the row.
 *   hvdb-flag                   in line: the EFER clear (load, AND, store), the peek (load,
 *                               TEST, JNE: taken, the flag is set); out of line a call to
 *                               altinj_hvdb_take_clear_busy (core: VMPL check, LOCK BTR, SETB)
 *                               and COCONUT's ai_handle_intercepts as above; then the EFER set.
 *   locked_rmw_2stores_release   7: LOCK OR, EXITINTINFO load, EVENTINJ store, EXITINTINFO
 *                               store (0), VIntrCtrl load, AND, store (the MOVABS of the mask
 *                               hoisted out of the group).
 *   paravisor                   ~22: LOCK BTS, SETB, the EXITINTINFO load, the V test (MOV,
 *                               AND, JE: not taken), altinj_openhcl_reinject's type tests
 *                               (MOV, SHR, AND, CMP, JE, CMP, JE: not taken), the EVENTINJ
 *                               store, the EXITINTINFO store (0), the VIntrCtrl load, AND,
 *                               store, and MOVZBL, OR of the digest. One lock prefix, as the
 *                               limit.
 * Measured here (5 processes x 3 repetitions, medians): svme_pair_copy_clear 0.56 ns;
 * reactive 2.2x (its failed VMRUN: a call and an acquire load), unconditional 1.26x (its tests
 * and out-of-line busy path, ~23 instructions against 11), hvdb-flag 1.04x and paravisor
 * 1.04x of ~5.5-6 ns (the locked op is nearly all of it; the rest hides behind it). The same
 * source built with a different layout gave paravisor 0.98x and hvdb-flag 1.18x: a few
 * percent here is code placement, which is why the report shows the spread.
 */
#include <stdlib.h>

#include "micro_busy_ops.h"
#include "micro_groups.h"
#include "micro_pair.h"

/* ---- blocks: setup -> repair -> consume, n times ---- */

/* Runs s for k = 0..BP_PAGES-1, unrolled: left to itself GCC keeps a loop per group, whose
 * counter, compare and branch were a third of a COCONUT repair's instructions. */
/* NOLINTBEGIN(bugprone-macro-parentheses): k is the name the loop declares and s a statement;
 * neither can be parenthesised. */
#define BP_EACH(k, s)                                                                          \
    _Pragma("GCC unroll 8") for (unsigned k = 0; k < BP_PAGES; k++) s
/* NOLINTEND(bugprone-macro-parentheses) */

/* a and d become values the compiler cannot see through. Without it GCC hoists the 24 field
 * addresses of the 8 pages out of the loop, spills them (the setup's calls clobber the
 * registers) and loads each one back from the stack before the access: a load per field that
 * neither the row nor the limit has. With it every access is a displacement from one
 * register. */
#define BP_OPAQUE(a, d) __asm__("" : "+r"(a), "+r"(d))

/* n operations in groups of BP_PAGES: cut every page, repair every page, consume every page.
 * c->signal is read once: through c it would be reloaded after every atomic store. */
#define BUSY_BLOCK(fn, path)                                                                   \
    static void fn(void *ctx, uint64_t n)                                                      \
    {                                                                                          \
        struct bp_ctx *c = ctx;                                                                \
        struct altinj_vmsa *a = c->a;                                                          \
        struct altinj_hvdb *d = c->db;                                                         \
        const bool sig = c->signal;                                                            \
        for (uint64_t i = 0; i < n; i += BP_PAGES) {                                           \
            BP_OPAQUE(a, d);                                                                   \
            BP_EACH(k, bp_setup(sig, bp_page(a, k), bp_db(d, k)));                             \
            BP_OPAQUE(a, d);                                                                   \
            BP_EACH(k, path(c, bp_page(a, k), bp_db(d, k)));                                   \
            BP_OPAQUE(a, d);                                                                   \
            BP_EACH(k, bp_consume(c, bp_page(a, k), BP_EVENT));                                \
        }                                                                                      \
    }

BUSY_BLOCK(blk_limit_coconut, path_limit_coconut)
BUSY_BLOCK(blk_limit_flag, path_limit_flag)
BUSY_BLOCK(blk_limit_openhcl, path_limit_openhcl)
BUSY_BLOCK(blk_reactive, path_reactive)
BUSY_BLOCK(blk_hvdb_flag, path_hvdb_flag)
BUSY_BLOCK(blk_unconditional, path_unconditional)
BUSY_BLOCK(blk_paravisor, path_paravisor)

static void blk_setup_only(void *ctx, uint64_t n)
{
    struct bp_ctx *c = ctx;
    struct altinj_vmsa *a = c->a;
    struct altinj_hvdb *d = c->db;
    const bool sig = c->signal;
    for (uint64_t i = 0; i < n; i += BP_PAGES) {
        BP_OPAQUE(a, d);
        BP_EACH(k, bp_setup(sig, bp_page(a, k), bp_db(d, k)));
        BP_OPAQUE(a, d);
        BP_EACH(k, bp_consume_baseline(c));
    }
}

typedef void (*bp_path_fn)(struct bp_ctx *c, struct altinj_vmsa *v, struct altinj_hvdb *d);

struct bp_variant {
    const char *name;
    altinj_micro_block_fn op;
    altinj_micro_block_fn limit;     /* NULL for the limits themselves */
    bp_path_fn op_path, limit_path;  /* what the blocks run, for bp_verify */
    bool signal;
};

static const struct bp_variant variants[] = {
    {"BusyPath/limit/svme_pair_copy_clear", blk_limit_coconut, NULL, path_limit_coconut, NULL,
     false},
    {"BusyPath/limit/locked_take_svme_pair_copy_clear", blk_limit_flag, NULL, path_limit_flag,
     NULL, true},
    {"BusyPath/limit/locked_rmw_2stores_release", blk_limit_openhcl, NULL, path_limit_openhcl,
     NULL, false},
    {"BusyPath/reactive", blk_reactive, blk_limit_coconut, path_reactive, path_limit_coconut,
     false},
    {"BusyPath/hvdb-flag", blk_hvdb_flag, blk_limit_flag, path_hvdb_flag, path_limit_flag, true},
    {"BusyPath/unconditional", blk_unconditional, blk_limit_coconut, path_unconditional,
     path_limit_coconut, false},
    {"BusyPath/paravisor", blk_paravisor, blk_limit_openhcl, path_paravisor, path_limit_openhcl,
     false},
};

/* Operations per block: 15-100 us (the net of a COCONUT row's block is then hundreds of clock
 * steps, so one step is well under 1 % of it; at 1024 it was 1.3 %, which showed in the
 * medians). */
#define BP_BLOCK 4096
_Static_assert(BP_BLOCK % BP_PAGES == 0, "a block is whole groups of pages");

static void bm_busy_path(altinj_gb_state *st, void *arg)
{
    const struct bp_variant *var = arg;
    struct bp_ctx ctx;
    if (!bp_alloc(&ctx, var->signal)) {
        altinj_gb_skip_with_error(st, "out of memory");
    } else {
        const struct altinj_micro_pair p = {
            .measured = var->op,
            .limit = var->limit,
            .baseline = blk_setup_only,
            .ctx = &ctx,
            .block = BP_BLOCK,
        };
        altinj_micro_run_pair(st, &p);
        if (ctx.wrong != 0)
            altinj_gb_skip_with_error(st, "a repair left a page VMRUN would not take exactly once");
        else if (bp_verify(&ctx, var->op_path) != 0 ||
                 (var->limit_path && bp_verify(&ctx, var->limit_path) != 0))
            altinj_gb_skip_with_error(
                st, "with the model's own exit and VMRUN, an event was not taken exactly once");
    }
    bp_free(&ctx);
}

void altinj_micro_register_busy_path(void)
{
    /* Wall-timed (micro_groups.h): the figures are the net of a setup and a consume several
     * times longer, in one of three blocks. */
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        altinj_micro_wall_timed(
            altinj_gb_register(variants[i].name, bm_busy_path, (void *)&variants[i]));
}
