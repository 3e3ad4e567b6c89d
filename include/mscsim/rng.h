#ifndef MSCSIM_RNG_H
#define MSCSIM_RNG_H

/**
 * PCG32 random numbers (XSH-RR output, 64-bit LCG state), as in the PCG reference
 * implementation: M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient
 * Statistically Good Algorithms for Random Number Generation", HMC-CS-2014-0905.
 *
 * The state is a transparent 16-byte value: each simulated trial keeps its own on the
 * stack, so generators are never shared between threads. Nothing here has hidden state.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** PCG32 state. inc must be odd; set it through mscsim_rng_seed. */
typedef struct {
    uint64_t state;
    uint64_t inc;
} mscsim_rng;

#define MSCSIM_RNG_MULTIPLIER UINT64_C(6364136223846793005)

/**
 * Seeds rng exactly as pcg32_srandom_r(rng, initstate, initseq) of the reference
 * implementation: initseq selects the stream (its top bit is unused).
 */
void mscsim_rng_seed(mscsim_rng *rng, uint64_t initstate, uint64_t initseq);

/** Next 32 random bits (pcg32_random_r). */
static inline uint32_t mscsim_rng_next_u32(mscsim_rng *rng)
{
    uint64_t old = rng->state;
    rng->state = old * MSCSIM_RNG_MULTIPLIER + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/** Next 64 random bits: two 32-bit outputs, the first in the high half. */
static inline uint64_t mscsim_rng_next_u64(mscsim_rng *rng)
{
    uint64_t hi = mscsim_rng_next_u32(rng);
    return (hi << 32) | mscsim_rng_next_u32(rng);
}

/** The top 53 bits of next_u64: the integer j of the uniform j 2^-53, for exact integer
 * comparisons and products with it. */
static inline uint64_t mscsim_rng_next_u53(mscsim_rng *rng)
{
    return mscsim_rng_next_u64(rng) >> 11;
}

/** Uniform double in [0, 1) with 53 random bits (next_u53 times 2^-53). */
static inline double mscsim_rng_uniform(mscsim_rng *rng)
{
    return (double)mscsim_rng_next_u53(rng) * 0x1.0p-53;
}

/**
 * Uniform double in (0, 1): a 52-bit grid shifted by half a step, never 0 or 1. (With 53
 * bits, (2^53 - 1) + 0.5 is not representable and would round up to exactly 1.)
 */
static inline double mscsim_rng_uniform_pos(mscsim_rng *rng)
{
    return ((double)(mscsim_rng_next_u64(rng) >> 12) + 0.5) * 0x1.0p-52;
}

/** Uniform integer in [0, bound) without modulo bias (pcg32_boundedrand_r); bound > 0. */
uint32_t mscsim_rng_bounded(mscsim_rng *rng, uint32_t bound);

/**
 * Moves rng delta steps ahead in O(log delta) (Brown 1994, "Random Number Generation
 * with Arbitrary Stride"). delta = 2^64 - k moves k steps back.
 */
void mscsim_rng_advance(mscsim_rng *rng, uint64_t delta);

/**
 * The generator of one simulated trial, a pure function of its coordinates: the tuple
 * is mixed by splitmix64 finalisers into both the initial state and the stream, so
 * neighbouring replicates get unrelated streams and results do not depend on which
 * thread runs which trial.
 */
mscsim_rng mscsim_rng_for_trial(uint64_t seed, uint64_t scenario, uint64_t n, uint64_t replicate);

/**
 * An independent generator derived from parent (which is not advanced) and key. A trial
 * draws each arm's population, recovery, deaths and dropout from their own substreams,
 * patient after patient, so the first k patients of an arm are the same whatever the arm's
 * size: trials of different sizes from one stream are nested (common random numbers).
 */
mscsim_rng mscsim_rng_substream(const mscsim_rng *parent, uint64_t key);

#ifdef __cplusplus
}
#endif
#endif
