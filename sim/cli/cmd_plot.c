/* plot: draw a results, sample-size trace or replicates CSV with gnuplot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mscsim/plot.h"

int cli_cmd_plot(const cli_args *args)
{
    char out_path[CLI_BESIDE_LEN];
    if (args->out_path) {
        if (strlen(args->out_path) >= sizeof out_path)
            return cli_path_too_long("--out", sizeof out_path - 1);
        memcpy(out_path, args->out_path, strlen(args->out_path) + 1);
    } else if (cli_path_beside(args->config_path, ".png", out_path, sizeof out_path)) {
        /* The default figure path derives from the CSV's: --out gives a shorter one. */
        return cli_path_too_long("CSV (give --out)", sizeof out_path - 1);
    }
    mscsim_plot_options opt = {.target = args->target_set ? args->target : 0,
                               .analysis = args->analysis_name,
                               .scenario = args->scenario_name};
    if (args->n_text) {
        char *end;
        opt.n_total = strtol(args->n_text, &end, 10);
        if (*end || end == args->n_text || opt.n_total < 1)
            return cli_usage_error("--n must be a whole number >= 1, not '%s'", args->n_text);
    }
    mscsim_error err;
    if (mscsim_plot(args->config_path, out_path, &opt, &err)) {
        cli_print_error(&err);
        /* An unreadable CSV is bad input; an unwritable figure or no gnuplot is not. */
        int input = strcmp(err.file, args->config_path) == 0;
        return err.code == MSCSIM_ENOMEM || (err.code == MSCSIM_EIO && !input)
                   ? CLI_EXIT_RUN_FAILED
                   : CLI_EXIT_BAD_INPUT;
    }
    printf("wrote %s\n", out_path);
    return 0;
}
