#ifndef MSCSIM_ENGINE_H
#define MSCSIM_ENGINE_H

/**
 * The simulation engine: for each sample size of a design it simulates `reps` trials,
 * analyses each, and summarises power, bias, precision and coverage.
 *
 * Work is done in units: unit u is block u % blocks (MSCSIM_UNIT_REPS replicates, the
 * last block of a cell possibly fewer) of cell u / blocks. mscsim_engine_step runs the next
 * unit across the threads and adds it, so the caller can show progress between steps; a
 * distributed caller runs units anywhere (mscsim_engine_run_unit), moves their partial sums
 * (mscsim_unit_format / mscsim_unit_parse) and adds them in unit order
 * (mscsim_engine_add_unit). Each trial draws from its own generator,
 * mscsim_rng_for_trial(seed, scenario, n, replicate); a unit's records are reduced in
 * replicate order and units in unit order, so summaries are identical for any thread
 * count, any number of processes and any grouping of units. Memory does not grow with reps.
 */

#include <stddef.h>

#include "mscsim/analysis.h"
#include "mscsim/config.h"
#include "mscsim/error.h"
#include "mscsim/gsd.h"
#include "mscsim/stats.h"
#include "mscsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mscsim_engine mscsim_engine;

/** The summary of one (scenario, n) cell; the CSV writes one row per cell. */
typedef struct {
    long scenario;          /**< 1-based scenario number. */
    const char *analysis;   /**< The analysis' name. */
    long n_total, n_control, n_msc;
    long reps;              /**< Simulated trials. */
    long rejections;        /**< Trials whose test rejected. */
    long failures;          /**< Trials whose analysis could not be computed (not rejections). */
    double power, power_lo, power_hi; /**< Rejection rate and its 95 % Wilson interval. */
    double true_effect;     /**< msc minus control on the analysed endpoint (positive = better). */
    double true_effect_mcse; /**< Its Monte Carlo error when estimated by simulation, else 0. */
    double mean_estimate;   /**< Over trials that did not fail (so are the next five). */
    double bias;            /**< mean_estimate - true_effect. */
    double empirical_se;    /**< SD of the estimates. */
    double mean_se;         /**< Mean of the analysis' standard errors. */
    double rmse;            /**< Root mean squared error of the estimates. */
    double coverage;        /**< Share of 95 % intervals that contain true_effect. */
    double mean_n_analysed; /**< Mean patients with a primary outcome, over all trials. */
    double mean_deaths;     /**< Mean deaths by the primary visit per trial. */
    double floor_share;     /**< Share of observed primary scores at the scale's minimum (NaN if unbounded). */
    double ceiling_share;   /**< The same at the maximum. */
    double recovery_slope;  /**< Mean within-trial slope of gain on lost function (NaN if n/a). */
    double missing_control; /**< Share of randomized control patients without an endpoint. */
    double missing_msc;     /**< The same in the msc arm. */
    double mean_imbalance;  /**< Mean over trials of 2 |n_msc - n m / (c + m)| / n, allocation
                                 c:m: |n_msc - n_control| / n at 1:1 (0 or 1 / n with fixed
                                 arms; [trial] randomisation makes it vary). */
    /* Interim looks (see mscsim/interim.h); a fixed design reports n_total, mean_n_analysed,
     * its duration (NaN without accrual) and NaN stopping shares. */
    double expected_n;          /**< Mean patients randomized when the trial ends. */
    double expected_n_analysed; /**< Mean patients in the analysis reported. */
    double expected_months;     /**< Mean month of the deciding analysis (NaN without accrual). */
    double stop_efficacy;       /**< Share of trials stopped before the last look for efficacy. */
    double stop_futility;       /**< Share stopped before the last look for futility. */
    /* With a [prior] (NaN without one); "benefit" is a trial's true effect > 0 and
     * "success" its decision ([decision] rule). */
    int assurance;          /**< 1 with a [prior]: power is the assurance. */
    double prior_p_benefit; /**< Share of trials whose drawn true effect is > 0. */
    double p_success_and_benefit;      /**< Share of trials with success and benefit. */
    double p_success_given_no_benefit; /**< Successes among trials without benefit. */
    double mean_effect_success;        /**< Mean true effect of the successful trials. */
} mscsim_cell_summary;

