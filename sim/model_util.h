#ifndef MSCSIM_MODEL_UTIL_H
#define MSCSIM_MODEL_UTIL_H
/* Private helpers shared by the model files. */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/population.h"

/*
 * Effect heterogeneity ([msc] effect_slope, effect_center): the MSC effect of patient i is
 * the configured effect times 1 + slope * (NIHSS_i - center), so slope 0.05 makes it 5 %
 * larger per NIHSS point above center (the seed trial suggested larger gains in severe
 * patients, shared/domain.md section 1). Models apply it to their effect parameter (a
 * mean difference, a gain in r, a log odds ratio, ...). 1 when there is no slope.
 */
static inline double mscsim_effect_multiplier(const mscsim_arm_config *msc,
                                              const mscsim_covariates *cov, size_t i)
{
    if (msc->effect_slope == 0.0 || !cov->nihss)
        return 1.0;
    return 1.0 + msc->effect_slope * (cov->nihss[i] - msc->effect_center);
}

/* MSCSIM_NEED_NIHSS when the MSC effect varies with NIHSS. */
static inline unsigned mscsim_effect_needs(const mscsim_config *cfg)
{
    return cfg->arm[1].effect_slope != 0.0 ? MSCSIM_NEED_NIHSS : 0u;
}

#endif
