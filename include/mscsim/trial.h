#ifndef MSCSIM_TRIAL_H
#define MSCSIM_TRIAL_H

/**
 * One simulated trial's analysable data: per arm, the endpoint and baseline values of
 * the patients who have a primary outcome, and their sufficient statistics.
 */

#include <stddef.h>
#include <stdint.h>

#include "mscsim/error.h"
#include "mscsim/config.h"
#include "mscsim/rng.h"
#include "mscsim/scale.h"
#include "mscsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Sufficient statistics of one arm's analysed patients, computed in two passes (means
 * first, then centred sums) so they stay accurate for scores far from zero.
 */
typedef struct {
    size_t n;       /**< Analysed patients. */
    double sum_y;   /**< Sum of endpoint values (the event count for a 0/1 endpoint). */
    double mean_y;  /**< Mean endpoint; 0 when n = 0. */
    double ss_y;    /**< Sum of squared deviations of y from mean_y. */
} mscsim_arm_stats;

/**
 * Every visit of every randomized patient of one trial, for longitudinal analyses (those
 * with a nonzero min_visits, mscsim_analysis_type): per arm, n[a] patients in randomization
 * order with their baseline and, for visit v = 0..visits - 1 (the visits up to and
 * including the primary one, which is the last), the score score[a][i * stride + v], used
 * only where observed[a][i * stride + v] is nonzero (and, with followed, the visit is past
 * by the analysis date). Scores are as measured (rounded and
 * clipped; a death scored worst is observed, a death left missing is not; dropout leaves
 * every later visit unobserved); orientation is +1 when higher scores are better, -1
 * when lower are, and change is 1 when the endpoint is the change from baseline, 0 when
 * it is the score itself. work is per-thread scratch of work_bytes bytes (aligned for
 * double) that a longitudinal analysis may overwrite. All arrays are borrowed from the
 * workspace and valid until its next trial.
 */
typedef struct {
    int visits;                 /**< Visits up to the primary one, >= 1. */
    size_t stride;              /**< Visits stored per patient (>= visits). */
    size_t n[MSCSIM_ARM_COUNT]; /**< Randomized patients per arm. */
    const double *baseline[MSCSIM_ARM_COUNT];
    const double *score[MSCSIM_ARM_COUNT];
    const unsigned char *observed[MSCSIM_ARM_COUNT];
    double orientation;
    int change;
    void *work;
    size_t work_bytes;
    /** NULL for every visit of the n[a] patients, or, at an interim look with accrual, the
     * visits past by the look's date: patient i's visit v is used only when i <
     * followed[a][v] (non-increasing in v; patients are in randomization order, so the
     * first ones are followed longest), n[a] counting the patients randomized by the
     * date (a baseline known, no visit yet: only cLDA uses them). Borrowed like the
     * arrays above. */
    const size_t *followed[MSCSIM_ARM_COUNT];
} mscsim_visit_data;

/** Most distinct endpoint values a count table holds (mRS has 7). */
#define MSCSIM_TABLE_MAX 8

/**
 * A trial's analysed endpoints as counts: k distinct values in increasing order, and how
 * many analysed patients of each arm have each (a value may have none in either arm).
 * What the engine's table path draws instead of patients (mscsim_design_shortcut).
 */
typedef struct {
    int k;
    double value[MSCSIM_TABLE_MAX];
    double count[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX];
} mscsim_count_table;

