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

#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

typedef struct {
    double mean[MSCSIM_ARM_COUNT];
    double sd[MSCSIM_ARM_COUNT];
    double z_scale;         /* rho / baseline sd */
    double residual_weight; /* sqrt(1 - rho^2) */
    double baseline_mean;
    mscsim_arm_config msc;  /* For the heterogeneity multiplier. */
} normal_params;

_Static_assert(sizeof(normal_params) <= MSCSIM_MODEL_PARAMS_MAX, "params too large");

static unsigned normal_needs(const mscsim_config *cfg)
{
    return (cfg->rho != 0.0 ? MSCSIM_NEED_BASELINE : 0u) | sim_effect_needs(cfg);
}

static int normal_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    normal_params p;
    memset(&p, 0, sizeof p);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        p.mean[a] = cfg->arm[a].mean;
        p.sd[a] = cfg->arm[a].sd;
    }
    double sd = mscsim_distspec_sd(&cfg->baseline);
    if (cfg->rho != 0.0 && !(sd > 0)) {
        sim_error_set(err, MSCSIM_ECONFIG,
                         "rho needs a baseline distribution with a known sd > 0");
        return mscsim_config_error_at(cfg, "baseline", "score", err);
    }
    p.z_scale = cfg->rho != 0.0 ? cfg->rho / sd : 0.0;
    p.residual_weight = sqrt(1.0 - cfg->rho * cfg->rho);
    p.baseline_mean = cfg->rho != 0.0 ? mscsim_distspec_mean(&cfg->baseline) : 0.0;
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
    .needs = normal_needs,
    .prepare = normal_prepare,
    .true_effect = normal_true_effect,
    .simulate = normal_simulate,
};
