/* open, getpid, mkdir, stat: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * The files of a run, written all-or-nothing. Each file is written under a name of its own
 * beside its target, "<path>.<pid>-<k>.tmp", created exclusively (O_EXCL | O_NOFOLLOW: a
 * planted file or symlink is never followed, and two runs to one --out never share a
 * temporary); the library's writer commits it to "<path>.<pid>-<k>". Only when every file
 * has been written so far are they renamed to their paths, side files first and the
 * results CSV last, so a failure never leaves a partial file nor costs the previous result.
 * Targets are checked before anything runs: a path too long, a folder missing, or a
 * target that is not a regular file (a folder, device or fifo) is refused, naming its option.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The default results folder, created when missing (an explicit path's folder is not). */
#define DEFAULT_FOLDER "results"

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

/* The target path of file i (CLI_OUT_SIDE, CLI_OUT_INI, CLI_OUT_CSV); empty when unused. */
static char *path_of(cli_outputs *o, int i)
{
    return i == CLI_OUT_CSV     ? o->csv_path
           : i == CLI_OUT_INI   ? o->ini_path
           : i == CLI_OUT_LOOKS ? o->looks_path
                                : o->side_path;
}

static mscsim_csv_writer **writer_of(cli_outputs *o, int i)
{
    return i == CLI_OUT_CSV     ? &o->csv
           : i == CLI_OUT_INI   ? &o->ini
           : i == CLI_OUT_LOOKS ? &o->looks
                                : &o->side;
}

void cli_outputs_abort(cli_outputs *o)
{
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        mscsim_csv_writer **w = writer_of(o, i);
        mscsim_csv_writer_abort(*w); /* Deletes its "<stage>.tmp". */
        *w = NULL;
        if (o->staged[i])
            remove(o->stage[i]);
        o->staged[i] = 0;
    }
}

/* Fills err as the library does for a file that cannot be written; returns its code. */
static int io_error(mscsim_error *err, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    err->code = MSCSIM_EIO;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return MSCSIM_EIO;
}

/* Copies text to buf of size len; -1 when it does not fit. */
static int copy_path(char *buf, size_t len, const char *text)
{
    if (strlen(text) >= len)
        return -1;
    memcpy(buf, text, strlen(text) + 1);
    return 0;
}

/* The folder of path into dir (of CLI_BESIDE_LEN): "." when path names none. */
static void folder_of(const char *path, char *dir)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
    memcpy(dir, n ? path : ".", n ? n : 1);
    dir[n ? n : 1] = '\0';
}

/* Refuses a target that exists but is not a regular file, or whose folder is missing
 * (the default results folder is created instead). 0, or the exit status after the message. */
static int check_target(const char *option, const char *path, int default_folder)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "mscsim: %s: '%s' is not a regular file (a folder, device or fifo is "
                        "never replaced)\n", option, path);
        return CLI_EXIT_BAD_INPUT;
    }
    char dir[CLI_BESIDE_LEN];
    folder_of(path, dir);
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (default_folder && (mkdir(dir, 0777) == 0 || errno == EEXIST))
        return 0;
    if (default_folder) {
        fprintf(stderr, "mscsim: cannot create folder '%s': %s\n", dir, strerror(errno));
        return CLI_EXIT_RUN_FAILED;
    }
    fprintf(stderr, "mscsim: %s: folder '%s' does not exist\n", option, dir);
    return CLI_EXIT_BAD_INPUT;
}

/* Creates file i's unique temporary and opens its writer on it: the stage is "<base>.<pid>-<k>"
 * (base: the target, or a file in $TMPDIR for stdout) and the writer writes "<stage>.tmp",
 * which is created here first, exclusively. Returns 0, or the exit status after the message. */
