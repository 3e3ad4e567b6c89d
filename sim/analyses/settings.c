/*
 * Analysis settings, p-values and the exact critical-value bracket shared by all analyses.
 *
 * DESCRIPTION
 *   mscsim_analysis_settings_new tabulates, once per design, the t decision boundaries and
 *   the confidence-interval quantiles for integer degrees of freedom, so that the per-trial
 *   decision (reject, covers) is a comparison instead of an Rmath qt/pt call. The method
 *   and the tie convention (reject when p < alpha) are described in analysis_impl.h.
 *
 * METHOD
 *   A p-value computed in floating point is not exactly monotone in the statistic: within
 *   a few ulps of the critical value, pt can round to either side of alpha more than once,
 *   so no single threshold reproduces "p < alpha" bit for bit. The decision is therefore
 *   made in three zones around the tabulated quantile c = qt(alpha / sides, k, upper):
 *   beyond c + b reject, at or below c - b accept, and in the band between
 *   (b = 1024 eps max(|c|, 1), see SIM_ANALYSIS_BRACKET_MARGIN; hit with probability
 *   ~1e-12 per trial) compute p and compare it with alpha. Outside the band the rounding
 *   of pt and qt cannot reverse the order, so every decision equals "computed p < alpha"
 *   exactly. For non-integer df the
 *   quantile is bracketed by its integer neighbours, using the monotonicity of Student's t
 *   quantile in the df (the t family is ordered by its tails: Ghosh 1973, "Some
 *   monotonicity theorems for chi^2, F and t distributions with applications", JRSS B
 *   35:480-492), and the same three zones apply to the widened bracket.
 *
 * REFERENCE
 *   R Core Team, nmath/pt.c, qt.c, pnorm.c, qnorm.c, pchisq.c (libRmath); R's t.test,
 *   stats/R/t.test.R, for the p-value formulas.
 */

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "analysis_impl.h"
#include "internal.h"
#include "mathlib.h"

/* Half-width of the band around a quantile v inside which p is computed: relative for
 * |v| >= 1, absolute below (see SIM_ANALYSIS_BRACKET_MARGIN). The compare is fmax(|v|, 1)
 * (NaN too) without its libm call, which cost ~4 % of a table-path trial. */
static inline double band(double v)
{
    double a = fabs(v);
    return SIM_ANALYSIS_BRACKET_MARGIN * (a > 1.0 ? a : 1.0);
}

/* ======================================================================================
 * p-values
 * ====================================================================================== */

double sim_analysis_t_pvalue(double t, double df, int sides)
{
    if (isnan(t) || !(df > 0.0))
        return NAN;
    /* t.test.R: 2 * pt(-abs(tstat), df) and pt(tstat, df, lower.tail = FALSE). pt with an
     * infinite df is pnorm (nmath/pt.c). */
    if (sides == 2)
        return 2.0 * pt(-fabs(t), df, 1, 0);
    return pt(t, df, 0, 0);
}

/* ======================================================================================
 * Settings
 * ====================================================================================== */

SIM_API int mscsim_analysis_settings_new(double alpha, int sides, double conf_level,
                                            size_t max_df, int want_p,
                                            mscsim_analysis_settings **out, mscsim_error *err)
{
    if (!out)
        return sim_error_set(err, MSCSIM_EINVAL, "analysis settings: out is NULL");
    *out = NULL;
    if (!(alpha > 0.0 && alpha < 1.0))
        return sim_error_set(err, MSCSIM_ERANGE, "alpha must be in (0, 1), got %g", alpha);
    if (sides != 1 && sides != 2)
        return sim_error_set(err, MSCSIM_ERANGE, "sides must be 1 or 2, got %d", sides);
    if (!(conf_level > 0.0 && conf_level < 1.0))
        return sim_error_set(err, MSCSIM_ERANGE, "conf_level must be in (0, 1), got %g",
                                conf_level);
    if (want_p != 0 && want_p != 1)
        return sim_error_set(err, MSCSIM_EINVAL, "want_p must be 0 or 1, got %d", want_p);
    if (max_df > SIM_ANALYSIS_MAX_DF_TABLE)
        max_df = SIM_ANALYSIS_MAX_DF_TABLE; /* larger df use the normal bracket */

    mscsim_analysis_settings *s = calloc(1, sizeof *s);
    if (!s)
        return sim_error_set(err, MSCSIM_ENOMEM, "analysis settings: out of memory");
    s->alpha = alpha;
    s->sides = sides;
    s->conf_level = conf_level;
    s->want_p = want_p;
    s->max_df = max_df;
    if (max_df > 0) {
        s->crit = malloc((max_df + 1) * sizeof *s->crit);
        s->ci_q = malloc((max_df + 1) * sizeof *s->ci_q);
        if (!s->crit || !s->ci_q) {
            mscsim_analysis_settings_free(s);
            return sim_error_set(err, MSCSIM_ENOMEM,
                                    "analysis settings: out of memory for %zu df", max_df);
        }
        s->crit[0] = s->ci_q[0] = NAN; /* df 0 is never valid */
    }

    /* The CI quantile as an upper-tail probability, (1 - conf) / 2, avoids the rounding of
     * (1 + conf) / 2 near 1 for conf close to 1. */
    double ci_upper = 0.5 * (1.0 - conf_level);
    double test_upper = alpha / sides;
    for (size_t k = 1; k <= max_df; k++) {
        s->crit[k] = qt(test_upper, (double)k, 0, 0);
        s->ci_q[k] = qt(ci_upper, (double)k, 0, 0);
    }
    s->z_crit = qnorm(test_upper, 0.0, 1.0, 0, 0);
    s->z_ci = qnorm(ci_upper, 0.0, 1.0, 0, 0);
    s->chisq_crit = qchisq(alpha, 1.0, 0, 0);
    *out = s;
    return MSCSIM_OK;
}

