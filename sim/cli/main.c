/* isatty, clock_gettime: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * The mscsim command: the only code that talks to the user. It parses arguments, turns
 * library errors into messages (exit 2 for bad input, 1 for failures while running),
 * shows progress on stderr when it is a terminal, and writes results all-or-nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mscsim/analytic.h"
#include "mscsim/config.h"
#include "mscsim/engine.h"
#include "mscsim/model.h"
#include "mscsim/output.h"
#include "mscsim/plot.h"
#include "mscsim/samplesize.h"
#include "mscsim/version.h"

enum { EXIT_BAD_INPUT = 2, EXIT_RUN_FAILED = 1 };

#define MAX_OVERRIDES 256
/* Seconds between progress-bar redraws: fast enough to look live, rare enough to cost nothing. */
#define PROGRESS_INTERVAL 0.2

static const char usage_text[] =
    "usage: mscsim run CONFIG [--set section.key=value]... [--reps N] [--seed S]\n"
    "                         [--threads T] [--out FILE] [--replicates FILE] [--quiet]\n"
    "       mscsim samplesize CONFIG [--target P] [--analysis NAME] [--out FILE]\n"
    "                         [--trace FILE] [--confirm-reps N] [run options]\n"
    "       mscsim plot CSV [--out FILE.png|FILE.svg] [--target P] [--analysis NAME]\n"
    "       mscsim check CONFIG [--set section.key=value]...\n"
    "       mscsim simulate CONFIG --n N [--seed S] [--set section.key=value]... --out FILE\n"
    "       mscsim keys\n"
    "       mscsim --help | --version\n";

static const char help_text[] =
    "mscsim simulates randomized stroke trials of MSC therapy plus rehabilitation against\n"
    "rehabilitation alone, to estimate power, bias and coverage of the planned analysis.\n"
    "\n"
    "Commands:\n"
    "  run CONFIG     simulate every sample size (and [sweep] grid point) of the design;\n"
    "                 write one CSV row per (scenario, n, analysis) to results/<name>.csv\n"
    "                 (or --out), and the fully resolved config beside it as\n"
    "                 <file>.config.ini\n"
    "  samplesize CONFIG\n"
    "                 the smallest total n (whole allocation blocks) whose power reaches\n"
    "                 --target (0.8): a nested-trial search, then an independent\n"
    "                 confirmation at n and one block below; answer and trace CSVs\n"
    "  plot CSV       draw a results, sample-size trace or replicates CSV with gnuplot\n"
    "                 (PNG or SVG by --out's extension; default CSV path with .png)\n"
    "  check CONFIG   validate the config and print the resolved design, defaults included\n"
    "  simulate CONFIG --n N --out FILE\n"
    "                 simulate one trial of N patients and write it patient by patient,\n"
    "                 one row per patient and visit (for teaching and checking a model)\n"
    "  keys           print the reference of every config key (Markdown)\n"
    "\n"
    "Options:\n"
    "  --set section.key=value   override a config key (repeatable; applied in order)\n"
    "  --reps N                  same as --set simulation.reps=N\n"
    "  --seed S                  same as --set simulation.seed=S\n"
    "  --threads T               same as --set simulation.threads=T (0 = all cores)\n"
    "  --out FILE                results CSV path (default results/<name>.csv)\n"
    "  --replicates FILE         run: also one row per simulated trial and analysis\n"
    "  --target P                samplesize, plot: target power (default 0.8)\n"
    "  --analysis NAME           samplesize, plot: the analysis to use (default the first)\n"
    "  --trace FILE              samplesize: the search trace CSV\n"
    "  --confirm-reps N          samplesize: trials per confirmation (default: automatic)\n"
    "  --n N                     simulate: total patients randomized\n"
    "  --quiet                   no progress bar and no timing line on stderr\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 success; 2 bad input (usage, config, values); 1 failure while running.\n";

typedef struct {
    const char *command;
    const char *config_path;
    const char *out_path;
    const char *n_text;
    const char *replicates_path;
    const char *trace_path;
    const char *analysis_name;
    double target;
    int target_set;
    long confirm_reps;
    const char *overrides[MAX_OVERRIDES];
    char override_buf[MAX_OVERRIDES][96];
    int override_count;
    int quiet;
} cli_args;

static void print_error(const mscsim_error *err)
{
    char buf[1024];
    fprintf(stderr, "mscsim: %s\n", mscsim_error_format(err, buf, sizeof buf));
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "mscsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_BAD_INPUT;
}

static int add_override(cli_args *args, const char *prefix, const char *value)
{
    if (args->override_count == MAX_OVERRIDES)
        return usage_error("too many overrides (at most %s)", "256");
    char *slot = args->override_buf[args->override_count];
    if (prefix) {
        snprintf(slot, sizeof args->override_buf[0], "%s%s", prefix, value);
        args->overrides[args->override_count++] = slot;
    } else {
        args->overrides[args->override_count++] = value;
    }
    return 0;
}

