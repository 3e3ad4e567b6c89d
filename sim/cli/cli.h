#ifndef MSCSIM_CLI_H
#define MSCSIM_CLI_H
/*
 * The command-line front end's own helpers, shared by its files (sim/cli/ only). The front
 * end is the only code that prints; it sees the library through its public headers alone.
 */
#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/error.h"
#include "mscsim/output.h"
#include "mscsim/schema.h"

enum { CLI_EXIT_BAD_INPUT = 2, CLI_EXIT_RUN_FAILED = 1 };

#define CLI_MAX_OVERRIDES 256
#define CLI_OVERRIDE_LEN 96

/* ---- args.c: the command line and the design it names --------------------------------- */

typedef struct {
    const char *command;
    const char *config_path; /* The CONFIG (or CSV of plot). */
    const char *out_path;
    const char *n_text;
    const char *replicates_path;
    const char *trace_path;
    const char *analysis_name;
    const char *scenario_name; /* plot --scenario */
    double target;
    int target_set;
    long confirm_reps;
    const char *overrides[CLI_MAX_OVERRIDES];
    char override_buf[CLI_MAX_OVERRIDES][CLI_OVERRIDE_LEN];
    int override_count;
    int quiet;
} cli_args;

extern const char cli_usage_text[];
extern const char cli_help_text[];

/* Returns 0, or CLI_EXIT_BAD_INPUT after printing what is wrong and the usage. */
int cli_parse_args(int argc, char **argv, cli_args *args);

/* Prints "mscsim: " fmt (with one %s for arg) and the usage; returns CLI_EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, const char *arg);

/* Prints "mscsim: " and err formatted, on stderr. */
void cli_print_error(const mscsim_error *err);

/* Loads CONFIG, applies the overrides in order and validates; prints the error and returns
 * CLI_EXIT_BAD_INPUT on failure. */
int cli_load_design(const cli_args *args, mscsim_config *cfg);

/* ---- progress.c: the bar on stderr and the clock ---------------------------------------- */

/* A progress bar over a known number of trials, drawn on stderr when it is a terminal. */
typedef struct {
    int show;
    double start, last_draw, total;
} cli_progress;

/* Seconds on a monotonic clock. */
double cli_now(void);
void cli_progress_start(cli_progress *p, int quiet, double total_trials);
/* Redraws at most every few tenths of a second, so calling it often costs nothing. */
void cli_progress_update(cli_progress *p, double trials_done);
/* Clears the bar; returns the seconds since cli_progress_start. */
double cli_progress_end(const cli_progress *p);

/* ---- outputs.c: the files of a run, all-or-nothing -------------------------------------- */

/* Room for a path, its NUL included; a longer one is an error naming its option. */
#define CLI_PATH_LEN 1024
/* Room for a file beside it (".config.ini", "_trace.csv", ".png" added). */
#define CLI_BESIDE_LEN 1100

/* Writes csv_path without ".csv", plus suffix, to buf; returns 0, or -1 when it does not fit. */
int cli_path_beside(const char *csv_path, const char *suffix, char *buf, size_t len);

/* Prints "mscsim: OPTION: the path is too long ..." and returns CLI_EXIT_BAD_INPUT. */
int cli_path_too_long(const char *option, size_t max);

/* The results CSV, the resolved config beside it and an optional side file (replicates or
 * the sample-size trace). */
typedef struct {
    char csv_path[CLI_PATH_LEN], ini_path[CLI_BESIDE_LEN], side_path[CLI_BESIDE_LEN];
    mscsim_csv_writer *csv, *ini, *side;
} cli_outputs;

/* Opens the results CSV (out_path, else results/<name><suffix>.csv), the resolved config
 * beside it and the side file (side_path, else the results path with side_suffix; none when
 * both are NULL; side_option names it in errors), before any simulation: an unwritable path
 * fails first. Returns 0, or the exit status after printing the error. */
int cli_outputs_open(cli_outputs *o, const char *out_path, const char *suffix,
                     const char *side_path, const char *side_option, const char *side_suffix,
                     const mscsim_config *cfg);

/* Writes the resolved config and commits every file; on failure none is left behind. */
int cli_outputs_commit(cli_outputs *o, const mscsim_config *cfg, mscsim_error *err);

/* Deletes every file not yet committed. */
void cli_outputs_abort(cli_outputs *o);

/* ---- rows.c: CSV rows in the schema's column order --------------------------------------- */

#define CLI_ROW_MAX 64
#define CLI_CELL_LEN 72 /* A formatted number (mscsim_format_double needs 32) or design label. */

/* A row assembled cell by cell: text cells point to strings that outlive the row, numbers
 * are formatted into the row's own cells. Writing it checks it has exactly the columns of
 * its file kind, so a row and its header cannot drift. */
typedef struct {
    mscsim_file_kind kind;
    size_t columns; /* Cells the schema asks for, with the design's swept keys. */
    size_t count;
    const char *field[CLI_ROW_MAX];
    char cell[CLI_ROW_MAX][CLI_CELL_LEN];
} cli_row;

/* Starts an empty row of kind for the design base (NULL: no swept keys). */
void cli_row_init(cli_row *r, mscsim_file_kind kind, const mscsim_config *base);
/* cli_row_init, then the scenario and swept values of grid point `point` of base. */
void cli_row_begin(cli_row *r, mscsim_file_kind kind, const mscsim_config *base, size_t point);
/* Appends count cells of from, starting at first; from must outlive r. */
void cli_row_copy(cli_row *r, const cli_row *from, size_t first, size_t count);
void cli_row_text(cli_row *r, const char *text);
void cli_row_long(cli_row *r, long v);
void cli_row_double(cli_row *r, double v);
/* The design's labels: model, scale, endpoint, missing-data handling. */
void cli_row_design(cli_row *r, const mscsim_config *point);
int cli_row_write(mscsim_csv_writer *w, const cli_row *r, mscsim_error *err);

/* Writes the header of kind: the schema's names, one per swept key of base in its place. */
int cli_write_header(mscsim_csv_writer *w, mscsim_file_kind kind, const mscsim_config *base,
                     mscsim_error *err);

/* ---- the commands: each returns the exit status ----------------------------------------- */

int cli_cmd_run(const cli_args *args);
int cli_cmd_samplesize(const cli_args *args);
int cli_cmd_plot(const cli_args *args);
int cli_cmd_check(const cli_args *args);
int cli_cmd_simulate(const cli_args *args);
int cli_cmd_keys(void);
int cli_cmd_columns(void);

#endif
