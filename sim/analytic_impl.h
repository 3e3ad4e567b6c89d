#ifndef SIM_ANALYTIC_IMPL_H
#define SIM_ANALYTIC_IMPL_H
/*
 * Private to sim/analytic.c and to the analytic hooks of the models and analyses: the
 * canonical outcome a model describes (behind the opaque mscsim_analytic_outcome), the
 * hook an analysis carries (behind mscsim_analytic_hook) and the helpers both use.
 *
 * mscsim_analytic_design_from_config applies the rules every design shares (no effect
 * heterogeneity, deaths, MAR/MNAR dropout, mi or filled-in outcomes), then asks the
 * model's hook for the outcome, copies the outcome's own parameters into the design
 * (delta for a normal outcome, p for a binary one) and asks the analysis' hook for the
 * method and the rest. Neither side knows the other's names.
 */

#include <stddef.h>

#include "mscsim/analysis.h"
#include "mscsim/analytic.h"
#include "mscsim/config.h"

typedef enum {
    SIM_ANALYTIC_NORMAL = 0, /* normal change from a baseline, per arm */
    SIM_ANALYTIC_BINARY,     /* P(event) per arm */
    SIM_ANALYTIC_ORDERED     /* ordered categories under proportional odds */
} sim_analytic_kind;

struct mscsim_analytic_outcome {
    sim_analytic_kind kind;
    /* The endpoint as reasons name it, e.g. "a binary endpoint", "the mRS". */
    const char *noun;
    /* NORMAL: the change from baseline in arm a is
     *   mean[a] + sd[a] (rho z + sqrt(1 - rho^2) e),  sd[a] > 0,
     * z the standardised baseline, e standard normal. final: the endpoint is baseline +
     * change, the baseline's sd being baseline_sd (0 when fixed). not_normal: NULL when
     * the endpoint itself is normal, else why not (adjusting for the baseline needs only
     * the linearity above). */
    double mean[MSCSIM_ARM_COUNT], sd[MSCSIM_ARM_COUNT], rho, baseline_sd;
    int final;
    const char *not_normal;
    /* NORMAL: 1 when the baseline is normal and no eligibility window truncates it (an
     * adjusted analysis' covariate imbalance then has an exact distribution). */
    int baseline_normal;
    /* BINARY: P(event) per arm, event = the better outcome. */
    double p[MSCSIM_ARM_COUNT];
    /* ORDERED: the control arm's category probabilities as configured (best first,
     * summing to 1 within 1e-9) and the common odds ratio of a better category. */
    int categories;
    double probs[MSCSIM_ANALYTIC_MAX_CATEGORIES];
    double odds_ratio;
};

/* What an analysis' hook found. */
typedef enum {
    SIM_ANALYTIC_NO_FORMULA = -1, /* none for this kind of outcome (the caller says so) */
    SIM_ANALYTIC_NONE = 0,        /* none: why says why */
    SIM_ANALYTIC_FOUND = 1        /* the design is complete */
} sim_analytic_status;

struct mscsim_analytic_hook {
    /* Given the outcome and cfg's analysis settings, with *d holding alpha, sides, the
     * MCAR dropout and the outcome's own parameters, sets d's method and the rest. */
    sim_analytic_status (*design)(const mscsim_analytic_outcome *outcome,
                                  const mscsim_config *cfg, mscsim_analytic_design *d,
                                  char *why, size_t why_len);
    /* 1 when the analysis decides from the arms' event counts alone (n and sum_y of a 0/1
     * endpoint), so that the method `exact` enumerates its power table by table. */
    int counts_only;
    mscsim_analytic_method exact;
};

/* Writes the reason there is no analytic power into why (if any); returns 0. */
int sim_analytic_none(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For the t tests of the endpoint itself: the endpoint's sd per arm into d->sd (the
 * change's, or sqrt(sd_b^2 + 2 rho sd sd_b + sd^2) for final), or why the endpoint is
 * not normal; SIM_ANALYTIC_NO_FORMULA for an outcome that is not NORMAL. */
sim_analytic_status sim_analytic_normal_endpoint(const mscsim_analytic_outcome *outcome,
                                                 mscsim_analytic_design *d, char *why,
                                                 size_t why_len);

#endif
