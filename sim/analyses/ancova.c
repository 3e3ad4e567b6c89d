/*
 * ANCOVA: the arm effect adjusted for the [analysis] covariates (the baseline score by
 * default), lm(y ~ arm + covariates).
 *
 * METHOD (data->cov_count = K >= 1, the [analysis] covariates; K = 0 fails)
 *   lm(y ~ arm + cov_1 + ... + cov_K) over both arms (arm = 1 for msc), t on n - 2 - K df.
 *   The intercept is removed by centring every column on its overall mean (pass 1), so
 *   offsets such as values near 1e4 cost no accuracy; pass 2 accumulates the centred
 *   cross-products A = Z'Z and Z'y of Z = [arm, cov_1..cov_K]; A = L L' by Cholesky with
 *   the columns in lm's order. A pivot L_jj^2 is the squared norm of column j after the
 *   intercept and the earlier columns are removed, exactly what LINPACK dqrdc2 compares
 *   with SIM_LM_QR_TOL x the column's original (uncentred) norm, so the same rule marks a
 *   constant or collinear covariate as aliased (lm's NA), and we fail. With u = L^-1 e_1
 *   and w = L^-1 Z'y: estimate = u'w and var(estimate) = s^2 u'u (u'u = (A^-1)_11).
 *   Pass 3 computes SSE from the residuals, not as y'y - w'w, so a good fit loses nothing
 *   to cancellation. K <= MSCSIM_MAX_COVARIATES: fixed-size arrays, no allocation.
 *   Failure: an empty arm, n <= K + 2, a missing covariate array, an aliased column, or
 *   the exact-fit and essentially-constant rules above (with the within-arm SS of y).
 *   Reference: Golub & Van Loan (2013), Matrix Computations, 4th ed., sec. 4.2 and 5.3
 *   (normal equations by Cholesky; well conditioned here because the columns are centred).
 *   Failure also mirrors t.test's "essentially constant" rule: SE < 10 eps max(|ybar0|,
 *   |ybar1|); lm itself returns rounding noise in these cases (tests/ref/make_ref.R marks
 *   them failed). A sufficient-statistics fit (pooled within-arm slope from per-arm sums)
 *   would save the passes but forms xbar1 - xbar0 from arm means rounded to ulp(x), losing
 *   up to 5e-10 of an SE at baselines ~ 1e4, so there is none: this path serves K = 1 too.
 */

#include <float.h>
#include <math.h>

#include "analysis_impl.h"
#include "analytic_impl.h"
#include "lm.h"
#include "mscsim/config.h"

/* An SSE below this share of the within-arm sum of squares of y is indistinguishable from an
 * exact fit, where the t statistic would be rounding noise. */
#define SSE_TOL (64.0 * DBL_EPSILON)

/* Columns of the general fit: the arm and up to this many covariates. */
#define MAX_COV MSCSIM_MAX_COVARIATES
#define MAX_COL (1 + MAX_COV)

