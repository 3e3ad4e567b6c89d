/*
 * Every config key, once. Adding a key is one row here plus its field in mscsim_config;
 * parsing, range checks, `mscsim check`, the resolved config and the README's key table
 * (`mscsim keys`) all follow from this table. Defaults cite shared/domain.md where they
 * stand on a published figure; the others are marked assumptions in their help.
 */
#include "config_impl.h"

#include <math.h>
#include <stddef.h>

#include "mscsim/config.h"

static const char *const endpoint_names[] = {"change", "final", "ratio", "responder", "auto",
                                             NULL};
static const char *const responder_on_names[] = {"change", "final", NULL};
static const char *const scale_names[] = {"none",    "fma_ue", "fma_le", "fma_motor", "barthel",
                                          "nihss",   "mrs",    "custom", NULL};
static const char *const death_names[] = {"worst", "missing", NULL};
static const char *const covariate_names[] = {"baseline", "nihss", "age", "onset_days", NULL};
static const char *const mechanism_names[] = {"mcar", "mar", "mnar", NULL};
static const char *const mar_on_names[] = {"baseline", "previous_visit", NULL};
static const char *const yes_no_names[] = {"no", "yes", NULL};
static const char *const missing_names[] = {"complete_case", "locf", "bocf", "worst", "mi",
                                            NULL};

/* Upper limits that keep a run within memory and time on an ordinary machine. */
#define MAX_TOTAL_N 10000000.0
#define MAX_REPS 1e10
#define MAX_THREADS 1024.0
#define MAX_ALLOCATION 100.0
#define MAX_DAYS 3650.0

/* Models whose score is a clinical-scale score with a baseline. */
#define SCALE_MODELS "proportional random_recovery trajectory"

static int custom_scale(const mscsim_config *cfg)
{
    return cfg->scale == MSCSIM_SCALE_CUSTOM;
}

#define OFF(field) offsetof(mscsim_config, field)
#define ARM(a, field) offsetof(mscsim_config, arm[a].field)

