/*
 * ANCOVA: the arm effect adjusted for the baseline covariate, lm(y ~ arm + x).
 *
 * DESCRIPTION
 *   Least squares with a common within-arm slope, computed exactly from the per-arm
 *   sufficient statistics (no pass over the patients):
 *     Sxx = ssx0 + ssx1, Sxy = sp0 + sp1, Syy = ssy0 + ssy1,
 *     b = Sxy / Sxx (the pooled within-arm slope),
 *     estimate = (ybar1 - ybar0) - b (xbar1 - xbar0),
 *     SSE = Syy - Sxy^2 / Sxx, s^2 = SSE / (n - 3),
 *     var(estimate) = s^2 (1/n0 + 1/n1 + (xbar1 - xbar0)^2 / Sxx),
 *   t = estimate / SE on n - 3 df (an integer: the decision is a table lookup). These are
 *   the normal equations of the model with arm-specific intercepts reduced by the
 *   within-arm sums of squares (Snedecor & Cochran 1989, Statistical Methods, 8th ed.,
 *   sec. 18.3; Winer 1971, Statistical Principles in Experimental Design, ch. 10).
 *   The per-arm sums are centred (two-pass), so baselines far from zero lose no accuracy.
 *
 * FAILURE
 *   An empty arm or n < 4 (no residual df); x without spread within arms, i.e. lm's QR
 *   would drop x as aliased (sqrt(Sxx) < 1e-7 x its uncentred norm, lm.fit's tol); an
 *   exact fit (SSE at the rounding floor of Syy - Sxy^2 / Sxx); or, as t.test's
 *   "essentially constant" rule, SE < 10 eps max(|ybar0|, |ybar1|). lm itself returns
 *   rounding noise in these cases (tests/ref/make_ref.R marks them failed).
 */

#include <float.h>
#include <math.h>

#include "analysis_impl.h"

/* lm.fit's default rank tolerance (qr(x, tol = 1e-7), LINPACK dqrdc2): a column whose
 * norm after removing the earlier columns is below tol x its original norm is aliased. */
#define LM_QR_TOL 1e-7

/* t.test's "data are essentially constant" threshold, applied to the arm coefficient's SE
 * relative to the larger |arm mean of y|: below it the SE is rounding noise. */
#define CONSTANT_TOL (10.0 * DBL_EPSILON)

/* The subtraction Syy - Sxy^2 / Sxx loses ~ a few eps x Syy; an SSE below this floor is
 * indistinguishable from an exact fit, where the t statistic would be rounding noise. */
#define SSE_TOL (64.0 * DBL_EPSILON)

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    const mscsim_arm_stats *c = &data->arm[MSCSIM_ARM_CONTROL], *m = &data->arm[MSCSIM_ARM_MSC];
    if (c->n < 1 || m->n < 1 || c->n + m->n < 4) {
        mscsim_analysis_fail(result);
        return;
    }
    double n0 = (double)c->n, n1 = (double)m->n, df = n0 + n1 - 3.0;
    double sxx = c->ss_x + m->ss_x, sxy = c->sp_xy + m->sp_xy, syy = c->ss_y + m->ss_y;
    double x_norm2 = sxx + n0 * c->mean_x * c->mean_x + n1 * m->mean_x * m->mean_x;
    if (!(sxx > LM_QR_TOL * LM_QR_TOL * x_norm2)) {
        mscsim_analysis_fail(result);
        return;
    }
    double sse = syy - sxy * sxy / sxx;
    if (!(sse > SSE_TOL * syy)) {
        mscsim_analysis_fail(result);
        return;
    }
    double dx = m->mean_x - c->mean_x;
    double s2 = sse / df;
    double se = sqrt(s2 * (1.0 / n0 + 1.0 / n1 + dx * dx / sxx));
    if (!(se > 0.0) || se < CONSTANT_TOL * fmax(fabs(c->mean_y), fabs(m->mean_y))) {
        mscsim_analysis_fail(result);
        return;
    }
    result->estimate = (m->mean_y - c->mean_y) - sxy / sxx * dx;
    result->se = se;
    mscsim_analysis_t_finish(settings, result->estimate / se, df, result);
}

const mscsim_analysis_type mscsim_analysis_ancova = {
    .name = "ancova",
    .description = "ANCOVA on the baseline covariate, lm(y ~ arm + x), arm coefficient t test",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS,
    .uses_baseline = 1,
    .analyze = analyze,
};