void sim_analysis_settings_defer_t_p(mscsim_analysis_settings *s)
{
    s->defer_t_p = 1;
}

void sim_analysis_settings_defer_t_reject(mscsim_analysis_settings *s)
{
    s->defer_t_reject = 1;
}

SIM_API void mscsim_analysis_settings_free(mscsim_analysis_settings *settings)
{
    if (!settings)
        return;
    free(settings->crit);
    free(settings->ci_q);
    free(settings);
}

/* ======================================================================================
 * Decisions
 * ====================================================================================== */

/* 1 when df is a whole number with a table row (its CI quantile is tabulated). */
static int tabulated(const mscsim_analysis_settings *s, double df)
{
    return df >= 1.0 && df <= (double)s->max_df && df == floor(df);
}

/* Bracket [*lo, *hi] of a table quantity for df >= 1 (integer or not), widened by
 * band(): the entry itself for a tabulated integer df, its integer neighbours
 * otherwise, [normal, table[max_df]] beyond the table. Returns 0 when no bracket exists
 * (df < 1, or df > max_df with no table), and the caller computes exactly. */
static inline int bracket(const mscsim_analysis_settings *s, const double *table,
                          double normal, double df, double *lo, double *hi)
{
    double a, b;
    if (!(df >= 1.0) || s->max_df == 0)
        return 0;
    if (df > (double)s->max_df) {
        a = normal;
        b = table[s->max_df];
    } else {
        size_t k = (size_t)df; /* floor: df >= 1 */
        a = table[k];
        b = df == (double)k ? a : table[k + 1]; /* k < max_df here when df is not whole */
    }
    /* Tabulated quantiles are finite: plain compares are fmin and fmax. */
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
    *lo -= band(*lo);
    *hi += band(*hi);
    return 1;
}

int sim_analysis_t_reject(const mscsim_analysis_settings *s, double t, double df)
{
    double a = s->sides == 2 ? fabs(t) : t, lo, hi;
    if (isnan(t) || isnan(df))
        return 0;
    if (isinf(df)) {
        lo = s->z_crit - band(s->z_crit);
        hi = s->z_crit + band(s->z_crit);
    } else if (!bracket(s, s->crit, s->z_crit, df, &lo, &hi)) {
        return sim_analysis_t_pvalue(t, df, s->sides) < s->alpha;
    }
    if (a > hi)
        return 1;
    if (a <= lo)
        return 0;
    return sim_analysis_t_pvalue(t, df, s->sides) < s->alpha;
}

int sim_analysis_chisq1_reject(const mscsim_analysis_settings *s, double x2)
{
    double c = s->chisq_crit;
    if (x2 > c + band(c))
        return 1;
    if (x2 <= c - band(c))
        return 0;
    return pchisq(x2, 1.0, 0, 0) < s->alpha; /* also NaN: not rejected */
}

double sim_analysis_ci_quantile(const mscsim_analysis_settings *s, double df)
{
    if (isinf(df) && df > 0.0)
        return s->z_ci;
    if (tabulated(s, df))
        return s->ci_q[(size_t)df];
    if (!(df > 0.0))
        return NAN; /* also keeps NaN and invalid df away from Rmath's warnings */
    return qt(0.5 * (1.0 - s->conf_level), df, 0, 0);
}

