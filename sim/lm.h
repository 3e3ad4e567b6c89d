#ifndef SIM_LM_H
#define SIM_LM_H
/* Private to the least-squares fits that follow R's lm (sim/analyses/ancova.c, sim/impute.c). */

/* lm.fit's default rank tolerance (qr(x, tol = 1e-7), LINPACK dqrdc2): a column whose
 * norm after removing the earlier columns is below tol x its original norm is aliased. */
#define SIM_LM_QR_TOL 1e-7

#endif
