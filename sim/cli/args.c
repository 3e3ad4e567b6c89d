/* The command line: usage, options, and the design they name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_usage_text[] =
    "usage: mscsim run CONFIG [--set section.key=value]... [--reps N] [--seed S]\n"
    "                         [--threads T] [--out FILE] [--replicates FILE] [--quiet]\n"
    "       mscsim samplesize CONFIG [--target P] [--analysis NAME] [--out FILE]\n"
    "                         [--trace FILE] [--confirm-reps N] [run options]\n"
    "       mscsim plot CSV [--out FILE.png|FILE.svg] [--target P] [--analysis NAME]\n"
    "                       [--n N] [--scenario S]\n"
    "       mscsim check CONFIG [--set section.key=value]...\n"
    "       mscsim simulate CONFIG --n N [--seed S] [--set section.key=value]... --out FILE\n"
    "       mscsim keys | columns\n"
    "       mscsim --help | --version\n";

const char cli_help_text[] =
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
    "  columns        print the reference of every output file's columns (Markdown)\n"
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
    "  --n N                     simulate: total patients randomized; plot: draw the rows\n"
    "                            of this n_total\n"
    "  --scenario S              plot: draw the rows of this scenario (a sweep's grid point)\n"
    "  --quiet                   no progress bar and no timing line on stderr\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 success; 2 bad input (usage, config, values); 1 failure while running.\n";

void cli_print_error(const mscsim_error *err)
{
    char buf[1024];
    fprintf(stderr, "mscsim: %s\n", mscsim_error_format(err, buf, sizeof buf));
}

int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "mscsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", cli_usage_text);
    return CLI_EXIT_BAD_INPUT;
}

/* Adds prefix + value (prefix NULL: value as given) to the overrides; option names the
 * command-line option in errors. */
static int add_override(cli_args *args, const char *option, const char *prefix,
                        const char *value)
{
    if (args->override_count == CLI_MAX_OVERRIDES)
        return cli_usage_error("too many overrides (at most %s)", "256");
    char *slot = args->override_buf[args->override_count];
    if (prefix) {
        int len = snprintf(slot, CLI_OVERRIDE_LEN, "%s%s", prefix, value);
        if (len < 0 || len >= CLI_OVERRIDE_LEN)
            return cli_usage_error("option %s: the value is too long", option);
        args->overrides[args->override_count++] = slot;
    } else {
        args->overrides[args->override_count++] = value;
    }
    return 0;
}

/* Parses the value of --target or --confirm-reps into args; returns 0 or the exit status. */
static int parse_number_option(cli_args *args, const char *option, const char *value)
{
    if (strcmp(option, "--target") == 0) {
        if (mscsim_read_double(value, &args->target) != MSCSIM_OK ||
            !(args->target > 0 && args->target < 1))
            return cli_usage_error("--target must be a power in (0, 1), not '%s'", value);
        args->target_set = 1;
        return 0;
    }
    char *end;
    args->confirm_reps = strtol(value, &end, 10);
    if (*end || args->confirm_reps < 1)
        return cli_usage_error("--confirm-reps must be a whole number >= 1, not '%s'", value);
    return 0;
}

/* The option a (with its value) into args: 0, or the exit status for bad usage. */
static int parse_option(cli_args *args, const char *a, const char *value)
{
    static const struct {
        const char *option, *prefix;
    } overrides[] = {{"--set", NULL},
                     {"--reps", "simulation.reps="},
                     {"--seed", "simulation.seed="},
                     {"--threads", "simulation.threads="},
                     {"--n", "trial.n="}};
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
        if (strcmp(a, overrides[i].option) == 0) {
            if (strcmp(a, "--n") == 0)
                args->n_text = value;
            return add_override(args, a, overrides[i].prefix, value);
        }
    }
    const struct {
        const char *option;
        const char **slot;
    } paths[] = {{"--out", &args->out_path},
                 {"--replicates", &args->replicates_path},
                 {"--trace", &args->trace_path},
                 {"--analysis", &args->analysis_name},
                 {"--scenario", &args->scenario_name}};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (strcmp(a, paths[i].option) == 0) {
            *paths[i].slot = value;
            return 0;
        }
    }
    if (strcmp(a, "--target") == 0 || strcmp(a, "--confirm-reps") == 0)
        return parse_number_option(args, a, value);
    return cli_usage_error("unknown option '%s'", a);
}

int cli_parse_args(int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof *args);
    args->target = 0.8;
    if (argc < 2)
        return cli_usage_error("%s", "missing command");
    args->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quiet") == 0) {
            args->quiet = 1;
        } else if (a[0] != '-' || a[1] == '\0') {
            if (args->config_path)
                return cli_usage_error("unexpected argument '%s'", a);
            args->config_path = a;
        } else if (!value) {
            return cli_usage_error("option %s needs a value", a);
        } else {
            int status = parse_option(args, a, value);
            if (status)
                return status;
            i++;
        }
    }
    if (!args->config_path)
        return cli_usage_error("%s", "missing CONFIG");
    return 0;
}

int cli_load_design(const cli_args *args, mscsim_config *cfg)
{
    mscsim_error err;
    int status = mscsim_config_load(args->config_path, cfg, &err);
    for (int i = 0; !status && i < args->override_count; i++)
        status = mscsim_config_set(cfg, args->overrides[i], &err);
    if (!status)
        status = mscsim_config_validate(cfg, &err);
    if (status) {
        cli_print_error(&err);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}
