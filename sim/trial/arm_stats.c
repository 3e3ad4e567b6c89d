/*
 * Arm statistics of a trial's analysable data (trial.h), by the corrected two-pass
 * algorithm (Chan, Golub & LeVeque, "Algorithms for computing the sample variance", Am.
 * Stat. 37, 1983): the second pass also sums the deviations, whose total (zero in exact
 * arithmetic) corrects both the mean and the sums of squares for the rounding of the first
 * pass, at no extra pass over the data. The sums run in lanes (sums.h).
 */
#include "mscsim/trial.h"

#include <string.h>

#include "internal.h"
#include "sums.h"

_Static_assert(MSCSIM_MAX_COVARIATES == sizeof(((mscsim_trial_data *)0)->cov[0]) / sizeof(double *),
               "trial.h's covariate slots must match MSCSIM_MAX_COVARIATES");

SIM_API void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, size_t n)
{
    memset(st, 0, sizeof *st);
    st->n = n;
    if (n == 0)
        return;
    double nn = (double)n;
    st->sum_y = sim_sum(y, n);
    double my = st->sum_y / nn, dy_sum, ssy;
    sim_deviations(y, n, my, &dy_sum, &ssy);
    st->mean_y = my + dy_sum / nn;
    st->ss_y = ssy - dy_sum * dy_sum / nn;
}

SIM_API void mscsim_trial_data_set(mscsim_trial_data *data,
                                      const double *const y[MSCSIM_ARM_COUNT],
                                      const size_t n[MSCSIM_ARM_COUNT])
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        data->y[a] = y[a];
        data->died[a] = NULL;
        mscsim_arm_stats_compute(&data->arm[a], y[a], n[a]);
    }
    data->scratch = NULL;
    data->cov_count = 0;
    data->table = NULL;
}