/** One look of one cell and analysis: a row of the looks file. */
typedef struct {
    int look;                    /**< 1-based. */
    double information_fraction; /**< Planned: [interim] looks. */
    double efficacy_z, efficacy_p; /**< Efficacy bound and its nominal one-sided p. */
    double futility_z;           /**< Futility bound (NaN without one; at the last look the
                                      efficacy bound). */
    double cumulative_alpha;     /**< Alpha spent by this look. */
    double reject_at_look;       /**< Share of trials crossing the efficacy bound here (and
                                      stopping here: the first analysis decides). */
    double futility_at_look;     /**< Share of trials stopping for futility here. */
    double mean_analysed;        /**< Mean patients analysed here, over trials reaching it. */
    double mean_randomized;      /**< Patients randomized by the look. */
    double mean_month;           /**< Month of the look (NaN without accrual). */
    double pipeline;             /**< Patients randomized, not yet known, when stopping here. */
} mscsim_look_summary;

/** The result of one simulated trial, for replicate-level output. */
typedef struct {
    long replicate;                    /**< 0-based replicate number within its cell. */
    mscsim_analysis_result result[MSCSIM_MAX_ANALYSES]; /**< One per analysis, in order. */
    int covered[MSCSIM_MAX_ANALYSES];  /**< Each CI contains its true effect. */
    double truth[MSCSIM_MAX_ANALYSES]; /**< Each analysis' true effect in this trial (the
                                            design's, or drawn from its [prior]). */
    mscsim_trial_diag diag;            /**< Patients analysed, deaths, floor and ceiling. */
} mscsim_replicate;

/** Replicates per work unit (a cell's last unit may hold fewer). */
#define MSCSIM_UNIT_REPS 8192

/** What the trials of a unit were, summed (the diagnostics of mscsim_cell_summary). */
typedef struct {
    long reps_done;
    long long n_analysed, deaths, at_floor, at_ceiling, scored;
    long long missing_arm[MSCSIM_ARM_COUNT];
    mscsim_welford slope; /**< Of the trials' recovery slopes (NaN ones left out). */
    long long randomised[MSCSIM_ARM_COUNT]; /**< Patients randomised per arm. */
    long long imbalance;  /**< Sum of |(c + m) n_msc - m n| over trials (allocation c:m). */
} mscsim_unit_trials;

/** What one analysis made of a unit's trials. */
typedef struct {
    long rejections, failures, covered;
    mscsim_welford estimate, se, squared_error; /**< Over trials whose analysis did not fail. */
    /** With a [prior]: each trial's truth, estimate - truth (analysis not failed), the truth
     *  of the successes, and counts of benefit (truth > 0) and of success with and without. */
    mscsim_welford truth, error, success_truth;
    long benefit, success_benefit, success_no_benefit;
} mscsim_unit_analysis;

/** The interim-look counts of a unit's trials (all 0 for a fixed design). */
typedef struct {
    long reps;
    long stopped[MSCSIM_MAX_LOOKS], futile[MSCSIM_MAX_LOOKS], reached[MSCSIM_MAX_LOOKS];
    long long analysed[MSCSIM_MAX_LOOKS], analysed_final;
    long rejected[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_LOOKS];
} mscsim_unit_looks;

/** The partial sums of one work unit: exact integers, and Welford sums of its replicates
 *  folded in replicate order. Plain data, copied with `=`. */
typedef struct {
    mscsim_unit_trials trials;
    mscsim_unit_analysis analysis[MSCSIM_MAX_ANALYSES]; /**< The engine's analyses, in order. */
    mscsim_unit_looks looks;
} mscsim_unit;

/**
 * Compiles cfg into a design (mscsim_design_new, which validates it) and builds an engine
 * that owns it, set to run cfg's [trial] n and [simulation] reps. want_p = 1 fills p-values
 * in replicate results (slower). On success the caller owns *out (mscsim_engine_free).
 */
int mscsim_engine_new(const mscsim_config *cfg, int want_p, mscsim_engine **out,
                      mscsim_error *err);

/**
 * An engine on a design the caller compiled with mscsim_design_new, set to run the
 * design's [trial] n and [simulation] reps; nothing is validated or copied again. The
 * engine borrows the design (read-only): the caller frees it after the engine. Several
 * engines may share one design.
 */
int mscsim_engine_new_with_design(const mscsim_design *design, int want_p,
                                  mscsim_engine **out, mscsim_error *err);

/**
 * Re-targets eng to run n[0..n_count-1] (total randomized, 1 <= n_count <=
 * MSCSIM_MAX_N_VALUES, each leaving no arm empty under the design's allocation) with reps
 * >= 1 replicates each; nested_sizes = 1 draws trial r of every size from one stream (as
 * mscsim_config's nested_sizes). Every accumulator is reset, as in a new engine, so the
 * results are those of an engine built for that run; the analysis settings and workspaces
 * are kept, and grown only when a larger arm needs it. For the sample-size search, which
 * evaluates many sizes of one design. Returns MSCSIM_OK, MSCSIM_EINVAL (eng unchanged) or
 * MSCSIM_ENOMEM (eng then has no cells: it is done, and only fit to be freed).
 */
