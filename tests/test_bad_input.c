/* Garbage into every parser and every file input: the trace file, the cost file, the workload
 * spec and the fault spec. Each must refuse with one line that names the input, never crash,
 * never accept. Random bytes come from a fixed seed, so a failure reproduces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "altinj_costs.h"
#include "altinj_faults.h"
#include "altinj_workload.h"

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint8_t rnd_byte(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint8_t)(rng >> 24);
}

/* Random bytes, or random printable text with some '=', ',', ':' and newlines. */
static size_t garbage(char *buf, size_t max, bool text)
{
    const size_t n = 1 + rnd_byte() % (max - 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = rnd_byte();
        if (text) {
            static const char alphabet[] = "abz09.=,:-_ []#\n\tx/e+";
            b = (b & 1) ? (uint8_t)(0x20 + b % 95) : (uint8_t)alphabet[b % (sizeof alphabet - 1)];
        }
        buf[i] = (char)b;
    }
    return n;
}

static void one_line_naming(const char *err, const char *name)
{
    assert_true(err[0] != '\0');
    assert_null(strchr(err, '\n'));
    if (name && !strstr(err, name))
        fail_msg("error '%s' does not name '%s'", err, name);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static char dir[] = "/tmp/altinj-bad-input-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/f", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    return rmdir(dir);
}

static void cost_file_garbage(void **state)
{
    (void)state;
    char path[128], buf[2048];
    snprintf(path, sizeof path, "%s/f", dir);
    for (int i = 0; i < 400; i++) {
        const size_t n = garbage(buf, sizeof buf, i % 2);
        write_file(path, buf, n);
        struct altinj_cost_profile p;
        char err[512] = "";
        /* Random text can only pass by spelling all five keys with valid numbers. */
        assert_int_equal(altinj_costs_load(path, &p, err, sizeof err), -1);
        one_line_naming(err, path);
    }
    /* A directory, an empty file, a missing file. */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *bad[] = {sub, path, "/nonexistent/altinj.conf"};
    write_file(path, "", 0);
    for (size_t i = 0; i < 3; i++) {
        struct altinj_cost_profile p;
        char err[512] = "";
        assert_int_equal(altinj_costs_load(bad[i], &p, err, sizeof err), -1);
        one_line_naming(err, bad[i]);
    }
    /* Binary input is named as such, not echoed. */
    write_file(path, "vmrun_ns = \x1b[31m1\n", 18);
    struct altinj_cost_profile p;
    char err[512] = "";
    assert_int_equal(altinj_costs_load(path, &p, err, sizeof err), -1);
    one_line_naming(err, "control byte 0x1b");
    assert_null(strchr(err, '\x1b'));
}

static void trace_file_garbage(void **state)
{
    (void)state;
    char path[128], spec[160], buf[2048];
    snprintf(path, sizeof path, "%s/f", dir);
    snprintf(spec, sizeof spec, "trace:file=%s", path);
    for (int i = 0; i < 400; i++) {
        const size_t n = garbage(buf, sizeof buf, i % 2);
        write_file(path, buf, n);
        struct altinj_workload_spec s;
        char err[512] = "";
        assert_int_equal(altinj_workload_parse(spec, &s, err, sizeof err), -1);
        one_line_naming(err, path);
    }
    char sub[160];
    snprintf(sub, sizeof sub, "trace:file=%s/sub", dir);
    mkdir(sub + strlen("trace:file="), 0700);
    struct altinj_workload_spec s;
    char err[512] = "";
    assert_int_equal(altinj_workload_parse(sub, &s, err, sizeof err), -1);
    one_line_naming(err, "sub");
    static const char bell[] = "swapper 0 [000] 1.0: irq_vectors:local_timer_entry: vector=236\x07\n";
    write_file(path, bell, strlen(bell));
    assert_int_equal(altinj_workload_parse(spec, &s, err, sizeof err), -1);
    one_line_naming(err, "control byte 0x07");
}

static void workload_spec_garbage(void **state)
{
    (void)state;
    char buf[512];
    for (int i = 0; i < 2000; i++) {
        const size_t n = garbage(buf, sizeof buf - 1, i % 4 != 0);
        buf[n] = '\0';
        if (strstr(buf, "file="))
            continue; /* a random path is not garbage this test controls */
        struct altinj_workload_spec s;
        char err[512] = "";
        if (altinj_workload_parse(buf, &s, err, sizeof err) == 0) {
            altinj_workload_spec_free(&s); /* "timer:hz=9" by chance is fine */
            continue;
        }
        one_line_naming(err, "workload");
    }
}

static void fault_spec_garbage(void **state)
{
    (void)state;
    char buf[512];
    for (int i = 0; i < 2000; i++) {
        const size_t n = garbage(buf, sizeof buf - 1, i % 4 != 0);
        buf[n] = '\0';
        struct altinj_fault_spec s;
        char err[512] = "";
        if (altinj_fault_spec_parse(buf, &s, err, sizeof err) == 0)
            continue;
        one_line_naming(err, "faults");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cost_file_garbage),
        cmocka_unit_test(trace_file_garbage),
        cmocka_unit_test(workload_spec_garbage),
        cmocka_unit_test(fault_spec_garbage),
    };
    return cmocka_run_group_tests_name("bad_input", tests, setup, teardown);
}
