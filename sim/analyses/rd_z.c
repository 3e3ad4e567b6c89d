/*
 * Risk-difference z test on a 0/1 endpoint (Wald test with the unpooled variance).
 *
 * DESCRIPTION
 *   With x_a events among n_a patients (p_a = x_a / n_a, from the sufficient statistics),
 *     estimate = p1 - p0 (msc minus control),
 *     SE = sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0) (unpooled, as the Wald interval),
 *     z = estimate / SE, referred to the standard normal (df = INFINITY):
 *   two-sided p = 2 pnorm(-|z|), one-sided (H1: p_msc > p_control) p = pnorm(z, upper).
 *   Test and interval use the same SE, so they always agree, unlike chisq (pooled test,
 *   unpooled interval). The test is anti-conservative for small n or p near 0 or 1.
 *
 * FAILURE
 *   An empty arm; SE = 0 (each arm's proportion is 0 or 1, where z is undefined or
 *   infinite); or an endpoint that is not 0/1 (event counts not integers in [0, n]).
 *
 * REFERENCE
 *   Agresti (2013), Categorical Data Analysis, 3rd ed., sec. 3.1.2 (Wald interval for
 *   p1 - p0); tests/ref/make_adjusted_ref.R gives the formula in R.
 */

#include <math.h>

#include "analysis_impl.h"
#include "analytic_impl.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    double n[2], x[2];
    if (!sim_analysis_binary_counts(data, n, x, result))
        return;
    sim_analysis_risk_difference(n, x, result);
    /* df = INFINITY is the normal test: pt(z, Inf) is pnorm (nmath/pt.c); SE 0 fails. */
    mscsim_analysis_decide_t(settings, result->estimate, result->se, INFINITY, result);
}

/* Exact enumeration of the tables (the Wald normal approximation, with the unpooled SE as
 * the test, beyond the cost bound). */
static sim_analytic_status rd_z_design(const mscsim_analytic_outcome *o,
                                       const mscsim_config *cfg, mscsim_analytic_design *d,
                                       char *why, size_t why_len)
{
    (void)cfg, (void)why, (void)why_len;
    if (o->kind != SIM_ANALYTIC_BINARY)
        return SIM_ANALYTIC_NO_FORMULA;
    d->method = MSCSIM_ANALYTIC_EXACT_RD_Z;
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {
    .design = rd_z_design, .counts_only = 1, .exact = MSCSIM_ANALYTIC_EXACT_RD_Z};

const mscsim_analysis_type sim_analysis_rd_z = {
    .name = "rd_z",
    .description = "risk-difference z test, unpooled Wald SE, normal reference",
    .outcomes = MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .estimand = MSCSIM_ESTIMAND_MEAN_DIFFERENCE,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_STATS | MSCSIM_SUFFICIENT_COUNTS,
    .analytic = &analytic,
};
