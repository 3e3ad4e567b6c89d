/*
 * Multiple imputation of monotone missing visit scores, and Rubin's rules (sim/trial/impute.h).
 *
 * DESCRIPTION
 *   sim_impute_monotone makes one proper imputation of a monotone pattern by sequential
 *   Bayesian linear regression: visit by visit, the scores observed at visit v are
 *   regressed on an intercept, the baseline and visits 0..v-1 (all observed for these
 *   patients, the pattern being monotone), the parameters are drawn from their posterior
 *   under the standard noninformative prior, and every missing score at v is drawn from
 *   the resulting normal model given the patient's earlier visits, observed or imputed
 *   one step before. Under a monotone pattern this sequence is a draw from the joint
 *   posterior predictive distribution, without iteration (Rubin 1987, sec. 5.4;
 *   van Buuren 2018, sec. 4.3 "monotone data imputation").
 *   sim_rubin_pool combines m completed-data analyses by Rubin's rules with the
 *   Barnard-Rubin small-sample degrees of freedom.
 *
 * METHOD (van Buuren 2018, algorithm 3.1 "Bayesian linear regression")
 *   With p coefficients, n_obs observed patients, nu = n_obs - p:
 *     beta_hat = (X'X)^-1 X'y, SSE = |y - X beta_hat|^2,
 *     sigma^2 = SSE / g, g ~ chi^2(nu),
 *     beta = beta_hat + sigma L^-T z, z ~ N(0, I_p), X'X = L L^T,
 *     y_i* = x_i' beta + sigma e_i, e_i ~ N(0, 1).
 *   (The algorithm's ridge term kappa is 0 here: a singular design is reported instead.)
 *   Numerics: the k = p - 1 predictors and y are centred on their means over the observed
 *   patients and gathered into a column-major block, which is reduced by Householder QR
 *   (Golub & Van Loan, Matrix Computations, 4th ed., alg. 5.2.1), so beta_hat and SSE are
 *   as accurate as R's lm (a QR too) and the condition number is not squared, as it would
 *   be by forming X'X. Centring turns X'X into blockdiag(n_obs, Xc'Xc) in the
 *   coordinates (intercept at the means, slopes); with Xc = Q R (diagonal of R made
 *   positive), R^T is the Cholesky factor of Xc'Xc, and the Cholesky factor of the
 *   original X'X is L = M^-T blockdiag(sqrt(n_obs), R^T), M the unit upper triangular
 *   centring map (X M = [1, Xc]). Hence sigma L^-T z = sigma M (z_0 / sqrt(n_obs),
 *   R^-1 z_{1..k}): the drawn slopes are b_hat + sigma R^-1 z_{1..k} and the intercept at
 *   the means is ybar + sigma z_0 / sqrt(n_obs), exactly the draw of the algorithm with
 *   the (unique) Cholesky factor of X'X, computed without forming it. Predictions use the
 *   centred form ybar* + sum_j b_j* (x_ij - xbar_j).
 *   Rank: a predictor whose part orthogonal to the intercept and the earlier predictors
 *   has norm <= 1e-7 x its uncentred norm is aliased, lm.fit's rule (LINPACK dqrdc2 with
 *   tol = 1e-7). lm would drop it; here the visit fails (MSCSIM_ERANGE).
 *   Too few patients: n_obs >= p + 2, i.e. nu >= 2 (E[sigma^2] itself is
 *   finite only for nu > 2).
 *
 * REFERENCES
 *   D. B. Rubin (1987), Multiple Imputation for Nonresponse in Surveys, Wiley: the
 *     combining rules (sec. 3.1) and the normal linear model imputation (sec. 5.3-5.4).
 *   S. van Buuren (2018), Flexible Imputation of Missing Data, 2nd ed., CRC: sec. 3.2
 *     (algorithm 3.1), sec. 2.3 (pooling, eq. 2.30-2.32 for the degrees of freedom).
 *   J. Barnard and D. B. Rubin (1999), "Small-sample degrees of freedom with multiple
 *     imputation", Biometrika 86(4), 948-955.
 */
#include "impute.h"

#include <math.h>
#include <stdint.h>

#include "internal.h"
#include "lm.h" /* SIM_LM_QR_TOL, lm.fit's rank tolerance: see METHOD */
#include "mscsim/dist.h"
#include "mscsim/error.h"
#include "sums.h"

/* Fewest residual degrees of freedom a visit's model may have (n_obs >= p + 2). */
#define MIN_RESIDUAL_DF 2

/* {==================================================================================
 * The fit of one visit's model
 * =================================================================================== */

