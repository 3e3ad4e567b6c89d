#include "mscsim/stats.h"

#include <math.h>

#include "internal.h"
#include "mathlib.h"

SIM_API void mscsim_welford_add(mscsim_welford *w, double x)
{
    w->count++;
    double delta = x - w->mean;
    w->mean += delta / (double)w->count;
    w->m2 += delta * (x - w->mean);
}

SIM_API void mscsim_welford_merge(mscsim_welford *a, const mscsim_welford *b)
{
    if (b->count == 0)
        return;
    if (a->count == 0) { /* Exactly b: one unit's sums are those of its serial fold. */
        *a = *b;
        return;
    }
    double na = (double)a->count, nb = (double)b->count, n = na + nb;
    double delta = b->mean - a->mean;
    a->mean += delta * (nb / n);
    a->m2 += b->m2 + delta * delta * (na * nb / n);
    a->count += b->count;
}

SIM_API double mscsim_welford_sd(const mscsim_welford *w)
{
    return w->count > 1 ? sqrt(w->m2 / (double)(w->count - 1)) : (double)NAN;
}

SIM_API void mscsim_wilson_interval(long successes, long trials, double conf, double *lo,
                                       double *hi)
{
    if (trials <= 0 || !(conf > 0 && conf < 1)) {
        *lo = *hi = NAN;
        return;
    }
    double n = (double)trials, p = (double)successes / n;
    double z = qnorm(0.5 + conf / 2, 0.0, 1.0, 1, 0);
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z2n / (4 * n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}
