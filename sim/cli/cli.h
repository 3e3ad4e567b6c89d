#ifndef MSCSIM_CLI_H
#define MSCSIM_CLI_H
/*
 * The command-line front end's own helpers, shared by its files (sim/cli/ only). The front
 * end is the only code that prints; it sees the library through its public headers alone.
 */
#include <stddef.h>
#include <stdio.h>

#include "mscsim/config.h"
#include "mscsim/error.h"
#include "mscsim/output.h"
#include "mscsim/schema.h"

enum { CLI_EXIT_BAD_INPUT = 2, CLI_EXIT_RUN_FAILED = 1 };

#define CLI_MAX_OVERRIDES 256
#define CLI_OVERRIDE_LEN 96

/* ---- args.c: the command line and the design it names --------------------------------- */

/* The commands, in the order of the usage. */
enum {
    CLI_RUN,
    CLI_SAMPLESIZE,
    CLI_PLOT,
    CLI_CHECK,
    CLI_SIMULATE,
    CLI_REPORT,
    CLI_KEYS,
    CLI_COLUMNS,
    CLI_HELP,
    CLI_COMMAND_COUNT
};

typedef struct {
    const char *command;
    int command_id;          /* CLI_RUN ... */
    int help;                /* --help was given: print the command's help, nothing else. */
    const char *config_path; /* The CONFIG (or CSV of plot). */
    const char *out_path;
    const char *n_text;
    const char *replicates_path;
    const char *looks_path;  /* run --looks */
    const char *trace_path;
    const char *analysis_name;
    const char *scenario_name; /* plot --scenario */
    const char *from_path;     /* report --from RESULTS.csv */
    int argc;                  /* The command line as typed (report shows it). */
    char **argv;
    double target;
    int target_set;
    long confirm_reps;
    const char *overrides[CLI_MAX_OVERRIDES];
    char override_buf[CLI_MAX_OVERRIDES][CLI_OVERRIDE_LEN];
    int override_count;
    int quiet;
} cli_args;

/* Returns 0, or CLI_EXIT_BAD_INPUT after printing what is wrong and the command's usage.
 * An option the command does not take is an error; --help anywhere sets args->help. */
int cli_parse_args(int argc, char **argv, cli_args *args);

/* The CLI_* of a command name, or -1. */
int cli_find_command(const char *name);

/* Prints "mscsim: " fmt (with one %s for arg) and the usage; returns CLI_EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, const char *arg);

/* Prints "mscsim COMMAND: " and the printf-style message, then that command's usage line;
 * returns CLI_EXIT_BAD_INPUT. */
int cli_command_error(int command, const char *fmt, ...);

/* ---- help.c: what each command does and which options it takes ------------------------ */

typedef struct {
    const char *name;
    const char *args; /* What follows the name in its usage line. */
    const char *what; /* A paragraph of --help. */
} cli_command;

typedef struct {
    const char *name;  /* "--reps" */
    const char *value; /* Its value's placeholder ("N"), NULL for a flag. */
    unsigned commands; /* Mask of 1u << CLI_* that take it. */
    const char *help;
} cli_option;

extern const cli_command cli_commands[CLI_COMMAND_COUNT];

/* The row of option name that applies to command, or NULL; *known is 1 when some
 * command takes an option of that name. */
const cli_option *cli_option_find(const char *name, int command, int *known);

/* The usage lines of every command. */
void cli_print_usage(FILE *out);
/* The whole help (mscsim --help, mscsim help) on stdout. */
void cli_print_help(void);
/* One command's usage, description and options on stdout. */
void cli_print_command_help(int command);

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

/* The files of a run, in the order they are committed: an optional side file (replicates
 * or the sample-size trace), the resolved config, the results CSV last. */
enum { CLI_OUT_SIDE, CLI_OUT_LOOKS, CLI_OUT_INI, CLI_OUT_CSV, CLI_OUT_COUNT };
/* Room for a file's unique temporary name: its path plus ".<pid>-<k>.tmp". */
#define CLI_STAGE_LEN (CLI_BESIDE_LEN + 40)

/* The results CSV, the resolved config beside it and an optional side file; an unused
 * file has an empty path. Each is written to its own temporary until the commit. */
typedef struct {
    char csv_path[CLI_PATH_LEN], ini_path[CLI_BESIDE_LEN], side_path[CLI_BESIDE_LEN];
    char looks_path[CLI_BESIDE_LEN]; /* The looks file of a design with [interim]. */
    mscsim_csv_writer *csv, *ini, *side, *looks;
    char stage[CLI_OUT_COUNT][CLI_STAGE_LEN]; /* Temporary names, indexed by CLI_OUT_*. */
    int staged[CLI_OUT_COUNT];                /* 1 while the stage holds a finished file. */
} cli_outputs;

/* Opens the results CSV (out_path, else results/<name><suffix>.csv, creating results/),
 * the resolved config beside it and the side file (side_path, else the results path with
 * side_suffix; none when both are NULL; side_option names it in errors), before any
 * simulation: a path too long, a missing folder or a target that is not a regular file
 * fails first (exit 2), an unwritable folder next (exit 1). Returns 0, or the exit status
 * after printing the error. */
int cli_outputs_open(cli_outputs *o, const char *out_path, const char *suffix,
                     const char *side_path, const char *side_option, const char *side_suffix,
                     const mscsim_config *cfg);

/* Adds the looks file to o (opened by cli_outputs_open): looks_path (--looks), else the
 * results path with "_looks.csv"; checked and staged like the others. Returns 0, or the exit
 * status after the message (o is then aborted). */
int cli_outputs_open_looks(cli_outputs *o, const char *looks_path);

/* Opens a single file (csv_path: path, named by option in errors; "-" is stdout, staged in
 * $TMPDIR or /tmp), with the same checks. */
int cli_outputs_open_one(cli_outputs *o, const char *option, const char *path);

/* Writes the resolved config (when opened; cfg may be NULL otherwise) and commits every
 * file: all are finished first, then renamed side file first and CSV last. On failure
 * every temporary is removed and err says why. */
int cli_outputs_commit(cli_outputs *o, const mscsim_config *cfg, mscsim_error *err);

/* Deletes every temporary not yet committed. */
void cli_outputs_abort(cli_outputs *o);

/* ---- signals.c: SIGINT and SIGTERM ------------------------------------------------------ */

/* Makes SIGINT and SIGTERM only record themselves, for cli_stop_if_interrupted. */
void cli_signals_install(void);

/* After a signal: deletes o's temporaries (o may be NULL), prints "mscsim: interrupted" and
 * exits 128 + the signal (130 for SIGINT, 143 for SIGTERM); otherwise returns. */
void cli_stop_if_interrupted(cli_outputs *o);

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

/* Room for a scenario label: a few swept keys and values. */
#define CLI_LABEL_LEN 512
/* The swept values of grid point `point` of base, "key = value, ..." (truncated to len). */
void cli_scenario_label(const mscsim_config *base, size_t point, char *buf, size_t len);

/* Writes the header of kind: the schema's names, one per swept key of base in its place. */
int cli_write_header(mscsim_csv_writer *w, mscsim_file_kind kind, const mscsim_config *base,
                     mscsim_error *err);

/* ---- the commands: each returns the exit status ----------------------------------------- */

int cli_cmd_run(const cli_args *args);
int cli_cmd_samplesize(const cli_args *args);
int cli_cmd_plot(const cli_args *args);
int cli_cmd_check(const cli_args *args);
int cli_cmd_simulate(const cli_args *args);
int cli_cmd_report(const cli_args *args);
int cli_cmd_keys(void);
int cli_cmd_columns(void);

#endif
