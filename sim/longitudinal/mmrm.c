/*
 * MMRM and cLDA by REML with an unstructured covariance (mmrm.h).
 *
 * MODEL. Patient i has D response dimensions (MMRM: the visits; cLDA: the baseline, then
 * the visits), observed on a set O_i, y_i ~ N(X_i beta, Sigma_{O_i O_i}). At dimension d
 * the mean is the first q[d] entries of z_i = (1, arm_i, baseline_i) times beta's block
 * of dimension d: MMRM q = 3 everywhere (cell means per visit: the column space of R's
 * visit * arm + visit * baseline, reached from it by an integer unimodular map, so even
 * log det X'WX and nlme's REML log-likelihood agree); cLDA q = 1 at the baseline (one
 * mean for both arms), 2 at every visit. The effect is beta's arm entry of the primary
 * visit's block, so se^2 = C_kk with C = (X' W X)^-1, W = V^-1.
 *
 * SUFFICIENT STATISTICS. Patients who share O (a missingness pattern p) enter every
 * quantity below only through n_p, S_zz = sum z z', S_zy = sum z y', S_yy = sum y y'
 * (mmrm_data.c), so the iterations cost nothing per patient. With W_p = Sigma_OO^-1
 * embedded in D x D (zero outside O) and B the D x 3 matrix of beta's blocks:
 *   X'WX [d c][e c'] = sum_p W_p[d][e] S_zz[c][c'],  X'Wy [d c] = sum_p (W_p S_yz)[d][c],
 *   R_p = sum r r' = S_yy - B S_zy - S_yz B' + B S_zz B',  Rz_p = sum r z' = S_yz - B S_zz,
 *   K_p[d][e] = sum_{c, c'} C[d c][e c'] S_zz[c][c'].
 * REML log-likelihood (as nlme's logLik for method "REML"):
 *   l = -1/2 [(N - p) log 2 pi + sum_p n_p log det Sigma_OO + log det X'WX + sum_p tr W_p R_p].
 *
 * PARAMETERS AND DERIVATIVES. theta = the D(D+1)/2 distinct entries of Sigma itself, so
 * dV/dtheta_j restricted to a pattern is E_j = e_a e_b' + e_b e_a' (e_a e_a' when a = b)
 * and second derivatives of V vanish. With P = W - W X C X' W (Harville 1977, JASA 72:320;
 * Searle, Casella & McCulloch 1992, Variance Components, ch. 6), T(A, B)_jk = tr(A E_j B
 * E_k) and A_j = X' W E_j W X = sum_p (W_p E_j W_p) (x) S_zz:
 *   gradient g_j = tr(E_j G), G = -1/2 sum_p (n_p W_p - W_p (K_p + R_p) W_p);
 *   expected information F = 1/2 tr(P V_j P V_k)
 *       = sum_p T(n_p/2 W_p - W_p K_p W_p, W_p) + 1/2 tr(C A_j C A_k);
 *   Q_jk = y' P V_j P V_k P y = r' W V_j P V_k W r = sum_p T(W_p R_p W_p, W_p) - h_j' C h_k,
 *       h_j = X' W V_j W r = sum_p W_p E_j W_p Rz_p;
 *   observed information -d2l = Q - F (Q / 2 is the average information of Gilmour,
 *   Thompson & Cullis 1995, Biometrics 51:1440).
 * tr(C A_j C A_k) is formed from the products C A_j; h_j' C h_k = (U' h_j)' (U' h_k) with
 * C = U U', U = L^-T from X'WX = L L'.
 *
 * ITERATION. Newton-type steps with step halving until the log-likelihood increases and
 * Sigma stays positive definite (SIM_MMRM_MAX_HALVINGS). Far from the maximum the steps use
 * the average information Q / 2 (always positive semi-definite and free of the
 * tr(C A_j C A_k) term, which is most of the cost); once the decrement is below
 * NEWTON_DECREMENT they use the observed information (quadratic convergence), falling back
 * to the average one where the observed is not positive definite. Start: the warm start if
 * given and positive definite, else the pairwise-complete residual covariance of the
 * per-visit least-squares fits (mmrm_data.c). Convergence: the decrement g' I^-1 g <=
 * SIM_MMRM_DECREMENT_TOL = 1e-20. The decrement is twice the increase of l the quadratic
 * model still predicts and the squared gradient in the inverse-information metric, so one
 * number bounds both the objective's remaining change and the gradient: at 1e-20 the
 * distance to the maximum is ~1e-10 of theta's standard errors (1e-14 left differences of
 * ~1e-8 from the R maximum when the last steps used the average information; 1e-20 costs
 * about one more step). Its rounding floor is ~n x 1e-30, far below. Below a decrement of 1e-8 the
 * predicted gain is under l's rounding, so a full step is taken without the increase test.
 *
 * SATTERTHWAITE. df = 2 f^2 / (g_f' I^-1 g_f), f = C_kk, g_f,j = d f / d theta_j
 * = (C A_j C)_kk = tr(E_j sum_p W_p N_p W_p), N_p[d][e] = c_d' S_zz c_e with c_d the
 * block d of column k of C; I is the observed information at the REML estimate (the
 * Hessian, as the R packages mmrm and lmerTest use), or the expected one if the observed is
 * not positive definite. The df is invariant to the parametrisation of Sigma at the
 * maximum. tests/ref/README.md compares it with nlme's N - p.
 *
 * FAILURES (result->status and reason): bad input; a dimension with fewer than q + 1
 * observations or aliased mean columns there (lm's rank rule); two dimensions never
 * observed together; a non-positive-definite Sigma that no step avoids; or no convergence.
 */
#include "mmrm.h"

#include <math.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "dense.h"
#include "mmrm_impl.h"

#define SIM_MMRM_DECREMENT_TOL 1e-20
#define SIM_MMRM_MAX_HALVINGS 40
/* Below this decrement the steps use the observed information (quadratic convergence). */
#define NEWTON_DECREMENT 1e-6
/* A Newton decrement below this predicts a gain under the rounding of l. */
#define FULL_STEP_DECREMENT 1e-8

/* Carves the workspace for D dimensions, p columns and cap patterns, or (work NULL) counts
 * its bytes. */
static size_t layout(mmrm_fit *f, void *work, int D, int p, size_t cap)
{
    size_t nth = (size_t)(D * (D + 1) / 2), DD = (size_t)(D * D), pp = (size_t)(p * p);
    size_t head = cap * sizeof(mmrm_pattern);
    head = (head + alignof(double) - 1) / alignof(double) * alignof(double);
    size_t per_pat = 3 * (size_t)D + 4 * DD + 3 * (size_t)D;
    size_t doubles = cap * per_pat + 6 * DD + 5 * pp + 2 * (size_t)p + 2 * nth + 4 * nth * nth +
                     nth * pp + nth * (size_t)p;
    if (!work)
        return head + doubles * sizeof(double);
    f->pat = work;
    f->cap = cap;
    double *x = (double *)(void *)((char *)work + head);
    for (size_t t = 0; t < cap; t++) {
        mmrm_pattern *pt = &f->pat[t];
        pt->szy = x, x += 3 * (size_t)D;
        pt->syy = x, x += DD;
        pt->w = x, x += DD;
        pt->r = x, x += DD;
        pt->k = x, x += DD;
        pt->rz = x, x += 3 * (size_t)D;
    }
    f->sigma = x, x += DD;
    f->trial = x, x += DD;
    f->scratch = x, x += 4 * DD;
    f->xwx = x, x += pp;
    f->lx = x, x += pp;
    f->c = x, x += pp;
    f->u = x, x += pp;
    f->tmp = x, x += pp;
    f->xwy = x, x += p;
    f->beta = x, x += p;
    f->g = x, x += nth;
    f->dir = x, x += nth;
    f->fisher = x, x += nth * nth;
    f->observed = x, x += nth * nth;
    f->h = x, x += nth * nth;
    f->ai = x, x += nth * nth;
    f->atil = x, x += nth * pp;
    f->hu = x;
    return 0;
}

