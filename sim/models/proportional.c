/*
 * Proportional recovery model ([model] type = proportional).
 *
 * DESCRIPTION
 *   Patients regain a fixed share r of the function they lost, the proportional recovery
 *   rule (Prabhakaran 2008; Winters 2015, NNR: change in FMA-UE = 0.7 (66 - baseline)
 *   + 0.4 over about 6 months for the ~70 % "fitters"; the ~30 % "non-fitters" are mostly
 *   severely impaired and regain little; shared/domain.md section 3). The model scores the
 *   plateau: it has no time course, so it is single-visit (the primary visit).
 *
 * METHOD
 *   Scores live on the configured bounded scale; "best" is its better end (max when higher
 *   is better, min otherwise, e.g. NIHSS as an outcome) and dir = +1 or -1 points from the
 *   worse end to the better one. For a patient with baseline B (clamped into the scale's
 *   range, so the potential is never negative):
 *       potential  P = dir (best - B)                 points still to regain, in [0, max - min]
 *       impairment s = P / (max - min)                 share of the range lost, in [0, 1]
 *       P(non-fitter) = logistic(logit(q_arm) + nonfitter_slope (s - 0.5))
 *   so q_arm ([arm] nonfitter_share) is the non-fitter probability of a patient who lost
 *   half the range, and a positive slope makes severe patients non-fitters more often.
 *       fitter:      gain = r_i P + noise_sd e,   r_i ~ N(r_arm, r_sd) truncated to [0, 1]
 *       non-fitter:  gain = nonfitter_r P + noise_sd e
 *       score = true_score = B + dir gain   (the noise is part of the gain; no separate
 *                                             measurement error)
 *   The pipeline rounds and clips the score to the scale (mscsim_scale_apply).
 *
 *   MSC effect: on r ([msc] r > [control] r) and/or on the non-fitter share ([msc]
 *   nonfitter_share < [control]). Effect heterogeneity ([msc] effect_slope, effect_center;
 *   sim/model_util.h) scales both differences by the patient's multiplier m_i:
 *       mean r of an msc patient  = r_control + m_i (r_msc - r_control), clamped to [0, 1]
 *       logit q of an msc patient = logit q_control + m_i (logit q_msc - logit q_control)
 *   The clamp keeps a large |m_i| meaning "full" (or "no") recovery instead of an
 *   undefined draw. Shares of 0 or 1 give logits of -inf or +inf and probabilities of
 *   exactly 0 or 1; when they differ between the arms the logit difference is infinite and
 *   cannot be scaled, so that combination with a slope is an error.
 *
 *   Draw order per patient (fixed, documented so that streams can be compared): one
 *   uniform for the fitter status (always drawn); then, for fitters, the truncated normal
 *   of r_i (skipped when r_sd = 0; rejection sampling, so a variable number of draws);
 *   then one standard normal for the noise (skipped when noise_sd = 0).
 *
 *   true_effect is NaN: after rounding and clipping at the ceiling there is no closed form.
 *
 * REFERENCE
 *   Prabhakaran S et al. (2008) Neurorehabil Neural Repair 22:64-71.
 *   Winters C et al. (2015) Neurorehabil Neural Repair 29:614-622.
 *   Defaults of r_sd, noise_sd, nonfitter_slope and nonfitter_r are assumptions
 *   (sim/config_keys.c says so in their help).
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/scale.h"

typedef struct {
    double lo, hi;            /* scale range */
    double best;              /* the scale's better end */
    double dir;               /* +1 when higher is better, else -1 */
    double inv_range;         /* 1 / (hi - lo) */
    double r[MSCSIM_ARM_COUNT];
    double logit_q[MSCSIM_ARM_COUNT]; /* logit of the non-fitter share (may be +-inf) */
    double dlogit;            /* logit_q[msc] - logit_q[control]; 0 when they are equal */
    double nonfitter_slope, nonfitter_r, r_sd, noise_sd;
    double effect_slope, effect_center;
} proportional_params;

_Static_assert(sizeof(proportional_params) <= MSCSIM_MODEL_PARAMS_MAX, "params too large");

static unsigned proportional_needs(const mscsim_config *cfg)
{
    return MSCSIM_NEED_BASELINE | sim_effect_needs(cfg);
}

/* Fails unless value is a finite number in [lo, hi]; the error names section.key. */
static int check_range(const mscsim_config *cfg, const char *section, const char *key,
                       double value, double lo, double hi, mscsim_error *err)
{
    if (isfinite(value) && value >= lo && value <= hi)
        return MSCSIM_OK;
    sim_error_set(err, MSCSIM_ERANGE, "must be a finite number in [%g, %g] (got %g)", lo, hi,
                     value);
    return mscsim_config_error_at(cfg, section, key, err);
}

static double logit(double q)
{
    return log(q) - log1p(-q); /* -inf at 0, +inf at 1 */
}

