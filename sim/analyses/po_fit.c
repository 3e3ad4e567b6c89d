/*
 * The covariate-adjusted proportional-odds fit: po and po_lr with [analysis] covariates.
 *
 * MODEL
 *   With the endpoint's k distinct observed values as ordered categories (ascending y, so
 *   higher = better), arm = 0 (control) or 1 (msc) and the K covariates x,
 *     logit P(Y <= j | arm, x) = zeta_j - beta arm - gamma' x,   j = 1..k-1,
 *   MASS::polr(factor(y) ~ arm + x_1 + ... + x_K, method = "logistic"). beta is the log
 *   odds ratio of a better outcome with msc conditional on the covariates, the adjusted
 *   estimate; se is from the observed information at the MLE (polr's vcov). The LR
 *   statistic compares with the fit without arm (covariates kept):
 *   anova(polr(y ~ x), polr(y ~ arm + x)).
 *
 * METHOD
 *   Newton-Raphson on the full likelihood of (zeta, gamma, beta), from zeta_j = logit of the
 *   pooled cumulative shares and gamma = beta = 0 (for the LR test the fit without arm
 *   first, then the full one from it). The covariates are centred and scaled to unit sd
 *   for the iterations (beta and its SE do not change; zeta and gamma are transformed back),
 *   so the step tolerance means the same for every covariate and the information is well
 *   conditioned. Each observation in category c with linear predictor eta contributes
 *   log pi, pi = F(zeta_c - eta) - F(zeta_{c-1} - eta), computed without cancellation as
 *   F(a) (1 - F(b)) (1 - exp(b - a)) (po.c), and its exact first and second derivatives in
 *   a = zeta_c - eta and b = zeta_{c-1} - eta; the information (k - 1 + K + 1 square, at
 *   most 68) is dense and solved by Cholesky, the beta coordinate last so that
 *   Var(beta) = 1 / L_PP^2. Step halving, the convergence rule (a full step below
 *   STEP_TOL, then one last correction) and the log-likelihood's quadratic model for that
 *   correction are po.c's. The log-likelihood is concave (Pratt 1981).
 *
 *   Observations: when the only covariate is integer-valued within a window of
 *   GROUP_WINDOW values (baseline NIHSS) and there are at most GROUP_CATEGORIES categories
 *   (the mRS), patients are grouped by (arm, covariate value) with a count per category,
 *   which is exact (the likelihood is a sum over patients): an iteration costs one exp and
 *   k - 1 logistic cdfs per group instead of two per patient; otherwise every patient is
 *   one observation, visited through the data's own arrays. exp(zeta_j - eta) is
 *   exp(zeta_j) exp(-eta), one exp per observation, while no product can overflow (po.c's
 *   EXP_DIRECT_MAX); else exp(-|u|) per cut. Either way nothing is allocated: the groups
 *   and the information live on the stack.
 *
 * FAILURE (0)
 *   po.c's (an empty arm, a NaN value, < 2 or > 64 categories, arms separated on the
 *   outcome, a numerical breakdown or no convergence within MAX_ITER), plus a NaN
 *   covariate, a constant one (lm's rank rule: its centred norm below SIM_LM_QR_TOL of its
 *   uncentred norm; polr would drop it) and collinear covariates (the information is then
 *   singular). Separation by a covariate, which has no table test, shows as steps that do
 *   not converge within MAX_ITER.
 *
 * REFERENCE
 *   McCullagh (1980), JRSS B 42:109-142; Pratt (1981), JASA 76:103-106; Venables & Ripley
 *   (2002), MASS 4th ed., sec. 7.3. Checked against MASS::polr in tests/test_analysis_po.c
 *   (tests/ref/make_po_ref.R, po_cov_data.csv and po_cov_ref.csv).
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lm.h"
#include "po_fit.h"

#define MAX_K SIM_PO_MAX_CATEGORIES
#define MAX_COV MSCSIM_MAX_COVARIATES
#define MAX_P (MAX_K - 1 + MAX_COV + 1)
#define PACKED_SIZE (MAX_P * (MAX_P + 1) / 2)
/* Element (i, j), i >= j, of a packed lower triangle. */
#define AT(i, j) ((i) * ((i) + 1) / 2 + (j))

/* po.c's convergence and line-search constants, for the same reasons. */
#define STEP_TOL (1.0 / 1048576.0)
#define LL_SLACK (16.0 * DBL_EPSILON)
#define MAX_ITER 100
#define MAX_HALVINGS 40

/* Grouping: one integer covariate within this many consecutive values, at most this many
 * categories (2 x 64 groups of 80 bytes on the stack). */
#define GROUP_WINDOW 64
#define GROUP_CATEGORIES 8
#define MAX_GROUPS (MSCSIM_ARM_COUNT * GROUP_WINDOW)

/* po.c's bound for exp(zeta) exp(-eta) instead of exp(zeta - eta): products below e^600. */
#define EXP_DIRECT_MAX 300.0

typedef struct {
    double x;                   /* the covariate, standardised */
    double w[GROUP_CATEGORIES]; /* patients per category */
    int arm;
} group_cell;

typedef struct {
    const mscsim_trial_data *data;
    int k, m, K;                          /* categories, cutpoints, covariates */
    double value[MAX_K];                  /* the categories' values, ascending */
    double mean[MAX_COV], scale[MAX_COV]; /* standardised x = (x - mean) scale */
    int groups;                           /* > 0: fit these groups, not the patients */
    group_cell group[MAX_GROUPS];
} problem;

/* The gradient and the information (-Hessian, packed lower triangle) at theta =
 * (zeta_1..zeta_m, gamma_1..gamma_K[, beta]). */
typedef struct {
    double grad[MAX_P];
    double info[PACKED_SIZE];
} evaluation;

/* ======================================================================================
 * Set-up
 * ====================================================================================== */

/* The category of an observed value (binary search; y is one of the values). */
static inline int category(const problem *pr, double y)
{
    int lo = 0, hi = pr->k - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (pr->value[mid] < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The sorted distinct values of y and the arms' overlap (po.c's separation rule on the
 * values: with every category observed, the MLE of beta needs each arm to reach above the
 * other's lowest value). Returns 0 on a NaN, too many values, one value or separation. */
static int collect_values(problem *pr)
{
    const mscsim_trial_data *d = pr->data;
    double lo[MSCSIM_ARM_COUNT], hi[MSCSIM_ARM_COUNT];
    int k = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        lo[a] = INFINITY;
        hi[a] = -INFINITY;
        for (size_t i = 0; i < d->arm[a].n; i++) {
            double v = d->y[a][i];
            if (isnan(v))
                return 0;
            lo[a] = fmin(lo[a], v);
            hi[a] = fmax(hi[a], v);
            int at = 0, top = k; /* first index with value >= v */
            while (at < top) {
                int mid = (at + top) / 2;
                if (pr->value[mid] < v)
                    at = mid + 1;
                else
                    top = mid;
            }
            if (at < k && pr->value[at] == v)
                continue;
            if (k == MAX_K)
                return 0;
            memmove(pr->value + at + 1, pr->value + at, (size_t)(k - at) * sizeof(double));
            pr->value[at] = v;
            k++;
        }
    }
    pr->k = k;
    pr->m = k - 1;
    return k >= 2 && hi[0] > lo[1] && hi[1] > lo[0];
}

/* Means and scales of the covariates; 0 for a NaN, constant or absent one. Sets *window
 * when the first covariate is integer-valued within GROUP_WINDOW consecutive values, with
 * *base its smallest value. */
static int standardise(problem *pr, int *window, int *base)
{
    const mscsim_trial_data *d = pr->data;
    const double n = (double)(d->arm[0].n + d->arm[1].n);
    *window = 1;
    double lowest = INFINITY, highest = -INFINITY;
    for (int j = 0; j < pr->K; j++) {
        double s = 0.0;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            const double *x = d->cov[a][j];
            if (!x)
                return 0;
            for (size_t i = 0; i < d->arm[a].n; i++) {
                s += x[i];
                if (j == 0) {
                    *window &= x[i] == nearbyint(x[i]);
                    lowest = fmin(lowest, x[i]);
                    highest = fmax(highest, x[i]);
                }
            }
        }
        if (!isfinite(s))
            return 0;
        double mean = s / n, ss = 0.0;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (size_t i = 0; i < d->arm[a].n; i++) {
                double c = d->cov[a][j][i] - mean;
                ss += c * c;
            }
        double norm2 = ss + n * mean * mean;
        if (!(ss > SIM_LM_QR_TOL * SIM_LM_QR_TOL * norm2))
            return 0;
        pr->mean[j] = mean;
        pr->scale[j] = 1.0 / sqrt(ss / n);
    }
    *window &= highest - lowest < GROUP_WINDOW && fabs(lowest) < 1e9;
    *base = *window ? (int)lowest : 0;
    return 1;
}

/* Groups the patients by (arm, covariate value): one integer covariate on a window, few
 * categories. */
static void group(problem *pr, int base)
{
    const mscsim_trial_data *d = pr->data;
    uint32_t count[MSCSIM_ARM_COUNT][GROUP_WINDOW][GROUP_CATEGORIES];
    memset(count, 0, sizeof count);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        for (size_t i = 0; i < d->arm[a].n; i++)
            count[a][(int)d->cov[a][0][i] - base][category(pr, d->y[a][i])]++;
    int groups = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        for (int v = 0; v < GROUP_WINDOW; v++) {
            uint32_t any = 0;
            for (int c = 0; c < pr->k; c++)
                any |= count[a][v][c];
            if (!any)
                continue;
            group_cell *g = &pr->group[groups++];
            g->x = ((double)(base + v) - pr->mean[0]) * pr->scale[0];
            g->arm = a;
            for (int c = 0; c < pr->k; c++)
                g->w[c] = (double)count[a][v][c];
        }
    pr->groups = groups;
}

/* ======================================================================================
 * Likelihood
 * ====================================================================================== */

/* What every observation needs from theta. */
typedef struct {
    const double *theta;
    double gap[MAX_K]; /* gap[c] = 1 - exp(-(zeta_c - zeta_{c-1})), 0 < c < m */
    double ez[MAX_K];  /* exp(zeta_j) when direct */
    int direct;        /* every |zeta_j| <= EXP_DIRECT_MAX */
    int with_arm;
} point;

/* 0 when the cutpoints do not increase (theta is outside the model). */
static int point_set(const problem *pr, const double *theta, int with_arm, point *pt)
{
    pt->theta = theta;
    pt->with_arm = with_arm;
    pt->direct = 1;
    for (int j = 0; j < pr->m; j++)
        pt->direct &= fabs(theta[j]) <= EXP_DIRECT_MAX;
    for (int j = 0; pt->direct && j < pr->m; j++)
        pt->ez[j] = exp(theta[j]);
    for (int c = 1; c < pr->m; c++) {
        double spacing = theta[c] - theta[c - 1];
        if (!(spacing > 0.0))
            return 0;
        pt->gap[c] = -expm1(-spacing);
    }
    return 1;
}

/* The linear predictor of an observation with standardised covariates x. */
static inline double predictor(const problem *pr, const point *pt, const double *x, int arm)
{
    double eta = pt->with_arm && arm ? pt->theta[pr->m + pr->K] : 0.0;
    for (int j = 0; j < pr->K; j++)
        eta += pt->theta[pr->m + j] * x[j];
    return eta;
}

/* exp(-eta) for cut_cdf, or NaN when the direct products could overflow. */
static inline double exp_minus(const point *pt, double eta)
{
    return pt->direct && fabs(eta) <= EXP_DIRECT_MAX ? exp(-eta) : (double)NAN;
}

/* F and 1 - F at cut j for eta, each without cancellation; em = exp_minus(eta). */
static inline void cut_cdf(const point *pt, int j, double eta, double em, double *F, double *Fc)
{
    if (!isnan(em)) {
        double ex = pt->ez[j] * em, s = 1.0 / (1.0 + ex);
        *F = ex * s;
        *Fc = s;
        return;
    }
    double u = pt->theta[j] - eta, z = exp(-fabs(u)), s = 1.0 / (1.0 + z);
    *F = u >= 0.0 ? s : z * s;
    *Fc = u >= 0.0 ? z * s : s;
}

/* The cdfs bounding category c: at a = zeta_c - eta (F = 1, 1 - F = 0 above the top cut)
 * and at b = zeta_{c-1} - eta (F = 0, 1 - F = 1 below the bottom one). */
typedef struct {
    double Fa, Fca, Fb, Fcb;
} bounds;

static inline bounds category_bounds(const problem *pr, const point *pt, int c, double eta,
                                     double em)
{
    bounds b = {1.0, 0.0, 0.0, 1.0};
    if (c < pr->m)
        cut_cdf(pt, c, eta, em, &b.Fa, &b.Fca);
    if (c > 0)
        cut_cdf(pt, c - 1, eta, em, &b.Fb, &b.Fcb);
    return b;
}

/* pi of category c from its bounds. */
static inline double category_prob(const problem *pr, const point *pt, int c, const bounds *b)
{
    return c == 0 ? b->Fa : c == pr->m ? b->Fcb : b->Fa * b->Fcb * pt->gap[c];
}

/* Adds w times the gradient and information of an observation in category c, with
 * standardised covariates x, to e. Returns 0 when pi = 0. */
static inline int add_observation(const problem *pr, const point *pt, int c, double w,
                                  const double *x, int arm, const bounds *b, evaluation *e)
{
    const int m = pr->m, K = pr->K, R = K + (pt->with_arm ? 1 : 0);
    double p = category_prob(pr, pt, c, b);
    if (!(p > 0.0))
        return 0;
    /* Derivatives of log pi in a and b (f = F (1 - F), f' = f (1 - 2F)); both terms of
     * an end category vanish through its F = 1 or F = 0. */
    double inv = 1.0 / p, fa = b->Fa * b->Fca, fb = b->Fb * b->Fcb;
    double ga = fa * inv, gb = -fb * inv;
    double haa = fa * (b->Fca - b->Fa) * inv - ga * ga;
    double hbb = -fb * (b->Fcb - b->Fb) * inv - gb * gb;
    double hab = -ga * gb;
    /* eta enters a and b with coefficient -1: regressor r has x_r there. */
    double r[MAX_COV + 1];
    for (int j = 0; j < K; j++)
        r[j] = x[j];
    if (pt->with_arm)
        r[K] = arm;
    double ge = -(ga + gb), hza = haa + hab, hzb = hab + hbb, hee = haa + 2.0 * hab + hbb;
    if (c < m) {
        e->grad[c] += w * ga;
        e->info[AT(c, c)] -= w * haa;
    }
    if (c > 0) {
        e->grad[c - 1] += w * gb;
        e->info[AT(c - 1, c - 1)] -= w * hbb;
        if (c < m)
            e->info[AT(c, c - 1)] -= w * hab;
    }
    for (int i = 0; i < R; i++) {
        int row = m + i;
        double wr = w * r[i];
        e->grad[row] += wr * ge;
        if (c < m)
            e->info[AT(row, c)] += wr * hza;
        if (c > 0)
            e->info[AT(row, c - 1)] += wr * hzb;
        for (int j = 0; j <= i; j++)
            e->info[AT(row, m + j)] -= wr * r[j] * hee;
    }
    return 1;
}

/* The cdfs at every cut for a group's eta: each category's bounds from its neighbours. */
static inline void group_bounds(const problem *pr, const point *pt, double eta,
                                bounds b[GROUP_CATEGORIES])
{
    double em = exp_minus(pt, eta), F = 0.0, Fc = 1.0;
    for (int c = 0; c <= pr->m; c++) {
        b[c].Fb = F;
        b[c].Fcb = Fc;
        if (c < pr->m)
            cut_cdf(pt, c, eta, em, &F, &Fc);
        else
            F = 1.0, Fc = 0.0;
        b[c].Fa = F;
        b[c].Fca = Fc;
    }
}

/* The standardised covariates of patient i of arm a. */
static inline void patient_x(const problem *pr, int a, size_t i, double *x)
{
    for (int j = 0; j < pr->K; j++)
        x[j] = (pr->data->cov[a][j][i] - pr->mean[j]) * pr->scale[j];
}

/* One observation's share of a sweep: into e, or its log-likelihood into *ll. */
static inline int visit(const problem *pr, const point *pt, int c, double w, const double *x,
                        int arm, const bounds *b, evaluation *e, double *ll)
{
    if (e)
        return add_observation(pr, pt, c, w, x, arm, b, e);
    *ll += w * log(category_prob(pr, pt, c, b));
    return 1;
}

/* One pass over the observations at theta. With e: the gradient and information, 0 when
 * theta is outside the model or a pi is 0. Without (a point a sweep with e accepted): the
 * log-likelihood into *ll. */
static int sweep(const problem *pr, const double *theta, int with_arm, evaluation *e,
                 double *ll)
{
    const int P = pr->m + pr->K + (with_arm ? 1 : 0);
    point pt;
    if (!point_set(pr, theta, with_arm, &pt))
        return 0;
    if (e) {
        memset(e->grad, 0, (size_t)P * sizeof e->grad[0]);
        memset(e->info, 0, (size_t)AT(P, 0) * sizeof e->info[0]);
    }
    double sum = 0.0;
    int ok = 1;
    for (int g = 0; g < pr->groups; g++) {
        const group_cell *gc = &pr->group[g];
        bounds b[GROUP_CATEGORIES];
        group_bounds(pr, &pt, predictor(pr, &pt, &gc->x, gc->arm), b);
        for (int c = 0; c <= pr->m; c++)
            if (gc->w[c] > 0.0)
                ok &= visit(pr, &pt, c, gc->w[c], &gc->x, gc->arm, &b[c], e, &sum);
    }
    for (int a = 0; pr->groups == 0 && a < MSCSIM_ARM_COUNT; a++)
        for (size_t i = 0; i < pr->data->arm[a].n; i++) {
            double x[MAX_COV];
            patient_x(pr, a, i, x);
            int c = category(pr, pr->data->y[a][i]);
            double eta = predictor(pr, &pt, x, a);
            bounds b = category_bounds(pr, &pt, c, eta, exp_minus(&pt, eta));
            ok &= visit(pr, &pt, c, 1.0, x, a, &b, e, &sum);
        }
    if (!e) {
        *ll = sum;
        return 1;
    }
    return ok && isfinite(e->grad[P - 1]) && isfinite(e->info[AT(P - 1, P - 1)]);
}

static int evaluate(const problem *pr, const double *theta, int with_arm, evaluation *e)
{
    return sweep(pr, theta, with_arm, e, NULL);
}

static double loglik(const problem *pr, const double *theta, int with_arm)
{
    double ll = NAN;
    sweep(pr, theta, with_arm, NULL, &ll);
    return ll;
}

/* delta = I^-1 grad by Cholesky (in a copy); *last = L_PP^2, 1 / Var of the last
 * coordinate. 0 when I is not positive definite. */
static int newton_step(const evaluation *e, int P, double *delta, double *last)
{
    double L[PACKED_SIZE];
    if (P < 1)
        return 0;
    for (int i = 0; i < P; i++) {
        for (int j = 0; j <= i; j++) {
            double v = e->info[AT(i, j)];
            for (int l = 0; l < j; l++)
                v -= L[AT(i, l)] * L[AT(j, l)];
            if (j < i) {
                L[AT(i, j)] = v / L[AT(j, j)];
            } else {
                if (!(v > 0.0) || !isfinite(v))
                    return 0;
                L[AT(i, i)] = sqrt(v);
            }
        }
    }
    double z[MAX_P];
    for (int i = 0; i < P; i++) {
        double v = e->grad[i];
        for (int l = 0; l < i; l++)
            v -= L[AT(i, l)] * z[l];
        z[i] = v / L[AT(i, i)];
    }
    for (int i = P - 1; i >= 0; i--) {
        double v = z[i];
        for (int r = i + 1; r < P; r++)
            v -= L[AT(r, i)] * delta[r];
        delta[i] = v / L[AT(i, i)];
    }
    *last = L[AT(P - 1, P - 1)] * L[AT(P - 1, P - 1)];
    return 1;
}

/* Newton-Raphson from theta (updated in place to the MLE). *ll is the maximised
 * log-likelihood and *var_last the variance of the last coordinate. 0 on failure. */
static int newton(const problem *pr, double *theta, int with_arm, double *ll, double *var_last)
{
    const int P = pr->m + pr->K + (with_arm ? 1 : 0);
    double trial[MAX_P], delta[MAX_P];
    evaluation buf[2], *cur = &buf[0], *next = &buf[1];
    if (!evaluate(pr, theta, with_arm, cur))
        return 0;
    double cur_ll = NAN;
    int have_ll = 0, converging = 0;
    for (int iter = 0; iter < MAX_ITER; iter++) {
        double last;
        if (!newton_step(cur, P, delta, &last))
            return 0;
        double gd = 0.0;
        for (int j = 0; j < P; j++)
            gd += cur->grad[j] * delta[j];
        if (converging) {
            /* The last correction; l(theta + delta) = l + g'delta / 2 to O(|delta|^3). */
            *ll = (have_ll ? cur_ll : loglik(pr, theta, with_arm)) + 0.5 * gd;
            for (int j = 0; j < P; j++)
                theta[j] += delta[j];
            *var_last = 1.0 / last;
            return isfinite(*ll);
        }
        converging = 1;
        for (int j = 0; j < P; j++)
            converging &= fabs(delta[j]) <= STEP_TOL * (1.0 + fabs(theta[j]));
        /* Halving as in po.c: accept while l still rises along delta at the trial point,
         * else when l there is not lower than at theta (to rounding). */
        double step = 1.0, trial_ll = NAN;
        int h, trial_has_ll = 0;
        for (h = 0; h < MAX_HALVINGS; h++, step *= 0.5) {
            for (int j = 0; j < P; j++)
                trial[j] = theta[j] + step * delta[j];
            if (!evaluate(pr, trial, with_arm, next))
                continue;
            double slope = 0.0;
            for (int j = 0; j < P; j++)
                slope += next->grad[j] * delta[j];
            if (slope >= 0.0)
                break;
            if (!have_ll) {
                cur_ll = loglik(pr, theta, with_arm);
                have_ll = 1;
            }
            trial_ll = loglik(pr, trial, with_arm);
            trial_has_ll = 1;
            if (trial_ll >= cur_ll - LL_SLACK * fabs(cur_ll))
                break;
        }
        if (h == MAX_HALVINGS)
            return 0;
        converging &= h == 0;
        memcpy(theta, trial, (size_t)P * sizeof theta[0]);
        have_ll = trial_has_ll;
        cur_ll = trial_ll;
        evaluation *swap = cur;
        cur = next;
        next = swap;
    }
    return 0;
}

/* ======================================================================================
 * The fit
 * ====================================================================================== */

int sim_po_fit_adjusted(const mscsim_trial_data *data, int want_lr, sim_po_adjusted *out)
{
    problem pr;
    pr.data = data;
    pr.K = data->cov_count;
    pr.groups = 0;
    if (pr.K < 1 || pr.K > MAX_COV || data->arm[0].n == 0 || data->arm[1].n == 0)
        return 0;
    int window, base;
    if (!collect_values(&pr) || !standardise(&pr, &window, &base))
        return 0;
    if (pr.K == 1 && window && pr.k <= GROUP_CATEGORIES)
        group(&pr, base);

    /* Start: the pooled cumulative shares, the MLE with gamma = beta = 0. */
    const int m = pr.m, K = pr.K;
    double theta[MAX_P];
    {
        double cum[MAX_K] = {0.0}, total = 0.0;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (size_t i = 0; i < data->arm[a].n; i++)
                cum[category(&pr, data->y[a][i])] += 1.0;
        for (int c = 0; c <= m; c++)
            total += cum[c];
        double below = 0.0;
        for (int c = 0; c < m; c++) {
            below += cum[c];
            theta[c] = log(below / (total - below));
        }
        for (int j = 0; j <= K; j++)
            theta[m + j] = 0.0;
    }
    double ll0 = NAN, ll1, var_beta, unused;
    if (want_lr && !newton(&pr, theta, 0, &ll0, &unused))
        return 0;
    theta[m + K] = 0.0;
    if (!newton(&pr, theta, 1, &ll1, &var_beta) || !(var_beta > 0.0))
        return 0;

    out->k = pr.k;
    out->covariates = K;
    double shift = 0.0; /* back to the covariates' own origin and units */
    for (int j = 0; j < K; j++) {
        out->gamma[j] = theta[m + j] * pr.scale[j];
        shift += out->gamma[j] * pr.mean[j];
    }
    for (int c = 0; c < m; c++)
        out->zeta[c] = theta[c] + shift;
    out->beta = theta[m + K];
    out->se = sqrt(var_beta);
    out->loglik = ll1;
    /* l(full) >= l(null) exactly; rounding can leave the difference a few ulps below 0. */
    out->lr = want_lr ? fmax(2.0 * (ll1 - ll0), 0.0) : (double)NAN;
    out->grouped = pr.groups > 0;
    return isfinite(out->beta) && isfinite(out->se);
}