static size_t pattern_cap(int D, size_t n)
{
    size_t all = ((size_t)1 << D) - 1;
    return n < all ? (n ? n : 1) : all;
}

size_t sim_mmrm_work_size(int visits, size_t n)
{
    if (visits < 1 || visits > SIM_MMRM_MAX_VISITS)
        return 0;
    size_t clda = layout(NULL, NULL, visits + 1, 2 * visits + 1, pattern_cap(visits + 1, n));
    if (visits < 2)
        return clda;
    size_t mmrm = layout(NULL, NULL, visits, 3 * visits, pattern_cap(visits, n));
    return mmrm > clda ? mmrm : clda;
}

/* x = M^-1 rhs for a positive definite nth x nth M; 0 when M is not. */
static int solve_with(mmrm_fit *f, const double *m, const double *rhs, double *x)
{
    memcpy(f->h, m, (size_t)(f->nth * f->nth) * sizeof *f->h);
    if (!sim_dense_cholesky(f->h, f->nth, SIM_MMRM_PIVOT_TOL))
        return 0;
    memcpy(x, rhs, (size_t)f->nth * sizeof *x);
    sim_dense_cholesky_solve(f->h, f->nth, x);
    return 1;
}

/* x = I^-1 rhs with the observed information if positive definite, else the expected;
 * 0 when neither is. */
static int solve_info(mmrm_fit *f, const double *rhs, double *x)
{
    return solve_with(f, f->observed, rhs, x) || solve_with(f, f->fisher, rhs, x);
}

/* Sigma = trial + step x dir and the log-likelihood there; 0 if Sigma or a Sigma_OO is not
 * positive definite. */
static int try_step(mmrm_fit *f, double step)
{
    int D = f->D;
    for (int j = 0; j < f->nth; j++) {
        int a = f->ta[j], b = f->tb[j];
        f->sigma[a * D + b] = f->sigma[b * D + a] = f->trial[a * D + b] + step * f->dir[j];
    }
    double *chol = f->scratch + 3 * D * D;
    memcpy(chol, f->sigma, (size_t)(D * D) * sizeof *chol);
    return sim_dense_cholesky(chol, D, SIM_MMRM_PIVOT_TOL) && sim_mmrm_loglik(f);
}

/* Average-information Newton with step halving from f->sigma (file header). */
static sim_mmrm_status newton(mmrm_fit *f, sim_mmrm_result *res)
{
    size_t bytes = (size_t)(f->D * f->D) * sizeof *f->sigma;
    if (!sim_mmrm_loglik(f)) {
        snprintf(res->reason, sizeof res->reason, "the start is not positive definite");
        return SIM_MMRM_NOT_PD;
    }
    int full = 0; /* the observed information is current */
    sim_mmrm_derivs(f, full);
    for (int it = 0;; it++) {
        res->iterations = it;
        if (!(full && solve_with(f, f->observed, f->g, f->dir)) &&
            !solve_with(f, f->ai, f->g, f->dir)) {
            snprintf(res->reason, sizeof res->reason, "singular information at step %d", it);
            return SIM_MMRM_NOT_PD;
        }
        double dec = 0.0;
        for (int j = 0; j < f->nth; j++)
            dec += f->g[j] * f->dir[j];
        if (dec <= SIM_MMRM_DECREMENT_TOL) {
            if (!full)
                sim_mmrm_derivs(f, 1);
            return SIM_MMRM_OK;
        }
        full = dec < NEWTON_DECREMENT;
        if (it == SIM_MMRM_MAX_ITER) {
            snprintf(res->reason, sizeof res->reason, "Newton decrement %.3g after %d steps", dec,
                     it);
            return SIM_MMRM_NO_CONVERGENCE;
        }
        double l0 = f->loglik, step = 1.0;
        int ok = 0, not_pd = 0;
        memcpy(f->trial, f->sigma, bytes);
        for (int h = 0; h < SIM_MMRM_MAX_HALVINGS && !ok; h++, step *= 0.5) {
            int pd = try_step(f, step);
            not_pd |= !pd;
            ok = pd && (f->loglik > l0 || (h == 0 && dec < FULL_STEP_DECREMENT));
        }
        if (!ok) {
            memcpy(f->sigma, f->trial, bytes);
            snprintf(res->reason, sizeof res->reason, "no step increases the REML likelihood "
                     "at step %d (decrement %.3g)", it, dec);
            return not_pd ? SIM_MMRM_NOT_PD : SIM_MMRM_NO_CONVERGENCE;
        }
        sim_mmrm_derivs(f, full);
    }
}

