#ifndef MSCSIM_ANALYSIS_H
#define MSCSIM_ANALYSIS_H

/**
 * Analyses of one simulated trial, plugged in through a table of function pointers:
 * each analysis is one file in sim/analyses/ exposing one const mscsim_analysis_type,
 * listed by one row in sim/analyses/registry.h.
 *
 * Conventions shared by every analysis:
 * - the estimate is msc minus control (mean difference, or risk difference for a 0/1
 *   endpoint), with its standard error;
 * - the two-sided confidence interval, used for coverage, is estimate +/- q * se, with q the
 *   conf_level quantile of Student's t on `df` degrees of freedom (the normal when df is
 *   infinite);
 * - sides = 2 tests effect != 0; sides = 1 tests effect > 0 (msc better);
 * - a trial the analysis cannot compute (too few patients, zero variance, a singular
 *   design) sets failed = 1 and reject = 0: it is counted, never dropped.
 */

#include "mscsim/error.h"
#include "mscsim/trial.h"
#include "mscsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif


/**
 * Shared, read-only analysis settings: alpha, sides and tables of t critical values so
 * that decisions and coverage need a quantile call only in the rare ambiguous case.
 * Built once per design, then used by any number of threads at once.
 */
typedef struct mscsim_analysis_settings mscsim_analysis_settings;

/**
 * An analysis' analytic power: how its design follows from a model's outcome (see
 * mscsim_analytic_design_from_config). Opaque: the library's analyses define theirs; the
 * layout is private (sim/analytic_impl.h).
 */
typedef struct mscsim_analytic_hook mscsim_analytic_hook;

/** What one analysis of one trial found. */
typedef struct {
    double estimate;  /**< msc minus control. */
    double se;        /**< Standard error of estimate. */
    double df;        /**< Degrees of freedom of the CI quantile; INFINITY for a normal one. */
    double statistic; /**< The test statistic; each analysis documents which. */
    double p_value;   /**< NaN unless the settings ask for p-values (or the test needs one). */
    int reject;       /**< 1 when the test rejects at alpha. */
    int failed;       /**< 1 when the analysis could not be computed; then reject = 0. */
    /** Why it failed, a static string, or NULL (not failed, or no reason given). */
    const char *reason;
} mscsim_analysis_result;

/**
 * What an analysis estimates. The true effect an estimate is compared with (bias,
 * coverage) is the same estimand in the population.
 */
typedef enum {
    MSCSIM_ESTIMAND_MEAN_DIFFERENCE = 0, /**< msc minus control mean (risk difference for 0/1). */
    MSCSIM_ESTIMAND_LOG_ODDS_RATIO,      /**< log common odds ratio of a better outcome. */
    MSCSIM_ESTIMAND_SUPERIORITY          /**< P(msc better) + P(tie)/2 - 1/2, in [-1/2, 1/2]. */
} mscsim_estimand;

/** One analysis: name, the outcomes it fits and its function. */
typedef struct {
    const char *name;        /**< Config name, e.g. "welch". */
    const char *description; /**< One line for --help and the README. */
    unsigned outcomes;       /**< Mask of mscsim_outcome_kind it accepts. */
    int uses_baseline;       /**< 1 when it reads the baseline covariate x. */
    /** 1 when it adjusts for the [analysis] covariates once that key is set (po, po_lr);
     * unset, it reads none. (An analysis with uses_baseline always reads them.) */
    int uses_covariates;
    mscsim_estimand estimand; /**< What estimate estimates. */
    /** Analyses data; never allocates; thread-safe. */
    void (*analyze)(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result);
    /** Its analytic power (static, read-only), or NULL when it has no formula. */
    const mscsim_analytic_hook *analytic;
    /** 0 for an analysis of the primary-visit endpoints; otherwise a longitudinal analysis,
     * which reads data->visits (mscsim_trial_data) and needs at least this many visits up
     * to the primary one, a multi-visit model when it is above 1, the endpoint change or
     * final, and missing = complete_case (it uses every observed visit itself). */
    int min_visits;
    /** Bytes of data->visits->work it needs for `visits` visits and n patients in all, or
     * NULL for none. */
    size_t (*work_size)(int visits, size_t n);
} mscsim_analysis_type;

/** The analysis called name, or NULL. */
const mscsim_analysis_type *mscsim_analysis_find(const char *name);

/** All analyses, NULL-terminated, in registry order. */
const mscsim_analysis_type *const *mscsim_analysis_list(void);

/**
 * Builds settings for a test at level alpha (0 < alpha < 1), sides 1 or 2, intervals at
 * conf_level (0 < conf_level < 1), for t statistics with up to max_df degrees of freedom
 * (larger df still work, more slowly); want_p = 1 makes every analysis fill p_value.
 * On success *out is owned by the caller (mscsim_analysis_settings_free).
 */
int mscsim_analysis_settings_new(double alpha, int sides, double conf_level, size_t max_df,
                                 int want_p, mscsim_analysis_settings **out, mscsim_error *err);

/** Frees settings; NULL is a no-op. */
void mscsim_analysis_settings_free(mscsim_analysis_settings *settings);

/**
 * Fills result from an estimate, its standard error and degrees of freedom (INFINITY for a
 * normal reference), with the analyses' own decision rule: statistic = estimate / se,
 * reject when its p-value is below alpha. For estimates pooled across imputations.
 */
void mscsim_analysis_decide_t(const mscsim_analysis_settings *settings, double estimate,
                              double se, double df, mscsim_analysis_result *result);

/** 1 when the result's confidence interval contains truth, 0 otherwise (and if failed). */
int mscsim_analysis_covers(const mscsim_analysis_settings *settings,
                           const mscsim_analysis_result *result, double truth);

/** The result's confidence interval (NaN bounds if failed). */
void mscsim_analysis_ci(const mscsim_analysis_settings *settings,
                        const mscsim_analysis_result *result, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif
