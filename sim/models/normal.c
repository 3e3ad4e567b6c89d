/*
 * Normal outcome model. Each patient's change from baseline is
 *     change = mean_arm + sd_arm * (rho * z + sqrt(1 - rho^2) * e),
 * with z the patient's baseline score standardised by the baseline distribution's own
 * mean and sd, and e standard normal, so corr(change, baseline) = rho exactly (before any
 * scale clipping). The score is baseline + change. The baseline is drawn only when
 * something reads it (rho != 0 here; a level endpoint or an adjusted analysis, added by
 * the pipeline); otherwise it is 0 and the score is the change itself, so the common case
 * costs one normal draw per patient. Heterogeneity scales the mean difference.
 *
 * Papers report the follow-up score's SD per arm and its correlation with the baseline
 * rather than the SD of the change: [control]/[msc] outcome_sd and [model] outcome_corr
 * give them instead of sd and rho. With B the baseline (sd s0) and Y = B + change,
 *     Var(Y) = s0^2 + sd^2 + 2 rho s0 sd,   Cov(B, Y) = s0^2 + rho s0 sd,
 * so outcome_sd s_y with outcome_corr r gives sd = sqrt(s_y^2 + s0^2 - 2 r s0 s_y) (the SD
 * of Y - B) and rho = (r s_y - s0) / sd, always within [-1, 1]; outcome_sd with rho gives
 * sd = -rho s0 + sqrt(s_y^2 - s0^2 (1 - rho^2)), possible only when s_y^2 >= s0^2 (1 - rho^2).
 * rho is then derived per arm (equal when the arms' outcome SDs are).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytic_impl.h"
#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "tolerance.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

extern const mscsim_model_type sim_model_normal;

typedef struct {
    double mean[MSCSIM_ARM_COUNT];
    double sd[MSCSIM_ARM_COUNT];
    double rho[MSCSIM_ARM_COUNT];             /* corr(change, baseline) */
    double z_scale[MSCSIM_ARM_COUNT];         /* rho / baseline sd */
    double residual_weight[MSCSIM_ARM_COUNT]; /* sqrt(1 - rho^2) */
    double baseline_mean;
    mscsim_arm_config msc;  /* For the heterogeneity multiplier. */
} normal_params;

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum {
    KEY_RHO,
    KEY_CONTROL_MEAN,
    KEY_MSC_MEAN,
    KEY_CONTROL_SD,
    KEY_MSC_SD,
    KEY_OUTCOME_CORR,
    KEY_CONTROL_OUTCOME_SD,
    KEY_MSC_OUTCOME_SD,
    KEY_COUNT
};

#define MEAN_HELP "Mean change from baseline (outcome units)."
#define SD_HELP "Standard deviation of the change (outcome units)."
#define OUTCOME_SD_HELP                                                                   \
    "Standard deviation of the follow-up score, as papers report it: instead of sd, which " \
    "is then derived from it and the baseline's sd (see Models)."
/* Means and SDs are bounded so that sums of squares over 10^7 patients stay finite (an sd
 * of 1e308 would make every trial's variance overflow while the formula still works). */
#define MAX_MAGNITUDE SIM_MAX_MAGNITUDE

/* Which parametrisation applies: sd unless outcome_sd is set for its arm, rho unless
 * outcome_corr is set (the alternatives apply only when set, so the resolved config
 * writes the one given). */
static int control_sd_applies(const mscsim_config *cfg)
{
    return !mscsim_config_is_set(cfg, "control", "outcome_sd");
}
static int msc_sd_applies(const mscsim_config *cfg)
{
    return !mscsim_config_is_set(cfg, "msc", "outcome_sd");
}
static int rho_applies(const mscsim_config *cfg)
{
    return !mscsim_config_is_set(cfg, "model", "outcome_corr");
}
static int control_outcome_sd_applies(const mscsim_config *cfg)
{
    return !control_sd_applies(cfg);
}
static int msc_outcome_sd_applies(const mscsim_config *cfg)
{
    return !msc_sd_applies(cfg);
}
static int outcome_corr_applies(const mscsim_config *cfg)
{
    return !rho_applies(cfg);
}

