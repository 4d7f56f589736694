/* The simulator's building blocks: the (time, id) heap and the kick-time queue agree with a
 * brute-force reference on random operations; the scheduler is canonical with exploration off
 * and reproducible with it on; routes map every source to exactly one vCPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "altinj_sim_queue.h"
#include "altinj_sim_route.h"
#include "altinj_sim_sched.h"

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void heap_matches_reference(void **state)
{
    (void)state;
    enum { N = 200 };
    struct altinj_sim_heap h;
    assert_int_equal(altinj_sim_heap_init(&h, N), 0);
    uint64_t ref[N]; /* ref[id] = time, or UINT64_MAX when absent */
    for (unsigned i = 0; i < N; i++)
        ref[i] = UINT64_MAX;
    uint64_t x = 12345;
    for (unsigned op = 0; op < 100000; op++) {
        const uint64_t r = xorshift(&x);
        if (r % 3 == 0 || altinj_sim_heap_empty(&h)) {
            const uint32_t id = (uint32_t)(r >> 8) % N;
            if (ref[id] != UINT64_MAX)
                continue;
            ref[id] = (r >> 20) % 64; /* many ties on purpose */
            assert_true(altinj_sim_heap_push(&h, ref[id], id));
        }
        /* The top is the smallest (time, id). */
        uint32_t best = N;
        for (uint32_t i = 0; i < N; i++)
            if (ref[i] != UINT64_MAX && (best == N || ref[i] < ref[best]))
                best = i;
        const struct altinj_sim_heap_entry top = altinj_sim_heap_top(&h);
        assert_int_equal(top.id, best);
        assert_int_equal(top.time, ref[best]);
        if (r % 3 == 1) {
            ref[best] = UINT64_MAX;
            altinj_sim_heap_pop(&h);
        } else if (r % 3 == 2) {
            ref[best] = (r >> 30) % 64;
            altinj_sim_heap_retime_top(&h, ref[best]);
        }
    }
    altinj_sim_heap_destroy(&h);
}

static void heap_full_and_empty(void **state)
{
    (void)state;
    struct altinj_sim_heap h;
    assert_int_equal(altinj_sim_heap_init(&h, 2), 0);
    assert_int_equal(altinj_sim_heap_top_time(&h), UINT64_MAX);
    assert_true(altinj_sim_heap_push(&h, 5, 1));
    assert_true(altinj_sim_heap_push(&h, 5, 0));
    assert_false(altinj_sim_heap_push(&h, 1, 2));
    assert_int_equal(altinj_sim_heap_top(&h).id, 0); /* tie: lower id */
    altinj_sim_heap_destroy(&h);
    assert_int_equal(altinj_sim_heap_init(&h, 0), 0);
    assert_true(altinj_sim_heap_empty(&h));
    assert_false(altinj_sim_heap_push(&h, 1, 0));
    altinj_sim_heap_destroy(&h);
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void times_sorted_and_growing(void **state)
{
    (void)state;
    struct altinj_sim_times q;
    assert_int_equal(altinj_sim_times_init(&q), 0);
    assert_int_equal(altinj_sim_times_first(&q), UINT64_MAX);
    uint64_t x = 99, ref[5000];
    size_t n = 0, taken = 0;
    for (unsigned op = 0; op < 20000; op++) {
        const uint64_t r = xorshift(&x);
        if (r % 4 != 0 && n < 5000) {
            /* Mostly increasing, sometimes earlier: kicks leave in order but not always. */
            const uint64_t t = op * 10 - (r % 8 == 0 ? r % 500 : 0);
            ref[n++] = t;
            assert_int_equal(altinj_sim_times_add(&q, t), 0);
            qsort(ref + taken, n - taken, sizeof *ref, cmp_u64);
        } else if (taken < n) {
            assert_int_equal(altinj_sim_times_first(&q), ref[taken]);
            altinj_sim_times_drop(&q);
            taken++;
        }
        assert_int_equal(q.n, n - taken);
    }
    while (taken < n) {
        assert_int_equal(altinj_sim_times_first(&q), ref[taken++]);
        altinj_sim_times_drop(&q);
    }
    altinj_sim_times_destroy(&q);
}

static void sched_canonical_and_reproducible(void **state)
{
    (void)state;
    struct altinj_sim_sched off, a, b, other;
    altinj_sim_sched_init(&off, 1, 0, false, 0.5);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(altinj_sim_sched_landing(&off, i & 1), ALTINJ_SIM_LAND_NOW);
        assert_true(altinj_sim_sched_post_first(&off));
        assert_false(altinj_sim_sched_recut(&off, 1));
    }
    altinj_sim_sched_init(&a, 7, 3, true, 0.5);
    altinj_sim_sched_init(&b, 7, 3, true, 0.5);
    altinj_sim_sched_init(&other, 7, 4, true, 0.5);
    unsigned seen[ALTINJ_SIM_LAND_YIELD0 + ALTINJ_YIELD__COUNT] = {0};
    unsigned differ = 0, recuts = 0;
    for (int i = 0; i < 4000; i++) {
        const enum altinj_sim_landing la = altinj_sim_sched_landing(&a, true);
        assert_int_equal(la, altinj_sim_sched_landing(&b, true));
        differ += la != altinj_sim_sched_landing(&other, true);
        assert_true(la < ALTINJ_SIM_LAND_YIELD0 + ALTINJ_YIELD__COUNT);
        seen[la]++;
        const bool r = altinj_sim_sched_recut(&a, 1);
        assert_int_equal(r, altinj_sim_sched_recut(&b, 1));
        recuts += r;
    }
    /* Every SVSM yield point and the end of the switch are chosen; NEXT is for other switches. */
    assert_true(seen[ALTINJ_SIM_LAND_NOW] > 600);
    assert_int_equal(seen[ALTINJ_SIM_LAND_NEXT], 0);
    for (unsigned p = 0; p < ALTINJ_YIELD__COUNT; p++)
        assert_true(seen[ALTINJ_SIM_LAND_YIELD0 + p] > 600);
    assert_true(differ > 1000); /* another vCPU draws another stream */
    assert_true(recuts > 1700 && recuts < 2300);
    /* Bounded: never a cut beyond ALTINJ_SIM_MAX_RECUTS re-deliveries. */
    assert_false(altinj_sim_sched_recut(&a, ALTINJ_SIM_MAX_RECUTS + 1));
    /* Landing rule: a write aimed at yield point k lands there or later, or at any switch end. */
    const uint8_t at_taken = ALTINJ_SIM_LAND_YIELD0 + ALTINJ_YIELD_DOORBELL_TAKEN;
    assert_false(altinj_sim_sched_lands(at_taken, ALTINJ_YIELD_SVSM_ENTERED));
    assert_true(altinj_sim_sched_lands(at_taken, ALTINJ_YIELD_DOORBELL_TAKEN));
    assert_true(altinj_sim_sched_lands(at_taken, ALTINJ_YIELD_SVSM_LEAVING));
    assert_true(altinj_sim_sched_lands(at_taken, -1));
    assert_true(altinj_sim_sched_lands(ALTINJ_SIM_LAND_NEXT, ALTINJ_YIELD_SVSM_ENTERED));
}

