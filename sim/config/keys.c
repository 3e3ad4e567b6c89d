/*
 * The keys every model shares, once; a model's own keys are rows in its model file.
 * Adding a shared key is one row here plus its field in mscsim_config; parsing, range
 * checks, `mscsim check`, the resolved config and the README's key table (`mscsim keys`)
 * all follow from the rows. Defaults cite configs/EVIDENCE.md where they
 * stand on a published figure; the others are marked assumptions in their help.
 */
#include "config_impl.h"

#include <math.h>
#include <stddef.h>

#include "decision/decision.h"
#include "mscsim/config.h"
#include "mscsim/samplesize.h"

static const char *const endpoint_names[] = {"change", "final", "ratio", "responder", "auto",
                                             "utility", NULL};
static const char *const responder_on_names[] = {"change", "final", NULL};
static const char *const scale_names[] = {"none",    "fma_ue", "fma_le", "fma_motor", "barthel",
                                          "nihss",   "mrs",    "custom", NULL};
static const char *const death_names[] = {"worst", "missing", NULL};
static const char *const covariate_names[] = {"baseline", "nihss", "age", "onset_days", NULL};
static const char *const mechanism_names[] = {"mcar", "mar", "mnar", NULL};
static const char *const mar_on_names[] = {"baseline", "previous_visit", NULL};
static const char *const yes_no_names[] = {"no", "yes", NULL};
static const char *const shortcut_names[] = {"no", "auto", NULL};
static const char *const efficacy_names[] = {"none", "obrien_fleming", "pocock", "hsd",
                                             "posterior", "predictive", NULL};
static const char *const futility_names[] = {"none",      "obrien_fleming", "pocock",
                                             "hsd",       "conditional_power", "posterior",
                                             "predictive", NULL};
static const char *const pipeline_names[] = {"ignore", "analyse", NULL};
static const char *const decision_names[] = {"test", "posterior", NULL};
static const char *const missing_names[] = {"complete_case", "locf", "bocf", "worst", "mi",
                                            NULL};

/* Upper limits that keep a run within memory and time on an ordinary machine. */
#define MAX_TOTAL_N 10000000.0
#define MAX_REPS 1e10
#define MAX_THREADS 1024.0
#define MAX_ALLOCATION 100.0

/* Ranks of the generic rows of [control] and [msc] (see sim_key.rank): models list their
 * arm keys around them (mean, sd, ... below RANK_MORTALITY; effect keys such as [msc]
 * odds_ratio between RANK_DROPOUT and RANK_EFFECT). */
#define RANK_MORTALITY 50
#define RANK_DROPOUT 60
#define RANK_EFFECT 90

static const char *const mi_method_names[] = {"mar", "jump_to_reference", "copy_reference",
                                              "copy_increments", NULL};
static const char *const delta_arms_names[] = {"msc", "both", NULL};

static int multiple_imputation(const mscsim_config *cfg)
{
    return cfg->missing == MSCSIM_MISSING_MI;
}

/* A [search] key is written to the resolved config only once set: samplesize and mde set
 * the ones they used, so their resolved config reruns to the same answer. */
static int search_target_set(const mscsim_config *cfg)
{
    return mscsim_config_is_set(cfg, "search", "target");
}
static int search_analysis_set(const mscsim_config *cfg)
{
    return mscsim_config_is_set(cfg, "search", "analysis");
}
static int search_key_set(const mscsim_config *cfg)
{
    return mscsim_config_is_set(cfg, "search", "key");
}
static int search_confirm_reps_set(const mscsim_config *cfg)
{
    return mscsim_config_is_set(cfg, "search", "confirm_reps");
}

static int utility_endpoint(const mscsim_config *cfg)
{
    return mscsim_config_endpoint(cfg) == MSCSIM_ENDPOINT_UTILITY;
}

static int responder_endpoint(const mscsim_config *cfg)
{
    return mscsim_config_endpoint(cfg) == MSCSIM_ENDPOINT_RESPONDER;
}

static int no_sliding(const mscsim_config *cfg)
{
    return cfg->sliding_count == 0;
}

static int has_looks(const mscsim_config *cfg)
{
    return cfg->look_count > 0;
}

