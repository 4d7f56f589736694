/*
 * Log-linear latency histogram.
 *
 * HdrHistogram_c is not packaged in Debian, so this is our own implementation of its
 * layout, fixed at: lowest discernible value 1, 3 significant decimal digits (2048
 * sub-buckets per power of two), highest trackable value UINT64_MAX. The counts array is
 * index-for-index the one HdrHistogram would build with those parameters
 * (54 buckets, 56320 counters), so its algorithms (percentile iteration, output) apply
 * unchanged.
 *
 * Layout and precision (the guarantee tests check):
 * - values 0 .. 2047 each have their own counter: recorded exactly;
 * - a value v >= 2048 with most significant bit m falls in a sub-bucket of width
 *   2^(m-10) whose lowest value is >= 1024 * 2^(m-10); so every value in a sub-bucket is
 *   within width - 1 < lowest/1024 <= v/1024 of any other value in it.
 *   Relative error bound: any reported value r for a true value v satisfies
 *   v <= r <= v + floor(v / 1024)   (v < 2048: r == v).
 *   That is 3 significant decimal digits (0.0977 %) over the whole range 0 .. 2^64-1.
 * - every uint64_t is accepted; nothing is clamped or rejected (0 and UINT64_MAX included).
 * - min and max are tracked exactly, outside the buckets; the mean is exact (128-bit sum).
 *
 * Cost: altinj_hist_init() allocates 56320 * 8 = 440 KiB once and touches every page, so
 * recording never allocates and never page-faults. altinj_hist_record() is inline, O(1),
 * integer only: one clz, one shift, one increment plus the min/max/sum updates (a few ns).
 *
 * Threading: NOT thread-safe. A histogram has a single writer and no concurrent readers.
 * Give each recording thread its own histogram and altinj_hist_merge() them after the
 * threads have joined (or after some other synchronisation that orders the writes).
 * The struct is 48 bytes and every record writes it: keep per-thread histograms in
 * thread-owned, cache-line-separated memory (no bare arrays of them shared across
 * threads), or they false-share. It carries no alignment requirement so it can be
 * malloc'ed or embedded anywhere.
 */
#ifndef ALTINJ_HIST_H
#define ALTINJ_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALTINJ_HIST_SUB_BUCKET_BITS      11
#define ALTINJ_HIST_SUB_BUCKET_COUNT     2048 /* HdrHistogram "SubBuckets" */
#define ALTINJ_HIST_SUB_BUCKET_HALF_BITS 10
#define ALTINJ_HIST_SUB_BUCKET_HALF      1024
#define ALTINJ_HIST_BUCKET_COUNT         54   /* HdrHistogram "Buckets" to cover 2^64 - 1 */
#define ALTINJ_HIST_COUNTS_LEN           ((ALTINJ_HIST_BUCKET_COUNT + 1) * ALTINJ_HIST_SUB_BUCKET_HALF)

/* Fields are read by the inline record path; treat them as private and use the
 * accessors below. */
struct altinj_hist {
    uint64_t *counts; /* ALTINJ_HIST_COUNTS_LEN counters */
    uint64_t total;
    uint64_t min;    /* UINT64_MAX while empty */
    uint64_t max;    /* 0 while empty */
    uint64_t sum_lo; /* 128-bit sum of recorded values, low and high words */
    uint64_t sum_hi;
};

/* Counter index of a value. v | 2047 makes clz well defined for v == 0 and puts all of
 * 0..2047 in the unit-width range (shift 0); above it, shift = msb - 10 keeps
 * v >> shift in [1024, 2047]. */
static inline size_t altinj_hist_index(uint64_t v)
{
    unsigned shift = 53u - (unsigned)__builtin_clzll(v | (ALTINJ_HIST_SUB_BUCKET_COUNT - 1));
    return ((size_t)shift << ALTINJ_HIST_SUB_BUCKET_HALF_BITS) + (size_t)(v >> shift);
}