/** A trial ready for analysis. Arrays are borrowed (owned by the caller's workspace). */
typedef struct {
    mscsim_arm_stats arm[MSCSIM_ARM_COUNT];
    const double *y[MSCSIM_ARM_COUNT];  /**< Endpoint values, arm[a].n of them. */
    /** 1 for an analysed patient who died by the primary visit (scored, not missing), or
     * NULL when nobody in the design can die. For analyses that rank deaths apart. */
    const unsigned char *died[MSCSIM_ARM_COUNT];
    /** [analysis] covariates of the same patients, in the configured order (cov_count of
     * them; NULL arrays when no analysis adjusts). */
    const double *cov[MSCSIM_ARM_COUNT][MSCSIM_MAX_COVARIATES];
    int cov_count;
    /** Per-thread scratch with room for arm[0].n + arm[1].n doubles, which an analysis may
     * overwrite (ranking); NULL when the caller provides none. */
    double *scratch;
    /** Every visit of every patient, or NULL when no analysis of the design reads them. */
    const mscsim_visit_data *visits;
    /** The analysed endpoints as a count table, or NULL. When set by the table path, y,
     * died and cov are NULL: only analyses sufficient on the table (mscsim_analysis_type
     * sufficient) are run, and arm holds the statistics of the table. */
    const mscsim_count_table *table;
} mscsim_trial_data;

/** Computes the statistics of the n values y. */
void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, size_t n);

/** Points data at the arrays and computes both arms' statistics; no deaths, covariates,
 * scratch or table (set those fields afterwards when an analysis needs them). */
void mscsim_trial_data_set(mscsim_trial_data *data, const double *const y[MSCSIM_ARM_COUNT],
                           const size_t n[MSCSIM_ARM_COUNT]);

/* ---- the trial pipeline ------------------------------------------------------------ */

/**
 * A compiled design: the validated config (the design's own copy, the only one an engine
 * reads), the population, the model and its parameters, the resolved scale, the endpoint,
 * deaths and dropout, and the true effects. Built once, shared read-only by every thread.
 * Opaque.
 */
typedef struct mscsim_design mscsim_design;

/** Per-thread buffers for one trial, sized once; reused by every trial. Opaque. */
typedef struct mscsim_workspace mscsim_workspace;

/** What one trial showed beyond its analysable data. */
typedef struct {
    size_t n_randomised[MSCSIM_ARM_COUNT]; /**< Patients randomised to each arm (they vary
                                                with [trial] randomisation other than fixed). */
    size_t n_analysed[MSCSIM_ARM_COUNT]; /**< Patients analysed (with an endpoint, observed or filled). */
    size_t missing[MSCSIM_ARM_COUNT];    /**< Patients without an observed primary score. */
    size_t deaths;          /**< Patients dead by the primary visit. */
    size_t at_floor;        /**< Observed primary scores at the scale's minimum. */
    size_t at_ceiling;      /**< Observed primary scores at the scale's maximum. */
    size_t scored;          /**< Observed primary scores (the denominator of the two above). */
    double recovery_slope;  /**< Within-arm OLS slope of change on lost function (NaN if n/a). */
} mscsim_trial_diag;

/**
 * Compiles cfg: validates it (mscsim_config_validate; the one validation a design needs),
 * copies it, prepares the model, builds the population (reading empirical files, checking
 * eligibility can be met), calibrates dropout and, when the model has no closed-form true
 * effect, estimates it by simulating MSCSIM_TRUTH_PATIENTS patients per arm without
 * dropout. The design does not depend on [trial] n or [simulation] reps. Errors name the
 * config key. On success the caller owns *out (mscsim_design_free); cfg is not kept.
 */
int mscsim_design_new(const mscsim_config *cfg, mscsim_design **out, mscsim_error *err);

/**
 * mscsim_design_new, taking the truths (true effect and each analysis' truth, with their
 * Monte Carlo errors) from `like` (NULL: none) instead of estimating them again when cfg
 * differs from like's config only in keys a truth does not depend on: n, allocation,
 * alpha, sides, dropout, the handling of missing data, imputations, [simulation] keys but
 * the seed. The result is the design mscsim_design_new would build, bit for bit; a sweep
 * over such keys estimates one truth. like is only read, and may be freed afterwards.
 */
int mscsim_design_new_like(const mscsim_config *cfg, const mscsim_design *like,
                           mscsim_design **out, mscsim_error *err);

