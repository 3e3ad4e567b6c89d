#ifndef SIM_INTERIM_LOOKS_H
#define SIM_INTERIM_LOOKS_H
/*
 * Private to sim/: interim looks wired into a run. The config side (rule.c: the [interim]
 * efficacy and futility values; looks.c: cross-key checks), the trial side (the prefix of
 * a simulated trial a look analyses, in pipeline.c) and the engine side (looks.c: one
 * trial's looks and stopping rule, and the per-look totals folded in replicate order).
 */
#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/engine.h"
#include "mscsim/gsd.h"
#include "mscsim/interim.h"
#include "mscsim/trial.h"

/* ---- rule.c ---- */

/* Parses an efficacy or futility value; choices names the rules the key accepts. */
int sim_rule_parse(const char *text, const char *const *choices, mscsim_stopping_rule *out,
                   mscsim_error *err);
/* The value as the parser reads it back ("hsd(-4)"). */
void sim_rule_format(const mscsim_stopping_rule *rule, char *buf, size_t len);
/* The accepted forms, for the key reference ("none \\| hsd(gamma in [-10, 10]) ..."). */
void sim_rule_describe(const char *const *choices, char *buf, size_t len);

/* ---- looks.c: config ---- */

/* The checks across [interim] and the accrual keys (mscsim_config_validate calls it). */
int sim_interim_validate(const mscsim_config *cfg, mscsim_error *err);

/* ---- pipeline.c ---- */

/* Points data at the analysed patients among the first m[a] randomized of each arm of the
 * last trial simulated in w (or imputed: mscsim_trial_impute then completes only them). */
void sim_trial_prefix(const mscsim_design *d, mscsim_workspace *w,
                      const size_t m[MSCSIM_ARM_COUNT], mscsim_trial_data *data);

/* ---- looks.c: the engine ---- */

/* What one trial's looks did. */
typedef struct {
    int stop_look;                      /* 0-based look the trial stopped at. */
    int futile;                         /* 1 when it stopped for futility. */
    int efficacy;                       /* 1 when the first analysis crossed its bound. */
    size_t analysed[MSCSIM_MAX_LOOKS];  /* Patients analysed at each look reached. */
    size_t analysed_final;              /* Patients in the analysis reported. */
} sim_look_record;

/* Analyses data with every analysis into rec->result (multiple imputation included). */
typedef void (*sim_analyse_fn)(const void *ctx, const mscsim_trial_data *data,
                               mscsim_workspace *w, mscsim_replicate *rec);

/* The looks of a design at one n: boundaries (once per design) and calendar plan. */
typedef struct {
    mscsim_gsd_bounds bounds;
    int sides;
    int pipeline_analyse;
    int futility; /* 1 with a futility rule */
    /* The bounds as p-values (sim_looks_prepare): efficacy when p <= efficacy_p (two-sided
     * p for sides = 2), futility when the one-sided p >= futility_p. */
    double efficacy_p[MSCSIM_MAX_LOOKS], futility_p[MSCSIM_MAX_LOOKS];
    mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
    /* The config whose Bayesian rules decide the looks (bayes_rule.c), NULL when the
     * bounds alone decide. */
    const mscsim_config *bayes;
} sim_looks;

/* Fills L's p-value bounds from its bounds and sides. */
void sim_looks_prepare(sim_looks *L);

/* One trial (already simulated in w) through its looks: each look analyses its prefix
 * and the first analysis' z decides; rec->result holds the analyses at the stopping look
 * (or of the pipeline patients too, with pipeline = analyse), reject meaning "crossed the
 * efficacy bound there". */
void sim_looks_trial(const sim_looks *L, const mscsim_design *design, mscsim_workspace *w,
                     sim_analyse_fn analyse, const void *ctx, int analyses,
                     mscsim_replicate *rec, sim_look_record *out);

/* Totals of one cell, folded in replicate order. */
typedef struct {
    long reps;
    long stopped[MSCSIM_MAX_LOOKS], futile[MSCSIM_MAX_LOOKS];
    long reached[MSCSIM_MAX_LOOKS];
    long long analysed[MSCSIM_MAX_LOOKS];
    long long analysed_final;
    long rejected[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_LOOKS];
} sim_looks_totals;

void sim_looks_fold(sim_looks_totals *t, const sim_look_record *r, const mscsim_replicate *rec,
                    int analyses);

/* Fills the cell summary's look columns (expected_n ... stop_futility). */
void sim_looks_summary(const sim_looks *L, const sim_looks_totals *t, mscsim_cell_summary *out);

/* One row of the looks file. */
void sim_looks_look_summary(const sim_looks *L, const sim_looks_totals *t, int analysis,
                            int look, mscsim_look_summary *out);

/* ---- bayes_rule.c: Bayesian rules at the looks ---- */

/* Puts in b the z bounds cfg's Bayesian rules imply where they do not depend on the data,
 * NaN where they do (mscsim_interim_bounds calls it). */
void sim_bayes_bounds(const mscsim_config *cfg, mscsim_gsd_bounds *b);

/* What L->bayes's rules decide at look k (0-based) from the first analysis' result r on
 * data: 1 = efficacy (at the last look: success), 2 = futility, 0 = continue. crossed says
 * whether r crosses L's spending efficacy bound at k, for the parts the bounds decide. */
int sim_bayes_verdict(const sim_looks *L, int k, const mscsim_trial_data *data,
                      const mscsim_analysis_result *r, int crossed);

/* Whether analysis result r succeeds at look k: the Bayesian efficacy rule before the last
 * look, the [decision] rule at it (crossed, as above, where the bounds decide). */
int sim_bayes_success(const sim_looks *L, int k, const mscsim_trial_data *data,
                      const mscsim_analysis_result *r, int crossed);

#endif