static int proportional_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    mscsim_scale scale;
    int status = mscsim_scale_from_config(cfg, &scale, err);
    if (status)
        return status;
    if (!mscsim_scale_bounded(&scale) || !isfinite(scale.min) || !isfinite(scale.max)) {
        sim_error_set(err, MSCSIM_ECONFIG,
                         "the proportional model needs a bounded scale (fma_ue, fma_le, "
                         "fma_motor, barthel, nihss or custom): recovery is a share of the "
                         "function lost");
        return mscsim_config_error_at(cfg, "outcome", "scale", err);
    }
    static const char *const section[MSCSIM_ARM_COUNT] = {"control", "msc"};
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        if ((status = check_range(cfg, section[a], "r", cfg->arm[a].r, 0, 1, err)) ||
            (status = check_range(cfg, section[a], "nonfitter_share",
                                  cfg->arm[a].nonfitter_share, 0, 1, err)))
            return status;
    }
    if ((status = check_range(cfg, "model", "nonfitter_r", cfg->nonfitter_r, 0, 1, err)) ||
        (status = check_range(cfg, "model", "r_sd", cfg->r_sd, 0, HUGE_VAL, err)) ||
        (status = check_range(cfg, "model", "noise_sd", cfg->noise_sd, 0, HUGE_VAL, err)) ||
        (status = check_range(cfg, "model", "nonfitter_slope", cfg->nonfitter_slope, -HUGE_VAL,
                              HUGE_VAL, err)))
        return status;

    proportional_params p;
    memset(&p, 0, sizeof p);
    p.lo = scale.min;
    p.hi = scale.max;
    p.best = scale.higher_is_better ? scale.max : scale.min;
    p.dir = mscsim_scale_orientation(&scale);
    p.inv_range = 1.0 / (scale.max - scale.min);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        p.r[a] = cfg->arm[a].r;
        p.logit_q[a] = logit(cfg->arm[a].nonfitter_share);
    }
    const mscsim_arm_config *msc = &cfg->arm[MSCSIM_ARM_MSC];
    p.dlogit = p.logit_q[MSCSIM_ARM_MSC] == p.logit_q[MSCSIM_ARM_CONTROL]
                   ? 0.0
                   : p.logit_q[MSCSIM_ARM_MSC] - p.logit_q[MSCSIM_ARM_CONTROL];
    if (msc->effect_slope != 0.0 && !isfinite(p.dlogit)) {
        sim_error_set(err, MSCSIM_ECONFIG,
                         "0 or 1 in one arm only: the log-odds difference between the arms "
                         "is infinite and cannot be scaled by [msc] effect_slope; use shares "
                         "strictly between 0 and 1");
        return mscsim_config_error_at(cfg, "msc", "nonfitter_share", err);
    }
    p.nonfitter_slope = cfg->nonfitter_slope;
    p.nonfitter_r = cfg->nonfitter_r;
    p.r_sd = cfg->r_sd;
    p.noise_sd = cfg->noise_sd;
    p.effect_slope = msc->effect_slope;
    p.effect_center = msc->effect_center;
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double proportional_true_effect(const void *params, const mscsim_config *cfg)
{
    (void)params;
    (void)cfg;
    return NAN; /* clipping at the ceiling and rounding leave no closed form */
}

static void proportional_simulate(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm)
{
    const proportional_params *p = params;
    const int a = arm->arm;
    const int hetero = a == MSCSIM_ARM_MSC && p->effect_slope != 0.0;
    const double dr = p->r[MSCSIM_ARM_MSC] - p->r[MSCSIM_ARM_CONTROL];
    /* sim_effect_multiplier reads only the slope and centre of an arm config. */
    mscsim_arm_config het;
    memset(&het, 0, sizeof het);
    het.effect_slope = p->effect_slope;
    het.effect_center = p->effect_center;
    const double *base = arm->cov->baseline; /* declared in needs(), so drawn */
    const int nv = arm->visit_count;
    for (size_t i = 0; i < arm->n; i++) {
        /* Clamp into the range; comparisons keep a NaN baseline NaN. */
        double b = base[i] < p->lo ? p->lo : (base[i] > p->hi ? p->hi : base[i]);
        double potential = p->dir * (p->best - b);
        double s = potential * p->inv_range;
        double r_mean = p->r[a], lq = p->logit_q[a];
        if (hetero) {
            double m = sim_effect_multiplier(&het, arm->cov, i);
            r_mean = p->r[MSCSIM_ARM_CONTROL] + m * dr;
            r_mean = r_mean < 0.0 ? 0.0 : (r_mean > 1.0 ? 1.0 : r_mean);
            lq = p->logit_q[MSCSIM_ARM_CONTROL] + m * p->dlogit;
        }
        /* logistic(+-inf) is exactly 1 or 0: exp(-x) gives 0 or inf. */
        double q = 1.0 / (1.0 + exp(-(lq + p->nonfitter_slope * (s - 0.5))));
        double share;
        if (mscsim_rng_uniform(rng) < q)
            share = p->nonfitter_r;
        else if (p->r_sd > 0.0)
            share = mscsim_rtruncnorm(rng, r_mean, p->r_sd, 0.0, 1.0);
        else
            share = r_mean;
        double gain = share * potential;
        if (p->noise_sd > 0.0)
            gain += p->noise_sd * mscsim_rnorm_std(rng);
        double y = b + p->dir * gain;
        /* A plateau model: should it ever be asked for several visits, each gets it. */
        for (int v = 0; v < nv; v++)
            arm->true_score[i * (size_t)nv + (size_t)v] = arm->score[i * (size_t)nv + (size_t)v] = y;
    }
}

const mscsim_model_type sim_model_proportional = {
    .name = "proportional",
    .description = "Proportional recovery rule: fitters regain a share r of the function lost, "
                   "non-fitters little (Prabhakaran 2008, Winters 2015).",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .multi_visit = 0,
    .needs = proportional_needs,
    .prepare = proportional_prepare,
    .true_effect = proportional_true_effect,
    .simulate = proportional_simulate,
};
