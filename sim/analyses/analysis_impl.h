#ifndef SIM_ANALYSIS_IMPL_H
#define SIM_ANALYSIS_IMPL_H
/*
 * Private to sim/analyses/ (and the longitudinal fits, the interim looks and the tests of
 * the analyses): the settings struct behind the opaque mscsim_analysis_settings handle and
 * the decision helpers every analysis shares.
 *
 * DECISION RULE (all analyses): reject when p < alpha, strictly, with p computed as R
 * computes it (the p functions below). A statistic whose p-value equals alpha is not
 * rejected. Decisions never depend on want_p: the same rule is evaluated, usually without
 * computing p, from tabulated quantiles.
 *
 * CRITICAL-VALUE TABLES. A per-trial Rmath qt costs ~550 ns and pt ~160 ns, about as much
 * as simulating the trial, so settings_new tabulates, for integer df k = 1..max_df:
 *   crit[k]    qt(alpha / sides, k, upper), the test's critical value;
 *   ci_q[k]    qt((1 + conf_level) / 2, k), the confidence-interval quantile, computed as
 *              qt((1 - conf_level) / 2, k, upper) (no rounding of 1 + conf) and exactly as
 *              sim_analysis_ci_quantile computes it for untabulated df, so tabulated and
 *              directly computed intervals are identical.
 * A statistic clearly beyond or below crit[k] (by more than 1024 eps max(|crit[k]|, 1)) is decided
 * at once; in the thin band around it, p is computed and compared with alpha, because a
 * floating-point p-value is not exactly monotone within a few ulps of the boundary. For a
 * non-integer df nu (Welch) the quantile is monotone in nu, so
 * q(ceil nu) <= q(nu) <= q(floor nu) (min/max also cover negative quantiles); beyond
 * max_df the bracket is [normal quantile, q(max_df)]. A statistic outside the widened
 * bracket is decided at once, inside it (rare: the bracket is narrow) by pt. Intervals
 * (mscsim_analysis_covers) use the same bracket on ci_q and call qt only inside it.
 * Details and references: settings.c.
 */

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "mscsim/analysis.h"
#include "registry.h" /* the analysis types */

/* Tables are never built beyond this many df: 2 x 8 bytes x 1e5 = 1.6 MB and ~70 ms of
 * qt calls at set-up. Larger df still decide exactly through the normal bracket, whose
 * width there is below 1e-5 (q(k) - z ~ (z^3 + z) / (4k), Abramowitz & Stegun 26.7.5). It also
 * keeps every tabulated df far below 4e5, where Rmath's pt switches to a normal
 * approximation (nmath/pt.c) and monotonicity in df is only approximate. */
#define SIM_ANALYSIS_MAX_DF_TABLE ((size_t)100000)

/* Half-width of the band around a tabulated quantile q (or bracket end) inside which the
 * p-value is computed, relative to max(|q|, 1). It must exceed the rounding of Rmath's qt
 * and pt expressed on the statistic's scale. p-values are accurate to a few ulps; for
 * |t| >= 1 the elasticity |d log p / d log t| = |t| f(t) / p is >= 0.5 for every t
 * distribution (0.64 at t = 1 on 1 df, growing with t and df), and for |t| < 1 the
 * absolute band moves p by >= f(1) x 1024 eps >= 160 eps. Either way p moves by far more
 * than its rounding across the band. It costs one pt call when hit (probability ~1e-12 per
 * trial). tests/test_analysis.c probes both of its edges. */
#define SIM_ANALYSIS_BRACKET_MARGIN (1024.0 * DBL_EPSILON)

struct mscsim_analysis_settings {
    double alpha;      /* Test level, 0 < alpha < 1. */
    int sides;         /* 1: H1 effect > 0; 2: effect != 0. */
    double conf_level; /* Two-sided CI level, 0 < conf_level < 1. */
    int want_p;        /* 1: every analysis fills p_value. */
    int defer_t_p;     /* 1: t statistics leave p_value NaN (sim_analysis_settings_defer_t_p). */
    int defer_t_reject; /* 1: t statistics leave reject 0 (sim_analysis_settings_defer_t_reject). */
    size_t max_df;     /* Tables hold k = 1..max_df (index 0 unused). */
    double *crit;      /* crit[k] = qt(alpha / sides, k, upper). */
    double *ci_q;      /* ci_q[k] = qt((1 - conf_level) / 2, k, upper). */
    double z_crit;     /* qnorm(alpha / sides, upper). */
    double z_ci;       /* qnorm((1 - conf_level) / 2, upper). */
    double chisq_crit; /* qchisq(alpha, 1, upper). */
};

/* p-value of a t statistic on df degrees of freedom (df may be INFINITY), as R's t.test
 * computes it: 2 pt(-|t|, df) for sides = 2, pt(t, df, upper) for sides = 1. */
