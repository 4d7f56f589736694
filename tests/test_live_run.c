/* The live engine end to end on real threads: every strategy, zero-cost profile, a few
 * thousand events with cut deliveries; exactly-once, the reactive closed form, and the
 * latency histogram holds one sample per delivery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "altinj_costs.h"
#include "altinj_live.h"
#include "altinj_workload.h"

static void run_all(const char *spec, size_t max_events)
{
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse(spec, &wl, err, sizeof err), 0);
    struct altinj_arrival *arr;
    size_t count;
    assert_int_equal(altinj_workload_pregenerate(&wl, 7, max_events, UINT64_MAX, &arr, &count), 0);
    assert_int_equal(count, max_events);
    struct altinj_tsc_clock clock;
    assert_int_equal(altinj_tsc_calibrate(&clock, err, sizeof err), 0);
    struct altinj_live_config cfg = {
        .arrivals = arr, .count = count, .nsources = altinj_workload_sources(&wl),
        .clock = &clock, .drain_timeout_s = 30, .workload = &wl, .seed = 7};
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        struct altinj_run_result r;
        assert_int_equal(altinj_run_result_init(&r, altinj_strategy_at(i)->name, "live"), 0);
        cfg.strategy = altinj_strategy_at(i);
        assert_int_equal(altinj_live_run(&cfg, &r, err, sizeof err), 0);
        assert_true(altinj_run_result_ok(&r));
        assert_int_equal(r.verdict.delivered, count);
        assert_int_equal(altinj_hist_count(&r.latency_ns), count);
        /* Every interrupt posted through the doorbell; the guest raises its exceptions. */
        assert_int_equal(r.poster_doorbell_writes + r.c.guest_raised, count);
        assert_true(r.c.busy_events > 0);
        assert_int_equal(altinj_hist_count(&r.busy_redelivery_ns) <= r.c.busy_events, 1);
        /* Reactive meets a cut with VMEXIT_BUSY unless doorbell work ran VMPL0 first. */
        if (strcmp(r.strategy, "reactive") == 0)
            assert_true(r.c.failed_vmruns > 0 && r.c.failed_vmruns <= r.c.busy_events);
        else
            assert_int_equal(r.c.failed_vmruns, 0);
        assert_true(r.placement[0] != '\0');
        altinj_run_result_free(&r);
    }
    free(arr);
    altinj_workload_spec_free(&wl);
}

static void poisson_all_strategies(void **state)
{
    (void)state;
    run_all("poisson:rate=200000,busy=0.2,exc=0.1", 20000);
}

static void ipi_fan_in_all_strategies(void **state)
{
    (void)state;
    run_all("ipi:senders=4,rate=200000,busy=0.1", 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(poisson_all_strategies),
        cmocka_unit_test(ipi_fan_in_all_strategies),
    };
    return cmocka_run_group_tests_name("live_run", tests, NULL, NULL);
}
