/* kvmexit_parser: workloads/altinj_kvmexit.c on the fixtures of tests/data/kvmexit/ (one per
 * kernel format, README.md there cites each) and on every malformed case, fed inline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_kvmexit.h"

#define DATA(name) ALTINJ_TEST_DATA_DIR "/kvmexit/" name

static struct altinj_kvmexit_trace *load_ok(const char *path)
{
    struct altinj_kvmexit_trace *tr = NULL;
    char err[512] = "";
    if (altinj_kvmexit_load(path, &tr, err, sizeof(err)) != 0)
        fail_msg("load %s: %s", path, err);
    return tr;
}

static size_t reason_idx(const struct altinj_kvmexit_trace *tr, const char *name)
{
    for (size_t i = 0; i < tr->nreasons; i++)
        if (strcmp(tr->reasons[i], name) == 0)
            return i;
    fail_msg("no reason '%s'", name);
    return 0;
}

/* Linux 5.10+ format: 16 exits, AMD names, a numeric reason, "PF excp" with its space, V=1
 * lines of each type, kvm_entry/kvm_inj_virq lines and -g call chains skipped. */
static void test_intr_info_format(void **state)
{
    (void)state;
    struct altinj_kvmexit_trace *tr = load_ok(DATA("svm_5.10.txt"));
    assert_int_equal(tr->format, ALTINJ_KVMEXIT_FMT_INTR_INFO);
    assert_true(tr->has_intr_info);
    assert_false(tr->has_requests);
    assert_false(tr->vcpu_from_tid);
    assert_false(tr->vmx_names);
    assert_int_equal(tr->n, 16);
    assert_int_equal(tr->nvcpus, 2);
    assert_int_equal(tr->vcpu_id[0], 0);
    assert_int_equal(tr->vcpu_id[1], 1);
    assert_int_equal(tr->nreasons, 10);
    assert_int_equal(tr->first_ns, UINT64_C(100000000000));
    assert_int_equal(tr->last_ns, UINT64_C(101000000000));
    assert_int_equal(tr->skipped_events, 16 + 5); /* a kvm_entry per exit, 5 kvm_inj_virq */
    assert_int_equal(tr->callchain_lines, 4 * 3);
    size_t busy = 0, npf = 0, npf_busy = 0;
    for (size_t i = 0; i < tr->n; i++) {
        busy += tr->exits[i].event.valid;
        if (tr->exits[i].reason == reason_idx(tr, "npf")) {
            npf++;
            npf_busy += tr->exits[i].event.valid;
        }
    }
    assert_int_equal(busy, 5);
    assert_int_equal(npf, 6);
    assert_int_equal(npf_busy, 4);
    (void)reason_idx(tr, "PF excp");
    (void)reason_idx(tr, "0x403");
    /* Line by line: the softint (0x80000480), the INTR (0x80000030), the #PF with its error
     * code (0x80000b0e, 2), the NMI (0x80000202). */
    const struct altinj_kvmexit *e = tr->exits;
    assert_int_equal(e[1].t_ns, UINT64_C(100050000000));
    assert_int_equal(e[1].vcpu, 1);
    assert_true(e[1].event.valid);
    assert_int_equal(e[1].event.type, ALTINJ_EVENT_SOFTINT);
    assert_int_equal(e[1].event.vector, 0x80);
    assert_int_equal(e[2].event.type, ALTINJ_EVENT_EXTINT);
    assert_int_equal(e[2].event.vector, 0x30);
    assert_false(e[2].event.error_valid);
    assert_int_equal(e[10].event.type, ALTINJ_EVENT_EXCEPTION);
    assert_int_equal(e[10].event.vector, 14);
    assert_true(e[10].event.error_valid);
    assert_int_equal(e[10].event.error_code, 2);
    assert_int_equal(e[12].event.type, ALTINJ_EVENT_NMI);
    assert_int_equal(e[12].event.vector, 2);
    assert_int_equal(e[0].info1, UINT64_C(0x100000004));
    assert_int_equal(e[0].info2, UINT64_C(0xfee000b0));
    assert_int_equal(e[0].rip, UINT64_C(0xffffffff81001000));
    assert_false(e[0].event.valid);
    altinj_kvmexit_free(tr);
}

