/*
 * The compiled design: the validated config (its only copy), the model and its prepared
 * parameters, the resolved scale, the population, dropout calibration and the truths.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../decision/decision.h"
#include "internal.h"
#include "mscsim/analysis.h"
#include "trial_impl.h"

SIM_API void mscsim_design_free(mscsim_design *d)
{
    if (!d)
        return;
    mscsim_population_free(d->pop);
    sim_prior_free(d->prior);
    free(d->params);
    free(d);
}

SIM_API const mscsim_config *mscsim_design_config(const mscsim_design *d)
{
    return &d->cfg;
}

SIM_API const mscsim_scale *mscsim_design_scale(const mscsim_design *d)
{
    return &d->scale;
}

SIM_API int mscsim_design_analysis_count(const mscsim_design *d)
{
    return d->analysis_count;
}

SIM_API double mscsim_design_analysis_truth(const mscsim_design *d, int index, double *mcse)
{
    if (mcse)
        *mcse = d->analysis_mcse[index];
    return d->analysis_truth[index];
}

SIM_API double mscsim_design_true_effect(const mscsim_design *d, double *mcse)
{
    if (mcse)
        *mcse = d->true_effect_mcse;
    return d->true_effect;
}

SIM_API int mscsim_design_scale_bounded(const mscsim_design *d)
{
    /* A binary outcome's "floor" and "ceiling" would only restate p. */
    return mscsim_scale_bounded(&d->scale) && d->model->outcome != MSCSIM_OUTCOME_BINARY;
}

/* The scale scores live on: the binary model's {0, 1} (higher is better), mRS for the
 * ordinal model whatever [outcome] scale says, else the configured one. */
static int resolve_scale(const mscsim_design *d, mscsim_scale *out, mscsim_error *err)
{
    if (d->model->outcome == MSCSIM_OUTCOME_BINARY) {
        *out = (mscsim_scale){MSCSIM_SCALE_CUSTOM, "binary", 0, 1, 1, 1};
        return MSCSIM_OK;
    }
    mscsim_scale_id id = mscsim_config_scale(&d->cfg);
    if (id == d->cfg.scale)
        return mscsim_scale_from_config(&d->cfg, out, err);
    *out = *mscsim_scale_find(id); /* A table scale: mscsim_config_scale names only those. */
    return MSCSIM_OK;
}

/* The covariates the population must draw: the model's, the baseline where the endpoint,
 * the analysis, the missing-data rule or dropout reads it, and the adjusted analyses'. */
static unsigned population_needs(const mscsim_design *d)
{
    const mscsim_config *cfg = &d->cfg;
    unsigned needs = d->model->needs(cfg);
    int continuous = d->model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    int level_needed = d->endpoint == MSCSIM_ENDPOINT_FINAL || d->endpoint == MSCSIM_ENDPOINT_RATIO ||
                       d->endpoint == MSCSIM_ENDPOINT_UTILITY ||
                       (d->endpoint == MSCSIM_ENDPOINT_RESPONDER &&
                        cfg->responder_on == MSCSIM_RESPONDER_ON_FINAL);
    /* A continuous model's score is baseline + change: without a baseline drawn the
     * change is exact, but a level (final, ratio) or an adjusted analysis needs it. */
    int missing_needs_baseline = cfg->missing == MSCSIM_MISSING_LOCF ||
                                 cfg->missing == MSCSIM_MISSING_BOCF ||
                                 cfg->missing == MSCSIM_MISSING_MI;
    int dropout_needs_baseline = cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR &&
                                 (cfg->mar_on == MSCSIM_MAR_ON_BASELINE || cfg->visit_count == 1);
    if (continuous && (level_needed || d->fill_x || missing_needs_baseline || dropout_needs_baseline))
        needs |= MSCSIM_NEED_BASELINE;
    static const unsigned covariate_need[] = {MSCSIM_NEED_BASELINE, MSCSIM_NEED_NIHSS,
                                              MSCSIM_NEED_AGE, MSCSIM_NEED_ONSET};
    if (cfg->sliding_count > 0)
        needs |= MSCSIM_NEED_NIHSS;
    for (int k = 0; d->fill_x && k < cfg->covariate_count; k++)
        needs |= covariate_need[cfg->covariates[k]];
    return needs;
}

