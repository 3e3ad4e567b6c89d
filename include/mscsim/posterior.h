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

#ifdef __cplusplus
}
#endif
#endif
