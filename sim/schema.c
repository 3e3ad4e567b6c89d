/* The column tables of every output file, and their Markdown for the README. */
#include "mscsim/schema.h"

#include <string.h>

#include "internal.h"

/* Meanings shared by several columns or files: one text, so grouped README rows and files
 * that share a column cannot disagree. */
static const char scenario_text[] =
    "Scenario number: the grid point of a `[sweep]` (1 without a sweep).";
static const char swept_text[] =
    "The value the swept key takes in this scenario (only with a `[sweep]`).";
static const char analysis_text[] = "The `[analysis] test`.";
static const char arms_text[] = "Patients randomized in total and per arm.";
static const char rejections_text[] = "Trials whose test rejected.";
static const char power_text[] = "`rejections / reps` (under a null effect, the type I error).";
static const char interval_text[] = "95 % Wilson interval of the power: its Monte Carlo error.";
static const char true_effect_text[] =
    "What the analysis estimates, in the population (positive = msc better): the mean "
    "difference of the endpoint for mean-difference analyses (see True effect).";
static const char design_text[] =
    "The design's model, clinical scale, endpoint (auto resolved) and missing-data handling, "
    "so plots can label axes in clinical terms.";
static const char shares_text[] =
    "Shares of observed primary scores at the scale's minimum and maximum (`NA` without a "
    "clinical scale, and for the binary model).";
static const char missing_text[] =
    "Realised share of randomized patients per arm without an analysed endpoint (dropout, "
    "and deaths left missing).";
static const char target_text[] = "The target power (`--target`, default 0.8).";
static const char below_text[] =
    "Power one block below the answer in its confirmation, with its 95 % Wilson interval "
    "(`NA` when the answer is the smallest possible).";
static const char estimate_text[] =
    "The trial's estimate, its standard error and p-value (`NA` when the analysis failed).";
static const char answer_text[] =
    "The answer: the smallest total n reaching the target, and its arm sizes.";
static const char candidate_text[] = "The candidate's patients in total and per arm.";
static const char analysed_text[] = "Patients analysed per arm.";
static const char warnings_text[] =
    "The warnings of this row's design and results (see Warnings): codes joined by `;` in "
    "the order `baseline_off_scale`, `failures`, `low_coverage`, `floor`, `ceiling`; empty "
    "when there are none.";
static const char stop_text[] =
    "Shares of trials stopped before the last look for efficacy and for futility (the first "
    "analysis decides); `NA` without `[interim]`.";
static const char covariates_text[] =
    "The patient's NIHSS, age, days from stroke onset and baseline score (`NA` when not "
    "simulated).";

/* Every file but the patient rows starts with these... */
#define LEAD_COLUMNS                                                                         \
    {"scenario", scenario_text, "Scenario", NULL, 0},                                        \
        {"section.key", swept_text, "Swept value", NULL, 1}
#define ARM_COLUMNS                                                                          \
    {"n_total", arms_text, "Total sample size (patients)", "patients", 0},                   \
        {"n_control", arms_text, "Control arm size (patients)", "patients", 0},              \
        {"n_msc", arms_text, "MSC arm size (patients)", "patients", 0}
/* ...and results, replicates and answers end with the design's labels. */
#define DESIGN_COLUMNS                                                                       \
    {"model", design_text, "Model", NULL, 0}, {"scale", design_text, "Clinical scale", NULL, 0}, \
        {"endpoint", design_text, "Endpoint", NULL, 0},                                     \
        {"missing", design_text, "Missing-data handling", NULL, 0}

static const mscsim_column results_columns[] = {
    LEAD_COLUMNS,
    {"analysis", analysis_text, "Analysis", NULL, 0},
    ARM_COLUMNS,
    {"reps", "Simulated trials.", "Simulated trials", "trials", 0},
    {"rejections", rejections_text, "Rejections (trials)", "trials", 0},
    {"power", power_text, "Power", NULL, 0},
    {"power_lo", interval_text, "Power, lower 95 % limit", NULL, 0},
    {"power_hi", interval_text, "Power, upper 95 % limit", NULL, 0},
    {"true_effect", true_effect_text, "True effect", NULL, 0},
    {"mean_estimate", "Mean estimate over trials whose analysis was computed.",
     "Mean estimate", NULL, 0},
    {"bias", "`mean_estimate - true_effect`.", "Bias", NULL, 0},
    {"empirical_se", "Standard deviation of the estimates.", "Empirical SE", NULL, 0},
    {"mean_se", "Mean of the analyses' standard errors (compare with `empirical_se`).",
     "Mean SE", NULL, 0},
    {"rmse", "Root mean squared error of the estimates.", "RMSE", NULL, 0},
    {"coverage",
     "Share of 95 % confidence intervals that contain `true_effect` (over computed trials).",
     "Coverage of the 95 % CI", NULL, 0},
    {"mean_n_analysed", "Mean patients with a primary outcome per trial.",
     "Patients analysed per trial", "patients", 0},
    {"failures", "Trials whose analysis could not be computed (counted as not rejecting).",
     "Failed analyses (trials)", "trials", 0},
    {"true_effect_mcse",
     "Monte Carlo SE of `true_effect` when it is estimated by simulation; 0 when exact.",
     "Monte Carlo SE of the true effect", NULL, 0},
    {"mean_deaths", "Mean deaths by the primary visit per trial.", "Deaths per trial (patients)",
     "patients", 0},
    {"floor_share", shares_text, "Share at the scale's floor", NULL, 0},
    {"ceiling_share", shares_text, "Share at the scale's ceiling", NULL, 0},
    {"recovery_slope",
     "Mean over trials of the within-arm least-squares slope of the gain (oriented change) on "
     "the lost function (distance from the best score at baseline), among surviving patients "
     "with a primary score; `NA` without a bounded scale and a baseline. Hope 2019's "
     "diagnostic: a slope near 0.7 is what \"proportional recovery\" reports.",
     "Recovery slope", NULL, 0},
    {"missing_control", missing_text, "Missing share, control", NULL, 0},
    {"missing_msc", missing_text, "Missing share, MSC", NULL, 0},
    {"mean_imbalance",
     "Mean over trials of 2 abs(n_msc - n m / (c + m)) / n for allocation c:m, i.e. "
     "abs(n_msc - n_control) / n at 1:1: how far the arms the randomisation gave are from the "
     "allocation (0, or 1/n for an odd n, with fixed arms; see Randomisation).",
     "Mean arm imbalance (share of n)", NULL, 0},
    {"rejection_kind",
     "`assurance` with a `[prior]` (then `power` is the probability of success averaged over "
     "the design prior); else `type_i_error` when the true effect is exactly 0 (then `power` "
     "is the type I error rate), else `power`.",
     "Rejection kind", NULL, 0},
    {"analytic_power",
     "The closed-form power of this analysis at this n where one exists (see Analytic power), "
     "else `NA`.",
     "Analytic power", NULL, 0},
    {"expected_n",
     "Mean patients randomized when the trial ends (at its stopping look, with `[interim]`; "
     "else `n_total`).",
     "Expected sample size (patients)", "patients", 0},
    {"expected_n_analysed",
     "Mean patients in the analysis reported (the stopping look's, pipeline patients included "
     "with `[interim] pipeline = analyse`, counted as `mean_analysed` counts; else "
     "`mean_n_analysed`).",
     "Expected patients analysed", "patients", 0},
    {"expected_months",
     "Mean calendar month of the deciding analysis from the start of accrual (the fixed "
     "design's: the last patient's primary visit); `NA` without `[trial] accrual_per_month`.",
     "Expected duration (months)", "months", 0},
    {"stop_efficacy", stop_text, "Early stop for efficacy", NULL, 0},
    {"stop_futility", stop_text, "Early stop for futility", NULL, 0},
    {"prior_p_benefit",
     "With a `[prior]`: share of trials whose drawn true effect is > 0 (the prior probability "
     "of benefit, which caps the assurance); `NA` without a prior or a true effect.",
     "Prior probability of benefit", NULL, 0},
    {"p_success_and_benefit",
     "With a `[prior]`: share of trials that succeed and whose true effect is > 0.",
     "P(success and benefit)", NULL, 0},
    {"p_success_given_no_benefit",
     "With a `[prior]`: share of successes among the trials whose true effect is <= 0 (a "
     "false go).",
     "P(success | no benefit)", NULL, 0},
    {"mean_effect_success",
     "With a `[prior]`: mean true effect of the trials that succeed.",
     "Mean true effect of successes", NULL, 0},
    DESIGN_COLUMNS,
    {"warnings", warnings_text, "Warnings", NULL, 0},
};