/* Views into the caller's work buffer for a model with k = v + 1 predictors. */
typedef struct {
    int k;          /* Predictors: baseline, visits 0..v-1 (p = k + 1 with the intercept). */
    size_t m;       /* Observed patients at the visit (n_obs). */
    double ybar;    /* Mean observed score. */
    double sse;     /* Residual sum of squares. */
    double *r;      /* k x k, row-major: R of the centred design, positive diagonal. */
    double *xbar;   /* k predictor means. */
    double *qty;    /* First k entries of Q'y (signs matching r). */
    double *slope;  /* k least-squares slopes b_hat. */
    double *coef;   /* k drawn slopes. */
    double *norm2;  /* k uncentred sums of squares (the rank tolerance's reference). */
    double *a;      /* m x (k + 1), column-major with leading dimension n: centred
                     * predictors, then centred y; the QR overwrites it. */
} fit_state;

size_t sim_impute_work_size(size_t n, int visits)
{
    if (visits < 1)
        return 0;
    size_t vv = (size_t)visits;
    size_t small = vv * vv + 5 * vv; /* r, then xbar, qty, slope, coef, norm2 */
    if (n > (SIZE_MAX - small) / (vv + 1))
        return SIZE_MAX; /* Cannot be allocated; the caller's malloc reports it. */
    return small + n * (vv + 1);
}

/* Predictor j (0 = baseline, j >= 1 = visit j - 1) of the patient whose scores are s. */
static inline double predictor(double baseline, const double *s, int j)
{
    return j == 0 ? baseline : s[j - 1];
}

/* Sum of x[i] y[i] in the lanes of sums.h. Not inlined: inlined into fit_visit's column
 * loops it made an imputation about 6 % slower (tests/mscsim_bench, traj-mar-mi). */
__attribute__((noinline)) static double dot(const double *x, const double *y, size_t n)
{
    double acc[SIM_LANES] = {0};
    size_t i = 0;
    for (; i + SIM_LANES <= n; i += SIM_LANES)
        for (int k = 0; k < SIM_LANES; k++)
            acc[k] += x[i + k] * y[i + k];
    for (; i < n; i++)
        acc[0] += x[i] * y[i];
    return sim_lane_total(acc);
}

/* y += alpha x; x and y do not overlap (restrict lets the compiler vectorise). */
static void axpy(double alpha, const double *restrict x, double *restrict y, size_t len)
{
    for (size_t i = 0; i < len; i++)
        y[i] += alpha * x[i];
}

/* Least squares for visit v over the patients observed there; fills f (views into work).
 * MSCSIM_ERANGE when there are too few of them or the design is rank deficient. */
static int fit_visit(const double *baseline, const double *score, const unsigned char *observed,
                     size_t n, int visits, int v, double *work, fit_state *f)
{
    const size_t nv = (size_t)visits;
    const int k = v + 1;
    const size_t kk = (size_t)k;
    f->k = k;
    f->r = work;
    f->xbar = f->r + kk * kk;
    f->qty = f->xbar + kk;
    f->slope = f->qty + kk;
    f->coef = f->slope + kk;
    f->norm2 = f->coef + kk;
    f->a = f->norm2 + kk;
    double *xbar = f->xbar, *a = f->a, *r = f->r;

    /* One pass gathers the observed rows into columns of leading dimension n (m is not
     * known before the pass); every later step is a vectorisable sweep down a column.
     * Branch-free compaction: every row is written at position m, which advances only for
     * observed ones (m <= i < n, so the writes stay inside the column). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *s = score + i * nv;
        a[m] = baseline[i];
        for (int j = 1; j < k; j++)
            a[(size_t)j * n + m] = s[j - 1];
        a[kk * n + m] = s[v];
        m += observed[i * nv + (size_t)v] != 0;
    }
    f->m = m;
    if (m < kk + 1 + MIN_RESIDUAL_DF)
        return MSCSIM_ERANGE;
    const double dm = (double)m;
    for (int j = 0; j <= k; j++) {
        double *col = a + (size_t)j * n;
        double mean = sim_sum(col, m) / dm;
        for (size_t i = 0; i < m; i++)
            col[i] -= mean;
        if (j == k) {
            f->ybar = mean;
        } else {
            xbar[j] = mean;
            f->norm2[j] = dot(col, col, m) + dm * mean * mean;
        }
    }

    /* Householder QR of the k predictor columns, applied to y as well. */
    for (int j = 0; j < k; j++) {
        double *col = a + (size_t)j * n + j;
        const size_t len = m - (size_t)j;
        double s2 = dot(col, col, len);
        /* Also false for NaN: a predictor aliased with the intercept or earlier ones. */
        if (!(s2 > SIM_LM_QR_TOL * SIM_LM_QR_TOL * f->norm2[j]))
            return MSCSIM_ERANGE;
        double s = sqrt(s2), c = col[0];
        double alpha = c >= 0.0 ? -s : s; /* Reflect onto -sign(c) s e_j: no cancellation. */
        double v0 = c - alpha;
        double tau = 1.0 / (s * (s + fabs(c))); /* 2 / v'v */
        col[0] = v0;
        for (int l = j + 1; l <= k; l++) {
            double *cl = a + (size_t)l * n + j;
            axpy(-tau * dot(col, cl, len), col, cl, len);
        }
        /* Row j of R and of Q'y; flipping both keeps R b = Q'y and makes R_jj > 0. */
        double sign = alpha < 0.0 ? -1.0 : 1.0;
        r[(size_t)j * kk + (size_t)j] = sign * alpha;
        for (int l = j + 1; l < k; l++)
            r[(size_t)j * kk + (size_t)l] = sign * a[(size_t)l * n + (size_t)j];
        f->qty[j] = sign * a[kk * n + (size_t)j];
    }
    const double *res = a + kk * n + kk; /* Q'y below row k: the residual coordinates. */
    f->sse = dot(res, res, m - kk);
    for (int j = k - 1; j >= 0; j--) {
        double t = f->qty[j];
        for (int l = j + 1; l < k; l++)
            t -= r[(size_t)j * kk + (size_t)l] * f->slope[l];
        f->slope[j] = t / r[(size_t)j * kk + (size_t)j];
    }
    return MSCSIM_OK;
}

