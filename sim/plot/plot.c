/* strcasecmp: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * mscsim_plot: checks the request, reads the CSV, has the figure of its kind write the
 * gnuplot script, and renders it (plot_internal.h says which file does what).
 */
#include "mscsim/plot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "plot_internal.h"

/* Keeps the rows whose text column c (what: its name) holds name; fails naming the
 * values the file has when none does. */
static int select_level(sim_plot_table *t, sim_selection *s, int c, const char *what,
                        const char *name)
{
    if (c < 0)
        return sim_plot_fail(t, MSCSIM_EINVAL, 0, "no column %s to choose %s '%.60s' from",
                             what, what, name);
    const sim_csv_kept *col = &t->csv.col[c];
    sim_text known = {0};
    for (size_t i = 0; i < col->nlevel; i++) {
        if (strcmp(col->level[i], name) == 0) {
            sim_plot_narrow(t, s, c, (double)i);
            return MSCSIM_OK;
        }
        sim_text_add(&known, "%s%.60s", i ? ", " : "", col->level[i]);
    }
    return sim_plot_fail(t, MSCSIM_EINVAL, 0, "no rows of %s '%.60s' (the file has: %s)", what,
                         name, known.s);
}

/* Keeps the rows of one total sample size; fails naming the sizes the file has. */
static int select_n(sim_plot_table *t, sim_selection *s, long n, double *scratch)
{
    int nt = t->at[SIM_COL_N_TOTAL];
    if (nt < 0)
        return sim_plot_fail(t, MSCSIM_EINVAL, 0, "no column n_total to choose n = %ld from", n);
    sim_selection all = *s;
    size_t k = sim_plot_distinct(t, &all, nt, scratch);
    sim_plot_narrow(t, s, nt, (double)n);
    if (s->count > 0)
        return MSCSIM_OK;
    sim_text known = {0};
    for (size_t i = 0; i < k; i++)
        sim_text_add(&known, "%s%.15g", i ? ", " : "", scratch[i]);
    return sim_plot_fail(t, MSCSIM_EINVAL, 0, "no rows with n_total %ld (the file has: %s)", n,
                         known.s);
}

/* Keeps every row, or only those of the analysis, scenario and n chosen. */
static int select_rows(sim_plot_table *t, sim_selection *s, const mscsim_plot_options *opt,
                       double *scratch)
{
    for (size_t i = 0; i < t->csv.nrow; i++)
        s->row[i] = i;
    s->count = t->csv.nrow;
    int status = MSCSIM_OK;
    if (opt->analysis)
        status = select_level(t, s, t->at[SIM_COL_ANALYSIS], "analysis", opt->analysis);
    if (!status && opt->scenario)
        status = select_level(t, s, t->at[SIM_COL_SCENARIO], "scenario", opt->scenario);
    if (!status && opt->n_total)
        status = select_n(t, s, opt->n_total, scratch);
    if (!status && s->count == 0)
        status = sim_plot_fail(t, MSCSIM_EINVAL, 0, "no rows of the analysis, scenario and n "
                                                    "chosen together");
    return status;
}

/* 0 for PNG, 1 for SVG, -1 for any other file name. */
static int format_of(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && strcasecmp(path + n - 4, ".png") == 0)
        return 0;
    if (n >= 4 && strcasecmp(path + n - 4, ".svg") == 0)
        return 1;
    return -1;
}

/* The checks that need no file: the output's name and the target. */
static int check_request(const char *out_path, const mscsim_plot_options *opt, mscsim_error *err)
{
    if (format_of(out_path) < 0) {
        sim_error_set(err, MSCSIM_EINVAL, "unknown image format: name the file .png or .svg");
        sim_error_locate(err, out_path, 0, NULL, NULL);
        return MSCSIM_EINVAL;
    }
    for (const char *p = out_path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            sim_error_set(err, MSCSIM_EINVAL, "a control character in the file name");
            sim_error_locate(err, out_path, 0, NULL, NULL);
            return MSCSIM_EINVAL;
        }
    if (opt->target != 0 && !(opt->target > 0 && opt->target < 1))
        return sim_error_set(err, MSCSIM_EINVAL, "target power %g is out of range (0, 1)",
                             opt->target);
    if (opt->n_total < 0)
        return sim_error_set(err, MSCSIM_EINVAL, "total sample size %ld is negative",
                             opt->n_total);
    return MSCSIM_OK;
}

/* Writes the whole script for the selection into gp. */
static int write_script(sim_plot_table *t, FILE *gp, sim_selection *s,
                        const mscsim_plot_options *opt, int svg, const char *tmp_path,
                        double *scratch)
{
    sim_gp_begin(gp, svg, tmp_path);
    double target = opt->target > 0 ? opt->target : MSCSIM_PLOT_DEFAULT_TARGET;
    int status = MSCSIM_OK;
    switch (t->kind) {
    case SIM_PLOT_RESULTS:
        status = sim_plot_results(t, gp, s, opt, target, scratch);
        break;
    case SIM_PLOT_TRACE:
        status = sim_plot_trace(t, gp, s, opt, scratch);
        break;
    case SIM_PLOT_LOOKS:
        status = sim_plot_looks(t, gp, s, opt, scratch);
        break;
    case SIM_PLOT_REPLICATES:
        status = sim_plot_prior_applies(t, s) ? sim_plot_prior(t, gp, s, opt, scratch)
                                              : sim_plot_replicates(t, gp, s, opt, scratch);
        break;
    case SIM_PLOT_PATIENTS:
        status = sim_plot_patients(t, gp, s, opt, scratch);
        break;
    }
    if (status)
        return status;
    /* Closing the output flushes the image before gnuplot exits. */
    fputs("unset output\n", gp);
    if (ferror(gp))
        return sim_error_set(t->err, MSCSIM_EIO, "cannot write a temporary file: %s",
                             strerror(errno));
    return MSCSIM_OK;
}

SIM_API int mscsim_plot(const char *csv_path, const char *out_path, const mscsim_plot_options *opt,
                        mscsim_error *err)
{
    static const mscsim_plot_options defaults = {0};
    if (!opt)
        opt = &defaults;
    int status = check_request(out_path, opt, err);
    if (status)
        return status;

    sim_plot_table t = {.path = csv_path, .err = err};
    sim_selection s = {0};
    double *scratch = NULL;
    FILE *gp = NULL;
    size_t n = strlen(out_path);
    char *tmp_path = malloc(n + sizeof ".tmp");
    status = tmp_path ? sim_plot_read(&t) : sim_plot_fail(&t, MSCSIM_ENOMEM, 0, "out of memory");
    if (!status) {
        memcpy(tmp_path, out_path, n);
        memcpy(tmp_path + n, ".tmp", sizeof ".tmp");
        s.row = malloc(t.csv.nrow * sizeof *s.row);
        scratch = malloc(t.csv.nrow * sizeof *scratch);
        gp = tmpfile();
        if (!s.row || !scratch)
            status = sim_plot_fail(&t, MSCSIM_ENOMEM, 0, "out of memory");
        else if (!gp)
            status = sim_error_set(err, MSCSIM_EIO, "cannot create a temporary file: %s",
                                   strerror(errno));
    }
    if (!status)
        status = select_rows(&t, &s, opt, scratch);
    if (!status)
        status = write_script(&t, gp, &s, opt, format_of(out_path), tmp_path, scratch);
    if (!status)
        status = sim_gnuplot_render(gp, out_path, tmp_path, err);
    if (gp)
        fclose(gp);
    free(tmp_path);
    free(s.row);
    free(scratch);
    sim_plot_table_free(&t);
    return status;
}
