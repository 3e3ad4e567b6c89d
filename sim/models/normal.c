/*
 * Normal outcome model. Each patient's change from baseline is
 *     change = mean_arm + sd_arm * (rho * z + sqrt(1 - rho^2) * e),
 * with z the patient's baseline score standardised by the baseline distribution's own
 * mean and sd, and e standard normal, so corr(change, baseline) = rho exactly (before any
 * scale clipping). The score is baseline + change. The baseline is drawn only when
 * something reads it (rho != 0 here; a level endpoint or an adjusted analysis, added by
 * the pipeline); otherwise it is 0 and the score is the change itself, so the common case
 * costs one normal draw per patient. Heterogeneity scales the mean difference.
 */
#include <math.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

extern const mscsim_model_type sim_model_normal;

typedef struct {
    double mean[MSCSIM_ARM_COUNT];
    double sd[MSCSIM_ARM_COUNT];
    double z_scale;         /* rho / baseline sd */
    double residual_weight; /* sqrt(1 - rho^2) */
    double baseline_mean;
    mscsim_arm_config msc;  /* For the heterogeneity multiplier. */
} normal_params;

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum { KEY_RHO, KEY_CONTROL_MEAN, KEY_MSC_MEAN, KEY_CONTROL_SD, KEY_MSC_SD, KEY_COUNT };

#define MEAN_HELP "Mean change from baseline (outcome units)."
#define SD_HELP "Standard deviation of the change (outcome units)."

static const sim_key normal_keys[KEY_COUNT] = {
    [KEY_RHO] = {"model", "rho", SIM_KEY_DOUBLE, .min = -1, .max = 1, .default_text = "0",
                 .help = "Correlation between the baseline score and the change.",
                 .label = "correlation of the change with the baseline", .rank = 10},
    [KEY_CONTROL_MEAN] = {"control", "mean", SIM_KEY_DOUBLE, .min = -HUGE_VAL, .max = HUGE_VAL,
                          .default_text = "0", .help = MEAN_HELP,
                          .label = "control mean change (points)", .rank = 10},
    [KEY_MSC_MEAN] = {"msc", "mean", SIM_KEY_DOUBLE, .min = -HUGE_VAL, .max = HUGE_VAL,
                      .default_text = "0", .help = MEAN_HELP,
                      .label = "MSC mean change (points)", .rank = 10},
    [KEY_CONTROL_SD] = {"control", "sd", SIM_KEY_DOUBLE, .min = 0, .max = HUGE_VAL,
                        .default_text = "1", .help = SD_HELP,
                        .label = "control SD of change (points)", .rank = 11},
    [KEY_MSC_SD] = {"msc", "sd", SIM_KEY_DOUBLE, .min = 0, .max = HUGE_VAL, .default_text = "1",
                    .help = SD_HELP, .label = "MSC SD of change (points)", .rank = 11},
};

static double number(const mscsim_config *cfg, int key)
{
    return sim_model_value(cfg, &sim_model_normal, key)->number;
}

static unsigned normal_needs(const mscsim_config *cfg)
{
    return (number(cfg, KEY_RHO) != 0.0 ? MSCSIM_NEED_BASELINE : 0u) | sim_effect_needs(cfg);
}

static int normal_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    normal_params p;
    memset(&p, 0, sizeof p);
    p.mean[MSCSIM_ARM_CONTROL] = number(cfg, KEY_CONTROL_MEAN);
    p.mean[MSCSIM_ARM_MSC] = number(cfg, KEY_MSC_MEAN);
    p.sd[MSCSIM_ARM_CONTROL] = number(cfg, KEY_CONTROL_SD);
    p.sd[MSCSIM_ARM_MSC] = number(cfg, KEY_MSC_SD);
    double rho = number(cfg, KEY_RHO);
    double sd = mscsim_distspec_sd(&cfg->baseline);
    if (rho != 0.0 && !(sd > 0)) {
        sim_error_set(err, MSCSIM_ECONFIG,
                         "rho needs a baseline distribution with a known sd > 0");
        return mscsim_config_error_at(cfg, "baseline", "score", err);
    }
    p.z_scale = rho != 0.0 ? rho / sd : 0.0;
    p.residual_weight = sqrt(1.0 - rho * rho);
    p.baseline_mean = rho != 0.0 ? mscsim_distspec_mean(&cfg->baseline) : 0.0;
    p.msc = cfg->arm[MSCSIM_ARM_MSC];
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double normal_true_effect(const void *params, const mscsim_config *cfg)
{
    const normal_params *p = params;
    mscsim_endpoint e = mscsim_config_endpoint(cfg);
    /* Exact only without clipping, deaths scored worst, heterogeneity or a nonlinear
     * endpoint; both arms share the baseline, so change and final differ equally. */
    int deaths_scored = cfg->death == MSCSIM_DEATH_WORST &&
                        (cfg->arm[0].mortality > 0 || cfg->arm[1].mortality > 0);
    if (cfg->scale != MSCSIM_SCALE_NONE || deaths_scored || cfg->arm[1].effect_slope != 0.0 ||
        (e != MSCSIM_ENDPOINT_CHANGE && e != MSCSIM_ENDPOINT_FINAL))
        return NAN;
    return p->mean[MSCSIM_ARM_MSC] - p->mean[MSCSIM_ARM_CONTROL];
}

static void normal_simulate(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm)
{
    const normal_params *p = params;
    int a = arm->arm;
    double mean = p->mean[a], sd = p->sd[a], diff = p->mean[1] - p->mean[0];
    const double *base = arm->cov->baseline;
    int hetero = a == MSCSIM_ARM_MSC && p->msc.effect_slope != 0.0;
    if (!base && !hetero) { /* The common case: the score is the change alone. */
        for (size_t i = 0; i < arm->n; i++)
            arm->score[i] = arm->true_score[i] = mean + sd * mscsim_rnorm_std(rng);
        return;
    }
    for (size_t i = 0; i < arm->n; i++) {
        double b = base ? base[i] : 0.0;
        double m = hetero ? p->mean[0] + sim_effect_multiplier(&p->msc, arm->cov, i) * diff
                          : mean;
        double change =
            m + sd * (p->z_scale * (b - p->baseline_mean) + p->residual_weight * mscsim_rnorm_std(rng));
        arm->score[i] = arm->true_score[i] = b + change;
    }
}

const mscsim_model_type sim_model_normal = {
    .name = "normal",
    .description = "Normal change from baseline, correlated rho with the baseline score.",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .multi_visit = 0,
    .has_baseline_score = 1,
    .draws_deaths = 1,
    .keys = normal_keys,
    .key_count = KEY_COUNT,
    .params_size = sizeof(normal_params),
    .needs = normal_needs,
    .prepare = normal_prepare,
    .true_effect = normal_true_effect,
    .simulate = normal_simulate,
};
