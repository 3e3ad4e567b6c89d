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

#include "analytic_impl.h"
#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

extern const mscsim_model_type sim_model_normal;

typedef struct {
    double mean[MSCSIM_ARM_COUNT];
    double sd[MSCSIM_ARM_COUNT];
    double rho;             /* corr(change, baseline), for the analytic power */
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
    p.rho = rho;
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

/* The normal change per arm; whether the endpoint itself is normal depends on the
 * baseline, which the change is correlated with. */
static int normal_analytic(const void *params, const mscsim_config *cfg,
                           mscsim_analytic_outcome *o, char *why, size_t why_len)
{
    const normal_params *p = params;
    if (cfg->scale != MSCSIM_SCALE_NONE)
        return sim_analytic_none(why, why_len, "the [outcome] scale rounds and clips the outcome");
    mscsim_endpoint e = mscsim_config_endpoint(cfg);
    if (e != MSCSIM_ENDPOINT_CHANGE && e != MSCSIM_ENDPOINT_FINAL)
        return sim_analytic_none(why, why_len, "only the change and final endpoints are normal");
    if (!(p->sd[0] > 0.0 && p->sd[1] > 0.0))
        return sim_analytic_none(why, why_len, "an arm's sd is 0");
    const mscsim_dist_spec *b = &cfg->baseline;
    o->kind = SIM_ANALYTIC_NORMAL;
    o->noun = "a normal endpoint";
    memcpy(o->mean, p->mean, sizeof o->mean);
    memcpy(o->sd, p->sd, sizeof o->sd);
    o->rho = p->rho;
    o->final = e == MSCSIM_ENDPOINT_FINAL;
    o->baseline_sd = b->kind == MSCSIM_DIST_NORMAL ? b->b : 0.0;
    /* Patients are redrawn whole outside the NIHSS window, which truncates a baseline
     * correlated with NIHSS. */
    int truncated = cfg->severity_corr != 0.0 &&
                    (isfinite(cfg->nihss_min) || isfinite(cfg->nihss_max));
    o->baseline_normal = b->kind == MSCSIM_DIST_NORMAL && !truncated;
    /* The change is mean + sd (rho z + sqrt(1 - rho^2) e), so it is normal when rho = 0 or
     * the baseline is; final adds the baseline. */
    if (o->final || p->rho != 0.0) {
        int fixed = o->final && p->rho == 0.0 && b->kind == MSCSIM_DIST_FIXED;
        if (b->kind != MSCSIM_DIST_NORMAL && !fixed)
            o->not_normal = "the endpoint is not normal: [baseline] score is not a normal "
                            "distribution";
        else if (truncated)
            o->not_normal = "the NIHSS eligibility window truncates the baseline through "
                            "severity_corr";
    }
    return 1;
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
    .analytic = normal_analytic,
};
