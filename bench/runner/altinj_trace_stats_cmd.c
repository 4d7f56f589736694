#include "altinj_trace_stats_cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_atomic_file.h"
#include "altinj_kvmexit.h"

#define ERR_LEN 1024
/* The kernel release whose kvm_exit first prints intr_info: Linux 5.10.13's trace.h has it
 * (tests/data/kvmexit/README.md). */
#define NO_INTR_INFO_MSG                                                                        \
    "no intr_info in this trace (kernel before 5.10): BUSY fraction unknown; use busy="

void altinj_trace_stats_usage(FILE *f)
{
    fputs("usage: altinj-bench trace-stats [--json OUT|-] FILE\n"
          "\n"
          "Reads FILE, the `perf script` text of kvm:kvm_exit recorded on a KVM host\n"
          "(scripts/record-host-trace does the recording), and prints the exit mix and the\n"
          "measured BUSY fraction:\n"
          "  - total exits, the span (first to last timestamp) and exits per second;\n"
          "  - per exit reason and per vCPU: exits, exits per second, exits with\n"
          "    EXITINTINFO.V=1 (intr_info bit 31) and their share;\n"
          "  - the BUSY fraction: the V=1 share of all exits. Such an exit cut an event\n"
          "    delivery, and under Alternate Injection would leave the VMSA BUSY; it is the\n"
          "    measured counterpart of the busy= workload key;\n"
          "  - the cut events by type (intr, nmi, exception, softint), vector and EV.\n"
          "\n"
          "Formats (workloads/altinj_kvmexit.h, tests/data/kvmexit/README.md): Linux 5.10 and\n"
          "later ('intr_info 0x.. error_code 0x..', with or without 'requests 0x..'); older\n"
          "kernels ('info X Y', or only 'reason R rip 0x..') print no intr_info: the mix is\n"
          "shown and the output says \"" NO_INTR_INFO_MSG "\".\n"
          "The vCPU is the printed 'vcpu N' where the kernel prints it, else the thread id,\n"
          "numbered by first appearance. Other events (kvm:kvm_entry, ...), perf record -g\n"
          "call chains, blank and '#' lines are skipped.\n"
          "The BUSY fraction needs an AMD (SVM) host: on Intel (VMX) intr_info is the exit's\n"
          "own interruption information, and the output warns when the reasons are VMX names.\n"
          "Interrupt traces (irq:*, irq_vectors:*) are not read here: they carry no EXITINTINFO,\n"
          "so there is no BUSY fraction to measure; replay them with the trace: workload.\n"
          "\n"
          "Options:\n"
          "  --json OUT|-   also write the figures as JSON (whole or not at all); - writes\n"
          "                 it to stdout instead of the text. Fields: tool, file, format\n"
          "                 (intr_info, info, rip_only), has_intr_info, has_requests,\n"
          "                 vcpus_from (vcpu_id, tid), vmx_names, exits, first_s, last_s,\n"
          "                 span_s, exits_per_s, busy_exits, busy_fraction (null without\n"
          "                 intr_info), note, reasons[{reason, exits, per_s, busy,\n"
          "                 busy_share}], vcpus[{vcpu, id, exits, per_s, busy, busy_share}],\n"
          "                 cut_events[{type, type_code, vector, error_code_valid, count}];\n"
          "                 per_s is null when the span is 0.\n"
          "  -h, --help     this text\n"
          "\n"
          "Exit status: 0 printed (also without intr_info); 1 writing failed; 2 bad usage or\n"
          "a bad trace (one line: FILE:LINE: problem).\n",
          f);
}

struct bucket {
    size_t exits, busy;
};

struct cut {
    uint8_t type, vector;
    bool ev;
    size_t count;
};

struct stats {
    const struct altinj_kvmexit_trace *tr;
    struct bucket *reason, *vcpu;
    size_t *reason_order;
    struct cut *cuts;
    size_t ncuts, busy;
    double span_s;
};

static const struct stats *sort_ctx;

static int by_count(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const size_t cx = sort_ctx->reason[x].exits, cy = sort_ctx->reason[y].exits;
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return strcmp(sort_ctx->tr->reasons[x], sort_ctx->tr->reasons[y]);
}

static int by_cut(const void *a, const void *b)
{
    const struct cut *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->vector != y->vector)
        return x->vector < y->vector ? -1 : 1;
    return (int)x->ev - (int)y->ev;
}

