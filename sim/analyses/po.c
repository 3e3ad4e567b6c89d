/*
 * Proportional-odds (cumulative logit) regression of an ordinal endpoint on arm.
 *
 * DESCRIPTION
 *   With the endpoint's K distinct observed values as ordered categories 1..K (ascending y,
 *   so higher = better, e.g. y = -mRS) and arm x = 0 (control) or 1 (msc), the model is
 *     logit P(Y <= j | x) = zeta_j - beta x,   j = 1..K-1,   zeta_1 < ... < zeta_{K-1},
 *   MASS::polr's parameterisation (polr(factor(y) ~ arm, method = "logistic")). exp(beta)
 *   is the common odds ratio of a higher (better) category with msc, so the estimate, the
 *   log odds ratio beta, is positive when msc is better. For a 0/1 endpoint (K = 2) this is
 *   logistic regression: beta is glm(y ~ arm, binomial)'s arm coefficient.
 *   - po:    Wald test, statistic z = beta / se, se from the observed information at the
 *            MLE (polr's vcov); p = 2 pnorm(-|z|), or pnorm(z, upper) for sides = 1.
 *   - po_lr: the same estimate and se, but the decision comes from the likelihood-ratio
 *            test against the model with cutpoints only: LR = 2 (l(hat) - l0),
 *            p = pchisq(LR, 1, upper) (anova(null, full)); for sides = 1 the signed root
 *            r = sign(beta) sqrt(LR) with p = pnorm(r, upper). Statistic: r.
 *   Both: df = INFINITY (a normal interval beta +/- z se).
 *   With [analysis] covariates (data->cov_count >= 1) both analyses fit
 *   polr(factor(y) ~ arm + covariates) instead (po_fit.c): beta is then the log odds ratio
 *   conditional on the covariates, the LR test is against the fit with the covariates only,
 *   and there is no analytic power. Everything below is the unadjusted table fit.
 *
 * METHOD
 *   Sufficient statistics: the 2 x K table of counts. Values that are integers within a
 *   window of MAX_CATEGORIES (mRS, any small integer scale, 0/1) are counted by direct
 *   indexing in one pass; other values go through a sorted table of distinct values
 *   (binary search, exact double equality; R's factor() would merge values that agree to
 *   15 significant digits). Values that occur in neither arm are not categories, as polr
 *   fits only the observed levels of factor(y).
 *   Newton-Raphson on (zeta, beta) from the null fit: zeta_j = logit(C_j / N) of the pooled
 *   cumulative counts and beta = 0, the exact MLE under beta = 0, where every quantity is
 *   a ratio of counts. Cell probabilities are evaluated without cancellation as
 *     F(b) - F(a) = F(b) (1 - F(a)) (1 - exp(a - b)),
 *   with exp(a - b) depending only on the cutpoint spacing (shared by both arms). The
 *   observed information has a bordered tridiagonal structure (each cutpoint touches its
 *   two cells; beta touches all of them), so the Newton system is solved in O(K) by a
 *   tridiagonal LDL' factorisation and the Schur complement s = I_bb - I_bz I_zz^-1 I_zb,
 *   which is also 1 / Var(beta). Steps are halved until the log-likelihood does not
 *   decrease, which needs no log-likelihood (a log per cell) while the slope along the
 *   step is still positive at its end: the log-likelihood is concave (Pratt 1981). After
 *   the first full Newton step below STEP_TOL, one more evaluation gives the information
 *   for the SE and a last correction, applied with the log-likelihood change from its
 *   quadratic model. The LR statistic is computed in deviance form,
 *   2 sum n log(pi / pi0) with pi0 = N_j / N the null fit's cells, rather than as the
 *   difference of two large log-likelihoods. No allocation: K <= MAX_CATEGORIES, all on
 *   the stack; typical mRS fits take 4-5 evaluations.
 *
 * FAILURE (failed = 1, reject = 0)
 *   - an empty arm, a NaN value, fewer than 2 categories, more than MAX_CATEGORIES distinct
 *     values (po is for ordinal outcomes, not for continuous ones);
 *   - separation: the MLE of beta does not exist (it diverges) exactly when one arm lies
 *     entirely at or below the other, i.e. when the highest category of one arm is at most
 *     the lowest category of the other (with every category observed, a direction of
 *     non-decreasing likelihood exists iff this holds; a zero cell of a 2x2 table is the
 *     binary case). This is checked on the table before fitting, so no huge estimate ever
 *     comes out of a flat likelihood;
 *   - a numerical breakdown: non-positive information, no ascent after MAX_HALVINGS, or no
 *     convergence within MAX_ITER.
 *
 * REFERENCE
 *   McCullagh (1980), JRSS B 42:109-142; Agresti (2010), Analysis of Ordinal Categorical
 *   Data, 2nd ed., ch. 3 (existence of the MLE: sec. 3.4.5); Pratt (1981), JASA 76:103-106
 *   (concavity); Venables & Ripley (2002), MASS 4th ed., sec. 7.3, and MASS/R/polr.R.
 *   Checked against R in tests/test_analysis_po.c (tests/ref/make_po_ref.R).
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "analysis_impl.h"
#include "analytic_impl.h"
#include "mathlib.h"
#include "mscsim/config.h"
#include "po_fit.h"

/* Most distinct values fitted: K - 1 cutpoints + beta stay small enough for the stack. */
#define MAX_CATEGORIES 64