/* The posterior draw (chi-square, then p normals): drawn slopes in f->coef; returns sigma
 * and the drawn intercept at the predictor means in *c0. */
static double draw_params(fit_state *f, mscsim_rng *rng, double *c0)
{
    const int k = f->k;
    const size_t kk = (size_t)k;
    double g = mscsim_rchisq(rng, (double)(f->m - kk - 1));
    double sigma = sqrt(f->sse / g);
    double z0 = mscsim_rnorm_std(rng);
    for (int j = 0; j < k; j++)
        f->coef[j] = mscsim_rnorm_std(rng);
    /* coef = R^-1 z by back substitution, in place. */
    for (int j = k - 1; j >= 0; j--) {
        double t = f->coef[j];
        for (int l = j + 1; l < k; l++)
            t -= f->r[(size_t)j * kk + (size_t)l] * f->coef[l];
        f->coef[j] = t / f->r[(size_t)j * kk + (size_t)j];
    }
    for (int j = 0; j < k; j++)
        f->coef[j] = f->slope[j] + sigma * f->coef[j];
    *c0 = f->ybar + sigma * z0 / sqrt((double)f->m);
    return sigma;
}

/* Checks shared by the fit and draw entry points. */
static int check_visit_args(const double *baseline, const double *score,
                            const unsigned char *observed, int visits, int v, const double *work)
{
    if (!baseline || !score || !observed || !work || visits < 1 || v < 0 || v >= visits)
        return MSCSIM_EINVAL;
    return MSCSIM_OK;
}

/* The argument checks, then the least-squares fit of visit v. */
static int checked_fit(const double *baseline, const double *score, const unsigned char *observed,
                       size_t n, int visits, int v, double *work, fit_state *f)
{
    int rc = check_visit_args(baseline, score, observed, visits, v, work);
    return rc != MSCSIM_OK ? rc : fit_visit(baseline, score, observed, n, visits, v, work, f);
}

/* Regression coefficients on the original (uncentred) predictors: beta[0] the intercept,
 * given the centred fit's slopes and its value c0 at the predictor means. */
static void uncentre(const fit_state *f, const double *slopes, double c0, double *beta)
{
    double icpt = c0;
    for (int j = 0; j < f->k; j++) {
        icpt -= slopes[j] * f->xbar[j];
        beta[j + 1] = slopes[j];
    }
    beta[0] = icpt;
}

int sim_impute_fit(const double *baseline, const double *score,
                      const unsigned char *observed, size_t n, int visits, int v,
                      double *work, double *beta_hat, double *sigma_hat, size_t *n_obs)
{
    fit_state f;
    int rc = checked_fit(baseline, score, observed, n, visits, v, work, &f);
    if (rc != MSCSIM_OK)
        return rc;
    if (beta_hat)
        uncentre(&f, f.slope, f.ybar, beta_hat);
    if (sigma_hat)
        *sigma_hat = sqrt(f.sse / (double)(f.m - (size_t)f.k - 1));
    if (n_obs)
        *n_obs = f.m;
    return MSCSIM_OK;
}

