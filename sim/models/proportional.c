/*
 * Proportional recovery model ([model] type = proportional).
 *
 * DESCRIPTION
 *   Patients regain a fixed share r of the function they lost, the proportional recovery
 *   rule (Prabhakaran 2008; Winters 2015, NNR: change in FMA-UE = 0.7 (66 - baseline)
 *   + 0.4 over about 6 months for the ~70 % "fitters"; the ~30 % "non-fitters" are mostly
 *   severely impaired and regain little; configs/EVIDENCE.md section 3). The model scores the
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
 *   sim/models/model_util.h) scales both differences by the patient's multiplier m_i:
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
 *   Defaults of r_sd, noise_sd, nonfitter_slope and nonfitter_r are assumptions (their
 *   help below says so).
 */
#include <math.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/scale.h"

extern const mscsim_model_type sim_model_proportional;

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

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum {
    KEY_NONFITTER_SLOPE,
    KEY_NONFITTER_R,
    KEY_R_SD,
    KEY_NOISE_SD,
    KEY_CONTROL_R,
    KEY_MSC_R,
    KEY_CONTROL_SHARE,
    KEY_MSC_SHARE,
    KEY_COUNT
};

#define R_HELP                                                                               \
    "Share of the lost function that fitters regain (0.7: proportional recovery rule, "     \
    "EVIDENCE.md section 3)."
#define SHARE_HELP                                                                           \
    "Probability of being a non-fitter at half the range lost (about 30 % overall, "        \
    "EVIDENCE.md section 3)."

static const sim_key proportional_keys[KEY_COUNT] = {
    [KEY_NONFITTER_SLOPE] = {"model", "nonfitter_slope", SIM_KEY_DOUBLE, .min = -HUGE_VAL,
                             .max = HUGE_VAL, .default_text = "4",
                             .help = "Log-odds of being a non-fitter per unit of impairment "
                                     "(share of the range lost); assumption: non-fitters are "
                                     "mostly severe (EVIDENCE.md section 3).",
                             .label = "non-fitter log-odds per unit of impairment", .rank = 20},
    [KEY_NONFITTER_R] = {"model", "nonfitter_r", SIM_KEY_DOUBLE, .min = 0, .max = 1,
                         .default_text = "0.1",
                         .help = "Share of the lost function non-fitters regain (assumption: "
                                 "little).",
                         .label = "non-fitters' recovery share", .rank = 21},
    [KEY_R_SD] = {"model", "r_sd", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.1",
                  .help = SIM_R_SD_HELP, .label = SIM_R_SD_LABEL, .rank = 22},
    [KEY_NOISE_SD] = {"model", "noise_sd", SIM_KEY_DOUBLE, .min = 0, .max = HUGE_VAL,
                      .default_text = "4",
                      .help = "Residual sd of the gain, in points (assumption).",
                      .label = "residual SD of the gain (points)", .rank = 23},
    [KEY_CONTROL_R] = {"control", "r", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.7",
                       .help = R_HELP, .label = "control recovery share r", .rank = 30},
    [KEY_MSC_R] = {"msc", "r", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.7",
                   .help = R_HELP, .label = "MSC recovery share r", .rank = 30},
    [KEY_CONTROL_SHARE] = {"control", "nonfitter_share", SIM_KEY_DOUBLE, .min = 0, .max = 1,
                           .flags = SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE,
                           .default_text = "0.3", .help = SHARE_HELP,
                           .label = "control non-fitter share", .rank = 31},
    [KEY_MSC_SHARE] = {"msc", "nonfitter_share", SIM_KEY_DOUBLE, .min = 0, .max = 1,
                       .flags = SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE,
                       .default_text = "0.3", .help = SHARE_HELP,
                       .label = "MSC non-fitter share", .rank = 31},
};

static double number(const mscsim_config *cfg, int key)
{
    return sim_model_value(cfg, &sim_model_proportional, key)->number;
}

static unsigned proportional_needs(const mscsim_config *cfg)
{
    return MSCSIM_NEED_BASELINE | sim_effect_needs(cfg);
}

static double logit(double q)
{
    return log(q) - log1p(-q); /* -inf at 0, +inf at 1 */
}

static int proportional_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    mscsim_scale scale;
    int status = sim_model_bounded_scale(cfg, &sim_model_proportional,
                                         "recovery is a share of the function lost", &scale, err);
    if (status)
        return status;
    static const char *const section[MSCSIM_ARM_COUNT] = {"control", "msc"};
    double r[MSCSIM_ARM_COUNT] = {number(cfg, KEY_CONTROL_R), number(cfg, KEY_MSC_R)};
    double share[MSCSIM_ARM_COUNT] = {number(cfg, KEY_CONTROL_SHARE), number(cfg, KEY_MSC_SHARE)};
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        if ((status = sim_model_check_range(cfg, section[a], "r", r[a], 0, 1, err)) ||
            (status = sim_model_check_range(cfg, section[a], "nonfitter_share", share[a], 0, 1,
                                            err)))
            return status;
    }
    double nonfitter_r = number(cfg, KEY_NONFITTER_R), r_sd = number(cfg, KEY_R_SD);
    double noise_sd = number(cfg, KEY_NOISE_SD), slope = number(cfg, KEY_NONFITTER_SLOPE);
    if ((status = sim_model_check_range(cfg, "model", "nonfitter_r", nonfitter_r, 0, 1, err)) ||
        (status = sim_model_check_range(cfg, "model", "r_sd", r_sd, 0, HUGE_VAL, err)) ||
        (status = sim_model_check_range(cfg, "model", "noise_sd", noise_sd, 0, HUGE_VAL, err)) ||
        (status = sim_model_check_range(cfg, "model", "nonfitter_slope", slope, -HUGE_VAL,
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
        p.r[a] = r[a];
        p.logit_q[a] = logit(share[a]);
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
    p.nonfitter_slope = slope;
    p.nonfitter_r = nonfitter_r;
    p.r_sd = r_sd;
    p.noise_sd = noise_sd;
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
    for (size_t i = 0; i < arm->n; i++) {
        double b = sim_clamp_baseline(base[i], p->lo, p->hi);
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
        sim_plateau_scores(arm, i, b + p->dir * gain);
    }
}

const mscsim_model_type sim_model_proportional = {
    .name = "proportional",
    .description = "Proportional recovery rule: fitters regain a share r of the function lost, "
                   "non-fitters little (Prabhakaran 2008, Winters 2015).",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .multi_visit = 0,
    .has_baseline_score = 1,
    .draws_deaths = 1,
    .keys = proportional_keys,
    .key_count = KEY_COUNT,
    .params_size = sizeof(proportional_params),
    .needs = proportional_needs,
    .prepare = proportional_prepare,
    .true_effect = proportional_true_effect,
    .simulate = proportional_simulate,
};
