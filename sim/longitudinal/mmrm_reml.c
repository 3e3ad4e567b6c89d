/*
 * MMRM / cLDA REML pieces at a given Sigma: the GLS fit, the log-likelihood, its gradient
 * and the average, expected and observed information, all from the per-pattern sums. The
 * formulas are in the header of mmrm.c.
 */
#include <math.h>
#include <string.h>

#include "dense.h"
#include "mmrm_impl.h"

#define LOG_2PI 1.8378770664093454836

/* Per pattern: W_p and log det Sigma_OO; then X'WX, X'Wy, its factor, C, U and beta.
 * Returns 0 when a Sigma_OO or X'WX is not positive definite. */
static int eval_gls(mmrm_fit *f)
{
    int D = f->D, p = f->p;
    double *sub = f->scratch, *inv = f->scratch + D * D, *linv = f->scratch + 2 * D * D;
    memset(f->xwx, 0, (size_t)(p * p) * sizeof *f->xwx);
    memset(f->xwy, 0, (size_t)p * sizeof *f->xwy);
    for (int t = 0; t < f->npat; t++) {
        mmrm_pattern *pt = &f->pat[t];
        int m = pt->m;
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
                sub[a * m + b] = f->sigma[pt->idx[a] * D + pt->idx[b]];
        if (!sim_dense_cholesky(sub, m, SIM_MMRM_PIVOT_TOL))
            return 0;
        pt->logdet = sim_dense_cholesky_logdet(sub, m);
        sim_dense_cholesky_inverse(sub, m, linv, inv);
        memset(pt->w, 0, (size_t)(D * D) * sizeof *pt->w);
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
                pt->w[pt->idx[a] * D + pt->idx[b]] = inv[a * m + b];
        for (int a = 0; a < m; a++) {
            int d = pt->idx[a], qd = f->q[d];
            for (int b = 0; b < m; b++) {
                int e = pt->idx[b], qe = f->q[e];
                double wde = pt->w[d * D + e];
                for (int c = 0; c < qd; c++) {
                    double *row = f->xwx + (f->off[d] + c) * p + f->off[e];
                    for (int c2 = 0; c2 < qe; c2++)
                        row[c2] += wde * pt->szz[c * 3 + c2];
                    f->xwy[f->off[d] + c] += wde * pt->szy[c * D + e];
                }
            }
        }
    }
    memcpy(f->lx, f->xwx, (size_t)(p * p) * sizeof *f->lx);
    if (!sim_dense_cholesky(f->lx, p, SIM_MMRM_PIVOT_TOL))
        return 0;
    sim_dense_cholesky_inverse(f->lx, p, f->u, f->c);
    /* u holds L^-1; U = L^-T is its transpose, kept as such. */
    for (int i = 0; i < p; i++)
        for (int j = 0; j < i; j++) {
            double v = f->u[i * p + j];
            f->u[i * p + j] = f->u[j * p + i];
            f->u[j * p + i] = v;
        }
    for (int i = 0; i < p; i++) {
        double v = 0.0;
        for (int j = 0; j < p; j++)
            v += f->c[i * p + j] * f->xwy[j];
        f->beta[i] = v;
    }
    return 1;
}

int sim_mmrm_loglik(mmrm_fit *f)
{
    if (!eval_gls(f))
        return 0;
    int D = f->D;
    double bm[MAXD][3] = {{0.0}};
    for (int d = 0; d < D; d++)
        for (int c = 0; c < f->q[d]; c++)
            bm[d][c] = f->beta[f->off[d] + c];
    double sum_logdet = 0.0, quad = 0.0;
    for (int t = 0; t < f->npat; t++) {
        mmrm_pattern *pt = &f->pat[t];
        memset(pt->r, 0, (size_t)(D * D) * sizeof *pt->r);
        memset(pt->rz, 0, (size_t)(3 * D) * sizeof *pt->rz);
        for (int a = 0; a < pt->m; a++) {
            int d = pt->idx[a];
            for (int c = 0; c < 3; c++) {
                double v = pt->szy[c * D + d];
                for (int c2 = 0; c2 < 3; c2++)
                    v -= bm[d][c2] * pt->szz[c2 * 3 + c];
                pt->rz[d * 3 + c] = v;
            }
        }
        /* sum (y_d - B_d z)(y_e - B_e z) = S_yy,de - B_e S_zy,.d - B_d Rz_e. */
        for (int a = 0; a < pt->m; a++)
            for (int b = 0; b < pt->m; b++) {
                int d = pt->idx[a], e = pt->idx[b];
                double v = pt->syy[d * D + e];
                for (int c = 0; c < 3; c++)
                    v -= bm[e][c] * pt->szy[c * D + d] + bm[d][c] * pt->rz[e * 3 + c];
                pt->r[d * D + e] = v;
                quad += pt->w[d * D + e] * v;
            }
        sum_logdet += pt->n * pt->logdet;
    }
    f->loglik = -0.5 * ((f->nobs - f->p) * LOG_2PI + sum_logdet +
                        sim_dense_cholesky_logdet(f->lx, f->p) + quad);
    return isfinite(f->loglik);
}