/* Lowest and highest value sharing v's counter ("equivalent" values in HdrHistogram). */
uint64_t altinj_hist_lowest_equivalent(uint64_t v);
uint64_t altinj_hist_highest_equivalent(uint64_t v);

/* Returns 0, or -1 (errno ENOMEM) with *h left safe to altinj_hist_free(). */
int altinj_hist_init(struct altinj_hist *h);
/* Frees the counters; h may be re-initialised. Safe on a failed or freed histogram. */
void altinj_hist_free(struct altinj_hist *h);
/* Forgets every sample; keeps the allocation (no page faults afterwards either). */
void altinj_hist_reset(struct altinj_hist *h);

/* Records one sample. Single writer only (see above). The total count and the sum wrap
 * after 2^64 samples / a 2^128 sum, neither reachable in a run. */
static inline void altinj_hist_record(struct altinj_hist *h, uint64_t v)
{
    h->counts[altinj_hist_index(v)]++;
    h->total++;
    uint64_t lo = h->sum_lo + v;
    h->sum_hi += lo < v;
    h->sum_lo = lo;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

/* Records n samples of value v; n == 0 records nothing (min/max unchanged). */
void altinj_hist_record_n(struct altinj_hist *h, uint64_t v, uint64_t n);

/* Adds every sample of src to dst: afterwards dst is identical to a histogram that had
 * recorded both sample sets. src is unchanged (src == dst doubles every count). */
void altinj_hist_merge(struct altinj_hist *dst, const struct altinj_hist *src);

uint64_t altinj_hist_count(const struct altinj_hist *h);
/* Exact min and max; both 0 for an empty histogram. */
uint64_t altinj_hist_min(const struct altinj_hist *h);
uint64_t altinj_hist_max(const struct altinj_hist *h);
/* Exact arithmetic mean (from the 128-bit sum, rounded once to double); 0 when empty. */
double altinj_hist_mean(const struct altinj_hist *h);
/* Population standard deviation around the exact mean, computed from the buckets as
 * HdrHistogram does: each sample is taken at its sub-bucket's middle value clamped to
 * [min, max], i.e. within v/2048 of its true value. 0 when empty. */
double altinj_hist_stddev(const struct altinj_hist *h);

/* The value at percentile p, defined as in HdrHistogram:
 *   rank = max(1, ceil(p / 100 * count))     (p clamped to [0, 100]; NaN counts as 0)
 *   result = highest_equivalent(v_rank) clamped to [min, max]
 * where v_rank is the rank-th smallest recorded sample (1-based), i.e. the first
 * sub-bucket whose cumulative count reaches rank. Hence, with v the exact sorted-sample
 * value at that rank:  v <= result <= v + floor(v / 1024)  (exact below 2048);
 * p == 100 yields the exact max; p == 0 the bucket of the min (>= min). rank uses a
 * guard of a few ulps so decimal percentiles such as 99.9 % of 1000 give rank 999, not
 * 1000 through rounding. Returns 0 for an empty histogram. O(number of counters between
 * min and max). */
uint64_t altinj_hist_value_at_percentile(const struct altinj_hist *h, double p);

/* Iteration over the non-empty sub-buckets, ascending. */
struct altinj_hist_bucket {
    uint64_t lo;          /* lowest value of the sub-bucket (inclusive) */
    uint64_t hi;          /* highest value of the sub-bucket (inclusive) */
    uint64_t count;       /* samples in it */
    uint64_t cumulative;  /* samples in it and in every lower sub-bucket */
};

struct altinj_hist_iter {
    const struct altinj_hist *h;
    size_t index; /* next counter to look at */
    size_t end;   /* one past the last counter that can be non-zero */
    uint64_t cumulative;
};

/* The histogram must not change while an iterator over it is in use. */
void altinj_hist_iter_init(struct altinj_hist_iter *it, const struct altinj_hist *h);
/* Fills *out with the next non-empty sub-bucket and returns true; false at the end. */
bool altinj_hist_iter_next(struct altinj_hist_iter *it, struct altinj_hist_bucket *out);

#endif
