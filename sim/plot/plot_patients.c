/*
 * Simulated patients (`mscsim simulate`), for teaching: each patient's observed course as
 * a thin line coloured by arm, and each arm's mean per visit in bold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plot_internal.h"

/* Arm colours: the palette of the other figures; a third arm would repeat the first. */
static const char *const arm_colour[] = {"4477aa", "cc3311"};
/* gnuplot's alpha byte leads ('#AARRGGBB', 00 opaque): thin lines let density show. */
#define COURSE_ALPHA "a0"

/* "MSC" for the code msc, else the arm's code as it is. */
static const char *arm_words(const char *code)
{
    return strcmp(code, "msc") == 0 ? "MSC" : code;
}

/* The courses of arm `arm` as one datablock, a blank line between patients (gnuplot
 * breaks the line there); how many patients it holds. */
static size_t put_courses(FILE *gp, const sim_plot_table *t, const sim_selection *s, size_t arm)
{
    int pa = t->at[SIM_COL_PATIENT], ar = t->at[SIM_COL_ARM];
    int day = t->at[SIM_COL_VISIT_DAY], sc = t->at[SIM_COL_OBSERVED_SCORE];
    size_t patients = 0;
    double last = (double)NAN;
    fprintf(gp, "$arm%zu << EOD\n", arm);
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        if ((size_t)sim_plot_value(t, ar, r) != arm)
            continue;
        if (sim_plot_value(t, pa, r) != last) {
            if (patients++ > 0)
                fputc('\n', gp);
            last = sim_plot_value(t, pa, r);
        }
        sim_gp_num(gp, sim_plot_value(t, day, r));
        fputc(' ', gp);
        sim_gp_num(gp, sim_plot_value(t, sc, r));
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    return patients;
}

/* The arm's mean observed score at each of the sorted visit days (missing scores left
 * out; a day with none is NaN). */
static void put_means(FILE *gp, const sim_plot_table *t, const sim_selection *s, size_t arm,
                      const double *days, size_t ndays)
{
    int ar = t->at[SIM_COL_ARM], day = t->at[SIM_COL_VISIT_DAY];
    int sc = t->at[SIM_COL_OBSERVED_SCORE];
    fprintf(gp, "$mean%zu << EOD\n", arm);
    for (size_t d = 0; d < ndays; d++) {
        double sum = 0;
        size_t n = 0;
        for (size_t i = 0; i < s->count; i++) {
            size_t r = s->row[i];
            double v = sim_plot_value(t, sc, r);
            if ((size_t)sim_plot_value(t, ar, r) == arm && sim_plot_value(t, day, r) == days[d] &&
                !isnan(v)) {
                sum += v;
                n++;
            }
        }
        sim_gp_num(gp, days[d]);
        fputc(' ', gp);
        sim_gp_num(gp, n ? sum / (double)n : (double)NAN);
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
}

int sim_plot_patients(sim_plot_table *t, FILE *gp, sim_selection *s,
                      const mscsim_plot_options *opt, double *scratch)
{
    const sim_csv_kept *arms = &t->csv.col[t->at[SIM_COL_ARM]];
    size_t ndays = sim_plot_distinct(t, s, t->at[SIM_COL_VISIT_DAY], scratch);
    qsort(scratch, ndays, sizeof *scratch, sim_plot_double_cmp);
    sim_text heading = {0}, details = {0};
    sim_text_add(&heading, "Simulated patients' courses:");
    for (size_t a = 0; a < arms->nlevel; a++) {
        size_t patients = put_courses(gp, t, s, a);
        sim_text_add(&heading, "%s %zu %.40s", a ? "," : "", patients, arm_words(arms->level[a]));
        put_means(gp, t, s, a, scratch, ndays);
    }
    sim_text_add(&details, "thin: one patient's observed scores; bold: the arm's mean per "
                           "visit (missing scores left out)");
    sim_gp_title(gp, opt->title, heading.s, &details);
    sim_gp_cmd_str(gp, "set xlabel", sim_plot_column_label(SIM_COL_VISIT_DAY));
    sim_gp_cmd_str(gp, "set ylabel", sim_plot_column_label(SIM_COL_OBSERVED_SCORE));
    /* Ticks on the visits, the days the scores exist. */
    fputs("set xtics (", gp);
    for (size_t d = 0; d < ndays; d++) {
        fputs(d ? ", " : "", gp);
        sim_gp_num(gp, scratch[d]);
    }
    fputs(")\nset autoscale fix\nset offsets graph 0.02, graph 0.02, graph 0.03, graph 0.03\nplot ", gp);
    for (size_t a = 0; a < arms->nlevel; a++) {
        const char *c = arm_colour[a % SIM_ARRAY_LEN(arm_colour)];
        fprintf(gp,
                "%s$arm%zu using 1:2 with lines lw 1 lc rgb '#" COURSE_ALPHA "%s' notitle, \\\n"
                "  $mean%zu using 1:2 with linespoints lw 5 pt 7 ps 1.5 lc rgb '#%s' title ",
                a ? ", \\\n  " : "", a, c, a, c);
        sim_text name = {0};
        sim_text_add(&name, "%.40s (mean)", arm_words(arms->level[a]));
        sim_gp_str(gp, name.s);
    }
    fputc('\n', gp);
    return MSCSIM_OK;
}
