#ifndef MSCSIM_DIST_H
#define MSCSIM_DIST_H

/**
 * Random variate samplers on an explicit generator. No sampler keeps hidden state:
 * setup that is worth caching lives in a caller-owned struct. All are thread-safe as
 * long as each thread uses its own mscsim_rng. Methods and references are in
 * sim/dist.c.
 *
 * Invalid parameters follow R's nmath convention: the sampler returns NaN and draws
 * nothing, so a NaN in a parameter shows up as NaN in the result.
 */

#include <stdint.h>
#include <string.h>

#include "mscsim/error.h"
#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Standard normal: ziggurat with the fast path inline ------------------------- */

/**
 * Ziggurat tables of the standard normal sampler (256 layers; generated once by the R
 * code quoted in sim/dist.c, never modified). Layer i accepts a 53-bit magnitude j at
 * once when j < mscsim_zig_norm_k[i], returning j * mscsim_zig_norm_w[i]. Exposed only
 * so that the fast path below can be inlined; not part of the stable API.
 */
extern const uint64_t mscsim_zig_norm_k[256];
extern const double mscsim_zig_norm_w[256];

/**
 * The rare part of mscsim_rnorm_std (about 1.5% of calls): wedges, the base strip and
 * the tail beyond r = 3.654. u is the 64-bit draw that the fast path rejected. Call it
 * only from mscsim_rnorm_std; it is exported for the inline fast path.
 */
double mscsim_rnorm_std_slow(mscsim_rng *rng, uint64_t u);

/**
 * Standard normal variate: exact 256-layer ziggurat (Marsaglia and Tsang 2000) with one
 * 64-bit draw per attempt: bits 0-7 pick the layer, bit 8 the sign and bits 11-63 the
 * 53-bit magnitude, so the layer and the value never share bits. About 98.5% of calls
 * return from this inline fast path after one draw (two PCG32 steps). Thread-safe.
 */
static inline double mscsim_rnorm_std(mscsim_rng *rng)
{
    uint64_t u = mscsim_rng_next_u64(rng);
    unsigned layer = (unsigned)(u & 0xffu);
    uint64_t j = u >> 11;
    if (j < mscsim_zig_norm_k[layer]) {
        /* j < 2^53, so the signed conversion is exact and cheaper than the unsigned one. */
        double x = (double)(int64_t)j * mscsim_zig_norm_w[layer];
        /* Branch-free sign: a random branch would be mispredicted half the time. */
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        bits ^= (u & 0x100u) << 55;
        memcpy(&x, &bits, sizeof x);
        return x;
    }
    return mscsim_rnorm_std_slow(rng, u);
}

/** Normal variate with mean mu and standard deviation sd (sd >= 0). */
static inline double mscsim_rnorm(mscsim_rng *rng, double mu, double sd)
{
    return mu + sd * mscsim_rnorm_std(rng);
}

/* ---- Other continuous and binary samplers ----------------------------------------- */

/** 1 with probability p, else 0 (p in [0, 1]); one uniform draw. */
static inline int mscsim_rbernoulli(mscsim_rng *rng, double p)
{
    return mscsim_rng_uniform(rng) < p;
}

/**
 * Standard exponential variate (mean 1), by inversion: -log(U) with U from
 * mscsim_rng_uniform_pos (one 64-bit draw). Monotone in U; values stop at about 37
 * (-log of the smallest grid point of U). Thread-safe.
 */
double mscsim_rexp_std(mscsim_rng *rng);

/**
 * Normal(mu, sd) variate truncated to [lo, hi] (lo < hi; either may be infinite).
 * Exact for any truncation, including far tails (Robert 1995). sd = 0 returns mu when
 * lo <= mu <= hi. NaN when an argument is NaN, mu or sd is infinite, sd < 0, lo >= hi,
 * or sd = 0 with mu outside [lo, hi]. The result always lies in [lo, hi]. Thread-safe.
 */
double mscsim_rtruncnorm(mscsim_rng *rng, double mu, double sd, double lo, double hi);

/**
 * Gamma variate with shape > 0 and scale > 0 (mean shape * scale; Marsaglia and Tsang
 * 2000). As in R's rgamma, shape = 0 or scale = 0 gives 0. NaN for negative, NaN or
 * infinite parameters. For very small shapes the result may underflow to 0. Thread-safe.
 */
double mscsim_rgamma(mscsim_rng *rng, double shape, double scale);

