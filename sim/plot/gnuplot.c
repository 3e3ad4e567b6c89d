/* posix_spawn, waitpid, stat, access: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * The gnuplot script and the gnuplot process.
 *
 * The script has its data inline (datablocks) and is written to an anonymous temporary
 * file that becomes gnuplot's standard input. A pipe would let a gnuplot that dies
 * half-way raise SIGPIPE in the caller, and a full pipe for its messages could block both;
 * a file can do neither. Every text that comes from the CSV or the caller goes into the
 * script as a single-quoted gnuplot string, in which gnuplot expands nothing (no backquote
 * commands, no @macros, no backslash escapes), with quotes doubled and control characters
 * made spaces; the terminals are `noenhanced`, so no text is markup either.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "plot_internal.h"

extern char **environ; /* POSIX: the application declares it; passed on to gnuplot. */

/* How much of gnuplot's captured messages goes into an error. */
#define GNUPLOT_MESSAGE_MAX 300
/* Figure size in pixels (SVG: user units): wide enough for a legend below the plot. */
#define PLOT_WIDTH 1200
#define PLOT_HEIGHT 800

void sim_gp_begin(FILE *gp, int svg, const char *tmp_path)
{
    fputs("set encoding utf8\n", gp);
    if (svg)
        fprintf(gp,
                "set terminal svg size %d,%d noenhanced font 'sans-serif,14' "
                "background '#ffffff'\n",
                PLOT_WIDTH, PLOT_HEIGHT);
    else
        fprintf(gp, "set terminal pngcairo size %d,%d noenhanced font 'Sans,14'\n", PLOT_WIDTH,
                PLOT_HEIGHT);
    sim_gp_cmd_str(gp, "set output", tmp_path);
    fputs("set key below\nset grid\n", gp);
}

void sim_gp_str(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\'')
            fputs("''", gp);
        else
            fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, gp);
    }
    fputc('\'', gp);
}

/* The C locale is never changed by mscsim, so '.' is the decimal point. */
void sim_gp_num(FILE *gp, double v)
{
    if (isnan(v))
        fputs("NaN", gp);
    else
        fprintf(gp, "%.17g", v);
}

void sim_gp_cmd_str(FILE *gp, const char *cmd, const char *s)
{
    fprintf(gp, "%s ", cmd);
    sim_gp_str(gp, s);
    fputc('\n', gp);
}

void sim_gp_target_line(FILE *gp, double target)
{
    fputs("set arrow from graph 0, first ", gp);
    sim_gp_num(gp, target);
    fputs(" to graph 1, first ", gp);
    sim_gp_num(gp, target);
    fputs(" nohead dt 3 lw 2 lc 'black' back\n", gp);
}

void sim_gp_line_key(FILE *gp, const char *title)
{
    fputs(", \\\n  keyentry with lines dt 3 lw 2 lc 'black' title ", gp);
    sim_gp_str(gp, title);
}

void sim_gp_target_key(FILE *gp, double target)
{
    char title[48];
    snprintf(title, sizeof title, "target power %g", target);
    sim_gp_line_key(gp, title);
}

/* A title line of the figure's width holds about this many characters. */
#define TITLE_LINE_CHARS 100

void sim_gp_title(FILE *gp, const char *given, const char *heading, const sim_text *details)
{
    fputs("set title ", gp);
    sim_gp_title_text(gp, given, heading, details);
    fputc('\n', gp);
}

void sim_gp_title_text(FILE *gp, const char *given, const char *heading,
                       const sim_text *details)
{
    if (given) {
        sim_gp_str(gp, given);
        return;
    }
    sim_gp_str(gp, heading);
    /* The details on as many lines as they need, broken between their "; " items. */
    char line[sizeof details->s];
    size_t used = 0;
    for (const char *item = details->s; *item;) {
        const char *end = strstr(item, "; ");
        size_t len = end ? (size_t)(end - item) : strlen(item);
        if (used > 0 && used + 2 + len > TITLE_LINE_CHARS) {
            fputs(" . \"\\n\" . ", gp);
            sim_gp_str(gp, line);
            used = 0;
        }
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%.*s", used ? "; " : "",
                                 (int)len, item);
        item = end ? end + 2 : item + len;
    }
    if (used > 0) {
        fputs(" . \"\\n\" . ", gp);
        sim_gp_str(gp, line);
    }
}

