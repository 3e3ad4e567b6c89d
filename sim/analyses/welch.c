/*
 * Welch's two-sample t test (unequal variances).
 *
 * DESCRIPTION
 *   The test of R's t.test(y_msc, y_control) (var.equal = FALSE): estimate ybar1 - ybar0,
 *   SE^2 = v0 + v1 with v_a = s_a^2 / n_a, statistic t = estimate / SE on the
 *   Welch-Satterthwaite df nu = (v0 + v1)^2 / (v0^2 / (n0 - 1) + v1^2 / (n1 - 1)), used for
 *   the p-value and for the interval. nu is not an integer, so the decision uses the bracket
 *   q(ceil nu) <= q(nu) <= q(floor nu) of settings.c and calls pt only when t
 *   falls inside it.
 *
 * FAILURE
 *   Fewer than 2 patients in an arm, or R's "essentially constant" rule
 *   (SE < 10 eps max(|ybar0|, |ybar1|)), which covers both variances 0. With one variance 0
 *   and the other not, R carries on (nu = n_a - 1 of the other arm), and so do we.
 *
 * REFERENCE
 *   Welch (1947), Biometrika 34:28-35; Satterthwaite (1946), Biometrics Bull 2:110-114;
 *   R stats/R/t.test.R (R 4.2).
 */

#include <float.h>
#include <math.h>

#include "analysis_impl.h"
#include "analytic_impl.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    const mscsim_arm_stats *c = &data->arm[MSCSIM_ARM_CONTROL], *m = &data->arm[MSCSIM_ARM_MSC];
    if (c->n < 2 || m->n < 2) {
        sim_analysis_fail(result);
        return;
    }
    double n0 = (double)c->n, n1 = (double)m->n;
    double v0 = c->ss_y / (n0 - 1.0) / n0, v1 = m->ss_y / (n1 - 1.0) / n1;
    double v = v0 + v1, se = sqrt(v);
    double df = v * v / (v0 * v0 / (n0 - 1.0) + v1 * v1 / (n1 - 1.0));
    sim_analysis_t_test(data, settings, m->mean_y - c->mean_y, se, df, result);
}

/* The exact integral over the two sample variances (beyond the cost bound, noncentral t on
 * the Welch-Satterthwaite df of the true variances). */
static sim_analytic_status welch_design(const mscsim_analytic_outcome *o,
                                        const mscsim_config *cfg, mscsim_analytic_design *d,
                                        char *why, size_t why_len)
{
    (void)cfg;
    sim_analytic_status found = sim_analytic_normal_endpoint(o, d, why, why_len);
    if (found == SIM_ANALYTIC_FOUND)
        d->method = MSCSIM_ANALYTIC_EXACT_WELCH;
    return found;
}

static const mscsim_analytic_hook analytic = {.design = welch_design};

const mscsim_analysis_type sim_analysis_welch = {
    .name = "welch",
    .description = "Welch's two-sample t test, unequal variances (t.test default)",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL,
    .uses_baseline = 0,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_STATS | MSCSIM_SUFFICIENT_COUNTS,
    .analytic = &analytic,
};