/* Newton converges quadratically near the MLE: after a step of size d the error is
 * O(d^2). Once every component of a step is below STEP_TOL (1 + |theta|), the next iterate
 * is within ~STEP_TOL^2 ~ 1e-12 of the MLE; the information (hence the SE) is evaluated
 * there, and its own Newton correction applied, which leaves beta and the cutpoints
 * accurate to rounding and the SE to ~1e-12 relative. */
#define STEP_TOL (1.0 / 1048576.0) /* 2^-20 ~ 9.5e-7 */

/* A step is accepted when it does not lower the log-likelihood by more than this many
 * ulps of |l|: near the MLE the true increase is below the rounding of l itself. */
#define LL_SLACK (16.0 * DBL_EPSILON)

/* Typical fits take 3-6 Newton steps (near-separated ones more); beyond this the fit is
 * reported as failed rather than returned unconverged. */
#define MAX_ITER 100

/* Step halvings tried before giving up on an iteration (2^-40 of a Newton step). */
#define MAX_HALVINGS 40

/* exp(zeta) exp(-beta) is used for exp(zeta - beta) while every |zeta| and |beta| is at
 * most this: products stay below e^600, far from overflow. */
#define EXP_DIRECT_MAX 300.0

/* A cell between cutpoints spaced s apart has the factor 1 - exp(-s). From exp(zeta) the
 * ratio costs no call but loses ~ulp / (1 - exp(-s)) relatively: at most ~3 ulps above
 * this spacing; closer cutpoints use expm1. */
#define GAP_DIRECT_MIN 0.5

/* The fast tabulation path: values of at most this magnitude convert to int exactly and
 * leave room for the window below them. */
#define INT_WINDOW_LIMIT 1073741824.0 /* 2^30 */
/* Its window of counts, twice MAX_CATEGORIES wide. */
#define COUNT_WINDOW (2 * MAX_CATEGORIES)

/* The 2 x K table of counts, categories in ascending y, all with a patient. */
typedef struct {
    int k;
    double n[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
} table;

/* ======================================================================================
 * Tabulation
 * ====================================================================================== */

/* Fast path: every value an integer and all within MAX_CATEGORIES consecutive integers.
 * One pass counts into a window of COUNT_WINDOW integers around the first value, which
 * holds any MAX_CATEGORIES consecutive integers that include it; the window test in double
 * also rejects NaN and keeps the conversion to int defined. Returns 0 (table untouched)
 * when the data are not of that form. */
static int tabulate_small_integers(const mscsim_trial_data *data, table *t)
{
    const double first = data->y[0][0]; /* both arms are non-empty */
    if (!(fabs(first) <= INT_WINDOW_LIMIT) || (double)(int)first != first)
        return 0;
    const int base = (int)first - (MAX_CATEGORIES - 1);
    const double wlo = (double)base, whi = (double)(base + COUNT_WINDOW - 1);
    uint32_t count[MSCSIM_ARM_COUNT][COUNT_WINDOW];
    memset(count, 0, sizeof count);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const double *y = data->y[a];
        const size_t n = data->arm[a].n;
        if (n > UINT32_MAX)
            return 0;
        for (size_t i = 0; i < n; i++) {
            double v = y[i];
            if (!(v >= wlo && v <= whi))
                return 0;
            int iv = (int)v;
            if ((double)iv != v)
                return 0;
            count[a][iv - base]++;
        }
    }
    int lo = 0, hi = COUNT_WINDOW - 1;
    while (count[0][lo] + count[1][lo] == 0) /* stops at the first value at the latest */
        lo++;
    while (count[0][hi] + count[1][hi] == 0)
        hi--;
    if (hi - lo >= MAX_CATEGORIES)
        return 0;
    int k = 0;
    for (int v = lo; v <= hi; v++) {
        if (count[0][v] + count[1][v] == 0)
            continue;
        t->n[0][k] = (double)count[0][v];
        t->n[1][k] = (double)count[1][v];
        k++;
    }
    t->k = k;
    return 1;
}

