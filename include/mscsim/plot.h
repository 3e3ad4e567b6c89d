#ifndef MSCSIM_PLOT_H
#define MSCSIM_PLOT_H

/**
 * Figures of mscsim's CSV files, drawn by gnuplot.
 *
 * mscsim_plot reads a CSV written by mscsim, checks it, and has gnuplot (found on PATH)
 * draw it to a PNG or SVG file. What is drawn depends on the kind of CSV, told apart by
 * its header row:
 *
 * 1. A header with columns patient and visit_day is a `simulate` file (it also needs arm
 *    and observed_score): each patient's observed score against visit day, a thin line per
 *    patient coloured by arm, and each arm's mean per visit (missing scores left out) in
 *    bold, with x ticks on the visits.
 * 2. Every other kind has a column n_total. A header with a column n_total_below is a
 *    sample-size answer, refused (MSCSIM_ECONFIG; its trace is what to plot).
 * 3. A header with a column `replicate` is a replicates CSV (one row per simulated trial;
 *    it also needs analysis, estimate, reject and true_effect): a histogram of `estimate`
 *    for one analysis and one sample size, NA estimates skipped, Freedman-Diaconis bins
 *    (the square-root rule when the interquartile range is 0), a vertical line at the true
 *    effect and the share of trials that rejected in the title.
 * 3b. Otherwise a header with a column `look` is a looks file (`run` with [interim]; it also
 *    needs analysis, information_fraction, efficacy_z, futility_z, reject_at_look and
 *    futility_at_look): for one analysis, scenario and n, the boundaries against the
 *    information fraction on the z scale and on the estimate scale (z / sqrt(t), in
 *    standard errors of the final estimate), and the shares stopping at each look.
 * 4. Otherwise a header with a column `stage` is a sample-size trace (`mscsim samplesize`;
 *    it also needs power, power_lo, power_hi and target; stage is search or confirm): power
 *    against n_total with its confidence interval as error bars, x ticks on the candidates'
 *    n, the target as a horizontal line and the smallest confirmed n whose power reaches
 *    the target labelled; when there are confirmation runs, in two panels: the whole
 *    search, and the confirmation zoomed around the target. The formula's answer
 *    (analytic_n of the answer CSV beside the trace: "X.csv" for "X_trace.csv"), when
 *    there is one, is a vertical line. One analysis and one scenario.
 * 5. Otherwise it is a results CSV (`mscsim run`; it needs analysis, power, power_lo and
 *    power_hi). Every column whose name contains a dot (`msc.mean`) is a swept config
 *    key. With no swept key taking more than one value: power against n_total, one line per
 *    analysis, the 95 % interval as a band, analytic_power (if present, where not NA) as a
 *    dashed line; with a single n_total, one dot per analysis (analyses along x) with its
 *    interval as error bars. With one swept key: power against that key, one line per
 *    n_total (or per analysis when there is a single n_total), with error bars. With two: a
 *    heat map of power over the two keys (viridis colours), values printed in the cells,
 *    and a contour at the target when the grid is complete. More than two is an error.
 *    When every drawn row's rejection_kind is type_i_error (a null design), the figures
 *    show the type I error, on an axis ending a quarter above the highest rate, with a
 *    line at alpha from the resolved config beside the CSV ("X.config.ini" for "X.csv",
 *    read with mscsim_config_load); without a loadable one there is no line and the title
 *    says so.
 *
 * Where the plot needs a single analysis, n_total or scenario (column `scenario`) and the
 * selection holds several, the first (in file order) is drawn and the title says so;
 * swept keys with a single value in what is drawn are named in the title. Labels use
 * clinical names from the `model`, `scale` and `endpoint` columns (when present): e.g.
 * "change from baseline in Fugl-Meyer motor (points)"; an unbounded outcome (scale none)
 * by its endpoint alone ("change from baseline"); the binary model's as "proportion with
 * the favourable outcome", whose effect (as a 0/1 endpoint's) is a "risk difference (MSC −
 * control)". Swept keys have readable names (an unknown key is shown as it is).
 *
 * The CSV is read with bounded lines and rows (see MSCSIM_ESYNTAX below), so a file that is
 * no CSV costs no memory.
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
     *  target column, else MSCSIM_PLOT_DEFAULT_TARGET. Not used for replicates, simulate
     *  files or null designs (whose line is alpha). */
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
 * MSCSIM_EINVAL for an unsupported extension, a target outside (0, 1), a negative n_total,
 * or an analysis, scenario or n_total the file lacks; MSCSIM_ESYNTAX for a CSV that cannot
 * be read as a table (empty, malformed, ragged rows, a cell that is not a number or out of
 * range, a line longer than 65536 bytes, a row of more than 4096 fields); MSCSIM_ECONFIG
 * for a table that is not a plottable mscsim CSV (a missing column, no data rows, the same
 * point twice, more than two swept keys varying, a sample-size answer); MSCSIM_EIO when the CSV cannot be read, the
 * output cannot be written or renamed, gnuplot is not on PATH (the message says to install
 * the Debian package gnuplot-nox) or gnuplot fails; MSCSIM_ENOMEM.
 *
 * Nothing is left for the caller to free. Thread-safe for distinct out_paths (it only
 * reads the environment's PATH, and the files beside the CSV named above).
 */
int mscsim_plot(const char *csv_path, const char *out_path, const mscsim_plot_options *opt,
                mscsim_error *err);

#ifdef __cplusplus
}
#endif
#endif
