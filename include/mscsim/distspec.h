#ifndef MSCSIM_DISTSPEC_H
#define MSCSIM_DISTSPEC_H

/**
 * Distribution specifications written in configs, e.g. "normal(40, 15)",
 * "truncnormal(12, 5, 6, 21)" or "empirical(pilot.csv, nihss)": parsed once, then drawn
 * from in the hot loop. A spec is a plain value (copyable); discrete and empirical specs
 * are drawn through a prepared mscsim_population, which owns their tables and data.
 */

#include <stddef.h>

#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MSCSIM_DIST_NONE = 0,    /**< "none": the variable is not simulated. */
    MSCSIM_DIST_NORMAL,      /**< normal(mean, sd), sd > 0. */
    MSCSIM_DIST_UNIFORM,     /**< uniform(lo, hi), lo < hi. */
    MSCSIM_DIST_TRUNCNORMAL, /**< truncnormal(mean, sd, lo, hi): normal restricted to [lo, hi]. */
    MSCSIM_DIST_LOGNORMAL,   /**< lognormal(meanlog, sdlog), sdlog > 0. */
    MSCSIM_DIST_FIXED,       /**< fixed(value): every patient has value. */
    MSCSIM_DIST_DISCRETE,    /**< discrete(v1:p1, v2:p2, ...): probabilities summing to 1. */
    MSCSIM_DIST_EMPIRICAL,   /**< empirical(FILE, column): rows resampled from a CSV file. */
    MSCSIM_DIST_BETA,        /**< beta(a, b), a, b > 0: on [0, 1] (priors on probabilities). */
    MSCSIM_DIST_GAMMA,       /**< gamma(shape, rate), both > 0: on (0, inf). */
    MSCSIM_DIST_FLAT         /**< "flat": the improper uniform prior of a [decision] prior;
                                  nothing can be drawn from it. */
} mscsim_dist_kind;

#define MSCSIM_DIST_MAX_VALUES 64 /**< Values of a discrete distribution. */
#define MSCSIM_DIST_PATH_LEN 192  /**< Room for an empirical file path. */

/** A parsed distribution: plain value, copyable. */
typedef struct {
    mscsim_dist_kind kind;
    double a; /**< normal, truncnormal: mean; uniform: lo; lognormal: meanlog; fixed: value;
                   beta: a; gamma: shape. */
    double b; /**< normal, truncnormal: sd; uniform: hi; lognormal: sdlog; beta: b; gamma: rate. */
    double lo, hi; /**< truncnormal: bounds (either may be infinite). */
    int count;                              /**< discrete: number of values. */
    double values[MSCSIM_DIST_MAX_VALUES];  /**< discrete: values. */
    double probs[MSCSIM_DIST_MAX_VALUES];   /**< discrete: their probabilities. */
    char file[MSCSIM_DIST_PATH_LEN];        /**< empirical: CSV path as written. */
    char column[64];                        /**< empirical: column name (header row). */
} mscsim_dist_spec;

/**
 * Parses text into spec. On failure returns a non-zero status and writes the reason
 * (naming the accepted forms) into why (size why_len). Does not open empirical files.
 */
int mscsim_distspec_parse(const char *text, mscsim_dist_spec *spec, char *why, unsigned long why_len);

/** Writes spec in the form the parser reads back. Returns buf. */
char *mscsim_distspec_format(const mscsim_dist_spec *spec, char *buf, unsigned long len);

/** Theoretical mean and standard deviation (NaN for none, flat and empirical). */
double mscsim_distspec_mean(const mscsim_dist_spec *spec);
double mscsim_distspec_sd(const mscsim_dist_spec *spec);

/**
 * Quantile function for p in [0, 1] (NaN for none, flat and empirical): used to give two
 * variables a Gaussian-copula correlation, and for the support of a design prior (p = 0
 * and 1 give its ends, possibly infinite).
 */
double mscsim_distspec_quantile(const mscsim_dist_spec *spec, double p);

/**
 * One draw from a normal, uniform, truncnormal, lognormal, beta, gamma or fixed spec (NaN
 * for the other kinds, which are drawn through mscsim_population). Beta and gamma are drawn
 * by inversion (their quantile at one uniform in (0, 1)).
 */
double mscsim_distspec_draw(const mscsim_dist_spec *spec, mscsim_rng *rng);

/**
 * out[0..n-1] = n successive mscsim_distspec_draw(spec, rng), the same values from the same
 * random numbers, with the choice of kind made once rather than per draw.
 */
void mscsim_distspec_fill(const mscsim_dist_spec *spec, mscsim_rng *rng, size_t n, double *out);

#ifdef __cplusplus
}
#endif
#endif
