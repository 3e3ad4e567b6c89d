/* The command line: usage, options, and the design they name. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mscsim/population.h"

void cli_print_error(const mscsim_error *err)
{
    char buf[1024];
    fprintf(stderr, "mscsim: %s\n", mscsim_error_format(err, buf, sizeof buf));
}

int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "mscsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    cli_print_usage(stderr);
    return CLI_EXIT_BAD_INPUT;
}

int cli_command_error(int command, const char *fmt, ...)
{
    const cli_command *c = &cli_commands[command];
    fprintf(stderr, "mscsim %s: ", c->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: mscsim %s%s%s ('mscsim help %s' lists its options)\n", c->name,
            c->args[0] ? " " : "", c->args, c->name);
    return CLI_EXIT_BAD_INPUT;
}

int cli_find_command(const char *name)
{
    for (int c = 0; c < CLI_COMMAND_COUNT; c++)
        if (strcmp(cli_commands[c].name, name) == 0)
            return c;
    return -1;
}

/* 1 when text is a whole decimal number: digits only (no sign, exponent, point or 0x). */
static int is_whole(const char *text)
{
    if (!*text)
        return 0;
    for (; *text; text++)
        if (*text < '0' || *text > '9')
            return 0;
    return 1;
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
            return cli_command_error(args->command_id,
                                     "--target must be a power in (0, 1), not '%s'", value);
        args->target_set = 1;
        return 0;
    }
    errno = 0;
    args->confirm_reps = is_whole(value) ? strtol(value, NULL, 10) : 0;
    if (args->confirm_reps < 1 || errno)
        return cli_command_error(args->command_id,
                                 "--confirm-reps must be a whole number >= 1, not '%s'", value);
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
            /* Digits only, checked here so the message names the option typed (the config
             * parser would name --set, and its strtol takes a sign or leading spaces). */
            if (overrides[i].prefix && !is_whole(value))
                return cli_command_error(args->command_id,
                                         "%s must be a whole decimal number, not '%s'", a, value);
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
                 {"--looks", &args->looks_path},
                 {"--trace", &args->trace_path},
                 {"--analysis", &args->analysis_name},
                 {"--key", &args->key_name},
                 {"--shard", &args->shard_text},
                 {"--scenario", &args->scenario_name},
                 {"--from", &args->from_path}};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (strcmp(a, paths[i].option) == 0) {
            *paths[i].slot = value;
            return 0;
        }
    }
    if (strcmp(a, "--target") == 0 || strcmp(a, "--confirm-reps") == 0)
        return parse_number_option(args, a, value);
    return cli_command_error(args->command_id, "unknown option '%s'", a);
}

/* 1 when a is --help or -h. */
static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Option a of the command line, whose next word is next (NULL at the end): its value into
 * args; *used is set when next was its value. 0, or the exit status for bad usage. */
static int parse_word(cli_args *args, const char *a, const char *next, int *used)
{
    int command = args->command_id, known;
    const cli_option *opt = cli_option_find(a, command, &known);
    *used = 0;
    if (!known)
        return cli_command_error(command, "unknown option '%s'", a);
    if (!opt)
        return cli_command_error(command, "option %s does not apply to %s", a,
                                 cli_commands[command].name);
    if (!opt->value) {
        args->quiet = 1; /* The only option without a value. */
        return 0;
    }
    /* An option where the value should be is a forgotten value, not a value. */
    int next_known = 0;
    if (next && strncmp(next, "--", 2) == 0)
        cli_option_find(next, command, &next_known);
    if (!next || next_known || is_help(next))
        return cli_command_error(command, "option %s needs a value", a);
    *used = 1;
    return parse_option(args, a, next);
}

int cli_parse_args(int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof *args);
    args->target = 0.8;
    args->argc = argc;
    args->argv = argv;
    if (argc < 2)
        return cli_usage_error("%s", "missing command");
    args->command = argv[1];
    args->command_id = cli_find_command(argv[1]);
    if (args->command_id < 0 || args->command_id == CLI_HELP)
        return cli_usage_error("unknown command '%s'", argv[1]);
    int command = args->command_id;
    /* --help anywhere asks for the command's help, whatever else the line holds. */
    for (int i = 2; i < argc; i++)
        if (is_help(argv[i])) {
            args->help = 1;
            return 0;
        }
    int takes_file = command != CLI_KEYS && command != CLI_COLUMNS && command != CLI_MERGE;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if ((a[0] != '-' || a[1] == '\0') && command == CLI_MERGE) {
            if (args->part_count == CLI_MAX_PARTS)
                return cli_command_error(command, "more than %d partial files", CLI_MAX_PARTS);
            args->parts[args->part_count++] = a;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (args->config_path || !takes_file)
                return cli_command_error(command, "unexpected argument '%s'", a);
            args->config_path = a;
            continue;
        }
        int used;
        int status = parse_word(args, a, i + 1 < argc ? argv[i + 1] : NULL, &used);
        if (status)
            return status;
        i += used;
    }
    if (command == CLI_MERGE && (!args->out_path || args->part_count == 0))
        return cli_command_error(command, "needs --out FILE and at least one PART");
    /* A report from results already computed may name no CONFIG (their resolved one is used). */
    if (takes_file && !args->config_path && !(command == CLI_REPORT && args->from_path))
        return cli_command_error(command, "missing %s", command == CLI_PLOT ? "CSV" : "CONFIG");
    return 0;
}

/* A [trial] name other than the file's own, when the results go to the default
 * results/<name>.csv: a copied preset keeps its name and would overwrite the preset's
 * results, so say where they go. */
static void warn_foreign_name(const cli_args *args, const mscsim_config *cfg)
{
    if ((args->command_id != CLI_RUN && args->command_id != CLI_SAMPLESIZE &&
         args->command_id != CLI_MDE) || args->out_path ||
        !mscsim_config_is_set(cfg, "trial", "name"))
        return;
    const char *base = strrchr(args->config_path, '/');
    base = base ? base + 1 : args->config_path;
    size_t len = strcspn(base, ".");
    if (strlen(cfg->name) == len && strncmp(cfg->name, base, len) == 0)
        return;
    fprintf(stderr,
            "mscsim: warning: %s sets [trial] name = %s, not its file's name '%.*s': results "
            "go to results/%s%s.csv (a copied preset overwrites the preset's results; give "
            "--out or another name)\n",
            args->config_path, cfg->name, (int)len, base, cfg->name,
            args->command_id == CLI_SAMPLESIZE ? "_samplesize"
            : args->command_id == CLI_MDE      ? "_mde"
                                               : "");
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
    warn_foreign_name(args, cfg);
    return 0;
}

int cli_run_design(const cli_args *args, int (*body)(const cli_args *args, mscsim_config *cfg))
{
    mscsim_config cfg;
    int status = cli_load_design(args, &cfg);
    if (status)
        return status;
    mscsim_empirical_set *set;
    mscsim_error err;
    if (mscsim_empirical_set_load(&cfg, &set, &err)) {
        cli_print_error(&err);
        return err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
    }
    cfg.empirical = set;
    status = body(args, &cfg);
    mscsim_empirical_set_free(set);
    return status;
}
