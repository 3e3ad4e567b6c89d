#ifndef MSCSIM_ANALYTIC_H
#define MSCSIM_ANALYTIC_H

/**
 * Analytic power: closed forms (and exact enumerations) of the power the simulator
 * estimates, for the designs where one exists, with the sample size they imply.
 *
 * Conventions shared with the analyses (analysis.h):
 * - the effect is msc minus control (mean difference delta, or p1 - p0), or a common odds
 *   ratio > 1 when msc is better;
 * - sides = 2 tests effect != 0 at level alpha, with both rejection tails counted (as R's
 *   power.t.test(strict = TRUE)); sides = 1 tests effect > 0 at level alpha;
 * - a test that cannot be computed counts as not rejecting, so the power of a size where
 *   the analysis always fails is 0 (an arm with fewer than 2 patients for the t tests, an
 *   empty arm for the tests of proportions and Whitehead's, n <= K + 2 for ANCOVA with K
 *   covariates);
 * - invalid parameters (NaN, sd <= 0, a probability outside [0, 1], alpha outside (0, 1),
 *   sides not 1 or 2, alpha / sides >= 1/2, negative sizes) give NaN.
 * Arm sizes n0 (control) and n1 (msc) are the analysed patients, except in the design
 * functions, where they are randomized and dropout applies.
 *
 * Every function is thread-safe and never prints. Only the exact enumerations and the
 * design functions that use them allocate (and free) memory.
 *
 * Formulas and references: sim/analytic.c; a config's design: sim/analytic_config.c, with
 * the hooks of the models and analyses; reference values: tests/ref/make_analytic_ref.R.
 */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/error.h"
#include "mscsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Seconds one exact design power may cost (mscsim_analytic_design_cost): beyond it the
 * approximation is used (chisq: Fleiss; rd_z: Wald; fisher: Fleiss with Yates' continuity
 * correction, which approximates it; welch: the Welch-Satterthwaite df of the true
 * variances; ancova: no covariate imbalance), so no formula costs more than a short
 * simulation. */
#define MSCSIM_ANALYTIC_BUDGET_SECONDS 0.05
/** Seconds the exact scan of mscsim_analytic_design_sample_size may cost before it doubles
 * and bisects like the other methods. */
#define MSCSIM_ANALYTIC_SCAN_SECONDS 0.5

/** Most categories an ordinal design can have (as the po analysis). */
#define MSCSIM_ANALYTIC_MAX_CATEGORIES 64

/**
 * A model's primary-visit outcome distribution in the model-neutral form the formulas
 * read (normal change per arm, P(event) per arm, or ordered categories with a common odds
 * ratio). Opaque: only the library's models fill it (mscsim_model_type.analytic) and only
 * its analyses read it (mscsim_analysis_type.analytic); the layout is private
 * (sim/analytic_impl.h).
 */
typedef struct mscsim_analytic_outcome mscsim_analytic_outcome;

/* ---- closed forms for analysed arm sizes ------------------------------------------- */

/**
 * Rejection probability of a t statistic that is noncentral t on df > 0 degrees of
 * freedom with noncentrality ncp: P(T > q) + P(T < -q) for sides = 2, P(T > q) for sides = 1,
 * q = qt(alpha / sides, df, upper) (Rmath pnt, the code of R's pt(ncp =)).
 */
double mscsim_analytic_nct_power(double ncp, double df, double alpha, int sides);

/**
 * Student's pooled t test (student): exact power for normal outcomes with a common sd,
 * noncentral t on n0 + n1 - 2 df with ncp = delta / (sd sqrt(1/n0 + 1/n1)). Equals R's
 * power.t.test(strict = TRUE) and pwr::pwr.t2n.test.
 */
double mscsim_analytic_student_power(long n0, long n1, double delta, double sd, double alpha,
                                     int sides);

/**
 * Welch's t test (welch), approximately: noncentral t with ncp = delta / sqrt(sd0^2/n0 +
 * sd1^2/n1) on the Welch-Satterthwaite df of the true variances. sd0 or sd1 (not both)
 * may be 0.
 */
double mscsim_analytic_welch_power(long n0, long n1, double delta, double sd0, double sd1,
                                   double alpha, int sides);

/**
 * ANCOVA with `covariates` covariates (ancova), approximately: noncentral t with
 * ncp = delta / (sd_residual sqrt(1/n0 + 1/n1)) on n0 + n1 - 2 - covariates df, i.e.
 * ignoring the chance imbalance of the covariates (it overstates power by O(1/n)).
 */
double mscsim_analytic_ancova_power(long n0, long n1, double delta, double sd_residual,
                                    int covariates, double alpha, int sides);

