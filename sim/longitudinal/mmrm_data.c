/*
 * MMRM / cLDA data side: the per-pattern sufficient statistics, built in one pass over the
 * patients, and the moment start with the identification checks. See mmrm.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dense.h"
#include "mmrm_impl.h"

/* Input checks; the centring constants (any constant per visit is absorbed by that visit's
 * intercept and the baseline shift by a unimodular change of the mean columns, so nothing
 * but rounding changes; centring keeps sums of squares far from cancellation). */
static sim_mmrm_status centre(const sim_mmrm_data *d, double *base_mean, double *y_mean,
                              char *reason, size_t len)
{
    size_t V = (size_t)d->visits;
    double s = 0.0, cnt[SIM_MMRM_MAX_VISITS] = {0.0};
    for (size_t v = 0; v < V; v++)
        y_mean[v] = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->arm[i] > 1 || !isfinite(d->baseline[i])) {
            snprintf(reason, len, "patient %zu: arm not 0/1 or baseline not finite", i + 1);
            return SIM_MMRM_BAD_INPUT;
        }
        s += d->baseline[i];
        for (size_t v = 0; v < V; v++)
            if (d->observed[i * V + v]) {
                if (!isfinite(d->y[i * V + v])) {
                    snprintf(reason, len, "patient %zu visit %zu: observed y not finite", i + 1,
                             v + 1);
                    return SIM_MMRM_BAD_INPUT;
                }
                y_mean[v] += d->y[i * V + v];
                cnt[v] += 1.0;
            }
    }
    *base_mean = d->n ? s / (double)d->n : 0.0;
    for (size_t v = 0; v < V; v++)
        y_mean[v] = cnt[v] > 0.0 ? y_mean[v] / cnt[v] : 0.0;
    return SIM_MMRM_OK;
}

/* The pattern of mask, added (zeroed) when new; NULL when the workspace is full. */
static mmrm_pattern *pattern_of(mmrm_fit *f, unsigned mask)
{
    for (int t = 0; t < f->npat; t++)
        if (f->pat[t].mask == mask)
            return &f->pat[t];
    if ((size_t)f->npat == f->cap)
        return NULL;
    mmrm_pattern *p = &f->pat[f->npat++];
    int D = f->D;
    p->mask = mask;
    p->m = 0;
    for (int d = 0; d < D; d++)
        if (mask >> d & 1u)
            p->idx[p->m++] = d;
    p->n = 0.0;
    memset(p->szz, 0, sizeof p->szz);
    memset(p->szy, 0, (size_t)(3 * D) * sizeof *p->szy);
    memset(p->syy, 0, (size_t)(D * D) * sizeof *p->syy);
    return p;
}

sim_mmrm_status sim_mmrm_patterns(mmrm_fit *f, const sim_mmrm_data *d, int clda, char *reason,
                                  size_t len)
{
    double base_mean, y_mean[SIM_MMRM_MAX_VISITS];
    sim_mmrm_status st = centre(d, &base_mean, y_mean, reason, len);
    if (st != SIM_MMRM_OK)
        return st;
    size_t V = (size_t)d->visits;
    int D = f->D, lead = clda ? 1 : 0;
    f->npat = 0;
    f->nobs = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        double y[MAXD], z[3] = {1.0, (double)d->arm[i], d->baseline[i] - base_mean};
        unsigned mask = clda ? 1u : 0u;
        y[0] = z[2]; /* cLDA's visit 0; overwritten for MMRM */
        for (size_t v = 0; v < V; v++)
            if (d->observed[i * V + v]) {
                mask |= 1u << (v + (size_t)lead);
                y[v + (size_t)lead] = d->y[i * V + v] - y_mean[v];
            }
        if (!mask)
            continue;
        mmrm_pattern *p = pattern_of(f, mask);
        if (!p) { /* cannot happen: cap >= min(n, 2^D - 1) */
            snprintf(reason, len, "more missingness patterns than the workspace holds");
            return SIM_MMRM_BAD_INPUT;
        }
        p->n += 1.0;
        f->nobs += (double)p->m;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                p->szz[a * 3 + b] += z[a] * z[b];
        for (int s = 0; s < p->m; s++) {
            int e = p->idx[s];
            for (int a = 0; a < 3; a++)
                p->szy[a * D + e] += z[a] * y[e];
            for (int t = 0; t < p->m; t++)
                p->syy[e * D + p->idx[t]] += y[e] * y[p->idx[t]];
        }
    }
    return SIM_MMRM_OK;
}

