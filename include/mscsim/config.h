#ifndef MSCSIM_CONFIG_H
#define MSCSIM_CONFIG_H

/**
 * A trial design and simulation settings, read from an INI file.
 *
 * Every key is declared once, with its type, range, default and help: the keys every model
 * shares in the generic table (sim/config/keys.c), each model's own keys in its model file
 * (sim/models/). The same rows drive parsing, range checks, `mscsim check`, the resolved
 * config written beside each result, and the README's key reference.
 * mscsim_config is a plain value: copying it with `=` copies the whole design.
 */

#include <stdint.h>
#include <stdio.h>

#include "mscsim/distspec.h"
#include "mscsim/error.h"
#include "mscsim/interim.h"
#include "mscsim/randomise.h"
#include "mscsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif


/** One [sweep] line: a config key and the values it takes across the grid. */
typedef struct {
    char name[2 * MSCSIM_NAME_LEN]; /**< "section.key". */
    char values[MSCSIM_MAX_SWEEP_VALUES][MSCSIM_SWEEP_VALUE_LEN];
    int value_count;
    int key;  /**< The key's index in the key table. */
    int line; /**< Where it was set (-1 = --set). */
} mscsim_sweep_key;

/** One [prior] line: a numeric key drawn by every simulated trial from a design prior. */
typedef struct {
    char name[2 * MSCSIM_NAME_LEN]; /**< "section.key". */
    int key;               /**< The key's index in the key table (its first row). */
    int line;              /**< Where it was set (-1 = --set). */
    mscsim_dist_spec dist; /**< The design prior. */
} mscsim_prior_key;

#define MSCSIM_MAX_PRIOR_KEYS 8 /**< Keys a [prior] section may give a prior. */

/** How a simulated trial's success is decided ([decision] rule). */
typedef enum {
    MSCSIM_DECISION_TEST = 0,  /**< The analysis' test at alpha. */
    MSCSIM_DECISION_POSTERIOR  /**< Posterior probabilities of the effect (posterior.h). */
} mscsim_decision_rule;

/** Baseline covariates an adjusted analysis can use ([analysis] covariates). */
typedef enum {
    MSCSIM_COVARIATE_BASELINE = 0, /**< The baseline score. */
    MSCSIM_COVARIATE_NIHSS,        /**< Baseline NIHSS. */
    MSCSIM_COVARIATE_AGE,          /**< Age. */
    MSCSIM_COVARIATE_ONSET         /**< Days from onset to randomization. */
} mscsim_covariate;

/** Endpoint analysed, derived from the baseline and the primary-visit score. */
typedef enum {
    MSCSIM_ENDPOINT_CHANGE = 0, /**< Score minus baseline (oriented: positive = better). */
    MSCSIM_ENDPOINT_FINAL,      /**< Score at the primary visit (oriented). */
    MSCSIM_ENDPOINT_RATIO,      /**< Improvement rate (post - pre) / pre (oriented). */
    MSCSIM_ENDPOINT_RESPONDER,  /**< 1 when change or final reaches the threshold. */
    MSCSIM_ENDPOINT_AUTO,       /**< change for continuous models, final otherwise. */
    MSCSIM_ENDPOINT_UTILITY     /**< [outcome] utilities of the primary score's level. */
} mscsim_endpoint;

/** What a responder endpoint dichotomises. */
typedef enum { MSCSIM_RESPONDER_ON_CHANGE = 0, MSCSIM_RESPONDER_ON_FINAL } mscsim_responder_on;

/** How a death is scored on a scale other than mRS (where death is 6). */
typedef enum { MSCSIM_DEATH_WORST = 0, MSCSIM_DEATH_MISSING } mscsim_death_rule;

/** How dropout depends on the patient ([dropout] mechanism). */
typedef enum {
    MSCSIM_DROPOUT_MCAR = 0, /**< Completely at random. */
    MSCSIM_DROPOUT_MAR,      /**< On an observed value: the baseline or the visit before. */
    MSCSIM_DROPOUT_MNAR      /**< On the patient's unobserved score at the dropout visit. */
} mscsim_dropout_mechanism;

