/*
 * Text renderings of altinj_hist that existing tools read.
 *
 * Both writers print to a FILE *, fflush() it at the end and return 0, or -1 when a write
 * (or the flush) failed or an argument is invalid (errno EINVAL then). Output is
 * locale-independent only in the "C" numeric locale: the harness never calls setlocale().
 */
#ifndef ALTINJ_HIST_OUTPUT_H
#define ALTINJ_HIST_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "altinj_hist.h"

/* cyclictest -h style histogram (rt-tests cyclictest.c print_hist()), one column per
 * histogram (cyclictest has one per thread; we use one per strategy):
 *
 *   # Histogram
 *   000000 000000<TAB>000012        <- "%06d " row in us, then "%06llu" per column, TAB-separated
 *   ...                             <- rows 0 .. rows_us - 1, every row printed
 *   # Total: 000001000 000001000    <- " %09llu": samples counted in the rows (no overflows)
 *   # Min Latencies: 00003 00004    <- " %05llu": floor(min / values_per_us)
 *   # Avg Latencies: 00005 00006    <- floor(mean / values_per_us)
 *   # Max Latencies: 00120 00033    <- floor(max / values_per_us)
 *   # Histogram Overflows: 00002 00000   <- samples at or above rows_us microseconds
 *   # Histogram Overflow at cycle number:
 *   # Thread 0: # 00002 others      <- we keep no cycle numbers, so only cyclictest's
 *   # Thread 1:                        "others" tail appears
 *   (blank line)
 *
 * values_per_us: recorded units per microsecond (1000.0 for ns, tsc_hz / 1e6 for cycles).
 * A sample's row is floor(value / values_per_us). Samples are taken at their sub-bucket's
 * middle value clamped to [min, max] (exact below 2048 units); a sub-bucket that straddles
 * a microsecond boundary (possible only at >= 16384 units when values_per_us = 1000)
 * is counted whole in one row, so a row can be off by one for samples within v/2048 of
 * the boundary. Empty histograms print zeros (cyclictest would print its 1000000 initial
 * min). Invalid: n == 0, a NULL histogram, values_per_us not > 0, rows_us == 0 or
 * > 10000000. Allocates one small cursor per column (fails with -1 if it cannot). */
int altinj_hist_output_cyclictest(FILE *f, const struct altinj_hist *const *hists, size_t n,
                                  double values_per_us, unsigned rows_us);

/* HdrHistogram outputPercentileDistribution() text table (the Java implementation's
 * exact formats, 3 value decimals as for 3 significant digits):
 *
 *          Value     Percentile TotalCount 1/(1-Percentile)
 *   (blank line)
 *         123.455 0.000000000000          1           1.00
 *   ...                                                  <- "%12.3f %2.12f %10llu %14.2f"
 *        9999.000 1.000000000000     100000              <- last row: no 4th column
 *   #[Mean    =      251.123, StdDeviation   =       12.345]
 *   #[Max     =     9999.000, Total count    =       100000]
 *   #[Buckets =           54, SubBuckets     =         2048]
 *
 * Rows follow HdrHistogram's PercentileIterator: levels 0, then steps of
 * 100 / (ticks_per_half_distance * 2^(floor(log2(100 / (100 - level))) + 1)), i.e.
 * ticks_per_half_distance rows per halving of the remaining distance to 100 %; a row is
 * emitted when a non-empty sub-bucket's cumulative percentile reaches the level, and a
 * final 100 % row ends the table. HdrHistogram's default ticks_per_half_distance is 5.
 * Values are divided by value_unit_scale (e.g. 1000.0 to print ns as us).
 * Deviation from HdrHistogram, deliberate: values are the sub-bucket's highest
 * equivalent value clamped to the exact [min, max] (so the 100 % row and #[Max] show the
 * exact max), and Mean is exact (see altinj_hist_mean/stddev).
 * An empty histogram prints the header and the footer only. Invalid:
 * ticks_per_half_distance == 0, value_unit_scale not > 0. Allocates nothing. */
int altinj_hist_output_percentiles(FILE *f, const struct altinj_hist *h,
                                   unsigned ticks_per_half_distance, double value_unit_scale);

#endif