/* General path: a sorted table of distinct values. Returns 0 on a NaN or when there are
 * more than MAX_CATEGORIES distinct values. */
static int tabulate_general(const mscsim_trial_data *data, table *t)
{
    double value[MAX_CATEGORIES];
    size_t count[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    int k = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const double *y = data->y[a];
        for (size_t i = 0, n = data->arm[a].n; i < n; i++) {
            double v = y[i];
            if (isnan(v))
                return 0;
            int lo = 0, hi = k; /* first index with value >= v */
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (value[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < k && value[lo] == v) {
                count[a][lo]++;
                continue;
            }
            if (k == MAX_CATEGORIES)
                return 0;
            size_t tail = (size_t)(k - lo);
            memmove(value + lo + 1, value + lo, tail * sizeof value[0]);
            for (int b = 0; b < MSCSIM_ARM_COUNT; b++) {
                memmove(count[b] + lo + 1, count[b] + lo, tail * sizeof count[b][0]);
                count[b][lo] = 0;
            }
            value[lo] = v;
            count[a][lo] = 1;
            k++;
        }
    }
    for (int j = 0; j < k; j++) {
        t->n[0][j] = (double)count[0][j];
        t->n[1][j] = (double)count[1][j];
    }
    t->k = k;
    return 1;
}

/* 1 when the MLE exists: both arms reach above the other's lowest category (see FAILURE). */
static int overlapping(const table *t)
{
    int first[MSCSIM_ARM_COUNT], last[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        first[a] = 0;
        while (t->n[a][first[a]] == 0.0)
            first[a]++;
        last[a] = t->k - 1;
        while (t->n[a][last[a]] == 0.0)
            last[a]--;
    }
    return last[0] > first[1] && last[1] > first[0];
}

/* ======================================================================================
 * Log-likelihood, gradient and observed information
 * ====================================================================================== */

/* At theta = (zeta_1..zeta_m, beta), m = K - 1: the cell probabilities, the gradient and
 * the information I = -Hessian, stored by blocks: cutpoints (tridiagonal: diag,
 * off[j] = I(j, j + 1)), cross[j] = I(j, beta) and bb = I(beta, beta). The log-likelihood
 * costs a log per cell and is only needed by some line-search steps, so it is computed
 * on demand (loglik()). */
typedef struct {
    double p[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    double grad[MAX_CATEGORIES]; /* grad[m] is d l / d beta */
    double diag[MAX_CATEGORIES];
    double off[MAX_CATEGORIES];
    double cross[MAX_CATEGORIES];
    double bb;
    double ll;   /* valid when have_ll */
    int have_ll;
} evaluation;

/* Fills e from each arm's cdf F(u_j), 1 - F(u_j) at the cutpoints and cell probabilities
 * p (read only; not const-qualified because C11 does not convert double (*)[N] to
 * const double (*)[N]). Returns 0 when a cell with patients has probability 0 (underflow
 * far in a tail). */
static int accumulate(const table *t, double cdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES],
                      double ccdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES],
                      double p[MSCSIM_ARM_COUNT][MAX_CATEGORIES], evaluation *e)
{
    const int m = t->k - 1;
    e->have_ll = 0;
    e->bb = 0.0;
    e->grad[m] = 0.0;
    for (int j = 0; j < m; j++)
        e->grad[j] = e->diag[j] = e->off[j] = e->cross[j] = 0.0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const double *n = t->n[a];
        /* r = n / pi and q = n / pi^2 per cell (0 for an empty cell). */
        double r[MAX_CATEGORIES], q[MAX_CATEGORIES];
        for (int c = 0; c <= m; c++) {
            e->p[a][c] = p[a][c];
            if (n[c] == 0.0) {
                r[c] = q[c] = 0.0;
                continue;
            }
            if (!(p[a][c] > 0.0))
                return 0;
            double inv = 1.0 / p[a][c];
            r[c] = n[c] * inv;
            q[c] = r[c] * inv;
        }
        /* d/du_j and -d2/du_j du_k of this arm's log-likelihood, with f = F (1 - F) and
         * f' = f (1 - 2F); u = zeta - x beta, so the beta derivatives of the msc arm are
         * minus the sums over j. */
        double row_prev = 0.0; /* I_u(j, j - 1) */
        double dens_next = m > 0 ? cdf[a][0] * ccdf[a][0] : 0.0;
        for (int j = 0; j < m; j++) {
            double dens = dens_next;
            dens_next = j + 1 < m ? cdf[a][j + 1] * ccdf[a][j + 1] : 0.0;
            double dr = r[j] - r[j + 1];
            double g = dens * dr;
            double d = dens * dens * (q[j] + q[j + 1]) - dens * (ccdf[a][j] - cdf[a][j]) * dr;
            double o = -dens * dens_next * q[j + 1];
            e->grad[j] += g;
            e->diag[j] += d;
            e->off[j] += o;
            if (a == MSCSIM_ARM_MSC) {
                e->grad[m] -= g;
                e->cross[j] -= row_prev + d + o;
                e->bb += d + 2.0 * o;
            }
            row_prev = o;
        }
    }
    return isfinite(e->bb) && isfinite(e->grad[m]);
}

