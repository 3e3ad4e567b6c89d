#ifndef MSCSIM_POPULATION_H
#define MSCSIM_POPULATION_H

/**
 * The patients a trial enrols: baseline NIHSS, age, days from stroke onset to
 * randomization and baseline score, each from its [baseline] distribution, with a
 * Gaussian-copula correlation between NIHSS and the baseline score ([baseline]
 * severity_corr), and eligibility windows ([eligibility]) applied by redrawing ineligible
 * patients. Empirical variables that name the same file are resampled together, one row
 * per patient, so their joint distribution is the pilot data's.
 */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Variables a model or analysis needs drawn (bits). */
enum {
    MSCSIM_NEED_NIHSS = 1u << 0,
    MSCSIM_NEED_AGE = 1u << 1,
    MSCSIM_NEED_ONSET = 1u << 2,
    MSCSIM_NEED_BASELINE = 1u << 3
};

/** One arm's drawn covariates; each array has n values, or is NULL when not drawn. */
typedef struct {
    double *nihss;    /**< Baseline NIHSS, whole numbers. */
    double *age;      /**< Years. */
    double *onset;    /**< Days from stroke onset to randomization. */
    double *baseline; /**< Baseline score (unrounded; the scale rounds it). */
} mscsim_covariates;

/** Prepared population: parsed specs, empirical data, copula and eligibility. Opaque. */
typedef struct mscsim_population mscsim_population;

/** A run's empirical files, read once (mscsim_empirical_set_load). Opaque. */
typedef struct mscsim_empirical_set mscsim_empirical_set;

/**
 * Prepares cfg's population. Draws the variables in `needs` plus every variable that has
 * an eligibility window (a window on an undrawn variable it needs is an error naming the
 * key). Reads empirical files now (missing file or column: error naming [baseline] key).
 * Checks that eligible patients can be drawn (acceptance of at least 1 in 10^4 over a
 * fixed-seed trial run; otherwise an error naming the [eligibility] keys). On success the
 * caller owns *out (mscsim_population_free). Thread-safe to use once built.
 */
int mscsim_population_new(const mscsim_config *cfg, unsigned needs, mscsim_population **out,
                          mscsim_error *err);

/**
 * Every empirical file a run names, read once: the files of cfg's [baseline] specs and of
 * every grid point of its [sweep], each with the union of the columns they use. Put it in
 * cfg->empirical (borrowed: every copy of cfg, such as each grid point, shares it) and
 * mscsim_population_new takes its data from there instead of reading the file again, so
 * a file replaced while the run goes on cannot mix data into its results. Errors name the
 * [baseline] key of the file (missing file or column, a malformed cell). On success the
 * caller owns *out (mscsim_empirical_set_free, after every design that uses it); a set
 * of a config without empirical specs holds nothing. Thread-safe to read once built.
 */
int mscsim_empirical_set_load(const mscsim_config *cfg, mscsim_empirical_set **out,
                              mscsim_error *err);

/** Frees set; NULL is a no-op. */
void mscsim_empirical_set_free(mscsim_empirical_set *set);

/** How many files set read (each at most once), for tests; 0 for NULL. */
long mscsim_empirical_set_reads(const mscsim_empirical_set *set);

/** Frees pop; NULL is a no-op. */
void mscsim_population_free(mscsim_population *pop);

/** The variables drawn (a superset of the needs passed to new). */
unsigned mscsim_population_drawn(const mscsim_population *pop);

/**
 * Draws n eligible patients into out (arrays of the drawn variables must have room for n;
 * the others are left alone). Never allocates; thread-safe.
 */
void mscsim_population_draw(const mscsim_population *pop, mscsim_rng *rng, size_t n,
                            mscsim_covariates *out);

#ifdef __cplusplus
}
#endif
#endif