/** A design's truths: the true effect and each analysis' truth, with Monte Carlo errors. */
typedef struct {
    double true_effect, true_effect_mcse;
    int count; /**< Analyses. */
    double truth[MSCSIM_MAX_ANALYSES], mcse[MSCSIM_MAX_ANALYSES];
} mscsim_truths;

/** Copies d's truths to *out. */
void mscsim_design_truths(const mscsim_design *d, mscsim_truths *out);

/** Room for mscsim_truths_format's text, its NUL included. */
#define MSCSIM_TRUTHS_TEXT_LEN 320

/**
 * t as one line without a newline, lossless and locale-independent: the count, then the
 * 16 hexadecimal digits of the IEEE 754 bits of true_effect, true_effect_mcse and each
 * analysis' truth and mcse. Returns the length, or -1 when len is too small. Thread-safe.
 */
int mscsim_truths_format(const mscsim_truths *t, char *buf, size_t len);

/** Reads mscsim_truths_format's text into *t: MSCSIM_OK or MSCSIM_ESYNTAX. Thread-safe. */
int mscsim_truths_parse(const char *text, mscsim_truths *t);

/**
 * mscsim_design_new with the truths given instead of estimated: for a process that
 * combines results simulated elsewhere (mscsim merge) and has the truths of the design
 * that simulated them (mscsim_design_truths of a design of cfg). given->count must be cfg's
 * number of analyses (MSCSIM_EINVAL otherwise).
 */
int mscsim_design_new_given(const mscsim_config *cfg, const mscsim_truths *given,
                            mscsim_design **out, mscsim_error *err);

/**
 * 1 when designs of a and b (valid configs, such as two grid points of one sweep) have the
 * same truths bit for bit because a and b differ only in keys a truth does not depend on
 * (those of mscsim_design_new_like); 0 otherwise, possibly also for configs whose truths
 * happen to agree, and when out of memory (the caller then only estimates again).
 * Thread-safe.
 */
int mscsim_config_same_truths(const mscsim_config *a, const mscsim_config *b);

/**
 * A 64-bit digest of what cfg's truths depend on: configs for which
 * mscsim_config_same_truths is 1 have equal digests (unequal digests: different truths),
 * so a sweep's grid points can be grouped by truth without comparing every pair; confirm
 * an equal digest with mscsim_config_same_truths. 0 when out of memory. Thread-safe.
 */
uint64_t mscsim_config_truths_digest(const mscsim_config *cfg);

/** Patients per arm used to estimate a true effect that has no closed form. */
#define MSCSIM_TRUTH_PATIENTS 1000000

/** Frees d; NULL is a no-op. */
void mscsim_design_free(mscsim_design *d);

/** The validated config d was compiled from (owned by d, valid while d lives). */
const mscsim_config *mscsim_design_config(const mscsim_design *d);

/** The scale scores are rounded and clipped to, resolved: mRS for the ordinal model, {0, 1}
 * (higher is better) for the binary one, else [outcome] scale. Owned by d. */
const mscsim_scale *mscsim_design_scale(const mscsim_design *d);

/** Number of analyses of the design's config ([analysis] test or tests), at least 1. */
int mscsim_design_analysis_count(const mscsim_design *d);

/** True mean difference of the analysed endpoint (positive = msc better), and its Monte
 * Carlo standard error (0 when exact). */
double mscsim_design_true_effect(const mscsim_design *d, double *mcse);

/**
 * The true value of what analysis number `index` of cfg's analyses estimates: the mean
 * difference for mean-difference analyses; otherwise the analysis' own estimate on
 * MSCSIM_TRUTH_PATIENTS simulated patients per arm without dropout, with the Monte Carlo
 * error from 100 batches.
 */
double mscsim_design_analysis_truth(const mscsim_design *d, int index, double *mcse);

/** 1 when the design's scores have a floor and a ceiling worth reporting (a clinical scale;
 * not the binary model's {0, 1}, whose shares would only restate p). */
