#ifndef MSCSIM_CONFIG_H
#define MSCSIM_CONFIG_H

/**
 * A trial design and simulation settings, read from an INI file.
 *
 * Every key is declared once in the key table (sim/config_keys.c) with its type, range,
 * default and help; the same table drives parsing, range checks, `mscsim check`, the
 * resolved config written beside each result, and the README's key reference.
 * mscsim_config is a plain value: copying it with `=` copies the whole design.
 */

#include <stdint.h>
#include <stdio.h>

#include "mscsim/distspec.h"
#include "mscsim/error.h"
#include "mscsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSCSIM_MAX_N_VALUES 64 /**< Sample sizes in one [trial] n list. */
#define MSCSIM_NAME_LEN 64     /**< Room for names, including the NUL. */
#define MSCSIM_MAX_KEYS 64     /**< Upper bound on the number of config keys. */

/** Endpoint of a continuous outcome. */
typedef enum {
    MSCSIM_ENDPOINT_CHANGE = 0, /**< Outcome minus baseline. */
    MSCSIM_ENDPOINT_FINAL       /**< Outcome at the primary visit. */
} mscsim_endpoint;

/** Per-arm outcome parameters ([control] and [msc]). */
typedef struct {
    double mean;    /**< Normal model: mean change from baseline. */
    double sd;      /**< Normal model: sd of the change. */
    double p;       /**< Binary model: probability of the favourable outcome. */
    double dropout; /**< Probability that a randomized patient has no primary outcome (MCAR). */
} mscsim_arm_config;

/** The whole design. Field comments name the config key. */
typedef struct {
    char name[MSCSIM_NAME_LEN];             /**< [trial] name (default: config file name). */
    long n[MSCSIM_MAX_N_VALUES];            /**< [trial] n: total randomized, each value run. */
    int n_count;                            /**< How many values n holds. */
    int alloc[MSCSIM_ARM_COUNT];            /**< [trial] allocation control:msc. */
    double alpha;                           /**< [trial] alpha. */
    int sides;                              /**< [trial] sides: 2, or 1 (msc better). */
    char model[MSCSIM_NAME_LEN];            /**< [model] type. */
    double rho;                             /**< [model] rho. */
    mscsim_dist_spec baseline;              /**< [baseline] score. */
    mscsim_arm_config arm[MSCSIM_ARM_COUNT]; /**< [control] and [msc]. */
    char test[MSCSIM_NAME_LEN];             /**< [analysis] test. */
    mscsim_endpoint endpoint;               /**< [analysis] endpoint. */
    long reps;                              /**< [simulation] reps. */
    uint64_t seed;                          /**< [simulation] seed. */
    int threads;                            /**< [simulation] threads (0 = all cores). */

    /* Provenance, for messages: where each key (by key-table index) was set. */
    char path[256];                         /**< The file loaded. */
    int key_line[MSCSIM_MAX_KEYS];          /**< Line that set each key; 0 = default; -1 = --set. */
} mscsim_config;

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
 * Writes the key reference as a Markdown table (section, key, type, default, range,
 * models, meaning): the source of the README's key reference.
 */
int mscsim_config_write_key_reference(FILE *out, mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
