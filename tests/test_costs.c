/* Cost profiles: built-ins, the shipped files, user files and every class of bad file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altinj_costs.h"

#define PROFILES_DIR ALTINJ_TEST_DATA_DIR "/../../core/profiles"

/* Writes text to a fresh temporary file; returns its path (static buffer per call site). */
static void write_temp(char path[64], const char *text)
{
    strcpy(path, "/tmp/altinj_costs_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
}

static void assert_close(double a, double b)
{
    if (fabs(a - b) > 0.0005 + fabs(b) * 1e-12)
        fail_msg("%.6f != %.6f", a, b);
}

static void builtins_have_the_documented_figures(void **state)
{
    (void)state;
    struct altinj_cost_profile p;
    char err[256];
    assert_int_equal(altinj_costs_load("zero", &p, err, sizeof(err)), 0);
    assert_string_equal(p.name, "zero");
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        assert_true(p.ns[k] == 0.0);
        assert_true(p.source[k][0] != '\0');
    }

    assert_int_equal(altinj_costs_load("snp", &p, err, sizeof(err)), 0);
    assert_string_equal(p.name, "snp");
    assert_close(p.ns[ALTINJ_COST_VMRUN], 3200.0 / 3.0);
    assert_close(p.ns[ALTINJ_COST_VMEXIT], 1000.0);
    assert_close(p.ns[ALTINJ_COST_VMRUN_BUSY], 6200.0 / 3.0);
    assert_close(p.ns[ALTINJ_COST_VMPL_SWITCH], 3720.0);
    assert_close(p.ns[ALTINJ_COST_DOORBELL_KICK], 1115.0);
    for (int k = 0; k < ALTINJ_COST__COUNT; k++)
        assert_true(strlen(p.source[k]) > 20);
    /* Figures without a published source must say so. */
    assert_non_null(strstr(p.source[ALTINJ_COST_VMRUN_BUSY], "ASSUMPTION"));
    assert_non_null(strstr(p.source[ALTINJ_COST_DOORBELL_KICK], "ASSUMPTION"));
    assert_non_null(strstr(p.source[ALTINJ_COST_VMPL_SWITCH], "CVM_eval"));
    assert_non_null(strstr(p.source[ALTINJ_COST_VMRUN], "3.0 GHz"));

    assert_null(altinj_costs_builtin("SNP"));
    assert_null(altinj_costs_builtin(NULL));
    assert_non_null(altinj_costs_builtin("snp"));
}