static int compute(struct stats *s, const struct altinj_kvmexit_trace *tr)
{
    memset(s, 0, sizeof(*s));
    s->tr = tr;
    s->reason = calloc(tr->nreasons, sizeof(*s->reason));
    s->vcpu = calloc(tr->nvcpus, sizeof(*s->vcpu));
    s->reason_order = calloc(tr->nreasons, sizeof(*s->reason_order));
    s->cuts = calloc(8 * 256 * 2, sizeof(*s->cuts));
    if (!s->reason || !s->vcpu || !s->reason_order || !s->cuts)
        return -1;
    for (size_t i = 0; i < tr->n; i++) {
        const struct altinj_kvmexit *e = &tr->exits[i];
        s->reason[e->reason].exits++;
        s->vcpu[e->vcpu].exits++;
        if (!tr->has_intr_info || !e->event.valid)
            continue;
        s->busy++;
        s->reason[e->reason].busy++;
        s->vcpu[e->vcpu].busy++;
        /* One slot per (type, vector, EV): at most 4096, counted in place then compacted. */
        struct cut *c = &s->cuts[((size_t)e->event.type * 256 + e->event.vector) * 2 +
                                 (e->event.error_valid ? 1 : 0)];
        c->type = e->event.type;
        c->vector = e->event.vector;
        c->ev = e->event.error_valid;
        c->count++;
    }
    for (size_t i = 0; i < 8 * 256 * 2; i++)
        if (s->cuts[i].count > 0)
            s->cuts[s->ncuts++] = s->cuts[i];
    qsort(s->cuts, s->ncuts, sizeof(*s->cuts), by_cut);
    for (size_t i = 0; i < tr->nreasons; i++)
        s->reason_order[i] = i;
    sort_ctx = s;
    qsort(s->reason_order, tr->nreasons, sizeof(*s->reason_order), by_count);
    s->span_s = (double)(tr->last_ns - tr->first_ns) / 1e9;
    return 0;
}

static void stats_free(struct stats *s)
{
    free(s->reason);
    free(s->vcpu);
    free(s->reason_order);
    free(s->cuts);
}

static const char *format_key(enum altinj_kvmexit_format f)
{
    return f == ALTINJ_KVMEXIT_FMT_INTR_INFO ? "intr_info"
           : f == ALTINJ_KVMEXIT_FMT_INFO    ? "info"
                                             : "rip_only";
}

static void fmt_s(char *buf, size_t len, uint64_t ns)
{
    snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, ns / 1000000000u, ns % 1000000000u / 1000u);
}

static void fmt_rate(char *buf, size_t len, size_t n, double span_s)
{
    if (span_s > 0)
        snprintf(buf, len, "%.1f", (double)n / span_s);
    else
        snprintf(buf, len, "n/a");
}

