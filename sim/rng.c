/*
 * PCG32 seeding, bounded integers and jump-ahead, following pcg-c (pcg_basic.c,
 * M. E. O'Neill, Apache-2.0 reference); the step and output are inline in rng.h.
 * Jump-ahead: F. B. Brown, "Random Number Generation with Arbitrary Stride",
 * Trans. Am. Nucl. Soc. 71 (1994).
 */
#include "mscsim/rng.h"

#include "internal.h"

SIM_API void mscsim_rng_seed(mscsim_rng *rng, uint64_t initstate, uint64_t initseq)
{
    rng->state = 0u;
    rng->inc = (initseq << 1u) | 1u;
    mscsim_rng_next_u32(rng);
    rng->state += initstate;
    mscsim_rng_next_u32(rng);
}

SIM_API uint32_t mscsim_rng_bounded(mscsim_rng *rng, uint32_t bound)
{
    /* Reject the 2^32 mod bound smallest values so every residue is equally likely. */
    uint32_t threshold = -bound % bound;
    for (;;) {
        uint32_t r = mscsim_rng_next_u32(rng);
        if (r >= threshold)
            return r % bound;
    }
}

SIM_API void mscsim_rng_advance(mscsim_rng *rng, uint64_t delta)
{
    uint64_t cur_mult = MSCSIM_RNG_MULTIPLIER, cur_plus = rng->inc;
    uint64_t acc_mult = 1u, acc_plus = 0u;
    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1u) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1u;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

/* splitmix64 finaliser (Steele, Lea & Flood 2014): a bijection with full avalanche. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Golden-ratio increment of splitmix64: keeps chained coordinates from cancelling. */
#define MIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)

uint64_t sim_rng_cell_key(uint64_t seed, uint64_t scenario, uint64_t n)
{
    uint64_t h = mix64(seed + MIX_GAMMA);
    h = mix64(h ^ (scenario + 2 * MIX_GAMMA));
    return mix64(h ^ (n + 3 * MIX_GAMMA));
}

mscsim_rng sim_rng_for_replicate(uint64_t key, uint64_t replicate)
{
    uint64_t h = mix64(key ^ (replicate + 4 * MIX_GAMMA));
    mscsim_rng rng;
    mscsim_rng_seed(&rng, h, mix64(h + MIX_GAMMA));
    return rng;
}

SIM_API mscsim_rng mscsim_rng_for_trial(uint64_t seed, uint64_t scenario, uint64_t n,
                                           uint64_t replicate)
{
    return sim_rng_for_replicate(sim_rng_cell_key(seed, scenario, n), replicate);
}

SIM_API mscsim_rng mscsim_rng_substream(const mscsim_rng *parent, uint64_t key)
{
    /* One finaliser suffices: the parent's state is already a hash of the trial's
     * coordinates, and the key moves it by a multiple of the golden gamma. */
    uint64_t h = mix64(parent->state + (key + 1) * MIX_GAMMA);
    mscsim_rng rng;
    mscsim_rng_seed(&rng, h, h ^ (parent->inc >> 1));
    return rng;
}
