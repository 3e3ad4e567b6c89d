#ifndef MSCSIM_CLI_H
#define MSCSIM_CLI_H
/*
 * The command-line front end's own helpers, shared by its files (sim/cli/ only). The front
 * end is the only code that prints; it sees the library through its public headers alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mscsim/config.h"
#include "mscsim/engine.h"
#include "mscsim/error.h"
#include "mscsim/output.h"
#include "mscsim/samplesize.h"
#include "mscsim/schema.h"
#include "mscsim/warnings.h"

enum { CLI_EXIT_BAD_INPUT = 2, CLI_EXIT_RUN_FAILED = 1 };

#define CLI_MAX_OVERRIDES 256
#define CLI_OVERRIDE_LEN 96
#define CLI_MAX_PARTS 4096 /* Partial files one merge reads. */

/* ---- args.c: the command line and the design it names --------------------------------- */

/* The commands, in the order of the usage. */
enum {
    CLI_RUN,
    CLI_SAMPLESIZE,
    CLI_MDE,
    CLI_PLOT,
    CLI_CHECK,
    CLI_SIMULATE,
    CLI_MERGE,
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
    const char *key_name;      /* mde --key */
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
    const char *shard_text;            /* run --shard: "K/N" or "slurm". */
    const char *parts[CLI_MAX_PARTS];  /* merge's PART files. */
    int part_count;
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

/* Loads the design as cli_load_design, reads its empirical files once for the whole run
 * (cfg->empirical, shared by every grid point and candidate), runs body on it and frees
 * them; returns body's exit status, or the loading's. */
int cli_run_design(const cli_args *args, int (*body)(const cli_args *args, mscsim_config *cfg));

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

/* Writes the resolved config (when opened and cfg is not NULL: with cfg NULL the caller
 * wrote it to o->ini's stream) and commits every file: all are finished first, then
 * renamed side file first and CSV last. On failure every temporary is removed and err says
 * why. */
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
/* The `warnings` cell: the codes joined by ';', empty when none. */
void cli_row_warnings(cli_row *r, unsigned codes);
/* Prints on stderr each warning of w in `which` (bits), "mscsim: warning: WHERE: text"
 * (where may be "", then without it). */
void cli_print_warnings(const char *where, const mscsim_warnings *w, unsigned which);

/* Room for a scenario label: a few swept keys and values. */
#define CLI_LABEL_LEN 512
/* The swept values of grid point `point` of base, "key = value, ..." (truncated to len). */
void cli_scenario_label(const mscsim_config *base, size_t point, char *buf, size_t len);

/* Writes the header of kind: the schema's names, one per swept key of base in its place. */
int cli_write_header(mscsim_csv_writer *w, mscsim_file_kind kind, const mscsim_config *base,
                     mscsim_error *err);

/* ---- cmd_run.c: a run's grid points, one at a time ------------------------------------- */

/* Grid point `index` of base: its config, its design and an engine on it. */
typedef struct {
    const mscsim_config *base;
    size_t index; /* (size_t)-1 before the first point. */
    mscsim_config point;
    mscsim_design *design;
    mscsim_engine *eng;
    int want_p;
    mscsim_truths given; /* With has_given: the next point's truths, not estimated. */
    int has_given;
    /* The truths of the points visited, by truth digest: a later point that cannot have
     * other truths takes them, wherever it is in the grid (seen entries, NULL when out
     * of memory: then only the previous point lends its truths). */
    size_t seen;
    uint64_t *digest;
    size_t *seen_point;
    mscsim_truths *seen_truths;
} cli_point;

void cli_point_init(cli_point *p, const mscsim_config *base, int want_p);
/* Moves p to grid point g (nothing when it is there already): its design, with the truths
 * given (has_given, then cleared) or taken from a point visited before whose truths they
 * cannot differ from, and a new engine with no unit added.
 * Returns the status; *exit_code is set when it fails. */
int cli_point_at(cli_point *p, size_t g, int *exit_code, mscsim_error *err);
void cli_point_free(cli_point *p);
/* Work units of each grid point: n values times blocks of MSCSIM_UNIT_REPS replicates. */
long cli_units_per_point(const mscsim_config *cfg);
/* The header of the summary table run prints. */
void cli_run_print_header(const mscsim_config *cfg);
/* The results rows of p's point, every unit added: to out's CSV (and looks file, when
 * open), and as the table on stdout. */
int cli_run_write_rows(const cli_point *p, cli_outputs *out, mscsim_error *err);

/* ---- shard.c: run --shard and the partial files ------------------------------------------ */

/* run CONFIG --shard K/N|slurm --out PART for the loaded cfg; returns the exit status. */
int cli_run_shard(const cli_args *args, const mscsim_config *cfg);
/* --shard's value as shard k of n (slurm: from the job array's variables); 0, or the exit
 * status after printing what is wrong. */
int cli_parse_shard(const char *text, long *k, long *n);
/* Shard k of n holds units [*lo, *hi) of total. */
void cli_shard_range(long total, long k, long n, long *lo, long *hi);
/* The resolved config cfg's run writes, as text (*text malloc'd, *len bytes). */
int cli_resolved_text(const mscsim_config *cfg, char **text, size_t *len, mscsim_error *err);
/* What identifies a run in its partial files: FNV-1a 64 of the resolved config's text
 * after its first line (which names the config's path). */
uint64_t cli_config_digest(const char *text, size_t len);
/* The whole decimal number text[0..len) (1 to 9 digits), or -1. */
long cli_whole(const char *text, size_t len);

/* ---- cmd_samplesize.c: one grid point's search, and its rows -------------------------------- */

/* A grid point's answer, with the formula's answer (0: none), where the search began, the
 * trials simulated and, with interim looks, the null run's expected n and type I error. */
typedef struct {
    mscsim_ss_result res;
    long analytic_n, start_n, trials;
    double en_h0, type_i;
} cli_ss_point;

/* The analysis samplesize decides by (--analysis, else [search] analysis, else the first):
 * 0, or the exit status. */
int cli_ss_analysis(const cli_args *args, const mscsim_config *cfg, int *analysis);
/* Opens the answer and trace files with their headers: 0, or the exit status. */
int cli_ss_open(const cli_args *args, const mscsim_config *cfg, cli_outputs *out,
                mscsim_error *err);
/* Searches grid point g of cfg; progress is samplesize's bar state, or NULL for none. */
int cli_ss_search(const cli_args *args, const mscsim_config *cfg, size_t g, int analysis,
                  void *progress, cli_ss_point *out, mscsim_error *err);
/* Writes grid point g's answer and trace rows, and prints the answer. */
int cli_ss_emit(const mscsim_config *cfg, size_t g, int analysis, double target,
                const cli_ss_point *pt, cli_outputs *out, mscsim_error *err);
/* Records the search in the resolved config and commits out after status (the run's so
 * far); prints what it wrote, or the error. Returns the exit status. */
int cli_ss_commit(cli_outputs *out, const cli_args *args, const mscsim_config *cfg,
                  int analysis, mscsim_error *err, int status);

/* ---- dispatch.c: the whole command line, as `mscsim` runs it; returns the exit status ----- */
int cli_main(int argc, char **argv);

/* ---- the commands: each returns the exit status ----------------------------------------- */

int cli_cmd_run(const cli_args *args);
int cli_cmd_samplesize(const cli_args *args);

/* search.c: what both searches (samplesize, mde) share. */
/* The analysis that must reach the target: --analysis, else [search] analysis, else the
 * first; 0, or the exit status after saying it is not one of cfg's analyses. */
int cli_find_analysis(const cli_args *args, const mscsim_config *cfg, int command, int *analysis);
/* The target: --target, else [search] target. */
double cli_search_target(const cli_args *args, const mscsim_config *cfg);
/* Records in cfg's [search] what the search used (target, analysis, confirmation trials
 * when given, and mde's key, NULL for samplesize), so its resolved config reruns to the same answer. */
int cli_record_search(mscsim_config *cfg, const cli_args *args, const char *key,
                      const char *analysis, mscsim_error *err);
/* power into buf with 4 decimals, or more when needed so that the printed value lies on
 * the same side of the target as the power (0.79997 is "0.79997", not "0.8000"). */
const char *cli_format_power(char *buf, size_t len, double power, double target);

/* A search run: its files, the bar of the candidate being simulated, its totals. */
typedef struct {
    cli_outputs out;
    cli_progress bar;
    long candidate_start; /* Trials done before the candidate on the bar. */
    const char *names[MSCSIM_MAX_ANALYSES];
    int analysis; /* Which of names must reach the target. */
    double target;
    double start; /* cli_now() at the start. */
    long trials;  /* Simulated in all. */
} cli_search;

/* Chooses the analysis and target, opens the answer (results/<name><suffix>.csv or --out)
 * and trace files with the headers of kinds answer and trace, starts the bar. 0, or the
 * exit status after the message. */
int cli_search_begin(cli_search *s, const cli_args *args, const mscsim_config *cfg, int command,
                     const char *suffix, mscsim_file_kind answer, mscsim_file_kind trace);
/* The progress callback's work: trials in all, in the running candidate of reps. */
void cli_search_progress(cli_search *s, long trials, long in_candidate, long reps);
/* Ends the run whose status is status: records the search in resolved (key: mde's, or
 * NULL) and commits, or removes every temporary and prints err. The exit status. */
int cli_search_end(cli_search *s, const cli_args *args, mscsim_config *resolved, const char *key,
                   int status, mscsim_error *err);
int cli_cmd_mde(const cli_args *args);
int cli_cmd_plot(const cli_args *args);
int cli_cmd_check(const cli_args *args);
int cli_cmd_simulate(const cli_args *args);
int cli_cmd_merge(const cli_args *args);
int cli_cmd_report(const cli_args *args);
int cli_cmd_keys(void);
int cli_cmd_columns(void);

#endif
