#include "altinj_hist_output.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define CYCLICTEST_MAX_ROWS 10000000u

/* Formatted output that remembers the first failure, so callers write straight-line code
 * and check once at the end. */
struct sink {
    FILE *f;
    bool failed;
};

__attribute__((format(printf, 2, 3)))
static void out(struct sink *s, const char *fmt, ...)
{
    if (s->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(s->f, fmt, ap) < 0)
        s->failed = true;
    va_end(ap);
}

static int finish(struct sink *s)
{
    if (fflush(s->f) != 0 || ferror(s->f))
        s->failed = true;
    return s->failed ? -1 : 0;
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* floor(v / per_us) as an integer, saturating instead of overflowing the conversion. */
static uint64_t to_us(double v, double per_us)
{
    double q = floor(v / per_us);
    return q >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)q;
}

/* One column of the cyclictest table: a cursor over the histogram's buckets. */
struct column {
    struct altinj_hist_iter it;
    struct altinj_hist_bucket b;
    bool have;       /* b is a bucket not yet placed in a row */
    uint64_t row;    /* b's microsecond row */
    uint64_t in_rows;
};

static void column_advance(struct column *c, const struct altinj_hist *h, double per_us)
{
    c->have = altinj_hist_iter_next(&c->it, &c->b);
    if (c->have) {
        uint64_t rep = clamp_u64(c->b.lo + (c->b.hi - c->b.lo + 1) / 2, altinj_hist_min(h),
                                 altinj_hist_max(h));
        c->row = to_us((double)rep, per_us);
    }
}

int altinj_hist_output_cyclictest(FILE *f, const struct altinj_hist *const *hists, size_t n,
                                  double values_per_us, unsigned rows_us)
{
    if (!f || !hists || n == 0 || !(values_per_us > 0.0) || rows_us == 0 ||
        rows_us > CYCLICTEST_MAX_ROWS) {
        errno = EINVAL;
        return -1;
    }
    for (size_t j = 0; j < n; j++)
        if (!hists[j]) {
            errno = EINVAL;
            return -1;
        }
    struct column *cols = calloc(n, sizeof(*cols));
    if (!cols)
        return -1;
    for (size_t j = 0; j < n; j++) {
        altinj_hist_iter_init(&cols[j].it, hists[j]);
        column_advance(&cols[j], hists[j], values_per_us);
    }

    struct sink s = { f, false };
    out(&s, "# Histogram\n");
    for (unsigned r = 0; r < rows_us && !s.failed; r++) {
        out(&s, "%06u ", r);
        for (size_t j = 0; j < n; j++) {
            struct column *c = &cols[j];
            uint64_t count = 0;
            /* Rows are non-decreasing along the iteration, so this drains exactly the
             * buckets of row r. */
            while (c->have && c->row == r) {
                count += c->b.count;
                column_advance(c, hists[j], values_per_us);
            }
            c->in_rows += count;
            out(&s, "%06llu%s", (unsigned long long)count, j + 1 < n ? "\t" : "");
        }
        out(&s, "\n");
    }

    out(&s, "# Total:");
    for (size_t j = 0; j < n; j++)
        out(&s, " %09llu", (unsigned long long)cols[j].in_rows);
    out(&s, "\n# Min Latencies:");
    for (size_t j = 0; j < n; j++)
        out(&s, " %05llu",
            (unsigned long long)to_us((double)altinj_hist_min(hists[j]), values_per_us));
    out(&s, "\n# Avg Latencies:");
    for (size_t j = 0; j < n; j++)
        out(&s, " %05llu", (unsigned long long)to_us(altinj_hist_mean(hists[j]), values_per_us));
    out(&s, "\n# Max Latencies:");
    for (size_t j = 0; j < n; j++)
        out(&s, " %05llu",
            (unsigned long long)to_us((double)altinj_hist_max(hists[j]), values_per_us));
    out(&s, "\n# Histogram Overflows:");
    for (size_t j = 0; j < n; j++)
        out(&s, " %05llu", (unsigned long long)(altinj_hist_count(hists[j]) - cols[j].in_rows));
    out(&s, "\n# Histogram Overflow at cycle number:\n");
    for (size_t j = 0; j < n; j++) {
        uint64_t over = altinj_hist_count(hists[j]) - cols[j].in_rows;
        out(&s, "# Thread %zu:", j);
        if (over)
            out(&s, " # %05llu others", (unsigned long long)over);
        out(&s, "\n");
    }
    out(&s, "\n");
    free(cols);
    return finish(&s);
}

/* HdrHistogram PercentileIterator.incrementIterationLevel(), same double arithmetic. */
static double next_level(double level, unsigned ticks_per_half)
{
    double halvings = (double)(long long)(log(100.0 / (100.0 - level)) / log(2.0));
    double ticks = (double)ticks_per_half * pow(2.0, halvings + 1.0);
    return level + 100.0 / ticks;
}

int altinj_hist_output_percentiles(FILE *f, const struct altinj_hist *h,
                                   unsigned ticks_per_half_distance, double value_unit_scale)
{
    if (!f || !h || ticks_per_half_distance == 0 || !(value_unit_scale > 0.0)) {
        errno = EINVAL;
        return -1;
    }
    struct sink s = { f, false };
    out(&s, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");

    uint64_t total = altinj_hist_count(h);
    if (total) {
        uint64_t lo = altinj_hist_min(h), hi = altinj_hist_max(h);
        struct altinj_hist_iter it;
        struct altinj_hist_bucket b;
        double level = 0.0;
        bool done = false;
        altinj_hist_iter_init(&it, h);
        /* Mirrors the Java iterator: a bucket is revisited for as many levels as its
         * cumulative percentile covers, except the last bucket, after which the iterator
         * reports exhaustion and only the final 100 % row follows. */
        while (!done && !s.failed && altinj_hist_iter_next(&it, &b)) {
            double pct = 100.0 * (double)b.cumulative / (double)total;
            double value = (double)clamp_u64(b.hi, lo, hi) / value_unit_scale;
            while (pct >= level) {
                double q = level / 100.0;
                out(&s, "%12.3f %2.12f %10llu %14.2f\n", value, q,
                    (unsigned long long)b.cumulative, 1.0 / (1.0 - q));
                double next = next_level(level, ticks_per_half_distance);
                if (b.cumulative == total || !(next > level)) {
                    /* exhausted, or levels no longer advance in double precision */
                    done = true;
                    break;
                }
                level = next;
            }
        }
        out(&s, "%12.3f %2.12f %10llu\n", (double)hi / value_unit_scale, 1.0,
            (unsigned long long)total);
    }

    out(&s, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n",
        altinj_hist_mean(h) / value_unit_scale, altinj_hist_stddev(h) / value_unit_scale);
    out(&s, "#[Max     = %12.3f, Total count    = %12llu]\n",
        (double)altinj_hist_max(h) / value_unit_scale, (unsigned long long)total);
    out(&s, "#[Buckets = %12d, SubBuckets     = %12d]\n", ALTINJ_HIST_BUCKET_COUNT,
        ALTINJ_HIST_SUB_BUCKET_COUNT);
    return finish(&s);
}