/* "baseline" or "visit k" (1-based) for dimension d, into buf. */
static const char *dim_name(const mmrm_fit *f, int d, char *buf, size_t len)
{
    if (f->clda && d == 0)
        snprintf(buf, len, "the baseline");
    else
        snprintf(buf, len, "visit %d", f->clda ? d : d + 1);
    return buf;
}

/* Per dimension d: the least-squares coefficients b[d] of y_d on its q[d] columns over the
 * patients observing d, with the rank checks. */
static sim_mmrm_status visit_ols(mmrm_fit *f, double b[][3], double *nd, char *reason,
                                 size_t len)
{
    int D = f->D;
    for (int d = 0; d < D; d++) {
        int q = f->q[d];
        double a[9] = {0.0}, rhs[3] = {0.0};
        nd[d] = 0.0;
        for (int t = 0; t < f->npat; t++) {
            const mmrm_pattern *p = &f->pat[t];
            if (!(p->mask >> d & 1u))
                continue;
            nd[d] += p->n;
            for (int c = 0; c < q; c++) {
                rhs[c] += p->szy[c * D + d];
                for (int e = 0; e < q; e++)
                    a[c * q + e] += p->szz[c * 3 + e];
            }
        }
        /* lm's rank rule (qr tol 1e-7 on column norms) in Cholesky form. */
        if (nd[d] < (double)q + 1.0 || !sim_dense_cholesky(a, q, 1e-14)) {
            char name[24];
            snprintf(reason, len, "%s: %.0f observations, %d mean parameters%s",
                     dim_name(f, d, name, sizeof name), nd[d], q,
                     nd[d] < (double)q + 1.0 ? "" : ", aliased columns");
            return SIM_MMRM_TOO_FEW;
        }
        sim_dense_cholesky_solve(a, q, rhs);
        for (int c = 0; c < 3; c++)
            b[d][c] = c < q ? rhs[c] : 0.0;
    }
    return SIM_MMRM_OK;
}

/* Starts from the pairwise-complete residual covariance of the per-visit fits: variances
 * on n_d - q_d df, covariances over the patients observing both, correlations clamped to
 * +-0.95 and shrunk towards 0 by halves until Sigma is positive definite (the diagonal
 * always is). */
sim_mmrm_status sim_mmrm_start(mmrm_fit *f, char *reason, size_t len)
{
    int D = f->D;
    double b[MAXD][3], nd[MAXD];
    sim_mmrm_status st = visit_ols(f, b, nd, reason, len);
    if (st != SIM_MMRM_OK)
        return st;
    double *cross = f->scratch, *chol = f->scratch + D * D;
    for (int d = 0; d < D; d++)
        for (int e = d; e < D; e++) {
            double s = 0.0, cnt = 0.0;
            unsigned both = 1u << d | 1u << e;
            for (int t = 0; t < f->npat; t++) {
                const mmrm_pattern *p = &f->pat[t];
                if ((p->mask & both) != both)
                    continue;
                cnt += p->n;
                s += p->syy[d * D + e];
                for (int c = 0; c < 3; c++) {
                    s -= b[d][c] * p->szy[c * D + e] + b[e][c] * p->szy[c * D + d];
                    for (int k = 0; k < 3; k++)
                        s += b[d][c] * p->szz[c * 3 + k] * b[e][k];
                }
            }
            if (cnt == 0.0) {
                char name_d[24], name_e[24];
                snprintf(reason, len, "%s and %s never observed together",
                         dim_name(f, d, name_d, sizeof name_d),
                         dim_name(f, e, name_e, sizeof name_e));
                return SIM_MMRM_UNPAIRED;
            }
            cross[d * D + e] = cross[e * D + d] = d == e ? s / (nd[d] - f->q[d]) : s / cnt;
        }
    for (int d = 0; d < D; d++)
        if (!(cross[d * D + d] > 0.0)) {
            char name[24];
            snprintf(reason, len, "%s: the residuals are all zero",
                     dim_name(f, d, name, sizeof name));
            return SIM_MMRM_NOT_PD;
        }
    for (double shrink = 1.0;; shrink *= 0.5) {
        for (int d = 0; d < D; d++)
            for (int e = 0; e < D; e++) {
                double sd = sqrt(cross[d * D + d] * cross[e * D + e]);
                double r = d == e ? 1.0 : fmax(-0.95, fmin(0.95, cross[d * D + e] / sd));
                f->sigma[d * D + e] = r * (d == e ? 1.0 : shrink) * sd;
            }
        memcpy(chol, f->sigma, (size_t)(D * D) * sizeof *chol);
        if (sim_dense_cholesky(chol, D, 1e-10) || shrink == 0.0)
            return SIM_MMRM_OK;
        if (shrink < 1e-3)
            shrink = 0.0; /* next round: the diagonal */
    }
}
