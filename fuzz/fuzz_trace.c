/* The perf-script trace parser on arbitrary bytes (fmemopen, no file): it must return a trace
 * or one line of error, never crash, leak or read out of bounds; a trace it returns must be
 * consistent (sorted per CPU, vectors 32..255, times relative to the first event). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_wl_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses a zero-length buffer */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct altinj_trace *tr = NULL;
    char err[256] = "";
    /* Odd first byte: the cpus= filter path too (CPUs 0 and 3). */
    uint64_t mask[(ALTINJ_WL_MAX_CPU + 1) / 64] = {0};
    mask[0] = 0x9;
    const int rc = altinj_trace_load_stream(f, "fuzz", (data[0] & 1) ? mask : NULL, &tr, err,
                                            sizeof err);
    fclose(f);
    if (rc != 0) {
        if (tr || err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (!tr || tr->ncpus == 0 || tr->total == 0)
        abort();
    size_t total = 0;
    for (unsigned c = 0; c < tr->ncpus; c++) {
        const struct altinj_trace_cpu *tc = &tr->cpu[c];
        if (tc->n == 0 || (c > 0 && tc->cpu <= tr->cpu[c - 1].cpu))
            abort();
        for (size_t i = 0; i < tc->n; i++)
            if (tc->vector[i] < 0x20 || tc->t_ns[i] > tr->span_ns ||
                (i > 0 && tc->t_ns[i] < tc->t_ns[i - 1]))
                abort();
        total += tc->n;
    }
    if (total != tr->total)
        abort();
    altinj_trace_free(tr);
    return 0;
}