/* requests and bracketed flags, PID/TID, CRLF. */
static void test_requests_crlf(void **state)
{
    (void)state;
    struct altinj_kvmexit_trace *tr = load_ok(DATA("svm_requests_crlf.txt"));
    assert_true(tr->has_intr_info);
    assert_true(tr->has_requests);
    assert_int_equal(tr->n, 4);
    assert_int_equal(tr->nvcpus, 2);
    assert_int_equal(tr->vcpu_id[0], 3);
    assert_int_equal(tr->vcpu_id[1], 5);
    assert_int_equal(tr->exits[1].requests, 0x10);
    assert_int_equal(tr->exits[1].event.error_code, 6);
    assert_int_equal(tr->exits[3].event.vector, 0xec);
    assert_int_equal(tr->first_ns, UINT64_C(7000001000));
    altinj_kvmexit_free(tr);
}

static void test_old_formats(void **state)
{
    (void)state;
    struct altinj_kvmexit_trace *tr = load_ok(DATA("svm_info_5.5.txt"));
    assert_int_equal(tr->format, ALTINJ_KVMEXIT_FMT_INFO);
    assert_false(tr->has_intr_info);
    assert_false(tr->vcpu_from_tid);
    assert_int_equal(tr->n, 3);
    assert_int_equal(tr->exits[1].info1, 0x3f80220);
    assert_int_equal(tr->exits[1].info2, UINT64_C(0xffffffff81003012));
    altinj_kvmexit_free(tr);

    tr = load_ok(DATA("svm_info_4.x.txt"));
    assert_true(tr->vcpu_from_tid);
    assert_int_equal(tr->nvcpus, 3); /* by first appearance: 7012, 7011, 7013 */
    assert_int_equal(tr->vcpu_id[0], 7012);
    assert_int_equal(tr->vcpu_id[1], 7011);
    assert_int_equal(tr->vcpu_id[2], 7013);
    assert_int_equal(tr->exits[3].vcpu, 1);
    altinj_kvmexit_free(tr);

    tr = load_ok(DATA("svm_rip_only_2.6.txt"));
    assert_int_equal(tr->format, ALTINJ_KVMEXIT_FMT_RIP_ONLY);
    assert_false(tr->has_intr_info);
    assert_int_equal(tr->n, 2);
    assert_int_equal(tr->exits[1].rip, 0xc0100010);
    altinj_kvmexit_free(tr);

    tr = load_ok(DATA("vmx_5.10.txt"));
    assert_true(tr->vmx_names);
    altinj_kvmexit_free(tr);
}

#define OK_EXIT "x 1 [000] 1.000000: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 " \
                "info2 0x0 intr_info 0x0 error_code 0x0\n"

struct bad {
    const char *text;
    size_t len;   /* 0: strlen */
    const char *frag;
};

