/*
 * Pearson's chi-square test of the 2x2 arm-by-outcome table, no continuity correction.
 *
 * DESCRIPTION
 *   Counts come from the per-arm sufficient statistics (events x_a = sum of the 0/1
 *   endpoint, n_a patients). With N = n0 + n1, events m = x0 + x1 and non-events f = N - m,
 *     X^2 = N (x1 (n0 - x0) - x0 (n1 - x1))^2 / (n0 n1 m f),
 *   the closed form of sum (O - E)^2 / E for a 2x2 table (R's chisq.test(correct = FALSE)).
 *   Two-sided: statistic X^2, p = pchisq(X^2, 1, upper), reject when p < alpha, decided
 *   against the tabulated qchisq(1 - alpha, 1) (settings.c). One-sided
 *   (H1: p_msc > p_control): statistic z = sign(p1 - p0) sqrt(X^2), p = pnorm(z, upper), as
 *   prop.test(c(x1, x0), c(n1, n0), alternative = "greater", correct = FALSE).
 *   Estimate: risk difference p1 - p0 with the unpooled Wald SE, df = INFINITY (a normal
 *   interval); the test itself uses the pooled variance, so test and interval can disagree
 *   near the boundary, as they do in R.
 *
 * FAILURE
 *   An empty arm or a zero outcome margin (no events or no non-events): R's X^2 is NaN.
 *   Also when the endpoint is not 0/1 (event counts not integers in [0, n]).
 *
 * REFERENCE
 *   Pearson (1900), Phil Mag 50:157-175; Agresti (2013), Categorical Data Analysis, 3rd ed.,
 *   sec. 3.2; R stats/R/chisq.test.R and prop.test.R (R 4.2).
 */

#include <math.h>

#include "analysis_impl.h"
#include "analytic_impl.h"
#include "mathlib.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    double n[2], x[2];
    if (!sim_analysis_binary_counts(data, n, x, result))
        return;
    double total = n[0] + n[1], events = x[0] + x[1], nonevents = total - events;
    if (events == 0.0 || nonevents == 0.0) {
        sim_analysis_fail(result);
        return;
    }
    /* Integer arithmetic in doubles: exact while the products stay below 2^53. */
    double cross = x[1] * (n[0] - x[0]) - x[0] * (n[1] - x[1]);
    double x2 = total * (cross * cross) / (n[0] * n[1] * events * nonevents);
    sim_analysis_risk_difference(n, x, result);
    result->failed = 0;
    result->reason = NULL;
    if (settings->sides == 2) {
        result->statistic = x2;
        result->reject = sim_analysis_chisq1_reject(settings, x2);
        result->p_value = settings->want_p ? pchisq(x2, 1.0, 0, 0) : (double)NAN;
    } else {
        /* sign(cross) = sign(p1 - p0) exactly; 0 when the proportions are equal. */
        double z = cross > 0.0 ? sqrt(x2) : cross < 0.0 ? -sqrt(x2) : 0.0;
        result->statistic = z;
        result->reject = sim_analysis_t_reject(settings, z, INFINITY);
        result->p_value = settings->want_p ? pnorm(z, 0.0, 1.0, 0, 0) : (double)NAN;
    }
}

/* Exact enumeration of the tables (Fleiss's normal approximation beyond the cost bound). */
static sim_analytic_status chisq_design(const mscsim_analytic_outcome *o,
                                        const mscsim_config *cfg, mscsim_analytic_design *d,
                                        char *why, size_t why_len)
{
    (void)cfg, (void)why, (void)why_len;
    if (o->kind != SIM_ANALYTIC_BINARY)
        return SIM_ANALYTIC_NO_FORMULA;
    d->method = MSCSIM_ANALYTIC_EXACT_CHISQ;
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {
    .design = chisq_design, .counts_only = 1, .exact = MSCSIM_ANALYTIC_EXACT_CHISQ};

const mscsim_analysis_type sim_analysis_chisq = {
    .name = "chisq",
    .description = "Pearson chi-square test of the 2x2 table, no continuity correction",
    .outcomes = MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_STATS | MSCSIM_SUFFICIENT_COUNTS,
    .analytic = &analytic,
};
