#ifndef SIM_INTERIM_LOOKS_H
#define SIM_INTERIM_LOOKS_H
/*
 * Private to sim/: interim looks wired into a run. The config side (rule.c: the [interim]
 * efficacy and futility values; looks.c: cross-key checks), the trial side (the prefix of
 * a simulated trial a look analyses, in pipeline.c) and the engine side (looks.c: one
 * trial's looks and stopping rule, and the per-look totals folded in replicate order).
 */
#include <stddef.h>

#include "mscsim/analysis.h"
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

/* Days per month: 365.25 / 12. */
#define SIM_DAYS_PER_MONTH 30.4375

/* Cumulative patients randomized by month tau (>= 0) under cfg's accrual. */
double sim_interim_accrued(const mscsim_config *cfg, double tau);

/* What a look sees of each visit (followup.c): randomized[a], the patients of arm a
 * randomized by the look's date (their baseline is known); followed[a][v], the first
 * patients of arm a whose visit v (0-based, up to the primary one) is past by then;
 * followed[a][primary] is the look's prefix (analysed_arm), earlier visits count the
 * pipeline patients followed that far. Without accrual every entry is the prefix. */
typedef struct {
    size_t randomized[MSCSIM_ARM_COUNT];
    size_t followed[MSCSIM_ARM_COUNT][MSCSIM_MAX_VISITS];
    /* The same counts over both arms (first patients in order of entry), which a
     * randomised design splits into arms per trial (sim_looks_trial_followup). */
    long randomized_total, followed_total[MSCSIM_MAX_VISITS];
} sim_look_followup;

/* ---- pipeline.c ---- */

/* Patients per arm (randomisation.c) among the first `first` in order of entry of w's last trial, into m;
 * m is left alone (the fixed sizes' prefix the caller computed) unless d is randomised. */
void sim_trial_first_patients(const mscsim_design *d, const mscsim_workspace *w, long first,
                              size_t m[MSCSIM_ARM_COUNT]);

/* Points data at the analysed patients among the first m[a] randomized of each arm of the
 * last trial simulated in w (or imputed: mscsim_trial_impute then completes only them). */
void sim_trial_prefix(const mscsim_design *d, mscsim_workspace *w,
                      const size_t m[MSCSIM_ARM_COUNT], mscsim_trial_data *data);

/* Points w back at every patient of its last trial, as mscsim_trial_simulate left it, and
 * data, which that call filled, at w's extras again (the last look reuses its arm sums). */
void sim_trial_prefix_all(const mscsim_design *d, mscsim_workspace *w, mscsim_trial_data *data);

/* sim_trial_prefix of the look's prefix (f->followed[a][primary]); longitudinal analyses
 * also get the pipeline patients' visits past by the look's date (data->visits->followed
 * points into f, which must outlive data). Imputation still completes only the prefix. */
void sim_trial_look_prefix(const mscsim_design *d, mscsim_workspace *w,
                           const sim_look_followup *f, mscsim_trial_data *data);

/* ---- looks.c: the engine ---- */

/* What one trial's looks did. */
typedef struct {
    int stop_look;                      /* 0-based look the trial stopped at. */
    int futile;                         /* 1 when it stopped for futility. */
    int efficacy;                       /* 1 when the first analysis crossed its bound. */
    size_t analysed[MSCSIM_MAX_LOOKS];  /* Patients analysed at each look reached. */
    size_t analysed_final;              /* Patients in the analysis reported. */
} sim_look_record;

/* Analyses data with analyses from .. to - 1 into rec->result and returns the first one
 * it has not filled; multiple imputation, whose imputations all analyses share, fills every
 * one at the first call. */
typedef int (*sim_analyse_fn)(const void *ctx, const mscsim_trial_data *data,
                              mscsim_workspace *w, int from, int to, mscsim_replicate *rec);