int mscsim_engine_retarget(mscsim_engine *eng, const long *n, int n_count, long reps,
                           int nested_sizes, mscsim_error *err);

/** Frees the engine; NULL is a no-op. */
void mscsim_engine_free(mscsim_engine *eng);

/** 1 when every cell has all its replicates. */
int mscsim_engine_done(const mscsim_engine *eng);

/**
 * Runs and adds the next unit, using the configured threads. Returns MSCSIM_OK (also when
 * already done).
 */
int mscsim_engine_step(mscsim_engine *eng, mscsim_error *err);

/** Units of the run: cells times blocks of MSCSIM_UNIT_REPS replicates. */
long mscsim_engine_unit_count(const mscsim_engine *eng);

/**
 * Simulates and analyses unit `unit` (0 <= unit < mscsim_engine_unit_count) on the
 * configured threads and writes its partial sums to *out, without adding them to the
 * cells; its records are then mscsim_engine_last_chunk. Any unit may be run at any time,
 * in any engine built for the same design and run. Returns MSCSIM_OK or MSCSIM_EINVAL for a
 * unit out of range.
 */
int mscsim_engine_run_unit(mscsim_engine *eng, long unit, mscsim_unit *out, mscsim_error *err);

/**
 * Adds the partial sums of unit `unit` (from mscsim_engine_run_unit here or in another
 * process) to its cell. Units must be added in order, each once: returns MSCSIM_EINVAL for
 * any unit but the next. Adding every unit gives the summaries of mscsim_engine_step.
 */
int mscsim_engine_add_unit(mscsim_engine *eng, long unit, const mscsim_unit *partial,
                           mscsim_error *err);

/** Room for mscsim_unit_format's text of any unit, its NUL included. */
#define MSCSIM_UNIT_TEXT_LEN 8192

/**
 * Writes the partial sums of u's first `analyses` analyses to buf as one line without a
 * newline: space-separated decimal integers, each double as the 16 lower-case hexadecimal
 * digits of its IEEE 754 bits (lossless, locale-independent). Order: reps_done n_analysed
 * deaths at_floor at_ceiling scored missing_arm[0] missing_arm[1] slope, then per analysis
 * rejections failures covered estimate se squared_error, each Welford sum as "count mean
 * m2"; then, with looks > 0 (the design's interim looks), the look counts reps
 * analysed_final and per look stopped futile reached analysed and each analysis' rejected.
 * Returns the length, or -1 when len is too small. Thread-safe.
 */
int mscsim_unit_format(const mscsim_unit *u, int analyses, int looks, char *buf, size_t len);

/** Reads mscsim_unit_format's text (a trailing newline allowed) into *u: MSCSIM_OK, or
 *  MSCSIM_ESYNTAX for anything else (MSCSIM_EINVAL for analyses or looks out of range).
 *  Thread-safe. */
int mscsim_unit_parse(const char *text, int analyses, int looks, mscsim_unit *u);

/** Share of all replicates done, in [0, 1]. */
double mscsim_engine_progress(const mscsim_engine *eng);

/** Trials simulated so far, over all cells. */
long mscsim_engine_trials_done(const mscsim_engine *eng);

/** Threads the engine runs on. */
int mscsim_engine_threads(const mscsim_engine *eng);

/** The design the engine runs (owned or borrowed by it; valid while eng lives). */
const mscsim_design *mscsim_engine_design(const mscsim_engine *eng);

/** Number of cells: scenarios times sample sizes. */
size_t mscsim_engine_cell_count(const mscsim_engine *eng);

/** Number of analyses run on every trial ([analysis] test or tests). */
int mscsim_engine_analysis_count(const mscsim_engine *eng);

/** The summary of analysis number `analysis` in cell (complete once the engine is done). */
void mscsim_engine_summary(const mscsim_engine *eng, size_t cell, int analysis,
                           mscsim_cell_summary *out);

/** Looks of the engine's design: [interim] looks' count, 0 for a fixed design. */
int mscsim_engine_look_count(const mscsim_engine *eng);

/** Look `look` (0-based, < mscsim_engine_look_count) of analysis `analysis` in cell. */
void mscsim_engine_look_summary(const mscsim_engine *eng, size_t cell, int analysis, int look,
                                mscsim_look_summary *out);

/**
 * The replicates of the last step, in replicate order: *count records at *records, owned
 * by the engine and valid until the next step. *cell says which cell they belong to.
 */
void mscsim_engine_last_chunk(const mscsim_engine *eng, const mscsim_replicate **records,
                              size_t *count, size_t *cell);

#ifdef __cplusplus
}
#endif
#endif