/* The design's fields that follow from the config and the model alone. */
static void derive_fields(mscsim_design *d)
{
    const mscsim_config *cfg = &d->cfg;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names);
    for (int k = 0; k < analyses; k++) {
        d->fill_x |= mscsim_analysis_find(names[k])->uses_baseline;
        d->fill_x |= mscsim_analysis_find(names[k])->uses_covariates &&
                     mscsim_config_is_set(cfg, "analysis", "covariates");
        d->longitudinal |= mscsim_analysis_find(names[k])->min_visits > 0;
    }
    d->orientation = mscsim_scale_orientation(&d->scale);
    d->ratio_floor = d->scale.step > 0 ? d->scale.step : 1.0;
    d->endpoint = mscsim_config_endpoint(cfg);
    d->visit_count = cfg->visit_count;
    d->primary = mscsim_config_primary_index(cfg);
    d->ordinal_deaths = d->model->outcome == MSCSIM_OUTCOME_ORDINAL;
    d->death_missing = cfg->death == MSCSIM_DEATH_MISSING && d->scale.id != MSCSIM_SCALE_MRS;
    d->deaths_possible = d->ordinal_deaths || cfg->arm[0].mortality > 0 || cfg->arm[1].mortality > 0;
    d->fill_missing = cfg->missing == MSCSIM_MISSING_LOCF || cfg->missing == MSCSIM_MISSING_BOCF ||
                      cfg->missing == MSCSIM_MISSING_WORST;
}

SIM_API void mscsim_design_truths(const mscsim_design *d, mscsim_truths *out)
{
    out->true_effect = d->true_effect;
    out->true_effect_mcse = d->true_effect_mcse;
    out->count = d->analysis_count;
    memcpy(out->truth, d->analysis_truth, sizeof out->truth);
    memcpy(out->mcse, d->analysis_mcse, sizeof out->mcse);
}

/* The design of cfg; its truths taken from like when they cannot differ, else from given,
 * else estimated. */
static int design_build(const mscsim_config *cfg, const mscsim_design *like,
                        const mscsim_truths *given, mscsim_design **out, mscsim_error *err)
{
    *out = NULL;
    int status = mscsim_config_validate(cfg, err);
    if (status)
        return status;
    mscsim_design *d = calloc(1, sizeof *d);
    if (!d)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    d->cfg = *cfg;
    sim_prior_set_medians(&d->cfg);
    d->model = mscsim_model_find(cfg->model);
    /* The model's own parameter struct (heap memory takes the model's type). */
    d->params = calloc(1, d->model->params_size);
    if (!d->params) {
        status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
        goto fail;
    }
    if ((status = resolve_scale(d, &d->scale, err)) != MSCSIM_OK)
        goto fail;
    derive_fields(d);
    if (d->endpoint == MSCSIM_ENDPOINT_UTILITY && (status = sim_utility_prepare(d, err)) != MSCSIM_OK)
        goto fail;
    if (d->cfg.sliding_count > 0 && (status = sim_sliding_prepare(d, err)) != MSCSIM_OK)
        goto fail;
    /* The population (its empirical files) first: a missing file is the error to show, not
     * what the model's parameters make of a baseline it could not read. */
    if ((status = mscsim_population_new(&d->cfg, population_needs(d), &d->pop, err)) !=
            MSCSIM_OK ||
        (status = d->model->prepare(&d->cfg, d->params, err)) != MSCSIM_OK)
        goto fail;
    d->slope_diagnostic = d->model->outcome == MSCSIM_OUTCOME_CONTINUOUS &&
                          mscsim_scale_bounded(&d->scale) &&
                          (mscsim_population_drawn(d->pop) & MSCSIM_NEED_BASELINE);
    if ((status = sim_design_calibrate_dropout(d, err)) != MSCSIM_OK)
        goto fail;
    d->true_effect = d->model->true_effect(d->params, &d->cfg);
    d->true_effect_mcse = 0;
    int reused = like && sim_design_truths_like(d, like);
    if (!reused && given) {
        const char *names[MSCSIM_MAX_ANALYSES];
        if (given->count != mscsim_config_analyses(cfg, names)) {
            status = sim_error_set(err, MSCSIM_EINVAL, "design: %d truths given for %d analyses",
                                   given->count, mscsim_config_analyses(cfg, names));
            goto fail;
        }
        d->analysis_count = given->count;
        d->true_effect = given->true_effect;
        d->true_effect_mcse = given->true_effect_mcse;
        memcpy(d->analysis_truth, given->truth, sizeof d->analysis_truth);
        memcpy(d->analysis_mcse, given->mcse, sizeof d->analysis_mcse);
    } else if (!reused && (status = sim_design_truths(d, err)) != MSCSIM_OK) {
        goto fail;
    }
    if ((status = sim_prior_compile(d, err)) != MSCSIM_OK) {
        goto fail;
    }
    *out = d;
    return MSCSIM_OK;
fail:
    mscsim_design_free(d);
    return status;
}

SIM_API int mscsim_design_new(const mscsim_config *cfg, mscsim_design **out, mscsim_error *err)
{
    return design_build(cfg, NULL, NULL, out, err);
}

SIM_API int mscsim_design_new_like(const mscsim_config *cfg, const mscsim_design *like,
                                   mscsim_design **out, mscsim_error *err)
{
    return design_build(cfg, like, NULL, out, err);
}

SIM_API int mscsim_design_new_given(const mscsim_config *cfg, const mscsim_truths *given,
                                    mscsim_design **out, mscsim_error *err)
{
    return design_build(cfg, NULL, given, out, err);
}
