#ifndef MSCSIM_PLOT_H
#define MSCSIM_PLOT_H

/**
 * Figures of mscsim's CSV files, drawn by gnuplot.
 *
 * mscsim_plot reads a CSV written by mscsim, checks it, and has gnuplot (found on PATH)
 * draw it to a PNG or SVG file. What is drawn depends on the kind of CSV, told apart by
 * its header row:
 *
 * 1. Every kind has a column n_total.
 * 2. A header with a column `replicate` is a replicates CSV (one row per simulated trial;
 *    it also needs analysis, estimate, reject and true_effect): a histogram of `estimate`
 *    for one analysis and one sample size, NA estimates skipped, Freedman-Diaconis bins
 *    (the square-root rule when the interquartile range is 0), a vertical line at the true
 *    effect and the share of trials that rejected in the title.
 * 3. Otherwise a header with a column `stage` is a sample-size trace (`mscsim samplesize`;
 *    it also needs power, power_lo, power_hi and target; stage is search or confirm): power
 *    against n_total with its confidence interval as error bars, the target as a horizontal
 *    line, the confirmation runs highlighted and the smallest confirmed n whose power
 *    reaches the target labelled. One analysis and one scenario.
 * 4. Otherwise it is a results CSV (`mscsim run`; it needs analysis, power, power_lo and
 *    power_hi). Every column whose name contains a dot (`msc.mean`) is a swept config
 *    key. With no swept key taking more than one value: power against n_total, one line per
 *    analysis, the 95 % interval as a band, analytic_power (if present, where not NA) as a
 *    dashed line. With one: power against that key, one line per n_total (or per analysis
 *    when there is a single n_total), with error bars. With two: a heat map of power over
 *    the two keys, values printed in the cells. More than two is an error.
 *
 * Where the plot needs a single analysis, n_total or scenario (column `scenario`) and the
 * file holds several, the first (in file order) is drawn and the title says so; swept keys
 * with a single value in what is drawn are named in the title. Labels use clinical names:
 * the `scale` and `endpoint` columns (when present) name the outcome, e.g. "change from
 * baseline in Fugl-Meyer motor (points)", and swept keys have readable names (an unknown
 * key is shown as it is).
 *
 * The figure is written all-or-nothing: gnuplot draws to "<out_path>.tmp", which replaces
 * out_path only when gnuplot succeeded, so a failure never leaves a partial, empty or
 * changed output file. The library never prints: gnuplot's messages are captured and,
 * when it fails, passed on in the error.
 */

#include "mscsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The power drawn as the target line when mscsim_plot_options.target is 0. */
#define MSCSIM_PLOT_DEFAULT_TARGET 0.8

/** Choices for mscsim_plot. A zeroed struct gives the defaults. */
typedef struct {
    /** Power drawn as a horizontal target line, in (0, 1); 0 = a sample-size trace's own
     *  target column, else MSCSIM_PLOT_DEFAULT_TARGET. Not used for replicates. */
    double target;
    /** Only rows of this analysis (e.g. "welch"); NULL = every analysis of a results or
     *  trace CSV, the first analysis of a replicates CSV. A name the file lacks is an
     *  error. */
    const char *analysis;
    /** Title instead of the generated one; NULL = generated. */
    const char *title;
    /** Only rows of this total sample size (column n_total, patients), >= 0; 0 = every n
     *  (a figure that needs one draws the first). A size the file lacks is an error. */
    long n_total;
    /** Only rows of this scenario (column scenario, e.g. "3": a sweep's grid point); NULL =
     *  every scenario (a figure that needs one draws the first). A scenario the file
     *  lacks is an error. */
    const char *scenario;
} mscsim_plot_options;

/**
 * Draws the CSV at csv_path (kinds above) into out_path, whose extension chooses the
 * format: ".png" (cairo PNG, 1200 x 800 pixels) or ".svg" (1200 x 800), case-insensitive.
 * opt may be NULL (defaults). Runs `gnuplot -d` (found on PATH, init files ignored) with the
 * script and data on its standard input.
 *
 * Returns MSCSIM_OK, or fills err (err->file names the CSV, or out_path for an unknown
 * extension or a failing gnuplot; err->line is the CSV line of a bad cell, row or header)
 * and returns:
 * MSCSIM_EINVAL for an unsupported extension, a target outside (0, 1) or an analysis the
 * file lacks; MSCSIM_ESYNTAX for a CSV that cannot be read as a table (empty, malformed,
 * ragged rows, a cell that is not a number or out of range); MSCSIM_ECONFIG for a table
 * that is not a plottable mscsim CSV (a missing column, no data rows, the same point
 * twice, more than two swept keys varying); MSCSIM_EIO when the CSV cannot be read, the
 * output cannot be written or renamed, gnuplot is not on PATH (the message says to install
 * the Debian package gnuplot-nox) or gnuplot fails; MSCSIM_ENOMEM.
 *
 * Nothing is left for the caller to free. Thread-safe for distinct out_paths (it only
 * reads the environment's PATH).
 */
int mscsim_plot(const char *csv_path, const char *out_path, const mscsim_plot_options *opt,
                mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
