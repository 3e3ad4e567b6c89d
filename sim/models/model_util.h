#ifndef SIM_MODEL_UTIL_H
#define SIM_MODEL_UTIL_H
/* Private helpers shared by the model files (and by analytic.c, for what a model implies). */

#include <math.h>
#include <stddef.h>

#include "mathlib.h"

#include "mscsim/config.h"
#include "mscsim/model.h"
#include "mscsim/population.h"
#include "mscsim/scale.h"

/*
 * Effect heterogeneity ([msc] effect_slope, effect_center): the MSC effect of patient i is
 * the configured effect times 1 + slope * (NIHSS_i - center), so slope 0.05 makes it 5 %
 * larger per NIHSS point above center (the seed trial suggested larger gains in severe
 * patients, configs/EVIDENCE.md section 1). Models apply it to their effect parameter (a
 * mean difference, a gain in r, a log odds ratio, ...). 1 when there is no slope.
 */
static inline double sim_effect_multiplier(const mscsim_arm_config *msc,
                                              const mscsim_covariates *cov, size_t i)
{
    if (msc->effect_slope == 0.0 || !cov->nihss)
        return 1.0;
    return 1.0 + msc->effect_slope * (cov->nihss[i] - msc->effect_center);
}

/* MSCSIM_NEED_NIHSS when the MSC effect varies with NIHSS. */
static inline unsigned sim_effect_needs(const mscsim_config *cfg)
{
    return cfg->arm[1].effect_slope != 0.0 ? MSCSIM_NEED_NIHSS : 0u;
}

/*
 * The proportional-odds cut after category k (k < levels - 1) of the control probabilities
 * probs (best first): returns P(Y <= k) in an arm with log odds ratio log_or over control,
 * and sets *control to the control arm's P(Y <= k) and *theta to its logit. Head and tail
 * are summed apart, so a cut next to an empty end is exactly 0 or 1 and theta exactly -Inf
 * or +Inf (1 - head would leave a rounding residue); log_or = 0 returns control exactly.
 */
static inline double sim_po_cut(const double *probs, int levels, int k, double log_or,
                                   double *control, double *theta)
{
    double head = 0.0, tail = 0.0;
    for (int j = 0; j <= k; j++)
        head += probs[j];
    for (int j = k + 1; j < levels; j++)
        tail += probs[j];
    *theta = log(head / tail);
    *control = head / (head + tail);
    return log_or == 0.0 ? *control : plogis(*theta + log_or, 0.0, 1.0, 1, 0);
}

/* [model] r_sd, which the proportional and trajectory models both declare (one line sets
 * both; the key reference shows one row). */
#define SIM_R_SD_HELP "Between-patient sd of r, truncated to [0, 1] (assumption)."
#define SIM_R_SD_LABEL "between-patient SD of r"

/* Fails unless value is a finite number in [lo, hi]; the error names section.key. */
int sim_model_check_range(const mscsim_config *cfg, const char *section, const char *key,
                          double value, double lo, double hi, mscsim_error *err);

/* The scale of a model that needs a bounded one (the recovery models): fills *scale, or
 * fails at [outcome] scale with "the <model> model needs a bounded scale (...): <why>". */
int sim_model_bounded_scale(const mscsim_config *cfg, const mscsim_model_type *model,
                            const char *why, mscsim_scale *scale, mscsim_error *err);

/* A baseline clamped into [lo, hi]; the comparisons keep a NaN baseline NaN. */
static inline double sim_clamp_baseline(double b, double lo, double hi)
{
    return b < lo ? lo : (b > hi ? hi : b);
}

/* Patient i of a plateau model scores y at every visit (one, unless several are asked). */
static inline void sim_plateau_scores(mscsim_arm_sim *arm, size_t i, double y)
{
    const size_t nv = (size_t)arm->visit_count;
    for (size_t v = 0; v < nv; v++)
        arm->true_score[i * nv + v] = arm->score[i * nv + v] = y;
}

#endif