static const mscsim_column replicates_columns[] = {
    LEAD_COLUMNS,
    {"analysis", analysis_text, "Analysis", NULL, 0},
    ARM_COLUMNS,
    {"replicate", "The simulated trial, 1-based within its n.", "Trial", NULL, 0},
    {"estimate", estimate_text, "Estimate", NULL, 0},
    {"se", estimate_text, "Standard error", NULL, 0},
    {"p_value", estimate_text, "p-value", NULL, 0},
    {"reject", "1 when the trial succeeded: its test rejected (`[decision] rule = posterior`: "
     "its posterior criteria were met), else 0.", "Rejected", NULL, 0},
    {"failed", "1 when the analysis could not be computed, else 0.", "Failed", NULL, 0},
    {"n_analysed_control", analysed_text, "Patients analysed, control", "patients", 0},
    {"n_analysed_msc", analysed_text, "Patients analysed, MSC", "patients", 0},
    {"true_effect", true_effect_text, "True effect", NULL, 0},
    DESIGN_COLUMNS,
};

static const mscsim_column answer_columns[] = {
    LEAD_COLUMNS,
    {"analysis", "The analysis that must reach the target (the config's first, or `--analysis`).",
     "Analysis", NULL, 0},
    {"n_total", answer_text,
     "Total sample size (patients)", "patients", 0},
    {"n_control", answer_text,
     "Control arm size (patients)", "patients", 0},
    {"n_msc", answer_text,
     "MSC arm size (patients)", "patients", 0},
    {"power", "Power at the answer in its confirmation.", "Power", NULL, 0},
    {"power_lo", interval_text, "Power, lower 95 % limit", NULL, 0},
    {"power_hi", interval_text, "Power, upper 95 % limit", NULL, 0},
    {"target", target_text, "Target power", NULL, 0},
    {"reps", "Trials per confirmation.", "Trials per confirmation", "trials", 0},
    {"n_total_below",
     "The size one block below the answer (`NA` when the answer is the smallest possible).",
     "Total sample size below (patients)", "patients", 0},
    {"power_below", below_text, "Power one block below", NULL, 0},
    {"power_below_lo", below_text, "Power below, lower 95 % limit", NULL, 0},
    {"power_below_hi", below_text, "Power below, upper 95 % limit", NULL, 0},
    {"gain_per_block", "The power one block gained in the search (g in the confirmation rule).",
     "Power gained per block", NULL, 0},
    {"start_n", "Where the search started: the formula's answer, else the first `[trial] n`.",
     "Starting sample size (patients)", "patients", 0},
    {"analytic_n",
     "The formula's answer (`NA` without one); with `[interim]`, the fixed design's times the "
     "looks' inflation factor, in whole blocks.",
     "Analytic sample size (patients)", "patients", 0},
    {"trials", "All trials simulated.", "Simulated trials", "trials", 0},
    {"expected_n_h1",
     "With `[interim]`: mean patients randomized at the answer (its maximum n) in the "
     "confirmation; else `NA`.",
     "Expected sample size under H1 (patients)", "patients", 0},
    {"expected_n_h0",
     "With `[interim]`: the same under H0, from a null run at the answer (the msc arm "
     "simulated as the control arm, as many trials as a confirmation); else `NA`.",
     "Expected sample size under H0 (patients)", "patients", 0},
    DESIGN_COLUMNS,
    {"warnings", warnings_text, "Warnings", NULL, 0},
};

/* The simulated power at a candidate, ending both search traces. */
#define CANDIDATE_POWER_COLUMNS                                                              \
    {"reps", "Trials simulated at the candidate.", "Simulated trials", "trials", 0},         \
        {"rejections", rejections_text, "Rejections (trials)", "trials", 0},                 \
        {"power", "`rejections / reps`.", "Power", NULL, 0},                                 \
        {"power_lo", interval_text, "Power, lower 95 % limit", NULL, 0},                     \
        {"power_hi", interval_text, "Power, upper 95 % limit", NULL, 0},                     \
        {"target", target_text, "Target power", NULL, 0}

static const mscsim_column trace_columns[] = {
    LEAD_COLUMNS,
    {"analysis", "The analysis that must reach the target.", "Analysis", NULL, 0},
    {"stage", "`search` (nested trials) or `confirm` (independent trials).", "Stage", NULL, 0},
    {"n_total", candidate_text, "Total sample size (patients)",
     "patients", 0},
    {"n_control", candidate_text,
     "Control arm size (patients)", "patients", 0},
    {"n_msc", candidate_text, "MSC arm size (patients)",
     "patients", 0},
    CANDIDATE_POWER_COLUMNS,
};

static const char mde_key_text[] = "The key searched (`--key`), as `section.key`.";
static const char mde_below_text[] =
    "Power one step nearer the null than the answer in its confirmation, with its 95 % Wilson "
    "interval (`NA` when that step would reach the null).";

