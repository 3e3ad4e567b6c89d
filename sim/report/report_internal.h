#ifndef SIM_REPORT_INTERNAL_H
#define SIM_REPORT_INTERNAL_H
/*
 * Shared by the files of sim/report/ (mscsim/report.h says what the page holds):
 *   table.c    the CSV files as tables of text cells, and the checks that they fit the
 *              resolved config;
 *   html.c     escaping, numbers, and figures drawn by mscsim_plot, inlined as SVG;
 *   design.c   the design in words, the table of settings, the justification paragraph;
 *   report.c   the entry points and the order of the sections.
 */
#include <stddef.h>
#include <stdio.h>

#include "csv_table.h"
#include "mscsim/config.h"
#include "mscsim/plot.h"
#include "mscsim/report.h"

/* A CSV with every column kept as text (numbers are read from the text on demand, so a
 * column another feature adds is shown whatever it holds). */
typedef struct {
    sim_csv_table csv;
    const char *path;
} sim_report_table;

/* Reads path; on failure err names the file (and line). */
int sim_report_table_read(sim_report_table *t, const char *path, mscsim_error *err);
void sim_report_table_free(sim_report_table *t);
/* Column index of name, or -1. */
int sim_report_col(const sim_report_table *t, const char *name);
/* The cell of column c (-1: NULL) in row. */
const char *sim_report_text(const sim_report_table *t, int c, size_t row);
/* The cell as a number; NaN for NA, text or a missing column. */
double sim_report_num(const sim_report_table *t, int c, size_t row);
/* sim_report_num by column name. */
double sim_report_value(const sim_report_table *t, const char *name, size_t row);

/* One setting of the resolved config, as written there. */
typedef struct {
    char section[64], key[64];
    char value[4096];
    int is_default; /* the line ends with "; default" */
    int line;
} sim_report_setting;

/* The resolved config read as settings (and kept whole, for the page). */
typedef struct {
    char *text; /* the file, NUL-terminated */
    sim_report_setting *set;
    size_t count;
    mscsim_config cfg; /* the same file loaded, for the design's derived values */
} sim_report_config;

int sim_report_config_read(sim_report_config *c, const char *path, mscsim_error *err);
void sim_report_config_free(sim_report_config *c);
/* The setting section.key, or NULL. */
const sim_report_setting *sim_report_setting_find(const sim_report_config *c, const char *section,
                                                  const char *key);

/* Checks the results rows against the config: analyses, n, design labels, scenarios. */
int sim_report_check_results(const sim_report_table *t, const sim_report_config *c,
                             mscsim_error *err);

/* ---- html.c ---- */

/* Writes s with &, <, >, " escaped. */
void sim_html_text(FILE *out, const char *s);
/* Writes a printf-formatted text, escaped. */
void sim_html_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number for the page: %.*f with the given decimals, "NA" for NaN. */
const char *sim_html_num(char *buf, size_t len, double v, int decimals);
/* A share as a percentage with one decimal ("80.4 %"). */
const char *sim_html_pct(char *buf, size_t len, double v);

/* Draws csv with opt into the scratch folder as name.svg and writes it inline in a
 * <figure> with caption (escaped); name (unique on the page) prefixes its ids. A figure
 * gnuplot cannot draw fails with its error. */
int sim_html_figure(FILE *out, const char *scratch_dir, const char *name, const char *csv,
                    const mscsim_plot_options *opt, const char *caption, mscsim_error *err);

/* ---- design.c ---- */

/* The design in words (a paragraph) and the table of every setting. */
void sim_report_design(FILE *out, const sim_report_config *c, const char *source_path);

/* What the analysis estimates, in the figures' words ("improvement rate in Fugl-Meyer
 * motor"), from the results rows of that analysis, into buf. */
void sim_report_estimand_words(const char *results_path, const char *analysis, char *buf,
                               size_t len);

/* The facts of the justification paragraph. */
typedef struct {
    const char *results_path;
    const char *analysis;
    long n_total, n_control, n_msc;
    double power, power_lo, power_hi, reps;
    double true_effect, empirical_se, analytic_power;
    int from_samplesize; /* n is the sample-size search's answer */
    double target;
    long trials; /* the search's trials (from_samplesize) */
} sim_report_choice;

void sim_report_justification(FILE *out, const sim_report_config *c, const sim_report_choice *ch);

#endif
