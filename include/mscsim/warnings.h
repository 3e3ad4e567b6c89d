#ifndef MSCSIM_WARNINGS_H
#define MSCSIM_WARNINGS_H

/**
 * Warnings for degenerate designs: the numbers are right, but they answer a question the
 * planner did not mean to ask. Two levels:
 * - design checks, once per compiled design (a scenario): mscsim_warnings_design;
 * - result checks, once per cell and analysis: mscsim_warnings_cell.
 * Each warning has a stable code (mscsim_warning_code) for the `warnings` column of the
 * results and sample-size answer CSVs, and a one-line text for people. The library never
 * prints them: the front end does (on stderr, once per scenario and n).
 *
 * | code                 | level  | rule                                                  |
 * | `baseline_off_scale` | design | P(baseline score outside the scale's [min, max]) > 0.5 |
 * | `failures`           | cell   | more than 1 % of the trials' analyses failed           |
 * | `low_coverage`       | cell   | coverage < 0.93, its 99.9 % Wilson upper limit < 0.95 |
 * | `floor`              | cell   | more than half the observed primary scores at the min  |
 * | `ceiling`            | cell   | more than half the observed primary scores at the max  |
 *
 * The probability outside the scale is exact for the parametric distributions (normal,
 * uniform, truncnormal, lognormal, fixed, discrete) and the share of the data's rows for an
 * empirical one. Every function is thread-safe and allocates nothing.
 */

#include <stddef.h>

#include "mscsim/engine.h"
#include "mscsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The warnings, in the order the `warnings` column lists them. */
typedef enum {
    MSCSIM_WARN_BASELINE_OFF_SCALE = 0, /**< Baseline distribution mostly off the scale. */
    MSCSIM_WARN_FAILURES,               /**< More than 1 % of the analyses failed. */
    MSCSIM_WARN_LOW_COVERAGE,           /**< 95 % intervals cover clearly less than 93 %. */
    MSCSIM_WARN_FLOOR,                  /**< Most observed primary scores at the floor. */
    MSCSIM_WARN_CEILING,                /**< Most observed primary scores at the ceiling. */
    MSCSIM_WARN_COUNT
} mscsim_warning;

/** Thresholds of the rules above. */
#define MSCSIM_WARN_OFF_SCALE_SHARE 0.5
#define MSCSIM_WARN_FAILURE_SHARE 0.01
#define MSCSIM_WARN_COVERAGE 0.93
#define MSCSIM_WARN_BOUND_SHARE 0.5

/** Room for one warning's text. */
#define MSCSIM_WARNING_TEXT_LEN 320

/** A set of warnings: plain value. */
typedef struct {
    unsigned codes; /**< Bit (1u << w) for each mscsim_warning w raised. */
    char text[MSCSIM_WARN_COUNT][MSCSIM_WARNING_TEXT_LEN]; /**< Its text, when raised. */
} mscsim_warnings;

/** Empties w. */
void mscsim_warnings_clear(mscsim_warnings *w);

/**
 * Adds the design-level warnings of d to w (w's other warnings are kept): a baseline score
 * whose distribution puts more than MSCSIM_WARN_OFF_SCALE_SHARE of its mass outside the
 * scale's range, for designs that draw a baseline score on a bounded scale.
 */
void mscsim_warnings_design(const mscsim_design *d, mscsim_warnings *w);

/**
 * Adds the result-level warnings of one cell summary to w: failures (failures >
 * MSCSIM_WARN_FAILURE_SHARE reps, the text saying so when every trial failed); low
 * coverage (coverage estimable, below MSCSIM_WARN_COVERAGE, and the upper limit of its
 * 99.9 % Wilson interval over the computed trials below the nominal 0.95, so the shortfall
 * is not Monte Carlo noise, even over the many cells of a run); floor and ceiling shares above MSCSIM_WARN_BOUND_SHARE. The texts
 * of failures and coverage name the analysis.
 */
void mscsim_warnings_cell(const mscsim_cell_summary *s, mscsim_warnings *w);

/** The rule of w in a few words ("more than 1 % of the trials' analyses failed"), or NULL. */
const char *mscsim_warning_rule(mscsim_warning w);

/** The stable code of w ("baseline_off_scale", ...), or NULL for an invalid w. */
const char *mscsim_warning_code(mscsim_warning w);

/**
 * The codes in `codes` joined by ';' in mscsim_warning order into buf (len bytes,
 * NUL-terminated; "" when none, as the `warnings` column writes it). Returns buf.
 */
char *mscsim_warnings_format(unsigned codes, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
