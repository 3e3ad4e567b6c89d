/*
 * Looks file (`mscsim run` with [interim]): the boundaries against the information
 * fraction on the z scale and on the estimate scale, and the share of trials stopping at
 * each look, of one analysis, scenario and n. On the estimate scale a bound z_k at
 * fraction t_k is z_k / sqrt(t_k) standard errors of the final analysis' estimate (the
 * standard error at look k is sqrt(1 / t_k) times the final one; Jennison & Turnbull 2000,
 * ch. 3). A look where a rule cannot stop (an infinite bound: efficacy = none, or no alpha
 * spent yet) has no point but a triangle at the panel's edge. Two-sided bounds (sides = 2)
 * are symmetric: the lower efficacy bound -z_k is drawn too, dashed.
 */
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "mscsim/gsd.h"
#include "plot_internal.h"

/* Where a rule cannot stop a trial its bound is infinite (efficacy = none, or nothing spent
 * yet): no point, which gnuplot skips as NaN, and a triangle at the panel's edge instead. */
static double finite_or_nan(double v)
{
    return isinf(v) ? (double)NAN : v;
}

/* What the bounds panels draw: whether some futility bound is there, and the looks where
 * efficacy (+Inf) or futility (-Inf) cannot stop a trial. */
typedef struct {
    int futility;
    int two_sided; /* the lower efficacy bound is drawn */
    int no_efficacy, no_futility;
    double no_efficacy_at[MSCSIM_MAX_LOOKS], no_futility_at[MSCSIM_MAX_LOOKS];
} looks_marks;

/* One datablock: fraction, efficacy z, futility z, both on the estimate scale, the shares
 * stopping for efficacy and for futility, the lower efficacy bound on both scales. */
static void put_looks(FILE *gp, const sim_plot_table *t, const sim_selection *s, looks_marks *m)
{
    fputs("$looks << EOD\n", gp);
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        double f = sim_plot_value(t, t->at[SIM_COL_FRACTION], r);
        double e = sim_plot_value(t, t->at[SIM_COL_EFFICACY_Z], r);
        double u = sim_plot_value(t, t->at[SIM_COL_FUTILITY_Z], r);
        m->futility |= !isnan(u);
        /* Files written before the column: one-sided. */
        m->two_sided |= t->at[SIM_COL_SIDES] >= 0 && sim_plot_value(t, t->at[SIM_COL_SIDES], r) == 2;
        if (isinf(e) && m->no_efficacy < MSCSIM_MAX_LOOKS)
            m->no_efficacy_at[m->no_efficacy++] = f;
        if (isinf(u) && m->no_futility < MSCSIM_MAX_LOOKS)
            m->no_futility_at[m->no_futility++] = f;
        const double v[] = {f,
                            finite_or_nan(e),
                            finite_or_nan(u),
                            finite_or_nan(e / sqrt(f)),
                            finite_or_nan(u / sqrt(f)),
                            sim_plot_value(t, t->at[SIM_COL_REJECT_AT_LOOK], r),
                            sim_plot_value(t, t->at[SIM_COL_FUTILITY_AT_LOOK], r),
                            finite_or_nan(-e),
                            finite_or_nan(-e / sqrt(f))};
        for (size_t j = 0; j < SIM_ARRAY_LEN(v); j++) {
            sim_gp_num(gp, v[j]);
            fputc(j + 1 < SIM_ARRAY_LEN(v) ? ' ' : '\n', gp);
        }
    }
    fputs("EOD\n", gp);
}

/* Triangles at the top (no efficacy stop) or bottom (no futility stop) edge of the panel. */
static void put_edge_marks(FILE *gp, const double *at, int count, double y, int pt,
                           const char *colour)
{
    for (int k = 0; k < count; k++) {
        fputs("set label '' at first ", gp);
        sim_gp_num(gp, at[k]);
        fprintf(gp, ", graph %g point pt %d ps 1.6 lc rgb '%s'\n", y, pt, colour);
    }
}

/* A boundary panel: efficacy column e, futility column u and lower efficacy column lower
 * of $looks. */
static void put_bounds(FILE *gp, const char *title, const char *ylabel, int e, int u, int lower,
                       const looks_marks *m)
{
    sim_gp_cmd_str(gp, "set title", title);
    sim_gp_cmd_str(gp, "set ylabel", ylabel);
    /* Zero and the usual range of bounds in view, so that one finite bound (efficacy =
     * none) is not drawn as a zoom on its own value. */
    fputs("unset label\n", gp);
    fputs(m->two_sided ? "set yrange [*<-4:4<*]\n" : "set yrange [*<0:4<*]\n", gp);
    put_edge_marks(gp, m->no_efficacy_at, m->no_efficacy, 0.96, 8, "#cc3311");
    put_edge_marks(gp, m->no_futility_at, m->no_futility, 0.04, 10, "#4477aa");
    fprintf(gp,
            "plot $looks using 1:%d with linespoints pt 7 ps 1.3 lw 2 lc rgb '#cc3311' "
            "title '%s'",
            e, m->two_sided ? "efficacy (upper)" : "efficacy");
    if (m->two_sided)
        fprintf(gp,
                ", \\\n  $looks using 1:%d with linespoints pt 7 ps 1.3 lw 2 dt 2 "
                "lc rgb '#cc3311' title 'efficacy (lower)'",
                lower);
    if (m->futility)
        fprintf(gp,
                ", \\\n  $looks using 1:%d with linespoints pt 5 ps 1.3 lw 2 lc rgb '#4477aa' "
                "title 'futility'",
                u);
    /* Key entries for the edge triangles: NaN draws nothing but its key line. */
    if (m->no_efficacy)
        fputs(", \\\n  NaN with points pt 8 ps 1.6 lc rgb '#cc3311' title 'no efficacy stop'",
              gp);
    if (m->no_futility)
        fputs(", \\\n  NaN with points pt 10 ps 1.6 lc rgb '#4477aa' title 'no futility stop'",
              gp);
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
    looks_marks marks = {0};
    put_looks(gp, t, s, &marks);
    fputs("set multiplot layout 1,3 title ", gp);
    sim_gp_title_text(gp, opt->title, "Group-sequential boundaries and stopping", &details);
    fputs(" margins 0.11, 0.98, 0.16, 0.80 spacing 0.10\n"
          "set xrange [0:1.05]\n",
          gp);
    sim_gp_cmd_str(gp, "set xlabel", "Information fraction");
    put_bounds(gp, "z scale", "Boundary (z)", 2, 3, 8, &marks);
    put_bounds(gp, "estimate scale", "Boundary (final analysis' SEs)", 4, 5, 9, &marks);
    sim_gp_cmd_str(gp, "set title", "stopping at each look");
    sim_gp_cmd_str(gp, "set ylabel", "Share of trials");
    fputs("unset label\nset yrange [0:*]\nset style fill solid 0.7 noborder\n"
          "plot $looks using ($1-0.012):6:(0.022) with boxes lc rgb '#cc3311' "
          "title 'efficacy (rejects)', \\\n"
          "  $looks using ($1+0.012):7:(0.022) with boxes lc rgb '#4477aa' "
          "title 'futility'\n"
          "unset multiplot\n",
          gp);
    return MSCSIM_OK;
}