/* Returns 0, or an exit status for bad usage. */
static int parse_args(int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof *args);
    args->target = 0.8;
    if (argc < 2)
        return usage_error("%s", "missing command");
    args->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1, status = 0;
        if (strcmp(a, "--quiet") == 0) {
            args->quiet = 1;
            takes_value = 0;
        } else if (a[0] != '-' || a[1] == '\0') {
            if (args->config_path)
                return usage_error("unexpected argument '%s'", a);
            args->config_path = a;
            takes_value = 0;
        } else if (!value) {
            return usage_error("option %s needs a value", a);
        } else if (strcmp(a, "--set") == 0) {
            status = add_override(args, NULL, value);
        } else if (strcmp(a, "--reps") == 0) {
            status = add_override(args, "simulation.reps=", value);
        } else if (strcmp(a, "--seed") == 0) {
            status = add_override(args, "simulation.seed=", value);
        } else if (strcmp(a, "--threads") == 0) {
            status = add_override(args, "simulation.threads=", value);
        } else if (strcmp(a, "--out") == 0) {
            args->out_path = value;
        } else if (strcmp(a, "--replicates") == 0) {
            args->replicates_path = value;
        } else if (strcmp(a, "--trace") == 0) {
            args->trace_path = value;
        } else if (strcmp(a, "--analysis") == 0) {
            args->analysis_name = value;
        } else if (strcmp(a, "--target") == 0) {
            char *end;
            args->target = strtod(value, &end);
            if (*end || !(args->target > 0 && args->target < 1))
                return usage_error("--target must be a power in (0, 1), not '%s'", value);
            args->target_set = 1;
        } else if (strcmp(a, "--confirm-reps") == 0) {
            char *end;
            args->confirm_reps = strtol(value, &end, 10);
            if (*end || args->confirm_reps < 1)
                return usage_error("--confirm-reps must be a whole number >= 1, not '%s'", value);
        } else if (strcmp(a, "--n") == 0) {
            args->n_text = value;
            status = add_override(args, "trial.n=", value);
        } else {
            return usage_error("unknown option '%s'", a);
        }
        if (status)
            return status;
        i += takes_value;
    }
    if (!args->config_path)
        return usage_error("%s", "missing CONFIG");
    return 0;
}

