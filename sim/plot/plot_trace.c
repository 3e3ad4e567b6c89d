/* Sample-size trace (`mscsim samplesize --trace`): the search's runs and the confirmation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plot_internal.h"

/* The confirmation runs of the selection, and the smallest confirmed n whose power reaches
 * the target (the one labelled: a search may confirm several neighbouring sizes, whose
 * labels would overlap). */
typedef struct {
    size_t confirmed, answer; /* answer: its row, when has_answer */
    int has_answer;
} confirmation;

static int find_answer(sim_plot_table *t, const sim_selection *s, double target,
                       confirmation *c)
{
    int st = t->at[SIM_COL_STAGE], nt = t->at[SIM_COL_N_TOTAL], pw = t->at[SIM_COL_POWER];
    *c = (confirmation){0};
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        const char *stage = sim_plot_level(t, st, r);
        if (strcmp(stage, "search") == 0)
            continue;
        if (strcmp(stage, "confirm") != 0)
            return sim_plot_fail(t, MSCSIM_ESYNTAX, t->csv.row_line[r],
                                 "column stage: '%.40s' is not search or confirm", stage);
        c->confirmed++;
        if (sim_plot_value(t, pw, r) >= target &&
            (!c->has_answer || sim_plot_value(t, nt, r) < sim_plot_value(t, nt, c->answer))) {
            c->answer = r;
            c->has_answer = 1;
        }
    }
    return MSCSIM_OK;
}

/* The answer CSV's columns read for the formula's answer. */
enum { ANSWER_SCENARIO, ANSWER_ANALYSIS, ANSWER_ANALYTIC_N, ANSWER_COLS };
static const sim_csv_column answer_cols[ANSWER_COLS] = {
    {"scenario", 1, 0, 0, 0}, {"analysis", 1, 0, 0, 0}, {"analytic_n", 0, 1, 0, HUGE_VAL}};

static int keep_answer_cols(sim_csv_table *csv, void *ctx)
{
    (void)ctx;
    for (int c = 0; c < ANSWER_COLS; c++) {
        int f = sim_csv_table_field(csv, answer_cols[c].name);
        if (f < 0 || sim_csv_table_keep(csv, (size_t)f, &answer_cols[c]) != c)
            return 1;
    }
    return 0;
}

/* The text of the trace's column c on the drawn rows, or NULL without the column. */
static const char *drawn_text(const sim_plot_table *t, const sim_selection *s, int c)
{
    return c >= 0 ? sim_plot_level(t, c, s->row[0]) : NULL;
}

/* The formula's answer (analytic_n) for the drawn scenario and analysis, from the answer
 * CSV beside the trace (X.csv for X_trace.csv); NaN when there is none. */
static double formula_answer(const sim_plot_table *t, const sim_selection *s)
{
    char *path = sim_plot_beside(t->path, "_trace.csv", ".csv");
    sim_csv_table a = {0};
    double n = (double)NAN;
    const char *scenario = drawn_text(t, s, t->at[SIM_COL_SCENARIO]);
    const char *analysis = drawn_text(t, s, t->at[SIM_COL_ANALYSIS]);
    if (path && sim_csv_table_read(&a, path, SIM_CSV_STRICT, keep_answer_cols, NULL) == 0)
        for (size_t r = 0; r < a.nrow && isnan(n); r++)
            if ((!scenario || strcmp(sim_csv_level(&a, ANSWER_SCENARIO, r), scenario) == 0) &&
                (!analysis || strcmp(sim_csv_level(&a, ANSWER_ANALYSIS, r), analysis) == 0))
                n = sim_csv_value(&a, ANSWER_ANALYTIC_N, r);
    sim_csv_table_free(&a);
    free(path);
    return n;
}

/* The runs of both stages as datablocks $search and $confirm (n, power, lo, hi). */
static void put_runs(FILE *gp, const sim_plot_table *t, const sim_selection *s)
{
    static const char *const stages[] = {"search", "confirm"};
    int st = t->at[SIM_COL_STAGE];
    const int cols[] = {t->at[SIM_COL_N_TOTAL], t->at[SIM_COL_POWER], t->at[SIM_COL_POWER_LO],
                        t->at[SIM_COL_POWER_HI]};
    for (size_t k = 0; k < 2; k++) {
        fprintf(gp, "$%s << EOD\n", stages[k]);
        for (size_t i = 0; i < s->count; i++) {
            if (strcmp(sim_plot_level(t, st, s->row[i]), stages[k]) != 0)
                continue;
            for (size_t j = 0; j < SIM_ARRAY_LEN(cols); j++) {
                sim_gp_num(gp, sim_plot_value(t, cols[j], s->row[i]));
                fputc(j + 1 < SIM_ARRAY_LEN(cols) ? ' ' : '\n', gp);
            }
        }
        fputs("EOD\n", gp);
    }
}