/* Rows shared by [control] and [msc]. */
#define BOTH_ARM_KEYS(section, a)                                                          \
    {section, "mean", KEY_DOUBLE, ARM(a, mean), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0", NULL,  \
     "normal", "Mean change from baseline (outcome units)."},                              \
    {section, "sd", KEY_DOUBLE, ARM(a, sd), 0, 0, 0, HUGE_VAL, 0, "1", NULL, "normal",     \
     "Standard deviation of the change (outcome units)."},                                 \
    {section, "p", KEY_DOUBLE, ARM(a, p), 0, 0, 0, 1, 0, "0.5", NULL, "binary",            \
     "Probability of the favourable binary outcome."},                                     \
    {section, "r", KEY_DOUBLE, ARM(a, r), 0, 0, 0, 1, 0, "0.7", NULL, "proportional",      \
     "Share of the lost function that fitters regain (0.7: proportional recovery rule, "   \
     "domain.md section 3)."},                                                             \
    {section, "nonfitter_share", KEY_DOUBLE, ARM(a, nonfitter_share), 0, 0, 0, 1,          \
     KEY_MIN_EXCLUSIVE | KEY_MAX_EXCLUSIVE, "0.3", NULL, "proportional",                   \
     "Probability of being a non-fitter at half the range lost (about 30 % overall, "      \
     "domain.md section 3)."},                                                             \
    {section, "mortality", KEY_DOUBLE, ARM(a, mortality), 0, 0, 0, 1, KEY_MAX_EXCLUSIVE,   \
     "0", NULL, "normal binary " SCALE_MODELS,                                             \
     "Probability of death by the primary visit (ordinal: deaths are mRS 6 in the "        \
     "distribution)."},                                                                    \
    {section, "dropout", KEY_DOUBLE, ARM(a, dropout), 0, 0, 0, 1, KEY_MAX_EXCLUSIVE, "0",  \
     NULL, NULL,                                                                           \
     "Probability that a randomized patient has no primary outcome (missing completely "   \
     "at random)."}

const config_key sim_config_keys[] = {
    {"trial", "name", KEY_STRING, OFF(name), 0, 0, 0, 0, 0, NULL, NULL, NULL,
     "Design name; names the results file results/<name>.csv (default: the config file's "
     "name)."},
    {"trial", "n", KEY_LONG_LIST, OFF(n), OFF(n_count), MSCSIM_MAX_N_VALUES, 2, MAX_TOTAL_N,
     KEY_REQUIRED, NULL, NULL, NULL, "Total patients randomized; a comma list runs each value."},
    {"trial", "allocation", KEY_RATIO, OFF(alloc), 0, 0, 1, MAX_ALLOCATION, 0, "1:1", NULL,
     NULL, "Allocation ratio control:msc; arm sizes are exact: n_msc = round(n*m/(c+m))."},
    {"trial", "alpha", KEY_DOUBLE, OFF(alpha), 0, 0, 0, 1, KEY_MIN_EXCLUSIVE | KEY_MAX_EXCLUSIVE,
     "0.05", NULL, NULL, "Significance level."},
    {"trial", "sides", KEY_INT, OFF(sides), 0, 0, 1, 2, 0, "2", NULL, NULL,
     "2 = two-sided test; 1 = one-sided test that msc is better."},
    {"trial", "visits", KEY_DOUBLE_LIST, OFF(visits), OFF(visit_count), MSCSIM_MAX_VISITS, 0,
     MAX_DAYS, KEY_MIN_EXCLUSIVE, "90", NULL, NULL,
     "Visit days after randomization, increasing (several only for the trajectory model)."},
    {"trial", "primary_visit", KEY_DOUBLE, OFF(primary_visit), 0, 0, 0, MAX_DAYS, 0, "0", NULL,
     NULL, "Day of the primary visit, one of visits; 0 = the last visit."},
    {"outcome", "scale", KEY_ENUM, OFF(scale), 0, 0, 0, 0, 0, "none", scale_names, NULL,
     "Clinical scale of the score (range, step, direction: see Scales); none = unbounded."},
    {"outcome", "min", KEY_DOUBLE, OFF(scale_min), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0", NULL,
     NULL, "Custom scale: lowest score.",
     custom_scale, "scale = custom"},
    {"outcome", "max", KEY_DOUBLE, OFF(scale_max), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "100", NULL,
     NULL, "Custom scale: highest score.",
     custom_scale, "scale = custom"},
    {"outcome", "step", KEY_DOUBLE, OFF(scale_step), 0, 0, 0, HUGE_VAL, 0, "1", NULL, NULL,
     "Custom scale: scores are min + k * step (0 = not rounded).",
     custom_scale, "scale = custom"},
    {"outcome", "higher_is_better", KEY_INT, OFF(higher_is_better), 0, 0, 0, 1, 0, "1", NULL,
     NULL, "Custom scale: 1 when higher scores are better, 0 when lower are.",
     custom_scale, "scale = custom"},
    {"outcome", "death", KEY_ENUM, OFF(death), 0, 0, 0, 0, 0, "worst", death_names,
     "normal binary " SCALE_MODELS,
     "A death scores the scale's worst value, or leaves the outcome missing (mRS: always 6)."},
    {"model", "type", KEY_MODEL, OFF(model), 0, 0, 0, 0, KEY_REQUIRED, NULL, NULL, NULL,
     "Outcome model (see Models)."},
    {"model", "rho", KEY_DOUBLE, OFF(rho), 0, 0, -1, 1, 0, "0", NULL, "normal",
     "Correlation between the baseline score and the change."},
    {"model", "nonfitter_slope", KEY_DOUBLE, OFF(nonfitter_slope), 0, 0, -HUGE_VAL, HUGE_VAL, 0,
     "4", NULL, "proportional",
     "Log-odds of being a non-fitter per unit of impairment (share of the range lost); "
     "assumption: non-fitters are mostly severe (domain.md section 3)."},
    {"model", "nonfitter_r", KEY_DOUBLE, OFF(nonfitter_r), 0, 0, 0, 1, 0, "0.1", NULL,
     "proportional", "Share of the lost function non-fitters regain (assumption: little)."},
    {"model", "r_sd", KEY_DOUBLE, OFF(r_sd), 0, 0, 0, 1, 0, "0.1", NULL,
     "proportional trajectory", "Between-patient sd of r, truncated to [0, 1] (assumption)."},
    {"model", "noise_sd", KEY_DOUBLE, OFF(noise_sd), 0, 0, 0, HUGE_VAL, 0, "4", NULL,
     "proportional", "Residual sd of the gain, in points (assumption)."},
    {"model", "subgroups", KEY_SUBGROUPS, OFF(subgroups), OFF(subgroup_count),
     MSCSIM_MAX_SUBGROUPS, 0, 0, 0,
     "0.09:5.3:0.2, 0.46:10.1:0.2, 0.86:9.8:0.2, 0.89:2.7:0.2, 0.93:1.2:0.2", NULL,
     "trajectory",
     "Recovery subgroups r:tau_weeks:weight (van der Vliet 2020, domain.md section 3; the "
     "equal weights are an assumption)."},
    {"model", "tau_cv", KEY_DOUBLE, OFF(tau_cv), 0, 0, 0, 2, 0, "0.2", NULL, "trajectory",
     "Between-patient coefficient of variation of tau within a subgroup (assumption)."},
    {"model", "measurement_sd", KEY_DOUBLE, OFF(measurement_sd), 0, 0, 0, HUGE_VAL, 0, "2", NULL,
     "trajectory", "Measurement error sd at each visit, in points (assumption)."},
    {"model", "gain", KEY_DIST, OFF(gain), 0, 0, 0, 0, 0, "uniform(0, 66)", NULL,
     "random_recovery",
     "Distribution of the random gain in points before clipping at the ceiling (Hope 2019)."},
    {"model", "latent_corr", KEY_DOUBLE, OFF(latent_corr), 0, 0, -1, 1,
     KEY_MIN_EXCLUSIVE | KEY_MAX_EXCLUSIVE, "0", NULL, "ordinal",
     "Correlation of the latent mRS variable with baseline NIHSS (positive: more severe "
     "patients do worse)."},
    {"baseline", "score", KEY_DIST, OFF(baseline), 0, 0, 0, 0, 0, "normal(0, 1)", NULL,
     "normal " SCALE_MODELS, "Distribution of the baseline score (see Distributions)."},
    {"baseline", "nihss", KEY_DIST, OFF(nihss), 0, 0, 0, 0, 0, "none", NULL, NULL,
     "Distribution of baseline NIHSS (rounded to whole points); none = not simulated."},
    {"baseline", "age", KEY_DIST, OFF(age), 0, 0, 0, 0, 0, "none", NULL, NULL,
     "Distribution of age in years; none = not simulated."},
    {"baseline", "onset_days", KEY_DIST, OFF(onset_days), 0, 0, 0, 0, 0, "none", NULL, NULL,
     "Distribution of days from stroke onset to randomization; none = 0."},
    {"baseline", "severity_corr", KEY_DOUBLE, OFF(severity_corr), 0, 0, -1, 1,
     KEY_MIN_EXCLUSIVE | KEY_MAX_EXCLUSIVE, "0", NULL, NULL,
     "Normal-scores correlation between baseline NIHSS and the baseline score."},
    {"eligibility", "age_min", KEY_DOUBLE, OFF(age_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "-inf", NULL, NULL, "Youngest eligible age (inclusive)."},
    {"eligibility", "age_max", KEY_DOUBLE, OFF(age_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "inf", NULL, NULL, "Oldest eligible age (inclusive)."},
    {"eligibility", "nihss_min", KEY_DOUBLE, OFF(nihss_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "-inf", NULL, NULL, "Lowest eligible NIHSS (inclusive)."},
    {"eligibility", "nihss_max", KEY_DOUBLE, OFF(nihss_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "inf", NULL, NULL, "Highest eligible NIHSS (inclusive)."},
    {"eligibility", "onset_min", KEY_DOUBLE, OFF(onset_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "-inf", NULL, NULL, "Earliest eligible day from onset (inclusive)."},
    {"eligibility", "onset_max", KEY_DOUBLE, OFF(onset_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     KEY_ALLOW_INFINITE, "inf", NULL, NULL, "Latest eligible day from onset (inclusive)."},
    BOTH_ARM_KEYS("control", MSCSIM_ARM_CONTROL),
    {"control", "probs", KEY_DOUBLE_LIST, ARM(0, probs), ARM(0, probs_count),
     MSCSIM_MRS_LEVELS, 0, 1, 0, NULL, NULL, "ordinal",
     "P(mRS = 0..6) in the control arm, seven values summing to 1."},
    BOTH_ARM_KEYS("msc", MSCSIM_ARM_MSC),
    {"msc", "odds_ratio", KEY_DOUBLE, ARM(1, odds_ratio), 0, 0, 0, HUGE_VAL, KEY_MIN_EXCLUSIVE,
     "1", NULL, "ordinal", "Common odds ratio of a better mRS (proportional odds; > 1 = better)."},
    {"msc", "r_gain", KEY_DOUBLE, ARM(1, r_gain), 0, 0, -1, 1, 0, "0", NULL, "trajectory",
     "Added to each patient's r (plateau effect; r is capped at 1)."},
    {"msc", "tau_ratio", KEY_DOUBLE, ARM(1, tau_ratio), 0, 0, 0, HUGE_VAL, KEY_MIN_EXCLUSIVE,
     "1", NULL, "trajectory", "Multiplies tau (speed effect; < 1 = faster recovery)."},
    {"msc", "delay_days", KEY_DOUBLE, ARM(1, delay_days), 0, 0, 0, MAX_DAYS, 0, "0", NULL,
     "trajectory", "Days after randomization before the MSC effect starts."},
    {"msc", "gain_shift", KEY_DOUBLE, ARM(1, gain_shift), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, "random_recovery", "Points added to the random gain."},
    {"msc", "effect_slope", KEY_DOUBLE, ARM(1, effect_slope), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, NULL,
     "Relative change of the MSC effect per NIHSS point above effect_center (needs "
     "[baseline] nihss; the seed trial suggests larger gains in severe patients)."},
    {"msc", "effect_center", KEY_DOUBLE, ARM(1, effect_center), 0, 0, 0, 42, 0, "13.5", NULL,
     NULL, "NIHSS at which the MSC effect is as configured (13.5: middle of NIHSS 6-21)."},
    {"dropout", "mechanism", KEY_ENUM, OFF(dropout_mechanism), 0, 0, 0, 0, 0, "mcar",
     mechanism_names, NULL,
     "mcar: at random; mar: on an observed value; mnar: on the unobserved score at "
     "dropout. Each arm's rate stays its [control]/[msc] dropout."},
    {"dropout", "mar_on", KEY_ENUM, OFF(mar_on), 0, 0, 0, 0, 0, "baseline", mar_on_names, NULL,
     "What MAR dropout depends on: the baseline score or the visit before the dropout visit."},
    {"dropout", "odds_ratio", KEY_DOUBLE, OFF(dropout_odds_ratio), 0, 0, 0, HUGE_VAL,
     KEY_MIN_EXCLUSIVE, "1", NULL, NULL,
     "Odds ratio of dropping out per standard deviation of a worse value (> 1: worse "
     "patients drop out more)."},
    {"dropout", "visit_weights", KEY_DOUBLE_LIST, OFF(dropout_weights), OFF(dropout_weight_count),
     MSCSIM_MAX_VISITS, 0, HUGE_VAL, 0, NULL, NULL, NULL,
     "Relative chance of dropping out at each visit up to the primary one (default equal); "
     "from that visit on, the patient is missing."},
    {"analysis", "test", KEY_ANALYSIS, OFF(test), 0, 0, 0, 0, 0, NULL, NULL, NULL,
     "Analysis of each simulated trial (see Analyses); test or tests is required."},
    {"analysis", "tests", KEY_ANALYSIS_LIST, OFF(tests), OFF(test_count), MSCSIM_MAX_ANALYSES,
     0, 0, 0, NULL, NULL, NULL,
     "Several analyses, comma-separated, each applied to the very same simulated trials "
     "(one output row each); when set it replaces test."},
    {"analysis", "endpoint", KEY_ENUM, OFF(endpoint), 0, 0, 0, 0, 0, "auto", endpoint_names,
     NULL,
     "change, final, ratio (improvement rate) or responder; auto = change for "
     "continuous models, final for binary and ordinal."},
    {"analysis", "responder_on", KEY_ENUM, OFF(responder_on), 0, 0, 0, 0, 0, "change",
     responder_on_names, NULL, "What a responder endpoint dichotomises."},
    {"analysis", "threshold", KEY_DOUBLE, OFF(threshold), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, NULL,
     "Responder threshold: improvement >= threshold (change), or a final score at least as "
     "good as threshold (final). Required for responder."},
    {"analysis", "missing", KEY_ENUM, OFF(missing), 0, 0, 0, 0, 0, "complete_case",
     missing_names, NULL,
     "Handling of a missing primary outcome: complete_case | locf | bocf | worst | mi."},
    {"analysis", "covariates", KEY_ENUM_LIST, OFF(covariates), OFF(covariate_count),
     MSCSIM_MAX_COVARIATES, 0, 0, 0, "baseline", covariate_names, NULL,
     "Covariates ancova adjusts for: baseline, nihss, age, onset_days (each needs its "
     "[baseline] distribution)."},
    {"analysis", "imputations", KEY_INT, OFF(imputations), 0, 0, 2, MSCSIM_MAX_IMPUTATIONS, 0,
     "20", NULL, NULL,
     "Imputations per trial with missing = mi."},
    {"simulation", "reps", KEY_LONG, OFF(reps), 0, 0, 1, MAX_REPS, 0, "10000", NULL, NULL,
     "Simulated trials per sample size."},
    {"simulation", "seed", KEY_U64, OFF(seed), 0, 0, 0, 0, 0, "1", NULL, NULL,
     "Seed; with the design it fixes every simulated trial."},
    {"simulation", "threads", KEY_INT, OFF(threads), 0, 0, 0, MAX_THREADS, 0, "0", NULL, NULL,
     "Worker threads; 0 = all cores. Results do not depend on it."},
    {"simulation", "common_random_numbers", KEY_ENUM, OFF(common_random_numbers), 0, 0, 0, 0, 0,
     "yes", yes_no_names, NULL,
     "yes: every grid point of a [sweep] simulates the same trials (its rows differ only by "
     "the swept values, and equal separate runs); no: each grid point has its own streams."},
};

const size_t sim_config_key_count = sizeof sim_config_keys / sizeof sim_config_keys[0];

_Static_assert(sizeof sim_config_keys / sizeof sim_config_keys[0] <= MSCSIM_MAX_KEYS,
               "raise MSCSIM_MAX_KEYS");
