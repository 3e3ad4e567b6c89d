#include "mscsim/trial.h"

#include "internal.h"

/*
 * The corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms for computing the
 * sample variance", Am. Stat. 37, 1983): the second pass also sums the deviations, whose
 * total (zero in exact arithmetic) corrects both the mean and the sums of squares for the
 * rounding of the first pass, at no extra pass over the data.
 */
MSCSIM_API void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, const double *x,
                                         size_t n)
{
    double sy = 0.0, sx = 0.0;
    for (size_t i = 0; i < n; i++)
        sy += y[i];
    if (x)
        for (size_t i = 0; i < n; i++)
            sx += x[i];
    double nn = (double)n;
    double my = n ? sy / nn : 0.0, mx = (n && x) ? sx / nn : 0.0;
    double dy_sum = 0.0, dx_sum = 0.0, ssy = 0.0, ssx = 0.0, spxy = 0.0;
    if (x) {
        for (size_t i = 0; i < n; i++) {
            double dy = y[i] - my, dx = x[i] - mx;
            dy_sum += dy;
            dx_sum += dx;
            ssy += dy * dy;
            ssx += dx * dx;
            spxy += dx * dy;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            double dy = y[i] - my;
            dy_sum += dy;
            ssy += dy * dy;
        }
    }
    st->n = n;
    st->sum_y = sy;
    st->mean_y = n ? my + dy_sum / nn : 0.0;
    st->mean_x = (n && x) ? mx + dx_sum / nn : 0.0;
    st->ss_y = n ? ssy - dy_sum * dy_sum / nn : 0.0;
    st->ss_x = n ? ssx - dx_sum * dx_sum / nn : 0.0;
    st->sp_xy = n ? spxy - dx_sum * dy_sum / nn : 0.0;
}

MSCSIM_API void mscsim_trial_data_set(mscsim_trial_data *data,
                                      const double *const y[MSCSIM_ARM_COUNT],
                                      const double *const x[MSCSIM_ARM_COUNT],
                                      const size_t n[MSCSIM_ARM_COUNT])
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        data->y[a] = y[a];
        data->x[a] = x[a];
        mscsim_arm_stats_compute(&data->arm[a], y[a], x[a], n[a]);
    }
}

MSCSIM_API size_t mscsim_trial_apply_dropout(double *y, double *x, size_t n, double dropout,
                                            mscsim_rng *rng)
{
    if (dropout <= 0.0)
        return n;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (mscsim_rng_uniform(rng) < dropout)
            continue;
        y[kept] = y[i];
        if (x)
            x[kept] = x[i];
        kept++;
    }
    return kept;
}
