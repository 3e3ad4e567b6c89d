#ifndef SIM_PO_FIT_H
#define SIM_PO_FIT_H
/*
 * Private to sim/analyses/po.c (and tests/test_analysis_po.c): the covariate-adjusted
 * proportional-odds fit behind po and po_lr when the trial data carry [analysis]
 * covariates (data->cov_count >= 1). See po_fit.c.
 */

#include "mscsim/trial.h"

/* Most categories the adjusted fit handles (as the unadjusted one: po.c). */
#define SIM_PO_MAX_CATEGORIES 64

/* An adjusted fit, on polr's scale: logit P(Y <= j) = zeta_j - beta arm - gamma' x. */
typedef struct {
    int k;                                  /* categories fitted */
    int covariates;                         /* K = data->cov_count */
    double zeta[SIM_PO_MAX_CATEGORIES - 1]; /* cutpoints */
    double gamma[MSCSIM_MAX_COVARIATES];    /* covariate coefficients, per unit */
    double beta;   /* adjusted log odds ratio of a better outcome, msc vs control */
    double se;     /* Wald SE from the observed information */
    double loglik; /* maximised log-likelihood */
    double lr;     /* LR statistic against beta = 0 (covariates kept); NaN unless want_lr */
    int grouped;   /* 1 when the patients were fitted as groups of equal covariate values */
} sim_po_adjusted;

/* Fits y ~ arm + cov_1 + ... + cov_K (K = data->cov_count >= 1) by Newton-Raphson on the
 * full likelihood. want_lr also fits the model without arm and fills lr. Returns 1 and
 * fills *out, or 0 when the MLE does not exist or cannot be computed (po.c FAILURE, plus a
 * NaN or constant covariate and covariates that are collinear). Allocates nothing. */
int sim_po_fit_adjusted(const mscsim_trial_data *data, int want_lr, sim_po_adjusted *out);

#endif
