/* A poster thread writes the doorbell page and the source ring while the vCPU thread consumes
 * them, for a million events per strategy, with deliveries cut at random: nothing lost, nothing
 * twice. Built under ThreadSanitizer in CI, where it checks the memory orders, not just luck.
 * ALTINJ_TEST_EVENTS overrides the event count (the default is 1,000,000).
 *
 * Every named row runs with one vector (COCONUT's pending_vector path). With 200 vectors (irr
 * plus multiple_vectors) COCONUT's shipped pass is not exactly once: a post that cancels the
 * switch re-runs the pass on a stale EXITINTINFO (tests/test_conformance.c
 * coconut_cancelled_switch_*), so the many-vector runs pair COCONUT's hypervisors with the
 * proposed coconut-clear-eii pass instead, next to hvdb-flag and paravisor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <cmocka.h>

#include <immintrin.h>

#include "world_harness.h"

struct shared {
    struct harness *h;
    uint64_t events;
    unsigned vectors;        /* posts cycle over vectors 0x30.. (1..200) */
    _Atomic uint32_t kick;   /* the poster's IPI */
    _Atomic uint32_t done;   /* the poster has posted everything */
};

static void *poster(void *arg)
{
    struct shared *sh = arg;
    struct harness *h = sh->h;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    for (uint64_t seq = 0; seq < sh->events; seq++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const struct altinj_irq irq = {
            .seq = seq, .vector = (uint8_t)(0x30 + x % sh->vectors), .type = ALTINJ_EVENT_EXTINT,
            .delivery_cut = (x >> 20) % 10 == 0};
        while (!altinj_ring_push(&h->ring, &irq))
            _mm_pause();
        altinj_hvdb_post_irq(h->hvdb, ALTINJ_GUEST_VMPL, irq.vector);
        /* Only the poster that sets NoFurtherSignal kicks: a lost wakeup in that protocol
         * leaves a record undelivered, which the stall check below turns into a failure. */
        if (altinj_hvdb_signal(h->hvdb))
            /* release: pairs with the acquire exchange in the vCPU loop (a kick must not
             * overtake the doorbell write it announces). */
            atomic_store_explicit(&sh->kick, 1, memory_order_release);
    }
    /* release: pairs with the acquire load of done in the vCPU loop. */
    atomic_store_explicit(&sh->done, 1, memory_order_release);
    return NULL;
}

static void run_strategy(const struct altinj_strategy *s, uint64_t events, unsigned vectors)
{
    print_message("  %s, %u vector(s)\n", s->name, vectors);
    struct harness h;
    assert_int_equal(harness_init(&h, s, events), 0);
    h.max_cuts = 2;
    struct shared sh = {.h = &h, .events = events, .vectors = vectors};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, poster, &sh), 0);

    bool finished = false;
    while (!finished) {
        enum altinj_step st = altinj_vcpu_enter(&h.vcpu);
        if (st == ALTINJ_STEP_GUEST_RUNNING)
            st = harness_guest(&h);
        assert_int_not_equal(st, ALTINJ_STEP_FATAL);
        if (st == ALTINJ_STEP_EXITED)
            continue;
        /* The guest runs until kicked, or until the poster is done and nothing is left. */
        for (uint64_t idle = 0;; idle++) {
            /* acquire: pairs with the poster's release store of kick. */
            if (atomic_exchange_explicit(&sh.kick, 0, memory_order_acquire))
                break;
            /* acquire: pairs with the poster's release store of done. */
            if (atomic_load_explicit(&sh.done, memory_order_acquire) &&
                !atomic_load_explicit(&sh.kick, memory_order_relaxed) &&
                !altinj_vcpu_busy(&h.vcpu)) {
                finished = true;
                break;
            }
            /* Events left undelivered with no kick coming: a lost wakeup. ~1e9 pauses is far
             * beyond any scheduling delay on a loaded 2-core machine under TSan. */
            if (idle > UINT64_C(1000000000) && altinj_vcpu_busy(&h.vcpu))
                fail_msg("stall: events undelivered and no kick (lost wakeup)");
            _mm_pause();
        }
        if (!finished)
            altinj_vcpu_exit(&h.vcpu, ALTINJ_VMEXIT_INTR);
    }
    pthread_join(t, NULL);
    h.posted = events;
    expect_exactly_once(&h);
    /* A tenth of the posts are marked to be cut; posts of one vector coalesce, so it is a
     * share of the interrupts. */
    assert_true(h.vcpu.c.busy_events >= h.vcpu.c.interrupts / 20);
    /* Reactive's hypervisor meets a cut with VMEXIT_BUSY unless doorbell work had it run VMPL0
     * first; the others never fail a VMRUN. */
    if (s->hv == &altinj_hv_never)
        assert_true(h.vcpu.c.failed_vmruns > 0 && h.vcpu.c.failed_vmruns <= h.vcpu.c.busy_events);
    else
        assert_int_equal(h.vcpu.c.failed_vmruns, 0);
    harness_destroy(&h);
}

static uint64_t events_from_env(void)
{
    const char *e = getenv("ALTINJ_TEST_EVENTS");
    if (e && *e) {
        char *end;
        const unsigned long long n = strtoull(e, &end, 10);
        if (*end == '\0' && n > 0)
            return n;
    }
    return 1000000;
}

static void poster_and_consumer_each_strategy(void **state)
{
    (void)state;
    const uint64_t events = events_from_env();
    for (size_t i = 0; i < altinj_strategy_count(); i++)
        run_strategy(altinj_strategy_at(i), events, 1);
    static const char *const many[] = {"hvdb-flag", "paravisor", "never+coconut-clear-eii",
                                       "exitintinfo+coconut-clear-eii"};
    for (size_t i = 0; i < sizeof many / sizeof many[0]; i++) {
        const struct altinj_strategy *s = altinj_strategy_find(many[i]);
        assert_non_null(s);
        run_strategy(s, events, 200);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(poster_and_consumer_each_strategy),
    };
    return cmocka_run_group_tests_name("doorbell_threads", tests, NULL, NULL);
}
