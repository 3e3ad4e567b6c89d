/*
 * Constrained longitudinal data analysis (cLDA) of the baseline and every visit up to the
 * primary one.
 *
 * DESCRIPTION
 *   The baseline is a response (visit 0) with one mean for both arms, as randomization
 *   guarantees; every post-baseline visit has a mean per arm; the covariance of baseline
 *   and visits is unstructured; REML. The estimate is the difference of the arm means at
 *   the primary visit (the same in change and in score, the baseline mean being common),
 *   tested by t on Satterthwaite's df (Liang & Zeger 2000, Sankhya B 62:134; Lu 2010,
 *   Stat Med 29:2643; fit and df: sim/longitudinal/mmrm.c). Patients with a baseline but
 *   no post-baseline visit still inform the baseline mean and covariance.
 *
 * FAILURE (counted, with its reason)
 *   As mmrm (sim_mmrm_status_name), with 2 mean parameters per visit.
 *
 * REFERENCE
 *   nlme::gls on the baseline and the visits stacked, one mean column per visit and arm at
 *   each post-baseline visit, corSymm and varIdent over all of them, REML
 *   (tests/test_mmrm.c, tests/ref/make_mmrm_ref.R).
 */
#include "analysis_impl.h"
#include "longitudinal/trial_fit.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    sim_longitudinal_analyze(data, settings, SIM_LONGITUDINAL_CLDA, result);
}

const mscsim_analysis_type sim_analysis_clda = {
    .name = "clda",
    .description = "cLDA: baseline as a response with one mean for both arms, REML",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS,
    .uses_baseline = 1,
    .analyze = analyze,
    .min_visits = 1,
    .work_size = sim_longitudinal_work_size,
};
