#include "altinj_output_hist.h"

#include <stdio.h>
#include <stdlib.h>

#include "altinj_atomic_file.h"
#include "altinj_hist_output.h"

/* cyclictest prints every row up to its -h limit; a row per microsecond up to the largest max
 * keeps every sample in a row without overflow, bounded so a pathological stall cannot produce
 * a gigabyte of zeros. */
#define MAX_ROWS_US 100000u

int altinj_output_hist_table_path(const char *path, const char *strategy, char *out, size_t len)
{
    const int w = snprintf(out, len, "%s.%s.hgrm", path, strategy);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

int altinj_output_hist(const char *path, const struct altinj_run_result *runs, size_t n,
                       char *err, size_t errlen)
{
    const struct altinj_hist **hists = calloc(n ? n : 1, sizeof *hists);
    if (!hists) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    uint64_t max_ns = 0;
    for (size_t i = 0; i < n; i++) {
        hists[i] = &runs[i].latency_ns;
        if (altinj_hist_max(hists[i]) > max_ns)
            max_ns = altinj_hist_max(hists[i]);
    }
    unsigned rows = (unsigned)(max_ns / 1000u) + 2;
    if (rows > MAX_ROWS_US)
        rows = MAX_ROWS_US;

    struct altinj_atomic_file af;
    int rc = altinj_atomic_file_open(&af, path, err, errlen);
    if (rc == 0) {
        if (altinj_hist_output_cyclictest(af.f, hists, n, 1000.0, rows) != 0) {
            snprintf(err, errlen, "cannot write %s", path);
            altinj_atomic_file_abort(&af);
            rc = -1;
        } else {
            rc = altinj_atomic_file_commit(&af, err, errlen);
        }
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char table[PATH_MAX];
        if (altinj_output_hist_table_path(path, runs[i].strategy, table, sizeof table) != 0) {
            snprintf(err, errlen, "cannot write %s.%s.hgrm: path too long", path,
                     runs[i].strategy);
            rc = -1;
            break;
        }
        rc = altinj_atomic_file_open(&af, table, err, errlen);
        if (rc != 0)
            break;
        if (altinj_hist_output_percentiles(af.f, hists[i], 5, 1000.0) != 0) {
            snprintf(err, errlen, "cannot write %s", table);
            altinj_atomic_file_abort(&af);
            rc = -1;
            break;
        }
        rc = altinj_atomic_file_commit(&af, err, errlen);
    }
    free(hists);
    return rc;
}
