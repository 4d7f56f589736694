/*
 * All sources of a spec merged into one time-ordered stream, for the simulator and the tests:
 * a binary min-heap of each source's next arrival keyed by (t_ns, source). At most
 * ALTINJ_WL_MAX_SOURCES entries, so a pop is at most eight levels of sift.
 */
#include "altinj_wl_internal.h"

#include <stdlib.h>

struct altinj_merge {
    unsigned nsrc;
    unsigned nheap;
    struct altinj_arrivals **gen;     /* per source */
    struct altinj_arrival *heap;      /* heads of the non-exhausted sources */
};

static bool before(const struct altinj_arrival *a, const struct altinj_arrival *b)
{
    return a->t_ns < b->t_ns || (a->t_ns == b->t_ns && a->source < b->source);
}

static void sift_down(struct altinj_merge *m, unsigned i)
{
    struct altinj_arrival *h = m->heap;
    for (;;) {
        unsigned best = i;
        const unsigned l = 2 * i + 1, r = l + 1;
        if (l < m->nheap && before(&h[l], &h[best]))
            best = l;
        if (r < m->nheap && before(&h[r], &h[best]))
            best = r;
        if (best == i)
            return;
        const struct altinj_arrival tmp = h[i];
        h[i] = h[best];
        h[best] = tmp;
        i = best;
    }
}

struct altinj_merge *altinj_merge_create(const struct altinj_workload_spec *spec, uint64_t seed)
{
    if (spec == NULL)
        return NULL;
    struct altinj_merge *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->nsrc = altinj_workload_sources(spec);
    m->gen = calloc(m->nsrc, sizeof(*m->gen));
    m->heap = calloc(m->nsrc, sizeof(*m->heap));
    if (m->gen == NULL || m->heap == NULL) {
        altinj_merge_destroy(m);
        return NULL;
    }
    for (unsigned s = 0; s < m->nsrc; s++) {
        m->gen[s] = altinj_arrivals_create(spec, s, seed);
        if (m->gen[s] == NULL) {
            altinj_merge_destroy(m);
            return NULL;
        }
        if (altinj_arrivals_next(m->gen[s], &m->heap[m->nheap]))
            m->nheap++;
    }
    for (unsigned i = m->nheap / 2; i-- > 0;)
        sift_down(m, i);
    return m;
}

bool altinj_merge_next(struct altinj_merge *m, struct altinj_arrival *out)
{
    if (m->nheap == 0)
        return false;
    *out = m->heap[0];
    if (!altinj_arrivals_next(m->gen[out->source], &m->heap[0]))
        m->heap[0] = m->heap[--m->nheap];
    sift_down(m, 0);
    return true;
}

size_t altinj_merge_fill(struct altinj_merge *m, struct altinj_arrival *buf, size_t max,
                         uint64_t until_ns)
{
    size_t n = 0;
    /* Peek at the heap top rather than pop, so the first arrival past the bound stays. */
    while (n < max && m->nheap > 0 && m->heap[0].t_ns < until_ns) {
        struct altinj_arrival a;
        altinj_merge_next(m, &a);
        if (buf != NULL)
            buf[n] = a;
        n++;
    }
    return n;
}

void altinj_merge_destroy(struct altinj_merge *m)
{
    if (m == NULL)
        return;
    if (m->gen != NULL)
        for (unsigned s = 0; s < m->nsrc; s++)
            altinj_arrivals_destroy(m->gen[s]);
    free(m->gen);
    free(m->heap);
    free(m);
}

int altinj_workload_pregenerate(const struct altinj_workload_spec *spec, uint64_t seed,
                                size_t max, uint64_t until_ns, struct altinj_arrival **out,
                                size_t *count)
{
    if (out == NULL || count == NULL)
        return -1;
    *out = NULL;
    *count = 0;
    if (spec == NULL ||
        (spec->kind != ALTINJ_WL_TRACE && spec->kind != ALTINJ_WL_KVMEXIT && max == SIZE_MAX &&
         until_ns == UINT64_MAX))
        return -1;
    struct altinj_merge *m = altinj_merge_create(spec, seed);
    if (m == NULL)
        return -1;
    struct altinj_arrival *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            const size_t ncap = cap == 0 ? 4096 : cap * 2;
            if (ncap > SIZE_MAX / sizeof(*buf)) {
                free(buf);
                altinj_merge_destroy(m);
                return -1;
            }
            struct altinj_arrival *nb = realloc(buf, ncap * sizeof(*buf));
            if (nb == NULL) {
                free(buf);
                altinj_merge_destroy(m);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        const size_t want = max - n < cap - n ? max - n : cap - n;
        const size_t got = altinj_merge_fill(m, buf + n, want, until_ns);
        n += got;
        if (got < want || n == max)
            break;
    }
    altinj_merge_destroy(m);
    if (n == 0) {
        free(buf);
        buf = NULL;
    }
    *out = buf;
    *count = n;
    return 0;
}
