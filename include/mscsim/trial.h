#ifndef MSCSIM_TRIAL_H
#define MSCSIM_TRIAL_H

/**
 * One simulated trial's analysable data: per arm, the endpoint and baseline values of
 * the patients who have a primary outcome, and their sufficient statistics.
 */

#include <stddef.h>

#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Arm indices; the effect is always arm MSCSIM_ARM_MSC minus arm MSCSIM_ARM_CONTROL. */
enum { MSCSIM_ARM_CONTROL = 0, MSCSIM_ARM_MSC = 1, MSCSIM_ARM_COUNT = 2 };

/**
 * Sufficient statistics of one arm's analysed patients, computed in two passes (means
 * first, then centred sums) so they stay accurate for scores far from zero.
 */
typedef struct {
    size_t n;       /**< Analysed patients. */
    double sum_y;   /**< Sum of endpoint values (the event count for a 0/1 endpoint). */
    double mean_y;  /**< Mean endpoint; 0 when n = 0. */
    double ss_y;    /**< Sum of squared deviations of y from mean_y. */
    double mean_x;  /**< Mean baseline covariate. */
    double ss_x;    /**< Sum of squared deviations of x from mean_x. */
    double sp_xy;   /**< Sum of cross-products of deviations of x and y. */
} mscsim_arm_stats;

/** A trial ready for analysis. Arrays are borrowed (owned by the caller's workspace). */
typedef struct {
    mscsim_arm_stats arm[MSCSIM_ARM_COUNT];
    const double *y[MSCSIM_ARM_COUNT];  /**< Endpoint values, arm[a].n of them. */
    const double *x[MSCSIM_ARM_COUNT];  /**< Baseline covariate of the same patients. */
} mscsim_trial_data;

/** Computes the statistics of n paired values (x may be NULL: its fields are then 0). */
void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, const double *x, size_t n);

/** Points data at the arrays and computes both arms' statistics. */
void mscsim_trial_data_set(mscsim_trial_data *data, const double *const y[MSCSIM_ARM_COUNT],
                           const double *const x[MSCSIM_ARM_COUNT],
                           const size_t n[MSCSIM_ARM_COUNT]);

/**
 * Hides the primary outcome of each of n patients with probability dropout (missing
 * completely at random), one uniform draw per patient when dropout > 0: the kept values
 * of y (and x, if not NULL) are moved to the front in order. Returns how many are kept.
 */
size_t mscsim_trial_apply_dropout(double *y, double *x, size_t n, double dropout, mscsim_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
