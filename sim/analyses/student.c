/*
 * Student's two-sample t test with pooled variance.
 *
 * DESCRIPTION
 *   The test of R's t.test(y_msc, y_control, var.equal = TRUE): estimate ybar1 - ybar0,
 *   SE = s_p sqrt(1/n0 + 1/n1) with s_p^2 = (SS0 + SS1) / (n0 + n1 - 2), statistic
 *   t = estimate / SE on n0 + n1 - 2 df (an integer, so the decision is a table lookup).
 *
 * FAILURE
 *   Fewer than 2 patients in an arm, or data R calls "essentially constant"
 *   (SE < 10 eps max(|ybar0|, |ybar1|), where t.test stops), or SE = 0.
 *
 * REFERENCE
 *   Student (1908), Biometrika 6:1-25; R stats/R/t.test.R (R 4.2).
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
    double n0 = (double)c->n, n1 = (double)m->n, df = n0 + n1 - 2.0;
    double var = (c->ss_y + m->ss_y) / df;
    double se = sqrt(var * (1.0 / n0 + 1.0 / n1));
    sim_analysis_t_test(data, settings, m->mean_y - c->mean_y, se, df, result);
}

/* Noncentral t, exact for a normal endpoint with a common sd. */
static sim_analytic_status student_design(const mscsim_analytic_outcome *o,
                                          const mscsim_config *cfg, mscsim_analytic_design *d,
                                          char *why, size_t why_len)
{
    (void)cfg;
    sim_analytic_status found = sim_analytic_normal_endpoint(o, d, why, why_len);
    if (found != SIM_ANALYTIC_FOUND)
        return found;
    if (d->sd[0] != d->sd[1])
        return sim_analytic_none(why, why_len,
                                 "student with unequal endpoint sds (the pooled t is not "
                                 "noncentral t); welch has a closed form");
    d->method = MSCSIM_ANALYTIC_STUDENT;
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {.design = student_design};

const mscsim_analysis_type sim_analysis_student = {
    .name = "student",
    .description = "Student's two-sample t test, pooled variance (t.test var.equal = TRUE)",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL,
    .uses_baseline = 0,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_STATS | MSCSIM_SUFFICIENT_COUNTS,
    .analytic = &analytic,
};
