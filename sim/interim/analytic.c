/*
 * Analytic power of a design with looks: the exit probabilities of the canonical joint
 * distribution (Jennison & Turnbull 2000, ch. 3 and 19) at the drift of the fixed design's
 * normal-theory statistic, as rpact's getPowerMeans(normalApproximation = TRUE) computes,
 * and the inflation factor that scales a fixed design's sample size to the design's.
 */
#include "mscsim/interim.h"

#include <math.h>

#include "internal.h"
#include "mscsim/analytic.h"
#include "mscsim/config.h"

SIM_API double mscsim_interim_analytic_power(const mscsim_config *cfg, int analysis,
                                             long n_total)
{
    mscsim_analytic_design d;
    if (n_total < 0 || !mscsim_analytic_design_from_config(cfg, analysis, &d, NULL, 0))
        return NAN;
    if (d.method != MSCSIM_ANALYTIC_STUDENT && d.method != MSCSIM_ANALYTIC_WELCH &&
        d.method != MSCSIM_ANALYTIC_ANCOVA)
        return NAN;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, n_total, sizes);
    /* Expected analysed patients: the information of complete cases under MCAR dropout. */
    double var = 0.0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        var += d.sd[a] * d.sd[a] / ((double)sizes[a] * (1.0 - d.dropout[a]));
    mscsim_gsd_bounds b;
    if (mscsim_interim_bounds(cfg, &b, NULL))
        return NAN;
    mscsim_gsd_probs p;
    mscsim_gsd_probabilities(&b, d.delta / sqrt(var), &p);
    return p.power;
}

SIM_API double mscsim_interim_inflation_factor(const mscsim_config *cfg, double target)
{
    mscsim_gsd_bounds b;
    if (cfg->look_count == 0 || mscsim_interim_bounds(cfg, &b, NULL))
        return NAN;
    return mscsim_gsd_inflation_factor(&b, target);
}
