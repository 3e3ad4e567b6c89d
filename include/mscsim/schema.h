#ifndef MSCSIM_SCHEMA_H
#define MSCSIM_SCHEMA_H

/**
 * The results schema: for each kind of CSV file mscsim writes, its columns in order, each
 * with its meaning (the README's sentence), a plot label and a unit. The command-line
 * writer takes its header rows from here, plots take their axis labels from here, and the
 * README's column reference is this module's Markdown, so the three cannot drift apart.
 *
 * Every file but the patient rows starts with `scenario` and one column per swept key (the
 * column flagged per_swept_key stands for them, in [sweep] order, each named after its key);
 * results, replicates and sample-size answers end with the design labels model, scale,
 * endpoint and missing.
 *
 * All data is static and read-only: every function here is thread-safe and allocates nothing.
 */

#include <stddef.h>
#include <stdio.h>

#include "mscsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kinds of CSV file written by the command-line front end. */
typedef enum {
    MSCSIM_FILE_RESULTS = 0, /**< `run`: one row per (scenario, n, analysis). */
    MSCSIM_FILE_REPLICATES,  /**< `run --replicates`: one row per trial and analysis. */
    MSCSIM_FILE_SS_ANSWER,   /**< `samplesize`: one answer per scenario. */
    MSCSIM_FILE_SS_TRACE,    /**< `samplesize --trace`: one row per candidate simulated. */
    MSCSIM_FILE_PATIENTS,    /**< `simulate`: one row per patient and visit. */
    MSCSIM_FILE_LOOKS,       /**< `run` with [interim]: one row per (scenario, n, analysis, look). */
    MSCSIM_FILE_KIND_COUNT   /**< Number of kinds; not a kind. */
} mscsim_file_kind;

/** One column of a file. Strings are static; never NULL except unit. */
typedef struct {
    const char *name;    /**< Header cell; "section.key" for the swept-key columns. */
    const char *meaning; /**< One or two sentences of Markdown, as in the README. Columns
                              documented together (n_total, n_control, n_msc) share it. */
    const char *label;   /**< Axis text for a plot, unit included ("Total sample size
                              (patients)", "Power"). */
    const char *unit;    /**< The bare unit ("patients", "days"), NULL for none (shares,
                              probabilities, labels) or when it depends on the design's scale. */
    int per_swept_key;   /**< 1: stands for one column per swept key, 0 elsewhere. */
} mscsim_column;

/**
 * The columns of a file kind in order (the swept-key columns as one entry), and their
 * number in *count (may be NULL). NULL, with *count = 0, for a kind out of range.
 */
const mscsim_column *mscsim_schema_columns(mscsim_file_kind kind, size_t *count);

/**
 * The column of kind named name (exact, case-sensitive), or NULL when kind has no such
 * column. A swept key's column is not found by its name: it is the config key's.
 */
const mscsim_column *mscsim_schema_find(mscsim_file_kind kind, const char *name);

/**
 * Writes the column reference of kind as a Markdown table "| column | meaning |", one row
 * per group of consecutive columns with the same meaning (the README's Output columns
 * tables). Returns MSCSIM_OK, MSCSIM_EINVAL for a kind out of range, or MSCSIM_EIO when out
 * cannot be written.
 */
int mscsim_schema_write_markdown(mscsim_file_kind kind, FILE *out, mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
