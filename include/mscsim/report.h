#ifndef MSCSIM_REPORT_H
#define MSCSIM_REPORT_H

/**
 * A planner's report: one self-contained HTML page built from the files a run writes.
 *
 * mscsim_report_write reads a results CSV (`mscsim run`), the resolved config written
 * beside it and, when given, the replicates of the same run, a sample-size answer and its
 * trace (`mscsim samplesize`) and a looks file (group-sequential designs), and writes one
 * HTML page with, in order: warnings (failures, low coverage, floor or ceiling effects,
 * type I error above alpha, a `warnings` column), the design in words and as a table of
 * every setting (its value, whether it is the default, its meaning and the note the config
 * file gives it, with the config's own comments: a preset's sources), power against n with
 * its Monte Carlo intervals and the analytic power, the sample size with its confirmation,
 * bias, coverage and failures, the sensitivity figure of a [sweep], interim looks and
 * assurance when the results carry them, the sampling distribution of the estimate at the
 * chosen n, a draft sample-size justification paragraph, and the reproducibility details
 * (version, seed, the exact command, the resolved config in full).
 *
 * Figures are drawn by mscsim_plot (gnuplot's SVG terminal, the figures `mscsim plot`
 * draws) into a scratch folder and inlined as <svg> elements; the page has no script, no
 * external file, image or font, and a print style sheet for A4. The same inputs give a
 * byte-identical page (no date or path of the scratch folder is written).
 */

#include <stdio.h>

#include "mscsim/config.h"
#include "mscsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a report is built from. Paths are read only; NULL = not available. */
typedef struct {
    /** The results CSV of `mscsim run` (required). */
    const char *results_path;
    /** Its resolved config, as `run` writes it beside the results (required). */
    const char *config_path;
    /** The config file the user wrote, for its comments (a preset's sources), or NULL. */
    const char *source_path;
    /** The replicates CSV of the same run, for the sampling distribution, or NULL. */
    const char *replicates_path;
    /** A sample-size answer CSV of the same design and its trace, or NULL. */
    const char *samplesize_path, *trace_path;
    /** A looks CSV (one row per scenario, n, analysis and look), or NULL. */
    const char *looks_path;
    /** A folder the report may write its figure files to (and removes them from). */
    const char *scratch_dir;
    /** The command line that made the report, shown verbatim; NULL = not shown. */
    const char *command;
    /** The target power, in (0, 1); 0 = 0.8. */
    double target;
    /** The analysis the sample size is for (e.g. "welch"); NULL = the results' first. */
    const char *analysis;
    /** Where the numbers come from, in words, when the files are temporaries of the
     *  report's own run (e.g. "a run of configs/x.ini"): the page then names files by
     *  their base names only, so it does not depend on the scratch folder. NULL = the
     *  paths above are the user's and are shown as given. */
    const char *origin;
} mscsim_report_input;

/**
 * Writes the report of in to out (an open stream; not closed).
 *
 * Returns MSCSIM_OK, or fills err and returns: MSCSIM_EINVAL for a missing required path
 * or a target outside (0, 1); MSCSIM_EIO for an input that cannot be read or an output
 * that cannot be written (err->file names the file); MSCSIM_ESYNTAX for a CSV that is not
 * a table; MSCSIM_ECONFIG for results that do not fit their resolved config (an analysis,
 * n, model, scale, endpoint or scenario the config does not have, or a missing column;
 * err->file and err->line name the results row), a replicates, sample-size or looks file
 * of another design, or an analysis the results lack; MSCSIM_ENOMEM; a figure that gnuplot
 * cannot draw fails with mscsim_plot's error. Nothing is left for the caller to free.
 * Thread-safe for distinct scratch folders.
 */
int mscsim_report_write(const mscsim_report_input *in, FILE *out, mscsim_error *err);

/**
 * The answer of a sample-size answer CSV (`mscsim samplesize`) for analysis (NULL = the
 * file's first) in scenario 1: its n_total into *n.
 * Returns MSCSIM_OK; MSCSIM_EIO or MSCSIM_ESYNTAX for a file that cannot be read as a
 * table; MSCSIM_ECONFIG when it has no such row. Thread-safe.
 */
int mscsim_report_answer_n(const char *samplesize_path, const char *analysis, long *n,
                           mscsim_error *err);

/**
 * Checks that the resolved config at resolved_path describes the design cfg (a config as
 * loaded, overridden and validated): both are written resolved and compared setting by
 * setting, comments and [simulation] threads (which changes no number) aside.
 * Returns MSCSIM_OK; MSCSIM_ECONFIG with err naming resolved_path, the line, section and
 * key of the first setting that differs (both values in the message); MSCSIM_EIO when the
 * file cannot be read; MSCSIM_ENOMEM. Thread-safe.
 */
int mscsim_report_check_config(const mscsim_config *cfg, const char *resolved_path,
                               mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