static const sim_key normal_keys[KEY_COUNT] = {
    [KEY_RHO] = {"model", "rho", SIM_KEY_DOUBLE, .min = -1, .max = 1, .default_text = "0",
                 .help = "Correlation between the baseline score and the change.",
                 .applies = rho_applies, .applies_text = "normal, without outcome_corr",
                 .label = "correlation of the change with the baseline", .rank = 10},
    [KEY_CONTROL_MEAN] = {"control", "mean", SIM_KEY_DOUBLE, .min = -MAX_MAGNITUDE,
                          .max = MAX_MAGNITUDE, .default_text = "0", .help = MEAN_HELP,
                          .label = "control mean change (points)", .rank = 10},
    [KEY_MSC_MEAN] = {"msc", "mean", SIM_KEY_DOUBLE, .min = -MAX_MAGNITUDE, .max = MAX_MAGNITUDE,
                      .default_text = "0", .help = MEAN_HELP,
                      .label = "MSC mean change (points)", .rank = 10},
    [KEY_CONTROL_SD] = {"control", "sd", SIM_KEY_DOUBLE, .min = 0, .max = MAX_MAGNITUDE,
                        .default_text = "1", .help = SD_HELP, .applies = control_sd_applies,
                        .applies_text = "normal, without outcome_sd",
                        .label = "control SD of change (points)", .rank = 11},
    [KEY_MSC_SD] = {"msc", "sd", SIM_KEY_DOUBLE, .min = 0, .max = MAX_MAGNITUDE,
                    .default_text = "1", .help = SD_HELP, .applies = msc_sd_applies,
                    .applies_text = "normal, without outcome_sd",
                    .label = "MSC SD of change (points)", .rank = 11},
    [KEY_OUTCOME_CORR] = {"model", "outcome_corr", SIM_KEY_DOUBLE, .min = -1, .max = 1,
                          .help = "Correlation between the baseline and the follow-up score, "
                                  "as papers report it: instead of rho (needs [control] and "
                                  "[msc] outcome_sd).",
                          .applies = outcome_corr_applies, .applies_text = "normal, instead of rho",
                          .label = "correlation of the follow-up score with the baseline",
                          .rank = 11},
    [KEY_CONTROL_OUTCOME_SD] = {"control", "outcome_sd", SIM_KEY_DOUBLE, .min = 0,
                                .max = MAX_MAGNITUDE, .help = OUTCOME_SD_HELP,
                                .applies = control_outcome_sd_applies,
                                .applies_text = "normal, instead of sd",
                                .label = "control SD of the follow-up score (points)",
                                .rank = 12},
    [KEY_MSC_OUTCOME_SD] = {"msc", "outcome_sd", SIM_KEY_DOUBLE, .min = 0, .max = MAX_MAGNITUDE,
                            .help = OUTCOME_SD_HELP, .applies = msc_outcome_sd_applies,
                            .applies_text = "normal, instead of sd",
                            .label = "MSC SD of the follow-up score (points)", .rank = 12},
};

static double number(const mscsim_config *cfg, int key)
{
    return sim_model_value(cfg, &sim_model_normal, key)->number;
}

/* Each arm's sd and rho from the keys given (see the header comment). The baseline's sd
 * is s0; NaN when the baseline distribution has none. */
static int derive(const mscsim_config *cfg, double sd[MSCSIM_ARM_COUNT],
                  double rho[MSCSIM_ARM_COUNT], mscsim_error *err)
{
    static const char *const arm_section[MSCSIM_ARM_COUNT] = {"control", "msc"};
    static const int sd_key[MSCSIM_ARM_COUNT] = {KEY_CONTROL_SD, KEY_MSC_SD};
    static const int outcome_sd_key[MSCSIM_ARM_COUNT] = {KEY_CONTROL_OUTCOME_SD,
                                                         KEY_MSC_OUTCOME_SD};
    int corr_given = !rho_applies(cfg);
    double r = number(cfg, corr_given ? KEY_OUTCOME_CORR : KEY_RHO);
    double s0 = mscsim_distspec_sd(&cfg->baseline);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const char *arm = arm_section[a];
        if (!mscsim_config_is_set(cfg, arm, "outcome_sd")) {
            if (corr_given) {
                sim_error_set(err, MSCSIM_ECONFIG,
                              "outcome_corr correlates the follow-up scores: it needs "
                              "[control] and [msc] outcome_sd (with sd, give rho instead)");
                return mscsim_config_error_at(cfg, "model", "outcome_corr", err);
            }
            sd[a] = number(cfg, sd_key[a]);
            rho[a] = r;
            continue;
        }
        double sy = number(cfg, outcome_sd_key[a]);
        if (!(isfinite(s0) && s0 >= 0.0)) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "outcome_sd needs a baseline distribution with a finite sd (the "
                          "SD of the change is derived from both)");
            return mscsim_config_error_at(cfg, arm, "outcome_sd", err);
        }
        if (corr_given) {
            sd[a] = sqrt(fmax(sy * sy + s0 * s0 - 2.0 * r * s0 * sy, 0.0));
            /* |r sy - s0| <= sd exactly; the clamp only absorbs rounding. */
            rho[a] = sd[a] > 0.0 ? fmax(-1.0, fmin(1.0, (r * sy - s0) / sd[a])) : 0.0;
            continue;
        }
        double floor_sd = s0 * sqrt(1.0 - r * r);
        if (sy < floor_sd) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "outcome_sd = %g is impossible with rho = %g and a baseline sd of "
                          "%g: the follow-up score's sd is at least %g (give outcome_corr "
                          "instead of rho, or a smaller baseline sd)",
                          sy, r, s0, floor_sd);
            return mscsim_config_error_at(cfg, arm, "outcome_sd", err);
        }
        sd[a] = -r * s0 + sqrt(fmax(sy * sy - floor_sd * floor_sd, 0.0));
        rho[a] = r;
    }
    return MSCSIM_OK;
}

