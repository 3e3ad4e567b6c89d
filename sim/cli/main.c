/*
 * The mscsim command: the only code that talks to the user. It dispatches to one file per
 * command (sim/cli/cmd_*.c), which turn library errors into messages (exit 2 for bad input,
 * 1 for failures while running), show progress on stderr when it is a terminal, and write
 * results all-or-nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/version.h"

/* The commands that take a CONFIG (plot: a CSV) and options. */
static const struct {
    const char *name;
    int (*run)(const cli_args *args);
} commands[] = {{"run", cli_cmd_run},       {"samplesize", cli_cmd_samplesize},
                {"plot", cli_cmd_plot},     {"check", cli_cmd_check},
                {"simulate", cli_cmd_simulate}};

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s\n%s", cli_usage_text, cli_help_text);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("mscsim %s\n", MSCSIM_VERSION_STRING);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "keys") == 0)
        return cli_cmd_keys();
    if (argc == 2 && strcmp(argv[1], "columns") == 0)
        return cli_cmd_columns();
    cli_args args;
    int status = cli_parse_args(argc, argv, &args);
    if (status)
        return status;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(args.command, commands[i].name) == 0)
            return commands[i].run(&args);
    return cli_usage_error("unknown command '%s'", args.command);
}