static const struct bad bad_cases[] = {
    {OK_EXIT "x 1 [000] 1.5x: kvm:kvm_exit: reason npf rip 0x1\n", 0, ":2: bad timestamp '1.5x:'"},
    {"x 1 [000] 99999999999999999999.000000: kvm:kvm_exit: vcpu 0 reason npf rip 0x1\n", 0,
     ":1: timestamp '99999999999999999999.000000:' overflows"},
    {"x 1 [000] 9300000000.000000: kvm:kvm_exit: vcpu 0 reason npf rip 0x1\n", 0,
     ":1: timestamp '9300000000.000000:' overflows"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0xZZ info2 0x0 intr_info 0x0 "
     "error_code 0x0\n", 0, ":1: bad info1 value '0xZZ'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info "
     "0x1ffffffff error_code 0x0\n", 0, ":1: intr_info value '0x1ffffffff' does not fit 32 bits"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info "
     "80000030 error_code 0x0\n", 0, ":1: bad intr_info value '80000030'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info "
     "0x0\n", 0, ":1: kvm:kvm_exit line ends before 'error_code'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info "
     "0x0 error_code 0x0 requests 0x12345678901234567\n", 0, ":1: bad requests value"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info 1 zz\n", 0,
     ":1: bad info value 'zz'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0xg\n", 0, ":1: bad rip value '0xg'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf\n", 0, ":1: kvm:kvm_exit without 'rip'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 rip 0x1\n", 0, ":1: kvm:kvm_exit without 'reason'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason rip 0x1\n", 0, ":1: kvm:kvm_exit with an empty"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu x reason npf rip 0x1\n", 0, ":1: bad vcpu id 'x'"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 junk\n", 0,
     ":1: unexpected 'junk' after rip"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 "
     "error_code 0x0 [guest\n", 0, ":1: unclosed '['"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 "
     "error_code 0x0 more\n", 0, ":1: unexpected 'more' after error_code"},
    {"x [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1\n", 0, ":1: missing thread id"},
    {"x 1 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1\n", 0, ":1: missing CPU field"},
    {"x 1 [000] 1.0: kvm_exit vcpu 0\n", 0, ":1: missing event name"},
    {"x 1 [000] 1.0: kvm:kvm:exit: vcpu 0\n", 0, ":1: bad event name 'kvm:kvm:exit:'"},
    {"x 1 [000] 1.0: :kvm_exit: vcpu 0\n", 0, ":1: bad event name ':kvm_exit:'"},
    /* A system-less event (a hardware event recorded beside it) is skipped, not an error; a
     * trace of nothing else has no exits (the fuzzer's crash input, fuzz/corpus/kvmexit). */
    {"x 1 [000] 1.0: kvm_exit: vcpu 0\n x 1 [000] 1.1:     4242 cycles: ffffffff81000000 x\n", 0,
     "t: no kvm:kvm_exit events in 2 lines"},
    {OK_EXIT "x 1 [000] 2.0: kvm:kvm_exit: reason npf rip 0x1\n", 0,
     ":2: kvm_exit format (reason/rip only, no vcpu id) differs from line 1's"},
    {OK_EXIT "x 1 [000] 0.5: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 "
     "intr_info 0x0 error_code 0x0\n", 0, ":2: time goes backwards on vCPU id 0"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf\0 rip 0x1\n", 56, ":1: NUL byte at column 47"},
    {"x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason \x01npf rip 0x1\n", 0,
     ":1: control byte 0x01 at column 44"},
    {"x 1 [000] 1.0: kvm:kvm_entry: vcpu 0\n# nothing else\n\n", 0,
     "t: no kvm:kvm_exit events in 3 lines"},
    {"", 0, "t: no kvm:kvm_exit events in 0 lines"},
};

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad *b = &bad_cases[i];
        const size_t len = b->len ? b->len : strlen(b->text);
        FILE *f = fmemopen((void *)b->text, len ? len : 1, "r");
        assert_non_null(f);
        if (len == 0)
            fgetc(f); /* fmemopen needs a size >= 1: read past the NUL for an empty stream */
        struct altinj_kvmexit_trace *tr = NULL;
        char err[512] = "";
        const int rc = altinj_kvmexit_load_stream(f, "t", &tr, err, sizeof(err));
        fclose(f);
        if (rc == 0 || tr != NULL || strstr(err, b->frag) == NULL || strchr(err, '\n') != NULL)
            fail_msg("case %zu: rc %d, want '%s' in: %s", i, rc, b->frag, err);
    }
}

static void test_long_line(void **state)
{
    (void)state;
    const size_t n = ALTINJ_KVMEXIT_MAX_LINE + 10;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, 'a', n);
    text[n - 1] = '\n';
    text[n] = '\0';
    FILE *f = fmemopen(text, n, "r");
    struct altinj_kvmexit_trace *tr = NULL;
    char err[512] = "";
    assert_int_not_equal(altinj_kvmexit_load_stream(f, "t", &tr, err, sizeof(err)), 0);
    fclose(f);
    free(text);
    assert_non_null(strstr(err, "t:1: line of 8202 bytes, over the 8192-byte limit"));
}

static void test_missing_file(void **state)
{
    (void)state;
    struct altinj_kvmexit_trace *tr = NULL;
    char err[512] = "";
    assert_int_not_equal(altinj_kvmexit_load(DATA("no-such.txt"), &tr, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "no-such.txt: cannot open"));
    assert_string_equal(altinj_kvmexit_type_name(4), "softint");
    assert_string_equal(altinj_kvmexit_type_name(6), "type6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intr_info_format), cmocka_unit_test(test_requests_crlf),
        cmocka_unit_test(test_old_formats),      cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_long_line),        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