/* Satterthwaite df of the effect at the converged Sigma (file header). */
static double satterthwaite(mmrm_fit *f)
{
    int D = f->D, p = f->p, k = f->contrast;
    double ck[MAXD][3] = {{0.0}}, gf[MAXTH];
    double *nmat = f->scratch, *wnw = f->scratch + D * D, *tmp = f->scratch + 2 * D * D;
    double *gc = f->scratch + 3 * D * D;
    for (int d = 0; d < D; d++)
        for (int c = 0; c < f->q[d]; c++)
            ck[d][c] = f->c[(f->off[d] + c) * p + k];
    memset(gc, 0, (size_t)(D * D) * sizeof *gc);
    for (int t = 0; t < f->npat; t++) {
        const mmrm_pattern *pt = &f->pat[t];
        for (int a = 0; a < pt->m; a++)
            for (int b = 0; b < pt->m; b++) {
                int d = pt->idx[a], e = pt->idx[b];
                double v = 0.0;
                for (int c = 0; c < 3; c++)
                    for (int c2 = 0; c2 < 3; c2++)
                        v += ck[d][c] * pt->szz[c * 3 + c2] * ck[e][c2];
                nmat[d * D + e] = v;
            }
        sim_mmrm_sandwich(pt, nmat, D, wnw, tmp);
        for (int i = 0; i < D * D; i++)
            gc[i] += wnw[i];
    }
    for (int j = 0; j < f->nth; j++)
        gf[j] = (f->ta[j] == f->tb[j] ? 1.0 : 2.0) * gc[f->ta[j] * D + f->tb[j]];
    if (!solve_info(f, gf, f->dir))
        return NAN;
    double den = 0.0, var = f->c[k * p + k];
    for (int j = 0; j < f->nth; j++)
        den += gf[j] * f->dir[j];
    return 2.0 * var * var / den;
}

/* The design of either model: dimensions, mean columns, theta's entries, the contrast. */
static void design(mmrm_fit *f, int visits, int primary, int clda)
{
    f->clda = clda;
    f->D = visits + (clda ? 1 : 0);
    f->p = 0;
    for (int d = 0; d < f->D; d++) {
        f->q[d] = !clda ? 3 : d == 0 ? 1 : 2;
        f->off[d] = f->p;
        f->p += f->q[d];
    }
    f->nth = 0;
    for (int a = 0; a < f->D; a++)
        for (int b = a; b < f->D; b++) {
            f->ta[f->nth] = a;
            f->tb[f->nth++] = b;
        }
    f->contrast = f->off[primary + (clda ? 1 : 0)] + 1;
}

