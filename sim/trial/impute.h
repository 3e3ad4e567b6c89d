#ifndef SIM_IMPUTE_H
#define SIM_IMPUTE_H
/*
 * Private to sim/ (and tests/test_impute.c): multiple imputation of monotone missing
 * visit scores by sequential Bayesian linear regression, and Rubin's rules. Method,
 * numerics and references: sim/trial/impute.c.
 *
 * Data layout shared by every function below: n patients, `visits` visits per patient.
 *   baseline[i]                 baseline score of patient i (always observed);
 *   score[i * visits + v]       score of patient i at visit v (patient-major);
 *   observed[i * visits + v]    nonzero when that score is observed, 0 when missing.
 * Visit v's imputation model regresses score[., v] on p = 2 + v coefficients: an
 * intercept, the baseline and the scores at visits 0..v-1, in that order.
 *
 * All functions are thread-safe as long as each thread has its own rng and work; none
 * allocates or keeps state.
 */

#include <stddef.h>

#include "mscsim/rng.h"

/*
 * Number of doubles of scratch that sim_impute_monotone (and the fit/draw helpers)
 * need for n patients and `visits` visits: visits^2 + 5 visits + n (visits + 1). It is
 * nondecreasing in both arguments, so one buffer sized for the largest trial serves every
 * smaller call. 0 when visits < 1. The caller owns the buffer.
 */
size_t sim_impute_work_size(size_t n, int visits);

/*
 * Proper multiple imputation (one draw) of a monotone missing pattern, by sequential
 * Bayesian linear regression (Rubin 1987; van Buuren, Flexible Imputation of Missing Data,
 * 2nd ed., sec. 3.2 "Bayesian linear regression", algorithm 3.1). For v = 0..last, among
 * the patients observed at v, regress score[., v] on an intercept, baseline[.] and
 * score[., 0..v-1]; draw sigma^2 = SSE / chi^2(n_obs - p) and
 * beta ~ N(beta_hat, sigma^2 (X'X)^-1); fill each unobserved score[i, v] with
 * x_i' beta + sigma N(0, 1), where x_i holds patient i's earlier visits, observed or
 * imputed at an earlier step.
 *
 * DRAW ORDER (fixed; reproducible from rng): per imputed visit, one chi-square
 * (mscsim_rchisq), then p standard normals z for beta (intercept first), where
 * beta = beta_hat + sigma L^-T z with X'X = L L^T (Cholesky), then one standard normal
 * per missing patient in patient order. A visit with no missing score draws nothing and
 * is not fitted (nothing to impute; its observed-patient count is then not checked).
 *
 * Arguments: observed has the shape of score. Only visits 0..last (0 <= last < visits)
 * are imputed. Patterns must be monotone over all visits (once missing, missing at every
 * later visit). Every baseline and every observed score at visits 0..last must be finite;
 * unobserved cells may hold anything (NaN included). work has
 * sim_impute_work_size(n, visits) doubles. n = 0 is valid (nothing to do).
 *
 * Writes only unobserved cells of score at visits 0..last; never allocates.
 * Returns MSCSIM_OK; MSCSIM_EINVAL (nothing written) for NULL pointers, visits < 1, last
 * outside [0, visits), a non-monotone pattern or non-finite data; MSCSIM_ERANGE when a
 * visit to impute has too few observed patients (n_obs < p + 2) or a singular design (a
 * predictor within lm's rank tolerance 1e-7 of the span of the earlier ones): visits
 * before it are imputed, it and later visits are left unchanged, and the caller counts
 * the trial as failed.
 */
int sim_impute_monotone(const double *baseline, double *score, const unsigned char *observed,
                           size_t n, int visits, int last, mscsim_rng *rng, double *work);

/*
 * The least-squares fit of visit v's imputation model alone (deterministic; exposed for
 * the tests against R's lm): beta_hat[0..p-1] (p = 2 + v; intercept, baseline, visits
 * 0..v-1), sigma_hat = sqrt(SSE / (n_obs - p)) and n_obs (any may be NULL). It uses the
 * patients observed at v, whose predictors must be observed (or already filled in).
 * Returns MSCSIM_OK, MSCSIM_EINVAL for bad arguments (v outside [0, visits), NULL data)
 * or MSCSIM_ERANGE as sim_impute_monotone; outputs are untouched unless MSCSIM_OK.
 */
int sim_impute_fit(const double *baseline, const double *score, const unsigned char *observed,
                      size_t n, int visits, int v, double *work, double *beta_hat,
                      double *sigma_hat, size_t *n_obs);

/*
 * One posterior draw of visit v's model parameters, as sim_impute_monotone makes it
 * (the fit, the chi-square, then p normals): beta[0..p-1] in the parametrisation of
 * sim_impute_fit and sigma (either may be NULL). Exposed for the distribution tests.
 * Status codes as sim_impute_fit; draws nothing unless MSCSIM_OK.
 */
int sim_impute_draw(const double *baseline, const double *score, const unsigned char *observed,
                       size_t n, int visits, int v, mscsim_rng *rng, double *work, double *beta,
                       double *sigma);

