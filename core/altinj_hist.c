#include "altinj_hist.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 altinj_u128_t;

/* Inverse of altinj_hist_index(): counters below 2048 are unit-width; counter i above
 * that belongs to shift (i >> 10) - 1 with sub-bucket (i & 1023) + 1024. */
static uint64_t index_lo(size_t i)
{
    if (i < ALTINJ_HIST_SUB_BUCKET_COUNT)
        return i;
    unsigned shift = (unsigned)(i >> ALTINJ_HIST_SUB_BUCKET_HALF_BITS) - 1u;
    uint64_t sub = (uint64_t)(i & (ALTINJ_HIST_SUB_BUCKET_HALF - 1)) + ALTINJ_HIST_SUB_BUCKET_HALF;
    return sub << shift;
}

static uint64_t index_hi(size_t i)
{
    if (i < ALTINJ_HIST_SUB_BUCKET_COUNT)
        return i;
    unsigned shift = (unsigned)(i >> ALTINJ_HIST_SUB_BUCKET_HALF_BITS) - 1u;
    return index_lo(i) + ((UINT64_C(1) << shift) - 1u);
}

uint64_t altinj_hist_lowest_equivalent(uint64_t v)
{
    return index_lo(altinj_hist_index(v));
}

uint64_t altinj_hist_highest_equivalent(uint64_t v)
{
    return index_hi(altinj_hist_index(v));
}

static void clear_stats(struct altinj_hist *h)
{
    h->total = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->sum_lo = 0;
    h->sum_hi = 0;
}

int altinj_hist_init(struct altinj_hist *h)
{
    clear_stats(h);
    h->counts = malloc(ALTINJ_HIST_COUNTS_LEN * sizeof(uint64_t));
    if (!h->counts) {
        errno = ENOMEM;
        return -1;
    }
    /* Writing every page now (rather than calloc's lazily zeroed pages) is the point:
     * a first-touch page fault inside a measured run would delay later samples. */
    memset(h->counts, 0, ALTINJ_HIST_COUNTS_LEN * sizeof(uint64_t));
    return 0;
}

void altinj_hist_free(struct altinj_hist *h)
{
    free(h->counts);
    h->counts = NULL;
    clear_stats(h);
}

void altinj_hist_reset(struct altinj_hist *h)
{
    /* Every non-zero counter lies between min's and max's, so only that span is dirty. */
    if (h->total) {
        size_t a = altinj_hist_index(h->min), b = altinj_hist_index(h->max);
        memset(h->counts + a, 0, (b - a + 1) * sizeof(uint64_t));
    }
    clear_stats(h);
}

static void add_sum(struct altinj_hist *h, altinj_u128_t add)
{
    altinj_u128_t s = ((altinj_u128_t)h->sum_hi << 64) | h->sum_lo;
    s += add;
    h->sum_lo = (uint64_t)s;
    h->sum_hi = (uint64_t)(s >> 64);
}

void altinj_hist_record_n(struct altinj_hist *h, uint64_t v, uint64_t n)
{
    if (n == 0)
        return;
    h->counts[altinj_hist_index(v)] += n;
    h->total += n;
    add_sum(h, (altinj_u128_t)v * n);
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

void altinj_hist_merge(struct altinj_hist *dst, const struct altinj_hist *src)
{
    if (src->total == 0)
        return;
    /* Read src's summary first: with src == dst the loop below changes nothing else. */
    uint64_t total = src->total, min = src->min, max = src->max;
    altinj_u128_t sum = ((altinj_u128_t)src->sum_hi << 64) | src->sum_lo;
    size_t a = altinj_hist_index(min), b = altinj_hist_index(max);
    for (size_t i = a; i <= b; i++)
        dst->counts[i] += src->counts[i];
    dst->total += total;
    add_sum(dst, sum);
    if (min < dst->min)
        dst->min = min;
    if (max > dst->max)
        dst->max = max;
}

uint64_t altinj_hist_count(const struct altinj_hist *h)
{
    return h->total;
}

uint64_t altinj_hist_min(const struct altinj_hist *h)
{
    return h->total ? h->min : 0;
}

uint64_t altinj_hist_max(const struct altinj_hist *h)
{
    return h->total ? h->max : 0;
}

double altinj_hist_mean(const struct altinj_hist *h)
{
    if (!h->total)
        return 0.0;
    altinj_u128_t sum = ((altinj_u128_t)h->sum_hi << 64) | h->sum_lo;
    altinj_u128_t q = sum / h->total, r = sum % h->total;
    /* Integer part exactly, then the fraction: keeps the mean exact to double precision
     * even when the sum itself has more than 53 significant bits. */
    return (double)q + (double)r / (double)h->total;
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

double altinj_hist_stddev(const struct altinj_hist *h)
{
    if (!h->total)
        return 0.0;
    double mean = altinj_hist_mean(h);
    double acc = 0.0;
    struct altinj_hist_iter it;
    struct altinj_hist_bucket b;
    altinj_hist_iter_init(&it, h);
    while (altinj_hist_iter_next(&it, &b)) {
        uint64_t mid = clamp_u64(b.lo + (b.hi - b.lo + 1) / 2, h->min, h->max);
        double d = (double)mid - mean;
        acc += d * d * (double)b.count;
    }
    return sqrt(acc / (double)h->total);
}

uint64_t altinj_hist_value_at_percentile(const struct altinj_hist *h, double p)
{
    if (!h->total)
        return 0;
    if (!(p > 0.0)) /* also catches NaN */
        p = 0.0;
    if (p >= 100.0)
        return h->max;
    /* p/100*total carries at most ~1.5 ulp of relative error; shrinking it by 4 ulp keeps
     * an exactly integral product from being rounded up to the next rank. */
    double x = p / 100.0 * (double)h->total * (1.0 - 4.0 * DBL_EPSILON);
    uint64_t rank = (uint64_t)ceil(x);
    if (rank < 1)
        rank = 1;
    if (rank > h->total)
        rank = h->total;

    size_t a = altinj_hist_index(h->min), b = altinj_hist_index(h->max);
    uint64_t cum = 0;
    for (size_t i = a; i <= b; i++) {
        cum += h->counts[i];
        if (cum >= rank)
            return clamp_u64(index_hi(i), h->min, h->max);
    }
    return h->max; /* unreachable while total matches the counters */
}

void altinj_hist_iter_init(struct altinj_hist_iter *it, const struct altinj_hist *h)
{
    it->h = h;
    it->cumulative = 0;
    if (h->total) {
        it->index = altinj_hist_index(h->min);
        it->end = altinj_hist_index(h->max) + 1;
    } else {
        it->index = it->end = 0;
    }
}

bool altinj_hist_iter_next(struct altinj_hist_iter *it, struct altinj_hist_bucket *out)
{
    while (it->index < it->end) {
        size_t i = it->index++;
        uint64_t c = it->h->counts[i];
        if (c) {
            it->cumulative += c;
            out->lo = index_lo(i);
            out->hi = index_hi(i);
            out->count = c;
            out->cumulative = it->cumulative;
            return true;
        }
    }
    return false;
}