/* Fills e at theta. Returns 0 when theta is outside the model (cutpoints not increasing)
 * or a cell with patients has probability 0. */
static int evaluate(const table *t, const double *theta, evaluation *e)
{
    const int m = t->k - 1;
    const double beta = theta[m];
    /* exp(zeta_j - x beta) = exp(zeta_j) exp(-beta) x: one exp per cutpoint, not per cell
     * and arm, while no product can overflow; otherwise exp(-|u|) per arm (any u). */
    double ez[MAX_CATEGORIES], eb = 0.0;
    int direct = fabs(beta) <= EXP_DIRECT_MAX;
    for (int j = 0; j < m; j++)
        direct &= fabs(theta[j]) <= EXP_DIRECT_MAX;
    if (direct) {
        for (int j = 0; j < m; j++)
            ez[j] = exp(theta[j]);
        eb = exp(-beta);
    }
    /* gap[j] = 1 - exp(-(zeta_j - zeta_{j-1})): the cell between cutpoints j - 1 and j is
     * F(u_j) (1 - F(u_{j-1})) gap[j] in either arm. */
    double gap[MAX_CATEGORIES];
    for (int j = 1; j < m; j++) {
        double spacing = theta[j] - theta[j - 1];
        if (!(spacing > 0.0))
            return 0;
        gap[j] = direct && spacing >= GAP_DIRECT_MIN ? 1.0 - ez[j - 1] / ez[j]
                                                     : -expm1(-spacing);
    }
    double cdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES], ccdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    double p[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        for (int j = 0; j < m; j++) {
            if (direct) {
                double ex = a == MSCSIM_ARM_MSC ? ez[j] * eb : ez[j]; /* exp(u) */
                double s = 1.0 / (1.0 + ex);
                cdf[a][j] = ex * s;
                ccdf[a][j] = s;
            } else {
                double u = a == MSCSIM_ARM_MSC ? theta[j] - beta : theta[j];
                double z = exp(-fabs(u)), s = 1.0 / (1.0 + z);
                cdf[a][j] = u >= 0.0 ? s : z * s;
                ccdf[a][j] = u >= 0.0 ? z * s : s;
            }
        }
        p[a][0] = cdf[a][0];
        for (int c = 1; c < m; c++)
            p[a][c] = cdf[a][c] * ccdf[a][c - 1] * gap[c];
        p[a][m] = ccdf[a][m - 1];
    }
    return accumulate(t, cdf, ccdf, p, e);
}