static int spends_beta(const mscsim_config *cfg)
{
    mscsim_rule_kind f = cfg->futility.kind;
    return has_looks(cfg) &&
           (f == MSCSIM_RULE_OBRIEN_FLEMING || f == MSCSIM_RULE_POCOCK || f == MSCSIM_RULE_HSD);
}

static int custom_scale(const mscsim_config *cfg)
{
    return cfg->scale == MSCSIM_SCALE_CUSTOM;
}

static int posterior_rule(const mscsim_config *cfg)
{
    return cfg->decision_rule == MSCSIM_DECISION_POSTERIOR || sim_bayes_looks(cfg);
}

#define OFF(field) offsetof(mscsim_config, field)
#define ARM(a, field) offsetof(mscsim_config, arm[a].field)

/* The rows [control] and [msc] share; who starts their plot labels. */
#define SHARED_ARM_KEYS(section, a, who)                                                     \
    {section, "mortality", SIM_KEY_DOUBLE, ARM(a, mortality), 0, 0, 0, 1,                    \
     SIM_KEY_MAX_EXCLUSIVE, "0", NULL, SIM_FOR_DEATHS,                                       \
     "Probability of death by the primary visit (ordinal: deaths are mRS 6 in the "          \
     "distribution).",                                                                       \
     .label = who " mortality", .rank = RANK_MORTALITY},                                     \
    {section, "dropout", SIM_KEY_DOUBLE, ARM(a, dropout), 0, 0, 0, 1, SIM_KEY_MAX_EXCLUSIVE, \
     "0", NULL, SIM_FOR_ALL,                                                                 \
     "Probability that a randomized patient has no primary outcome (missing completely "     \
     "at random).",                                                                          \
     .label = who " dropout", .rank = RANK_DROPOUT}

