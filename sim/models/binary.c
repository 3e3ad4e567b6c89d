/*
 * Binary outcome model: each patient has the favourable outcome (score 1) with the arm's
 * probability p, independently; heterogeneity scales the risk difference per patient
 * (clipped to a probability). Its scale is {0, 1}, higher is better, so a death scored
 * worst is an unfavourable outcome. The effect is the risk difference.
 */
#include <math.h>
#include <string.h>

#include "analytic_impl.h"
#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

extern const mscsim_model_type sim_model_binary;

typedef struct {
    double p[MSCSIM_ARM_COUNT];
    mscsim_arm_config msc;
} binary_params;

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum { KEY_CONTROL_P, KEY_MSC_P, KEY_COUNT };

#define P_HELP "Probability of the favourable binary outcome."

static const sim_key binary_keys[KEY_COUNT] = {
    [KEY_CONTROL_P] = {"control", "p", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.5",
                       .help = P_HELP, .label = "control probability of the favourable outcome",
                       .rank = 20},
    [KEY_MSC_P] = {"msc", "p", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.5",
                   .help = P_HELP, .label = "MSC probability of the favourable outcome",
                   .rank = 20},
};

static unsigned binary_needs(const mscsim_config *cfg)
{
    return sim_effect_needs(cfg);
}

static int binary_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    (void)err; /* p is fully checked by its range. */
    binary_params p;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        p.p[a] = sim_model_value(cfg, &sim_model_binary, a ? KEY_MSC_P : KEY_CONTROL_P)->number;
    p.msc = cfg->arm[MSCSIM_ARM_MSC];
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double binary_true_effect(const void *params, const mscsim_config *cfg)
{
    const binary_params *p = params;
    if (cfg->arm[1].effect_slope != 0.0)
        return NAN;
    /* Deaths scored worst are failures; deaths left missing do not change the survivors'
     * probability of success, which is independent of death. */
    double alive[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        alive[a] = cfg->death == MSCSIM_DEATH_WORST ? 1.0 - cfg->arm[a].mortality : 1.0;
    return p->p[1] * alive[1] - p->p[0] * alive[0];
}

static void binary_simulate(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm)
{
    const binary_params *p = params;
    int a = arm->arm;
    int hetero = a == MSCSIM_ARM_MSC && p->msc.effect_slope != 0.0;
    double diff = p->p[1] - p->p[0];
    for (size_t i = 0; i < arm->n; i++) {
        double prob = p->p[a];
        if (hetero)
            prob = fmin(1.0, fmax(0.0, p->p[0] + sim_effect_multiplier(&p->msc, arm->cov, i) * diff));
        arm->score[i] = arm->true_score[i] = mscsim_rbernoulli(rng, prob);
    }
}

static int binary_analytic(const void *params, const mscsim_config *cfg,
                           mscsim_analytic_outcome *o, char *why, size_t why_len)
{
    const binary_params *p = params;
    (void)cfg, (void)why, (void)why_len; /* Always binary. */
    o->kind = SIM_ANALYTIC_BINARY;
    o->noun = "a binary endpoint";
    memcpy(o->p, p->p, sizeof o->p);
    return 1;
}

/* Failure 0 and success 1, alike for every patient of an arm unless [msc] effect_slope. */
static int binary_categories(const void *params, const mscsim_config *cfg,
                             double value[MSCSIM_TABLE_MAX],
                             double prob[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX])
{
    const binary_params *p = params;
    if (cfg->arm[MSCSIM_ARM_MSC].effect_slope != 0.0)
        return 0;
    value[0] = 0.0;
    value[1] = 1.0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        prob[a][0] = 1.0 - p->p[a];
        prob[a][1] = p->p[a];
    }
    return 2;
}

const mscsim_model_type sim_model_binary = {
    .name = "binary",
    .description = "Favourable binary outcome with probability p per arm.",
    .outcome = MSCSIM_OUTCOME_BINARY,
    .multi_visit = 0,
    .has_baseline_score = 0,
    .draws_deaths = 1,
    .keys = binary_keys,
    .key_count = KEY_COUNT,
    .params_size = sizeof(binary_params),
    .needs = binary_needs,
    .prepare = binary_prepare,
    .true_effect = binary_true_effect,
    .simulate = binary_simulate,
    .analytic = binary_analytic,
    .categories = binary_categories,
};
