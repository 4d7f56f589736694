#include "altinj_rng.h"

#include <math.h>

#define ALTINJ_GOLDEN_GAMMA UINT64_C(0x9E3779B97F4A7C15)

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t altinj_splitmix64(uint64_t *state)
{
    *state += ALTINJ_GOLDEN_GAMMA;
    return mix64(*state);
}

void altinj_rng_seed(struct altinj_rng *rng, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = altinj_splitmix64(&st);
}

void altinj_rng_seed_stream(struct altinj_rng *rng, uint64_t seed, uint64_t stream)
{
    /* +gamma so that stream 0 is not mix64(0) == 0, which would make stream 0 equal to the
     * plain altinj_rng_seed(seed) stream. */
    altinj_rng_seed(rng, seed ^ mix64(stream + ALTINJ_GOLDEN_GAMMA));
}

double altinj_rng_exp(struct altinj_rng *rng, double rate)
{
    /* log1p(-u) rather than log(1 - u): exact near u = 0, where the short gaps live. */
    return -log1p(-altinj_rng_uniform(rng)) / rate;
}
