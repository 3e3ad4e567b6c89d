/*
 * Checks across keys (mscsim_config_validate) and the small queries callers make of a
 * design: what single keys cannot check, before any simulation or output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../decision/decision.h"
#include "config_impl.h"
#include "interim/looks.h"
#include "internal.h"
#include "mscsim/analysis.h"
#include "mscsim/scale.h"

SIM_API int mscsim_config_is_set(const mscsim_config *cfg, const char *section,
                                    const char *key)
{
    size_t index;
    return sim_key_find(section, key, 0, &index) && cfg->key_line[index] != 0;
}

SIM_API int mscsim_config_error_at(const mscsim_config *cfg, const char *section,
                                      const char *key, mscsim_error *err)
{
    size_t index;
    if (sim_key_find(section, key, 0, &index) && cfg->key_line[index] != 0) {
        int line = cfg->key_line[index];
        sim_error_locate(err, line < 0 ? "--set" : cfg->path, line, section, key);
    } else {
        sim_error_locate(err, cfg->path, 0, section, key);
    }
    return err ? err->code : MSCSIM_ECONFIG;
}

SIM_API void mscsim_config_arm_sizes(const mscsim_config *cfg, long n,
                                        long sizes[MSCSIM_ARM_COUNT])
{
    long c = cfg->alloc[MSCSIM_ARM_CONTROL], m = cfg->alloc[MSCSIM_ARM_MSC];
    /* round(n*m/(c+m)) in integers, halves rounded up. */
    sizes[MSCSIM_ARM_MSC] = (2 * n * m + (c + m)) / (2 * (c + m));
    sizes[MSCSIM_ARM_CONTROL] = n - sizes[MSCSIM_ARM_MSC];
}

SIM_API int mscsim_config_analyses(const mscsim_config *cfg,
                                      const char *names[MSCSIM_MAX_ANALYSES])
{
    if (cfg->test_count > 0) {
        for (int i = 0; i < cfg->test_count; i++)
            names[i] = cfg->tests[i];
        return cfg->test_count;
    }
    names[0] = cfg->test;
    return cfg->test[0] ? 1 : 0;
}

SIM_API void mscsim_config_block(const mscsim_config *cfg, long block[MSCSIM_ARM_COUNT])
{
    long c = cfg->alloc[MSCSIM_ARM_CONTROL], m = cfg->alloc[MSCSIM_ARM_MSC], g = sim_gcd(c, m);
    block[MSCSIM_ARM_CONTROL] = c / g;
    block[MSCSIM_ARM_MSC] = m / g;
}

SIM_API mscsim_scale_id mscsim_config_scale(const mscsim_config *cfg)
{
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    return model && model->fixed_scale != MSCSIM_SCALE_NONE ? model->fixed_scale : cfg->scale;
}

SIM_API mscsim_endpoint mscsim_config_endpoint(const mscsim_config *cfg)
{
    if (cfg->endpoint != MSCSIM_ENDPOINT_AUTO)
        return cfg->endpoint;
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    return model && model->outcome == MSCSIM_OUTCOME_CONTINUOUS ? MSCSIM_ENDPOINT_CHANGE
                                                                : MSCSIM_ENDPOINT_FINAL;
}

SIM_API int mscsim_config_primary_index(const mscsim_config *cfg)
{
    if (cfg->primary_visit == 0)
        return cfg->visit_count - 1;
    for (int i = 0; i < cfg->visit_count; i++)
        if (cfg->visits[i] == cfg->primary_visit)
            return i;
    return -1;
}