/*
 * REFERENCE-BASED IMPUTATION (sim/trial/impute_reference.c; Carpenter, Roger & Kenward
 * 2013). One arm's joint normal model of visits 0..last given the baseline b: mean
 * m0[v] + m1[v] b, covariance sigma (visits x visits over 0..last, row-major, stride
 * SIM_IMPUTE_MAX_VISITS), composed from the sequential regressions of sim_impute_fit /
 * sim_impute_draw (visit v on an intercept, b and visits 0..v-1): with y = c + B y + e,
 * mean = (I - B)^-1 (intercept + slope b), sigma = (I - B)^-1 D (I - B)^-T, D the residual
 * variances. Under a monotone pattern the sequential draws are a draw of these parameters
 * from their posterior (the factored likelihood; Little & Rubin 2002, ch. 7).
 */
#define SIM_IMPUTE_MAX_VISITS 16
typedef struct {
    int visits; /* last + 1 */
    double m0[SIM_IMPUTE_MAX_VISITS], m1[SIM_IMPUTE_MAX_VISITS];
    double sigma[SIM_IMPUTE_MAX_VISITS * SIM_IMPUTE_MAX_VISITS];
} sim_impute_mvn;

/* One arm's model: the estimates (beta_hat, sigma_hat; rng NULL) or one posterior draw
 * (rng: the draws of sim_impute_draw, visit by visit). Every visit 0..last is fitted (a
 * visit without missing scores too: the other arm may need it). Status codes as
 * sim_impute_fit; *out is complete only on MSCSIM_OK. */
int sim_impute_mvn_fit(const double *baseline, const double *score,
                       const unsigned char *observed, size_t n, int visits, int last,
                       mscsim_rng *rng, double *work, sim_impute_mvn *out);

/*
 * The distribution of a patient's missing visits k..last given the observed 0..k-1 (x[0..k-1])
 * and the baseline b, under method (mscsim_mi_method) for a patient of the arm whose model is
 * own, the control arm's being ref (the control arm itself: pass method MAR). With
 * mu the mean the method assigns and S the covariance it uses:
 *   MAR    mu = own mean, S = own sigma;
 *   J2R    mu = own mean at 0..k-1, ref mean at k..last;   S = ref sigma;
 *   CR     mu = ref mean everywhere;                        S = ref sigma;
 *   CIR    mu = own at 0..k-1, own[k-1] + ref[t] - ref[k-1] at t >= k (ref when k = 0);
 *          S = ref sigma;
 * mean = mu_M + S_MO S_OO^-1 (x - mu_O), cov = S_MM - S_MO S_OO^-1 S_OM (M = k..last, O =
 * 0..k-1). For J2R and CIR this is the conditional of Carpenter et al.'s joint covariance,
 * whose precision takes the reference's blocks for the post-deviation visits and keeps the
 * own arm's marginal covariance before (section 4.3): the two coincide. mean has last + 1 - k
 * entries, cov (last + 1 - k)^2 (row-major). Returns 0 when S_OO is not positive definite.
 */
int sim_impute_conditional(int method, const sim_impute_mvn *own, const sim_impute_mvn *ref,
                           double b, const double *x, int k, double *mean, double *cov);

/*
 * One reference-based imputation of both arms (arm 0 control, the reference; arm 1 msc)
 * of a monotone pattern, visits 0..last, in place in score[a] (layout as above, n[a]
 * patients). Draw order: the control model (sim_impute_mvn_fit with rng), the msc model,
 * then per arm, per patient with a missing visit at or before last, one standard normal per
 * missing visit k..last (cond. mean + L z, L the Cholesky factor of cov). Control patients
 * are imputed under MAR whatever the method. work: sim_impute_work_size(max n, visits)
 * doubles. Returns MSCSIM_OK, MSCSIM_EINVAL for bad arguments or a pattern that is not
 * monotone, MSCSIM_ERANGE as sim_impute_monotone (a visit of either arm that cannot be fitted,
 * or a conditional covariance that is not positive definite).
 */
int sim_impute_reference(int method, const double *const baseline[2], double *const score[2],
                         const unsigned char *const observed[2], const size_t n[2], int visits,
                         int last, mscsim_rng *rng, double *work);

/*
 * Rubin's rules for m >= 2 completed-data estimates est[] with variances var[] (squared
 * SEs, >= 0) and complete-data degrees of freedom df_com > 0 (INFINITY for normal-theory
 * estimates). Sets the pooled estimate qbar = mean(est), the total variance
 * T = ubar + (1 + 1/m) b (ubar = mean(var), b = sample variance of est) and the
 * Barnard-Rubin (1999) degrees of freedom df = 1 / (1/nu_old + 1/nu_obs) with
 * lambda = (1 + 1/m) b / T, nu_old = (m - 1) / lambda^2,
 * nu_obs = (df_com + 1) / (df_com + 3) df_com (1 - lambda) (as mice::pool, without its
 * floor lambda >= 1e-4); for df_com = INFINITY the classic Rubin
 * nu = nu_old = (m - 1) (1 + ubar / ((1 + 1/m) b))^2. b = 0 gives df = df_com. The
 * combination never exceeds min(nu_old, nu_obs). Invalid input (m < 2, a non-finite
 * estimate, a negative or NaN variance, df_com <= 0 or NaN) sets all three to NaN.
 * Output pointers must not be NULL.
 */
void sim_rubin_pool(const double *est, const double *var, int m, double df_com,
                       double *qbar, double *total_var, double *df);

#endif