/**
 * Welch's t test (welch), exactly for normal outcomes: the expectation over the two sample
 * variances (s_a^2 ~ sd_a^2 chi^2_{n_a - 1} / (n_a - 1), independent of the means) of the
 * rejection probability given them, Phi((delta - c) / sigma) (+ Phi((-c - delta) / sigma)
 * for sides = 2), c = qt(alpha / sides, df_hat, upper) SE_hat, sigma^2 = sd0^2/n0 +
 * sd1^2/n1, df_hat the Welch-Satterthwaite df of the sample variances: a 2-D trapezoid
 * rule in the log variances (sim/analytic.c, METHOD), within 1e-9 of R's integrate().
 * About 2,000 to 40,000 nodes of ~1.5 us (more for arms under 10 patients). sd0 or sd1
 * (not both) may be 0. Same edge cases as mscsim_analytic_welch_power.
 */
double mscsim_analytic_welch_exact_power(long n0, long n1, double delta, double sd0,
                                         double sd1, double alpha, int sides);
/**
 * ANCOVA with `covariates` covariates (ancova), exactly when the covariates are jointly
 * normal with the same distribution in both arms (as randomization makes them): given the
 * covariates the arm t statistic is noncentral t on n0 + n1 - 2 - K df with
 * ncp = delta / (sd_residual sqrt((1/n0 + 1/n1)(1 + D' W^-1 D))), D' W^-1 D being the
 * covariate imbalance, K/(m - K + 1) F(K, m - K + 1) with m = n0 + n1 - 2 (Hotelling);
 * the power is its expectation over that F, by a trapezoid rule in log F (within 1e-9 of
 * R's integrate()). About 100 to 400 nodes of ~6 us. Same edge cases as
 * mscsim_analytic_ancova_power.
 */
double mscsim_analytic_ancova_exact_power(long n0, long n1, double delta, double sd_residual,
                                          int covariates, double alpha, int sides);
/**
 * Pearson's chi-square test without continuity correction (chisq), by the normal
 * approximation with the pooled variance under H0 and the unpooled one under H1 (Fleiss).
 */
double mscsim_analytic_fleiss_power(long n0, long n1, double p0, double p1, double alpha,
                                    int sides);

/** The risk-difference z test (rd_z) by the normal approximation with the unpooled SE. */
double mscsim_analytic_wald_power(long n0, long n1, double p0, double p1, double alpha,
                                  int sides);

/**
 * Whitehead's (1993) power of the proportional-odds test (po, po_lr): probs are the
 * control arm's `categories` (2..MSCSIM_ANALYTIC_MAX_CATEGORIES) category probabilities,
 * best category first, summing to 1 within 1e-9; odds_ratio (finite, > 0) is the common
 * odds ratio of a better category, msc vs control, under which the msc arm's probabilities
 * are computed. A large-sample, small-effect approximation.
 */
double mscsim_analytic_whitehead_power(long n0, long n1, const double *probs, int categories,
                                       double odds_ratio, double alpha, int sides);

/**
 * Exact power of the binary analysis called `analysis` ("chisq", "rd_z" or "fisher") with
 * n0 and n1 analysed patients: the sum over all tables of the two binomial probabilities
 * of the tables that analysis rejects, decided by the analysis itself (so ties and
 * failures are exactly as simulated). Binomial tails below 1e-15 are skipped (power off by
 * at most 4e-15). Work: about (16 sd0 + 1) (16 sd1 + 1) analyses, sd_a =
 * sqrt(n_a p_a (1 - p_a)); fisher costs ~1 us per table, the others ~30 ns (1.3 ms for
 * chisq and 0.14 s for fisher at 2000 + 2000).
 * Returns MSCSIM_OK and *power, MSCSIM_EINVAL for another analysis or invalid
 * parameters, MSCSIM_ENOMEM; err (may be NULL) says why.
 */
int mscsim_analytic_exact_binary_power(const char *analysis, long n0, long n1, double p0,
                                       double p1, double alpha, int sides, double *power,
                                       mscsim_error *err);

/* ---- designs: a method, its parameters and MCAR dropout ---------------------------- */

