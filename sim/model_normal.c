/*
 * Normal outcome model. Each patient's change from baseline is
 *     change = mean_arm + sd_arm * (rho * z + sqrt(1 - rho^2) * e),
 * with z the patient's baseline score standardised by the baseline distribution's own
 * mean and sd, and e standard normal, so corr(change, baseline) = rho exactly.
 * The endpoint is the change or the final score baseline + change. The baseline is drawn
 * only when something reads it (rho != 0, the final endpoint, or an analysis using it),
 * so the common case costs one normal draw per patient.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

typedef struct {
    double mean[MSCSIM_ARM_COUNT];
    double sd[MSCSIM_ARM_COUNT];
    double rho;
    double residual_weight; /* sqrt(1 - rho^2) */
    mscsim_dist_spec baseline;
    double baseline_mean, baseline_sd;
    int final_endpoint;
    int draw_baseline;
} normal_params;

_Static_assert(sizeof(normal_params) <= MSCSIM_MODEL_PARAMS_MAX, "params too large");

static int normal_prepare(const mscsim_config *cfg, int uses_baseline, void *out,
                          mscsim_error *err)
{
    (void)err; /* Every normal-model key is fully checked by its range. */
    normal_params p;
    memset(&p, 0, sizeof p);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        p.mean[a] = cfg->arm[a].mean;
        p.sd[a] = cfg->arm[a].sd;
    }
    p.rho = cfg->rho;
    p.residual_weight = sqrt(1.0 - cfg->rho * cfg->rho);
    p.baseline = cfg->baseline;
    p.baseline_mean = mscsim_distspec_mean(&cfg->baseline);
    p.baseline_sd = mscsim_distspec_sd(&cfg->baseline);
    p.final_endpoint = cfg->endpoint == MSCSIM_ENDPOINT_FINAL;
    p.draw_baseline = cfg->rho != 0.0 || p.final_endpoint || uses_baseline;
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double normal_true_effect(const void *params)
{
    const normal_params *p = params;
    /* Both arms share the baseline distribution, so change and final differ equally. */
    return p->mean[MSCSIM_ARM_MSC] - p->mean[MSCSIM_ARM_CONTROL];
}

static int normal_fills_baseline(const void *params)
{
    return ((const normal_params *)params)->draw_baseline;
}

static void normal_simulate(const void *params, mscsim_rng *rng, mscsim_patients *pts)
{
    const normal_params *p = params;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double mean = p->mean[a], sd = p->sd[a];
        double *y = pts->y[a];
        size_t n = pts->n[a];
        if (!p->draw_baseline) {
            for (size_t i = 0; i < n; i++)
                y[i] = mean + sd * mscsim_rnorm_std(rng);
            continue;
        }
        double *x = pts->x[a];
        double z_scale = p->rho / p->baseline_sd, res = p->residual_weight;
        for (size_t i = 0; i < n; i++) {
            double base = mscsim_distspec_draw(&p->baseline, rng);
            double change =
                mean + sd * (z_scale * (base - p->baseline_mean) + res * mscsim_rnorm_std(rng));
            x[i] = base;
            y[i] = p->final_endpoint ? base + change : change;
        }
    }
}

const mscsim_model_type mscsim_model_normal = {
    .name = "normal",
    .description = "Normal change from baseline, correlated rho with the baseline score.",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .prepare = normal_prepare,
    .true_effect = normal_true_effect,
    .fills_baseline = normal_fills_baseline,
    .simulate = normal_simulate,
};
