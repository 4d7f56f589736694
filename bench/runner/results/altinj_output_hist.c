#include "altinj_output_hist.h"

#include <stdio.h>
#include <stdlib.h>

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

int altinj_output_hist(FILE *f, const struct altinj_run_result *runs, size_t n)
{
    const struct altinj_hist **hists = calloc(n ? n : 1, sizeof *hists);
    if (!hists)
        return -1;
    uint64_t max_ns = 0;
    for (size_t i = 0; i < n; i++) {
        hists[i] = &runs[i].latency_ns;
        if (altinj_hist_max(hists[i]) > max_ns)
            max_ns = altinj_hist_max(hists[i]);
    }
    unsigned rows = (unsigned)(max_ns / 1000u) + 2;
    if (rows > MAX_ROWS_US)
        rows = MAX_ROWS_US;
    const int rc = altinj_hist_output_cyclictest(f, hists, n, 1000.0, rows);
    free(hists);
    return rc != 0 || ferror(f) ? -1 : 0;
}

int altinj_output_hist_table(FILE *f, const struct altinj_run_result *run)
{
    return altinj_hist_output_percentiles(f, &run->latency_ns, 5, 1000.0) != 0 || ferror(f) ? -1
                                                                                            : 0;
}
