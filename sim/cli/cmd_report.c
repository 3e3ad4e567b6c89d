/* mkdtemp, dup, dup2, open: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* report: one self-contained HTML page from a run of the design (run, and samplesize with
 * --target, into a scratch folder) or from the files of a run already made (--from). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mscsim/report.h"

/* What a signal's exit must clean up (the commands run in between exit from inside):
 * the page's temporary and the scratch folder. */
static cli_outputs *pending_out;
static char scratch[CLI_PATH_LEN];

/* Removes every file of the scratch folder, then the folder. */
static void remove_scratch(void)
{
    if (!scratch[0])
        return;
    DIR *d = opendir(scratch);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[CLI_PATH_LEN + 300];
        snprintf(path, sizeof path, "%s/%s", scratch, e->d_name);
        remove(path);
    }
    if (d)
        closedir(d);
    rmdir(scratch);
    scratch[0] = '\0';
}

static void cleanup(void)
{
    if (pending_out)
        cli_outputs_abort(pending_out);
    pending_out = NULL;
    remove_scratch();
}

/* The command line as typed, words joined by blanks (quoted when they hold one). */
static void command_line(const cli_args *args, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < args->argc && used < len; i++) {
        const char *w = i == 0 ? "mscsim" : args->argv[i];
        int quote = strpbrk(w, " \t\"'") != NULL;
        int n = snprintf(buf + used, len - used, "%s%s%s%s", i ? " " : "", quote ? "'" : "", w,
                         quote ? "'" : "");
        used += n > 0 ? (size_t)n : 0;
    }
}

/* Runs cmd with args, its stdout (its summary, and the scratch paths it wrote) silenced:
 * the report prints its own. Returns cmd's exit status. */
static int quietly(int (*cmd)(const cli_args *), const cli_args *args)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDOUT_FILENO);
    if (null >= 0)
        close(null);
    int status = cmd(args);
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
    return status;
}

/* The exit status of a library error: unreadable or mismatched input is bad input (2), an
 * output or gnuplot that fails, or memory, a failure while running (1). */
static int exit_for(const mscsim_error *err, const mscsim_report_input *in)
{
    if (err->code == MSCSIM_ENOMEM)
        return CLI_EXIT_RUN_FAILED;
    if (err->code != MSCSIM_EIO)
        return CLI_EXIT_BAD_INPUT;
    const char *inputs[] = {in->results_path, in->config_path, in->replicates_path,
                            in->samplesize_path, in->looks_path};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (inputs[i] && strcmp(err->file, inputs[i]) == 0)
            return CLI_EXIT_BAD_INPUT;
    return CLI_EXIT_RUN_FAILED;
}

/* path if it names a readable file, else NULL. */
static const char *if_present(const char *path)
{
    return access(path, R_OK) == 0 ? path : NULL;
}

/* Paths of the scratch run's files. */
typedef struct {
    char results[CLI_PATH_LEN + 64], replicates[CLI_PATH_LEN + 64], answer[CLI_PATH_LEN + 64],
        trace[CLI_PATH_LEN + 64], ini[CLI_BESIDE_LEN + 64], looks[CLI_BESIDE_LEN + 64];
} run_files;

/* The n list of cfg with n added (in order) unless it is there or the list is full, as a
 * --set assignment. */