double sim_analysis_t_pvalue(double t, double df, int sides);

/* 1 when a t statistic on df degrees of freedom (df >= 1 or INFINITY, not NaN) rejects,
 * i.e. when sim_analysis_t_pvalue(t, df, sides) < alpha; usually without calling pt. */
int sim_analysis_t_reject(const mscsim_analysis_settings *s, double t, double df);

/* 1 when a chi-square statistic on 1 df rejects: pchisq(x2, 1, upper) < alpha, usually
 * without calling pchisq. */
int sim_analysis_chisq1_reject(const mscsim_analysis_settings *s, double x2);

/* The CI quantile for df: the table for integer df <= max_df, z_ci for infinite df, else
 * qt((1 + conf_level) / 2, df). mscsim_analysis_ci uses exactly this value. */
double sim_analysis_ci_quantile(const mscsim_analysis_settings *s, double df);

/* Fills result for a t statistic: statistic, df, reject and (if wanted and not deferred)
 * p_value; the caller has already set estimate and se. */
void sim_analysis_t_finish(const mscsim_analysis_settings *s, double t, double df,
                              mscsim_analysis_result *result);

/* With want_p, makes the t statistics (sim_analysis_t_finish, so also
 * mscsim_analysis_decide_t) leave p_value NaN while every other p-value is filled: their p
 * is sim_analysis_t_pvalue(statistic, df, sides), which the interim looks compare with
 * their bounds through tabulated quantiles instead (sim/interim/looks.c), saving a pt per
 * look. A result with a NaN p_value and a statistic is then a t result. */
void sim_analysis_settings_defer_t_p(mscsim_analysis_settings *s);

/* Makes the t statistics leave reject 0: with interim looks each look decides against its
 * own bound and overwrites every reject at the stopping look (sim/interim/looks.c), so the
 * analyses' test at alpha would be a bracket evaluated for nothing at every look. */
void sim_analysis_settings_defer_t_reject(mscsim_analysis_settings *s);

/* Marks result failed: reject 0, every number NaN. */
void sim_analysis_fail(mscsim_analysis_result *result);

/* The t tests' "essentially constant" rule, as t.test's: an SE that is not positive, or
 * below 10 eps times the larger arm mean, is rounding noise and the analysis fails. */
static inline int sim_analysis_se_degenerate(const mscsim_trial_data *data, double se)
{
    /* fmax(a, b), NaN included, without its libm call. */
    double a = fabs(data->arm[MSCSIM_ARM_CONTROL].mean_y);
    double b = fabs(data->arm[MSCSIM_ARM_MSC].mean_y);
    double scale = a > b || isnan(b) ? a : b;
    return !(se > 0.0) || se < 10.0 * DBL_EPSILON * scale;
}

/* Completes a t test of the arms whose estimate has standard error se on df degrees of
 * freedom: fails result by the essentially-constant rule above, else fills estimate, se
 * and the decision (sim_analysis_t_finish). */
void sim_analysis_t_test(const mscsim_trial_data *data, const mscsim_analysis_settings *s,
                         double estimate, double se, double df,
                         mscsim_analysis_result *result);

/* For the binary analyses: reads the event counts of both arms from the sufficient
 * statistics. Returns 0 and fails result when an arm is empty or its sum_y is not an
 * integer in [0, n], i.e. the endpoint was not 0/1. Counts are exact in double below 2^53. */
int sim_analysis_binary_counts(const mscsim_trial_data *data, double n[2], double x[2],
                               mscsim_analysis_result *result);

/* Risk difference p1 - p0 with the unpooled Wald SE sqrt(p1 q1 / n1 + p0 q0 / n0) and
 * df = INFINITY, into result (both arms non-empty). */
void sim_analysis_risk_difference(const double n[2], const double x[2],
                                     mscsim_analysis_result *result);

/* The proportional-odds fit behind po and po_lr, for the tests (the analysis result has no
 * room for the cutpoints). Returns 1 and fills the number of categories *k, the *k - 1
 * cutpoints (zeta needs room for 63), beta, its SE, the maximised log-likelihood and the LR
 * statistic; returns 0 where the analyses fail. */
int sim_analysis_po_fit(const mscsim_trial_data *data, int *k, double *zeta, double *beta,
                           double *se, double *loglik, double *lr);

/* The Wilcoxon-Mann-Whitney analysis shared by wilcoxon and worst_rank (worst_rank = 1 ranks
 * deaths below every survivor); wilcoxon.c. */
void sim_analysis_rank_sum(const mscsim_trial_data *data, int worst_rank,
                              const mscsim_analysis_settings *settings,
                              mscsim_analysis_result *result);

#endif
