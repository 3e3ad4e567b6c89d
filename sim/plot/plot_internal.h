#ifndef SIM_PLOT_INTERNAL_H
#define SIM_PLOT_INTERNAL_H
/*
 * Shared by the files of sim/plot/ (mscsim/plot.h says what is drawn):
 *   table.c      the CSV as the plots see it (its kind, the columns read, messages) and
 *                selections of its rows;
 *   labels.c     clinical names of scales, endpoints, swept keys and estimates;
 *   gnuplot.c    pieces of the gnuplot script, and running gnuplot on it;
 *   plot_results.c, plot_trace.c, plot_replicates.c, plot_patients.c, plot_looks.c   one kind of
 *                figure each;
 *   plot.c       the entry point: checks, reads, chooses the kind, renders.
 */
#include <stdio.h>

#include "csv_table.h"
#include "mscsim/plot.h"

/* ---- short texts (titles, labels): fixed buffers, silently truncated ---- */

typedef struct {
    char s[1024];
    size_t len;
} sim_text;

void sim_text_add(sim_text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds one item to a "; "-separated list. */
#define SIM_TEXT_ITEM(b, ...)                                                                      \
    do {                                                                                           \
        if ((b)->len > 0)                                                                          \
            sim_text_add((b), "; ");                                                               \
        sim_text_add((b), __VA_ARGS__);                                                            \
    } while (0)

/* ---- the table (table.c) ---- */

/* The columns of mscsim's files the plots know. */
enum {
    SIM_COL_SCENARIO,
    SIM_COL_ANALYSIS,
    SIM_COL_N_TOTAL,
    SIM_COL_POWER,
    SIM_COL_POWER_LO,
    SIM_COL_POWER_HI,
    SIM_COL_ANALYTIC,
    SIM_COL_TARGET,
    SIM_COL_STAGE,
    SIM_COL_ESTIMATE,
    SIM_COL_REJECT,
    SIM_COL_TRUE_EFFECT,
    SIM_COL_SCALE,
    SIM_COL_ENDPOINT,
    SIM_COL_MODEL,
    SIM_COL_REJECTION_KIND,
    SIM_COL_PATIENT,
    SIM_COL_ARM,
    SIM_COL_VISIT_DAY,
    SIM_COL_OBSERVED_SCORE,
    SIM_COL_FRACTION,
    SIM_COL_EFFICACY_Z,
    SIM_COL_FUTILITY_Z,
    SIM_COL_REJECT_AT_LOOK,
    SIM_COL_FUTILITY_AT_LOOK,
    SIM_COL_SIDES,
    SIM_PLOT_FIXED_COLS
};

typedef enum {
    SIM_PLOT_RESULTS,
    SIM_PLOT_TRACE,
    SIM_PLOT_REPLICATES,
    SIM_PLOT_PATIENTS,
    SIM_PLOT_LOOKS
} sim_plot_kind;

typedef struct {
    sim_csv_table csv; /* the columns kept: fixed ones, then swept keys (text) */
    const char *path;
    mscsim_error *err;
    sim_plot_kind kind;
    int at[SIM_PLOT_FIXED_COLS]; /* index into csv.col, or -1 */
    size_t first_swept;
} sim_plot_table;

/* Selected rows, in file order. */
typedef struct {
    size_t *row;
    size_t count;
} sim_selection;

/* Fills t->err with code and the message, located at t->path and line (0: none); returns
 * code. */
int sim_plot_fail(sim_plot_table *t, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads t->path (t zeroed but for path and err); on failure t->err says why. */
int sim_plot_read(sim_plot_table *t);

void sim_plot_table_free(sim_plot_table *t);

/* The file written beside path: path with its ending replaced by suffix ("X.csv" ->
 * "X.config.ini"), malloc'ed; NULL when path does not end so (or out of memory). */
char *sim_plot_beside(const char *path, const char *ending, const char *suffix);

/* The axis label of a fixed column, from the results schema ("Power"). */
const char *sim_plot_column_label(int fixed_col);

static inline double sim_plot_value(const sim_plot_table *t, int c, size_t row)
{
    return sim_csv_value(&t->csv, c, row);
}

static inline const char *sim_plot_level(const sim_plot_table *t, int c, size_t row)
{
    return sim_csv_level(&t->csv, c, row);
}

/* A cell as text: its value for a text column, else the number (into buf). */
const char *sim_plot_cell_text(const sim_plot_table *t, int c, size_t row, char *buf, size_t len);

/* Keeps the selected rows whose column c holds v. */
void sim_plot_narrow(const sim_plot_table *t, sim_selection *s, int c, double v);

/* qsort's comparison of doubles, ascending. */
int sim_plot_double_cmp(const void *a, const void *b);

/* Distinct values of column c over the selection, first appearance first, into out (room
 * for s->count); returns how many. */
size_t sim_plot_distinct(const sim_plot_table *t, const sim_selection *s, int c, double *out);

/* Narrows to the first row's value of column c (absent: nothing to do) and describes the
 * choice, e.g. "analysis welch (first of 2)", in details; a column with a single value is
 * described only when always is set. scratch has room for s->count. */
void sim_plot_narrow_to_first(const sim_plot_table *t, sim_selection *s, int c, const char *what,
                              int always, double *scratch, sim_text *details);

/* Names the swept keys that have one value over the selection ("control dropout = 0.1")
 * in details; returns how many keys take several values. When vary is not NULL, it gets
 * the first two of those columns and names all of them, comma-separated. */
int sim_plot_describe_swept(const sim_plot_table *t, const sim_selection *s, double *scratch,
                            sim_text *details, int vary[2], sim_text *names);

/* ---- clinical names (labels.c) ---- */

/* A swept key's readable name ("control dropout"), or the key as it is. */
const char *sim_plot_key_words(const char *key);

/* "change from baseline in Fugl-Meyer motor" when scale and endpoint are known and the
 * same on every selected row (returns 0 otherwise); *points says whether the outcome is in
 * scale points (NULL: not wanted). */
int sim_plot_outcome_words(const sim_plot_table *t, const sim_selection *s, sim_text *out,
                           int *points);

/* "Estimated MSC effect: change from baseline in Fugl-Meyer motor (points)": what the
 * selection's analysis estimates on which outcome. */
void sim_plot_estimate_label(const sim_plot_table *t, const sim_selection *s, sim_text *out);

/* ---- the gnuplot script and process (gnuplot.c) ---- */

/* The script's start: encoding, terminal (SVG when svg, else PNG), output into tmp_path,
 * legend and grid. */
void sim_gp_begin(FILE *gp, int svg, const char *tmp_path);

/* s as a single-quoted gnuplot string, in which gnuplot expands nothing. */
void sim_gp_str(FILE *gp, const char *s);

/* A number: round-trip precision, NaN for NA (gnuplot skips it, breaking a line there). */
void sim_gp_num(FILE *gp, double v);

/* "<cmd> '<s>'" and a newline. */
void sim_gp_cmd_str(FILE *gp, const char *cmd, const char *s);

/* The target line across the plot, and its legend entry (after a plot's last curve):
 * "target power 0.8", or the title given. */
void sim_gp_target_line(FILE *gp, double target);
void sim_gp_target_key(FILE *gp, double target);
void sim_gp_line_key(FILE *gp, const char *title);

/* The title: the caller's, or a heading with the details on the lines below (broken
 * between items); _text writes only the string expression, for a multiplot's title. */
void sim_gp_title(FILE *gp, const char *given, const char *heading, const sim_text *details);
void sim_gp_title_text(FILE *gp, const char *given, const char *heading,
                       const sim_text *details);

/* Has gnuplot (from PATH) draw the script into tmp_path, then moves it to out_path; on any
 * failure tmp_path is removed, out_path left as it was and err filled. */
int sim_gnuplot_render(FILE *script, const char *out_path, const char *tmp_path, mscsim_error *err);

/* ---- the figures: each writes its script for the selection, or fails through t ---- */

int sim_plot_results(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                     double target, double *scratch);
int sim_plot_trace(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch);
int sim_plot_looks(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch);
int sim_plot_replicates(sim_plot_table *t, FILE *gp, sim_selection *s,
                        const mscsim_plot_options *opt, double *scratch);
int sim_plot_patients(sim_plot_table *t, FILE *gp, sim_selection *s,
                      const mscsim_plot_options *opt, double *scratch);
/* Replicates of a run with a design prior (plot_prior.c): whether the selection's trials
 * drew their own true effects, and the figure of them split by success. */
int sim_plot_prior_applies(const sim_plot_table *t, const sim_selection *s);
int sim_plot_prior(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch);

#endif
