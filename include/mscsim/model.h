#ifndef MSCSIM_MODEL_H
#define MSCSIM_MODEL_H

/**
 * Outcome models, plugged in through a table of function pointers: each model is one
 * sim/models/<name>.c file exposing one const mscsim_model_type, listed in
 * sim/models/registry.c. A model declares its own config keys (rows of the private key
 * type) and the properties that decide which shared keys apply to it.
 *
 * A model turns a design into prepared parameters once, then, for each arm of each
 * simulated trial, gives every patient a score at every visit from the patients'
 * covariates (drawn beforehand by the population, see population.h). Everything after
 * that is shared by all models and lives in sim/trial/pipeline.c: deaths, rounding and clipping to the
 * scale (scale.h), the endpoint, dropout and the analysis. Scores a model writes are on
 * the scale's units but need not be rounded or clipped.
 */

#include <stddef.h>

#include "mscsim/analysis.h"
#include "mscsim/analytic.h"
#include "mscsim/config.h"
#include "mscsim/population.h"
#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A config key row; its layout is private to the library (sim/config/config_impl.h). */
struct mscsim_key;

/** One arm of one trial, as a model sees it. */
typedef struct {
    size_t n;                      /**< Patients in the arm. */
    int arm;                       /**< MSCSIM_ARM_CONTROL or MSCSIM_ARM_MSC. */
    const mscsim_covariates *cov;  /**< Their covariates (variables not drawn are NULL). */
    int visit_count;               /**< Visits per patient (1 for single-visit models). */
    const double *visit_days;      /**< Days from randomization, increasing. */
    double *true_score;            /**< Out: n * visit_count, patient-major, noiseless. */
    double *score;                 /**< Out: the same plus measurement error, if any. */
} mscsim_arm_sim;

typedef struct {
    const char *name;             /**< Config name ([model] type). */
    const char *description;      /**< One line for the README. */
    mscsim_outcome_kind outcome;  /**< Kind of the primary-visit score. */
    int multi_visit;              /**< 1 when it simulates every visit; else only the primary. */
    int has_baseline_score;       /**< 1: patients have a baseline score ([baseline] score). */
    int draws_deaths;             /**< 1: the pipeline draws deaths ([arm] mortality) and scores
                                       them by [outcome] death; 0: deaths are in its outcome. */
    mscsim_scale_id fixed_scale;  /**< The scale it always scores (ordinal: MSCSIM_SCALE_MRS);
                                       MSCSIM_SCALE_NONE: the configured [outcome] scale. */
    const struct mscsim_key *keys; /**< Its own config keys, key_count rows (may be NULL). */
    size_t key_count;
    size_t params_size;           /**< Bytes of its prepared parameters (sizeof its struct). */
    /** Covariates the model reads (MSCSIM_NEED_* bits) under cfg. */
    unsigned (*needs)(const mscsim_config *cfg);
    /**
     * Checks cfg's model keys beyond their single ranges (errors name the key through
     * mscsim_config_error_at) and fills params (params_size bytes, aligned for any type).
     */
    int (*prepare)(const mscsim_config *cfg, void *params, mscsim_error *err);
    /**
     * The true effect on cfg's endpoint in closed form, oriented so positive = msc better,
     * or NaN when there is none (the engine then estimates it by simulation).
     */
    double (*true_effect)(const void *params, const mscsim_config *cfg);
    /** Scores one arm's patients; never allocates; thread-safe. */
    void (*simulate)(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm);
    /**
     * Its primary-visit outcome under cfg for the analytic formulas, from the prepared
     * params; NULL when the model has no closed-form power. Returns 1 and fills *outcome,
     * or 0 with a one-line reason in why (if not NULL; why_len bytes). Thread-safe.
     */
    int (*analytic)(const void *params, const mscsim_config *cfg,
                    mscsim_analytic_outcome *outcome, char *why, size_t why_len);
    /**
     * What the model derived from cfg's keys beyond their values (e.g. the normal model's
     * change SD from an outcome SD), one line into buf (len bytes), empty when nothing;
     * NULL when it never derives anything.
     */
    void (*describe)(const void *params, const mscsim_config *cfg, char *buf, size_t len);
    /**
     * The primary-visit score's distribution when it takes at most MSCSIM_TABLE_MAX values
     * and every patient of an arm scores independently with the same probabilities under
     * cfg (no covariate changes them): fills value[0..k-1] (increasing) and each arm's
     * probabilities prob[a][j], and returns k; 0 when the score has no such form. NULL:
     * never. For the table path (sim/trial/shortcut.c). Thread-safe.
     */
    int (*categories)(const void *params, const mscsim_config *cfg,
                      double value[MSCSIM_TABLE_MAX],
                      double prob[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX]);
} mscsim_model_type;

/** The model called name, or NULL. */
const mscsim_model_type *mscsim_model_find(const char *name);

/**
 * What cfg's model derived from its keys (its describe hook), one line into buf (len
 * bytes; empty when nothing). Prepares the model: returns its status and err on failure.
 * Thread-safe.
 */
int mscsim_model_describe(const mscsim_config *cfg, char *buf, size_t len, mscsim_error *err);

/** All models, NULL-terminated. */
const mscsim_model_type *const *mscsim_model_list(void);

#ifdef __cplusplus
}
#endif
#endif
