#ifndef SIM_TOLERANCE_H
#define SIM_TOLERANCE_H
/* Shared numeric tolerances (private). */

#include <math.h>

/* Probabilities or weights must sum to 1 within this much: room for values typed with 9+
 * decimals, tight enough to catch a missing entry (mscsim_categorical_init, which the
 * alias tables are built with, requires the same). */
#define SIM_SUM_TO_ONE_TOL 1e-9

/* 1 when sum is 1 within SIM_SUM_TO_ONE_TOL (0 for NaN). */
static inline int sim_sums_to_one(double sum)
{
    return fabs(sum - 1.0) <= SIM_SUM_TO_ONE_TOL;
}

/* Largest magnitude of a configured number that sums of squares over 10^7 patients keep
 * finite: the bound of the normal model's means and SDs and of distribution parameters. */
#define SIM_MAX_MAGNITUDE 1e100

#endif