/* Each look's bounds as analysis settings at the bound's nominal level, so that a t result
 * (a deferred p, sim_analysis_settings_defer_t_p) is decided on its statistic and df by
 * tabulated quantiles, as the analyses decide at alpha, and pt runs only in the thin band
 * around the bound: efficacy[k] at the level just above efficacy_p[k] (p below it is p at
 * most efficacy_p[k]), with the run's sides; futility[k] at futility_p[k], one-sided. NULL
 * where the bound never stops a trial or its level is not inside (0, 1): p is computed. */
typedef struct {
    mscsim_analysis_settings *efficacy[MSCSIM_MAX_LOOKS], *futility[MSCSIM_MAX_LOOKS];
} sim_looks_levels;

/* The looks of a design at one n: boundaries (once per design) and calendar plan. */
typedef struct {
    mscsim_gsd_bounds bounds;
    int sides;
    int pipeline_analyse;
    int futility; /* 1 with a futility rule */
    /* The bounds as p-values (sim_looks_prepare): efficacy when p <= efficacy_p (two-sided
     * p for sides = 2), futility when the one-sided p >= futility_p. */
    double efficacy_p[MSCSIM_MAX_LOOKS], futility_p[MSCSIM_MAX_LOOKS];
    double efficacy_level[MSCSIM_MAX_LOOKS]; /* nextafter(efficacy_p, 1): p below it stops */
    mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
    const sim_looks_levels *levels; /* The bounds as settings, or NULL: p is computed. */
    sim_look_followup follow[MSCSIM_MAX_LOOKS]; /* sim_looks_followup, from plan */
    int longitudinal; /* 1 when the first analysis (the deciding one) reads every visit */
    /* The config whose Bayesian rules decide the looks (bayes_rule.c), NULL when the
     * bounds alone decide. */
    const mscsim_config *bayes;
} sim_looks;

/* Fills L's p-value bounds from its bounds and sides. */
void sim_looks_prepare(sim_looks *L);

/* (Re)builds lv for L's p-value bounds with tables up to max_df, and, unless the caller
 * wants p-values (want_p), defers the t p-values of the run's settings (with want_p set),
 * which the looks then no longer need. Status; on failure lv is empty. */
int sim_looks_levels_fit(sim_looks_levels *lv, const sim_looks *L,
                         mscsim_analysis_settings *settings, size_t max_df, int want_p,
                         mscsim_error *err);

/* Frees lv's settings (lv itself is the caller's). */
void sim_looks_levels_free(sim_looks_levels *lv);

/* ---- followup.c ---- */

/* Fills L->follow and L->longitudinal from L->plan (mscsim_interim_plan of cfg at n). */
void sim_looks_followup(const mscsim_config *cfg, sim_looks *L);

/* Look k's follow-up in the trial last simulated in w: L->follow[k], or, when [trial]
 * randomisation draws the arms, its counts recounted from the trial's own arms into
 * scratch (which the data of the look then points into). */
const sim_look_followup *sim_looks_trial_followup(const sim_looks *L, int k,
                                                  const mscsim_design *d,
                                                  const mscsim_workspace *w,
                                                  sim_look_followup *scratch);

/* Patients the deciding analysis uses in data: with at least one visit used for a
 * longitudinal one, with an endpoint otherwise. */
size_t sim_looks_analysed(const sim_looks *L, const mscsim_trial_data *data);

/* One trial, already simulated in w with its full data, through its looks: each look
 * analyses its prefix (the last one full) with the first analysis, whose z decides; the
 * other analyses run only at the stopping look. rec->result holds the analyses at the
 * stopping look (or of the pipeline patients too, with pipeline = analyse), reject meaning
 * "crossed the efficacy bound there". */
void sim_looks_trial(const sim_looks *L, const mscsim_design *design, mscsim_workspace *w,
                     mscsim_trial_data *full, sim_analyse_fn analyse, const void *ctx,
                     int analyses, mscsim_replicate *rec, sim_look_record *out);

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
