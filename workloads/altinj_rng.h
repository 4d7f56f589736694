/*
 * Seeded pseudo-random numbers for the workload generators: xoshiro256** (Blackman and Vigna,
 * public domain, https://prng.di.unimi.it/xoshiro256starstar.c), seeded through splitmix64.
 *
 * Why written by hand rather than taken from Debian's GSL: GSL would add a build dependency and
 * an indirect call per draw (gsl_rng_get goes through a function pointer) for thirty lines of
 * public-domain reference code; and the live poster threads and the simulator must draw
 * bit-identical streams from the same seed on every machine, which is easiest to guarantee when
 * the algorithm is ours and fixed. The integer stream is exact everywhere; altinj_rng_uniform is
 * exact too (a 53-bit integer times 2^-53); only altinj_rng_exp depends on libm (log1p), whose
 * results may differ in the last ulp between libm versions.
 *
 * No global state: each generator owns its struct altinj_rng.
 */
#ifndef ALTINJ_RNG_H
#define ALTINJ_RNG_H

#include <stdint.h>

struct altinj_rng {
    uint64_t s[4]; /* never all zero once seeded */
};

/* One splitmix64 step: advances *state by the golden gamma and returns the mixed value.
 * From state 0 the outputs are 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ... (reference). */
uint64_t altinj_splitmix64(uint64_t *state);

/* Seeds the four state words with four splitmix64 outputs from seed. Every seed, 0 included,
 * gives a valid (non-zero) state, because splitmix64's mixer is a bijection and consecutive
 * states differ, so at most one of the four words can be zero. */
void altinj_rng_seed(struct altinj_rng *rng, uint64_t seed);

/* Seeds an independent stream number `stream` from the same seed: the stream number is run
 * through the splitmix64 mixer before it is combined with seed, so streams s and s+1 do not
 * become shifted copies of one another (which seed + s * gamma would). */
void altinj_rng_seed_stream(struct altinj_rng *rng, uint64_t seed, uint64_t stream);

/* The next 64-bit output of xoshiro256**. Inline: a generator draws three times per arrival,
 * and a call per draw would be a third of next()'s cost. */
static inline uint64_t altinj_rng_next(struct altinj_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t x = s[1] * 5;
    const uint64_t result = ((x << 7) | (x >> 57)) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform double in [0, 1) with 53 random bits (the top 53 bits of the next output), so every
 * value is a multiple of 2^-53 and 1.0 is never returned. */
static inline double altinj_rng_uniform(struct altinj_rng *rng)
{
    return (double)(altinj_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Exponential draw with the given rate (> 0, finite): -log1p(-u) / rate for u uniform in
 * [0, 1). Always finite and >= 0; at most 36.74 / rate, since u <= 1 - 2^-53. */
double altinj_rng_exp(struct altinj_rng *rng, double rate);

#endif