static const mscsim_column mde_answer_columns[] = {
    LEAD_COLUMNS,
    {"analysis", "The analysis that must reach the target (the config's first, or `--analysis`).",
     "Analysis", NULL, 0},
    {"key", mde_key_text, "Key", NULL, 0},
    {"value", "The answer: the key's value nearest the null that reaches the target.",
     "Detectable value", NULL, 0},
    {"null_value", "The key's value of no effect: the `[control]` value of the same key, else "
                   "its default.",
     "Null value", NULL, 0},
    ARM_COLUMNS,
    {"power", "Power at the answer in its confirmation.", "Power", NULL, 0},
    {"power_lo", interval_text, "Power, lower 95 % limit", NULL, 0},
    {"power_hi", interval_text, "Power, upper 95 % limit", NULL, 0},
    {"target", target_text, "Target power", NULL, 0},
    {"reps", "Trials per confirmation.", "Trials per confirmation", "trials", 0},
    {"value_below", "The value one step nearer the null (`NA` when that step would reach it).",
     "Value one step nearer the null", NULL, 0},
    {"power_below", mde_below_text, "Power one step nearer", NULL, 0},
    {"power_below_lo", mde_below_text, "Power nearer, lower 95 % limit", NULL, 0},
    {"power_below_hi", mde_below_text, "Power nearer, upper 95 % limit", NULL, 0},
    {"step", "The confirmation's step: the change of the key that gained 0.01 power in the "
             "search (the answer's resolution).",
     "Step", NULL, 0},
    {"start_value", "Where the search started: the formula's answer, else the config's value.",
     "Starting value", NULL, 0},
    {"analytic_value", "The formula's answer (`NA` without one).", "Analytic value", NULL, 0},
    {"trials", "All trials simulated.", "Simulated trials", "trials", 0},
    DESIGN_COLUMNS,
};

static const mscsim_column mde_trace_columns[] = {
    LEAD_COLUMNS,
    {"analysis", "The analysis that must reach the target.", "Analysis", NULL, 0},
    {"key", mde_key_text, "Key", NULL, 0},
    {"stage", "`search` (common random numbers) or `confirm` (independent trials).", "Stage",
     NULL, 0},
    {"value", "The candidate value of the key.", "Value", NULL, 0},
    ARM_COLUMNS,
    CANDIDATE_POWER_COLUMNS,
};

static const mscsim_column patients_columns[] = {
    {"patient", "The patient, 1-based, control first.", "Patient", NULL, 0},
    {"arm", "`control` or `msc`.", "Arm", NULL, 0},
    {"nihss", covariates_text, "NIHSS at baseline (points)", "points", 0},
    {"age", covariates_text, "Age (years)", "years", 0},
    {"onset_days", covariates_text, "Days from stroke onset (days)", "days", 0},
    {"baseline", covariates_text, "Baseline score", NULL, 0},
    {"visit_day", "Days after randomization.", "Visit day (days)", "days", 0},
    {"true_score", "The model's noiseless score, clipped to the scale.", "True score", NULL, 0},
    {"observed_score", "The score rounded and clipped to the scale; `NA` when missing.",
     "Observed score", NULL, 0},
    {"observed", "1 when the score was observed, else 0.", "Observed", NULL, 0},
    {"died", "1 when dead by the primary visit, else 0.", "Died", NULL, 0},
    {"death_day", "Day of death (`NA` if alive; for the ordinal model a death is mRS 6 and its "
                  "day is `NA`).",
     "Day of death (days)", "days", 0},
};

