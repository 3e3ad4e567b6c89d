#ifndef MSCSIM_MDE_H
#define MSCSIM_MDE_H

/**
 * The minimal detectable effect: the value of one numeric config key, nearest the null,
 * whose simulated power reaches a target at the design's one n (as pwr's `d = NULL` and
 * G*Power's sensitivity analysis).
 *
 * The null value of the key is the [control] arm's value of the same key ([msc] mean
 * against [control] mean, [msc] p against [control] p), else the key's default (no effect:
 * [msc] odds_ratio 1, r_gain 0, ...). The search goes from the null toward the design's own
 * value of the key and beyond, up to the key's range.
 *
 * Two stages, as mscsim_samplesize: a search, every candidate value simulated on the same
 * trials (common random numbers: the trial streams do not depend on the value, so the
 * power estimates are nearly monotone in it), bracketing the target from the formula's
 * answer where the design has a formula (else from the design's value) and bisecting;
 * then a confirmation with independent trials (exactly those `mscsim run` simulates with
 * the key at the answer) at the answer and one step nearer the null, the step being the
 * change of the key that moved the search power by MSCSIM_MDE_STEP_GAIN, with enough
 * trials (mscsim_ss_confirm_reps) that this gain is 4 Monte Carlo SEs. The answer is
 * right to one step, as the sample size is right to one allocation block.
 */

#include "mscsim/config.h"
#include "mscsim/samplesize.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSCSIM_MDE_MAX_EVALS 128   /**< Evaluations recorded in a search trace. */
#define MSCSIM_MDE_STEP_GAIN 0.01  /**< Power one confirmation step is chosen to gain. */

/** One simulated candidate value. */
typedef struct {
    mscsim_ss_stage stage;
    double value;     /**< The key's value. */
    long reps, rejections;
    double power, power_lo, power_hi; /**< With its 95 % Wilson interval. */
} mscsim_mde_eval;

typedef struct {
    const char *key;   /**< "section.key" of a numeric key of the design's model. */
    double target;     /**< Power to reach, in (0, 1), resolvable (mscsim_ss_check_target). */
    int analysis;      /**< Which of the config's analyses decides (0 = the first). */
    long search_reps;  /**< Replicates per search candidate; 0 = [simulation] reps. */
    long confirm_reps; /**< Replicates per confirmation; 0 = chosen by mscsim_ss_confirm_reps. */
    /** Called between engine steps: trials simulated in all and for the running candidate. */
    void (*on_progress)(void *user, long trials, long in_candidate, const mscsim_mde_eval *running);
    void *user;
} mscsim_mde_options;

typedef struct {
    double value;        /**< The answer. */
    double null_value;   /**< The key's value of no effect. */
    double start_value;  /**< Where the search started. */
    double analytic_value; /**< The formula's answer, NaN without one. */
    double step;         /**< The confirmation's step, signed away from the null. */
    mscsim_mde_eval at;    /**< Confirmation at the answer. */
    mscsim_mde_eval below; /**< Confirmation one step nearer the null (reps 0: not run). */
    long confirm_reps;   /**< Replicates per confirmation. */
    long trials;         /**< Trials simulated in all. */
    mscsim_mde_eval trace[MSCSIM_MDE_MAX_EVALS]; /**< Every evaluation, in order. */
    int trace_count;
} mscsim_mde_result;

/**
 * Runs the search for cfg (validated, one [trial] n, no [sweep]: pass each grid point of
 * mscsim_sweep_point). Returns MSCSIM_OK with *out filled; MSCSIM_EINVAL for a key that
 * is not a numeric key of the design, several n, or a design at its null value;
 * MSCSIM_ERANGE for a target not reached within the key's range (the message gives the
 * range and the power at its end) or reached at the null already, or a target the Monte
 * Carlo cannot resolve; other codes from building or running the design. Not thread-safe
 * for one *out; the design's own runs use cfg's threads.
 */
int mscsim_mde(const mscsim_config *cfg, const mscsim_mde_options *opt, mscsim_mde_result *out,
               mscsim_error *err);

/**
 * cfg with the key "section.key" set to value (written as the shortest decimal that reads
 * back to it), as the confirmation simulates it: the design that reproduces an answer.
 */
int mscsim_mde_apply(const mscsim_config *cfg, const char *key, double value,
                     mscsim_config *out, mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
