#ifndef MSCSIM_RANDOMISE_H
#define MSCSIM_RANDOMISE_H

/**
 * Randomisation: which arm each patient of a trial is assigned to, in order of entry.
 *
 * - fixed: exact arm sizes, n_msc = round(n m / (c + m)) for allocation c:m (what a
 *   simulation with fixed arms assumes);
 * - simple: each patient independently, msc with probability m / (c + m);
 * - blocks: permuted blocks of `block` patients (a multiple of c + m) holding the allocation
 *   exactly;
 * - stratified blocks: permuted blocks within each stratum (each combination of the
 *   factors' levels);
 * - minimisation: Pocock & Simon (1975): the arm that minimises the sum over factors of the
 *   imbalance, at the new patient's level, of the counts scaled by the allocation
 *   (n_msc / m - n_control / c), is taken with probability p_minimise, the other arm
 *   otherwise; ties are broken at random with the allocation's probabilities.
 *
 * Thread-safe with one work buffer per thread; never allocates; never prints.
 */

#include <stddef.h>

#include "mscsim/error.h"
#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSCSIM_MAX_RANDOMISE_FACTORS 4 /**< Stratification or minimisation factors. */
#define MSCSIM_MAX_FACTOR_LEVELS 8     /**< Levels per factor. */

typedef enum {
    MSCSIM_RANDOMISE_FIXED = 0,
    MSCSIM_RANDOMISE_SIMPLE,
    MSCSIM_RANDOMISE_BLOCKS,
    MSCSIM_RANDOMISE_STRATIFIED_BLOCKS,
    MSCSIM_RANDOMISE_MINIMISATION
} mscsim_randomise_method;

/** A randomisation scheme. */
typedef struct {
    mscsim_randomise_method method;
    int alloc[2];          /**< control:msc allocation, each >= 1. */
    int block;             /**< blocks: patients per block, a multiple of alloc[0] + alloc[1]. */
    double p_minimise;     /**< minimisation: in [0.5, 1]. */
    int factor_count;      /**< stratified blocks and minimisation: 1..MSCSIM_MAX_RANDOMISE_FACTORS. */
    int levels[MSCSIM_MAX_RANDOMISE_FACTORS]; /**< Levels of each factor, 1..MSCSIM_MAX_FACTOR_LEVELS. */
} mscsim_randomise_spec;

/**
 * [trial] randomisation as configured: the method and its parameters, and for stratified
 * blocks and minimisation the factors with their bands. A factor is a baseline covariate
 * (mscsim_covariate: NIHSS, age or onset days, never the baseline score); a patient's level
 * is the band holding the whole part of the value (NIHSS is drawn whole). Bands ascend and
 * are contiguous (each lo is the previous hi + 1); a value below the first band or above
 * the last, possible only where eligibility leaves the factor unbounded, takes the outer
 * band. Plain data, part of mscsim_config.
 */
typedef struct {
    mscsim_randomise_method method;
    int block;        /**< blocks, stratified blocks: patients per block. */
    double p_minimise; /**< minimisation: probability of the minimising arm. */
    int factor_count;
    int factor[MSCSIM_MAX_RANDOMISE_FACTORS];     /**< mscsim_covariate of each factor. */
    int band_count[MSCSIM_MAX_RANDOMISE_FACTORS]; /**< Levels of each factor. */
    double band_lo[MSCSIM_MAX_RANDOMISE_FACTORS][MSCSIM_MAX_FACTOR_LEVELS]; /**< Whole, inclusive. */
    double band_hi[MSCSIM_MAX_RANDOMISE_FACTORS][MSCSIM_MAX_FACTOR_LEVELS]; /**< Whole, inclusive. */
} mscsim_randomisation;

/** Bytes of work buffer mscsim_randomise needs for s (0 for the methods that need none). */
size_t mscsim_randomise_work_size(const mscsim_randomise_spec *s);

/**
 * Checks s: MSCSIM_OK, or MSCSIM_EINVAL with the reason in err (a block that is not a
 * whole number of allocation blocks, a probability out of range, too many factors or levels).
 */
int mscsim_randomise_check(const mscsim_randomise_spec *s, mscsim_error *err);

/**
 * Assigns n patients, in order of entry, to arms: arm[i] = 0 (control) or 1 (msc).
 * level[f][i] is patient i's level (0-based, below s->levels[f]) of factor f; NULL when the
 * method uses no factors. work has mscsim_randomise_work_size(s) bytes, suitably aligned
 * for int (malloc'd memory is). s must have passed mscsim_randomise_check.
 */
void mscsim_randomise(const mscsim_randomise_spec *s, size_t n, const int *const *level,
                      mscsim_rng *rng, unsigned char *arm, void *work);

#ifdef __cplusplus
}
#endif
#endif
