/* Replicates (`mscsim run --replicates`): the distribution of the estimate. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "plot_internal.h"

/* Histogram bars: Freedman-Diaconis can ask for thousands on heavy tails; more than this
 * are narrower than about 4 pixels across the plot and only add noise. */
#define MAX_BINS 250
/* Room left around the histogram and the true-effect line, as a share of their span. */
#define HIST_MARGIN 0.05

/* Sample quantile of sorted x, interpolating between order statistics (R's type 7). */
static double quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    return i + 1 < n ? x[i] + (h - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

typedef struct {
    double lo, width; /* the first bar's lower edge, every bar's width */
    size_t bins, most;
    size_t *count;
} histogram;

/* Bins the n > 0 sorted estimates x: Freedman-Diaconis bin width 2 IQR n^(-1/3); the
 * square-root rule when the IQR is 0 (a coarse scale); one bar of width 1 when every
 * estimate is the same. -1 when out of memory. */
static int histogram_build(const double *x, size_t n, histogram *h)
{
    double span = x[n - 1] - x[0];
    h->lo = x[0];
    h->width = 1;
    h->bins = 1;
    if (span > 0) {
        double fd = 2 * (quantile(x, n, 0.75) - quantile(x, n, 0.25)) / cbrt((double)n);
        double k = ceil(fd > 0 ? span / fd : sqrt((double)n));
        h->bins = k < 1 ? 1 : k > MAX_BINS ? MAX_BINS : (size_t)k;
        h->width = span / (double)h->bins;
    } else {
        h->lo -= h->width / 2;
    }
    h->count = calloc(h->bins, sizeof *h->count);
    if (!h->count)
        return -1;
    h->most = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)((x[i] - h->lo) / h->width);
        b = b < h->bins ? b : h->bins - 1; /* the maximum falls on the last bin's upper edge */
        if (++h->count[b] > h->most)
            h->most = h->count[b];
    }
    return 0;
}

/* The bars, the axes and the true effect's line (truth NaN: none). */
static void put_histogram(FILE *gp, const histogram *h, double truth, const char *xlabel)
{
    fputs("$bins << EOD\n", gp);
    for (size_t b = 0; b < h->bins; b++) {
        sim_gp_num(gp, h->lo + ((double)b + 0.5) * h->width);
        fprintf(gp, " %zu\n", h->count[b]);
    }
    fputs("EOD\n", gp);
    double xmin = fmin(h->lo, truth), xmax = fmax(h->lo + (double)h->bins * h->width, truth);
    double pad = HIST_MARGIN * (xmax - xmin);
    sim_gp_cmd_str(gp, "set xlabel", xlabel);
    fputs("set ylabel 'Simulated trials'\nset xrange [", gp);
    sim_gp_num(gp, xmin - pad);
    fputc(':', gp);
    sim_gp_num(gp, xmax + pad);
    fprintf(gp, "]\nset yrange [0:%.17g]\nset boxwidth %.17g absolute\n",
            (double)h->most * (1 + HIST_MARGIN) + 1, h->width);
    if (!isnan(truth)) {
        fputs("set arrow from first ", gp);
        sim_gp_num(gp, truth);
        fputs(", graph 0 to first ", gp);
        sim_gp_num(gp, truth);
        fputs(", graph 1 nohead lw 3 lc rgb '#cc3311' front\n", gp);
    }
    fputs("plot $bins using 1:2 with boxes fs solid 0.6 lc rgb '#4477aa' notitle", gp);
    if (!isnan(truth)) {
        char buf[64];
        snprintf(buf, sizeof buf, "true effect %.4g", truth);
        fputs(", \\\n  keyentry with lines lw 3 lc rgb '#cc3311' title ", gp);
        sim_gp_str(gp, buf);
    }
    fputc('\n', gp);
}

int sim_plot_replicates(sim_plot_table *t, FILE *gp, sim_selection *s,
                        const mscsim_plot_options *opt, double *scratch)
{
    sim_text details = {0}, heading = {0}, xlabel = {0};
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_ANALYSIS], "analysis ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_N_TOTAL], "n = ", 1, scratch, &details);
    sim_plot_narrow_to_first(t, s, t->at[SIM_COL_SCENARIO], "scenario ", 0, scratch, &details);
    sim_plot_describe_swept(t, s, scratch, &details, NULL, NULL);

    /* Failed analyses (NA estimates) are not drawn but count as not rejecting. */
    size_t n = 0, rejected = 0;
    double truth = (double)NAN;
    int varying = 0;
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        double est = sim_plot_value(t, t->at[SIM_COL_ESTIMATE], r);
        if (!isnan(est))
            scratch[n++] = est;
        rejected += sim_plot_value(t, t->at[SIM_COL_REJECT], r) == 1;
        double te = sim_plot_value(t, t->at[SIM_COL_TRUE_EFFECT], r);
        if (isnan(truth))
            truth = te;
        varying |= !isnan(te) && te != truth;
    }
    if (varying) { /* A design prior: every trial has its own truth, no single line. */
        truth = (double)NAN;
        SIM_TEXT_ITEM(&details, "true effects drawn per trial (design prior)");
    }
    if (n == 0)
        return sim_plot_fail(t, MSCSIM_ECONFIG, 0, "no estimate to draw: every one is NA (%s)",
                             details.s);
    if (n < s->count)
        SIM_TEXT_ITEM(&details, "NA estimates left out: %zu", s->count - n);
    qsort(scratch, n, sizeof *scratch, sim_plot_double_cmp);
    histogram h;
    if (histogram_build(scratch, n, &h))
        return sim_plot_fail(t, MSCSIM_ENOMEM, 0, "out of memory");

    sim_text_add(&heading, "Estimated MSC effect in %zu simulated trials: %.1f %% rejected",
                 s->count, 100.0 * (double)rejected / (double)s->count);
    sim_gp_title(gp, opt->title, heading.s, &details);
    sim_plot_estimate_label(t, s, &xlabel);
    put_histogram(gp, &h, truth, xlabel.s);
    free(h.count);
    return MSCSIM_OK;
}