/** Which formula a design uses. */
typedef enum {
    MSCSIM_ANALYTIC_STUDENT = 0, /**< mscsim_analytic_student_power (exact). */
    MSCSIM_ANALYTIC_WELCH,       /**< mscsim_analytic_welch_power (approximate). */
    MSCSIM_ANALYTIC_ANCOVA,      /**< mscsim_analytic_ancova_power (approximate). */
    MSCSIM_ANALYTIC_FLEISS,      /**< chisq by the normal approximation. */
    MSCSIM_ANALYTIC_WALD,        /**< rd_z by the normal approximation. */
    MSCSIM_ANALYTIC_EXACT_CHISQ, /**< chisq by enumeration (exact). */
    MSCSIM_ANALYTIC_EXACT_RD_Z,  /**< rd_z by enumeration (exact). */
    MSCSIM_ANALYTIC_EXACT_FISHER, /**< fisher by enumeration (exact). */
    MSCSIM_ANALYTIC_WHITEHEAD,   /**< po and po_lr by Whitehead's formula (approximate). */
    MSCSIM_ANALYTIC_EXACT_WELCH, /**< mscsim_analytic_welch_exact_power (exact integral). */
    MSCSIM_ANALYTIC_EXACT_ANCOVA /**< mscsim_analytic_ancova_exact_power (exact integral). */
} mscsim_analytic_method;

/** A design whose power has a closed form. Fields a method does not use are ignored. */
typedef struct {
    mscsim_analytic_method method;
    double alpha;                 /**< Test level, 0 < alpha < 1. */
    int sides;                    /**< 2, or 1 (msc better). */
    double delta;                 /**< t tests: mean difference, msc - control. */
    /** t tests: the endpoint's sd per arm; student and ancova need sd[0] = sd[1] (for
     * ancova: the residual sd given the covariates). */
    double sd[MSCSIM_ARM_COUNT];
    int covariates;               /**< ancova: number of covariates K >= 1. */
    double p[MSCSIM_ARM_COUNT];   /**< Proportions: P(event) per arm. */
    double probs[MSCSIM_ANALYTIC_MAX_CATEGORIES]; /**< Whitehead: control, best first. */
    int categories;               /**< Whitehead: number of probs. */
    double odds_ratio;            /**< Whitehead: common odds ratio of a better category. */
    double dropout[MSCSIM_ARM_COUNT]; /**< MCAR probability of no outcome, [0, 1), per arm. */
} mscsim_analytic_design;

/**
 * Power of design d with n0 and n1 randomized patients. Without dropout it is the
 * method's power at (n0, n1). With dropout it is exact for MCAR dropout: the expectation
 * over the analysed sizes m_a ~ Binomial(n_a, 1 - dropout_a), i.e.
 *   sum over m0, m1 of P(m0) P(m1) power(m0, m1),
 * with binomial tails below 1e-15 skipped (power off by at most 4e-15). Work: the
 * method's cost (~2 us for the t tests, ~0.3 us for the other formulas) times about
 * (16 s0 + 1) (16 s1 + 1) pairs of sizes, s_a = sqrt(n_a d_a (1 - d_a)): 15 ms for t tests
 * at 500 + 500 with 10 % dropout, 85 ms at 2000 + 2000; impractical for the exact
 * enumerations beyond a few hundred patients (90 ms at 100 + 100). The exact methods
 * (enumerations and integrals) estimated above MSCSIM_ANALYTIC_BUDGET_SECONDS use their
 * approximation instead (mscsim_analytic_design_approximates). NaN for invalid parameters
 * or when memory runs out (exact methods).
 */
double mscsim_analytic_design_power(const mscsim_analytic_design *d, long n0, long n1);

/**
 * Estimated seconds mscsim_analytic_design_power takes for an exact method at (n0, n1) by
 * enumeration or integral (0 for the formulas): pairs of analysed sizes times tables
 * times a table's cost (about 1 us for fisher, 30 ns for chisq and rd_z), or times the
 * integral's quadrature nodes (about 1 us each).
 */
double mscsim_analytic_design_cost(const mscsim_analytic_design *d, long n0, long n1);

/** 1 when mscsim_analytic_design_power at (n0, n1) uses the normal approximation instead of
 * the exact method, its cost being above MSCSIM_ANALYTIC_BUDGET_SECONDS. */
int mscsim_analytic_design_approximates(const mscsim_analytic_design *d, long n0, long n1);

/** What mscsim_analytic_design_power computes for a design at given sizes. */
typedef enum {
    MSCSIM_ANALYTIC_FORMULA_EXACT = 0,     /**< An exact closed form (student). */
    MSCSIM_ANALYTIC_FORMULA_ENUMERATION,   /**< Exact enumeration of the tables. */
    MSCSIM_ANALYTIC_FORMULA_INTEGRAL,      /**< Exact integral (quadrature). */
    MSCSIM_ANALYTIC_FORMULA_COST_FALLBACK, /**< The approximation: the exact method would cost
                                                more than MSCSIM_ANALYTIC_BUDGET_SECONDS. */
    MSCSIM_ANALYTIC_FORMULA_APPROXIMATION  /**< An approximation: no exact method here. */
} mscsim_analytic_formula;
/** Which kind of formula the power of d at (n0, n1) randomized patients uses. */
mscsim_analytic_formula mscsim_analytic_design_formula(const mscsim_analytic_design *d,
                                                       long n0, long n1);