/* Sets err's reason and locates it at section.key; returns the code. */
static int key_error(const mscsim_config *cfg, const char *section, const char *key,
                     mscsim_error *err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int key_error(const mscsim_config *cfg, const char *section, const char *key,
                     mscsim_error *err, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_error_set(err, MSCSIM_ECONFIG, "%s", msg);
    return mscsim_config_error_at(cfg, section, key, err);
}

/* The key that names the analyses: "tests" when set, else "test". */
static const char *analysis_key(const mscsim_config *cfg)
{
    return cfg->test_count > 0 ? "tests" : "test";
}

/* The rules tying the endpoint, the analysis and the model together. */
static int validate_endpoint(const mscsim_config *cfg, const mscsim_model_type *model,
                             const mscsim_analysis_type *analysis, mscsim_error *err)
{
    mscsim_endpoint endpoint = mscsim_config_endpoint(cfg);
    int has_baseline = model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    const char *endpoint_name = endpoint == MSCSIM_ENDPOINT_CHANGE  ? "change"
                                : endpoint == MSCSIM_ENDPOINT_FINAL ? "final"
                                : endpoint == MSCSIM_ENDPOINT_RATIO ? "ratio"
                                : endpoint == MSCSIM_ENDPOINT_UTILITY ? "utility"
                                                                    : "responder";
    if (model->outcome == MSCSIM_OUTCOME_BINARY && endpoint != MSCSIM_ENDPOINT_FINAL)
        return key_error(cfg, "analysis", "endpoint", err,
                         "the %s model's outcome is itself the endpoint: use final or auto",
                         model->name);
    int needs_baseline = endpoint == MSCSIM_ENDPOINT_CHANGE || endpoint == MSCSIM_ENDPOINT_RATIO ||
                         (endpoint == MSCSIM_ENDPOINT_RESPONDER &&
                          cfg->responder_on == MSCSIM_RESPONDER_ON_CHANGE);
    if (needs_baseline && !has_baseline)
        return key_error(cfg, "analysis", "endpoint", err,
                         "endpoint %s%s needs a baseline score, which model '%s' does not have",
                         endpoint_name,
                         endpoint == MSCSIM_ENDPOINT_RESPONDER ? " on change" : "", model->name);
    if (analysis->uses_baseline && !has_baseline)
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' adjusts for the baseline score, which model '%s' does "
                         "not have", analysis->name, model->name);
    for (int k = 0; analysis->uses_covariates && !has_baseline && k < cfg->covariate_count &&
                    mscsim_config_is_set(cfg, "analysis", "covariates");
         k++)
        if (cfg->covariates[k] == MSCSIM_COVARIATE_BASELINE)
            return key_error(cfg, "analysis", "covariates", err,
                             "baseline: model '%s' has no baseline score to adjust '%s' for "
                             "(nihss, age or onset_days)", model->name, analysis->name);
    int sliding = cfg->sliding_count > 0, has_threshold = mscsim_config_is_set(cfg, "analysis",
                                                                               "threshold");
    if (endpoint == MSCSIM_ENDPOINT_RESPONDER && !has_threshold && !sliding)
        return key_error(cfg, "analysis", "threshold", err,
                         "a responder endpoint needs [analysis] threshold (or sliding)");
    if (sliding && cfg->responder_on != MSCSIM_RESPONDER_ON_FINAL)
        return key_error(cfg, "analysis", "sliding", err,
                         "dichotomises the final score: set responder_on = final");
    /* Utilities are numbers on an interval scale: a continuous outcome, whatever the model. */
    unsigned kind = endpoint == MSCSIM_ENDPOINT_RESPONDER ? MSCSIM_OUTCOME_BINARY
                    : endpoint == MSCSIM_ENDPOINT_UTILITY ? MSCSIM_OUTCOME_CONTINUOUS
                                                          : model->outcome;
    if (!(analysis->outcomes & kind))
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' does not fit model '%s' with endpoint %s (%s outcome)",
                         analysis->name, model->name, endpoint_name,
                         kind == MSCSIM_OUTCOME_BINARY    ? "binary"
                         : kind == MSCSIM_OUTCOME_ORDINAL ? "ordinal"
                                                          : "continuous");
    return MSCSIM_OK;
}

/* Several visits given to a single-visit model: the message names the models that take
 * them, from the registry. */
static int visits_error(const mscsim_config *cfg, const mscsim_model_type *model,
                        mscsim_error *err)
{
    char multi[256] = "";
    for (size_t m = 0; sim_models[m]; m++) {
        if (!sim_models[m]->multi_visit)
            continue;
        if (multi[0])
            sim_append(multi, sizeof multi, " or ");
        sim_append(multi, sizeof multi, sim_models[m]->name);
    }
    return key_error(cfg, "trial", "visits", err,
                     "model '%s' scores the primary visit only: give one visit (several "
                     "need the %s model)", model->name, multi);
}

