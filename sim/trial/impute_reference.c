/*
 * Reference-based multiple imputation (impute.h): each arm's joint normal model of the
 * visits given the baseline, composed from the sequential regressions of impute.c, and the
 * conditional draws of Carpenter, Roger & Kenward (2013), "Analysis of longitudinal trials
 * with protocol deviation: a framework for relevant, accessible assumptions, and inference
 * via multiple imputation", J Biopharm Stat 23:1352-1371, section 4.3: jump to reference,
 * copy reference and copy increments in reference, the control arm being the reference.
 * Checked against an R implementation that builds the joint covariance explicitly
 * (tests/ref/make_refmi_ref.R, tests/test_impute.c).
 */
#include <math.h>
#include <string.h>

#include "impute.h"
#include "longitudinal/dense.h"
#include "mscsim/config.h"
#include "mscsim/dist.h"
#include "mscsim/error.h"

#define MAXV SIM_IMPUTE_MAX_VISITS
/* Positive-definiteness floor of the covariances factored here, relative to the diagonal. */
#define PD_TOL 1e-12

int sim_impute_mvn_fit(const double *baseline, const double *score,
                       const unsigned char *observed, size_t n, int visits, int last,
                       mscsim_rng *rng, double *work, sim_impute_mvn *out)
{
    if (last < 0 || last >= visits || last >= MAXV)
        return MSCSIM_EINVAL;
    int V = last + 1;
    out->visits = V;
    for (int v = 0; v < V; v++) {
        double beta[MAXV + 1], sd;
        int rc = rng ? sim_impute_draw(baseline, score, observed, n, visits, v, rng, work, beta, &sd)
                     : sim_impute_fit(baseline, score, observed, n, visits, v, work, beta, &sd, NULL);
        if (rc != MSCSIM_OK)
            return rc;
        /* y_v = beta0 + beta1 b + sum_j c_j y_j + e_v, c_j = beta[2 + j]. */
        const double *c = beta + 2;
        double m0 = beta[0], m1 = beta[1];
        for (int j = 0; j < v; j++) {
            m0 += c[j] * out->m0[j];
            m1 += c[j] * out->m1[j];
        }
        out->m0[v] = m0;
        out->m1[v] = m1;
        double *s = out->sigma;
        for (int j = 0; j < v; j++) { /* cov(y_v, y_j) = sum_k c_k cov(y_k, y_j) */
            double t = 0.0;
            for (int k = 0; k < v; k++)
                t += c[k] * s[k * MAXV + j];
            s[v * MAXV + j] = s[j * MAXV + v] = t;
        }
        double t = sd * sd;
        for (int j = 0; j < v; j++)
            t += c[j] * s[v * MAXV + j];
        s[v * MAXV + v] = t;
    }
    return MSCSIM_OK;
}

int sim_impute_conditional(int method, const sim_impute_mvn *own, const sim_impute_mvn *ref,
                           double b, const double *x, int k, double *mean, double *cov)
{
    int V = own->visits, m = V - k;
    const sim_impute_mvn *cv = method == MSCSIM_MI_MAR ? own : ref; /* whose covariance */
    double mu[MAXV];
    for (int t = 0; t < V; t++) {
        double o = own->m0[t] + own->m1[t] * b, r = ref->m0[t] + ref->m1[t] * b;
        switch (method) {
        case MSCSIM_MI_JUMP_TO_REFERENCE:
            mu[t] = t < k ? o : r;
            break;
        case MSCSIM_MI_COPY_REFERENCE:
            mu[t] = r;
            break;
        case MSCSIM_MI_COPY_INCREMENTS: /* from the last visit before dropout, if any */
            if (t < k)
                mu[t] = o;
            else if (k == 0)
                mu[t] = r;
            else
                mu[t] = own->m0[k - 1] + own->m1[k - 1] * b + r -
                        (ref->m0[k - 1] + ref->m1[k - 1] * b);
            break;
        default:
            mu[t] = o;
            break;
        }
    }
    /* A = S_OO^-1 S_OM, column by column through the Cholesky factor of S_OO. */
    double soo[MAXV * MAXV], a[MAXV * MAXV], col[MAXV];
    const double *s = cv->sigma;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            soo[i * k + j] = s[i * MAXV + j];
    if (k > 0 && !sim_dense_cholesky(soo, k, PD_TOL))
        return 0;
    for (int c = 0; c < m; c++) {
        for (int i = 0; i < k; i++)
            col[i] = s[i * MAXV + k + c];
        if (k > 0)
            sim_dense_cholesky_solve(soo, k, col);
        for (int i = 0; i < k; i++)
            a[i * m + c] = col[i];
    }
    for (int c = 0; c < m; c++) {
        double v = mu[k + c];
        for (int i = 0; i < k; i++)
            v += a[i * m + c] * (x[i] - mu[i]);
        mean[c] = v;
        for (int d = 0; d < m; d++) {
            double w = s[(k + c) * MAXV + k + d];
            for (int i = 0; i < k; i++)
                w -= s[(k + c) * MAXV + i] * a[i * m + d];
            cov[c * m + d] = w;
        }
    }
    return 1;
}

/* First unobserved visit of a patient (visits when complete); -1 when not monotone. */
static int dropout_visit(const unsigned char *o, int visits)
{
    int k = visits;
    for (int v = 0; v < visits; v++)
        if (!o[v] && k == visits)
            k = v;
        else if (o[v] && k < visits)
            return -1;
    return k;
}

int sim_impute_reference(int method, const double *const baseline[2], double *const score[2],
                         const unsigned char *const observed[2], const size_t n[2], int visits,
                         int last, mscsim_rng *rng, double *work)
{
    if (!rng || !work || visits < 1 || last < 0 || last >= visits || last >= MAXV)
        return MSCSIM_EINVAL;
    size_t nv = (size_t)visits;
    for (int a = 0; a < 2; a++) {
        if (!baseline[a] || !score[a] || !observed[a])
            return MSCSIM_EINVAL;
        for (size_t i = 0; i < n[a]; i++)
            if (dropout_visit(observed[a] + i * nv, visits) < 0 || !isfinite(baseline[a][i]))
                return MSCSIM_EINVAL;
    }
    sim_impute_mvn model[2];
    for (int a = 0; a < 2; a++) {
        int rc = sim_impute_mvn_fit(baseline[a], score[a], observed[a], n[a], visits, last, rng,
                                    work, &model[a]);
        if (rc != MSCSIM_OK)
            return rc;
    }
    for (int a = 0; a < 2; a++) {
        int how = a == 0 ? MSCSIM_MI_MAR : method;
        for (size_t i = 0; i < n[a]; i++) {
            double *s = score[a] + i * nv;
            int k = dropout_visit(observed[a] + i * nv, visits);
            if (k > last)
                continue;
            int m = last + 1 - k;
            double mean[MAXV], cov[MAXV * MAXV];
            if (!sim_impute_conditional(how, &model[a], &model[0], baseline[a][i], s, k, mean,
                                        cov) ||
                !sim_dense_cholesky(cov, m, PD_TOL))
                return MSCSIM_ERANGE;
            double z[MAXV];
            for (int c = 0; c < m; c++)
                z[c] = mscsim_rnorm_std(rng);
            for (int c = 0; c < m; c++) {
                double v = mean[c];
                for (int d = 0; d <= c; d++)
                    v += cov[c * m + d] * z[d];
                s[k + c] = v;
            }
        }
    }
    return MSCSIM_OK;
}
