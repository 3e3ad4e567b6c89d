/*
 * Worst-rank Wilcoxon-Mann-Whitney test: deaths ranked below every survivor.
 *
 * DESCRIPTION
 *   Patients who died by the primary visit (data->died) are given the worst rank, tied
 *   with each other, whatever score they carry; survivors are ranked by their endpoint.
 *   Then exactly the wilcoxon analysis (wilcoxon.c): R's wilcox.test(exact =
 *   FALSE, correct = TRUE) p-value and z statistic, estimate P(msc better) + P(tie) / 2
 *   - 1/2 with the DeLong SE (MSCSIM_ESTIMAND_SUPERIORITY). It is wilcox.test with each
 *   dead patient's value replaced by -Inf (tests/ref/make_rank_ref.R). With died NULL
 *   (nobody in the design can die) it is identical to wilcoxon.
 *
 * FAILURE
 *   As wilcoxon: an empty arm, or every patient tied (e.g. all dead).
 *
 * REFERENCE
 *   Lachin (1999), "Worst-rank score analysis with informatively missing observations in
 *   clinical trials", Control Clin Trials 20:408-422; Felker & Maisel (2010), Circ Heart
 *   Fail 3:643-646 (global rank endpoints).
 */

#include "analysis_impl.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    sim_analysis_rank_sum(data, 1, settings, result);
}

const mscsim_analysis_type sim_analysis_worst_rank = {
    .name = "worst_rank",
    .description = "Wilcoxon-Mann-Whitney test with deaths ranked worst (tied); estimate "
                   "P(msc better) + P(tie)/2 - 1/2",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL,
    .uses_baseline = 0,
    .estimand = MSCSIM_ESTIMAND_SUPERIORITY,
    .analyze = analyze,
};
