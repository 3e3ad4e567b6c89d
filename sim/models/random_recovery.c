/*
 * Random recovery model ([model] type = random_recovery): the null behind the criticism of
 * the proportional recovery rule.
 *
 * DESCRIPTION
 *   Hope 2019 (Brain; configs/EVIDENCE.md section 3) showed that baseline-versus-change
 *   correlations are inflated by mathematical coupling and ceilings: recovery drawn at
 *   random, independently of the baseline, and clipped at the scale's ceiling also yields
 *   regression slopes near 0.7. This model makes that null available (the prr_artifact
 *   preset, EVIDENCE.md section 7). Single-visit: it scores the primary visit only.
 *
 * METHOD
 *   For a patient with baseline B (clamped into the scale's range):
 *       gain_i  ~ [model] gain          (a distribution spec, default uniform(0, 66))
 *       msc arm: gain_i += [msc] gain_shift * m_i
 *       score = true_score = B + dir * gain_i
 *   dir = +1 when higher scores are better, -1 otherwise, so the gain always moves toward
 *   the scale's better end. m_i is the effect-heterogeneity multiplier of
 *   sim/models/model_util.h.
 *   The gain does not depend on B; the pipeline clips the score at the better end
 *   (mscsim_scale_apply), which is exactly what creates the artefact.
 *
 *   Draw order per patient: one draw of the gain spec (its own number of variates: one
 *   uniform for uniform, one normal for normal, ...). Nothing else is random.
 *
 *   true_effect is NaN: the clipping at the ceiling leaves no closed form.
 *
 * REFERENCE
 *   Hope TMH et al. (2019) Recovery after stroke: not so proportional after all?
 *   Brain 142:15-22.
 */
#include <math.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/distspec.h"
#include "mscsim/model.h"
#include "mscsim/scale.h"

extern const mscsim_model_type sim_model_random_recovery;

typedef struct {
    double lo, hi;  /* scale range */
    double dir;     /* +1 when higher is better, else -1 */
    double shift;   /* [msc] gain_shift */
    double effect_slope, effect_center;
    /* The gain spec's parameters: a whole mscsim_dist_spec (with room for discrete and
     * empirical tables) is ~1.3 kB, more than the design stores inline, and the kinds allowed
     * here read only these fields. */
    mscsim_dist_kind gain_kind;
    double gain_a, gain_b, gain_lo, gain_hi;
} random_recovery_params;

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum { KEY_GAIN, KEY_GAIN_SHIFT, KEY_COUNT };

static const sim_key random_recovery_keys[KEY_COUNT] = {
    [KEY_GAIN] = {"model", "gain", SIM_KEY_DIST, .default_text = "uniform(0, 66)",
                  .help = "Distribution of the random gain in points before clipping at the "
                          "ceiling (Hope 2019).",
                  .rank = 40},
    [KEY_GAIN_SHIFT] = {"msc", "gain_shift", SIM_KEY_DOUBLE, .min = -HUGE_VAL, .max = HUGE_VAL,
                        .default_text = "0", .help = "Points added to the random gain.",
                        .label = "MSC shift of the random gain (points)", .rank = 85},
};

static unsigned random_recovery_needs(const mscsim_config *cfg)
{
    return MSCSIM_NEED_BASELINE | sim_effect_needs(cfg);
}

static int random_recovery_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    mscsim_scale scale;
    int status = sim_model_bounded_scale(cfg, &sim_model_random_recovery,
                                         "its point is the clipping at the ceiling", &scale, err);
    if (status)
        return status;
    const mscsim_dist_spec *gain = &sim_model_value(cfg, &sim_model_random_recovery,
                                                    KEY_GAIN)->dist;
    double shift = sim_model_value(cfg, &sim_model_random_recovery, KEY_GAIN_SHIFT)->number;
    /* Only these kinds are drawn without a prepared population (distspec.h). */
    switch (gain->kind) {
    case MSCSIM_DIST_NORMAL:
    case MSCSIM_DIST_UNIFORM:
    case MSCSIM_DIST_TRUNCNORMAL:
    case MSCSIM_DIST_LOGNORMAL:
    case MSCSIM_DIST_FIXED:
        break;
    default:
        sim_error_set(err, MSCSIM_ECONFIG,
                         "must be a normal, uniform, truncnormal, lognormal or fixed "
                         "distribution: the gain is drawn without a population");
        return mscsim_config_error_at(cfg, "model", "gain", err);
    }
    const mscsim_arm_config *msc = &cfg->arm[MSCSIM_ARM_MSC];
    if (!isfinite(shift)) {
        sim_error_set(err, MSCSIM_ERANGE, "must be finite (got %g)", shift);
        return mscsim_config_error_at(cfg, "msc", "gain_shift", err);
    }

    random_recovery_params p;
    memset(&p, 0, sizeof p);
    p.lo = scale.min;
    p.hi = scale.max;
    p.dir = mscsim_scale_orientation(&scale);
    p.shift = shift;
    p.effect_slope = msc->effect_slope;
    p.effect_center = msc->effect_center;
    p.gain_kind = gain->kind;
    p.gain_a = gain->a;
    p.gain_b = gain->b;
    p.gain_lo = gain->lo;
    p.gain_hi = gain->hi;
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double random_recovery_true_effect(const void *params, const mscsim_config *cfg)
{
    (void)params;
    (void)cfg;
    return NAN; /* clipping at the ceiling leaves no closed form */
}

static void random_recovery_simulate(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm)
{
    const random_recovery_params *p = params;
    const int msc = arm->arm == MSCSIM_ARM_MSC;
    /* sim_effect_multiplier reads only the slope and centre of an arm config. */
    mscsim_arm_config het;
    memset(&het, 0, sizeof het);
    het.effect_slope = p->effect_slope;
    het.effect_center = p->effect_center;
    mscsim_dist_spec spec; /* rebuilt once per call: ~1.3 kB, not per patient */
    memset(&spec, 0, sizeof spec);
    spec.kind = p->gain_kind;
    spec.a = p->gain_a;
    spec.b = p->gain_b;
    spec.lo = p->gain_lo;
    spec.hi = p->gain_hi;
    const double *base = arm->cov->baseline; /* declared in needs(), so drawn */
    for (size_t i = 0; i < arm->n; i++) {
        double b = sim_clamp_baseline(base[i], p->lo, p->hi);
        double gain = mscsim_distspec_draw(&spec, rng);
        if (msc)
            gain += p->shift * sim_effect_multiplier(&het, arm->cov, i);
        sim_plateau_scores(arm, i, b + p->dir * gain);
    }
}

const mscsim_model_type sim_model_random_recovery = {
    .name = "random_recovery",
    .description = "Random recovery independent of the baseline, clipped at the ceiling: the "
                   "null behind the proportional recovery rule (Hope 2019).",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .multi_visit = 0,
    .has_baseline_score = 1,
    .draws_deaths = 1,
    .keys = random_recovery_keys,
    .key_count = KEY_COUNT,
    .params_size = sizeof(random_recovery_params),
    .needs = random_recovery_needs,
    .prepare = random_recovery_prepare,
    .true_effect = random_recovery_true_effect,
    .simulate = random_recovery_simulate,
};