/* The log-likelihood at an evaluated point (computed once, then cached). */
static double loglik(const table *t, evaluation *e)
{
    if (!e->have_ll) {
        double ll = 0.0;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (int c = 0; c < t->k; c++)
                if (t->n[a][c] > 0.0)
                    ll += t->n[a][c] * log(e->p[a][c]);
        e->ll = ll;
        e->have_ll = 1;
    }
    return e->ll;
}

/* The Newton step delta = I^-1 grad by the tridiagonal LDL' of the cutpoint block and the
 * Schur complement *schur = I_bb - I_bz I_zz^-1 I_zb (= 1 / Var(beta) at the MLE). Returns
 * 0 when the information is not positive definite (numerically). */
static int newton_step(const evaluation *e, int m, double *delta, double *schur)
{
    double piv[MAX_CATEGORIES], mult[MAX_CATEGORIES];
    double w[MAX_CATEGORIES], v[MAX_CATEGORIES]; /* I_zz^-1 cross, I_zz^-1 grad_z */
    piv[0] = e->diag[0];
    w[0] = e->cross[0];
    v[0] = e->grad[0];
    if (!(piv[0] > 0.0))
        return 0;
    for (int j = 1; j < m; j++) {
        mult[j - 1] = e->off[j - 1] / piv[j - 1];
        piv[j] = e->diag[j] - mult[j - 1] * e->off[j - 1];
        if (!(piv[j] > 0.0))
            return 0;
        w[j] = e->cross[j] - mult[j - 1] * w[j - 1];
        v[j] = e->grad[j] - mult[j - 1] * v[j - 1];
    }
    w[m - 1] /= piv[m - 1];
    v[m - 1] /= piv[m - 1];
    for (int j = m - 2; j >= 0; j--) {
        w[j] = w[j] / piv[j] - mult[j] * w[j + 1];
        v[j] = v[j] / piv[j] - mult[j] * v[j + 1];
    }
    double cw = 0.0, cv = 0.0;
    for (int j = 0; j < m; j++) {
        cw += e->cross[j] * w[j];
        cv += e->cross[j] * v[j];
    }
    double s = e->bb - cw;
    if (!(s > 0.0) || !isfinite(s))
        return 0;
    double db = (e->grad[m] - cv) / s;
    for (int j = 0; j < m; j++)
        delta[j] = v[j] - w[j] * db;
    delta[m] = db;
    *schur = s;
    return 1;
}

/* ======================================================================================
 * The fit
 * ====================================================================================== */

typedef struct {
    int k;                            /* categories fitted */
    double zeta[MAX_CATEGORIES - 1];  /* cutpoints */
    double beta;   /* log odds ratio of a better outcome, msc vs control */
    double se;     /* Wald SE from the observed information */
    double loglik; /* maximised log-likelihood */
    double lr;     /* likelihood-ratio statistic against beta = 0 */
} po_fit;

/* Fits the model to t (k >= 2, overlapping arms). Returns 0 on a numerical failure. The
 * log-likelihood is computed only when want_loglik (the test hook). */