/** What MAR dropout depends on ([dropout] mar_on). */
typedef enum { MSCSIM_MAR_ON_BASELINE = 0, MSCSIM_MAR_ON_PREVIOUS_VISIT } mscsim_mar_on;

/** How a missing primary outcome is handled ([analysis] missing). */
typedef enum {
    MSCSIM_MISSING_COMPLETE_CASE = 0, /**< Analyse only patients with the outcome. */
    MSCSIM_MISSING_LOCF,  /**< Last observed visit carried forward (baseline if none). */
    MSCSIM_MISSING_BOCF,  /**< Baseline carried forward. */
    MSCSIM_MISSING_WORST, /**< The scale's worst score. */
    MSCSIM_MISSING_MI     /**< Multiple imputation by regression, pooled by Rubin's rules. */
} mscsim_missing_rule;

/** How missing visits of the msc arm are imputed ([analysis] mi_method; Carpenter, Roger &
 * Kenward 2013). The control arm is always imputed under missing at random. */
typedef enum {
    MSCSIM_MI_MAR = 0,             /**< From the patient's own arm (missing at random). */
    MSCSIM_MI_JUMP_TO_REFERENCE,   /**< After dropout, the control arm's mean. */
    MSCSIM_MI_COPY_REFERENCE,      /**< The control arm's distribution before and after. */
    MSCSIM_MI_COPY_INCREMENTS      /**< The control arm's changes from the last visit. */
} mscsim_mi_method;

/** Which arms' imputed scores [analysis] mnar_delta shifts. */
typedef enum { MSCSIM_DELTA_MSC = 0, MSCSIM_DELTA_BOTH } mscsim_delta_arms;

/** One recovery subgroup (r:tau_weeks:weight) of a model's subgroup list key. */
typedef struct {
    double r;         /**< Share of the lost function regained at the plateau, [0, 1]. */
    double tau_weeks; /**< Time constant in weeks, > 0. */
    double weight;    /**< Mixing weight; weights sum to 1. */
} mscsim_subgroup;

#define MSCSIM_MAX_MODEL_KEYS 32 /**< Key rows all models together may declare. */
#define MSCSIM_MAX_LIST_VALUES 16 /**< Values of a model's number-list key ([control] probs). */

/**
 * The value of one model-owned key; which member holds it follows the key's type (a number,
 * a number list, a subgroup list or a distribution). A plain value, copied with `=`.
 */
typedef union {
    double number; /**< A number key. */
    struct {
        double values[MSCSIM_MAX_LIST_VALUES];
        int count;
    } list; /**< A comma list of numbers. */
    struct {
        mscsim_subgroup items[MSCSIM_MAX_SUBGROUPS];
        int count;
    } subgroups;          /**< A list of r:tau_weeks:weight subgroups. */
    mscsim_dist_spec dist; /**< A distribution. */
} mscsim_key_value;

/** Per-arm parameters every model shares ([control] and [msc]); a model's own per-arm keys
 * (e.g. [msc] mean) live in mscsim_config.model_values. */
typedef struct {
    double dropout;         /**< Probability of no primary outcome (MCAR). */
    double mortality;       /**< Probability of death by the primary visit. */
    double effect_slope;    /**< msc: relative change of the effect per NIHSS point. */
    double effect_center;   /**< msc: NIHSS at which the effect is as configured. */
} mscsim_arm_config;

/** One NIHSS band of a sliding dichotomy ([analysis] sliding): patients with a baseline
 * NIHSS in lo..hi (whole numbers, inclusive) respond when their final score is at least as
 * good as threshold. */
typedef struct {
    double lo, hi, threshold;
} mscsim_sliding_band;