static void n_list_with(const mscsim_config *cfg, long n, char *buf, size_t len)
{
    long list[MSCSIM_MAX_N_VALUES + 1];
    int count = 0, added = 0;
    for (int i = 0; i < cfg->n_count; i++) {
        if (!added && n <= cfg->n[i] && cfg->n_count < MSCSIM_MAX_N_VALUES) {
            added = 1;
            if (n != cfg->n[i])
                list[count++] = n;
        }
        list[count++] = cfg->n[i];
    }
    if (!added && cfg->n_count < MSCSIM_MAX_N_VALUES)
        list[count++] = n;
    size_t used = (size_t)snprintf(buf, len, "trial.n=");
    for (int i = 0; i < count && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%ld", i ? ", " : "", list[i]);
}

/* Runs the design into the scratch folder: the sample-size search first with --target
 * (its answer then joins the n list, so the page can show it), then run with replicates. */
static int run_design(const cli_args *args, const mscsim_config *cfg, run_files *f,
                      char *n_override, size_t n_len, long *answer_n)
{
    snprintf(f->results, sizeof f->results, "%s/results.csv", scratch);
    snprintf(f->replicates, sizeof f->replicates, "%s/results_replicates.csv", scratch);
    snprintf(f->ini, sizeof f->ini, "%s/results.config.ini", scratch);
    snprintf(f->looks, sizeof f->looks, "%s/results_looks.csv", scratch);
    snprintf(f->answer, sizeof f->answer, "%s/results_samplesize.csv", scratch);
    snprintf(f->trace, sizeof f->trace, "%s/results_samplesize_trace.csv", scratch);
    cli_args inner = *args; /* Its overrides point into args, which outlives it. */
    int status;
    if (args->target_set) {
        inner.command_id = CLI_SAMPLESIZE;
        inner.out_path = f->answer;
        inner.trace_path = f->trace;
        status = quietly(cli_cmd_samplesize, &inner);
        if (status)
            return status;
        mscsim_error err;
        if (mscsim_report_answer_n(f->answer, args->analysis_name, answer_n, &err)) {
            cli_print_error(&err);
            return CLI_EXIT_RUN_FAILED;
        }
        n_list_with(cfg, *answer_n, n_override, n_len);
        if (inner.override_count == CLI_MAX_OVERRIDES)
            return cli_usage_error("too many overrides (at most %s)", "255 with --target");
        inner.overrides[inner.override_count++] = n_override;
    }
    inner.command_id = CLI_RUN;
    inner.out_path = f->results;
    inner.replicates_path = f->replicates;
    inner.trace_path = NULL;
    return quietly(cli_cmd_run, &inner);
}

/* The default page path: beside --from's results, else results/<name>_report.html (the
 * results folder created as run creates it). 0, or the exit status after the message. */
static int default_out(const cli_args *args, const mscsim_config *cfg, char *buf, size_t len)
{
    if (args->from_path) {
        if (cli_path_beside(args->from_path, "_report.html", buf, len))
            return cli_path_too_long("--from (give --out)", len - 1);
        return 0;
    }
    if (mkdir("results", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mscsim: cannot create folder 'results': %s\n", strerror(errno));
        return CLI_EXIT_RUN_FAILED;
    }
    snprintf(buf, len, "results/%s_report.html", cfg->name);
    return 0;
}

static int report(const cli_args *args, cli_outputs *out)
{
    mscsim_config cfg;
    int have_config = args->config_path != NULL;
    if (have_config) {
        int status = cli_load_design(args, &cfg);
        if (status)
            return status;
    }
    if (args->from_path && args->target_set)
        return cli_command_error(CLI_REPORT, "--target runs a search: with --from, give the "
                                             "search's answer as X_samplesize.csv instead");
    if (!args->from_path && args->replicates_path)
        return cli_command_error(CLI_REPORT, "--replicates goes with --from (a report's own "
                                             "run writes its replicates itself)");
    char resolved[CLI_BESIDE_LEN];
    if (args->from_path && cli_path_beside(args->from_path, ".config.ini", resolved,
                                           sizeof resolved))
        return cli_path_too_long("--from", sizeof resolved - 1);
    mscsim_error err;
    if (args->from_path && access(args->from_path, R_OK) != 0) {
        fprintf(stderr, "mscsim: --from: cannot read '%s': %s\n", args->from_path,
                strerror(errno));
        return CLI_EXIT_BAD_INPUT;
    }
    if (args->from_path && access(resolved, R_OK) != 0) {
        fprintf(stderr, "mscsim: --from: cannot read '%s', the resolved config of %s: %s\n",
                resolved, args->from_path, strerror(errno));
        return CLI_EXIT_BAD_INPUT;
    }
    if (args->from_path && have_config && mscsim_report_check_config(&cfg, resolved, &err)) {
        cli_print_error(&err);
        return err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
    }
    if (args->from_path && !have_config && mscsim_config_load(resolved, &cfg, &err)) {
        cli_print_error(&err);
        return CLI_EXIT_BAD_INPUT;
    }
    char page[CLI_BESIDE_LEN];
    if (args->out_path) {
        if (strlen(args->out_path) >= sizeof page)
            return cli_path_too_long("--out", sizeof page - 1);
        snprintf(page, sizeof page, "%s", args->out_path);
    } else {
        int status = default_out(args, &cfg, page, sizeof page);
        if (status)
            return status;
    }
    /* The page's target is checked (and its temporary made) before anything runs. */
    int status = cli_outputs_open_one(out, "--out", page);
    if (status)
        return status;
    pending_out = out;

    mscsim_report_input in = {.analysis = args->analysis_name,
                              .target = args->target_set ? args->target : 0,
                              .source_path = args->config_path};
    char command[4096], origin[CLI_PATH_LEN + 64];
    command_line(args, command, sizeof command);
    in.command = command;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/mscsim-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch)) {
        fprintf(stderr, "mscsim: cannot create a scratch folder in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        scratch[0] = '\0';
        return CLI_EXIT_RUN_FAILED;
    }
    in.scratch_dir = scratch;
    run_files f;
    char n_override[MSCSIM_MAX_N_VALUES * 24 + 16], beside[4][CLI_BESIDE_LEN];
    long answer_n = 0;
    if (args->from_path) {
        in.results_path = args->from_path;
        in.config_path = resolved;
        in.replicates_path = args->replicates_path;
        const char *suffix[] = {"_samplesize.csv", "_samplesize_trace.csv", "_looks.csv"};
        const char **slot[] = {&in.samplesize_path, &in.trace_path, &in.looks_path};
        for (int i = 0; i < 3; i++)
            if (!cli_path_beside(args->from_path, suffix[i], beside[i], sizeof beside[i]))
                *slot[i] = if_present(beside[i]);
    } else {
        status = run_design(args, &cfg, &f, n_override, sizeof n_override, &answer_n);
        if (status)
            return status;
        in.results_path = f.results;
        in.config_path = f.ini;
        in.replicates_path = f.replicates;
        in.samplesize_path = args->target_set ? f.answer : NULL;
        in.trace_path = args->target_set ? f.trace : NULL;
        in.looks_path = if_present(f.looks);
        snprintf(origin, sizeof origin, "a run of %s made for this report", args->config_path);
        in.origin = origin;
    }
    status = mscsim_report_write(&in, mscsim_csv_writer_stream(out->csv), &err);
    if (!status)
        status = cli_outputs_commit(out, NULL, &err);
    if (status) {
        cli_print_error(&err);
        return exit_for(&err, &in);
    }
    pending_out = NULL;
    if (answer_n)
        printf("sample size for target %g: n = %ld\n", args->target, answer_n);
    printf("wrote %s\n", page);
    return 0;
}

int cli_cmd_report(const cli_args *args)
{
    cli_outputs out;
    memset(&out, 0, sizeof out);
    atexit(cleanup); /* A signal's exit from inside the run cleans up too. */
    int status = report(args, &out);
    cleanup();
    return status;
}