/**
 * One line naming the formula of d at (n0, n1) for a reader, into buf (len bytes,
 * NUL-terminated): "exact closed form", "exact enumeration", "exact integral", the
 * approximation's name, or "normal approximation: the exact enumeration would take at
 * least 0.9 s" when the cost bound applies.
 */
void mscsim_analytic_design_describe(const mscsim_analytic_design *d, long n0, long n1,
                                     char *buf, size_t len);
/**
 * Smallest total n = k (alloc_control + alloc_msc), in whole allocation blocks k >= 1,
 * whose design power (randomized arms k alloc_control and k alloc_msc) is at least target
 * (0 < target < 1), with n <= max_n.
 * - Formulas (every method but the exact ones): power grows with k, so the search
 *   doubles k until the target is reached, then bisects: O(log k) evaluations.
 * - Exact enumerations: power is not monotone in n (it saw-tooths with the discreteness of
 *   the tables), so k is scanned upward from 1 and the first k that reaches the target is
 *   returned; a larger k can fall below the target again. O(k) evaluations.
 * Returns MSCSIM_OK and *n_total; MSCSIM_ERANGE when no n <= max_n reaches the target;
 * MSCSIM_EINVAL for invalid arguments or a power that cannot be computed (NaN);
 * err (may be NULL) says why.
 */
int mscsim_analytic_design_sample_size(const mscsim_analytic_design *d, int alloc_control,
                                       int alloc_msc, double target, long max_n, long *n_total,
                                       mscsim_error *err);

/* ---- from a validated config -------------------------------------------------------- */

/**
 * The analytic design of analysis number `analysis` (0-based, in the order of
 * mscsim_config_analyses) of cfg, which must have passed mscsim_config_validate. Returns 1
 * and fills *out when the design has one, else 0 with a one-line reason in why (if not
 * NULL; why_len bytes, NUL-terminated). Which designs have one:
 * - normal model, no scale, endpoint change or final: student (common endpoint sd), welch
 *   (the exact integral), ancova (covariates including the baseline, common sd; residual sd
 *   sd sqrt(1 - rho^2); the exact integral when the baseline is the only covariate and is
 *   normal and untruncated, else the approximation).
 *   A final endpoint, or a change with rho != 0, needs a normal baseline distribution (or a
 *   fixed one for final) that no NIHSS eligibility window truncates through severity_corr;
 *   the final endpoint's sd is sqrt(sd_b^2 + 2 rho sd sd_b + sd^2);
 * - binary model: chisq, rd_z and fisher (exact enumerations; fisher only without
 *   dropout), po
 *   and po_lr (Whitehead, two categories);
 * - ordinal model: po and po_lr on the final mRS (Whitehead with [control] probs and [msc]
 *   odds_ratio: the model is exactly proportional odds, whatever latent_corr); a responder
 *   on the final mRS with chisq, rd_z, fisher, po or po_lr as for the binary model.
 * Never: other models or analyses, [msc] effect_slope != 0, deaths, [analysis] missing =
 * mi, and dropout that is not MCAR or is not analysed as complete cases.
 */
int mscsim_analytic_design_from_config(const mscsim_config *cfg, int analysis,
                                       mscsim_analytic_design *out, char *why, size_t why_len);

/**
 * Analytic power of analysis number `analysis` of cfg at n_total randomized patients
 * (split by mscsim_config_arm_sizes), with cfg's MCAR dropout; NaN when the design has no
 * analytic power (mscsim_analytic_design_from_config) or n_total < 0. Takes microseconds
 * without dropout, up to ~0.1 s with dropout at a few thousand patients (see
 * mscsim_analytic_design_power), and 0.15 s for fisher at 4000 patients.
 */
double mscsim_analytic_power(const mscsim_config *cfg, int analysis, long n_total);

/**
 * mscsim_analytic_design_sample_size for analysis number `analysis` of cfg, in the
 * allocation blocks of mscsim_config_block (those the simulation search uses); MSCSIM_EINVAL (with the reason in err) when it has no analytic power.
 * With [interim] looks, that fixed design's n times the looks' inflation factor at target
 * (mscsim_interim_inflation_factor), rounded up to whole blocks: rpact's maximum n.
 */
int mscsim_analytic_sample_size(const mscsim_config *cfg, int analysis, double target,
                                long max_n, long *n_total, mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