/* out = A B over the observed dimensions of pt (entries outside O are not written). */
static void observed_product(const mmrm_pattern *pt, const double *A, const double *B, int D,
                             double *out)
{
    for (int a = 0; a < pt->m; a++)
        for (int b = 0; b < pt->m; b++) {
            int d = pt->idx[a], e = pt->idx[b];
            double v = 0.0;
            for (int c = 0; c < pt->m; c++)
                v += A[d * D + pt->idx[c]] * B[pt->idx[c] * D + e];
            out[d * D + e] = v;
        }
}

void sim_mmrm_sandwich(const mmrm_pattern *pt, const double *s, int D, double *out, double *tmp)
{
    memset(out, 0, (size_t)(D * D) * sizeof *out);
    observed_product(pt, s, pt->w, D, tmp);
    observed_product(pt, pt->w, tmp, D, out);
}

/* tr(A E_j B E_k) for symmetric A, B, theta_j = (a, b), theta_k = (c, d). */
static double tr_ejek(const double *A, const double *B, int D, int a, int b, int c, int d)
{
    double v = A[d * D + a] * B[b * D + c];
    if (c != d)
        v += A[c * D + a] * B[b * D + d];
    if (a != b) {
        v += A[d * D + b] * B[a * D + c];
        if (c != d)
            v += A[c * D + b] * B[a * D + d];
    }
    return v;
}

/* K_p[d][e] = <block (d, e) of C, S_zz>, over the observed dimensions. */
static void pattern_k(const mmrm_fit *f, mmrm_pattern *pt)
{
    int D = f->D, p = f->p;
    memset(pt->k, 0, (size_t)(D * D) * sizeof *pt->k);
    for (int a = 0; a < pt->m; a++)
        for (int b = 0; b < pt->m; b++) {
            int d = pt->idx[a], e = pt->idx[b];
            double v = 0.0;
            for (int c = 0; c < f->q[d]; c++)
                for (int c2 = 0; c2 < f->q[e]; c2++)
                    v += f->c[(f->off[d] + c) * p + f->off[e] + c2] * pt->szz[c * 3 + c2];
            pt->k[d * D + e] = v;
        }
}

/* The per-pattern parts of g, F and Q (Q accumulates in f->observed). */
static void derivs_patterns(mmrm_fit *f)
{
    int D = f->D, nth = f->nth;
    double *wkw = f->scratch, *wrw = f->scratch + D * D, *tmp = f->scratch + 2 * D * D;
    double *G = f->scratch + 3 * D * D;
    memset(G, 0, (size_t)(D * D) * sizeof *G);
    memset(f->fisher, 0, (size_t)(nth * nth) * sizeof *f->fisher);
    memset(f->observed, 0, (size_t)(nth * nth) * sizeof *f->observed);
    for (int t = 0; t < f->npat; t++) {
        mmrm_pattern *pt = &f->pat[t];
        pattern_k(f, pt);
        sim_mmrm_sandwich(pt, pt->k, D, wkw, tmp);
        sim_mmrm_sandwich(pt, pt->r, D, wrw, tmp);
        for (int i = 0; i < D * D; i++) {
            G[i] -= 0.5 * (pt->n * pt->w[i] - wkw[i] - wrw[i]);
            wkw[i] = 0.5 * pt->n * pt->w[i] - wkw[i]; /* now F's first argument */
        }
        for (int j = 0; j < nth; j++) {
            int a = f->ta[j], b = f->tb[j];
            if (!(pt->mask >> a & pt->mask >> b & 1u))
                continue;
            for (int k = j; k < nth; k++) {
                int c = f->ta[k], d = f->tb[k];
                if (!(pt->mask >> c & pt->mask >> d & 1u))
                    continue;
                f->fisher[j * nth + k] += tr_ejek(wkw, pt->w, D, a, b, c, d);
                f->observed[j * nth + k] += tr_ejek(wrw, pt->w, D, a, b, c, d);
            }
        }
    }
    for (int j = 0; j < nth; j++)
        f->g[j] = f->ta[j] == f->tb[j] ? G[f->ta[j] * D + f->ta[j]]
                                       : 2.0 * G[f->ta[j] * D + f->tb[j]];
}