/* The first executable `name` in a directory of $PATH, into buf; 0 when there is none. */
static int find_on_path(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("PATH");
    if (!dir)
        return 0;
    for (;;) {
        const char *colon = strchr(dir, ':');
        int dlen = (int)(colon ? (size_t)(colon - dir) : strlen(dir));
        /* An empty entry means the current directory (POSIX). */
        int w = snprintf(buf, len, "%.*s/%s", dlen ? dlen : 1, dlen ? dir : ".", name);
        struct stat st;
        if (w > 0 && (size_t)w < len && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return 1;
        if (!colon)
            return 0;
        dir = colon + 1;
    }
}

/* gnuplot's messages from log, non-blank lines trimmed and joined by " / ". */
static void gnuplot_messages(FILE *log, char *out, size_t len)
{
    char line[256];
    size_t used = 0;
    out[0] = '\0';
    rewind(log);
    while (used + 1 < len && fgets(line, sizeof line, log)) {
        char *a = line, *z = line + strlen(line);
        while (*a == ' ' || *a == '\t')
            a++;
        while (z > a && (z[-1] == '\n' || z[-1] == '\r' || z[-1] == ' '))
            *--z = '\0';
        if (*a == '\0')
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? " / " : "", a);
        used += w > 0 ? (size_t)w : 0;
    }
    if (!out[0])
        snprintf(out, len, "no message");
}

/* Runs `program -d` (-d: no init files, so the user's ~/.gnuplot cannot change the figure)
 * with the script as its standard input and its output captured. */
static int run_gnuplot(const char *program, FILE *script, const char *out_path, mscsim_error *err)
{
    FILE *log = tmpfile();
    if (!log || fflush(script) != 0 || fseek(script, 0, SEEK_SET) != 0) {
        int status =
            sim_error_set(err, MSCSIM_EIO, "cannot write a temporary file: %s", strerror(errno));
        if (log)
            fclose(log);
        return status;
    }
    char arg0[] = "gnuplot", arg1[] = "-d";
    char *argv[] = {arg0, arg1, NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, fileno(script), 0);
        if (rc == 0)
            rc = posix_spawn_file_actions_adddup2(&fa, fileno(log), 1);
        if (rc == 0)
            rc = posix_spawn_file_actions_adddup2(&fa, fileno(log), 2);
        if (rc == 0)
            rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    }
    if (rc != 0) {
        fclose(log);
        return sim_error_set(err, MSCSIM_EIO, "cannot run %s: %s", program, strerror(rc));
    }
    int wstatus;
    pid_t w;
    while ((w = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
        continue;
    int status = MSCSIM_OK;
    if (w < 0) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot wait for gnuplot: %s", strerror(errno));
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        char why[GNUPLOT_MESSAGE_MAX];
        gnuplot_messages(log, why, sizeof why);
        if (WIFEXITED(wstatus))
            status = sim_error_set(err, MSCSIM_EIO, "gnuplot failed (exit status %d): %s",
                                   WEXITSTATUS(wstatus), why);
        else
            status = sim_error_set(err, MSCSIM_EIO, "gnuplot was killed by signal %d: %s",
                                   WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, why);
        sim_error_locate(err, out_path, 0, NULL, NULL);
    }
    fclose(log);
    return status;
}

int sim_gnuplot_render(FILE *script, const char *out_path, const char *tmp_path, mscsim_error *err)
{
    char program[4096];
    if (!find_on_path("gnuplot", program, sizeof program))
        return sim_error_set(err, MSCSIM_EIO,
                             "gnuplot is not on PATH: install the Debian package gnuplot-nox "
                             "(apt-get install gnuplot-nox)");
    /* gnuplot's own message for an output it cannot open is vague: try it here first. */
    FILE *probe = fopen(tmp_path, "wb");
    if (!probe)
        return sim_error_set(err, MSCSIM_EIO, "cannot write %s: %s", tmp_path, strerror(errno));
    fclose(probe);
    int status = run_gnuplot(program, script, out_path, err);
    struct stat st;
    if (!status && (stat(tmp_path, &st) != 0 || st.st_size == 0)) {
        status = sim_error_set(err, MSCSIM_EIO, "gnuplot wrote nothing to %s", tmp_path);
    } else if (!status && rename(tmp_path, out_path) != 0) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot rename %s to %s: %s", tmp_path, out_path,
                               strerror(errno));
    }
    if (status)
        remove(tmp_path);
    return status;
}