int sim_impute_draw(const double *baseline, const double *score,
                       const unsigned char *observed, size_t n, int visits, int v,
                       mscsim_rng *rng, double *work, double *beta, double *sigma)
{
    if (!rng)
        return MSCSIM_EINVAL;
    fit_state f;
    int rc = checked_fit(baseline, score, observed, n, visits, v, work, &f);
    if (rc != MSCSIM_OK)
        return rc;
    double c0, s = draw_params(&f, rng, &c0);
    if (beta)
        uncentre(&f, f.coef, c0, beta);
    if (sigma)
        *sigma = s;
    return MSCSIM_OK;
}

/* {==================================================================================
 * Sequential imputation
 * =================================================================================== */

int sim_impute_monotone(const double *baseline, double *score,
                           const unsigned char *observed, size_t n, int visits,
                           int last, mscsim_rng *rng, double *work)
{
    if (!baseline || !score || !observed || !rng || !work || visits < 1 || last < 0 ||
        last >= visits)
        return MSCSIM_EINVAL;
    const size_t nv = (size_t)visits;

    /* Validate everything before writing anything. Because the pattern is monotone, the
     * patients missing at v are also missing at v + 1, so visits before the earliest
     * dropout have nothing to impute. */
    int first_missing = visits;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(baseline[i]))
            return MSCSIM_EINVAL;
        const unsigned char *o = observed + i * nv;
        const double *s = score + i * nv;
        int dropout = visits;
        for (int v = 0; v < visits; v++) {
            if (!o[v]) {
                if (dropout == visits)
                    dropout = v;
            } else if (dropout < visits) {
                return MSCSIM_EINVAL; /* Observed after a missing visit. */
            } else if (v <= last && !isfinite(s[v])) {
                return MSCSIM_EINVAL;
            }
        }
        if (dropout < first_missing)
            first_missing = dropout;
    }

    for (int v = first_missing; v <= last; v++) {
        fit_state f;
        int rc = fit_visit(baseline, score, observed, n, visits, v, work, &f);
        if (rc != MSCSIM_OK)
            return rc;
        double c0, sigma = draw_params(&f, rng, &c0);
        for (size_t i = 0; i < n; i++) {
            if (observed[i * nv + (size_t)v])
                continue;
            double *s = score + i * nv;
            double pred = c0;
            for (int j = 0; j < f.k; j++)
                pred += f.coef[j] * (predictor(baseline[i], s, j) - f.xbar[j]);
            s[v] = pred + sigma * mscsim_rnorm_std(rng);
        }
    }
    return MSCSIM_OK;
}

/* {==================================================================================
 * Rubin's rules
 * =================================================================================== */

void sim_rubin_pool(const double *est, const double *var, int m, double df_com,
                       double *qbar, double *total_var, double *df)
{
    *qbar = *total_var = *df = NAN;
    if (!est || !var || m < 2 || !(df_com > 0.0))
        return;
    const double dm = (double)m;
    double qsum = 0.0, usum = 0.0;
    for (int i = 0; i < m; i++) {
        if (!isfinite(est[i]) || !isfinite(var[i]) || var[i] < 0.0)
            return;
        qsum += est[i];
        usum += var[i];
    }
    double mean = qsum / dm, ubar = usum / dm;
    double ss = 0.0; /* Two-pass between-imputation variance. */
    for (int i = 0; i < m; i++)
        ss += (est[i] - mean) * (est[i] - mean);
    double b = ss / (dm - 1.0);
    double t = ubar + (1.0 + 1.0 / dm) * b;
    *qbar = mean;
    *total_var = t;
    if (b == 0.0) {
        /* No between-imputation variation: the complete-data analysis (Barnard-Rubin
         * would give nu_obs = df_com (df_com + 1) / (df_com + 3) instead). */
        *df = df_com;
        return;
    }
    double lambda = (1.0 + 1.0 / dm) * b / t;
    double nu_old = (dm - 1.0) / (lambda * lambda); /* May overflow to +Inf: harmless. */
    if (isinf(df_com)) {
        *df = nu_old;
        return;
    }
    double nu_obs = (df_com + 1.0) / (df_com + 3.0) * df_com * (1.0 - lambda);
    /* nu_old nu_obs / (nu_old + nu_obs) written so that nu_old = Inf or nu_obs = 0 work. */
    *df = 1.0 / (1.0 / nu_old + 1.0 / nu_obs);
}