/* Loads, overrides and validates; prints the error and returns EXIT_BAD_INPUT on failure. */
static int load_design(const cli_args *args, mscsim_config *cfg)
{
    mscsim_error err;
    int status = mscsim_config_load(args->config_path, cfg, &err);
    for (int i = 0; !status && i < args->override_count; i++)
        status = mscsim_config_set(cfg, args->overrides[i], &err);
    if (!status)
        status = mscsim_config_validate(cfg, &err);
    if (status) {
        print_error(&err);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static int cmd_check(const cli_args *args)
{
    mscsim_config cfg;
    int status = load_design(args, &cfg);
    if (status)
        return status;
    /* Building the engine also prepares the model and the population: empirical files,
     * eligibility that can be met, and the true effect. */
    mscsim_error err;
    mscsim_engine *eng;
    if (mscsim_engine_new(&cfg, 0, &eng, &err)) {
        print_error(&err);
        return err.code == MSCSIM_ENOMEM ? EXIT_RUN_FAILED : EXIT_BAD_INPUT;
    }
    int analyses = mscsim_engine_analysis_count(eng);
    mscsim_cell_summary s[MSCSIM_MAX_ANALYSES];
    for (int k = 0; k < analyses; k++)
        mscsim_engine_summary(eng, 0, k, &s[k]);
    mscsim_engine_free(eng);
    if (mscsim_config_write(&cfg, stdout, &err)) {
        print_error(&err);
        return EXIT_RUN_FAILED;
    }
    printf("\n# Arm sizes (control, msc) of each n:");
    for (int i = 0; i < cfg.n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(&cfg, cfg.n[i], sizes);
        printf("%s %ld = %ld + %ld", i ? "," : "", cfg.n[i], sizes[0], sizes[1]);
    }
    for (int k = 0; k < analyses; k++) {
        printf("\n# True effect for %s (positive = msc better): %.6g", s[k].analysis,
               s[k].true_effect);
        if (s[k].true_effect_mcse > 0)
            printf(", estimated by simulation (Monte Carlo SE %.2g)", s[k].true_effect_mcse);
        else
            printf(" (exact)");
        mscsim_analytic_design design;
        char why[256];
        if (mscsim_analytic_design_from_config(&cfg, k, &design, why, sizeof why)) {
            printf("\n# Analytic power for %s:", s[k].analysis);
            for (int i = 0; i < cfg.n_count; i++) {
                long sizes[MSCSIM_ARM_COUNT];
                mscsim_config_arm_sizes(&cfg, cfg.n[i], sizes);
                printf("%s n = %ld: %.4f", i ? "," : "", cfg.n[i],
                       mscsim_analytic_design_power(&design, sizes[0], sizes[1]));
            }
        } else {
            printf("\n# Analytic power for %s: none (%s)", s[k].analysis, why);
        }
    }
    if (cfg.sweep_count)
        printf("\n# Sweep: %zu grid points, each crossed with the n list", mscsim_sweep_points(&cfg));
    printf("\n# Config is valid.\n");
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A progress bar over a known number of trials, drawn on stderr when it is a terminal. */
typedef struct {
    int show;
    double start, last_draw, total;
} progress;

static void progress_start(progress *p, int quiet, double total_trials)
{
    p->show = !quiet && isatty(STDERR_FILENO);
    p->start = p->last_draw = now_seconds();
    p->total = total_trials;
}

static void progress_update(progress *p, double trials_done)
{
    double t = now_seconds();
    if (!p->show || t - p->last_draw < PROGRESS_INTERVAL)
        return;
    p->last_draw = t;
    enum { WIDTH = 30 };
    double fraction = p->total > 0 ? fmin(trials_done / p->total, 1.0) : 1.0, elapsed = t - p->start;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < (int)(fraction * WIDTH) ? '#' : '.';
    bar[WIDTH] = '\0';
    double rate = elapsed > 0 ? trials_done / elapsed : 0;
    double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    fprintf(stderr, "\r[%s] %5.1f%%  %.3g trials/s  %.0f s left ", bar, 100 * fraction, rate, left);
    fflush(stderr);
}

/* Clears the bar; returns the seconds since progress_start. */
static double progress_end(const progress *p)
{
    if (p->show)
        fprintf(stderr, "\r%*s\r", 70, "");
    return now_seconds() - p->start;
}

/* A file beside a CSV: its path without ".csv", plus suffix (".config.ini", ".png"). */
static void path_beside(const char *csv_path, const char *suffix, char *buf, size_t len)
{
    size_t n = strlen(csv_path);
    if (n >= 4 && strcmp(csv_path + n - 4, ".csv") == 0)
        n -= 4;
    snprintf(buf, len, "%.*s%s", (int)n, csv_path, suffix);
}

/* A CSV row assembled cell by cell. */
#define ROW_MAX 64
#define CELL_LEN 72
typedef struct {
    char cell[ROW_MAX][CELL_LEN];
    size_t count;
} csv_row;

static void row_text(csv_row *r, const char *text)
{
    snprintf(r->cell[r->count++], CELL_LEN, "%s", text);
}

static void row_long(csv_row *r, long v)
{
    snprintf(r->cell[r->count++], CELL_LEN, "%ld", v);
}

static void row_double(csv_row *r, double v)
{
    mscsim_format_double(r->cell[r->count++], CELL_LEN, v);
}

static int row_write(mscsim_csv_writer *w, const csv_row *r, mscsim_error *err)
{
    const char *fields[ROW_MAX];
    for (size_t i = 0; i < r->count; i++)
        fields[i] = r->cell[i];
    return mscsim_csv_writer_row(w, fields, r->count, err);
}

/* The columns every output starts with: the scenario and one per swept key. */
static void row_scenario_header(csv_row *r, const mscsim_config *base)
{
    row_text(r, "scenario");
    for (int i = 0; i < base->sweep_count; i++)
        row_text(r, base->sweep[i].name);
}

static void row_scenario(csv_row *r, const mscsim_config *base, size_t point)
{
    row_long(r, (long)point + 1);
    for (int i = 0; i < base->sweep_count; i++)
        row_text(r, mscsim_sweep_value(base, i, point));
}

/* The design's clinical labels, for plots: model, scale, endpoint, missing-data rule. */
static const char *const design_keys[][2] = {
    {"model", "type"}, {"outcome", "scale"}, {"analysis", "endpoint"}, {"analysis", "missing"}};
static const char *const design_columns[] = {"model", "scale", "endpoint", "missing"};
#define DESIGN_COLUMN_COUNT (sizeof design_columns / sizeof design_columns[0])

static void row_design(csv_row *r, const mscsim_config *point)
{
    for (size_t i = 0; i < DESIGN_COLUMN_COUNT; i++) {
        char value[CELL_LEN];
        mscsim_config_format(point, design_keys[i][0], design_keys[i][1], value, sizeof value);
        row_text(r, value);
    }
}

/* A header row: the scenario columns, then columns, then the design's label columns. */
static void row_header(csv_row *r, const mscsim_config *base, const char *const *columns,
                       size_t count)
{
    row_scenario_header(r, base);
    for (size_t i = 0; i < count; i++)
        row_text(r, columns[i]);
    for (size_t i = 0; i < DESIGN_COLUMN_COUNT; i++)
        row_text(r, design_columns[i]);
}

static const char *const summary_columns[] = {
    "analysis",     "n_total",   "n_control",    "n_msc",        "reps",
    "rejections",   "power",     "power_lo",     "power_hi",     "true_effect",
    "mean_estimate", "bias",     "empirical_se", "mean_se",      "rmse",     "coverage",
    "mean_n_analysed", "failures", "true_effect_mcse", "mean_deaths", "floor_share",
    "ceiling_share", "recovery_slope", "missing_control", "missing_msc", "rejection_kind",
    "analytic_power",
};
#define SUMMARY_COLUMN_COUNT (sizeof summary_columns / sizeof summary_columns[0])

static void summary_row(csv_row *r, const mscsim_config *base, size_t point,
                        const mscsim_config *design, int analysis, const mscsim_cell_summary *s)
{
    row_scenario(r, base, point);
    row_text(r, s->analysis);
    const long counts[] = {s->n_total, s->n_control, s->n_msc, s->reps, s->rejections};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        row_long(r, counts[i]);
    const double reals[] = {s->power,         s->power_lo, s->power_hi,     s->true_effect,
                            s->mean_estimate, s->bias,     s->empirical_se, s->mean_se,
                            s->rmse,          s->coverage, s->mean_n_analysed};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        row_double(r, reals[i]);
    row_long(r, s->failures);
    const double extra[] = {s->true_effect_mcse, s->mean_deaths,     s->floor_share,
                            s->ceiling_share,    s->recovery_slope,  s->missing_control,
                            s->missing_msc};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        row_double(r, extra[i]);
    /* With no true effect every rejection is a false one: the rate is the type I error. */
    row_text(r, s->true_effect == 0 ? "type_i_error" : "power");
    row_double(r, mscsim_analytic_power(design, analysis, s->n_total));
    row_design(r, design);
}

static const char *const replicate_columns[] = {
    "analysis", "n_total", "n_control", "n_msc", "replicate", "estimate", "se", "p_value",
    "reject", "failed", "n_analysed_control", "n_analysed_msc", "true_effect"};
#define REPLICATE_COLUMN_COUNT (sizeof replicate_columns / sizeof replicate_columns[0])

/* One row per trial and analysis of the engine's last step. */
static int write_replicates(mscsim_csv_writer *w, const mscsim_config *base, size_t point,
                            const mscsim_config *design, const mscsim_engine *eng,
                            mscsim_error *err)
{
    const mscsim_replicate *records;
    size_t count, cell;
    mscsim_engine_last_chunk(eng, &records, &count, &cell);
    int analyses = mscsim_engine_analysis_count(eng);
    int status = MSCSIM_OK;
    for (int k = 0; !status && k < analyses; k++) {
        /* The cells every row of this analysis shares, formatted once: the leading ones
         * (scenario to n_msc), then the trailing ones (true effect and design labels). */
        mscsim_cell_summary s;
        mscsim_engine_summary(eng, cell, k, &s);
        csv_row fixed = {.count = 0};
        row_scenario(&fixed, base, point);
        row_text(&fixed, s.analysis);
        row_long(&fixed, s.n_total);
        row_long(&fixed, s.n_control);
        row_long(&fixed, s.n_msc);
        size_t lead = fixed.count;
        row_double(&fixed, s.true_effect);
        row_design(&fixed, design);
        for (size_t i = 0; !status && i < count; i++) {
            const mscsim_replicate *rec = &records[i];
            const mscsim_analysis_result *res = &rec->result[k];
            csv_row r = {.count = 0};
            row_long(&r, rec->replicate + 1);
            row_double(&r, res->failed ? (double)NAN : res->estimate);
            row_double(&r, res->failed ? (double)NAN : res->se);
            row_double(&r, res->failed ? (double)NAN : res->p_value);
            row_long(&r, res->reject != 0);
            row_long(&r, res->failed != 0);
            row_long(&r, (long)rec->diag.n_analysed[0]);
            row_long(&r, (long)rec->diag.n_analysed[1]);
            const char *fields[ROW_MAX];
            size_t n = 0;
            for (size_t j = 0; j < lead; j++)
                fields[n++] = fixed.cell[j];
            for (size_t j = 0; j < r.count; j++)
                fields[n++] = r.cell[j];
            for (size_t j = lead; j < fixed.count; j++)
                fields[n++] = fixed.cell[j];
            status = mscsim_csv_writer_row(w, fields, n, err);
        }
    }
    return status;
}

/* The outputs of a run, written all-or-nothing. */
typedef struct {
    char csv_path[1024], ini_path[1100];
    char side_path[1100];
    mscsim_csv_writer *csv, *ini, *side; /* side: replicates or sample-size trace, optional */
} run_outputs;

static void outputs_abort(run_outputs *o)
{
    mscsim_csv_writer_abort(o->csv);
    mscsim_csv_writer_abort(o->ini);
    mscsim_csv_writer_abort(o->side);
    o->csv = o->ini = o->side = NULL;
}

/* Opens the results CSV (out_path or results/<name><suffix>.csv), the resolved config beside
 * it and the side file (side_path, else the results path with side_suffix; none when both
 * are NULL), before any simulation: an unwritable path fails first. */
static int outputs_open(run_outputs *o, const char *out_path, const char *suffix,
                        const char *side_path, const char *side_suffix, const mscsim_config *cfg,
                        mscsim_error *err)
{
    memset(o, 0, sizeof *o);
    if (out_path)
        snprintf(o->csv_path, sizeof o->csv_path, "%s", out_path);
    else
        snprintf(o->csv_path, sizeof o->csv_path, "results/%s%s.csv", cfg->name, suffix);
    path_beside(o->csv_path, ".config.ini", o->ini_path, sizeof o->ini_path);
    if (side_path)
        snprintf(o->side_path, sizeof o->side_path, "%s", side_path);
    else if (side_suffix)
        path_beside(o->csv_path, side_suffix, o->side_path, sizeof o->side_path);
    int status = mscsim_csv_writer_open(o->csv_path, &o->csv, err);
    if (!status)
        status = mscsim_csv_writer_open(o->ini_path, &o->ini, err);
    if (!status && o->side_path[0])
        status = mscsim_csv_writer_open(o->side_path, &o->side, err);
    if (status)
        outputs_abort(o);
    return status;
}

/* Writes the resolved config and commits every file; on failure none is left behind. */
static int outputs_commit(run_outputs *o, const mscsim_config *cfg, mscsim_error *err)
{
    int status = mscsim_config_write(cfg, mscsim_csv_writer_stream(o->ini), err);
    if (status) {
        outputs_abort(o);
        return status;
    }
    status = mscsim_csv_writer_commit(o->csv, err);
    o->csv = NULL;
    if (!status) {
        status = mscsim_csv_writer_commit(o->ini, err);
        o->ini = NULL;
        if (status)
            remove(o->csv_path);
    }
    if (!status && o->side) {
        status = mscsim_csv_writer_commit(o->side, err);
        o->side = NULL;
        if (status) {
            remove(o->csv_path);
            remove(o->ini_path);
        }
    }
    outputs_abort(o);
    return status;
}

static int cmd_run(const cli_args *args)
{
    mscsim_config cfg;
    int status = load_design(args, &cfg);
    if (status)
        return status;
    mscsim_error err;
    run_outputs out;
    if (outputs_open(&out, args->out_path, "", args->replicates_path, NULL, &cfg, &err)) {
        print_error(&err);
        return EXIT_RUN_FAILED;
    }
    csv_row header = {.count = 0};
    row_header(&header, &cfg, summary_columns, SUMMARY_COLUMN_COUNT);
    status = row_write(out.csv, &header, &err);
    if (!status && out.side) {
        header.count = 0;
        row_header(&header, &cfg, replicate_columns, REPLICATE_COLUMN_COUNT);
        status = row_write(out.side, &header, &err);
    }

    size_t points = mscsim_sweep_points(&cfg);
    progress bar;
    progress_start(&bar, args->quiet, (double)points * cfg.n_count * (double)cfg.reps);
    long trials = 0;
    int threads = 0, exit_code = EXIT_RUN_FAILED;
    if (points > 1)
        printf("%-8s ", "scenario");
    printf("%-8s %-11s %7s %7s %8s  %-17s %10s %9s %8s\n", "n", "analysis", "control", "msc",
           "power", "95% CI", "bias", "coverage", "failures");
    for (size_t g = 0; !status && g < points; g++) {
        mscsim_config point;
        mscsim_engine *eng = NULL;
        status = mscsim_sweep_point(&cfg, g, &point, &err);
        if (!status)
            status = mscsim_engine_new(&point, out.side != NULL, &eng, &err);
        if (status) {
            exit_code = err.code == MSCSIM_ENOMEM ? EXIT_RUN_FAILED : EXIT_BAD_INPUT;
            break;
        }
        while (!status && !mscsim_engine_done(eng)) {
            status = mscsim_engine_step(eng, &err);
            if (!status && out.side)
                status = write_replicates(out.side, &cfg, g, &point, eng, &err);
            progress_update(&bar, (double)(trials + mscsim_engine_trials_done(eng)));
        }
        size_t cells = mscsim_engine_cell_count(eng);
        int analyses = mscsim_engine_analysis_count(eng);
        for (size_t c = 0; !status && c < cells; c++) {
            for (int k = 0; !status && k < analyses; k++) {
                mscsim_cell_summary s;
                mscsim_engine_summary(eng, c, k, &s);
                csv_row r = {.count = 0};
                summary_row(&r, &cfg, g, &point, k, &s);
                status = row_write(out.csv, &r, &err);
                if (points > 1)
                    printf("%-8zu ", g + 1);
                printf("%-8ld %-11s %7ld %7ld %8.4f  [%.4f, %.4f] %10.4g %9.4f %8ld\n",
                       s.n_total, s.analysis, s.n_control, s.n_msc, s.power, s.power_lo,
                       s.power_hi, s.bias, s.coverage, s.failures);
            }
        }
        trials += mscsim_engine_trials_done(eng);
        threads = mscsim_engine_threads(eng);
        mscsim_engine_free(eng);
    }
    double elapsed = progress_end(&bar);
    if (!status)
        status = outputs_commit(&out, &cfg, &err);
    if (status) {
        outputs_abort(&out);
        print_error(&err);
        return exit_code;
    }
    printf("wrote %s and %s", out.csv_path, out.ini_path);
    if (out.side_path[0])
        printf(" and %s", out.side_path);
    printf("\n");
    if (!args->quiet)
        fprintf(stderr, "mscsim: %ld trials in %.3f s (%.3g trials/s on %d threads)\n", trials,
                elapsed, elapsed > 0 ? (double)trials / elapsed : 0.0, threads);
    return 0;
}

/* ---- samplesize ----------------------------------------------------------------------- */

static const char *const answer_columns[] = {
    "analysis", "n_total", "n_control", "n_msc", "power", "power_lo", "power_hi", "target",
    "reps", "n_total_below", "power_below", "power_below_lo", "power_below_hi",
    "gain_per_block", "start_n", "analytic_n", "trials"};
#define ANSWER_COLUMN_COUNT (sizeof answer_columns / sizeof answer_columns[0])

static const char *const trace_columns[] = {"analysis", "stage",   "n_total", "n_control",
                                            "n_msc",    "reps",    "rejections", "power",
                                            "power_lo", "power_hi", "target"};
#define TRACE_COLUMN_COUNT (sizeof trace_columns / sizeof trace_columns[0])

typedef struct {
    progress bar;
    long candidate_start; /* Trials done before the candidate on the bar. */
} ss_progress;

/* The bar of the candidate being simulated: its share done, the rate, its time left. */
static void ss_on_progress(void *user, long trials, long in_candidate, const mscsim_ss_eval *running)
{
    ss_progress *p = user;
    if (trials - in_candidate != p->candidate_start) {
        p->candidate_start = trials - in_candidate;
        p->bar.start = now_seconds() - 1e-9;
        p->bar.total = (double)running->reps;
    }
    progress_update(&p->bar, (double)in_candidate);
}

static int cmd_samplesize(const cli_args *args)
{
    mscsim_config cfg;
    int status = load_design(args, &cfg);
    if (status)
        return status;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(&cfg, names), analysis = 0;
    if (args->analysis_name) {
        for (analysis = 0; analysis < analyses; analysis++)
            if (strcmp(names[analysis], args->analysis_name) == 0)
                break;
        if (analysis == analyses)
            return usage_error("--analysis '%s' is not one of the config's analyses",
                               args->analysis_name);
    }
    mscsim_error err;
    run_outputs out;
    if (outputs_open(&out, args->out_path, "_samplesize", args->trace_path, "_trace.csv", &cfg,
                     &err)) {
        print_error(&err);
        return EXIT_RUN_FAILED;
    }
    csv_row header = {.count = 0};
    row_header(&header, &cfg, answer_columns, ANSWER_COLUMN_COUNT);
    status = row_write(out.csv, &header, &err);
    header.count = 0;
    row_scenario_header(&header, &cfg);
    for (size_t i = 0; !status && i < TRACE_COLUMN_COUNT; i++)
        row_text(&header, trace_columns[i]);
    if (!status)
        status = row_write(out.side, &header, &err);

    ss_progress prog = {.candidate_start = -1};
    progress_start(&prog.bar, args->quiet, 1);
    double start = now_seconds();
    size_t points = mscsim_sweep_points(&cfg);
    long trials = 0;
    for (size_t g = 0; !status && g < points; g++) {
        mscsim_config point;
        status = mscsim_sweep_point(&cfg, g, &point, &err);
        /* Start from the formula's answer where the design has one. */
        long analytic_n = 0;
        mscsim_error no_formula;
        if (!status && mscsim_analytic_sample_size(&point, analysis, args->target,
                                                   MSCSIM_SS_MAX_N, &analytic_n, &no_formula))
            analytic_n = 0;
        mscsim_ss_options opt = {.target = args->target, .analysis = analysis,
                                 .start_n = analytic_n, .confirm_reps = args->confirm_reps,
                                 .on_progress = ss_on_progress, .user = &prog};
        mscsim_ss_result res;
        if (!status)
            status = mscsim_samplesize(&point, &opt, &res, &err);
        if (status)
            break;
        trials += res.trials;
        long start_n = analytic_n ? analytic_n : point.n[0];
        int has_below = res.below.reps > 0;
        csv_row r = {.count = 0};
        row_scenario(&r, &cfg, g);
        row_text(&r, names[analysis]);
        const long counts[] = {res.n_total, res.n_control, res.n_msc};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            row_long(&r, counts[i]);
        const double reals[] = {res.at.power, res.at.power_lo, res.at.power_hi, args->target};
        for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
            row_double(&r, reals[i]);
        row_long(&r, res.confirm_reps);
        /* NA without a size below (the answer is the smallest possible) or a formula. */
        const double below[] = {(double)res.below.n_total, res.below.power, res.below.power_lo,
                                res.below.power_hi};
        for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
            row_double(&r, has_below ? below[i] : (double)NAN);
        row_double(&r, res.gain_per_block);
        row_long(&r, start_n);
        row_double(&r, analytic_n ? (double)analytic_n : (double)NAN);
        row_long(&r, res.trials);
        row_design(&r, &point);
        status = row_write(out.csv, &r, &err);
        for (int e = 0; !status && e < res.trace_count; e++) {
            const mscsim_ss_eval *ev = &res.trace[e];
            csv_row t = {.count = 0};
            row_scenario(&t, &cfg, g);
            row_text(&t, names[analysis]);
            row_text(&t, ev->stage == MSCSIM_SS_SEARCH ? "search" : "confirm");
            const long evc[] = {ev->n_total, ev->n_control, ev->n_msc, ev->reps, ev->rejections};
            for (size_t i = 0; i < sizeof evc / sizeof evc[0]; i++)
                row_long(&t, evc[i]);
            row_double(&t, ev->power);
            row_double(&t, ev->power_lo);
            row_double(&t, ev->power_hi);
            row_double(&t, args->target);
            status = row_write(out.side, &t, &err);
        }
        progress_end(&prog.bar);
        if (points > 1)
            printf("scenario %zu: ", g + 1);
        printf("n = %ld (%ld control + %ld msc): power %.4f [%.4f, %.4f] for %s, target %g\n",
               res.n_total, res.n_control, res.n_msc, res.at.power, res.at.power_lo,
               res.at.power_hi, names[analysis], args->target);
        if (has_below)
            printf("  n = %ld: power %.4f [%.4f, %.4f]\n", res.below.n_total, res.below.power,
                   res.below.power_lo, res.below.power_hi);
        if (analytic_n)
            printf("  the formula's answer: n = %ld (analytic power %.4f there)\n", analytic_n,
                   mscsim_analytic_power(&point, analysis, analytic_n));
        int searched = 0;
        for (int e = 0; e < res.trace_count; e++)
            searched += res.trace[e].stage == MSCSIM_SS_SEARCH;
        printf("  %ld trials: %d search candidates of %ld nested trials from n = %ld, then %ld "
               "independent trials per confirmation\n  (one block of %ld patients gained %.4f "
               "power in the search: 4 Monte Carlo SEs at %ld trials)\n",
               res.trials, searched, res.trace_count ? res.trace[0].reps : 0, start_n,
               res.confirm_reps, res.block, res.gain_per_block,
               mscsim_ss_confirm_reps(args->target, res.gain_per_block, 1));
        if (res.at.power < args->target)
            printf("  warning: the confirmation did not reach the target within its steps\n");
    }
    progress_end(&prog.bar);
    if (!status)
        status = outputs_commit(&out, &cfg, &err);
    if (status) {
        outputs_abort(&out);
        print_error(&err);
        return err.code == MSCSIM_ERANGE ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
    }
    printf("wrote %s, %s and %s\n", out.csv_path, out.side_path, out.ini_path);
    if (!args->quiet)
        fprintf(stderr, "mscsim: %ld trials in %.3f s\n", trials, now_seconds() - start);
    return 0;
}

/* ---- plot ----------------------------------------------------------------------------- */

static int cmd_plot(const cli_args *args)
{
    char out_path[1100];
    if (args->out_path)
        snprintf(out_path, sizeof out_path, "%s", args->out_path);
    else
        path_beside(args->config_path, ".png", out_path, sizeof out_path);
    mscsim_plot_options opt = {.target = args->target_set ? args->target : 0,
                               .analysis = args->analysis_name};
    mscsim_error err;
    if (mscsim_plot(args->config_path, out_path, &opt, &err)) {
        print_error(&err);
        /* An unreadable CSV is bad input; an unwritable figure or no gnuplot is not. */
        int input = strcmp(err.file, args->config_path) == 0;
        return err.code == MSCSIM_ENOMEM || (err.code == MSCSIM_EIO && !input) ? EXIT_RUN_FAILED
                                                                               : EXIT_BAD_INPUT;
    }
    printf("wrote %s\n", out_path);
    return 0;
}

/* Formats v, or NA when the array is absent. */
static const char *cell_or_na(char *buf, size_t len, const double *array, size_t i)
{
    return array ? mscsim_format_double(buf, len, array[i]) : "NA";
}

static int write_patients(mscsim_csv_writer *csv, const mscsim_workspace *w, int ordinal,
                          mscsim_error *err)
{
    static const char *const header[] = {"patient", "arm", "nihss", "age", "onset_days",
                                         "baseline", "visit_day", "true_score", "observed_score",
                                         "observed", "died", "death_day"};
    enum { COLS = sizeof header / sizeof header[0] };
    int status = mscsim_csv_writer_row(csv, header, COLS, err);
    long patient = 0;
    for (int a = 0; !status && a < MSCSIM_ARM_COUNT; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        for (size_t i = 0; !status && i < v.n; i++) {
            patient++;
            for (int k = 0; !status && k < v.visit_count; k++) {
                size_t c = i * (size_t)v.visit_count + (size_t)k;
                char cells[COLS][40];
                const char *f[COLS];
                snprintf(cells[0], 40, "%ld", patient);
                f[0] = cells[0];
                f[1] = a == MSCSIM_ARM_MSC ? "msc" : "control";
                f[2] = cell_or_na(cells[2], 40, v.nihss, i);
                f[3] = cell_or_na(cells[3], 40, v.age, i);
                f[4] = cell_or_na(cells[4], 40, v.onset, i);
                f[5] = cell_or_na(cells[5], 40, v.baseline, i);
                f[6] = mscsim_format_double(cells[6], 40, v.visit_days[k]);
                f[7] = mscsim_format_double(cells[7], 40, v.true_score[c]);
                f[8] = v.observed[c] ? mscsim_format_double(cells[8], 40, v.score[c]) : "NA";
                f[9] = v.observed[c] ? "1" : "0";
                f[10] = v.died[i] ? "1" : "0";
                f[11] = v.died[i] && !ordinal ? mscsim_format_double(cells[11], 40, v.death_day[i])
                                              : "NA";
                status = mscsim_csv_writer_row(csv, f, COLS, err);
            }
        }
    }
    return status;
}

static int cmd_simulate(const cli_args *args)
{
    if (!args->n_text || !args->out_path) {
        fprintf(stderr, "mscsim: simulate needs --n N and --out FILE\n%s", usage_text);
        return EXIT_BAD_INPUT;
    }
    mscsim_config cfg;
    int status = load_design(args, &cfg);
    if (status)
        return status;
    if (cfg.n_count != 1) {
        fprintf(stderr, "mscsim: simulate takes one --n value\n");
        return EXIT_BAD_INPUT;
    }
    mscsim_error err;
    mscsim_design *design = NULL;
    mscsim_workspace *w = NULL;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(&cfg, cfg.n[0], sizes);
    size_t n[MSCSIM_ARM_COUNT] = {(size_t)sizes[0], (size_t)sizes[1]};
    size_t capacity = n[0] > n[1] ? n[0] : n[1];
    if (mscsim_design_new(&cfg, &design, &err) ||
        mscsim_workspace_new(design, capacity, &w, &err)) {
        print_error(&err);
        mscsim_design_free(design);
        return err.code == MSCSIM_ENOMEM ? EXIT_RUN_FAILED : EXIT_BAD_INPUT;
    }
    /* Replicate 0 of the run with the same seed and n: the first trial `run` simulates. */
    mscsim_rng rng = mscsim_rng_for_trial(cfg.seed, 1, (uint64_t)cfg.n[0], 0);
    mscsim_trial_data data;
    mscsim_trial_diag diag;
    mscsim_trial_simulate(design, &rng, n, w, &data, &diag);
    mscsim_csv_writer *csv;
    status = mscsim_csv_writer_open(args->out_path, &csv, &err);
    if (!status) {
        const mscsim_model_type *model = mscsim_model_find(cfg.model);
        status = write_patients(csv, w, model->outcome == MSCSIM_OUTCOME_ORDINAL, &err);
        if (status)
            mscsim_csv_writer_abort(csv);
        else
            status = mscsim_csv_writer_commit(csv, &err);
    }
    mscsim_workspace_free(w);
    mscsim_design_free(design);
    if (status) {
        print_error(&err);
        return EXIT_RUN_FAILED;
    }
    printf("wrote %s: %zu + %zu patients, %zu analysed, %zu deaths\n", args->out_path, n[0], n[1],
           diag.n_analysed[0] + diag.n_analysed[1], diag.deaths);
    return 0;
}

static int cmd_keys(void)
{
    mscsim_error err;
    if (mscsim_config_write_key_reference(stdout, &err)) {
        print_error(&err);
        return EXIT_RUN_FAILED;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s\n%s", usage_text, help_text);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("mscsim %s\n", MSCSIM_VERSION_STRING);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "keys") == 0)
        return cmd_keys();
    cli_args args;
    int status = parse_args(argc, argv, &args);
    if (status)
        return status;
    if (strcmp(args.command, "run") == 0)
        return cmd_run(&args);
    if (strcmp(args.command, "samplesize") == 0)
        return cmd_samplesize(&args);
    if (strcmp(args.command, "plot") == 0)
        return cmd_plot(&args);
    if (strcmp(args.command, "check") == 0)
        return cmd_check(&args);
    if (strcmp(args.command, "simulate") == 0)
        return cmd_simulate(&args);
    return usage_error("unknown command '%s'", args.command);
}