static int stage_open(cli_outputs *o, int i, const char *option)
{
    static unsigned counter; /* Per process; with the pid, unique among running commands. */
    const char *path = path_of(o, i), *tmpdir = getenv("TMPDIR");
    char base[CLI_BESIDE_LEN];
    int len = strcmp(path, "-") ? snprintf(base, sizeof base, "%s", path)
                                : snprintf(base, sizeof base, "%s/mscsim-stdout",
                                           tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (len < 0 || (size_t)len >= sizeof base)
        return cli_path_too_long(strcmp(path, "-") ? option : "TMPDIR", sizeof base - 1);
    char tmp[CLI_STAGE_LEN + 4];
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(o->stage[i], sizeof o->stage[i], "%s.%ld-%u", base, (long)getpid(), counter++);
        snprintf(tmp, sizeof tmp, "%s.tmp", o->stage[i]);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
        if (fd < 0 && errno == EEXIST)
            continue; /* A leftover of a process that had our pid: take the next name. */
        if (fd < 0)
            break;
        close(fd);
        mscsim_error err;
        if (mscsim_csv_writer_open(o->stage[i], writer_of(o, i), &err) == MSCSIM_OK)
            return 0;
        remove(tmp);
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    fprintf(stderr, "mscsim: %s: cannot create a temporary file %s: %s\n", option, tmp,
            strerror(errno));
    return CLI_EXIT_RUN_FAILED;
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
        int len = snprintf(o->csv_path, sizeof o->csv_path, DEFAULT_FOLDER "/%s%s.csv",
                           cfg->name, suffix);
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
    if (!status && strcmp(o->csv_path, "-") == 0)
        status = cli_usage_error("%s: this command cannot write to stdout", "--out");
    /* Every target is checked (pass 0) before any temporary is created (pass 1). */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; !status && i < CLI_OUT_COUNT; i++) {
            if (!path_of(o, i)[0])
                continue;
            /* Only an explicit side path has its own option; the others derive from --out. */
            int own = i == CLI_OUT_SIDE && side_path;
            const char *option = own ? side_option : "--out";
            status = pass ? stage_open(o, i, option)
                          : check_target(option, path_of(o, i), !out_path && !own);
        }
    }
    if (status)
        cli_outputs_abort(o);
    return status;
}

int cli_outputs_open_looks(cli_outputs *o, const char *looks_path)
{
    const char *option = looks_path ? "--looks" : "--out";
    int status = looks_path ? copy_path(o->looks_path, sizeof o->looks_path, looks_path)
                            : cli_path_beside(o->csv_path, "_looks.csv", o->looks_path,
                                              sizeof o->looks_path);
    if (status)
        status = cli_path_too_long(option, sizeof o->looks_path - 1);
    if (!status && strcmp(o->looks_path, "-") == 0)
        status = cli_usage_error("%s: this command cannot write to stdout", option);
    if (!status)
        status = check_target(option, o->looks_path, 0);
    if (!status)
        status = stage_open(o, CLI_OUT_LOOKS, option);
    if (status)
        cli_outputs_abort(o);
    return status;
}

int cli_outputs_open_one(cli_outputs *o, const char *option, const char *path)
{
    memset(o, 0, sizeof *o);
    if (copy_path(o->csv_path, sizeof o->csv_path, path))
        return cli_path_too_long(option, sizeof o->csv_path - 1);
    int status = strcmp(path, "-") ? check_target(option, path, 0) : 0;
    return status ? status : stage_open(o, CLI_OUT_CSV, option);
}

/* Writes stage to stdout and deletes it. */
static int copy_to_stdout(const char *stage, mscsim_error *err)
{
    FILE *in = fopen(stage, "rb");
    if (!in)
        return io_error(err, "cannot read %s: %s", stage, strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0 && fwrite(buf, 1, n, stdout) == n)
        continue;
    int failed = ferror(in) || fflush(stdout) != 0 || ferror(stdout);
    fclose(in);
    remove(stage);
    return failed ? io_error(err, "cannot write to stdout: %s", strerror(errno)) : MSCSIM_OK;
}

/* Moves file i's finished temporary to its path (or stdout). */
static int publish(cli_outputs *o, int i, mscsim_error *err)
{
    o->staged[i] = 0;
    if (strcmp(path_of(o, i), "-") == 0)
        return copy_to_stdout(o->stage[i], err);
    if (rename(o->stage[i], path_of(o, i)) == 0)
        return MSCSIM_OK;
    int status = io_error(err, "cannot rename %s to %s: %s", o->stage[i], path_of(o, i),
                          strerror(errno));
    remove(o->stage[i]);
    return status;
}

int cli_outputs_commit(cli_outputs *o, const mscsim_config *cfg, mscsim_error *err)
{
    int status = o->ini ? mscsim_config_write(cfg, mscsim_csv_writer_stream(o->ini), err)
                        : MSCSIM_OK;
    /* Every file is finished under its temporary name before any target is replaced. */
    for (int i = 0; !status && i < CLI_OUT_COUNT; i++) {
        mscsim_csv_writer **w = writer_of(o, i);
        if (!*w)
            continue;
        status = mscsim_csv_writer_commit(*w, err);
        *w = NULL;
        o->staged[i] = status == MSCSIM_OK;
    }
    /* In index order: side file, resolved config, results CSV last. */
    for (int i = 0; !status && i < CLI_OUT_COUNT; i++)
        if (o->staged[i])
            status = publish(o, i, err);
    cli_outputs_abort(o);
    return status;
}
