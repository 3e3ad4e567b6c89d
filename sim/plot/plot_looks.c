/*
 * Looks file (`mscsim run` with [interim]): the boundaries against the information
 * fraction on the z scale and on the estimate scale, and the share of trials stopping at
 * each look, of one analysis, scenario and n. On the estimate scale a bound z_k at
 * fraction t_k is z_k / sqrt(t_k) standard errors of the final analysis' estimate (the
 * standard error at look k is sqrt(1 / t_k) times the final one; Jennison & Turnbull 2000,
 * ch. 3).
 */
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "plot_internal.h"

/* One datablock: fraction, efficacy z, futility z, both on the estimate scale, the shares
 * stopping for efficacy and for futility. Returns 1 when some futility bound is drawn. */
static int put_looks(FILE *gp, const sim_plot_table *t, const sim_selection *s)
{
    int futility = 0;
    fputs("$looks << EOD\n", gp);
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        double f = sim_plot_value(t, t->at[SIM_COL_FRACTION], r);
        double e = sim_plot_value(t, t->at[SIM_COL_EFFICACY_Z], r);
        double u = sim_plot_value(t, t->at[SIM_COL_FUTILITY_Z], r);
        futility |= !isnan(u);
        const double v[] = {f,
                            e,
                            u,
                            e / sqrt(f),
                            u / sqrt(f),
                            sim_plot_value(t, t->at[SIM_COL_REJECT_AT_LOOK], r),
                            sim_plot_value(t, t->at[SIM_COL_FUTILITY_AT_LOOK], r)};
        for (size_t j = 0; j < SIM_ARRAY_LEN(v); j++) {
            sim_gp_num(gp, v[j]);
            fputc(j + 1 < SIM_ARRAY_LEN(v) ? ' ' : '\n', gp);
        }
    }
    fputs("EOD\n", gp);
    return futility;
}

/* A boundary panel: efficacy column e and futility column u of $looks. */
static void put_bounds(FILE *gp, const char *title, const char *ylabel, int e, int u,
                       int futility)
{
    sim_gp_cmd_str(gp, "set title", title);
    sim_gp_cmd_str(gp, "set ylabel", ylabel);
    fprintf(gp,
            "plot $looks using 1:%d with linespoints pt 7 ps 1.3 lw 2 lc rgb '#cc3311' "
            "title 'efficacy'",
            e);
    if (futility)
        fprintf(gp,
                ", \\\n  $looks using 1:%d with linespoints pt 5 ps 1.3 lw 2 lc rgb '#4477aa' "
                "title 'futility'",
                u);
    fputc('\n', gp);
}

int sim_plot_looks(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch)
{
    sim_text details = {0};
    sim_plot_outcome_words(t, s, &details, NULL);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_ANALYSIS], "analysis ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_SCENARIO], "scenario ", 0, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_N_TOTAL], "n = ", 1, scratch, &details);
    sim_plot_describe_swept(t, s, scratch, &details, NULL, NULL);
    double stopped = 0;
    for (size_t i = 0; i < s->count; i++)
        stopped += sim_plot_value(t, t->at[SIM_COL_REJECT_AT_LOOK], s->row[i]);
    SIM_TEXT_ITEM(&details, "power %.3f", stopped);
    int futility = put_looks(gp, t, s);
    fputs("set multiplot layout 1,3 title ", gp);
    sim_gp_title_text(gp, opt->title, "Group-sequential boundaries and stopping", &details);
    fputs(" margins 0.07, 0.98, 0.16, 0.80 spacing 0.10\n"
          "set xrange [0:1.05]\n",
          gp);
    sim_gp_cmd_str(gp, "set xlabel", "Information fraction");
    put_bounds(gp, "z scale", "Boundary (z)", 2, 3, futility);
    put_bounds(gp, "estimate scale", "Boundary (final analysis' SEs)", 4, 5, futility);
    sim_gp_cmd_str(gp, "set title", "stopping at each look");
    sim_gp_cmd_str(gp, "set ylabel", "Share of trials");
    fputs("set yrange [0:*]\nset style fill solid 0.7 noborder\n"
          "plot $looks using ($1-0.012):6:(0.022) with boxes lc rgb '#cc3311' "
          "title 'efficacy (rejects)', \\\n"
          "  $looks using ($1+0.012):7:(0.022) with boxes lc rgb '#4477aa' "
          "title 'futility'\n"
          "unset multiplot\n",
          gp);
    return MSCSIM_OK;
}