/** The whole design. Field comments name the config key. */
typedef struct mscsim_config {
    char name[MSCSIM_NAME_LEN];             /**< [trial] name (default: config file name). */
    long n[MSCSIM_MAX_N_VALUES];            /**< [trial] n: total randomized, each value run. */
    int n_count;                            /**< How many values n holds. */
    int alloc[MSCSIM_ARM_COUNT];            /**< [trial] allocation control:msc. */
    double alpha;                           /**< [trial] alpha. */
    int sides;                              /**< [trial] sides: 2, or 1 (msc better). */
    double visits[MSCSIM_MAX_VISITS];       /**< [trial] visits: days from randomization. */
    int visit_count;
    double primary_visit;                   /**< [trial] primary_visit (0 = the last visit). */
    double accrual_per_month;               /**< [trial] accrual_per_month (0 = no accrual). */
    double accrual_ramp_months;             /**< [trial] accrual_ramp_months. */
    mscsim_randomisation randomisation;     /**< [trial] randomisation. */

    mscsim_scale_id scale;                  /**< [outcome] scale. */
    double scale_min, scale_max, scale_step; /**< [outcome] min, max, step (custom scale). */
    int higher_is_better;                   /**< [outcome] higher_is_better (custom scale). */
    mscsim_death_rule death;                /**< [outcome] death. */
    double utilities[MSCSIM_MAX_UTILITIES]; /**< [outcome] utilities (endpoint utility). */
    int utility_count;

    char model[MSCSIM_NAME_LEN];            /**< [model] type. */

    mscsim_dist_spec baseline;              /**< [baseline] score. */
    mscsim_dist_spec nihss;                 /**< [baseline] nihss. */
    mscsim_dist_spec age;                   /**< [baseline] age. */
    mscsim_dist_spec onset_days;            /**< [baseline] onset_days. */
    double severity_corr;                   /**< [baseline] severity_corr (NIHSS vs score). */
    double age_min, age_max;                /**< [eligibility] age_min, age_max. */
    double nihss_min, nihss_max;            /**< [eligibility] nihss_min, nihss_max. */
    double onset_min, onset_max;            /**< [eligibility] onset_min, onset_max. */

    mscsim_arm_config arm[MSCSIM_ARM_COUNT]; /**< [control] and [msc]. */

    mscsim_dropout_mechanism dropout_mechanism; /**< [dropout] mechanism. */
    mscsim_mar_on mar_on;                   /**< [dropout] mar_on. */
    double dropout_odds_ratio;              /**< [dropout] odds_ratio (per SD of a worse value). */
    double dropout_weights[MSCSIM_MAX_VISITS]; /**< [dropout] visit_weights. */
    int dropout_weight_count;

    char test[MSCSIM_NAME_LEN];             /**< [analysis] test (one analysis). */
    char tests[MSCSIM_MAX_ANALYSES][MSCSIM_NAME_LEN]; /**< [analysis] tests (several). */
    int test_count;
    mscsim_endpoint endpoint;               /**< [analysis] endpoint. */
    mscsim_responder_on responder_on;       /**< [analysis] responder_on. */
    double threshold;                       /**< [analysis] threshold (responder). */
    mscsim_sliding_band sliding[MSCSIM_MAX_SLIDING_BANDS]; /**< [analysis] sliding. */
    int sliding_count;
    mscsim_missing_rule missing;            /**< [analysis] missing. */
    int covariates[MSCSIM_MAX_COVARIATES];  /**< [analysis] covariates (mscsim_covariate). */
    int covariate_count;
    int imputations;                        /**< [analysis] imputations (mi). */
    mscsim_mi_method mi_method;             /**< [analysis] mi_method (mi). */
    double mnar_delta;                      /**< [analysis] mnar_delta, outcome units (mi). */
    mscsim_delta_arms mnar_delta_arms;      /**< [analysis] mnar_delta_arms (mi). */

    mscsim_decision_rule decision_rule;     /**< [decision] rule. */
    mscsim_dist_spec decision_prior;        /**< [decision] prior: normal, beta or flat. */
    double decision_threshold;              /**< [decision] threshold. */
    double decision_probability;            /**< [decision] probability. */
    double decision_mcid;                   /**< [decision] mcid (-inf: no second criterion). */
    double decision_mcid_probability;       /**< [decision] mcid_probability. */

    mscsim_prior_key prior[MSCSIM_MAX_PRIOR_KEYS]; /**< [prior]: keys drawn per trial. */
    int prior_count;

    mscsim_sweep_key sweep[MSCSIM_MAX_SWEEP_KEYS]; /**< [sweep]: the grid, first key slowest. */
    int sweep_count;
    long scenario;      /**< Grid point of a sweep, from 1 (not a key: set by mscsim_sweep_point). */
    int nested_sizes;   /**< 1: every n draws trial r from one stream, so smaller trials are
                             prefixes of larger ones (the sample-size search; not a key). */
    int null_effect;    /**< 1: the msc arm's patients follow the control arm's parameters,
                             a trial under H0 (samplesize's expected n under H0; not a key). */

    double looks[MSCSIM_MAX_LOOKS];         /**< [interim] looks: information fractions. */
    int look_count;                         /**< 0 = a fixed design (no [interim]). */
    mscsim_stopping_rule efficacy;          /**< [interim] efficacy. */
    mscsim_stopping_rule futility;          /**< [interim] futility. */
    int binding;                            /**< [interim] binding (1 = yes). */
    int pipeline;                           /**< [interim] pipeline (mscsim_pipeline_rule). */
    double beta;                            /**< [interim] beta (beta-spending futility). */

    long reps;                              /**< [simulation] reps. */
    uint64_t seed;                          /**< [simulation] seed. */
    int threads;                            /**< [simulation] threads (0 = all cores). */
    int common_random_numbers;              /**< [simulation] common_random_numbers (1 = yes). */
    int shortcut;                           /**< [simulation] shortcut: 1 = auto, 0 = no. */

    double search_target;                   /**< [search] target (samplesize, mde). */
    char search_analysis[MSCSIM_NAME_LEN];  /**< [search] analysis ("" = the first). */
    char search_key[MSCSIM_NAME_LEN];       /**< [search] key (mde; "" = none). */
    long search_confirm_reps;               /**< [search] confirm_reps (0 = automatic). */

    /** Empirical files read once for the whole run (mscsim_empirical_set_load), borrowed
     *  by every copy of the config; NULL: each population reads its files itself. Not a key. */
    const struct mscsim_empirical_set *empirical;

    /** Values of the keys models declare ([model] rho, [msc] mean, ...): one element per
     *  model-owned key row, in the global key order (sim/config/config_impl.h). Models
     *  read them through their private accessor; callers use mscsim_config_format. */
    mscsim_key_value model_values[MSCSIM_MAX_MODEL_KEYS];

    /* Provenance, for messages: where each key (by key-table index) was set. */
    char path[256];                         /**< The file loaded. */
    int key_line[MSCSIM_MAX_KEYS];          /**< Line that set each key; 0 = default; -1 = --set. */
} mscsim_config;