static int validate_scale_and_visits(const mscsim_config *cfg, const mscsim_model_type *model,
                                     mscsim_error *err)
{
    if (model->outcome == MSCSIM_OUTCOME_BINARY && cfg->scale != MSCSIM_SCALE_NONE)
        return key_error(cfg, "outcome", "scale", err, "the %s model's outcome has no scale",
                         model->name);
    if (model->fixed_scale != MSCSIM_SCALE_NONE && cfg->scale != MSCSIM_SCALE_NONE &&
        cfg->scale != model->fixed_scale)
        return key_error(cfg, "outcome", "scale", err, "the %s model's scale is %s", model->name,
                         mscsim_scale_find(model->fixed_scale)->name);
    for (int i = 1; i < cfg->visit_count; i++)
        if (!(cfg->visits[i] > cfg->visits[i - 1]))
            return key_error(cfg, "trial", "visits", err, "visit days must increase");
    if (cfg->visit_count > 1 && !model->multi_visit)
        return visits_error(cfg, model, err);
    if (cfg->dropout_weight_count > 0) {
        double total = 0;
        for (int v = 0; v < cfg->dropout_weight_count; v++)
            total += cfg->dropout_weights[v];
        if (cfg->dropout_weight_count != mscsim_config_primary_index(cfg) + 1 || !(total > 0))
            return key_error(cfg, "dropout", "visit_weights", err,
                             "give one weight per visit up to the primary visit (%d), not all 0",
                             mscsim_config_primary_index(cfg) + 1);
    }
    int continuous = model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    if (!continuous && (cfg->missing == MSCSIM_MISSING_LOCF || cfg->missing == MSCSIM_MISSING_BOCF ||
                        cfg->missing == MSCSIM_MISSING_MI))
        return key_error(cfg, "analysis", "missing", err,
                         "locf, bocf and mi need baseline and visit scores, which model '%s' "
                         "does not have", model->name);
    if (cfg->missing == MSCSIM_MISSING_WORST && continuous && cfg->scale == MSCSIM_SCALE_NONE)
        return key_error(cfg, "analysis", "missing", err,
                         "worst needs a bounded [outcome] scale");
    if (!continuous && cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR)
        return key_error(cfg, "dropout", "mechanism", err,
                         "mar needs an observed baseline score or earlier visit, which model "
                         "'%s' does not have", model->name);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        if (cfg->arm[a].mortality > 0 && cfg->death == MSCSIM_DEATH_WORST &&
            cfg->scale == MSCSIM_SCALE_NONE && model->outcome == MSCSIM_OUTCOME_CONTINUOUS)
            return key_error(cfg, a ? "msc" : "control", "mortality", err,
                             "a death scored worst needs a bounded [outcome] scale "
                             "(or [outcome] death = missing)");
    if (mscsim_config_primary_index(cfg) < 0)
        return key_error(cfg, "trial", "primary_visit", err, "day %g is not one of the visits",
                         cfg->primary_visit);
    return MSCSIM_OK;
}

/* A longitudinal analysis (min_visits > 0) reads every visit up to the primary one. */
static int validate_longitudinal(const mscsim_config *cfg, const mscsim_model_type *model,
                                 const mscsim_analysis_type *analysis, mscsim_error *err)
{
    int visits = mscsim_config_primary_index(cfg) + 1;
    mscsim_endpoint endpoint = mscsim_config_endpoint(cfg);
    if (analysis->min_visits > 1 && !model->multi_visit)
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' needs several visits, which model '%s' does not score",
                         analysis->name, model->name);
    if (visits < analysis->min_visits)
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' needs at least %d visits up to the primary one ([trial] "
                         "visits gives %d)", analysis->name, analysis->min_visits, visits);
    if (endpoint != MSCSIM_ENDPOINT_CHANGE && endpoint != MSCSIM_ENDPOINT_FINAL)
        return key_error(cfg, "analysis", "endpoint", err,
                         "analysis '%s' models the score at every visit: use change or final",
                         analysis->name);
    if (cfg->missing != MSCSIM_MISSING_COMPLETE_CASE)
        return key_error(cfg, "analysis", "missing", err,
                         "analysis '%s' uses every observed visit itself (missing at random): "
                         "use complete_case", analysis->name);
    return MSCSIM_OK;
}

static int validate_design(const mscsim_config *cfg, mscsim_error *err);

