/*
 * The commands of mscsim (and of mscsim-mpi's rank 0): the only code that talks to the
 * user. It dispatches to one file per command (sim/cli/cmd_*.c), which turn library errors into messages (exit 2 for bad input,
 * 1 for failures while running, 130/143 after SIGINT/SIGTERM), show progress on stderr when
 * it is a terminal, and write results all-or-nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/version.h"

/* mscsim help [COMMAND]. */
static int help(int argc, char **argv)
{
    if (argc == 2) {
        cli_print_help();
        return 0;
    }
    int command = strcmp(argv[2], "--help") && strcmp(argv[2], "-h") ? cli_find_command(argv[2])
                                                                      : CLI_HELP;
    if (argc > 3)
        return cli_command_error(CLI_HELP, "unexpected argument '%s'", argv[3]);
    if (command < 0)
        return cli_command_error(CLI_HELP, "unknown command '%s'", argv[2]);
    cli_print_command_help(command);
    return 0;
}

int cli_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_print_help();
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("mscsim %s\n", MSCSIM_VERSION_STRING);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "help") == 0)
        return help(argc, argv);
    cli_args args;
    int status = cli_parse_args(argc, argv, &args);
    if (status)
        return status;
    if (args.help) {
        cli_print_command_help(args.command_id);
        return 0;
    }
    switch (args.command_id) {
    case CLI_RUN:
        cli_signals_install(); /* The commands that write temporaries clean up on a signal. */
        return cli_cmd_run(&args);
    case CLI_SAMPLESIZE:
        cli_signals_install();
        return cli_cmd_samplesize(&args);
    case CLI_MDE:
        cli_signals_install();
        return cli_cmd_mde(&args);
    case CLI_SIMULATE:
        cli_signals_install();
        return cli_cmd_simulate(&args);
    case CLI_MERGE:
        cli_signals_install();
        return cli_cmd_merge(&args);
    case CLI_PLOT:
        return cli_cmd_plot(&args);
    case CLI_REPORT:
        cli_signals_install();
        return cli_cmd_report(&args);
    case CLI_CHECK:
        return cli_cmd_check(&args);
    case CLI_KEYS:
        return cli_cmd_keys();
    default:
        return cli_cmd_columns();
    }
}