/* x ticks at the n values of the rows within [lo, hi] (the candidates, each a whole
 * number of allocation blocks), leaving out those too close to the last one to read;
 * scratch has room for s->count. */
static void put_n_tics(FILE *gp, const sim_plot_table *t, const sim_selection *s, double lo,
                       double hi, double *scratch)
{
    size_t k = sim_plot_distinct(t, s, t->at[SIM_COL_N_TOTAL], scratch);
    qsort(scratch, k, sizeof *scratch, sim_plot_double_cmp);
    double gap = 0.025 * (hi - lo), last = -HUGE_VAL;
    const char *sep = "set xtics (";
    for (size_t i = 0; i < k; i++) {
        if (scratch[i] < lo || scratch[i] > hi || scratch[i] - last < gap)
            continue;
        fputs(sep, gp);
        sim_gp_num(gp, scratch[i]);
        sep = ", ";
        last = scratch[i];
    }
    fputs(*sep == ',' ? ")\n" : "set xtics autofreq\n", gp);
}

/* What one panel shows: the x and y ranges, whether it has the legend and the answer's
 * label. */
typedef struct {
    double x0, x1, y0, y1;
    int key, label;
} panel;

/* One panel: the search's and confirmation's runs with their intervals, the target, the
 * answer labelled and the formula's answer (NaN: none) as a vertical line. */
static void put_panel(FILE *gp, const sim_plot_table *t, const sim_selection *s, double target,
                      const confirmation *c, double formula, const panel *p, double *scratch)
{
    int nt = t->at[SIM_COL_N_TOTAL];
    fprintf(gp, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\nset ytics autofreq\n",
            p->x0, p->x1, p->y0, p->y1);
    put_n_tics(gp, t, s, p->x0, p->x1, scratch);
    fputs(p->key ? "set key below\n" : "unset key\n", gp);
    fputs("unset label\nunset arrow\n", gp);
    if (c->has_answer && p->label) {
        fprintf(gp, "set label 'n = %.15g' at first ", sim_plot_value(t, nt, c->answer));
        sim_gp_num(gp, sim_plot_value(t, nt, c->answer));
        fputs(", first ", gp);
        sim_gp_num(gp, sim_plot_value(t, t->at[SIM_COL_POWER_HI], c->answer));
        fputs(" center offset 0,1.2 front\n", gp);
    }
    if (!isnan(formula)) {
        fputs("set arrow from first ", gp);
        sim_gp_num(gp, formula);
        fputs(", graph 0 to first ", gp);
        sim_gp_num(gp, formula);
        fputs(", graph 1 nohead dt 2 lw 2 lc rgb '#228833' back\n", gp);
    }
    sim_gp_target_line(gp, target);
    /* A search and a confirmation at the same n sit a little apart, so both show. */
    double shift = c->confirmed > 0 && c->confirmed < s->count ? 0.01 * (p->x1 - p->x0) : 0;
    /* gnuplot refuses a plot of an empty datablock, so each stage is drawn only if run. */
    const char *sep = "plot ";
    if (c->confirmed < s->count) {
        fprintf(gp,
                "%s$search using ($1-%.17g):2:3:4 with yerrorbars pt 7 ps 1.2 "
                "lc rgb '#4477aa' title 'search (nested trials)'",
                sep, shift);
        sep = ", \\\n  ";
    }
    if (c->confirmed > 0)
        fprintf(gp,
                "%s$confirm using ($1+%.17g):2:3:4 with yerrorbars pt 8 ps 2.2 lw 2 "
                "lc rgb '#cc3311' title 'confirm (independent trials)'",
                sep, shift);
    if (!isnan(formula))
        fprintf(gp,
                ", \\\n  keyentry with lines dt 2 lw 2 lc rgb '#228833' "
                "title \"formula's answer n = %.15g\"",
                formula);
    sim_gp_target_key(gp, target);
    fputc('\n', gp);
}

/* Bounds of column c (and of v when it is a number) over the rows of one stage (NULL:
 * every row). */