void sim_analysis_t_finish(const mscsim_analysis_settings *s, double t, double df,
                              mscsim_analysis_result *result)
{
    result->statistic = t;
    result->df = df;
    result->reject = s->defer_t_reject ? 0 : sim_analysis_t_reject(s, t, df);
    result->p_value =
        s->want_p && !s->defer_t_p ? sim_analysis_t_pvalue(t, df, s->sides) : (double)NAN;
    result->failed = 0;
    result->reason = NULL;
}

void sim_analysis_t_test(const mscsim_trial_data *data, const mscsim_analysis_settings *s,
                         double estimate, double se, double df,
                         mscsim_analysis_result *result)
{
    if (sim_analysis_se_degenerate(data, se)) {
        sim_analysis_fail(result);
        return;
    }
    result->estimate = estimate;
    result->se = se;
    sim_analysis_t_finish(s, estimate / se, df, result);
}

void sim_analysis_fail(mscsim_analysis_result *result)
{
    result->estimate = NAN;
    result->se = NAN;
    result->df = NAN;
    result->statistic = NAN;
    result->p_value = NAN;
    result->reject = 0;
    result->failed = 1;
    result->reason = NULL;
}

/* ======================================================================================
 * Confidence intervals
 * ====================================================================================== */

/* est - q se <= truth <= est + q se, evaluated exactly as mscsim_analysis_ci rounds it. */
static int inside(double est, double se, double q, double truth)
{
    return est - q * se <= truth && truth <= est + q * se;
}

SIM_API int mscsim_analysis_covers(const mscsim_analysis_settings *settings,
                                      const mscsim_analysis_result *result, double truth)
{
    const double est = result->estimate, se = result->se, df = result->df;
    if (result->failed || isnan(est) || !(se >= 0.0) || isnan(truth) || isnan(df))
        return 0;
    double lo, hi;
    /* Rounding is monotone, so with se >= 0 the interval rounded with a smaller quantile
     * lies inside the one rounded with a larger quantile: the bracket decides exactly. */
    if (!isinf(df) && !tabulated(settings, df) &&
        bracket(settings, settings->ci_q, settings->z_ci, df, &lo, &hi)) {
        if (inside(est, se, lo, truth))
            return 1;
        if (!inside(est, se, hi, truth))
            return 0;
    }
    return inside(est, se, sim_analysis_ci_quantile(settings, df), truth);
}

SIM_API void mscsim_analysis_ci(const mscsim_analysis_settings *settings,
                                   const mscsim_analysis_result *result, double *lo, double *hi)
{
    if (result->failed) {
        *lo = *hi = NAN;
        return;
    }
    double q = sim_analysis_ci_quantile(settings, result->df);
    *lo = result->estimate - q * result->se;
    *hi = result->estimate + q * result->se;
}

/* ======================================================================================
 * Binary endpoints
 * ====================================================================================== */

int sim_analysis_binary_counts(const mscsim_trial_data *data, double n[2], double x[2],
                               mscsim_analysis_result *result)
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double na = (double)data->arm[a].n, xa = data->arm[a].sum_y;
        /* Sums of 0/1 doubles are exact integers; anything else is not a 0/1 endpoint. */
        if (na == 0.0 || !(xa >= 0.0 && xa <= na) || xa != floor(xa)) {
            sim_analysis_fail(result);
            return 0;
        }
        n[a] = na;
        x[a] = xa;
    }
    return 1;
}

void sim_analysis_risk_difference(const double n[2], const double x[2],
                                     mscsim_analysis_result *result)
{
    double p0 = x[0] / n[0], p1 = x[1] / n[1];
    result->estimate = p1 - p0;
    /* Unpooled Wald SE: the usual interval for a risk difference (Agresti 2013,
     * Categorical Data Analysis, 3rd ed., sec. 3.1.2); (n - x) x / n^3 keeps q = 1 - p
     * exact. With p0, p1 in {0, 1} it is 0 and the interval is a point. */
    double v1 = x[1] * (n[1] - x[1]) / (n[1] * n[1] * n[1]);
    double v0 = x[0] * (n[0] - x[0]) / (n[0] * n[0] * n[0]);
    result->se = sqrt(v1 + v0);
    result->df = INFINITY;
}

SIM_API void mscsim_analysis_decide_t(const mscsim_analysis_settings *settings, double estimate,
                                         double se, double df, mscsim_analysis_result *result)
{
    if (!(se > 0) || !isfinite(estimate) || !(df > 0)) {
        sim_analysis_fail(result);
        return;
    }
    result->estimate = estimate;
    result->se = se;
    sim_analysis_t_finish(settings, estimate / se, df, result);
}