static void routes_map_each_source_once(void **state)
{
    (void)state;
    char err[256];
    struct altinj_sim_route r;
    const char *names[] = {"all", "rr", "3"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(altinj_sim_route_parse(names[i], 8, &r, err, sizeof err), 0);
        for (unsigned s = 0; s < 20; s++) {
            unsigned targets = 0;
            for (unsigned t = 0; t < 8; t++)
                targets += altinj_sim_route_posts(&r, 8, t, s);
            assert_int_equal(targets, r.kind == ALTINJ_SIM_ROUTE_ALL ? 8 : 1);
            for (unsigned t = 0; t < 8; t++)
                if (altinj_sim_route_posts(&r, 8, t, s) && s < 7)
                    assert_int_not_equal(altinj_sim_route_sender(&r, 8, t, s), t);
        }
    }
    assert_int_equal(altinj_sim_route_parse("8", 8, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "--route"));
    assert_int_equal(altinj_sim_route_parse("x", 8, &r, err, sizeof err), -1);
    assert_int_equal(altinj_sim_route_parse("-1", 8, &r, err, sizeof err), -1);
    /* vCPU 0 of route all draws the run's own sequence; the others draw their own. */
    bool unpin;
    assert_true(altinj_sim_route_parse("all", 8, &r, err, sizeof err) == 0);
    assert_int_equal(altinj_sim_route_seed(&r, 42, 0, &unpin), 42);
    assert_false(unpin);
    const uint64_t s1 = altinj_sim_route_seed(&r, 42, 1, &unpin);
    assert_true(unpin);
    assert_int_not_equal(s1, 42);
    assert_int_not_equal(s1, altinj_sim_route_seed(&r, 42, 2, &unpin));
    /* ipi: senders are other vCPUs, so there must be enough of them. */
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse("ipi:senders=8,rate=1000", &wl, err, sizeof err), 0);
    assert_int_equal(altinj_sim_route_check(&r, &wl, 8, err, sizeof err), -1);
    assert_non_null(strstr(err, "senders=8"));
    assert_int_equal(altinj_sim_route_check(&r, &wl, 9, err, sizeof err), 0);
    assert_int_equal(altinj_sim_route_check(&r, &wl, 1, err, sizeof err), 0);
    altinj_workload_spec_free(&wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heap_matches_reference),
        cmocka_unit_test(heap_full_and_empty),
        cmocka_unit_test(times_sorted_and_growing),
        cmocka_unit_test(sched_canonical_and_reproducible),
        cmocka_unit_test(routes_map_each_source_once),
    };
    return cmocka_run_group_tests_name("sim_queue", tests, NULL, NULL);
}
