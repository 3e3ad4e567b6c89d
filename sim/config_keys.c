/*
 * Every config key, once. Adding a key is one row here plus its field in mscsim_config;
 * parsing, range checks, `mscsim check`, the resolved config and the README's key table
 * (mscsim keys) all follow from this table.
 */
#include "config_keys.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "mscsim/config.h"

static const char *const endpoint_names[] = {"change", "final", NULL};

/* Upper limits that keep a run within memory and time on an ordinary machine. */
#define MAX_TOTAL_N 10000000.0
#define MAX_REPS 1e10
#define MAX_THREADS 1024.0
#define MAX_ALLOCATION 100.0

#define ARM_KEYS(section, arm_index)                                                       \
    {section, "mean", KEY_DOUBLE, offsetof(mscsim_config, arm[arm_index].mean), -HUGE_VAL,  \
     HUGE_VAL, 0, "0", NULL, "normal",                                                     \
     "Mean change from baseline (outcome units)."},                                        \
    {section, "sd", KEY_DOUBLE, offsetof(mscsim_config, arm[arm_index].sd), 0, HUGE_VAL, 0, \
     "1", NULL, "normal", "Standard deviation of the change (outcome units)."},            \
    {section, "p", KEY_DOUBLE, offsetof(mscsim_config, arm[arm_index].p), 0, 1, 0, "0.5",   \
     NULL, "binary", "Probability of the favourable binary outcome."},                     \
    {section, "dropout", KEY_DOUBLE, offsetof(mscsim_config, arm[arm_index].dropout), 0, 1, \
     KEY_MAX_EXCLUSIVE, "0", NULL, NULL,                                                   \
     "Probability that a randomized patient has no primary outcome (missing completely "   \
     "at random)."}

const config_key mscsim_config_keys[] = {
    {"trial", "name", KEY_STRING, offsetof(mscsim_config, name), 0, 0, 0, NULL, NULL, NULL,
     "Design name; names the results file results/<name>.csv (default: the config file's "
     "name)."},
    {"trial", "n", KEY_LONG_LIST, offsetof(mscsim_config, n), 2, MAX_TOTAL_N, KEY_REQUIRED,
     NULL, NULL, NULL, "Total patients randomized; a comma list runs each value."},
    {"trial", "allocation", KEY_RATIO, offsetof(mscsim_config, alloc), 1, MAX_ALLOCATION, 0,
     "1:1", NULL, NULL,
     "Allocation ratio control:msc; arm sizes are exact: n_msc = round(n*m/(c+m))."},
    {"trial", "alpha", KEY_DOUBLE, offsetof(mscsim_config, alpha), 0, 1,
     KEY_MIN_EXCLUSIVE | KEY_MAX_EXCLUSIVE, "0.05", NULL, NULL, "Significance level."},
    {"trial", "sides", KEY_INT, offsetof(mscsim_config, sides), 1, 2, 0, "2", NULL, NULL,
     "2 = two-sided test; 1 = one-sided test that msc is better."},
    {"model", "type", KEY_MODEL, offsetof(mscsim_config, model), 0, 0, KEY_REQUIRED, NULL,
     NULL, NULL, "Outcome model."},
    {"model", "rho", KEY_DOUBLE, offsetof(mscsim_config, rho), -1, 1, 0, "0", NULL, "normal",
     "Correlation between the baseline score and the change."},
    {"baseline", "score", KEY_DIST, offsetof(mscsim_config, baseline), 0, 0, 0,
     "normal(0, 1)", NULL, "normal",
     "Distribution of the baseline score: normal(mean, sd) or uniform(lo, hi)."},
    ARM_KEYS("control", MSCSIM_ARM_CONTROL),
    ARM_KEYS("msc", MSCSIM_ARM_MSC),
    {"analysis", "test", KEY_ANALYSIS, offsetof(mscsim_config, test), 0, 0, KEY_REQUIRED, NULL,
     NULL, NULL, "Analysis of each simulated trial."},
    {"analysis", "endpoint", KEY_ENUM, offsetof(mscsim_config, endpoint), 0, 0, 0, "change",
     endpoint_names, "normal", "change = outcome minus baseline; final = outcome."},
    {"simulation", "reps", KEY_LONG, offsetof(mscsim_config, reps), 1, MAX_REPS, 0, "10000",
     NULL, NULL, "Simulated trials per sample size."},
    {"simulation", "seed", KEY_U64, offsetof(mscsim_config, seed), 0, 0, 0, "1", NULL, NULL,
     "Seed; with the design it fixes every simulated trial."},
    {"simulation", "threads", KEY_INT, offsetof(mscsim_config, threads), 0, MAX_THREADS, 0,
     "0", NULL, NULL, "Worker threads; 0 = all cores. Results do not depend on it."},
};

const size_t mscsim_config_key_count = sizeof mscsim_config_keys / sizeof mscsim_config_keys[0];

_Static_assert(sizeof mscsim_config_keys / sizeof mscsim_config_keys[0] <= MSCSIM_MAX_KEYS,
               "raise MSCSIM_MAX_KEYS");
