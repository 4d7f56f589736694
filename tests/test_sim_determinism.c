/*
 * `altinj-bench run --mode sim` is reproducible: the same inputs give the same JSON and the same
 * histogram files byte for byte, with no host-dependent value in them; another seed gives
 * another result; and a vCPU among many behaves exactly as the only vCPU of a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "altinj_costs.h"
#include "altinj_run_cmd.h"
#include "altinj_sim.h"

static char dir[] = "/tmp/altinj-sim-det-XXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        const size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    assert_true(la > 0);
    assert_int_equal(la, lb);
    assert_memory_equal(x, y, la);
    free(x);
    free(y);
}

/* Runs the CLI: `run --mode sim <extra...> --json DIR/NAME.json --hist DIR/NAME.hist -q`. */
static int run_cli(const char *name, const char *seed, const char *spec, const char *vcpus)
{
    char json[256], hist[256];
    snprintf(json, sizeof json, "%s/%s.json", dir, name);
    snprintf(hist, sizeof hist, "%s/%s.hist", dir, name);
    char *argv[] = {"run",     "--mode",  "sim",    "--vcpus", (char *)vcpus, "-w",
                    (char *)spec, "-n",   "60000",  "-c",      "snp",         "--seed",
                    (char *)seed, "--json", json,   "--hist",  hist,          "-q",
                    NULL};
    return altinj_run_command((int)(sizeof argv / sizeof argv[0]) - 1, argv);
}

#define SPEC "ipi:senders=3,rate=400000,busy=0.2,exc=0.05"

static void same_seed_same_bytes(void **state)
{
    (void)state;
    assert_int_equal(run_cli("a", "9", SPEC, "16"), 0);
    assert_int_equal(run_cli("b", "9", SPEC, "16"), 0);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    assert_same_file(a, b);
    snprintf(a, sizeof a, "%s/a.hist", dir);
    snprintf(b, sizeof b, "%s/b.hist", dir);
    assert_same_file(a, b);
    const char *strategies[] = {"reactive", "hvdb-flag", "unconditional", "paravisor"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "%s/a.hist.%s.hgrm", dir, strategies[i]);
        snprintf(b, sizeof b, "%s/b.hist.%s.hgrm", dir, strategies[i]);
        assert_same_file(a, b);
    }

    /* What the JSON says about the machine is the simulated machine, not the host. */
    snprintf(a, sizeof a, "%s/a.json", dir);
    json_error_t jerr;
    json_t *doc = json_load_file(a, 0, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "mode")), "sim");
    json_t *machine = json_object_get(doc, "machine");
    assert_int_equal(json_integer_value(json_object_get(machine, "clock_hz")), 1000000000);
    assert_int_equal(json_integer_value(json_object_get(machine, "cpus")), 16);
    assert_string_equal(json_string_value(json_object_get(machine, "host")), "simulation");
    json_t *runs = json_object_get(doc, "runs");
    assert_int_equal(json_array_size(runs), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(runs, i);
        assert_string_equal(json_string_value(json_object_get(r, "mode")), "sim");
        assert_int_equal(json_integer_value(json_object_get(r, "vcpus")), 16);
        assert_int_equal(json_integer_value(json_object_get(r, "events")), 60000);
        assert_true(json_is_true(json_object_get(r, "exactly_once")));
        assert_true(json_real_value(json_object_get(r, "wall_s")) == 0.0);
    }
    json_decref(doc);
}

static void other_seed_other_bytes(void **state)
{
    (void)state;
    assert_int_equal(run_cli("c", "9", SPEC, "16"), 0);
    assert_int_equal(run_cli("d", "10", SPEC, "16"), 0);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/c.json", dir);
    snprintf(b, sizeof b, "%s/d.json", dir);
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    assert_false(la == lb && memcmp(x, y, la) == 0);
    free(x);
    free(y);
}

/* vCPU 0 draws the one-vCPU run's sequence and its own scheduler stream, and nothing couples
 * vCPUs: routed all sources to vCPU 0 of 32, it behaves exactly as the only vCPU of a run. */
static void vcpu0_is_the_single_vcpu_run(void **state)
{
    (void)state;
    char err[256];
    struct altinj_workload_spec wl;
    assert_int_equal(altinj_workload_parse("poisson:rate=150000,busy=0.2", &wl, err, sizeof err),
                     0);
    struct altinj_sim_config cfg = {
        .strategy = altinj_strategy_find("hvdb-flag"), .workload = &wl,
        .costs = altinj_costs_builtin("snp"), .seed = 4, .vcpus = 1, .explore = true,
        .duration_ns = 20000000};
    struct altinj_run_result one, many;
    assert_int_equal(altinj_run_result_init(&one, "hvdb-flag", "sim"), 0);
    assert_int_equal(altinj_sim_run(&cfg, &one, NULL, err, sizeof err), ALTINJ_SIM_OK);
    cfg.vcpus = 32;
    cfg.route = (struct altinj_sim_route){.kind = ALTINJ_SIM_ROUTE_ONE, .vcpu = 0};
    assert_int_equal(altinj_run_result_init(&many, "hvdb-flag", "sim"), 0);
    assert_int_equal(altinj_sim_run(&cfg, &many, NULL, err, sizeof err), ALTINJ_SIM_OK);
    assert_true(altinj_run_result_ok(&one));
    assert_true(altinj_run_result_ok(&many));
    /* The 31 idle vCPUs add only their launch each: one VMPL0 run (3720 cycles in snp, a
     * doorbell read finding nothing) and the first VMRUN (1067 cycles). */
    assert_int_equal(many.c.vmruns, one.c.vmruns + 31);
    assert_int_equal(many.c.hv_cycles, one.c.hv_cycles + 31 * 1067);
    assert_int_equal(many.c.svsm_entries, one.c.svsm_entries + 31);
    assert_int_equal(many.c.svsm_by_reason[ALTINJ_SVSM_START],
                     one.c.svsm_by_reason[ALTINJ_SVSM_START] + 31);
    assert_int_equal(many.c.doorbell_reads, one.c.doorbell_reads + 31);
    assert_int_equal(many.c.svsm_cycles, one.c.svsm_cycles + 31 * 3720);
    many.c.vmruns = one.c.vmruns;
    many.c.hv_cycles = one.c.hv_cycles;
    many.c.svsm_entries = one.c.svsm_entries;
    many.c.svsm_by_reason[ALTINJ_SVSM_START] = one.c.svsm_by_reason[ALTINJ_SVSM_START];
    many.c.doorbell_reads = one.c.doorbell_reads;
    many.c.svsm_cycles = one.c.svsm_cycles;
    assert_memory_equal(&one.c, &many.c, sizeof one.c);
    assert_int_equal(one.posted, many.posted);
    assert_true(altinj_hist_mean(&one.latency_ns) == altinj_hist_mean(&many.latency_ns));
    assert_int_equal(altinj_hist_max(&one.latency_ns), altinj_hist_max(&many.latency_ns));
    altinj_run_result_free(&one);
    altinj_run_result_free(&many);
    altinj_workload_spec_free(&wl);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(other_seed_other_bytes),
        cmocka_unit_test(vcpu0_is_the_single_vcpu_run),
    };
    return cmocka_run_group_tests_name("sim_determinism", tests, setup, teardown);
}
