/* The files of a run, written all-or-nothing: every file goes to "<path>.tmp" first and is
 * renamed only when the whole run succeeded; a path that does not fit is refused before
 * anything is opened. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_path_beside(const char *csv_path, const char *suffix, char *buf, size_t len)
{
    size_t n = strlen(csv_path);
    if (n >= 4 && strcmp(csv_path + n - 4, ".csv") == 0)
        n -= 4;
    size_t m = strlen(suffix);
    if (n + m >= len)
        return -1;
    memcpy(buf, csv_path, n);
    memcpy(buf + n, suffix, m + 1);
    return 0;
}

int cli_path_too_long(const char *option, size_t max)
{
    fprintf(stderr, "mscsim: %s: the path is too long (at most %zu characters)\n", option, max);
    return CLI_EXIT_BAD_INPUT;
}

void cli_outputs_abort(cli_outputs *o)
{
    mscsim_csv_writer_abort(o->csv);
    mscsim_csv_writer_abort(o->ini);
    mscsim_csv_writer_abort(o->side);
    o->csv = o->ini = o->side = NULL;
}

/* Copies text to buf of size len; -1 when it does not fit. */
static int copy_path(char *buf, size_t len, const char *text)
{
    if (strlen(text) >= len)
        return -1;
    memcpy(buf, text, strlen(text) + 1);
    return 0;
}

/* The three paths; 0, or the exit status after naming the option whose path is too long
 * (the resolved config's path derives from the results path, so its option is --out). */
static int outputs_paths(cli_outputs *o, const char *out_path, const char *suffix,
                         const char *side_path, const char *side_option,
                         const char *side_suffix, const mscsim_config *cfg)
{
    int fits;
    if (out_path) {
        fits = copy_path(o->csv_path, sizeof o->csv_path, out_path) == 0;
    } else {
        int len = snprintf(o->csv_path, sizeof o->csv_path, "results/%s%s.csv", cfg->name, suffix);
        fits = len >= 0 && (size_t)len < sizeof o->csv_path;
    }
    if (!fits || cli_path_beside(o->csv_path, ".config.ini", o->ini_path, sizeof o->ini_path))
        return cli_path_too_long("--out", sizeof o->csv_path - 1);
    if (side_path && copy_path(o->side_path, sizeof o->side_path, side_path))
        return cli_path_too_long(side_option, sizeof o->side_path - 1);
    if (!side_path && side_suffix &&
        cli_path_beside(o->csv_path, side_suffix, o->side_path, sizeof o->side_path))
        return cli_path_too_long("--out", sizeof o->csv_path - 1);
    return 0;
}

int cli_outputs_open(cli_outputs *o, const char *out_path, const char *suffix,
                     const char *side_path, const char *side_option, const char *side_suffix,
                     const mscsim_config *cfg)
{
    memset(o, 0, sizeof *o);
    int status = outputs_paths(o, out_path, suffix, side_path, side_option, side_suffix, cfg);
    if (status)
        return status;
    mscsim_error err;
    status = mscsim_csv_writer_open(o->csv_path, &o->csv, &err);
    if (!status)
        status = mscsim_csv_writer_open(o->ini_path, &o->ini, &err);
    if (!status && o->side_path[0])
        status = mscsim_csv_writer_open(o->side_path, &o->side, &err);
    if (status) {
        cli_outputs_abort(o);
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    return 0;
}

int cli_outputs_commit(cli_outputs *o, const mscsim_config *cfg, mscsim_error *err)
{
    int status = mscsim_config_write(cfg, mscsim_csv_writer_stream(o->ini), err);
    if (status) {
        cli_outputs_abort(o);
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
    cli_outputs_abort(o);
    return status;
}