static int fit(const table *t, int want_loglik, po_fit *out)
{
    const int m = t->k - 1;
    double theta[MAX_CATEGORIES], trial[MAX_CATEGORIES], delta[MAX_CATEGORIES];
    double inv_share[MAX_CATEGORIES]; /* N / N_j: 1 / the null fit's cell probabilities */
    evaluation buf[2], *cur = &buf[0], *next = &buf[1];

    /* Start: the null MLE, zeta_j = logit(C_j / N) of the pooled cumulative counts C_j,
     * where F = C_j / N in both arms and the cells are N_j / N: no exp needed. */
    double total = 0.0, cum = 0.0;
    double cdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES], ccdf[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    double p[MSCSIM_ARM_COUNT][MAX_CATEGORIES];
    for (int j = 0; j <= m; j++)
        total += t->n[0][j] + t->n[1][j];
    for (int j = 0; j <= m; j++) {
        double share = t->n[0][j] + t->n[1][j];
        inv_share[j] = total / share;
        p[0][j] = p[1][j] = share / total;
        if (j < m) {
            cum += share;
            theta[j] = log(cum / (total - cum));
            cdf[0][j] = cdf[1][j] = cum / total;
            ccdf[0][j] = ccdf[1][j] = (total - cum) / total;
        }
    }
    theta[m] = 0.0;
    if (!accumulate(t, cdf, ccdf, p, cur))
        return 0;

    int converging = 0; /* the last step was a full one below STEP_TOL */
    for (int iter = 0; iter < MAX_ITER; iter++) {
        double schur;
        if (!newton_step(cur, m, delta, &schur))
            return 0;
        double gd = 0.0; /* directional derivative along delta, > 0 */
        for (int j = 0; j <= m; j++)
            gd += cur->grad[j] * delta[j];
        if (converging) {
            /* Apply the final correction; l(theta + delta) = l + g'delta - delta'I delta / 2
             * = l + g'delta / 2 up to O(|delta|^3). LR = 2 (l - l0) in deviance form,
             * 2 sum n log(pi / pi0) with pi0 = N_j / N the null fit: no cancellation
             * between two large log-likelihoods. */
            double dev = 0.0;
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
                for (int c = 0; c <= m; c++)
                    if (t->n[a][c] > 0.0)
                        dev += t->n[a][c] * log(cur->p[a][c] * inv_share[c]);
            out->k = t->k;
            for (int j = 0; j < m; j++)
                out->zeta[j] = theta[j] + delta[j];
            out->beta = theta[m] + delta[m];
            out->se = 1.0 / sqrt(schur);
            /* l(hat) >= l0 exactly; rounding can leave the difference a few ulps below 0. */
            out->lr = fmax(2.0 * dev + gd, 0.0);
            out->loglik = want_loglik ? loglik(t, cur) + 0.5 * gd : (double)NAN;
            return 1;
        }
        converging = 1;
        for (int j = 0; j <= m; j++)
            converging &= fabs(delta[j]) <= STEP_TOL * (1.0 + fabs(theta[j]));
        /* Step halving. A trial point is accepted when the log-likelihood is still rising
         * along delta there (then, l being concave, it rose all the way), else when it is
         * not lower than at theta (to rounding). */
        double step = 1.0;
        int h;
        for (h = 0; h < MAX_HALVINGS; h++, step *= 0.5) {
            for (int j = 0; j <= m; j++)
                trial[j] = theta[j] + step * delta[j];
            if (!evaluate(t, trial, next))
                continue;
            double slope = 0.0;
            for (int j = 0; j <= m; j++)
                slope += next->grad[j] * delta[j];
            if (slope >= 0.0)
                break;
            double l = loglik(t, cur);
            if (loglik(t, next) >= l - LL_SLACK * fabs(l))
                break;
        }
        if (h == MAX_HALVINGS)
            return 0;
        converging &= h == 0; /* a halved step says nothing about convergence */
        memcpy(theta, trial, (size_t)(m + 1) * sizeof theta[0]);
        evaluation *swap = cur;
        cur = next;
        next = swap;
    }
    return 0;
}

/* Tabulates and fits; 0 for every FAILURE case above. */
static int po_analyze(const mscsim_trial_data *data, int want_loglik, po_fit *out)
{
    if (data->arm[0].n == 0 || data->arm[1].n == 0)
        return 0;
    table t;
    if (!tabulate_small_integers(data, &t) && !tabulate_general(data, &t))
        return 0;
    if (t.k < 2 || !overlapping(&t))
        return 0;
    return fit(&t, want_loglik, out);
}

int sim_analysis_po_fit(const mscsim_trial_data *data, int *k, double *zeta, double *beta,
                           double *se, double *loglik, double *lr)
{
    po_fit f;
    if (!po_analyze(data, 1, &f))
        return 0;
    *k = f.k;
    memcpy(zeta, f.zeta, (size_t)(f.k - 1) * sizeof zeta[0]);
    *beta = f.beta;
    *se = f.se;
    *loglik = f.loglik;
    *lr = f.lr;
    return 1;
}

/* ======================================================================================
 * The two analysis types
 * ====================================================================================== */

