/*
 * Replicates of a run with a design prior ([prior]): every trial drew its own true effect,
 * so the figure is that distribution split by the trials' outcome (successes over the
 * failures, on the same bins: the bars' whole height is the prior's draws), and below it
 * the share of trials succeeding in each bin, the power curve the assurance averages.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "plot_internal.h"

/* Equal-width bins over the drawn effects' range; a bin's share is drawn only with at least
 * MIN_SHARE_TRIALS trials (fewer give a share too noisy to read). */
#define BINS 30
#define MIN_SHARE_TRIALS 20

static int same_cell(const sim_plot_table *t, size_t a, size_t b)
{
    const int cols[] = {t->at[SIM_COL_SCENARIO], t->at[SIM_COL_N_TOTAL], t->at[SIM_COL_ANALYSIS]};
    for (size_t i = 0; i < SIM_ARRAY_LEN(cols); i++) {
        double x = sim_plot_value(t, cols[i], a), y = sim_plot_value(t, cols[i], b);
        if (cols[i] >= 0 && !(x == y || (isnan(x) && isnan(y))))
            return 0;
    }
    return 1;
}

int sim_plot_prior_applies(const sim_plot_table *t, const sim_selection *s)
{
    int c = t->at[SIM_COL_TRUE_EFFECT];
    if (c < 0 || s->count == 0)
        return 0;
    /* A design prior gives every trial of one cell its own truth; a sweep alone only
     * changes the truth between cells. */
    size_t first = s->row[0];
    double truth = sim_plot_value(t, c, first);
    for (size_t i = 1; i < s->count; i++) {
        double te = sim_plot_value(t, c, s->row[i]);
        if (same_cell(t, first, s->row[i]) && !isnan(te) && (isnan(truth) || te != truth))
            return 1;
    }
    return 0;
}

int sim_plot_prior(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                   double *scratch)
{
    sim_text details = {0}, estimate = {0}, xlabel = {0}, heading = {0};
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_ANALYSIS], "analysis ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_N_TOTAL], "n = ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_SCENARIO], "scenario ", 0, scratch, &details);
    sim_plot_describe_swept(t, s, scratch, &details, NULL, NULL);
    int ct = t->at[SIM_COL_TRUE_EFFECT], cr = t->at[SIM_COL_REJECT];
    double lo = INFINITY, hi = -INFINITY;
    size_t drawn = 0, successes = 0, no_benefit = 0, false_go = 0;
    for (size_t i = 0; i < s->count; i++) {
        double te = sim_plot_value(t, ct, s->row[i]);
        if (isnan(te))
            continue;
        int ok = sim_plot_value(t, cr, s->row[i]) == 1;
        drawn++;
        successes += (size_t)ok;
        no_benefit += te <= 0;
        false_go += (size_t)(ok && te <= 0);
        lo = fmin(lo, te);
        hi = fmax(hi, te);
    }
    if (drawn == 0)
        return sim_plot_fail(t, MSCSIM_ECONFIG, 0, "no true effect to draw: every one is NA (%s)",
                             details.s);
    if (drawn < s->count)
        SIM_TEXT_ITEM(&details, "NA true effects left out: %zu", s->count - drawn);
    double width = hi > lo ? (hi - lo) / BINS : 1.0;
    if (!(hi > lo))
        lo -= 0.5;
    size_t total[BINS] = {0}, won[BINS] = {0}, most = 0;
    for (size_t i = 0; i < s->count; i++) {
        double te = sim_plot_value(t, ct, s->row[i]);
        if (isnan(te))
            continue;
        size_t b = (size_t)((te - lo) / width);
        b = b < BINS ? b : BINS - 1; /* the maximum falls on the last bin's upper edge */
        most = ++total[b] > most ? total[b] : most;
        won[b] += sim_plot_value(t, cr, s->row[i]) == 1;
    }
    fputs("$effects << EOD\n", gp);
    for (int b = 0; b < BINS; b++) {
        sim_gp_num(gp, lo + ((double)b + 0.5) * width);
        fprintf(gp, " %zu %zu ", total[b], won[b]);
        sim_gp_num(gp, total[b] >= MIN_SHARE_TRIALS ? (double)won[b] / (double)total[b]
                                                     : (double)NAN);
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);

    sim_text_add(&heading, "True MSC effects drawn in %zu trials: assurance %.3f", drawn,
                 (double)successes / (double)drawn);
    SIM_TEXT_ITEM(&details, "P(no benefit) %.3f, false go %.3f", (double)no_benefit / (double)drawn,
                  no_benefit ? (double)false_go / (double)no_benefit : 0.0);
    sim_plot_estimate_label(t, s, &estimate);
    const char *words = "Estimated MSC effect";
    sim_text_add(&xlabel, "True MSC effect drawn from the prior%s",
                 strncmp(estimate.s, words, strlen(words)) == 0 ? estimate.s + strlen(words) : "");
    fputs("set multiplot layout 2,1 title ", gp);
    sim_gp_title_text(gp, opt->title, heading.s, &details);
    fputs(" margins 0.10, 0.97, 0.10, 0.84 spacing 0.08\nset xrange [", gp);
    sim_gp_num(gp, lo - width);
    fputc(':', gp);
    sim_gp_num(gp, lo + (BINS + 1) * width);
    fputs("]\n", gp);
    /* No benefit: the line at 0, when the draws reach it. */
    if (lo <= 0 && lo + BINS * width >= 0)
        fputs("set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead dt 2 lw 2 "
              "lc rgb '#555555' front\n",
              gp);
    fprintf(gp, "set boxwidth %.17g absolute\nset style fill solid 0.75 noborder\n", width * 0.9);
    sim_gp_cmd_str(gp, "set ylabel", "Simulated trials");
    /* Each panel's legend inside it (below the plots, the two would overlap the x label):
     * above the bars, in the room the y range leaves. */
    fprintf(gp, "set key inside top right box opaque\nset format x ''\nset yrange [0:%.17g]\n",
            1.3 * (double)most);
    fprintf(gp,
            "plot $effects using 1:2 with boxes lc rgb '#bbbbbb' title 'failed (%zu)', \\\n"
            "  $effects using 1:3 with boxes lc rgb '#cc3311' title 'succeeded (%zu)'\n",
            drawn - successes, successes);
    fputs("set key bottom right\nset format x '%g'\nset yrange [0:1]\n", gp);
    sim_gp_cmd_str(gp, "set xlabel", xlabel.s);
    sim_gp_cmd_str(gp, "set ylabel", "Share succeeding");
    fprintf(gp,
            "plot $effects using 1:4 with linespoints pt 7 lw 2 lc rgb '#cc3311' "
            "title 'success given the true effect (bins of >= %d trials)'\n"
            "unset multiplot\n",
            MIN_SHARE_TRIALS);
    return MSCSIM_OK;
}
