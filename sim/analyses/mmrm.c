/*
 * Mixed model for repeated measures (MMRM) of every visit up to the primary one.
 *
 * DESCRIPTION
 *   The endpoint (change from baseline, or the score) at every post-baseline visit of each
 *   randomized patient, all observed visits used (a patient who dropped out contributes
 *   the visits before; deaths as [outcome] death scores them): fixed effects visit,
 *   arm x visit and baseline x visit, an unstructured covariance across visits, REML.
 *   The estimate is the arm difference at the primary visit, its SE from the model-based
 *   covariance of the fixed effects, tested by t on Satterthwaite's df (Mallinckrodt et
 *   al. 2008, Drug Inf J 42:303; fit and df: sim/longitudinal/mmrm.c).
 *
 * FAILURE (counted, with its reason)
 *   A visit with fewer observations than its 3 mean parameters + 1 or aliased columns
 *   there, two visits never observed together, a covariance that is not positive
 *   definite, no convergence (sim_mmrm_status_name).
 *
 * REFERENCE
 *   nlme::gls(y ~ visit * arm + visit * baseline, correlation = corSymm(form = ~ visit_index
 *   | patient), weights = varIdent(form = ~ 1 | visit), method = "REML"): estimate and SE
 *   to 1e-6 (tests/test_mmrm.c, tests/ref/make_mmrm_ref.R).
 */
#include "analysis_impl.h"
#include "longitudinal/trial_fit.h"

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    sim_longitudinal_analyze(data, settings, SIM_LONGITUDINAL_MMRM, result);
}

const mscsim_analysis_type sim_analysis_mmrm = {
    .name = "mmrm",
    .description = "MMRM of every visit: unstructured covariance, REML, Satterthwaite df",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS,
    .uses_baseline = 1,
    .analyze = analyze,
    .min_visits = 2,
    .work_size = sim_longitudinal_work_size,
};
