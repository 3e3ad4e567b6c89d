/*
 * The [decision] rule of one simulated trial. rule = posterior: success when
 * P(effect > threshold | data) >= probability, and, in a dual-criterion design (Roychoudhury
 * et al. 2018), also P(effect > mcid | data) >= mcid_probability. The posterior is the
 * conjugate normal one on the analysis' estimate and SE (flat prior: N(estimate, se^2)),
 * or, with beta(a, b) on each arm's event probability, the exact posterior of the risk
 * difference (sim/decision/posterior.c).
 */
#include <math.h>

#include "decision.h"
#include "mscsim/posterior.h"

void sim_decision_counts(const mscsim_trial_data *data, long n[MSCSIM_ARM_COUNT],
                         long x[MSCSIM_ARM_COUNT])
{
    for (int arm = 0; arm < MSCSIM_ARM_COUNT; arm++) {
        n[arm] = (long)data->arm[arm].n;
        x[arm] = lround(data->arm[arm].sum_y); /* 0/1 endpoints: the event count */
    }
}

double sim_decision_exceeds(const mscsim_config *cfg, const mscsim_trial_data *data,
                            const mscsim_analysis_result *r, double t)
{
    const mscsim_dist_spec *prior = &cfg->decision_prior;
    if (prior->kind == MSCSIM_DIST_BETA) {
        double a[2] = {prior->a, prior->a}, b[2] = {prior->b, prior->b};
        long n[2], x[2];
        sim_decision_counts(data, n, x);
        return mscsim_posterior_rd_exceeds(a, b, n, x, t);
    }
    int flat = prior->kind == MSCSIM_DIST_FLAT;
    return mscsim_posterior_normal_exceeds(r->estimate, r->se, flat ? 0.0 : prior->a,
                                           flat ? (double)INFINITY : prior->b, t);
}

int sim_decision_success(const mscsim_config *cfg, const mscsim_trial_data *data,
                         const mscsim_analysis_result *r)
{
    if (cfg->decision_rule != MSCSIM_DECISION_POSTERIOR)
        return r->reject != 0;
    if (r->failed)
        return 0;
    /* NaN (no usable SE) compares false: not a success. */
    if (!(sim_decision_exceeds(cfg, data, r, cfg->decision_threshold) >=
          cfg->decision_probability))
        return 0;
    return !isfinite(cfg->decision_mcid) ||
           sim_decision_exceeds(cfg, data, r, cfg->decision_mcid) >=
               cfg->decision_mcid_probability;
}
