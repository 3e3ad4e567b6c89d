#ifndef SIM_LONGITUDINAL_DENSE_H
#define SIM_LONGITUDINAL_DENSE_H
/*
 * Small dense linear algebra for the longitudinal fits (matrices up to ~50 x 50): row-major
 * n x n arrays, no allocation, no pivoting (the matrices are symmetric positive definite
 * or the caller wants to know that they are not). sim/analysis_ancova.c has its own
 * inline Cholesky that could later use sim_dense_cholesky.
 * Reference: Golub & Van Loan (2013), Matrix Computations, 4th ed., sec. 4.2 and 3.1.
 */

/* Cholesky factor A = L L' in place: on return the lower triangle of a holds L (the strict
 * upper triangle is left as it was). Returns 0, leaving a partly overwritten, when a pivot
 * is not above rel_tol x the original diagonal entry (rel_tol >= 0; 0 only demands a
 * positive pivot), i.e. A is not (numerically) positive definite; 1 otherwise. */
int sim_dense_cholesky(double *a, int n, double rel_tol);

/* log det A = 2 sum log L_jj from the factor of sim_dense_cholesky. */
double sim_dense_cholesky_logdet(const double *l, int n);

/* From the factor L (lower triangle of l): linv = L^-1 (lower triangular, its strict upper
 * triangle set to 0) and, when inv is not NULL, inv = A^-1 = L^-T L^-1 (full, symmetric).
 * linv and inv must not alias l or each other. */
void sim_dense_cholesky_inverse(const double *l, int n, double *linv, double *inv);

/* Solves A x = b in place (b becomes x) with the factor L of A. */
void sim_dense_cholesky_solve(const double *l, int n, double *b);

#endif
