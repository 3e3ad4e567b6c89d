#ifndef SIM_DECISION_H
#define SIM_DECISION_H
/*
 * Bayesian planning, private to the library: the [prior] section (design priors on config
 * keys: read, checked and written here, drawn per trial in sim/trial/prior.c) and the
 * [decision] rule that decides a simulated trial's success (decide.c).
 */

#include <stdio.h>

#include "mscsim/analysis.h"
#include "mscsim/config.h"
#include "mscsim/error.h"
#include "mscsim/trial.h"

/* A [prior] line "section.key = distribution" read from file:line (line -1: --set). */
int sim_prior_apply(mscsim_config *cfg, const char *name, const char *value, const char *file,
                    int line, mscsim_error *err);

/* The [prior] and [decision] rules single keys cannot check: the key takes a number the
 * simulation can redraw per trial, applies to the model, is not swept, and the prior's
 * support lies in the key's range; mcid >= threshold; the analysis prior fits the
 * analyses. Errors name the line and key. */
int sim_prior_validate(const mscsim_config *cfg, mscsim_error *err);

/* The index of the key row prior i of cfg sets: the row of cfg's model when two models
 * declare section.key. */
size_t sim_prior_key_index(const mscsim_config *cfg, int i);

/* Writes cfg's [prior] section (nothing without one) for the resolved config. */
void sim_prior_write(const mscsim_config *cfg, FILE *out);

/* Identifier of the substream of a trial's generator its prior values are drawn from:
 * far above the pipeline's per-arm step substreams, so the trial's patients are drawn
 * exactly as without a prior. */
#define SIM_PRIOR_STREAM 0x7072696f72ull

/*
 * Whether a trial's analysis result r, of data, is a success under cfg's [decision]:
 * rule = test, the analysis' test rejected; rule = posterior, P(effect > threshold | data)
 * >= probability and, with a finite mcid, P(effect > mcid | data) >= mcid_probability, the
 * posterior being conjugate normal on the estimate and SE (flat: N(estimate, se^2)) or,
 * with a beta prior, the exact posterior of the risk difference from the arms' event
 * counts (data must then be the analysed 0/1 endpoints). A failed analysis never
 * succeeds. The one place the rule lives, so interim looks can call it. Thread-safe.
 */
int sim_decision_success(const mscsim_config *cfg, const mscsim_trial_data *data,
                         const mscsim_analysis_result *r);

/* P(effect > t | data) under cfg's [decision] prior (as sim_decision_success uses it);
 * NaN without a usable SE. */
double sim_decision_exceeds(const mscsim_config *cfg, const mscsim_trial_data *data,
                            const mscsim_analysis_result *r, double t);

/* The analysed patients n[a] and events x[a] of each arm of data (0/1 endpoints). */
void sim_decision_counts(const mscsim_trial_data *data, long n[MSCSIM_ARM_COUNT],
                         long x[MSCSIM_ARM_COUNT]);

/* 1 when cfg's looks decide by a Bayesian rule (an [interim] efficacy or futility
 * posterior(q) or predictive(q)) or by [decision] rule = posterior at the last look. */
int sim_bayes_looks(const mscsim_config *cfg);

/* The checks of Bayesian rules with [interim] looks (sim/interim/bayes_rule.c): which rules
 * combine, sides, binding, a beta prior's rule. Errors name the line and key. */
int sim_bayes_looks_validate(const mscsim_config *cfg, mscsim_error *err);

/* ---- the compiled design prior (sim/trial/prior.c) ---- */

typedef struct sim_prior sim_prior;

/* Sets each prior key of cfg (a design's own config) to its prior's median, the value the
 * design is compiled at (its fixed value is replaced for the simulation). */
void sim_prior_set_medians(mscsim_config *cfg);

/* Compiles d's [prior] into d->prior (nothing without one): the key rows it sets and how
 * each trial's true effects are obtained (closed form, or a grid of truths estimated by
 * simulation over a single prior's range, interpolated). */
int sim_prior_compile(mscsim_design *d, mscsim_error *err);

void sim_prior_free(sim_prior *p);

/* A per-thread copy of d whose config and model parameters a trial overwrites (the
 * population, tables and truths stay d's); NULL without memory. */
mscsim_design *sim_prior_shadow_new(const mscsim_design *d);
void sim_prior_shadow_free(mscsim_design *shadow);

/*
 * One trial's parameters: draws every prior key from the substream SIM_PRIOR_STREAM of
 * the trial's generator into shadow's config, prepares the model again into shadow's
 * parameters, and sets truth[k], the trial's true effect for analysis k (NaN when it has
 * none). Allocates nothing. Returns MSCSIM_OK, or the model's status when the drawn values
 * do not fit together (the trial's analyses then fail).
 */
int sim_prior_trial(const mscsim_design *d, const mscsim_rng *trial_rng, mscsim_design *shadow,
                    double truth[MSCSIM_MAX_ANALYSES]);

#endif
