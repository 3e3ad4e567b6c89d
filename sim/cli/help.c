/* The commands and options the front end documents: one table each, used both to parse
 * the command line (which options a command takes) and to print every --help, so the two
 * cannot disagree. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define BIT(c) (1u << (c))
#define CONFIG_RUNS (BIT(CLI_RUN) | BIT(CLI_SAMPLESIZE) | BIT(CLI_MDE))
#define SEARCHES (BIT(CLI_SAMPLESIZE) | BIT(CLI_MDE))

const cli_command cli_commands[CLI_COMMAND_COUNT] = {
    [CLI_RUN] = {"run", "CONFIG [options]",
                 "Simulates every sample size (and [sweep] grid point) of the design; writes one\n"
                 "CSV row per (scenario, n, analysis) to results/<name>.csv (or --out) and the\n"
                 "fully resolved config beside it as <file>.config.ini; prints a summary table."},
    [CLI_SAMPLESIZE] = {"samplesize", "CONFIG [options]",
                        "The smallest total n (whole allocation blocks) whose power reaches\n"
                        "--target: a nested-trial search, then an independent confirmation at n\n"
                        "and one block below; writes the answer, the trace and the resolved config."},
    [CLI_MDE] = {"mde", "CONFIG --key section.key [options]",
                 "The value of --key nearest the null (the control's value, else no effect)\n"
                 "whose power reaches --target at the config's one n: a search on common\n"
                 "random numbers, then an independent confirmation at the answer and one\n"
                 "step nearer the null; writes the answer, the trace and the resolved config."},
    [CLI_PLOT] = {"plot", "CSV [options]",
                  "Draws a results, sample-size trace, replicates, looks or simulate CSV with\n"
                  "gnuplot, as PNG or SVG by --out's extension (default: the CSV's path with .png)."},
    [CLI_CHECK] = {"check", "CONFIG [options]",
                   "Validates the config, builds the design and prints it resolved, defaults\n"
                   "included, with the arm sizes, the true effect and the analytic power."},
    [CLI_SIMULATE] = {"simulate", "CONFIG --n N --out FILE|- [options]",
                      "Simulates one trial of N patients (the first trial `run` simulates with that\n"
                      "seed and n), writes it one row per patient and visit, then prints each\n"
                      "analysis' estimate, SE, p-value and decision."},
    [CLI_MERGE] = {"merge", "--out FILE PART...",
                   "Combines the partial files of `run --shard K/N` (all N shards of one config,\n"
                   "each once) into the results CSV and resolved config a single run writes,\n"
                   "byte for byte."},
    [CLI_REPORT] = {"report", "CONFIG [--out FILE.html] [options] | --from RESULTS.csv [CONFIG]",
                    "Runs the design (with --target, also the sample-size search) and writes one\n"
                    "self-contained HTML page for a protocol: the design and its assumptions,\n"
                    "power against n, sample size, sensitivity, the estimate's distribution, a\n"
                    "draft justification and the resolved config; --from reports a run's files."},
    [CLI_KEYS] = {"keys", "", "Prints the reference of every config key (Markdown)."},
    [CLI_COLUMNS] = {"columns", "",
                     "Prints the reference of every output file's columns (Markdown)."},
    [CLI_HELP] = {"help", "[COMMAND]", "Prints this help, or a command's usage and options."},
};

/* An option name may have several rows when it means different things to different commands. */
static const cli_option options[] = {
    {"--set", "section.key=value", CONFIG_RUNS | BIT(CLI_CHECK) | BIT(CLI_SIMULATE) | BIT(CLI_REPORT),
     "override a config key (repeatable, applied in order)"},
    {"--reps", "N", CONFIG_RUNS | BIT(CLI_REPORT), "same as --set simulation.reps=N (a whole number)"},
    {"--seed", "S", CONFIG_RUNS | BIT(CLI_SIMULATE) | BIT(CLI_REPORT),
     "same as --set simulation.seed=S (a whole number)"},
    {"--threads", "T", CONFIG_RUNS | BIT(CLI_REPORT), "same as --set simulation.threads=T (0 = all cores)"},
    {"--n", "N", BIT(CLI_SIMULATE), "total patients randomized (same as --set trial.n=N)"},
    {"--n", "N", BIT(CLI_PLOT), "draw only the rows of this n_total"},
    {"--scenario", "S", BIT(CLI_PLOT), "draw only the rows of this scenario (a sweep's grid point)"},
    {"--out", "FILE", BIT(CLI_RUN),
     "results CSV (default results/<name>.csv, creating results/); the\n"
     "resolved config goes to FILE without .csv, plus .config.ini"},
    {"--out", "FILE", BIT(CLI_SAMPLESIZE),
     "answer CSV (default results/<name>_samplesize.csv); the resolved config\n"
     "goes beside it, as for run"},
    {"--out", "FILE", BIT(CLI_MDE),
     "answer CSV (default results/<name>_mde.csv); the resolved config,\n"
     "with the key at the answer, goes beside it"},
    {"--out", "FILE", BIT(CLI_PLOT), "the figure, .png or .svg (default: the CSV's path, .png)"},
    {"--out", "FILE", BIT(CLI_REPORT),
     "the HTML page (default results/<name>_report.html; with --from, the\n"
     "results' path with _report.html instead of .csv)"},
    {"--from", "RESULTS.csv", BIT(CLI_REPORT),
     "report a run's results (and its X.config.ini, X_samplesize.csv,\n"
     "X_samplesize_trace.csv and X_looks.csv beside them) instead of running;\n"
     "a CONFIG given too must be the design they were computed from"},
    {"--out", "FILE|-", BIT(CLI_SIMULATE),
     "the patient CSV; - writes it to stdout (the summary then goes to stderr)"},
    {"--out", "FILE", BIT(CLI_MERGE),
     "the results CSV; the resolved config goes to FILE without .csv, plus .config.ini"},
    {"--replicates", "FILE", BIT(CLI_RUN), "also one row per simulated trial and analysis"},
    {"--replicates", "FILE", BIT(CLI_REPORT),
     "with --from: the run's replicates, for the estimate's distribution"},
    {"--looks", "FILE", BIT(CLI_RUN),
     "with [interim]: the looks file (default: the results path with _looks.csv)"},
    {"--shard", "K/N|slurm", BIT(CLI_RUN),
     "run only shard K of N (1 <= K <= N) and write its partial file to --out;\n"
     "slurm: K and N from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX)"},
    {"--key", "section.key", BIT(CLI_MDE),
     "the numeric key to search (msc.mean, msc.p, msc.odds_ratio, ...)"},
    {"--target", "P", SEARCHES | BIT(CLI_PLOT), "target power in (0, 1) (default 0.8)"},
    {"--target", "P", BIT(CLI_REPORT),
     "also search the sample size reaching power P (default line 0.8, no search)"},
    {"--analysis", "NAME", SEARCHES | BIT(CLI_PLOT) | BIT(CLI_REPORT),
     "the analysis to use (default the config's first)"},
    {"--trace", "FILE", SEARCHES,
     "the search trace CSV (default: the answer's path with _trace before .csv)"},
    {"--confirm-reps", "N", SEARCHES | BIT(CLI_REPORT),
     "trials per confirmation (default: automatic)"},
    {"--quiet", NULL, CONFIG_RUNS | BIT(CLI_SIMULATE) | BIT(CLI_MERGE) | BIT(CLI_REPORT),
     "no progress bar and no timing line on stderr"},
};