static void shipped_snp_conf_matches_builtin(void **state)
{
    (void)state;
    struct altinj_cost_profile file, builtin;
    char err[512] = "";
    const char *path = PROFILES_DIR "/snp.conf";
    if (altinj_costs_load(path, &file, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(altinj_costs_load("snp", &builtin, err, sizeof(err)), 0);
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        assert_close(file.ns[k], builtin.ns[k]);
        /* file figures are sourced by file:line plus the line's comment */
        assert_non_null(strstr(file.source[k], "snp.conf:"));
    }
    assert_non_null(strstr(file.source[ALTINJ_COST_VMRUN_BUSY], "ASSUMPTION"));

    const char *custom = PROFILES_DIR "/example-custom.conf";
    if (altinj_costs_load(custom, &file, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_string_equal(file.name, "example-custom");
    assert_close(file.ns[ALTINJ_COST_VMEXIT], 1083.333);
    assert_close(file.ns[ALTINJ_COST_DOORBELL_KICK], 1029.0);
    assert_close(file.ns[ALTINJ_COST_VMRUN], builtin.ns[ALTINJ_COST_VMRUN]);
    assert_non_null(strstr(file.source[ALTINJ_COST_VMRUN], "inherited from snp"));
}

static void good_file_loads_with_sources(void **state)
{
    (void)state;
    char path[64];
    write_temp(path, "# full profile\r\n"
                     "\n"
                     "name = lab-box_1.2\n"
                     "  vmrun_ns=100   # measured with perf\n"
                     "vmexit_ns = 200.5\n"
                     "vmrun_busy_ns = 0\n"
                     "\tvmpl_switch_ns = 1e3 \r\n"
                     "doorbell_kick_ns = 1000000000\n");
    struct altinj_cost_profile p;
    char err[256] = "";
    if (altinj_costs_load(path, &p, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.name, "lab-box_1.2");
    assert_true(p.ns[ALTINJ_COST_VMRUN] == 100.0);
    assert_true(p.ns[ALTINJ_COST_VMEXIT] == 200.5);
    assert_true(p.ns[ALTINJ_COST_VMRUN_BUSY] == 0.0);
    assert_true(p.ns[ALTINJ_COST_VMPL_SWITCH] == 1000.0);
    assert_true(p.ns[ALTINJ_COST_DOORBELL_KICK] == 1e9);
    char expect[128];
    snprintf(expect, sizeof(expect), "%s:4: measured with perf", path);
    assert_string_equal(p.source[ALTINJ_COST_VMRUN], expect);
    snprintf(expect, sizeof(expect), "%s:5", path);
    assert_string_equal(p.source[ALTINJ_COST_VMEXIT], expect);
    unlink(path);

    /* No name: the path names it. */
    write_temp(path, "inherit=zero\nvmpl_switch_ns = 5\n");
    assert_int_equal(altinj_costs_load(path, &p, err, sizeof(err)), 0);
    assert_string_equal(p.name, path);
    assert_true(p.ns[ALTINJ_COST_VMPL_SWITCH] == 5.0);
    assert_true(p.ns[ALTINJ_COST_VMRUN] == 0.0);
    assert_non_null(strstr(p.source[ALTINJ_COST_VMRUN], "inherited from zero"));
    unlink(path);
}

static void inherit_fills_missing_keys(void **state)
{
    (void)state;
    char path[64];
    /* inherit may come after the keys it completes */
    write_temp(path, "vmexit_ns = 1\nname = partial\ninherit = snp\n");
    struct altinj_cost_profile p, snp;
    char err[256] = "";
    assert_int_equal(altinj_costs_load("snp", &snp, err, sizeof(err)), 0);
    if (altinj_costs_load(path, &p, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_true(p.ns[ALTINJ_COST_VMEXIT] == 1.0);
    for (int k = 0; k < ALTINJ_COST__COUNT; k++)
        if (k != ALTINJ_COST_VMEXIT) {
            assert_true(p.ns[k] == snp.ns[k]);
            assert_non_null(strstr(p.source[k], "inherited from snp"));
        }
    unlink(path);
}

struct bad_case {
    const char *text;
    unsigned line; /* 0: error names the file but no line */
    const char *problem;
};

static void malformed_files_are_rejected_with_line(void **state)
{
    (void)state;
    static const char ok4[] = "vmrun_ns = 1\nvmexit_ns = 2\nvmrun_busy_ns = 3\n";
    static const struct bad_case cases[] = {
        { "vmrun_ns = 1\nfrobnicate_ns = 2\n", 2, "unknown key 'frobnicate_ns'" },
        { "vmrun_ns = 1\n# c\nvmrun_ns = 2\n", 3, "duplicate key 'vmrun_ns' (first set on line 1)" },
        { "vmpl_switch_ns = -1\n", 1, "negative" },
        { "\n\nvmexit_ns = nan\n", 3, "NaN" },
        { "vmexit_ns = -NaN\n", 1, "NaN" },
        { "vmexit_ns = inf\n", 1, "infinite" },
        { "vmexit_ns = 1e999\n", 1, "infinite" },
        { "vmexit_ns = 1e-999\n", 1, "out of range" },
        { "vmexit_ns = 1000000000.5\n", 1, "exceeds 1 s" },
        { "vmexit_ns = 12abc\n", 1, "trailing garbage" },
        { "vmexit_ns = 12 ns\n", 1, "trailing garbage" },
        { "vmexit_ns = abc\n", 1, "not a number" },
        { "vmexit_ns = 0x10\n", 1, "not a decimal number" },
        { "vmexit_ns =\n", 1, "has no value" },
        { "= 5\n", 1, "missing key" },
        { "vmexit_ns 5\n", 1, "expected key = value" },
        { "inherit = snp\ninherit = zero\n", 2, "duplicate key 'inherit'" },
        { "inherit = fast\n", 1, "inherit must be 'snp' or 'zero'" },
        { "name = snp\n", 1, "reserved" },
        { "name = has space\n", 1, "must be 1-63 characters" },
        { "name = a\nname = b\n", 2, "duplicate key 'name'" },
        { "VMRUN_NS = 1\n", 1, "unknown key" },
        { "vmrun = 1\n", 1, "unknown key" },
        { ok4, 0, "missing key(s) vmpl_switch_ns, doorbell_kick_ns" },
        { "", 0, "missing key(s) vmrun_ns, vmexit_ns, vmrun_busy_ns, vmpl_switch_ns" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[64];
        write_temp(path, cases[i].text);
        struct altinj_cost_profile p, before;
        memset(&p, 0x5A, sizeof(p));
        before = p;
        char err[512] = "";
        int rc = altinj_costs_load(path, &p, err, sizeof(err));
        unlink(path);
        if (rc == 0)
            fail_msg("case %zu accepted: %s", i, cases[i].text);
        char where[96];
        if (cases[i].line)
            snprintf(where, sizeof(where), "%s:%u: ", path, cases[i].line);
        else
            snprintf(where, sizeof(where), "%s: ", path);
        if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, cases[i].problem))
            fail_msg("case %zu: error '%s' lacks '%s' / '%s'", i, err, where, cases[i].problem);
        assert_memory_equal(&p, &before, sizeof(p)); /* untouched on failure */
    }
}

static void unreadable_files_are_rejected(void **state)
{
    (void)state;
    struct altinj_cost_profile p;
    char err[512] = "";
    assert_int_equal(altinj_costs_load("/nonexistent/dir/costs.conf", &p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/dir/costs.conf: cannot open"));
    assert_int_equal(altinj_costs_load("/tmp", &p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/tmp:"));
    assert_int_equal(altinj_costs_load("", &p, err, sizeof(err)), -1);
    /* A NUL byte inside a line. */
    char path[64];
    strcpy(path, "/tmp/altinj_costs_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "vmrun_ns = 1\0\n", 14), 14);
    close(fd);
    assert_int_equal(altinj_costs_load(path, &p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ":1: NUL byte"));
    unlink(path);
    /* Tiny or absent error buffers are fine. */
    char tiny[8];
    assert_int_equal(altinj_costs_load("/nonexistent", &p, tiny, sizeof(tiny)), -1);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(altinj_costs_load("/nonexistent", &p, NULL, 0), -1);
}

static void print_lists_every_kind(void **state)
{
    (void)state;
    struct altinj_cost_profile p;
    char err[256];
    assert_int_equal(altinj_costs_load("snp", &p, err, sizeof(err)), 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(altinj_costs_print(f, &p), 0);
    rewind(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "cost profile: snp\n");
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        assert_non_null(fgets(line, sizeof(line), f));
        char name[32];
        double ns;
        assert_int_equal(sscanf(line, " %31s %lf ns", name, &ns), 2);
        assert_string_equal(name, altinj_cost_kind_name((enum altinj_cost_kind)k));
        assert_close(ns, p.ns[k]);
        assert_non_null(strstr(line, p.source[k]));
    }
    assert_null(fgets(line, sizeof(line), f));
    fclose(f);

    f = fopen("/dev/full", "w");
    if (f) {
        assert_int_equal(altinj_costs_print(f, &p), -1);
        fclose(f);
    }
}

static void to_cycles_converts_and_validates(void **state)
{
    (void)state;
    struct altinj_cost_profile p;
    char err[256];
    assert_int_equal(altinj_costs_load("snp", &p, err, sizeof(err)), 0);
    uint64_t c[ALTINJ_COST__COUNT];
    assert_int_equal(altinj_costs_to_cycles(&p, 3000000000u, c), 0);
    assert_int_equal(c[ALTINJ_COST_VMRUN], 3200);
    assert_int_equal(c[ALTINJ_COST_VMEXIT], 3000);
    assert_int_equal(c[ALTINJ_COST_VMRUN_BUSY], 6200);
    assert_int_equal(c[ALTINJ_COST_VMPL_SWITCH], 11160);
    assert_int_equal(c[ALTINJ_COST_DOORBELL_KICK], 3345);
    assert_int_equal(altinj_costs_to_cycles(&p, 1500000000u, c), 0);
    assert_int_equal(c[ALTINJ_COST_VMRUN], 1600);

    uint64_t untouched[ALTINJ_COST__COUNT] = { 1, 2, 3, 4, 5 };
    memcpy(c, untouched, sizeof(c));
    assert_int_equal(altinj_costs_to_cycles(&p, 0, c), -1);
    p.ns[ALTINJ_COST_VMEXIT] = NAN;
    assert_int_equal(altinj_costs_to_cycles(&p, 3000000000u, c), -1);
    p.ns[ALTINJ_COST_VMEXIT] = -1;
    assert_int_equal(altinj_costs_to_cycles(&p, 3000000000u, c), -1);
    assert_memory_equal(c, untouched, sizeof(c));

    assert_int_equal(altinj_costs_load("zero", &p, err, sizeof(err)), 0);
    assert_int_equal(altinj_costs_to_cycles(&p, 3000000000u, c), 0);
    for (int k = 0; k < ALTINJ_COST__COUNT; k++)
        assert_int_equal(c[k], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtins_have_the_documented_figures),
        cmocka_unit_test(shipped_snp_conf_matches_builtin),
        cmocka_unit_test(good_file_loads_with_sources),
        cmocka_unit_test(inherit_fills_missing_keys),
        cmocka_unit_test(malformed_files_are_rejected_with_line),
        cmocka_unit_test(unreadable_files_are_rejected),
        cmocka_unit_test(print_lists_every_kind),
        cmocka_unit_test(to_cycles_converts_and_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
