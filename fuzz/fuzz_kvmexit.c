/* The kvm:kvm_exit `perf script` reader on arbitrary bytes: altinj_kvmexit_load_stream
 * (fmemopen, no file) must return a trace or one line of error, never crash, leak or read out
 * of bounds, and a trace it returns must keep altinj_kvmexit.h's promises (at least one exit,
 * indices in range, reasons and vCPUs distinct and numbered by first appearance, timestamps
 * non-decreasing per vCPU, first_ns/last_ns the extremes, fields a format lacks left 0, each
 * event the decoding of its intr_info and error_code). A trace the reader accepts then goes
 * through altinj_workload_parse("kvmexit:file=...") as run -w would give it (the bytes in a
 * memfd, named by /proc/self/fd), whose replay must account for every exit line exactly once
 * (altinj_workload.h, struct altinj_kvmexit_counts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "altinj_event.h"
#include "altinj_exit_codes.h"
#include "altinj_kvmexit.h"
#include "altinj_workload.h"

static void check_trace(const struct altinj_kvmexit_trace *tr)
{
    if (tr->n == 0 || tr->exits == NULL || tr->nreasons == 0 || tr->nvcpus == 0 ||
        tr->nreasons > ALTINJ_KVMEXIT_MAX_REASONS || tr->nvcpus > ALTINJ_KVMEXIT_MAX_VCPUS)
        abort();
    if (tr->format != ALTINJ_KVMEXIT_FMT_RIP_ONLY && tr->format != ALTINJ_KVMEXIT_FMT_INFO &&
        tr->format != ALTINJ_KVMEXIT_FMT_INTR_INFO)
        abort();
    if (tr->has_intr_info != (tr->format == ALTINJ_KVMEXIT_FMT_INTR_INFO))
        abort();
    if (tr->has_requests && !tr->has_intr_info)
        abort(); /* requests follows error_code: only the intr_info format prints it */
    /* Every exit line, skipped event and call-chain line is one line read. */
    if (tr->lines < tr->n + tr->skipped_events + tr->callchain_lines)
        abort();
    for (size_t i = 0; i < tr->nreasons; i++) {
        const char *r = tr->reasons[i];
        const size_t len = r != NULL ? strlen(r) : 0;
        /* As printed with its tokens joined by one space: no empty, padded or doubled gap. */
        if (len == 0 || r[0] == ' ' || r[len - 1] == ' ' || strstr(r, "  ") || strchr(r, '\t'))
            abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(tr->reasons[j], r) == 0)
                abort();
    }
    for (size_t i = 0; i < tr->nvcpus; i++)
        for (size_t j = 0; j < i; j++)
            if (tr->vcpu_id[j] == tr->vcpu_id[i])
                abort();
    uint64_t *last = calloc(tr->nvcpus, sizeof *last);
    if (last == NULL)
        abort();
    uint64_t lo = UINT64_MAX, hi = 0;
    uint32_t next_reason = 0, next_vcpu = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const struct altinj_kvmexit *e = &tr->exits[i];
        if (e->vcpu >= tr->nvcpus || e->reason >= tr->nreasons || e->t_ns > (uint64_t)INT64_MAX)
            abort();
        /* By first appearance: a new index is the next one. */
        if (e->reason > next_reason || e->vcpu > next_vcpu)
            abort();
        if (e->reason == next_reason)
            next_reason++;
        if (e->vcpu == next_vcpu)
            next_vcpu++;
        if (e->t_ns < last[e->vcpu])
            abort();
        last[e->vcpu] = e->t_ns;
        lo = e->t_ns < lo ? e->t_ns : lo;
        hi = e->t_ns > hi ? e->t_ns : hi;
        if (tr->format == ALTINJ_KVMEXIT_FMT_RIP_ONLY && (e->info1 != 0 || e->info2 != 0))
            abort();
        if (!tr->has_intr_info && (e->intr_info != 0 || e->error_code != 0))
            abort();
        if (!tr->has_requests && e->requests != 0)
            abort();
        const uint64_t raw = (uint64_t)e->intr_info |
                             (uint64_t)e->error_code << ALTINJ_EVENT_ERRCODE_SHIFT;
        if (altinj_event_encode(&e->event) != raw)
            abort();
    }
    free(last);
    if (next_reason != tr->nreasons || next_vcpu != tr->nvcpus)
        abort(); /* a reason or vCPU no exit line uses */
    if (tr->first_ns != lo || tr->last_ns != hi)
        abort();
}

