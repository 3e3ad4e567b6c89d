/* Small dense linear algebra for the longitudinal fits; see dense.h. */
#include "dense.h"

#include <math.h>

int sim_dense_cholesky(double *a, int n, double rel_tol)
{
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j], floor_ = rel_tol * d;
        for (int k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        /* The negated test also rejects NaN. */
        if (!(d > floor_) || !(d > 0.0))
            return 0;
        double ljj = sqrt(d);
        a[j * n + j] = ljj;
        for (int r = j + 1; r < n; r++) {
            double v = a[r * n + j];
            for (int k = 0; k < j; k++)
                v -= a[r * n + k] * a[j * n + k];
            a[r * n + j] = v / ljj;
        }
    }
    return 1;
}

double sim_dense_cholesky_logdet(const double *l, int n)
{
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += log(l[j * n + j]);
    return 2.0 * s;
}

void sim_dense_cholesky_inverse(const double *l, int n, double *linv, double *inv)
{
    /* Column j of L^-1 by forward substitution on e_j; it is zero above row j. */
    for (int j = 0; j < n; j++) {
        for (int r = 0; r < j; r++)
            linv[r * n + j] = 0.0;
        linv[j * n + j] = 1.0 / l[j * n + j];
        for (int r = j + 1; r < n; r++) {
            double v = 0.0;
            for (int k = j; k < r; k++)
                v -= l[r * n + k] * linv[k * n + j];
            linv[r * n + j] = v / l[r * n + r];
        }
    }
    if (!inv)
        return;
    /* (L^-T L^-1)_ij = sum_k linv_ki linv_kj over k >= max(i, j). */
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double v = 0.0;
            for (int k = i; k < n; k++)
                v += linv[k * n + i] * linv[k * n + j];
            inv[i * n + j] = inv[j * n + i] = v;
        }
}

void sim_dense_cholesky_solve(const double *l, int n, double *b)
{
    for (int r = 0; r < n; r++) {
        double v = b[r];
        for (int k = 0; k < r; k++)
            v -= l[r * n + k] * b[k];
        b[r] = v / l[r * n + r];
    }
    for (int r = n - 1; r >= 0; r--) {
        double v = b[r];
        for (int k = r + 1; k < n; k++)
            v -= l[k * n + r] * b[k];
        b[r] = v / l[r * n + r];
    }
}
