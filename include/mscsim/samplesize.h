#ifndef MSCSIM_SAMPLESIZE_H
#define MSCSIM_SAMPLESIZE_H

/**
 * The smallest total sample size whose simulated power reaches a target.
 *
 * Candidates are whole allocation blocks (multiples of 3 for 1:2). The search simulates
 * trial r of every candidate from one stream, so a smaller trial is the first patients of a
 * larger one (common random numbers, mscsim_rng_substream): the power estimates of
 * neighbouring candidates share most of their noise and the bisection is not thrown off by
 * it. The answer is then confirmed with independent trials, the same ones `mscsim run`
 * simulates at that n, at n and at n minus one block, with enough replicates that one
 * block's gain in power is 4 Monte Carlo SEs (see mscsim_ss_confirm_reps); if the
 * confirmation disagrees with the search, it steps one block at a time until it agrees.
 */

#include "mscsim/config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSCSIM_SS_MAX_EVALS 96        /**< Evaluations recorded in a search trace. */
#define MSCSIM_SS_MAX_N 200000L       /**< Largest total n the search tries. */
#define MSCSIM_SS_MAX_CONFIRM_REPS 1000000L /**< Cap on the confirmation's replicates. */

typedef enum { MSCSIM_SS_SEARCH = 0, MSCSIM_SS_CONFIRM } mscsim_ss_stage;

/** One simulated candidate. */
typedef struct {
    mscsim_ss_stage stage;
    long n_total, n_control, n_msc;
    long reps, rejections;
    double power, power_lo, power_hi; /**< With its 95 % Wilson interval. */
    double expected_n;  /**< Mean patients randomized (below n_total with [interim] looks). */
} mscsim_ss_eval;

typedef struct {
    double target;      /**< Power to reach, in (0, 1). */
    int analysis;       /**< Which of the config's analyses decides (0 = the first). */
    long start_n;       /**< First candidate (e.g. the analytic answer); 0 = cfg's first n. */
    long search_reps;   /**< Replicates per search candidate; 0 = [simulation] reps. */
    long confirm_reps;  /**< Replicates per confirmation; 0 = chosen by mscsim_ss_confirm_reps. */
    /** Called between chunks: trials simulated in all and for the running candidate. */
    void (*on_progress)(void *user, long trials, long in_candidate, const mscsim_ss_eval *running);
    void *user;
} mscsim_ss_options;

typedef struct {
    long n_total, n_control, n_msc; /**< The answer. */
    long block;                     /**< Patients per allocation block. */
    mscsim_ss_eval at;              /**< Confirmation at the answer. */
    mscsim_ss_eval below;           /**< Confirmation one block below (reps 0 when impossible). */
    double gain_per_block;          /**< Search power gained by the last block. */
    long confirm_reps;              /**< Replicates per confirmation. */
    long trials;                    /**< Trials simulated in all. */
    mscsim_ss_eval trace[MSCSIM_SS_MAX_EVALS]; /**< Every evaluation, in order. */
    int trace_count;
} mscsim_ss_result;

/**
 * Replicates for the confirmation: R = 16 t (1 - t) / gain^2, so the power gained over one
 * block (gain, from the search) is 4 Monte Carlo SEs at the target t; at least min_reps and
 * at most MSCSIM_SS_MAX_CONFIRM_REPS.
 */
long mscsim_ss_confirm_reps(double target, double gain, long min_reps);

/** Runs the search for cfg (its n list is ignored). */
int mscsim_samplesize(const mscsim_config *cfg, const mscsim_ss_options *opt,
                      mscsim_ss_result *out, mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