/* The trace as a kvmexit workload: every exit line of the trace (no vcpus=: all selected) is
 * a cut, an interrupt post or a plain exit, and the sources hand out exactly those. */
static void check_workload(const uint8_t *data, size_t size,
                           const struct altinj_kvmexit_trace *tr)
{
    const int fd = memfd_create("altinj-fuzz-kvmexit", 0);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < size) {
        const ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) {
            close(fd);
            return;
        }
        done += (size_t)w;
    }
    char spec[128];
    /* Without intr_info busy= is required; with it, refused. */
    snprintf(spec, sizeof spec, "kvmexit:file=/proc/self/fd/%d%s", fd,
             tr->has_intr_info ? "" : ",busy=0.25");
    struct altinj_workload_spec s;
    char err[512] = "";
    if (altinj_workload_parse(spec, &s, err, sizeof err) != 0) {
        /* Refusals of a readable trace (VMX names, nothing to deliver, over 256 vCPUs) are
         * allowed; each must be one line. */
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        close(fd);
        return;
    }
    if (tr->vmx_names)
        abort(); /* kvmexit replays AMD traces only */
    struct altinj_kvmexit_counts c;
    if (!altinj_workload_kvmexit_counts(&s, &c))
        abort();
    uint64_t v1 = 0, by_reason = 0;
    for (size_t i = 0; i < tr->n; i++)
        v1 += tr->has_intr_info && tr->exits[i].event.valid;
    for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
        by_reason += c.by_reason[r];
    if (c.intr_info != tr->has_intr_info || c.exits != tr->n || by_reason != c.exits ||
        c.v1 != v1 || c.cut_interrupts + c.cut_raised + c.v1_reserved_type != c.v1 ||
        c.cut_interrupts + c.cut_raised + c.interrupt_posts + c.plain != c.exits)
        abort();
    const unsigned sources = altinj_workload_sources(&s);
    if (sources != tr->nvcpus)
        abort();
    uint64_t arrivals = 0, busy = 0, plain = 0;
    for (unsigned src = 0; src < sources; src++) {
        struct altinj_arrivals *g = altinj_arrivals_create(&s, src, 1);
        struct altinj_exits *x = altinj_exits_create_vcpu(&s, src, 1);
        if (g == NULL || x == NULL)
            abort();
        struct altinj_arrival a;
        uint64_t t = 0;
        while (altinj_arrivals_next(g, &a)) {
            if (a.t_ns < t || a.source != src || a.t_ns >= ALTINJ_WL_HORIZON_NS)
                abort();
            t = a.t_ns;
            arrivals++;
            busy += a.busy;
        }
        struct altinj_exit_arrival xa;
        t = 0;
        while (altinj_exits_next(x, &xa)) {
            if (xa.t_ns < t || xa.reason >= ALTINJ_EXIT_R__COUNT)
                abort();
            t = xa.t_ns;
            plain++;
        }
        altinj_exits_destroy(x);
        altinj_arrivals_destroy(g);
    }
    if (arrivals != c.cut_interrupts + c.cut_raised + c.interrupt_posts ||
        arrivals != altinj_workload_trace_events(&s) || plain != c.plain)
        abort();
    /* With intr_info the V=1 lines decide which deliveries are cut; busy= draws otherwise. */
    if (tr->has_intr_info && busy != c.cut_interrupts + c.cut_raised)
        abort();
    altinj_workload_spec_free(&s);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses a zero-length buffer */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct altinj_kvmexit_trace *tr = NULL;
    char err[256] = "";
    const int rc = altinj_kvmexit_load_stream(f, "fuzz", &tr, err, sizeof err);
    fclose(f);
    if (rc != 0) {
        if (tr || err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (!tr)
        abort();
    check_trace(tr);
    check_workload(data, size, tr);
    altinj_kvmexit_free(tr);
    return 0;
}