static void print_text(FILE *o, const char *path, const struct stats *s)
{
    const struct altinj_kvmexit_trace *tr = s->tr;
    char a[32], b[32], r[32];
    fprintf(o, "trace-stats: %s\n", path);
    fprintf(o, "format: kvm_exit, %s%s; vCPUs from %s\n",
            tr->format == ALTINJ_KVMEXIT_FMT_INTR_INFO ? "intr_info (Linux 5.10+)"
            : tr->format == ALTINJ_KVMEXIT_FMT_INFO    ? "info X Y (no intr_info)"
                                                       : "reason and rip only (no intr_info)",
            tr->has_requests ? ", requests" : "",
            tr->vcpu_from_tid ? "thread ids (first appearance)" : "vcpu ids");
    fmt_s(a, sizeof(a), tr->first_ns);
    fmt_s(b, sizeof(b), tr->last_ns);
    fmt_rate(r, sizeof(r), tr->n, s->span_s);
    fprintf(o, "exits: %zu over %.6f s (%s to %s), %s exits/s, %zu vCPUs\n", tr->n, s->span_s, a,
            b, r, tr->nvcpus);
    if (tr->has_intr_info)
        fprintf(o, "BUSY fraction (exits with EXITINTINFO.V=1): %zu of %zu = %.4f\n", s->busy,
                tr->n, (double)s->busy / (double)tr->n);
    else
        fprintf(o, "%s\n", NO_INTR_INFO_MSG);
    if (tr->vmx_names)
        fprintf(o, "warning: the reasons are Intel VMX names; there intr_info is the exit's own "
                   "interruption information, not EXITINTINFO: the V=1 share is not the BUSY "
                   "fraction\n");

    size_t w = strlen("reason");
    for (size_t i = 0; i < tr->nreasons; i++)
        if (strlen(tr->reasons[i]) > w)
            w = strlen(tr->reasons[i]);
    fprintf(o, "\n%-*s %10s %12s", (int)w, "reason", "exits", "per_s");
    if (tr->has_intr_info)
        fprintf(o, " %8s %9s", "V=1", "V=1_share");
    fputc('\n', o);
    for (size_t k = 0; k < tr->nreasons; k++) {
        const size_t i = s->reason_order[k];
        fmt_rate(r, sizeof(r), s->reason[i].exits, s->span_s);
        fprintf(o, "%-*s %10zu %12s", (int)w, tr->reasons[i], s->reason[i].exits, r);
        if (tr->has_intr_info)
            fprintf(o, " %8zu %9.4f", s->reason[i].busy,
                    (double)s->reason[i].busy / (double)s->reason[i].exits);
        fputc('\n', o);
    }

    fprintf(o, "\n%-5s %10s %10s %12s", "vcpu", tr->vcpu_from_tid ? "tid" : "id", "exits",
            "per_s");
    if (tr->has_intr_info)
        fprintf(o, " %8s %9s", "V=1", "V=1_share");
    fputc('\n', o);
    for (size_t i = 0; i < tr->nvcpus; i++) {
        fmt_rate(r, sizeof(r), s->vcpu[i].exits, s->span_s);
        fprintf(o, "%-5zu %10" PRIu32 " %10zu %12s", i, tr->vcpu_id[i], s->vcpu[i].exits, r);
        if (tr->has_intr_info)
            fprintf(o, " %8zu %9.4f", s->vcpu[i].busy,
                    (double)s->vcpu[i].busy / (double)s->vcpu[i].exits);
        fputc('\n', o);
    }

    if (!tr->has_intr_info)
        return;
    fprintf(o, "\ncut events (V=1): %zu\n", s->busy);
    if (s->ncuts > 0)
        fprintf(o, "%-10s %6s %3s %10s\n", "type", "vector", "EV", "count");
    for (size_t i = 0; i < s->ncuts; i++)
        fprintf(o, "%-10s %#6x %3d %10zu\n", altinj_kvmexit_type_name(s->cuts[i].type),
                s->cuts[i].vector, s->cuts[i].ev ? 1 : 0, s->cuts[i].count);
}

static json_t *rate_json(size_t n, double span_s)
{
    return span_s > 0 ? json_real((double)n / span_s) : json_null();
}

static json_t *build_json(const char *path, const struct stats *s)
{
    const struct altinj_kvmexit_trace *tr = s->tr;
    json_t *reasons = json_array(), *vcpus = json_array(), *cuts = json_array();
    for (size_t k = 0; k < tr->nreasons; k++) {
        const size_t i = s->reason_order[k];
        json_array_append_new(
            reasons,
            json_pack("{s:s, s:I, s:o, s:o, s:o}", "reason", tr->reasons[i], "exits",
                      (json_int_t)s->reason[i].exits, "per_s",
                      rate_json(s->reason[i].exits, s->span_s), "busy",
                      tr->has_intr_info ? json_integer((json_int_t)s->reason[i].busy)
                                        : json_null(),
                      "busy_share",
                      tr->has_intr_info
                          ? json_real((double)s->reason[i].busy / (double)s->reason[i].exits)
                          : json_null()));
    }
    for (size_t i = 0; i < tr->nvcpus; i++)
        json_array_append_new(
            vcpus, json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "vcpu", (json_int_t)i, "id",
                             (json_int_t)tr->vcpu_id[i], "exits", (json_int_t)s->vcpu[i].exits,
                             "per_s", rate_json(s->vcpu[i].exits, s->span_s), "busy",
                             tr->has_intr_info ? json_integer((json_int_t)s->vcpu[i].busy)
                                               : json_null(),
                             "busy_share",
                             tr->has_intr_info ? json_real((double)s->vcpu[i].busy /
                                                           (double)s->vcpu[i].exits)
                                               : json_null()));
    for (size_t i = 0; i < s->ncuts; i++)
        json_array_append_new(
            cuts, json_pack("{s:s, s:i, s:i, s:b, s:I}", "type",
                            altinj_kvmexit_type_name(s->cuts[i].type), "type_code",
                            (int)s->cuts[i].type, "vector", (int)s->cuts[i].vector,
                            "error_code_valid", s->cuts[i].ev, "count",
                            (json_int_t)s->cuts[i].count));
    return json_pack(
        "{s:s, s:s, s:s, s:b, s:b, s:s, s:b, s:I, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o}",
        "tool", "altinj-bench trace-stats", "file", path, "format", format_key(tr->format),
        "has_intr_info", tr->has_intr_info, "has_requests", tr->has_requests, "vcpus_from",
        tr->vcpu_from_tid ? "tid" : "vcpu_id", "vmx_names", tr->vmx_names, "exits",
        (json_int_t)tr->n, "first_s", (double)tr->first_ns / 1e9, "last_s",
        (double)tr->last_ns / 1e9, "span_s", s->span_s, "exits_per_s", rate_json(tr->n, s->span_s),
        "busy_exits", tr->has_intr_info ? json_integer((json_int_t)s->busy) : json_null(),
        "busy_fraction",
        tr->has_intr_info ? json_real((double)s->busy / (double)tr->n) : json_null(), "note",
        tr->has_intr_info ? json_null() : json_string(NO_INTR_INFO_MSG), "reasons", reasons,
        "vcpus", vcpus, "cut_events", cuts);
}