static sim_mmrm_status check_input(const sim_mmrm_data *d, int clda, char *reason, size_t len)
{
    int lo = clda ? 1 : 2;
    if (d->visits < lo || d->visits > SIM_MMRM_MAX_VISITS || d->primary < 0 ||
        d->primary >= d->visits) {
        snprintf(reason, len, "visits %d (%d..%d) or primary visit %d out of range", d->visits,
                 lo, SIM_MMRM_MAX_VISITS, d->primary);
        return SIM_MMRM_BAD_INPUT;
    }
    if (d->n > 0 && (!d->arm || !d->baseline || !d->y || !d->observed)) {
        snprintf(reason, len, "a data array is NULL");
        return SIM_MMRM_BAD_INPUT;
    }
    return SIM_MMRM_OK;
}

/* Both entry points: checks, sums, start, iterations, results. */
static sim_mmrm_status fit_model(const sim_mmrm_data *d, void *work, size_t work_bytes,
                                 sim_mmrm_result *res, int clda)
{
    memset(res->reason, 0, sizeof res->reason);
    res->estimate = res->se = res->df = res->loglik = NAN;
    res->iterations = 0;
    res->dim = 0;
    sim_mmrm_status st = check_input(d, clda, res->reason, sizeof res->reason);
    if (st != SIM_MMRM_OK)
        return res->status = st;
    mmrm_fit f;
    design(&f, d->visits, d->primary, clda);
    size_t cap = pattern_cap(f.D, d->n);
    if (!work || work_bytes < layout(NULL, NULL, f.D, f.p, cap)) {
        snprintf(res->reason, sizeof res->reason, "workspace of %zu bytes, %zu needed", work_bytes,
                 layout(NULL, NULL, f.D, f.p, cap));
        return res->status = SIM_MMRM_WORKSPACE;
    }
    layout(&f, work, f.D, f.p, cap);
    res->dim = f.D;
    st = sim_mmrm_patterns(&f, d, clda, res->reason, sizeof res->reason);
    if (st == SIM_MMRM_OK)
        st = sim_mmrm_start(&f, res->reason, sizeof res->reason);
    if (st == SIM_MMRM_OK && d->sigma_start) {
        size_t bytes = (size_t)(f.D * f.D) * sizeof *f.sigma;
        memcpy(f.trial, d->sigma_start, bytes);
        if (sim_dense_cholesky(f.trial, f.D, SIM_MMRM_PIVOT_TOL))
            memcpy(f.sigma, d->sigma_start, bytes);
    }
    if (st == SIM_MMRM_OK)
        st = newton(&f, res);
    if (st != SIM_MMRM_OK)
        return res->status = st;
    int k = f.contrast;
    res->estimate = f.beta[k];
    res->se = sqrt(f.c[k * f.p + k]);
    res->df = satterthwaite(&f);
    res->loglik = f.loglik;
    memcpy(res->sigma, f.sigma, (size_t)(f.D * f.D) * sizeof *f.sigma);
    return res->status = SIM_MMRM_OK;
}

sim_mmrm_status sim_mmrm_fit(const sim_mmrm_data *data, void *work, size_t work_bytes,
                             sim_mmrm_result *result)
{
    return fit_model(data, work, work_bytes, result, 0);
}

sim_mmrm_status sim_clda_fit(const sim_mmrm_data *data, void *work, size_t work_bytes,
                             sim_mmrm_result *result)
{
    return fit_model(data, work, work_bytes, result, 1);
}

const char *sim_mmrm_status_name(sim_mmrm_status status)
{
    switch (status) {
    case SIM_MMRM_OK: return "ok";
    case SIM_MMRM_BAD_INPUT: return "bad input";
    case SIM_MMRM_TOO_FEW: return "too few observations";
    case SIM_MMRM_UNPAIRED: return "visits never observed together";
    case SIM_MMRM_NOT_PD: return "covariance not positive definite";
    case SIM_MMRM_NO_CONVERGENCE: return "no convergence";
    case SIM_MMRM_WORKSPACE: return "workspace too small";
    }
    return "unknown status";
}