/** Grid points of cfg's [sweep]: the product of its value counts (1 without a sweep). */
size_t mscsim_sweep_points(const mscsim_config *cfg);

/**
 * Grid point `point` (0-based; the first key varies slowest): cfg with the point's values
 * applied, scenario = point + 1. Not validated again: mscsim_config_validate of cfg has
 * checked every grid point (a value that does not fit fails there, with the [sweep] line
 * and the value named), and mscsim_design_new checks the point it compiles.
 */
int mscsim_sweep_point(const mscsim_config *cfg, size_t point, mscsim_config *out,
                       mscsim_error *err);

/** The value swept key `key` takes at grid point `point`. */
const char *mscsim_sweep_value(const mscsim_config *cfg, int key, size_t point);

/**
 * The analyses to run, in order: [analysis] tests when set, else the single [analysis]
 * test. Returns their number (at least 1 once validated); names point into cfg.
 */
int mscsim_config_analyses(const mscsim_config *cfg, const char *names[MSCSIM_MAX_ANALYSES]);

/**
 * Patients per arm in one allocation block: [trial] allocation in lowest terms (2:4 gives
 * 1 + 2), so whole blocks are the sizes that keep the allocation exact; with permuted
 * blocks ([trial] randomisation = blocks(B) or stratified_blocks(B; ...)) one block of B
 * patients (blocks(6) at 1:2 gives 2 + 4).
 */