/* The fit behind both analyses: the 2 x K table, or with [analysis] covariates the
 * adjusted fit (po_fit.c). Fills the estimate and returns 1, or marks the result failed. */
static int fit_estimate(const mscsim_trial_data *data, int want_lr, po_fit *f,
                        mscsim_analysis_result *result)
{
    int ok;
    if (data->cov_count > 0) {
        sim_po_adjusted adj;
        ok = sim_po_fit_adjusted(data, want_lr, &adj);
        f->beta = adj.beta;
        f->se = adj.se;
        f->lr = adj.lr;
    } else {
        ok = po_analyze(data, 0, f);
    }
    if (!ok) {
        sim_analysis_fail(result);
        return 0;
    }
    result->estimate = f->beta;
    result->se = f->se;
    return 1;
}

static void analyze_wald(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                         mscsim_analysis_result *result)
{
    po_fit f;
    if (fit_estimate(data, 0, &f, result))
        sim_analysis_t_finish(settings, f.beta / f.se, INFINITY, result);
}

static void analyze_lr(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                       mscsim_analysis_result *result)
{
    po_fit f;
    if (!fit_estimate(data, 1, &f, result))
        return;
    /* The signed root of the LR statistic: one-sided, a normal test like Wald's. */
    double root = copysign(sqrt(f.lr), f.beta);
    sim_analysis_t_finish(settings, root, INFINITY, result);
    if (settings->sides == 2) {
        result->reject = sim_analysis_chisq1_reject(settings, f.lr);
        result->p_value = settings->want_p ? pchisq(f.lr, 1.0, 0, 0) : (double)NAN;
    }
}

/* Whitehead's formula, the same for the Wald and the LR test: on the ordered categories
 * themselves, or on two categories (the event first) for a binary endpoint. */
static sim_analytic_status po_design(const mscsim_analytic_outcome *o, const mscsim_config *cfg,
                                     mscsim_analytic_design *d, char *why, size_t why_len)
{
    if (mscsim_config_is_set(cfg, "analysis", "covariates"))
        return sim_analytic_none(why, why_len, "no formula for the covariate-adjusted "
                                               "proportional-odds model (its gain depends on "
                                               "the covariates' prognostic strength)");
    if (o->kind == SIM_ANALYTIC_ORDERED) {
        d->method = MSCSIM_ANALYTIC_WHITEHEAD;
        d->categories = o->categories;
        memcpy(d->probs, o->probs, (size_t)o->categories * sizeof o->probs[0]);
        d->odds_ratio = o->odds_ratio;
        return SIM_ANALYTIC_FOUND;
    }
    if (o->kind != SIM_ANALYTIC_BINARY)
        return SIM_ANALYTIC_NO_FORMULA;
    const double p0 = o->p[0], p1 = o->p[1];
    if (!(p0 > 0.0 && p0 < 1.0 && p1 > 0.0 && p1 < 1.0))
        return sim_analytic_none(why, why_len, "a proportion of 0 or 1 has no finite odds ratio");
    d->method = MSCSIM_ANALYTIC_WHITEHEAD;
    d->categories = 2;
    d->probs[0] = p0;
    d->probs[1] = 1.0 - p0;
    d->odds_ratio = p1 * (1.0 - p0) / (p0 * (1.0 - p1));
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {.design = po_design};

const mscsim_analysis_type sim_analysis_po = {
    .name = "po",
    .description = "proportional-odds (cumulative logit) model on arm (+ [analysis] covariates when set), Wald test (MASS::polr)",
    .outcomes = MSCSIM_OUTCOME_ORDINAL | MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .uses_covariates = 1,
    .estimand = MSCSIM_ESTIMAND_LOG_ODDS_RATIO,
    .analyze = analyze_wald,
    .analytic = &analytic,
};

const mscsim_analysis_type sim_analysis_po_lr = {
    .name = "po_lr",
    .description = "proportional-odds model on arm (+ covariates when set), likelihood-ratio test (polr + anova)",
    .outcomes = MSCSIM_OUTCOME_ORDINAL | MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .uses_covariates = 1,
    .estimand = MSCSIM_ESTIMAND_LOG_ODDS_RATIO,
    .analyze = analyze_lr,
    .analytic = &analytic,
};
