#ifndef MSCSIM_POSTERIOR_H
#define MSCSIM_POSTERIOR_H

/**
 * Posterior probabilities that an effect exceeds a threshold, for Bayesian decision rules
 * (success when P(effect > threshold | data) reaches a probability).
 *
 * Thread-safe, never prints, allocates nothing.
 */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Normal approximation with a conjugate normal prior: the likelihood of the effect is
 * N(estimate, se^2) (the analysis' estimate and standard error), the prior N(prior_mean,
 * prior_sd^2), prior_sd = INFINITY for a flat prior (posterior N(estimate, se^2)). Returns
 * P(effect > threshold | data); NaN when se is not positive and finite or prior_sd is not
 * positive.
 */
double mscsim_posterior_normal_exceeds(double estimate, double se, double prior_mean,
                                       double prior_sd, double threshold);

/**
 * Exact posterior of a risk difference: independent Beta(a[k], b[k]) priors on the event
 * probabilities of control (k = 0) and msc (k = 1), x[k] events among n[k] patients, so the
 * posteriors are Beta(a[k] + x[k], b[k] + n[k] - x[k]). Returns P(p_msc - p_control >
 * threshold | data), threshold in (-1, 1), by tanh-sinh integration of f_control(u) P(p_msc > u +
 * threshold) over the control posterior (within 1e-8 of R's integration in the tests); NaN for invalid arguments (a, b <= 0, x outside [0, n]).
 */
double mscsim_posterior_rd_exceeds(const double a[2], const double b[2], const long n[2],
                                   const long x[2], double threshold);

/**
 * A final analysis' success rule, for predictive probabilities at an interim look. Success
 * is either the test (final_z finite: the final estimate / se >= final_z) or, with final_z
 * NaN, the posterior criteria P(effect > threshold | data) >= probability and, with a
 * finite mcid, P(effect > mcid | data) >= mcid_probability, under the analysis prior
 * N(prior_mean, prior_sd^2) (prior_sd = INFINITY: flat) for mscsim_predictive_normal or
 * the beta priors given to mscsim_predictive_rd.
 */
typedef struct {
    double final_z;          /**< The final z bound of the test; NaN: the posterior criteria. */
    double prior_mean;       /**< Normal analysis prior: mean (ignored when flat). */
    double prior_sd;         /**< Its sd, > 0; INFINITY for a flat prior. */
    double threshold;        /**< Posterior criterion: the effect must exceed threshold ... */
    double probability;      /**< ... with this posterior probability, in (0, 1). */
    double mcid;             /**< Second criterion's threshold; -INFINITY: none. */
    double mcid_probability; /**< Its probability, in (0, 1). */
} mscsim_final_rule;

/**
 * Predictive probability that the final analysis succeeds by rule, given an interim
 * estimate and standard error se at information fraction `fraction` in (0, 1), in the
 * normal approximation: the final estimate given the interim one and the effect theta is
 * normal, mean fraction * estimate + (1 - fraction) theta, variance (1 - fraction)
 * fraction se^2 (the final SE being se sqrt(fraction)), and theta has the current
 * conjugate posterior; success is the final estimate reaching the bound its rule implies,
 * so the probability is one normal tail. Returns NaN when se is not positive and finite,
 * fraction is outside (0, 1) or a probability outside (0, 1). Thread-safe.
 */
double mscsim_predictive_normal(const mscsim_final_rule *rule, double estimate, double se,
                                double fraction);

/**
 * Predictive probability of final success for a binary endpoint with independent
 * Beta(a[k], b[k]) priors on the arms' event probabilities (control k = 0, msc k = 1): x[k]
 * events among n[k] patients so far, more[k] patients to come, whose events y[k] are
 * beta-binomial under the current posterior. Exact: the sum over all future counts of
 * their probability times the indicator that the posterior criteria of rule (final_z must
 * be NaN) hold at x + y of n + more (mscsim_posterior_rd_exceeds), using that success
 * grows with y[1] and falls with y[0], so O(more[0] + more[1]) posterior integrals are
 * taken. NaN for invalid arguments. Thread-safe, allocates nothing.
 */
double mscsim_predictive_rd(const mscsim_final_rule *rule, const double a[2], const double b[2],
                            const long n[2], const long x[2], const long more[2]);

#ifdef __cplusplus
}
#endif
#endif