/* lm(y ~ arm + cov_1 + ... + cov_K) for K = data->cov_count >= 1; see the file header. */
static void analyze_covariates(const mscsim_trial_data *data,
                               const mscsim_analysis_settings *settings,
                               mscsim_analysis_result *result)
{
    const mscsim_arm_stats *c = &data->arm[MSCSIM_ARM_CONTROL], *m = &data->arm[MSCSIM_ARM_MSC];
    int K = data->cov_count, p = K + 1;
    size_t nn[MSCSIM_ARM_COUNT] = {c->n, m->n};
    if (K > MAX_COV || c->n < 1 || m->n < 1 || c->n + m->n <= (size_t)K + 2) {
        sim_analysis_fail(result);
        return;
    }
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        for (int k = 0; k < K; k++)
            if (!data->cov[a][k]) {
                sim_analysis_fail(result);
                return;
            }
    double n0 = (double)c->n, n1 = (double)m->n, N = n0 + n1;

    /* Pass 1: overall means (the arm's is n1 / N). */
    double mean[MAX_COL] = {0.0}, ymean = (n0 * c->mean_y + n1 * m->mean_y) / N;
    mean[0] = n1 / N;
    for (int k = 0; k < K; k++) {
        double s = 0.0;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (size_t i = 0; i < nn[a]; i++)
                s += data->cov[a][k][i];
        mean[k + 1] = s / N;
    }

    /* Pass 2: centred cross-products (lower triangle) and Z'y. */
    double A[MAX_COL][MAX_COL] = {{0.0}}, b[MAX_COL] = {0.0}, z[MAX_COL];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        z[0] = (double)a - mean[0];
        for (size_t i = 0; i < nn[a]; i++) {
            for (int k = 0; k < K; k++)
                z[k + 1] = data->cov[a][k][i] - mean[k + 1];
            double yc = data->y[a][i] - ymean;
            for (int j = 0; j < p; j++) {
                for (int l = 0; l <= j; l++)
                    A[j][l] += z[j] * z[l];
                b[j] += z[j] * yc;
            }
        }
    }

    /* Cholesky A = L L' in place (lower triangle), with dqrdc2's aliasing rule. */
    for (int j = 0; j < p; j++) {
        double norm2 = A[j][j] + N * mean[j] * mean[j]; /* uncentred: dqrdc2's reference */
        double d = A[j][j];
        for (int l = 0; l < j; l++)
            d -= A[j][l] * A[j][l];
        if (!(d > SIM_LM_QR_TOL * SIM_LM_QR_TOL * norm2)) {
            sim_analysis_fail(result);
            return;
        }
        double ljj = sqrt(d);
        A[j][j] = ljj;
        for (int r = j + 1; r < p; r++) {
            double v = A[r][j];
            for (int l = 0; l < j; l++)
                v -= A[r][l] * A[j][l];
            A[r][j] = v / ljj;
        }
    }

    /* u = L^-1 e_1, w = L^-1 Z'y, beta = L'^-1 w. */
    double u[MAX_COL], w[MAX_COL], beta[MAX_COL];
    for (int j = 0; j < p; j++) {
        double uj = j == 0 ? 1.0 : 0.0, wj = b[j];
        for (int l = 0; l < j; l++) {
            uj -= A[j][l] * u[l];
            wj -= A[j][l] * w[l];
        }
        u[j] = uj / A[j][j];
        w[j] = wj / A[j][j];
    }
    for (int j = p - 1; j >= 0; j--) {
        double v = w[j];
        for (int r = j + 1; r < p; r++)
            v -= A[r][j] * beta[r];
        beta[j] = v / A[j][j];
    }
    double estimate = 0.0, uu = 0.0;
    for (int j = 0; j < p; j++) {
        estimate += u[j] * w[j];
        uu += u[j] * u[j];
    }

    /* Pass 3: SSE from the residuals. */
    double sse = 0.0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double fa = beta[0] * ((double)a - mean[0]);
        for (size_t i = 0; i < nn[a]; i++) {
            double r = data->y[a][i] - ymean - fa;
            for (int k = 0; k < K; k++)
                r -= beta[k + 1] * (data->cov[a][k][i] - mean[k + 1]);
            sse += r * r;
        }
    }
    if (!(sse > SSE_TOL * (c->ss_y + m->ss_y))) {
        sim_analysis_fail(result);
        return;
    }
    double df = N - 2.0 - (double)K;
    double se = sqrt(sse / df * uu);
    if (!isfinite(estimate)) {
        sim_analysis_fail(result);
        return;
    }
    sim_analysis_t_test(data, settings, estimate, se, df, result);
}

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    if (data->cov_count < 1) {
        sim_analysis_fail(result); /* nothing to adjust for */
        return;
    }
    analyze_covariates(data, settings, result);
}

/* 1 when [analysis] covariates include the baseline score. */
static int adjusts_for_baseline(const mscsim_config *cfg)
{
    for (int k = 0; k < cfg->covariate_count; k++)
        if (cfg->covariates[k] == MSCSIM_COVARIATE_BASELINE)
            return 1;
    return 0;
}

static sim_analytic_status ancova_design(const mscsim_analytic_outcome *o,
                                         const mscsim_config *cfg, mscsim_analytic_design *d,
                                         char *why, size_t why_len)
{
    if (o->kind != SIM_ANALYTIC_NORMAL)
        return SIM_ANALYTIC_NO_FORMULA;
    /* Given the baseline the change is linear in it with a normal residual
     * sd sqrt(1 - rho^2) e, whatever the baseline's distribution or the other
     * covariates (which the outcome does not depend on). */
    const char *none = !adjusts_for_baseline(cfg) ? "ancova without the baseline covariate"
                       : o->sd[0] != o->sd[1]     ? "ancova with unequal arm sds"
                                                  : NULL;
    if (none)
        return sim_analytic_none(why, why_len, "%s", none);
    if (!(fabs(o->rho) < 1.0))
        return sim_analytic_none(why, why_len, "rho = %g leaves no residual variation", o->rho);
    d->covariates = cfg->covariate_count;
    /* The exact integral over the imbalance needs jointly normal covariates: the baseline
     * alone, normal; otherwise the approximation that ignores the imbalance. */
    d->method = d->covariates == 1 && o->baseline_normal ? MSCSIM_ANALYTIC_EXACT_ANCOVA
                                                         : MSCSIM_ANALYTIC_ANCOVA;
    d->sd[0] = d->sd[1] = o->sd[0] * sqrt(1.0 - o->rho * o->rho);
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {.design = ancova_design};

const mscsim_analysis_type sim_analysis_ancova = {
    .name = "ancova",
    .description = "ANCOVA, lm(y ~ arm + baseline) or on the [analysis] covariates, arm t test",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS,
    .uses_baseline = 1,
    .analyze = analyze,
    .analytic = &analytic,
};
