#ifndef MSCSIM_PRIOR_H
#define MSCSIM_PRIOR_H

/**
 * Design priors ([prior] section): every simulated trial of a design with a prior draws
 * the keys' values from their distributions, so power becomes assurance, the probability
 * of success averaged over the prior (O'Hagan, Stevens and Campbell 2005).
 */

#include "mscsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How the trials of a design with a prior get their true effects. */
typedef enum {
    MSCSIM_PRIOR_TRUTH_NO_PRIOR = 0, /**< The design has no [prior]. */
    MSCSIM_PRIOR_TRUTH_EXACT,        /**< The model's closed form at each trial's values. */
    MSCSIM_PRIOR_TRUTH_GRID,         /**< Interpolated in a grid of simulated truths. */
    MSCSIM_PRIOR_TRUTH_NONE          /**< None (NA): several prior keys, no closed form. */
} mscsim_prior_truth;

/**
 * How the trials of d get analysis number `analysis`'s true effect. For
 * MSCSIM_PRIOR_TRUTH_GRID also the grid's first and last node, the largest leave-one-out
 * interpolation error (an overestimate of the error) and the largest Monte Carlo SE of a
 * node's truth; the outputs are left alone otherwise. Thread-safe (reads d).
 */
mscsim_prior_truth mscsim_design_prior_truth(const mscsim_design *d, int analysis,
                                             double *grid_lo, double *grid_hi, double *error,
                                             double *mcse);

#ifdef __cplusplus
}
#endif
#endif