static const mscsim_column looks_columns[] = {
    LEAD_COLUMNS,
    {"analysis", "The `[analysis] test`; the first one decides when a trial stops, the others "
                 "are reported at the same looks.", "Analysis", NULL, 0},
    ARM_COLUMNS,
    {"reps", "Simulated trials.", "Simulated trials", "trials", 0},
    {"look", "The look, 1-based (the last is the final analysis).", "Look", NULL, 0},
    {"information_fraction", "Planned share of the final analysis' patients (`[interim] looks`).",
     "Information fraction", NULL, 0},
    {"efficacy_z",
     "Efficacy boundary on the z scale (`Inf`: nothing spent here). For a Bayesian rule, the "
     "z it implies in the normal approximation where that does not depend on the data (a "
     "flat `[decision]` prior with zero thresholds), else `NA` (see Bayesian rules at "
     "interim looks).",
     "Efficacy boundary (z)", NULL, 0},
    {"efficacy_p", "Its nominal one-sided p-value boundary (`NA` with `efficacy_z`).",
     "Nominal p boundary", NULL, 0},
    {"futility_z",
     "Futility boundary on the z scale (`NA` without futility, or for a Bayesian rule whose "
     "bound depends on the data; at the last look the efficacy boundary).",
     "Futility boundary (z)", NULL, 0},
    {"cumulative_alpha",
     "Alpha spent by this look (`NA` when the efficacy rule is Bayesian or `[decision] rule = "
     "posterior`: such looks spend no alpha).",
     "Cumulative alpha", NULL, 0},
    {"reject_at_look",
     "Share of all trials that stop here and whose analysis crosses the efficacy boundary "
     "here (summed over looks: `power`).",
     "Rejection at the look", NULL, 0},
    {"futility_at_look", "Share of all trials that stop here for futility.",
     "Futility stop at the look", NULL, 0},
    {"mean_analysed",
     "Mean patients the first (deciding) analysis uses at this look, over the trials that "
     "reach it: those with an endpoint, or for `mmrm` and `clda` those with at least one "
     "post-baseline visit used (with accrual, pipeline patients' visits past by the look's "
     "date included).",
     "Patients analysed at the look", "patients", 0},
    {"mean_randomized", "Patients randomized by the look.", "Patients randomized by the look",
     "patients", 0},
    {"mean_month", "Calendar month of the look (`NA` without accrual).", "Month of the look",
     "months", 0},
    {"pipeline",
     "Patients randomized but not yet at their primary visit when a trial stops here.",
     "Pipeline patients", "patients", 0},
    {"sides",
     "`[trial] sides`: 1, a trial stops for efficacy when z >= `efficacy_z`; 2, the bounds "
     "are symmetric: it stops when z >= `efficacy_z` or z <= -`efficacy_z`.",
     "Sides", NULL, 0},
    DESIGN_COLUMNS,
};

static const struct {
    const mscsim_column *columns;
    size_t count;
} files[MSCSIM_FILE_KIND_COUNT] = {
    [MSCSIM_FILE_RESULTS] = {results_columns, SIM_ARRAY_LEN(results_columns)},
    [MSCSIM_FILE_REPLICATES] = {replicates_columns, SIM_ARRAY_LEN(replicates_columns)},
    [MSCSIM_FILE_SS_ANSWER] = {answer_columns, SIM_ARRAY_LEN(answer_columns)},
    [MSCSIM_FILE_SS_TRACE] = {trace_columns, SIM_ARRAY_LEN(trace_columns)},
    [MSCSIM_FILE_MDE_ANSWER] = {mde_answer_columns, SIM_ARRAY_LEN(mde_answer_columns)},
    [MSCSIM_FILE_MDE_TRACE] = {mde_trace_columns, SIM_ARRAY_LEN(mde_trace_columns)},
    [MSCSIM_FILE_PATIENTS] = {patients_columns, SIM_ARRAY_LEN(patients_columns)},
    [MSCSIM_FILE_LOOKS] = {looks_columns, SIM_ARRAY_LEN(looks_columns)},
};

SIM_API const mscsim_column *mscsim_schema_columns(mscsim_file_kind kind, size_t *count)
{
    int valid = (unsigned)kind < MSCSIM_FILE_KIND_COUNT;
    if (count)
        *count = valid ? files[kind].count : 0;
    return valid ? files[kind].columns : NULL;
}

SIM_API const mscsim_column *mscsim_schema_find(mscsim_file_kind kind, const char *name)
{
    size_t count;
    const mscsim_column *c = mscsim_schema_columns(kind, &count);
    for (size_t i = 0; i < count; i++)
        if (!c[i].per_swept_key && strcmp(c[i].name, name) == 0)
            return &c[i];
    return NULL;
}

SIM_API int mscsim_schema_write_markdown(mscsim_file_kind kind, FILE *out, mscsim_error *err)
{
    size_t count;
    const mscsim_column *c = mscsim_schema_columns(kind, &count);
    if (!c)
        return sim_error_set(err, MSCSIM_EINVAL, "unknown file kind %d", (int)kind);
    int failed = fputs("| column | meaning |\n|---|---|\n", out) == EOF;
    for (size_t i = 0; i < count && !failed; i++) {
        failed |= fprintf(out, "| `%s`%s", c[i].name,
                          c[i].per_swept_key ? " (one per swept key)" : "") < 0;
        /* Consecutive columns with one meaning share a row, as the README groups them. */
        while (i + 1 < count && strcmp(c[i + 1].meaning, c[i].meaning) == 0)
            failed |= fprintf(out, ", `%s`", c[++i].name) < 0;
        failed |= fprintf(out, " | %s |\n", c[i].meaning) < 0;
    }
    if (failed || ferror(out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the column reference");
    return MSCSIM_OK;
}