static unsigned normal_needs(const mscsim_config *cfg)
{
    double sd[MSCSIM_ARM_COUNT], rho[MSCSIM_ARM_COUNT];
    mscsim_error ignored;
    int correlated = derive(cfg, sd, rho, &ignored) == MSCSIM_OK &&
                     (rho[MSCSIM_ARM_CONTROL] != 0.0 || rho[MSCSIM_ARM_MSC] != 0.0);
    return (correlated ? MSCSIM_NEED_BASELINE : 0u) | sim_effect_needs(cfg);
}

static int normal_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    normal_params p;
    memset(&p, 0, sizeof p);
    p.mean[MSCSIM_ARM_CONTROL] = number(cfg, KEY_CONTROL_MEAN);
    p.mean[MSCSIM_ARM_MSC] = number(cfg, KEY_MSC_MEAN);
    int status = derive(cfg, p.sd, p.rho, err);
    if (status)
        return status;
    double sd = mscsim_distspec_sd(&cfg->baseline);
    int correlated = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        if (p.rho[a] == 0.0)
            continue;
        correlated = 1;
        if (cfg->baseline.kind == MSCSIM_DIST_EMPIRICAL) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "rho = %g standardises the baseline by its distribution's mean and sd, "
                          "which an empirical baseline does not state: give a parametric "
                          "[baseline] score, or set [model] rho = 0", p.rho[a]);
            return mscsim_config_error_at(cfg, "baseline", "score", err);
        }
        if (!(sd > 0)) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "rho needs a baseline distribution with a known sd > 0");
            return mscsim_config_error_at(cfg, "baseline", "score", err);
        }
        p.z_scale[a] = p.rho[a] / sd;
    }
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        p.residual_weight[a] = sqrt(1.0 - p.rho[a] * p.rho[a]);
    p.baseline_mean = correlated ? mscsim_distspec_mean(&cfg->baseline) : 0.0;
    p.msc = cfg->arm[MSCSIM_ARM_MSC];
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

/* What outcome_sd and outcome_corr gave, for `mscsim check`. */
static void normal_describe(const void *params, const mscsim_config *cfg, char *buf,
                            size_t len)
{
    const normal_params *p = params;
    buf[0] = '\0';
    if (!mscsim_config_is_set(cfg, "control", "outcome_sd") &&
        !mscsim_config_is_set(cfg, "msc", "outcome_sd"))
        return;
    snprintf(buf, len,
             "derived from outcome_sd and the baseline's sd %.6g: control sd %.6g, rho %.6g; "
             "msc sd %.6g, rho %.6g (SD and correlation of the change from baseline)",
             mscsim_distspec_sd(&cfg->baseline), p->sd[0], p->rho[0], p->sd[1], p->rho[1]);
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
    double z_scale = p->z_scale[a], residual_weight = p->residual_weight[a];
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
            m + sd * (z_scale * (b - p->baseline_mean) + residual_weight * mscsim_rnorm_std(rng));
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
    if (p->rho[0] != p->rho[1])
        return sim_analytic_none(why, why_len,
                                 "the arms' outcome_sd give different correlations of the "
                                 "change with the baseline (%.4g, %.4g)",
                                 p->rho[0], p->rho[1]);
    const mscsim_dist_spec *b = &cfg->baseline;
    o->kind = SIM_ANALYTIC_NORMAL;
    o->noun = "a normal endpoint";
    memcpy(o->mean, p->mean, sizeof o->mean);
    memcpy(o->sd, p->sd, sizeof o->sd);
    double rho = o->rho = p->rho[0];
    o->final = e == MSCSIM_ENDPOINT_FINAL;
    o->baseline_sd = b->kind == MSCSIM_DIST_NORMAL ? b->b : 0.0;
    /* Patients are redrawn whole outside the NIHSS window, which truncates a baseline
     * correlated with NIHSS. */
    int truncated = cfg->severity_corr != 0.0 &&
                    (isfinite(cfg->nihss_min) || isfinite(cfg->nihss_max));
    o->baseline_normal = b->kind == MSCSIM_DIST_NORMAL && !truncated;
    /* The change is mean + sd (rho z + sqrt(1 - rho^2) e), so it is normal when rho = 0 or
     * the baseline is; final adds the baseline. */
    if (o->final || rho != 0.0) {
        int fixed = o->final && rho == 0.0 && b->kind == MSCSIM_DIST_FIXED;
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
    .describe = normal_describe,
    .simulate = normal_simulate,
    .analytic = normal_analytic,
};
