#ifndef SIM_LONGITUDINAL_MMRM_IMPL_H
#define SIM_LONGITUDINAL_MMRM_IMPL_H
/*
 * Private to sim/longitudinal/mmrm*.c: the fit state, carved from the caller's workspace.
 * Notation (mmrm.c's header): D response dimensions, visit d has q[d] mean columns (the
 * first q[d] of z = (1, arm, baseline)) at beta offset off[d], p columns in all; theta_j is
 * the entry Sigma[ta[j]][tb[j]] (ta <= tb), j = 0..nth - 1. Matrices are row-major.
 */
#include "mmrm.h"

#define MAXD SIM_MMRM_MAX_DIM
#define MAXB (3 * SIM_MMRM_MAX_VISITS)
#define MAXTH (MAXD * (MAXD + 1) / 2)

/* The patients who share one set of observed dimensions, through their sums. */
typedef struct {
    unsigned mask;  /* Bit d: dimension d observed. */
    int m;          /* Observed dimensions, idx[0..m-1] ascending. */
    int idx[MAXD];
    double n;       /* Patients. */
    double logdet;  /* log det Sigma_OO at the current Sigma. */
    double szz[9];  /* sum z z' (3 x 3). */
    double *szy;    /* 3 x D: sum z_c y_d (zero where d is not observed). */
    double *syy;    /* D x D: sum y_d y_e. */
    double *w;      /* D x D: Sigma_OO^-1 embedded (zero outside O). */
    double *r;      /* D x D: sum r r' of the GLS residuals, embedded. */
    double *rz;     /* D x 3: sum r_d z_c. */
    double *k;      /* D x D: K[d][e] = <C block (d, e), szz>. */
} mmrm_pattern;

typedef struct {
    int D, p, nth;
    int clda;           /* 1: dimension 0 is the baseline, d >= 1 visit d. */
    int q[MAXD], off[MAXD];
    int ta[MAXTH], tb[MAXTH];
    int contrast;       /* beta index of the effect. */
    size_t cap;         /* Patterns the workspace holds. */
    int npat;
    mmrm_pattern *pat;
    double nobs;        /* Observations N. */
    double *sigma;      /* D x D current Sigma. */
    double *trial;      /* D x D saved Sigma during a line search. */
    double *scratch;    /* 4 D x D. */
    double *xwx, *lx, *c, *u; /* p x p: X'WX, its factor, C = (X'WX)^-1, U = L^-T. */
    double *xwy, *beta; /* p. */
    double *g;          /* nth: REML gradient. */
    double *fisher;     /* nth x nth: expected information. */
    double *observed;   /* nth x nth: observed information. */
    double *ai;         /* nth x nth: average information Q / 2. */
    double *h;          /* nth x nth: a factor being solved. */
    double *dir;        /* nth. */
    double *atil;       /* nth x p x p: C A_j. */
    double *hu;         /* nth x p: U' h_j. */
    double *tmp;        /* p x p. */
    double loglik;
} mmrm_fit;

/* Sigma_OO, X'WX and information pivots below this x their diagonal count as singular. */
#define SIM_MMRM_PIVOT_TOL 1e-13

/* The GLS fit at f->sigma (W_p, X'WX, C, U, beta), the residual sums R_p and Rz_p and
 * f->loglik (mmrm_reml.c); 0 when a Sigma_OO or X'WX is not positive definite. */
int sim_mmrm_loglik(mmrm_fit *f);

/* At the Sigma of the last successful sim_mmrm_loglik: f->g and the average information
 * f->ai = Q / 2; if full, also f->fisher and f->observed (mmrm_reml.c). */
void sim_mmrm_derivs(mmrm_fit *f, int full);

/* out = W_p S W_p over the observed dimensions of pt, zero elsewhere; S, out, tmp D x D. */
void sim_mmrm_sandwich(const mmrm_pattern *pt, const double *s, int D, double *out, double *tmp);

/* Builds the patterns' sums (mmrm_data.c); a status (OK or BAD_INPUT) and reason. */
sim_mmrm_status sim_mmrm_patterns(mmrm_fit *f, const sim_mmrm_data *data, int clda,
                                  char *reason, size_t reason_len);

/* The pairwise-complete moment start into f->sigma, with the identification checks
 * (mmrm_data.c): OK, TOO_FEW, UNPAIRED or NOT_PD, with a reason. */
sim_mmrm_status sim_mmrm_start(mmrm_fit *f, char *reason, size_t reason_len);

#endif
