#include "altinj_oracle.h"

#include <stdlib.h>
#include <string.h>

int altinj_oracle_init(struct altinj_oracle *o, uint64_t capacity)
{
    *o = (struct altinj_oracle){.capacity = capacity};
    o->seen = calloc(capacity / 64 + 1, sizeof *o->seen);
    return o->seen ? 0 : -1;
}

void altinj_oracle_destroy(struct altinj_oracle *o)
{
    free(o->seen);
    o->seen = NULL;
}

int altinj_oracle_reserve(struct altinj_oracle *o, uint64_t capacity)
{
    if (capacity <= o->capacity)
        return 0;
    const uint64_t old_words = o->capacity / 64 + 1, words = capacity / 64 + 1;
    uint64_t *seen = realloc(o->seen, words * sizeof *seen);
    if (!seen)
        return -1;
    /* Words past the old end are new; the old last word's bits past the old capacity were
     * never set (deliver refuses them), so it needs no clearing. */
    memset(seen + old_words, 0, (words - old_words) * sizeof *seen);
    o->seen = seen;
    o->capacity = capacity;
    return 0;
}

bool altinj_oracle_deliver(struct altinj_oracle *o, uint64_t seq)
{
    if (seq >= o->capacity) {
        o->spurious++;
        return false;
    }
    const uint64_t bit = UINT64_C(1) << (seq % 64);
    if (o->seen[seq / 64] & bit) {
        o->duplicated++;
        return false;
    }
    o->seen[seq / 64] |= bit;
    o->delivered++;
    return true;
}

void altinj_oracle_spurious(struct altinj_oracle *o)
{
    o->spurious++;
}

struct altinj_oracle_verdict altinj_oracle_verdict(const struct altinj_oracle *o, uint64_t expected)
{
    struct altinj_oracle_verdict v = {.expected = expected, .delivered = 0};
    /* Count only sequence numbers the run actually posted: a seen bit beyond `expected` would
     * be an event nobody sent. */
    const uint64_t limit = expected < o->capacity ? expected : o->capacity;
    uint64_t beyond = 0;
    for (uint64_t w = 0; w < o->capacity / 64 + 1; w++) {
        uint64_t bits = o->seen[w];
        while (bits) {
            const uint64_t seq = w * 64 + (uint64_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (seq < limit)
                v.delivered++;
            else
                beyond++;
        }
    }
    v.lost = expected - v.delivered;
    v.duplicated = o->duplicated + o->spurious + beyond;
    v.ok = v.lost == 0 && v.duplicated == 0;
    return v;
}
