/* Sample-size trace (`mscsim samplesize --trace`): the search's runs and the confirmation. */
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

/* The runs of each stage as error bars, the answer labelled, the target line. */
static void put_runs(FILE *gp, const sim_plot_table *t, const sim_selection *s, double target,
                     const confirmation *c)
{
    static const char *const stages[] = {"search", "confirm"};
    int st = t->at[SIM_COL_STAGE], nt = t->at[SIM_COL_N_TOTAL], pw = t->at[SIM_COL_POWER];
    const int cols[] = {nt, pw, t->at[SIM_COL_POWER_LO], t->at[SIM_COL_POWER_HI]};
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
    sim_gp_cmd_str(gp, "set xlabel", sim_plot_column_label(SIM_COL_N_TOTAL));
    sim_gp_cmd_str(gp, "set ylabel", sim_plot_column_label(SIM_COL_POWER));
    fputs("set yrange [0:1]\nset ytics 0.1\nset offsets graph 0.05, graph 0.05, 0, 0\n", gp);
    if (c->has_answer) {
        fprintf(gp, "set label 'n = %.15g' at first ", sim_plot_value(t, nt, c->answer));
        sim_gp_num(gp, sim_plot_value(t, nt, c->answer));
        fputs(", first ", gp);
        sim_gp_num(gp, sim_plot_value(t, pw, c->answer));
        fputs(" center offset 0,1.8 front\n", gp);
    }
    sim_gp_target_line(gp, target);
    /* gnuplot refuses a plot of an empty datablock, so each stage is drawn only if run. */
    const char *sep = "plot ";
    if (c->confirmed < s->count) {
        fprintf(gp,
                "%s$search using 1:2:3:4 with yerrorbars pt 7 ps 1.2 lc rgb '#4477aa' "
                "title 'search'",
                sep);
        sep = ", \\\n  ";
    }
    if (c->confirmed > 0)
        fprintf(gp,
                "%s$confirm using 1:2:3:4 with yerrorbars pt 9 ps 2.2 lw 2 "
                "lc rgb '#cc3311' title 'confirm'",
                sep);
    sim_gp_target_key(gp, target);
    fputc('\n', gp);
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
    sim_gp_title(gp, opt->title, "Sample-size search", &details);
    put_runs(gp, t, s, target, &c);
    return MSCSIM_OK;
}