const cli_option *cli_option_find(const char *name, int command, int *known)
{
    *known = 0;
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strcmp(options[i].name, name) != 0)
            continue;
        *known = 1;
        if (options[i].commands & BIT(command))
            return &options[i];
    }
    return NULL;
}

static const char exit_text[] =
    "Exit status: 0 success; 2 bad input (usage, config, values, an output path that is\n"
    "too long, in a missing folder or not a regular file); 1 failure while running;\n"
    "130 after SIGINT (Ctrl-C) and 143 after SIGTERM, which stop the run between steps\n"
    "and remove its temporary files.\n";

void cli_print_usage(FILE *out)
{
    for (int c = 0; c < CLI_COMMAND_COUNT; c++)
        fprintf(out, "%s mscsim %s%s%s\n", c ? "      " : "usage:", cli_commands[c].name,
                cli_commands[c].args[0] ? " " : "", cli_commands[c].args);
    fprintf(out, "       mscsim --help | --version\n");
}

/* Prints text indented by indent after its first line (the option helps' own lines). */
static void print_indented(const char *text, int indent)
{
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("%*s", indent, "");
    }
    putchar('\n');
}

void cli_print_help(void)
{
    printf("mscsim simulates randomized stroke trials of MSC therapy plus rehabilitation against\n"
           "rehabilitation alone, to estimate power, bias and coverage of the planned analysis.\n\n");
    cli_print_usage(stdout);
    printf("\nCommands:\n");
    for (int c = 0; c < CLI_COMMAND_COUNT; c++) {
        printf("  %s\n    ", cli_commands[c].name);
        print_indented(cli_commands[c].what, 4);
    }
    printf("\n'mscsim help COMMAND' (or 'mscsim COMMAND --help') lists a command's options.\n"
           "Results are written to temporary files beside their paths, renamed only when the\n"
           "whole run succeeded.\n\n%s", exit_text);
}

void cli_print_command_help(int command)
{
    const cli_command *c = &cli_commands[command];
    printf("usage: mscsim %s%s%s\n\n%s\n\nOptions:\n", c->name, c->args[0] ? " " : "", c->args,
           c->what);
    enum { COLUMN = 28 };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (!(options[i].commands & BIT(command)))
            continue;
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", options[i].name, options[i].value ? " " : "",
                 options[i].value ? options[i].value : "");
        printf("  %-*s", COLUMN - 2, left);
        print_indented(options[i].help, COLUMN);
    }
    printf("  %-*s%s\n\n%s", COLUMN - 2, "--help", "this help", exit_text);
}