const sim_key sim_generic_keys[] = {
    {"trial", "name", SIM_KEY_STRING, OFF(name), 0, 0, 0, 0, 0, NULL, NULL, SIM_FOR_ALL,
     "Design name; names the results file results/<name>.csv (default: the config file's "
     "name)."},
    {"trial", "n", SIM_KEY_LONG_LIST, OFF(n), OFF(n_count), MSCSIM_MAX_N_VALUES, 2, MAX_TOTAL_N,
     SIM_KEY_REQUIRED, NULL, NULL, SIM_FOR_ALL,
     "Total patients randomized; a comma list runs each value.",
     .label = "Total sample size (patients)"},
    {"trial", "allocation", SIM_KEY_RATIO, OFF(alloc), 0, 0, 1, MAX_ALLOCATION, 0, "1:1", NULL,
     SIM_FOR_ALL,
     "Allocation ratio, control first (1:2 is 1 control to 2 MSC), or with the arms named in "
     "either order (msc 2 : control 1); with randomisation = fixed arm sizes are exact: "
     "n_msc = round(n*m/(c+m)).",
     .label = "allocation control:MSC"},
    {"trial", "randomisation", SIM_KEY_RANDOMISATION, OFF(randomisation), 0, 0, 0, 0, 0, "fixed",
     NULL, SIM_FOR_ALL,
     "How patients get their arms, in order of entry: fixed (exact arm sizes), simple (each "
     "patient by the allocation's odds), blocks(B) (permuted blocks of B patients), "
     "stratified_blocks(B; nihss: 6-10, 11-15, 16-21) (blocks within each stratum) or "
     "minimisation(P; nihss, age) (Pocock-Simon, the minimising arm with probability P); "
     "see Randomisation.",
     .label = "randomisation"},
    {"trial", "alpha", SIM_KEY_DOUBLE, OFF(alpha), 0, 0, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0.05", NULL, SIM_FOR_ALL,
     "Significance level.", .label = "significance level"},
    {"trial", "sides", SIM_KEY_INT, OFF(sides), 0, 0, 1, 2, 0, "2", NULL, SIM_FOR_ALL,
     "2 = two-sided test; 1 = one-sided test that msc is better."},
    {"trial", "visits", SIM_KEY_DOUBLE_LIST, OFF(visits), OFF(visit_count), MSCSIM_MAX_VISITS, 0,
     SIM_MAX_DAYS, SIM_KEY_MIN_EXCLUSIVE, "90", NULL, SIM_FOR_ALL,
     "Visit days after randomization, increasing (several only for the trajectory model)."},
    {"trial", "primary_visit", SIM_KEY_DOUBLE, OFF(primary_visit), 0, 0, 0, SIM_MAX_DAYS, 0, "0",
     NULL, SIM_FOR_ALL, "Day of the primary visit, one of visits; 0 = the last visit."},
    {"trial", "accrual_per_month", SIM_KEY_DOUBLE, OFF(accrual_per_month), 0, 0, 0, 1e6, 0, "0",
     NULL, SIM_FOR_ALL,
     "Patients randomized per month at the full rate; each is known primary_visit days later "
     "and interim looks fall on calendar months (see Interim looks). 0 = no accrual: everyone "
     "enrolled at once, looks by patient count.",
     .label = "accrual (patients per month)"},
    {"trial", "accrual_ramp_months", SIM_KEY_DOUBLE, OFF(accrual_ramp_months), 0, 0, 0, 1200, 0,
     "0", NULL, SIM_FOR_ALL,
     "Months over which accrual rises linearly from 0 to accrual_per_month (0 = the full rate "
     "from the start)."},
    {"outcome", "scale", SIM_KEY_ENUM, OFF(scale), 0, 0, 0, 0, 0, "none", scale_names, SIM_FOR_ALL,
     "Clinical scale of the score (range, step, direction: see Scales); none = unbounded."},
    {"outcome", "min", SIM_KEY_DOUBLE, OFF(scale_min), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0", NULL,
     SIM_FOR_ALL, "Custom scale: lowest score.", custom_scale, "scale = custom"},
    {"outcome", "max", SIM_KEY_DOUBLE, OFF(scale_max), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "100", NULL,
     SIM_FOR_ALL, "Custom scale: highest score.", custom_scale, "scale = custom"},
    {"outcome", "step", SIM_KEY_DOUBLE, OFF(scale_step), 0, 0, 0, HUGE_VAL, 0, "1", NULL,
     SIM_FOR_ALL, "Custom scale: scores are min + k * step (0 = not rounded).", custom_scale,
     "scale = custom"},
    {"outcome", "higher_is_better", SIM_KEY_INT, OFF(higher_is_better), 0, 0, 0, 1, 0, "1", NULL,
     SIM_FOR_ALL, "Custom scale: 1 when higher scores are better, 0 when lower are.", custom_scale,
     "scale = custom"},
    {"outcome", "death", SIM_KEY_ENUM, OFF(death), 0, 0, 0, 0, 0, "worst", death_names,
     SIM_FOR_DEATHS,
     "A death scores the scale's worst value, or leaves the outcome missing (mRS: always 6)."},
    {"outcome", "utilities", SIM_KEY_DOUBLE_LIST, OFF(utilities), OFF(utility_count),
     MSCSIM_MAX_UTILITIES, -HUGE_VAL, HUGE_VAL, 0, "1, 0.91, 0.76, 0.65, 0.33, 0, 0", NULL,
     SIM_FOR_ALL,
     "Utility of each level of the scale from its lowest score up (mRS 0..6; Barthel 0, 5, "
     "..., 100), higher = better; the default is the utility-weighted mRS of Chaisinanunkul "
     "2015 (EVIDENCE.md section 4).",
     utility_endpoint, "endpoint = utility"},
    {"model", "type", SIM_KEY_MODEL, OFF(model), 0, 0, 0, 0, SIM_KEY_REQUIRED, NULL, NULL,
     SIM_FOR_ALL, "Outcome model (see Models)."},
    {"baseline", "score", SIM_KEY_DIST, OFF(baseline), 0, 0, 0, 0, 0, "normal(0, 1)", NULL,
     SIM_FOR_BASELINE, "Distribution of the baseline score (see Distributions)."},
    {"baseline", "nihss", SIM_KEY_DIST, OFF(nihss), 0, 0, 0, 0, 0, "none", NULL, SIM_FOR_ALL,
     "Distribution of baseline NIHSS (rounded to whole points); none = not simulated."},
    {"baseline", "age", SIM_KEY_DIST, OFF(age), 0, 0, 0, 0, 0, "none", NULL, SIM_FOR_ALL,
     "Distribution of age in years; none = not simulated."},
    {"baseline", "onset_days", SIM_KEY_DIST, OFF(onset_days), 0, 0, 0, 0, 0, "none", NULL,
     SIM_FOR_ALL, "Distribution of days from stroke onset to randomization; none = 0."},
    {"baseline", "severity_corr", SIM_KEY_DOUBLE, OFF(severity_corr), 0, 0, -1, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0", NULL, SIM_FOR_ALL,
     "Normal-scores correlation between baseline NIHSS and the baseline score."},
    {"eligibility", "age_min", SIM_KEY_DOUBLE, OFF(age_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "-inf", NULL, SIM_FOR_ALL, "Youngest eligible age (inclusive)."},
    {"eligibility", "age_max", SIM_KEY_DOUBLE, OFF(age_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "inf", NULL, SIM_FOR_ALL, "Oldest eligible age (inclusive)."},
    {"eligibility", "nihss_min", SIM_KEY_DOUBLE, OFF(nihss_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "-inf", NULL, SIM_FOR_ALL, "Lowest eligible NIHSS (inclusive)."},
    {"eligibility", "nihss_max", SIM_KEY_DOUBLE, OFF(nihss_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "inf", NULL, SIM_FOR_ALL, "Highest eligible NIHSS (inclusive)."},
    {"eligibility", "onset_min", SIM_KEY_DOUBLE, OFF(onset_min), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "-inf", NULL, SIM_FOR_ALL,
     "Earliest eligible day from onset (inclusive)."},
    {"eligibility", "onset_max", SIM_KEY_DOUBLE, OFF(onset_max), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "inf", NULL, SIM_FOR_ALL,
     "Latest eligible day from onset (inclusive)."},
    SHARED_ARM_KEYS("control", MSCSIM_ARM_CONTROL, "control"),
    SHARED_ARM_KEYS("msc", MSCSIM_ARM_MSC, "MSC"),
    {"msc", "effect_slope", SIM_KEY_DOUBLE, ARM(1, effect_slope), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, SIM_FOR_ALL,
     "Relative change of the MSC effect per NIHSS point above effect_center (needs "
     "[baseline] nihss; the seed trial suggests larger gains in severe patients).",
     .label = "MSC effect change per NIHSS point", .rank = RANK_EFFECT},
    {"msc", "effect_center", SIM_KEY_DOUBLE, ARM(1, effect_center), 0, 0, 0, 42, 0, "13.5", NULL,
     SIM_FOR_ALL, "NIHSS at which the MSC effect is as configured (13.5: middle of NIHSS 6-21).",
     .label = "NIHSS where the MSC effect is as configured", .rank = RANK_EFFECT + 1},
    {"dropout", "mechanism", SIM_KEY_ENUM, OFF(dropout_mechanism), 0, 0, 0, 0, 0, "mcar",
     mechanism_names, SIM_FOR_ALL,
     "mcar: at random; mar: on an observed value; mnar: on the unobserved score at "
     "dropout. Each arm's rate stays its [control]/[msc] dropout.",
     .label = "dropout mechanism"},
    {"dropout", "mar_on", SIM_KEY_ENUM, OFF(mar_on), 0, 0, 0, 0, 0, "baseline", mar_on_names,
     SIM_FOR_ALL,
     "What MAR dropout depends on: the baseline score or the visit before the dropout visit."},
    {"dropout", "odds_ratio", SIM_KEY_DOUBLE, OFF(dropout_odds_ratio), 0, 0, 0, HUGE_VAL,
     SIM_KEY_MIN_EXCLUSIVE, "1", NULL, SIM_FOR_ALL,
     "Odds ratio of dropping out per standard deviation of a worse value (> 1: worse "
     "patients drop out more).",
     .label = "dropout odds ratio per SD"},
    {"dropout", "visit_weights", SIM_KEY_DOUBLE_LIST, OFF(dropout_weights),
     OFF(dropout_weight_count), MSCSIM_MAX_VISITS, 0, HUGE_VAL, 0, NULL, NULL, SIM_FOR_ALL,
     "Relative chance of dropping out at each visit up to the primary one (default equal); "
     "from that visit on, the patient is missing."},
    {"analysis", "test", SIM_KEY_ANALYSIS, OFF(test), 0, 0, 0, 0, 0, NULL, NULL, SIM_FOR_ALL,
     "Analysis of each simulated trial (see Analyses); test or tests is required.",
     .label = "analysis"},
    {"analysis", "tests", SIM_KEY_ANALYSIS_LIST, OFF(tests), OFF(test_count), MSCSIM_MAX_ANALYSES,
     0, 0, 0, NULL, NULL, SIM_FOR_ALL,
     "Several analyses, comma-separated, each applied to the very same simulated trials "
     "(one output row each); when set it replaces test."},
    {"analysis", "endpoint", SIM_KEY_ENUM, OFF(endpoint), 0, 0, 0, 0, 0, "auto", endpoint_names,
     SIM_FOR_ALL,
     "change, final, ratio (improvement rate), responder or utility ([outcome] utilities "
     "of the primary score); auto = change for continuous models, final for binary and "
     "ordinal.",
     .label = "endpoint"},
    {"analysis", "responder_on", SIM_KEY_ENUM, OFF(responder_on), 0, 0, 0, 0, 0, "change",
     responder_on_names, SIM_FOR_ALL, "What a responder endpoint dichotomises."},
    {"analysis", "threshold", SIM_KEY_DOUBLE, OFF(threshold), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, SIM_FOR_ALL,
     "Responder threshold: improvement >= threshold (change), or a final score at least as "
     "good as threshold (final). Required for responder, unless sliding is set.",
     no_sliding, "no [analysis] sliding"},
    {"analysis", "sliding", SIM_KEY_SLIDING, OFF(sliding), OFF(sliding_count),
     MSCSIM_MAX_SLIDING_BANDS, 0, 0, 0, NULL, NULL, SIM_FOR_ALL,
     "Sliding dichotomy (Murray 2005): a responder threshold on the final score per baseline "
     "NIHSS band, e.g. nihss 6-10: 1, 11-15: 2, 16-21: 3 (instead of threshold); the bands "
     "must cover the eligible NIHSS range without overlap.",
     responder_endpoint, "endpoint = responder"},
    {"analysis", "missing", SIM_KEY_ENUM, OFF(missing), 0, 0, 0, 0, 0, "complete_case",
     missing_names, SIM_FOR_ALL,
     "Handling of a missing primary outcome: complete_case | locf | bocf | worst | mi.",
     .label = "missing-data handling"},
    {"analysis", "covariates", SIM_KEY_ENUM_LIST, OFF(covariates), OFF(covariate_count),
     MSCSIM_MAX_COVARIATES, 0, 0, 0, "baseline", covariate_names, SIM_FOR_ALL,
     "Covariates ancova adjusts for: baseline, nihss, age, onset_days (each needs its "
     "[baseline] distribution); when set, po and po_lr adjust for them too (not baseline "
     "on a model without one)."},
    {"analysis", "imputations", SIM_KEY_INT, OFF(imputations), 0, 0, 2, MSCSIM_MAX_IMPUTATIONS, 0,
     "20", NULL, SIM_FOR_ALL, "Imputations per trial with missing = mi."},
    {"analysis", "mi_method", SIM_KEY_ENUM, OFF(mi_method), 0, 0, 0, 0, 0, "mar", mi_method_names,
     SIM_FOR_ALL,
     "How msc patients' missing visits are imputed: mar (from their own arm), or from the "
     "control arm (Carpenter, Roger & Kenward 2013): jump_to_reference, copy_reference, "
     "copy_increments.", multiple_imputation, "missing = mi", .label = "imputation method"},
    {"analysis", "mnar_delta", SIM_KEY_DOUBLE, OFF(mnar_delta), 0, 0, -HUGE_VAL, HUGE_VAL, 0, "0",
     NULL, SIM_FOR_ALL,
     "Added to every imputed score (outcome units; on a higher-is-better scale a negative "
     "delta makes imputed patients worse): a [sweep] over it is a tipping-point analysis.",
     multiple_imputation, "missing = mi", .label = "delta added to imputed scores"},
    {"analysis", "mnar_delta_arms", SIM_KEY_ENUM, OFF(mnar_delta_arms), 0, 0, 0, 0, 0, "msc",
     delta_arms_names, SIM_FOR_ALL, "Whose imputed scores mnar_delta shifts: msc or both arms.",
     multiple_imputation, "missing = mi"},
    {"interim", "looks", SIM_KEY_DOUBLE_LIST, OFF(looks), OFF(look_count), MSCSIM_MAX_LOOKS, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE, NULL, NULL, SIM_FOR_ALL,
     "Information fractions of the looks, increasing, the last 1: the share of the final "
     "analysis' patients whose primary outcome is known at each look. Unset = a fixed design."},
    {"interim", "efficacy", SIM_KEY_RULE, OFF(efficacy), 0, 0, 0, 0, 0, "obrien_fleming",
     efficacy_names, SIM_FOR_ALL,
     "Lan-DeMets alpha spending of the efficacy bounds (none: no early efficacy stop), or "
     "Bayesian: posterior(q) stops when the posterior probability of an effect above "
     "[decision] threshold is >= q, predictive(q) when the predictive probability of final "
     "success is >= q.",
     has_looks, "[interim] looks", .label = "efficacy boundary"},
    {"interim", "futility", SIM_KEY_RULE, OFF(futility), 0, 0, 0, 0, 0, "none", futility_names,
     SIM_FOR_ALL,
     "Futility stopping: beta spending of that family, conditional power under the "
     "current estimate below c, or Bayesian: posterior(q) stops when the posterior "
     "probability of an effect above [decision] threshold is < q, predictive(q) when the "
     "predictive probability of final success is < q (needs sides = 1).",
     has_looks, "[interim] looks", .label = "futility rule"},
    {"interim", "binding", SIM_KEY_ENUM, OFF(binding), 0, 0, 0, 0, 0, "no", yes_no_names,
     SIM_FOR_ALL,
     "yes: the efficacy bounds count on futility stops (beta spending only); no: they do not.",
     has_looks, "[interim] looks"},
    {"interim", "pipeline", SIM_KEY_ENUM, OFF(pipeline), 0, 0, 0, 0, 0, "ignore", pipeline_names,
     SIM_FOR_ALL,
     "After an early stop, patients randomized but not yet at the primary visit: ignore (the "
     "look's estimate is reported) or analyse (the estimate includes them once followed up; "
     "the decision stays the look's).",
     has_looks, "[interim] looks"},
    {"interim", "beta", SIM_KEY_DOUBLE, OFF(beta), 0, 0, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0.2", NULL, SIM_FOR_ALL,
     "Type II error beta-spending futility spends (rpact's beta): the bounds meet at the "
     "last look at the drift with power 1 - beta.",
     spends_beta, "[interim] futility = obrien_fleming, pocock or hsd(gamma)"},
    {"decision", "rule", SIM_KEY_ENUM, OFF(decision_rule), 0, 0, 0, 0, 0, "test", decision_names,
     SIM_FOR_ALL,
     "How a trial succeeds: test = the analysis' test rejects at alpha; posterior = "
     "P(effect > threshold | data) >= probability (and the mcid criterion), see Bayesian "
     "planning.", .label = "decision rule"},
    {"decision", "prior", SIM_KEY_DIST, OFF(decision_prior), 0, 0, 0, 0, 0, "flat", NULL,
     SIM_FOR_ALL,
     "Analysis prior on the effect, on the analysis' estimand scale: flat, normal(mean, sd), "
     "or beta(a, b) on each arm's event probability (binary endpoints).",
     posterior_rule, "rule = posterior or a Bayesian [interim] rule"},
    {"decision", "threshold", SIM_KEY_DOUBLE, OFF(decision_threshold), 0, 0, -HUGE_VAL, HUGE_VAL,
     0, "0", NULL, SIM_FOR_ALL, "Success needs P(effect > threshold | data) >= probability.",
     posterior_rule, "rule = posterior or a Bayesian [interim] rule"},
    {"decision", "probability", SIM_KEY_DOUBLE, OFF(decision_probability), 0, 0, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0.975", NULL, SIM_FOR_ALL,
     "Posterior probability the effect must exceed threshold with.", posterior_rule,
     "rule = posterior or a Bayesian [interim] rule", .label = "posterior probability of success"},
    {"decision", "mcid", SIM_KEY_DOUBLE, OFF(decision_mcid), 0, 0, -HUGE_VAL, HUGE_VAL,
     SIM_KEY_ALLOW_INFINITE, "-inf", NULL, SIM_FOR_ALL,
     "Dual criterion: also P(effect > mcid | data) >= mcid_probability (mcid >= threshold; "
     "-inf = no second criterion).", posterior_rule,
     "rule = posterior or a Bayesian [interim] rule"},
    {"decision", "mcid_probability", SIM_KEY_DOUBLE, OFF(decision_mcid_probability), 0, 0, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0.5", NULL, SIM_FOR_ALL,
     "Posterior probability the effect must exceed mcid with.", posterior_rule,
     "rule = posterior or a Bayesian [interim] rule"},
    {"simulation", "reps", SIM_KEY_LONG, OFF(reps), 0, 0, 1, MAX_REPS, 0, "10000", NULL,
     SIM_FOR_ALL, "Simulated trials per sample size."},
    {"simulation", "seed", SIM_KEY_U64, OFF(seed), 0, 0, 0, 0, 0, "1", NULL, SIM_FOR_ALL,
     "Seed; with the design it fixes every simulated trial."},
    {"simulation", "threads", SIM_KEY_INT, OFF(threads), 0, 0, 0, MAX_THREADS, 0, "0", NULL,
     SIM_FOR_ALL, "Worker threads; 0 = all cores. Results do not depend on it."},
    {"simulation", "common_random_numbers", SIM_KEY_ENUM, OFF(common_random_numbers), 0, 0, 0, 0, 0,
     "yes", yes_no_names, SIM_FOR_ALL,
     "yes: every grid point of a [sweep] simulates the same trials (its rows differ only by "
     "the swept values, and equal separate runs); no: each grid point has its own streams."},
    {"simulation", "shortcut", SIM_KEY_ENUM, OFF(shortcut), 0, 0, 0, 0, 0, "auto",
     shortcut_names, SIM_FOR_ALL,
     "auto: draw each trial's table of counts or sufficient statistics instead of its "
     "patients where that is exact (the rule: `mscsim check` and the README's Table path); "
     "no: always patient by patient."},
    {"search", "target", SIM_KEY_DOUBLE, OFF(search_target), 0, 0, 0, 1,
     SIM_KEY_MIN_EXCLUSIVE | SIM_KEY_MAX_EXCLUSIVE, "0.8", NULL, SIM_FOR_ALL,
     "Power samplesize and mde must reach (--target overrides it); their resolved config "
     "records the one used.",
     .applies = search_target_set, .applies_text = "all (samplesize, mde)"},
    {"search", "analysis", SIM_KEY_ANALYSIS, OFF(search_analysis), 0, 0, 0, 0, 0, NULL, NULL,
     SIM_FOR_ALL,
     "Which of the config's analyses must reach the target (default the first; --analysis "
     "overrides it).",
     .applies = search_analysis_set, .applies_text = "all (samplesize, mde)"},
    {"search", "key", SIM_KEY_STRING, OFF(search_key), 0, 0, 0, 0, 0, NULL, NULL, SIM_FOR_ALL,
     "The numeric key mde searches, as section.key (--key overrides it).",
     .applies = search_key_set, .applies_text = "all (mde)"},
    {"search", "confirm_reps", SIM_KEY_LONG, OFF(search_confirm_reps), 0, 0, 0,
     MSCSIM_SS_MAX_CONFIRM_REPS, 0, "0", NULL, SIM_FOR_ALL,
     "Trials per confirmation of samplesize and mde; 0 = automatic (--confirm-reps overrides "
     "it).",
     .applies = search_confirm_reps_set, .applies_text = "all (samplesize, mde)"},
};

const size_t sim_generic_key_count = sizeof sim_generic_keys / sizeof sim_generic_keys[0];