static void bounds(const sim_plot_table *t, const sim_selection *s, int c, const char *stage,
                   double v, double *lo, double *hi)
{
    *lo = isnan(v) ? HUGE_VAL : v;
    *hi = isnan(v) ? -HUGE_VAL : v;
    for (size_t i = 0; i < s->count; i++) {
        if (stage && strcmp(sim_plot_level(t, t->at[SIM_COL_STAGE], s->row[i]), stage) != 0)
            continue;
        *lo = fmin(*lo, sim_plot_value(t, c, s->row[i]));
        *hi = fmax(*hi, sim_plot_value(t, c, s->row[i]));
    }
}

/* The whole search, and beside it the confirmation zoomed around the target so its
 * (narrow) intervals show. */
static void put_figure(FILE *gp, const sim_plot_table *t, const sim_selection *s, double target,
                       const confirmation *c, double formula, const char *title,
                       const sim_text *details, double *scratch)
{
    static const char heading[] = "Sample-size search";
    int nt = t->at[SIM_COL_N_TOTAL];
    panel all = {.key = 1, .label = c->confirmed == 0};
    double lo, hi;
    bounds(t, s, nt, NULL, formula, &all.x0, &all.x1);
    double pad = fmax(1, 0.05 * (all.x1 - all.x0));
    all.x0 -= pad;
    all.x1 += pad;
    bounds(t, s, t->at[SIM_COL_POWER_LO], NULL, target, &all.y0, &hi);
    bounds(t, s, t->at[SIM_COL_POWER_HI], NULL, target, &lo, &all.y1);
    pad = 0.05 * (all.y1 - all.y0);
    all.y0 = fmax(0, all.y0 - pad);
    all.y1 = fmin(1, all.y1 + pad);
    sim_gp_cmd_str(gp, "set xlabel", sim_plot_column_label(SIM_COL_N_TOTAL));
    sim_gp_cmd_str(gp, "set ylabel", sim_plot_column_label(SIM_COL_POWER));
    if (c->confirmed == 0) {
        sim_gp_title(gp, title, heading, details);
        put_panel(gp, t, s, target, c, formula, &all, scratch);
        return;
    }
    panel zoom = {.label = 1};
    bounds(t, s, nt, "confirm", (double)NAN, &zoom.x0, &zoom.x1);
    pad = fmax(1.5, 0.2 * (zoom.x1 - zoom.x0));
    zoom.x0 -= pad;
    zoom.x1 += pad;
    bounds(t, s, t->at[SIM_COL_POWER_LO], "confirm", target, &zoom.y0, &hi);
    bounds(t, s, t->at[SIM_COL_POWER_HI], "confirm", target, &lo, &zoom.y1);
    pad = fmax(0.005, 0.3 * (zoom.y1 - zoom.y0));
    zoom.y0 = fmax(0, zoom.y0 - pad);
    zoom.y1 = fmin(1, zoom.y1 + pad);
    fputs("set xtics rotate by 90 right font ',11'\nset multiplot layout 1,2 title ", gp);
    sim_gp_title_text(gp, title, heading, details);
    fputs(" margins 0.08, 0.98, 0.26, 0.82 spacing 0.08\nset title 'the whole search'\n", gp);
    put_panel(gp, t, s, target, c, formula, &all, scratch);
    fputs("set title 'the confirmation, zoomed'\nunset ylabel\n", gp);
    put_panel(gp, t, s, target, c, formula, &zoom, scratch);
    fputs("unset multiplot\n", gp);
}

int sim_plot_trace(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch)
{
    sim_text details = {0};
    sim_plot_outcome_words(t, s, &details, NULL);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_ANALYSIS], "analysis ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_SCENARIO], "scenario ", 0, scratch, &details);
    sim_plot_describe_swept(t, s, scratch, &details, NULL, NULL);
    double target =
        opt->target > 0 ? opt->target : sim_plot_value(t, t->at[SIM_COL_TARGET], s->row[0]);
    confirmation c;
    int status = find_answer(t, s, target, &c);
    if (status)
        return status;
    if (c.confirmed > 0 && c.has_answer)
        SIM_TEXT_ITEM(&details, "smallest confirmed n with power \xe2\x89\xa5 %g: %.15g", target,
                      sim_plot_value(t, t->at[SIM_COL_N_TOTAL], c.answer));
    else if (c.confirmed > 0)
        SIM_TEXT_ITEM(&details, "no confirmed n reaches power %g", target);
    else
        SIM_TEXT_ITEM(&details, "target power %g", target);
    double formula = formula_answer(t, s);
    if (!isnan(formula))
        SIM_TEXT_ITEM(&details, "formula's answer %.15g", formula);
    put_runs(gp, t, s);
    put_figure(gp, t, s, target, &c, formula, opt->title, &details, scratch);
    return MSCSIM_OK;
}