static int fail(int status, const char *msg)
{
    fprintf(stderr, "altinj-bench trace-stats: %s\n", msg);
    return status;
}

int altinj_trace_stats_command(int argc, char **argv)
{
    enum { OPT_JSON = 256 };
    static const struct option opts[] = {
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *json = NULL;
    opterr = 0;
    optind = 0; /* a full getopt reset, as run, merge and compare do */
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            json = optarg;
            break;
        case 'h':
            altinj_trace_stats_usage(stdout);
            return 0;
        case ':':
            return fail(2, "--json needs a value (OUT or -); see trace-stats --help");
        default: {
            char msg[256];
            snprintf(msg, sizeof(msg), "unknown option '%s' (see trace-stats --help)",
                     argv[optind - 1]);
            return fail(2, msg);
        }
        }
    }
    if (argc - optind != 1)
        return fail(2, argc - optind == 0 ? "missing FILE (see trace-stats --help)"
                                          : "one FILE only (see trace-stats --help)");
    if (json != NULL && *json == '\0')
        return fail(2, "--json: empty path");
    const char *path = argv[optind];
    char err[ERR_LEN];
    const bool json_stdout = json != NULL && strcmp(json, "-") == 0;
    if (json != NULL && !json_stdout) {
        if (strcmp(json, path) == 0)
            return fail(2, "--json: OUT is the input trace; refusing to overwrite it");
        if (altinj_atomic_file_check(json, err, sizeof(err)) != 0)
            return fail(2, err);
    }
    struct altinj_kvmexit_trace *tr = NULL;
    if (altinj_kvmexit_load(path, &tr, err, sizeof(err)) != 0)
        return fail(2, err);
    struct stats s;
    int rc = 0;
    if (compute(&s, tr) != 0) {
        rc = fail(1, "out of memory");
        goto out;
    }
    if (!json_stdout)
        print_text(stdout, path, &s);
    if (json != NULL) {
        json_t *root = build_json(path, &s);
        if (root == NULL) {
            rc = fail(1, "out of memory building the JSON");
            goto out;
        }
        const size_t flags = JSON_INDENT(2) | JSON_REAL_PRECISION(12);
        if (json_stdout) {
            if (json_dumpf(root, stdout, flags) != 0 || fputc('\n', stdout) == EOF)
                rc = fail(1, "cannot write the JSON to stdout");
        } else {
            struct altinj_atomic_file af;
            bool written = altinj_atomic_file_open(&af, json, err, sizeof(err)) == 0;
            if (written && (json_dumpf(root, af.f, flags) != 0 || fputc('\n', af.f) == EOF)) {
                altinj_atomic_file_abort(&af);
                snprintf(err, sizeof(err), "cannot write %s", json);
                written = false;
            } else if (written) {
                written = altinj_atomic_file_commit(&af, err, sizeof(err)) == 0;
            }
            if (!written)
                rc = fail(1, err);
        }
        json_decref(root);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = fail(1, "cannot write to stdout");
out:
    stats_free(&s);
    altinj_kvmexit_free(tr);
    return rc;
}