int mscsim_design_scale_bounded(const mscsim_design *d);

/** Which path simulates a design's trials (mscsim_design_shortcut). */
typedef enum {
    MSCSIM_PATH_PATIENTS = 0, /**< Patient by patient (sim/trial/pipeline.c). */
    MSCSIM_PATH_COUNTS,       /**< Per arm the analysed count and the table of endpoints. */
    MSCSIM_PATH_NORMAL        /**< Per arm the analysed count, the mean and the sum of squares. */
} mscsim_trial_path;

/**
 * The path the engine takes for d's trials: the table path when it is exact for every
 * analysis of d (the rule: sim/trial/shortcut.c, README "Table path"), else the patient
 * path; nested = 1 asks for the sample-size search's nested trials (the same path, its
 * tables drawn over a binary tree of patient blocks so that smaller trials are prefixes of
 * larger ones: sim/trial/shortcut_nested.c), which only changes why. why (why_len bytes,
 * may be NULL) gets one line: what the table path draws, or the first reason it does not
 * apply. Thread-safe.
 */
mscsim_trial_path mscsim_design_shortcut(const mscsim_design *d, int nested, char *why,
                                         size_t why_len);

/** Allocates buffers for trials of up to capacity patients per arm (with [trial]
 *  randomisation other than fixed, the trial's total). Caller frees. */
int mscsim_workspace_new(const mscsim_design *d, size_t capacity, mscsim_workspace **out,
                         mscsim_error *err);

/** Frees w; NULL is a no-op. */
void mscsim_workspace_free(mscsim_workspace *w);

/**
 * Simulates one trial with n[a] randomized patients per arm (n[a] <= capacity) from rng,
 * and points data at its analysable patients (arrays owned by w, valid until the next
 * call). With [trial] randomisation other than fixed, the n[0] + n[1] patients (<= capacity:
 * either arm may get them all) are drawn in order of entry and the randomisation gives each
 * an arm: diag->n_randomised holds the sizes it gave. Never allocates; thread-safe with one
 * workspace per thread.
 */
void mscsim_trial_simulate(const mscsim_design *d, mscsim_rng *rng, const size_t n[MSCSIM_ARM_COUNT],
                           mscsim_workspace *w, mscsim_trial_data *data, mscsim_trial_diag *diag);

/**
 * One proper multiple imputation of the last trial simulated in w ([analysis] missing =
 * mi): every missing visit score up to the primary visit is drawn by sequential Bayesian
 * regression on the baseline and earlier visits, within each arm (sim/trial/impute.h), and
 * data points at all randomized patients' endpoints. Returns MSCSIM_OK, or MSCSIM_ERANGE when a
 * visit has too few observed patients to fit (the trial's analysis then fails).
 */
int mscsim_trial_impute(const mscsim_design *d, mscsim_workspace *w, mscsim_rng *rng,
                        mscsim_trial_data *data);

/** One arm of the last simulated trial, patient by patient (for `mscsim simulate`). */
typedef struct {
    size_t n;
    int visit_count;
    const double *visit_days;
    const double *nihss, *age, *onset, *baseline; /**< NULL when not simulated. */
    const double *true_score;     /**< n * visit_count: noiseless score, clipped to the scale. */
    const double *score;          /**< n * visit_count: measured score, rounded and clipped. */
    const unsigned char *observed; /**< n * visit_count: 1 when the score was observed. */
    const unsigned char *died;    /**< n: 1 when dead by the primary visit. */
    const double *death_day;      /**< n: day of death after randomization; valid only where
                                       died is 1 and the death was drawn (not the ordinal
                                       model's mRS 6, whose day is unknown). */
} mscsim_arm_view;

/** The patients of arm a of the last trial simulated in w. */
void mscsim_workspace_view(const mscsim_workspace *w, int arm, mscsim_arm_view *out);

#ifdef __cplusplus
}
#endif
#endif
