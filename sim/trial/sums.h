#ifndef SIM_SUMS_H
#define SIM_SUMS_H
/*
 * Private to sim/: sums over arrays of doubles in SIM_LANES independent accumulators,
 * combined at the end as (acc0 + acc1) + (acc2 + acc3). A single running sum waits on each
 * addition's latency, which made these reductions the costliest step after the random
 * draws (arm statistics) and ~80 % of an imputation's run time; partial sums are at least
 * as accurate. The order of additions is fixed, so results stay bit-for-bit reproducible.
 * Inline: they run once per arm per trial on short arrays, where a call would show.
 */

#include <stddef.h>

#define SIM_LANES 4

static inline double sim_lane_total(const double acc[SIM_LANES])
{
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* Sum of v[0..n-1]. */
static inline double sim_sum(const double *v, size_t n)
{
    double acc[SIM_LANES] = {0};
    size_t i = 0;
    for (; i + SIM_LANES <= n; i += SIM_LANES)
        for (int k = 0; k < SIM_LANES; k++)
            acc[k] += v[i + k];
    for (; i < n; i++)
        acc[0] += v[i];
    return sim_lane_total(acc);
}

/* Sums of deviations and squared deviations of v from m. */
static inline void sim_deviations(const double *v, size_t n, double m, double *dev_sum,
                                  double *sq_sum)
{
    double d[SIM_LANES] = {0}, q[SIM_LANES] = {0};
    size_t i = 0;
    /* Two loops over the lanes rather than one: each maps its lanes onto vector registers
     * (the fused loop was vectorised into shuffles and scalar additions); the additions
     * are the same, in the same order. */
    for (; i + SIM_LANES <= n; i += SIM_LANES)
        for (int k = 0; k < SIM_LANES; k++)
            d[k] += v[i + k] - m;
    for (i = 0; i + SIM_LANES <= n; i += SIM_LANES)
        for (int k = 0; k < SIM_LANES; k++) {
            double e = v[i + k] - m;
            q[k] += e * e;
        }
    for (; i < n; i++) {
        double e = v[i] - m;
        d[0] += e;
        q[0] += e * e;
    }
    *dev_sum = sim_lane_total(d);
    *sq_sum = sim_lane_total(q);
}

#endif
