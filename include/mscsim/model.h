#ifndef MSCSIM_MODEL_H
#define MSCSIM_MODEL_H

/**
 * Outcome models, plugged in through a table of function pointers: each model is one
 * sim/model_<name>.c file exposing one const mscsim_model_type, listed in
 * sim/model_registry.c. A model turns a design into prepared parameters once, then
 * fills one trial's patients from a generator, as often as the engine asks.
 */

#include <stddef.h>

#include "mscsim/analysis.h"
#include "mscsim/config.h"
#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest prepared-parameter block a model may use (the engine stores it inline). */
#define MSCSIM_MODEL_PARAMS_MAX 512

/** Where a model writes one trial: every randomized patient, in arm order. */
typedef struct {
    size_t n[MSCSIM_ARM_COUNT]; /**< Randomized patients per arm (input). */
    double *y[MSCSIM_ARM_COUNT]; /**< Endpoint per patient, n[a] slots (output). */
    double *x[MSCSIM_ARM_COUNT]; /**< Baseline covariate per patient (output when used). */
} mscsim_patients;

typedef struct {
    const char *name;        /**< Config name ([model] type). */
    const char *description; /**< One line for --help and the README. */
    mscsim_outcome_kind outcome;
    /**
     * Validates cfg's model keys beyond their ranges and fills params (at most
     * MSCSIM_MODEL_PARAMS_MAX bytes). uses_baseline says whether the analysis reads x.
     */
    int (*prepare)(const mscsim_config *cfg, int uses_baseline, void *params, mscsim_error *err);
    /** The true effect (msc minus control) on the analysed endpoint. */
    double (*true_effect)(const void *params);
    /** 1 when simulate fills x. */
    int (*fills_baseline)(const void *params);
    /** Simulates every patient of one trial; never allocates; thread-safe. */
    void (*simulate)(const void *params, mscsim_rng *rng, mscsim_patients *patients);
} mscsim_model_type;

/** The model called name, or NULL. */
const mscsim_model_type *mscsim_model_find(const char *name);

/** All models, NULL-terminated. */
const mscsim_model_type *const *mscsim_model_list(void);

#ifdef __cplusplus
}
#endif
#endif