/* U' h_j into hu_j and, if full, C A_j into atil_j (file header). */
static void derivs_beta_terms(mmrm_fit *f, int j, int full)
{
    int D = f->D, p = f->p, a = f->ta[j], b = f->tb[j];
    double *aj = f->tmp, hj[MAXB] = {0.0};
    memset(aj, 0, (size_t)(p * p) * sizeof *aj);
    for (int t = 0; t < f->npat; t++) {
        const mmrm_pattern *pt = &f->pat[t];
        if (!(pt->mask >> a & pt->mask >> b & 1u))
            continue;
        const double *w = pt->w;
        double y[MAXD][3]; /* W Rz at rows a and b */
        for (int c = 0; c < 3; c++) {
            double va = 0.0, vb = 0.0;
            for (int s = 0; s < pt->m; s++) {
                int e = pt->idx[s];
                va += w[a * D + e] * pt->rz[e * 3 + c];
                vb += w[b * D + e] * pt->rz[e * 3 + c];
            }
            y[a][c] = va;
            y[b][c] = vb;
        }
        for (int s = 0; s < pt->m; s++) {
            int d = pt->idx[s];
            for (int c = 0; c < f->q[d]; c++)
                hj[f->off[d] + c] +=
                    w[d * D + a] * y[b][c] + (a != b ? w[d * D + b] * y[a][c] : 0.0);
            for (int s2 = 0; s2 < pt->m && full; s2++) {
                int e = pt->idx[s2];
                double m =
                    w[d * D + a] * w[b * D + e] + (a != b ? w[d * D + b] * w[a * D + e] : 0.0);
                for (int c = 0; c < f->q[d]; c++) {
                    double *row = aj + (f->off[d] + c) * p + f->off[e];
                    for (int c2 = 0; c2 < f->q[e]; c2++)
                        row[c2] += m * pt->szz[c * 3 + c2];
                }
            }
        }
    }
    /* atil_j = C A_j (then tr(C A_j C A_k) = tr(atil_j atil_k)); hu_j = U' h_j. */
    const double *u = f->u, *cm = f->c;
    double *at = f->atil + (size_t)j * (size_t)(p * p), *hu = f->hu + (size_t)j * (size_t)p;
    for (int r = 0; r < p; r++) {
        double *row = at + r * p;
        for (int c = 0; c < p && full; c++)
            row[c] = 0.0;
        for (int k = 0; k < p && full; k++) {
            double crk = cm[r * p + k];
            const double *ak = aj + k * p;
            for (int c = 0; c < p; c++)
                row[c] += crk * ak[c];
        }
        double v = 0.0;
        for (int k = 0; k <= r; k++) /* U upper triangular */
            v += u[k * p + r] * hj[k];
        hu[r] = v;
    }
}

void sim_mmrm_derivs(mmrm_fit *f, int full)
{
    int nth = f->nth, p = f->p, pp = p * p;
    derivs_patterns(f);
    for (int j = 0; j < nth; j++)
        derivs_beta_terms(f, j, full);
    for (int j = 0; j < nth; j++)
        for (int k = j; k < nth; k++) {
            const double *hj = f->hu + (size_t)j * (size_t)p, *hk = f->hu + (size_t)k * (size_t)p;
            double hh = 0.0;
            for (int i = 0; i < p; i++)
                hh += hj[i] * hk[i];
            double q = f->observed[j * nth + k] - hh;
            f->ai[j * nth + k] = f->ai[k * nth + j] = 0.5 * q;
            if (!full)
                continue;
            const double *aj = f->atil + (size_t)j * (size_t)pp;
            const double *ak = f->atil + (size_t)k * (size_t)pp;
            double t3 = 0.0;
            for (int r = 0; r < p; r++)
                for (int c = 0; c < p; c++)
                    t3 += aj[r * p + c] * ak[c * p + r];
            double fe = f->fisher[j * nth + k] + 0.5 * t3;
            f->fisher[j * nth + k] = f->fisher[k * nth + j] = fe;
            f->observed[j * nth + k] = f->observed[k * nth + j] = q - fe;
        }
}
