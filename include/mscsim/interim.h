#ifndef MSCSIM_INTERIM_H
#define MSCSIM_INTERIM_H

/**
 * Interim looks of a group-sequential design ([interim] looks, efficacy, futility,
 * binding, pipeline, beta) and the accrual that times them ([trial] accrual_per_month,
 * accrual_ramp_months).
 *
 * A trial is simulated once at its full size; look k analyses the first m_k patients
 * randomized, m_k = round(t_k n) (never below one per arm), whose primary outcome (observed,
 * or definitively missing) is known by then. With accrual, patient j (1-based) is
 * randomized at the calendar month where the cumulative accrual reaches j (a linear ramp to
 * accrual_per_month over accrual_ramp_months, then the full rate: deterministic, as rpact's
 * accrual intensities), and is known primary_visit days later; look k happens when patient
 * m_k is known. The configured analysis runs on each prefix; its one-sided p-value p gives
 * z = qnorm(1 - p), compared with the boundaries of mscsim_interim_bounds.
 *
 * Every function is thread-safe and never prints.
 */

#include "mscsim/error.h"
#include "mscsim/gsd.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mscsim_config;

/** A stopping rule's kind: the spending families of gsd.h, or conditional power. */
typedef enum {
    MSCSIM_RULE_NONE = MSCSIM_SPENDING_NONE,
    MSCSIM_RULE_OBRIEN_FLEMING = MSCSIM_SPENDING_OBRIEN_FLEMING,
    MSCSIM_RULE_POCOCK = MSCSIM_SPENDING_POCOCK,
    MSCSIM_RULE_HSD = MSCSIM_SPENDING_HSD,
    MSCSIM_RULE_CONDITIONAL_POWER, /**< Futility when conditional power under the current
                                        estimate is below param (futility only). */
    MSCSIM_RULE_POSTERIOR,  /**< Bayesian: P(effect > [decision] threshold | data) under the
                                 [decision] prior, efficacy when >= param (and the mcid
                                 criterion), futility when below param. */
    MSCSIM_RULE_PREDICTIVE  /**< Bayesian: the predictive probability that the final analysis
                                 succeeds by its rule, efficacy when >= param, futility when
                                 below param. */
} mscsim_rule_kind;

/** [interim] efficacy or futility: "none", "obrien_fleming", "pocock", "hsd(gamma)" with
 * gamma in [-10, 10], (futility) "conditional_power(c)" with c in (0, 1), or the Bayesian
 * "posterior(q)" and "predictive(q)" with q in (0, 1). */
typedef struct {
    mscsim_rule_kind kind;
    double param; /**< hsd: gamma; conditional_power: c; posterior, predictive: q; else 0. */
} mscsim_stopping_rule;

/** [interim] pipeline: what the analysis after an early stop does with patients randomized
 * but not yet at their primary visit. */
typedef enum {
    MSCSIM_PIPELINE_IGNORE = 0, /**< The decision and estimate are those of the look. */
    MSCSIM_PIPELINE_ANALYSE     /**< The estimate includes them, once followed up. */
} mscsim_pipeline_rule;

/**
 * The boundaries of cfg's design (validated, with [interim] looks set) on its planned
 * information fractions: Lan-DeMets alpha spending at [trial] alpha and sides, beta
 * spending at [interim] beta (mscsim_gsd_bounds_compute), or for conditional_power(c)
 * futility the z below which conditional power under the current trend is below c:
 * sqrt(t) (c_K - sqrt(1 - t) qnorm(1 - c)), c_K the final efficacy bound (non-binding).
 * A Bayesian rule (posterior, predictive) spends nothing; its bound is the z it implies for
 * the normal approximation where that z does not depend on the data (a flat [decision]
 * prior and zero thresholds), NaN otherwise, and the cumulative alpha of a design whose
 * efficacy is Bayesian (or decided by [decision] rule = posterior) is NaN.
 * Returns MSCSIM_OK or MSCSIM_EINVAL (err says why).
 */
int mscsim_interim_bounds(const struct mscsim_config *cfg, mscsim_gsd_bounds *out,
                          mscsim_error *err);

/** Calendar plan of one look for one total n. */
typedef struct {
    long analysed_total;   /**< m_k: patients whose primary outcome is known at the look. */
    long analysed_arm[2];  /**< Of them, per arm (control, msc). */
    long randomized;       /**< Patients randomized by the look (m_k without accrual). */
    double month;          /**< Calendar month of the look from the first randomization
                                (NaN without accrual). */
} mscsim_look_plan;

/**
 * The plan of every look of cfg's design at total n: look k's prefix, randomized patients
 * and month. Returns the number of looks (0 for a fixed design).
 */
int mscsim_interim_plan(const struct mscsim_config *cfg, long n,
                        mscsim_look_plan plan[MSCSIM_MAX_LOOKS]);

/** Calendar month at which the trial's last patient is known (the fixed design's
 * duration): NaN without accrual. */
double mscsim_interim_final_month(const struct mscsim_config *cfg, long n);

/**
 * Power of cfg's design with looks by the canonical joint distribution, for analyses with
 * a normal-theory formula (student, welch, ancova: drift delta / sqrt(sd0^2/m0 + sd1^2/m1),
 * m_a the expected analysed patients per arm): the formula rpact uses
 * (getPowerMeans, normalApproximation = TRUE). NaN for other analyses.
 */
double mscsim_interim_analytic_power(const struct mscsim_config *cfg, int analysis,
                                     long n_total);

/**
 * The inflation factor of cfg's design with looks at power target in (0, 1)
 * (mscsim_gsd_inflation_factor of mscsim_interim_bounds): the maximum n reaching target is
 * about the fixed design's n times it. NaN when cfg has no looks or its bounds cannot reach
 * target.
 */
double mscsim_interim_inflation_factor(const struct mscsim_config *cfg, double target);

#ifdef __cplusplus
}
#endif
#endif
