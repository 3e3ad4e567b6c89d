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
    if (sim_analysis_se_degenerate(data, se)) {
        sim_analysis_fail(result);
        return;
    }
    result->estimate = m->mean_y - c->mean_y;
    result->se = se;
    sim_analysis_t_finish(settings, result->estimate / se, df, result);
}

const mscsim_analysis_type sim_analysis_student = {
    .name = "student",
    .description = "Student's two-sample t test, pooled variance (t.test var.equal = TRUE)",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL,
    .uses_baseline = 0,
    .analyze = analyze,
};
