#include "mscsim/trial.h"

#include <string.h>

#include "internal.h"

/*
 * The corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms for computing the
 * sample variance", Am. Stat. 37, 1983): the second pass also sums the deviations, whose
 * total (zero in exact arithmetic) corrects both the mean and the sums of squares for the
 * rounding of the first pass, at no extra pass over the data.
 *
 * Sums run in LANES independent accumulators combined at the end: a single chain waits
 * on each addition's latency, which made this the costliest step after the random draws.
 * The order of additions is fixed, so results stay bit-for-bit reproducible.
 */
#define LANES 4

static double lane_total(const double acc[LANES])
{
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

static double sum(const double *v, size_t n)
{
    double acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++)
            acc[k] += v[i + k];
    for (; i < n; i++)
        acc[0] += v[i];
    return lane_total(acc);
}

/* Sums of deviations and squared deviations of v from m. */
static void deviations(const double *v, size_t n, double m, double *dev_sum, double *sq_sum)
{
    double d[LANES] = {0}, q[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) {
            double e = v[i + k] - m;
            d[k] += e;
            q[k] += e * e;
        }
    for (; i < n; i++) {
        double e = v[i] - m;
        d[0] += e;
        q[0] += e * e;
    }
    *dev_sum = lane_total(d);
    *sq_sum = lane_total(q);
}

/* Sum of cross-products of deviations of x from mx and y from my. */
static double cross_deviations(const double *x, const double *y, size_t n, double mx, double my)
{
    double acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++)
            acc[k] += (x[i + k] - mx) * (y[i + k] - my);
    for (; i < n; i++)
        acc[0] += (x[i] - mx) * (y[i] - my);
    return lane_total(acc);
}

MSCSIM_API void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, const double *x,
                                         size_t n)
{
    memset(st, 0, sizeof *st);
    st->n = n;
    if (n == 0)
        return;
    double nn = (double)n;
    st->sum_y = sum(y, n);
    double my = st->sum_y / nn, dy_sum, ssy;
    deviations(y, n, my, &dy_sum, &ssy);
    st->mean_y = my + dy_sum / nn;
    st->ss_y = ssy - dy_sum * dy_sum / nn;
    if (!x)
        return;
    double mx = sum(x, n) / nn, dx_sum, ssx;
    deviations(x, n, mx, &dx_sum, &ssx);
    st->mean_x = mx + dx_sum / nn;
    st->ss_x = ssx - dx_sum * dx_sum / nn;
    st->sp_xy = cross_deviations(x, y, n, mx, my) - dx_sum * dy_sum / nn;
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
    /* Branch-free compaction: every value is written at the kept position, which only
     * advances for a kept patient (kept <= i, so nothing unread is overwritten). */
    size_t kept = 0;
    if (x) {
        for (size_t i = 0; i < n; i++) {
            int keep = mscsim_rng_uniform(rng) >= dropout;
            y[kept] = y[i];
            x[kept] = x[i];
            kept += (size_t)keep;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            int keep = mscsim_rng_uniform(rng) >= dropout;
            y[kept] = y[i];
            kept += (size_t)keep;
        }
    }
    return kept;
}
