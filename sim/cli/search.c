/* What samplesize and mde share: the analysis and target they search for, their answer
 * and trace files, the progress bar of the candidate being simulated, and the end of the
 * run (the search recorded in the resolved config, the commit, the timing line). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_format_power(char *buf, size_t len, double power, double target)
{
    for (int digits = 4; digits <= 12; digits++) {
        snprintf(buf, len, "%.*f", digits, power);
        double shown;
        if (mscsim_read_double(buf, &shown) || (shown < target) == (power < target))
            break;
    }
    return buf;
}

int cli_find_analysis(const cli_args *args, const mscsim_config *cfg, int command, int *analysis)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names);
    const char *wanted = args->analysis_name ? args->analysis_name : cfg->search_analysis;
    *analysis = 0;
    if (!wanted[0])
        return 0;
    while (*analysis < analyses && strcmp(names[*analysis], wanted) != 0)
        ++*analysis;
    if (*analysis < analyses)
        return 0;
    return cli_command_error(command, "%s '%s' is not one of the config's analyses",
                             args->analysis_name ? "--analysis" : "[search] analysis", wanted);
}

double cli_search_target(const cli_args *args, const mscsim_config *cfg)
{
    return args->target_set ? args->target : cfg->search_target;
}

int cli_record_search(mscsim_config *cfg, const cli_args *args, const char *key,
                      const char *analysis, mscsim_error *err)
{
    char target[32], line[CLI_OVERRIDE_LEN];
    snprintf(line, sizeof line, "search.target=%s",
             mscsim_format_double(target, sizeof target, cli_search_target(args, cfg)));
    int status = mscsim_config_set(cfg, line, err);
    snprintf(line, sizeof line, "search.analysis=%s", analysis);
    if (!status)
        status = mscsim_config_set(cfg, line, err);
    long confirm = args->confirm_reps ? args->confirm_reps : cfg->search_confirm_reps;
    snprintf(line, sizeof line, "search.confirm_reps=%ld", confirm);
    if (!status && confirm)
        status = mscsim_config_set(cfg, line, err);
    snprintf(line, sizeof line, "search.key=%.60s", key ? key : "");
    if (!status && key)
        status = mscsim_config_set(cfg, line, err);
    return status;
}

int cli_search_begin(cli_search *s, const cli_args *args, const mscsim_config *cfg, int command,
                     const char *suffix, mscsim_file_kind answer, mscsim_file_kind trace)
{
    memset(s, 0, sizeof *s);
    int status = cli_find_analysis(args, cfg, command, &s->analysis);
    if (status)
        return status;
    mscsim_config_analyses(cfg, s->names);
    s->target = cli_search_target(args, cfg);
    status = cli_outputs_open(&s->out, args->out_path, suffix, args->trace_path, "--trace",
                              "_trace.csv", cfg);
    if (status)
        return status;
    mscsim_error err;
    status = cli_write_header(s->out.csv, answer, cfg, &err);
    if (!status)
        status = cli_write_header(s->out.side, trace, cfg, &err);
    if (status) {
        cli_outputs_abort(&s->out);
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    s->candidate_start = -1;
    cli_progress_start(&s->bar, args->quiet, 1);
    s->start = cli_now();
    return 0;
}

void cli_search_progress(cli_search *s, long trials, long in_candidate, long reps)
{
    /* The search cannot be stopped from here, so a signal ends the process between its
     * engine steps, after removing the temporaries. */
    cli_stop_if_interrupted(&s->out);
    if (trials - in_candidate != s->candidate_start) {
        s->candidate_start = trials - in_candidate;
        s->bar.start = cli_now() - 1e-9;
        s->bar.total = (double)reps;
    }
    cli_progress_update(&s->bar, (double)in_candidate);
}

int cli_search_end(cli_search *s, const cli_args *args, mscsim_config *resolved, const char *key,
                   int status, mscsim_error *err)
{
    cli_progress_end(&s->bar);
    cli_stop_if_interrupted(&s->out);
    if (!status)
        status = cli_record_search(resolved, args, key, s->names[s->analysis], err);
    if (!status)
        status = cli_outputs_commit(&s->out, resolved, err);
    if (status) {
        cli_outputs_abort(&s->out);
        cli_print_error(err);
        return err->code == MSCSIM_ERANGE || err->code == MSCSIM_EINVAL ? CLI_EXIT_BAD_INPUT
                                                                         : CLI_EXIT_RUN_FAILED;
    }
    printf("wrote %s, %s and %s\n", s->out.csv_path, s->out.side_path, s->out.ini_path);
    if (!args->quiet)
        fprintf(stderr, "mscsim: %ld trials in %.3f s\n", s->trials, cli_now() - s->start);
    return 0;
}