/**
 * Chi-squared variate with df > 0 degrees of freedom (gamma with shape df/2, scale 2).
 * df = 0 gives 0; NaN for negative, NaN or infinite df. Thread-safe.
 */
double mscsim_rchisq(mscsim_rng *rng, double df);

/**
 * The set-up of Gamma(shape, 1) for one shape >= 1 (Marsaglia and Tsang's d = shape - 1/3
 * and c = 1 / sqrt(9 d)), for a caller drawing many variates of few shapes: fill it with
 * mscsim_gamma_setup_init, then draw with mscsim_rgamma_setup. A plain value, read-only
 * while drawing: any number of threads may share one.
 */
typedef struct {
    double d, c;
} mscsim_gamma_setup;

/** Fills *g for shape >= 1 (finite); a smaller shape is not a valid set-up. Thread-safe. */
void mscsim_gamma_setup_init(mscsim_gamma_setup *g, double shape);

/**
 * Gamma(shape, 1) variate of g's shape: exactly mscsim_rgamma(rng, shape, 1) with the same
 * draws from rng, without recomputing the set-up. Thread-safe.
 */
double mscsim_rgamma_setup(mscsim_rng *rng, const mscsim_gamma_setup *g);

/**
 * Binomial variate: successes in n >= 0 trials of probability p in [0, 1] (Knuth's beta
 * splitting above a mean of 16, inversion below; exact up to floating-point rounding).
 * Returns -1 for a negative n or a p outside [0, 1] (NaN included). Thread-safe.
 */
long mscsim_rbinom(mscsim_rng *rng, long n, double p);

/**
 * Hypergeometric variate: the good items among draws taken without replacement from good +
 * bad items (draws <= good + bad; all >= 0). Inversion from the mode (at most 8 items: one
 * item at a time), exact up to floating-point rounding; the expected cost grows as the
 * standard deviation. Returns -1 for invalid parameters. Thread-safe.
 */
long mscsim_rhyper(mscsim_rng *rng, long good, long bad, long draws);

/**
 * Multivariate hypergeometric variate: out[j] of the draws taken without replacement from
 * k >= 1 categories of count[j] >= 0 items each (draws <= their total), by one
 * mscsim_rhyper per category on what the earlier categories left. out has room for k;
 * count and out must not overlap. Returns draws, or -1 (out untouched) for invalid
 * parameters. Thread-safe.
 */
long mscsim_rmvhyper(mscsim_rng *rng, const long *count, int k, long draws, long *out);

/* ---- Categorical (alias method) --------------------------------------------------- */

/** Largest number of categories of a categorical sampler (mRS has 7). */
#define MSCSIM_CATEGORICAL_MAX 64

/** Alias table (Walker 1977, Vose 1991) for O(1) categorical draws; caller-owned. */
typedef struct {
    int k;                                 /**< Number of categories. */
    double threshold[MSCSIM_CATEGORICAL_MAX]; /**< Keep probability of each column. */
    int alias[MSCSIM_CATEGORICAL_MAX];     /**< Category taken when a column is not kept. */
} mscsim_categorical;

/**
 * Sets up c for probabilities p[0..k-1] (1 <= k <= MSCSIM_CATEGORICAL_MAX, each finite
 * and >= 0, summing to 1 within 1e-9; they are renormalised). Returns MSCSIM_OK, or
 * MSCSIM_EINVAL with a message in err (which may be NULL) and c left unusable. c is a
 * plain value: copy it freely and share it read-only between threads.
 */
int mscsim_categorical_init(mscsim_categorical *c, const double *p, int k, mscsim_error *err);

/**
 * A category in [0, k) drawn with the probabilities c was set up with, from one 64-bit
 * draw: column floor(u k), kept when the fractional part of u k is below its threshold,
 * otherwise its alias. Thread-safe (c is only read). Inline: models draw one per patient.
 */
static inline int mscsim_rcategorical(mscsim_rng *rng, const mscsim_categorical *c)
{
    /* u = j 2^-53; u k = t 2^-53 with t = j k < 2^59 computed exactly in integers, so the
     * column floor(u k) never reaches k and its fractional part has no rounding. */
    uint64_t j = mscsim_rng_next_u53(rng);
    uint64_t t = j * (uint64_t)c->k;
    int column = (int)(t >> 53);
    double frac = (double)(int64_t)(t & ((UINT64_C(1) << 53) - 1u)) * 0x1.0p-53;
    return frac < c->threshold[column] ? column : c->alias[column];
}

#ifdef __cplusplus
}
#endif
#endif