void mscsim_config_block(const mscsim_config *cfg, long block[MSCSIM_ARM_COUNT]);

/** The clinical scale scored: [outcome] scale, except the ordinal model's, always the mRS. */
mscsim_scale_id mscsim_config_scale(const mscsim_config *cfg);

/** The endpoint analysed, with auto resolved for cfg's model. */
mscsim_endpoint mscsim_config_endpoint(const mscsim_config *cfg);

/** The primary visit's index in cfg's visits. */
int mscsim_config_primary_index(const mscsim_config *cfg);

/**
 * 1 when the key section.key was set by the file or an override (not left at its default).
 */
int mscsim_config_is_set(const mscsim_config *cfg, const char *section, const char *key);

/**
 * Locates err (already filled with the reason) at the place section.key was set, or at the
 * file when it was not set; returns err->code. For checks made outside sim/config/ (models, the population).
 */
int mscsim_config_error_at(const mscsim_config *cfg, const char *section, const char *key,
                           mscsim_error *err);

/**
 * Loads path into cfg: defaults first, then the file. Any unknown section or key, a key
 * set twice, a malformed or out-of-range value, or an unreadable file fails with err naming
 * file, line, section and key. Call mscsim_config_validate after applying overrides.
 */
int mscsim_config_load(const char *path, mscsim_config *cfg, mscsim_error *err);

/**
 * Applies one override "section.key=value" (as given to --set), checked like a file line.
 */
int mscsim_config_set(mscsim_config *cfg, const char *assignment, mscsim_error *err);

/**
 * Checks what single keys cannot: keys that do not apply to the chosen model, an analysis
 * that does not fit the model's outcome, arm sizes of every n, and the model's own rules.
 */
int mscsim_config_validate(const mscsim_config *cfg, mscsim_error *err);

/** Arm sizes of total n under cfg's allocation: n_msc = round(n*m/(c+m)), control the rest. */
void mscsim_config_arm_sizes(const mscsim_config *cfg, long n, long sizes[MSCSIM_ARM_COUNT]);

/**
 * Writes the fully resolved config (every key that applies to the model, defaults
 * included) as an INI file that loads back to the same design. Returns MSCSIM_EIO if
 * writing fails.
 */
int mscsim_config_write(const mscsim_config *cfg, FILE *out, mscsim_error *err);

/**
 * The value of section.key as the resolved config writes it (e.g. "fma_motor" for
 * outcome.scale; the scale and [analysis] endpoint resolved as mscsim_config_scale and
 * mscsim_config_endpoint resolve them). Returns 0, or -1 for an unknown key.
 */
int mscsim_config_format(const mscsim_config *cfg, const char *section, const char *key,
                         char *buf, size_t len);

/**
 * Writes the key reference as a Markdown table (section, key, type, default, range,
 * models, meaning): the source of the README's key reference.
 */
int mscsim_config_write_key_reference(FILE *out, mscsim_error *err);

/**
 * A short label for plot axes of the key "section.key" (e.g. "MSC mean change (points)" for
 * "msc.mean"), or NULL when the key has none or is unknown. The string is static; a plain
 * lookup, thread-safe.
 */
const char *mscsim_config_key_label(const char *dotted_name);

#ifdef __cplusplus
}
#endif
#endif