/* The design, then every grid point of its sweep, so a bad combination stops before any
 * simulation or output. */
SIM_API int mscsim_config_validate(const mscsim_config *cfg, mscsim_error *err)
{
    int status = validate_design(cfg, err);
    if (status || cfg->sweep_count == 0)
        return status;
    size_t points = 1;
    for (int i = 0; i < cfg->sweep_count; i++) {
        points *= (size_t)cfg->sweep[i].value_count;
        if (points > MSCSIM_MAX_SWEEP_POINTS) {
            status = sim_error_set(err, MSCSIM_EINVAL, "the grid has more than %d points",
                                      MSCSIM_MAX_SWEEP_POINTS);
            sim_error_locate(err, cfg->sweep[i].line < 0 ? "--set" : cfg->path,
                             cfg->sweep[i].line, "sweep", cfg->sweep[i].name);
            return status;
        }
    }
    mscsim_config *point = malloc(sizeof *point);
    if (!point)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    for (size_t g = 0; !status && g < points; g++)
        status = sim_sweep_point_check(cfg, g, point, err);
    free(point);
    return status;
}

static int validate_design(const mscsim_config *cfg, mscsim_error *err)
{
    for (size_t i = 0; i < sim_generic_key_count; i++) {
        const sim_key *k = &sim_generic_keys[i];
        if ((k->flags & SIM_KEY_REQUIRED) && cfg->key_line[i] == 0) {
            int status = sim_error_set(err, MSCSIM_ECONFIG, "required key is missing");
            sim_error_locate(err, cfg->path, 0, k->section, k->key);
            return status;
        }
    }
    int has_test = mscsim_config_is_set(cfg, "analysis", "test");
    int has_tests = mscsim_config_is_set(cfg, "analysis", "tests");
    if (!has_test && !has_tests) {
        int status = sim_error_set(err, MSCSIM_ECONFIG, "required key is missing (or tests)");
        sim_error_locate(err, cfg->path, 0, "analysis", "test");
        return status;
    }
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    if (!model)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: model not set");
    size_t order[MSCSIM_MAX_KEYS], n = sim_key_order(order);
    for (size_t o = 0; o < n; o++) {
        size_t i = order[o];
        const sim_key *k = sim_key_at(i, NULL);
        if (cfg->key_line[i] == 0)
            continue;
        if (!sim_key_used_by(i, model)) {
            char used_by[256];
            sim_key_models_text(i, used_by, sizeof used_by);
            return key_error(cfg, k->section, k->key, err,
                             "does not apply to model '%s' (used by: %s)", cfg->model, used_by);
        }
        if (k->applies && !k->applies(cfg))
            return key_error(cfg, k->section, k->key, err, "applies only with %s",
                             k->applies_text);
    }
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(cfg, names);
    int status = MSCSIM_OK;
    for (int i = 0; i < count && !status; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return key_error(cfg, "analysis", "tests", err, "'%s' is listed twice", names[i]);
        status = validate_endpoint(cfg, model, mscsim_analysis_find(names[i]), err);
    }
    if (!status)
        status = validate_scale_and_visits(cfg, model, err);
    for (int i = 0; i < count && !status; i++)
        if (mscsim_analysis_find(names[i])->min_visits > 0)
            status = validate_longitudinal(cfg, model, mscsim_analysis_find(names[i]), err);
    if (status)
        return status;
    for (size_t j = 0; j < model->key_count; j++) {
        const sim_key *k = &model->keys[j];
        if (k->required_why && !mscsim_config_is_set(cfg, k->section, k->key))
            return key_error(cfg, k->section, k->key, err, "the %s model needs %s", model->name,
                             k->required_why);
    }
    for (int i = 0; i < cfg->n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(cfg, cfg->n[i], sizes);
        if (sizes[MSCSIM_ARM_CONTROL] < 1 || sizes[MSCSIM_ARM_MSC] < 1)
            return key_error(cfg, "trial", "n", err,
                             "n = %ld leaves an arm empty under allocation %d:%d "
                             "(control %ld, msc %ld)",
                             cfg->n[i], cfg->alloc[0], cfg->alloc[1], sizes[0], sizes[1]);
    }
    status = sim_interim_validate(cfg, err);
    return status ? status : sim_prior_validate(cfg, err);
}

