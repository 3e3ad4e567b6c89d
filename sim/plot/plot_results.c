/*
 * Results (`mscsim run`): power by total sample size, by one swept key, or a heat map over
 * two swept keys.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/config.h"
#include "plot_internal.h"

/* What the y axis (or the heat map's colour) shows, and its reference line. */
typedef struct {
    const char *label;  /* "Power", "Type I error" */
    double ref;         /* the target power or alpha; NaN: no line */
    double top;         /* the axis' upper end */
    sim_text ref_title; /* the reference line's legend entry */
    int null;           /* every point has no true effect */
} measure;

typedef struct {
    double group, x; /* line (or heat-map row) and position along x */
    size_t row;
} point;

static int point_cmp(const void *a, const void *b)
{
    const point *p = a, *q = b;
    if (p->group != q->group)
        return p->group < q->group ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->row < q->row ? -1 : p->row > q->row;
}

/* Where the selected values of swept column c go along an axis. order lists their level
 * indices sorted (numerically when every value is a number, else by first appearance);
 * pos[level] is a value's position: the number itself when numeric and by_value, else its
 * rank, so text values and heat-map cells sit at 0, 1, 2, ... */
typedef struct {
    size_t *order;
    double *pos;
    size_t count;
    int numeric;
} axis;

static int axis_build(const sim_plot_table *t, const sim_selection *s, int c, int by_value,
                      double *scratch, axis *a)
{
    const sim_csv_kept *col = &t->csv.col[c];
    a->order = malloc(col->nlevel * sizeof *a->order);
    a->pos = malloc(col->nlevel * sizeof *a->pos);
    if (!a->order || !a->pos)
        return -1;
    a->count = sim_plot_distinct(t, s, c, scratch);
    a->numeric = 1;
    for (size_t i = 0; i < a->count; i++) {
        const char *txt = col->level[(size_t)scratch[i]];
        double v = 0;
        a->order[i] = (size_t)scratch[i];
        a->numeric = a->numeric && sim_number_read(txt, strlen(txt), &v) == SIM_NUM_OK;
        a->pos[a->order[i]] = v;
    }
    /* Insertion sort: a swept key takes a handful of values. */
    for (size_t i = 1; a->numeric && i < a->count; i++)
        for (size_t j = i; j > 0 && a->pos[a->order[j - 1]] > a->pos[a->order[j]]; j--) {
            size_t tmp = a->order[j];
            a->order[j] = a->order[j - 1];
            a->order[j - 1] = tmp;
        }
    if (!(a->numeric && by_value))
        for (size_t i = 0; i < a->count; i++)
            a->pos[a->order[i]] = (double)i;
    return 0;
}

static void axis_free(axis *a)
{
    free(a->order);
    free(a->pos);
}

/* Tic labels at ranks 0, 1, ... from a text axis. */
static void put_tics(FILE *gp, const char *which, const sim_plot_table *t, int c, const axis *a)
{
    fprintf(gp, "set %stics (", which);
    for (size_t i = 0; i < a->count; i++) {
        if (i > 0)
            fputs(", ", gp);
        sim_gp_str(gp, t->csv.col[c].level[a->order[i]]);
        fprintf(gp, " %zu", i);
    }
    fputs(")\n", gp);
}

/* The x label of a results plot: the swept key, or the sample size. */
static void put_xlabel(FILE *gp, const sim_plot_table *t, int x_col)
{
    sim_gp_cmd_str(gp, "set xlabel",
                   x_col == t->at[SIM_COL_N_TOTAL]
                       ? sim_plot_column_label(SIM_COL_N_TOTAL)
                       : sim_plot_key_words(t->csv.col[x_col].spec.name));
}

/* The cells over the grid of the two keys; a contour at the reference value, when there
 * is one and the grid is complete. */
static void put_heat_map(FILE *gp, const sim_plot_table *t, const point *pt, size_t n, int x_col,
                         int y_col, const axis *ax, const axis *ay, const measure *m)
{
    fputs("$cells << EOD\n", gp);
    for (size_t i = 0; i < n; i++) {
        /* A blank line between rows of the grid, as splot's contours need. */
        if (i > 0 && pt[i].group != pt[i - 1].group)
            fputc('\n', gp);
        fprintf(gp, "%.17g %.17g ", pt[i].x, pt[i].group);
        sim_gp_num(gp, sim_plot_value(t, t->at[SIM_COL_POWER], pt[i].row));
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    put_xlabel(gp, t, x_col);
    sim_gp_cmd_str(gp, "set ylabel", sim_plot_key_words(t->csv.col[y_col].spec.name));
    fprintf(gp, "set xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\n", ax->count - 1, ay->count - 1);
    put_tics(gp, "x", t, x_col, ax);
    put_tics(gp, "y", t, y_col, ay);
    fprintf(gp, "unset grid\nset tics nomirror\nset cbrange [0:%.17g]\n", m->top);
    sim_gp_cmd_str(gp, "set cblabel", m->label);
    /* Viridis: lightness rises steadily, so 0.31 and 0.87 differ at a glance (and in
     * grey); the values are white on its dark half, black on its light half. */
    fputs("set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', "
          "1 '#fde725')\n",
          gp);
    if (!isnan(m->ref))
        fprintf(gp, "set cbtics add ('%s %g' %.17g)\n", m->null ? "alpha" : "target", m->ref,
                m->ref);
    int contour = !isnan(m->ref) && n == ax->count * ay->count && ax->count > 1 && ay->count > 1;
    if (contour) {
        fprintf(gp,
                "set contour base\nset cntrparam levels discrete %.17g\nunset surface\n"
                "set table $contour\nsplot $cells using 1:2:3 with lines notitle\n"
                "unset table\nunset contour\nset surface\n",
                m->ref);
    }
    fprintf(gp,
            "plot $cells using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder "
            "lc palette notitle, \\\n"
            "  $cells using 1:2:(sprintf('%%.2f', $3)):($3 < %.17g ? 0xffffff : 0x000000) "
            "with labels tc rgb variable notitle",
            m->top / 2);
    if (contour) {
        fputs(", \\\n  $contour using 1:2 with lines lw 4 lc rgb '#ffffff' notitle, \\\n"
              "  $contour using 1:2 with lines lw 2 dt 2 lc rgb '#000000' title ",
              gp);
        sim_gp_str(gp, m->ref_title.s);
    }
    fputc('\n', gp);
}

/* The y axis of a measure, and its reference line. */
static void put_y_axis(FILE *gp, const measure *m)
{
    sim_gp_cmd_str(gp, "set ylabel", m->label);
    fprintf(gp, "set yrange [0:%.17g]\n", m->top);
    fputs(m->top == 1 ? "set ytics 0.1\n" : "set ytics autofreq\n", gp);
    if (!isnan(m->ref))
        sim_gp_target_line(gp, m->ref);
}

static void put_reference_key(FILE *gp, const measure *m)
{
    if (!isnan(m->ref))
        sim_gp_line_key(gp, m->ref_title.s);
}

/* A single sample size: one dot per analysis with its 95 % Wilson interval, analyses
 * along x (a line over one n would be a dot and its band invisible). */
static void put_dot_plot(FILE *gp, const sim_plot_table *t, const sim_selection *s,
                         const measure *m)
{
    const int an = t->at[SIM_COL_ANALYSIS], an_col = t->at[SIM_COL_ANALYTIC];
    const int cols[] = {t->at[SIM_COL_POWER], t->at[SIM_COL_POWER_LO], t->at[SIM_COL_POWER_HI],
                        an_col};
    int analytic = 0;
    fputs("$dots << EOD\n", gp);
    for (size_t i = 0; i < s->count; i++) {
        fprintf(gp, "%zu", i);
        for (size_t j = 0; j < SIM_ARRAY_LEN(cols); j++) {
            double v = cols[j] >= 0 ? sim_plot_value(t, cols[j], s->row[i]) : (double)NAN;
            analytic |= j == 3 && !isnan(v);
            fputc(' ', gp);
            sim_gp_num(gp, v);
        }
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    sim_gp_cmd_str(gp, "set xlabel", sim_plot_column_label(SIM_COL_ANALYSIS));
    fputs("set xtics (", gp);
    for (size_t i = 0; i < s->count; i++) {
        fputs(i ? ", " : "", gp);
        sim_gp_str(gp, sim_plot_level(t, an, s->row[i]));
        fprintf(gp, " %zu", i);
    }
    fprintf(gp, ")\nset xrange [-0.5:%zu.5]\n", s->count - 1);
    put_y_axis(gp, m);
    fputs("plot $dots using 1:2:3:4 with yerrorbars pt 7 ps 2 lw 2 lc rgb '#4477aa' "
          "title 'simulated, 95 % Wilson interval'",
          gp);
    if (analytic)
        fputs(", \\\n  $dots using 1:5 with points pt 6 ps 2.5 lw 2 lc rgb '#cc3311' "
              "title 'analytic'",
              gp);
    put_reference_key(gp, m);
    fputc('\n', gp);
}

/* The swept key whose sweep is a tipping-point analysis (README: Missing-data sensitivity). */
#define TIPPING_KEY "analysis.mnar_delta"

/* On a sweep of TIPPING_KEY, each line's tipping point: of the places where its power
 * crosses the target between neighbouring deltas (linearly interpolated), the one nearest
 * delta 0, marked by a vertical line and labelled with its delta (low in the panel, clear
 * of the line, where power curves seldom run). */
static void put_tipping_points(FILE *gp, const sim_plot_table *t, const point *pt, size_t n,
                               const measure *m)
{
    const int pw = t->at[SIM_COL_POWER];
    for (size_t i = 0, g = 0; i < n; g++) {
        size_t end = i;
        while (end < n && pt[end].group == pt[i].group)
            end++;
        double best = NAN;
        for (size_t j = i; j + 1 < end; j++) {
            double p0 = sim_plot_value(t, pw, pt[j].row), p1 = sim_plot_value(t, pw, pt[j + 1].row);
            if ((p0 >= m->ref) == (p1 >= m->ref) || isnan(p0) || isnan(p1))
                continue;
            double x = pt[j].x + (m->ref - p0) / (p1 - p0) * (pt[j + 1].x - pt[j].x);
            if (isnan(best) || fabs(x) < fabs(best))
                best = x;
        }
        if (!isnan(best))
            fprintf(gp,
                    "set arrow from first %.17g, graph 0 to first %.17g, graph 1 nohead dt 2 "
                    "lw 2 lc %zu front\nset label 'tipping point %.3g' at first %.17g, "
                    "graph 0.03 rotate by 90 left offset -1.5, 0 textcolor lt %zu front\n",
                    best, best, g + 1, best, best, g + 1);
        i = end;
    }
}

/* One line per group: with the interval as a band and analytic power dashed (band), or
 * with error bars. x_axis is NULL when x is n_total. */
static void put_power_lines(FILE *gp, const sim_plot_table *t, const point *pt, size_t n,
                            int group_col, int x_col, const axis *x_axis, int band,
                            const measure *m)
{
    const int cols[] = {t->at[SIM_COL_POWER], t->at[SIM_COL_POWER_LO], t->at[SIM_COL_POWER_HI],
                        t->at[SIM_COL_ANALYTIC]};
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || pt[i].group != pt[i - 1].group)
            fprintf(gp, "%s$g%zu << EOD\n", i > 0 ? "EOD\n" : "", groups++);
        fprintf(gp, "%.17g", pt[i].x);
        for (size_t j = 0; j < SIM_ARRAY_LEN(cols); j++) {
            fputc(' ', gp);
            sim_gp_num(gp, cols[j] >= 0 ? sim_plot_value(t, cols[j], pt[i].row) : (double)NAN);
        }
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    put_xlabel(gp, t, x_col);
    if (x_axis && !x_axis->numeric)
        put_tics(gp, "x", t, x_col, x_axis);
    put_y_axis(gp, m);
    if (x_axis && x_axis->numeric && !m->null && !isnan(m->ref) &&
        strcmp(t->csv.col[x_col].spec.name, TIPPING_KEY) == 0)
        put_tipping_points(gp, t, pt, n, m);
    /* Beside the plot, one entry a line: below it, several analyses' entries run into
     * the x label and each other. */
    fputs("set key outside right top vertical Left reverse samplen 3 spacing 1.3\n"
          "set offsets graph 0.03, graph 0.03, 0, 0\nplot ",
          gp);
    for (size_t i = 0, g = 0; i < n; i++) {
        if (i > 0 && pt[i].group == pt[i - 1].group)
            continue;
        char buf[32];
        sim_text name = {0};
        const char *level = sim_plot_cell_text(t, group_col, pt[i].row, buf, sizeof buf);
        if (group_col == t->at[SIM_COL_N_TOTAL])
            sim_text_add(&name, "n = %s", level);
        else
            sim_text_add(&name, "%.100s", level);
        if (g > 0)
            fputs(", \\\n  ", gp);
        if (!band) {
            fprintf(gp, "$g%zu using 1:2:3:4 with yerrorlines lw 2 pt 7 lc %zu title ", g, g + 1);
            sim_gp_str(gp, name.s);
            g++;
            continue;
        }
        fprintf(gp,
                "$g%zu using 1:3:4 with filledcurves fs transparent solid 0.2 noborder "
                "lc %zu notitle, \\\n  $g%zu using 1:2 with linespoints lw 2 pt 7 lc %zu "
                "title ",
                g, g + 1, g, g + 1);
        sim_gp_str(gp, name.s);
        int analytic = 0;
        for (size_t j = i; cols[3] >= 0 && j < n && pt[j].group == pt[i].group; j++)
            analytic |= !isnan(sim_plot_value(t, cols[3], pt[j].row));
        if (analytic) {
            fprintf(gp, ", \\\n  $g%zu using 1:5 with lines dt 2 lw 2 lc %zu title ", g, g + 1);
            sim_text_add(&name, " (analytic)");
            sim_gp_str(gp, name.s);
        }
        g++;
    }
    put_reference_key(gp, m);
    fputc('\n', gp);
}

/* The config written beside the results (X.config.ini for X.csv): its alpha, or NaN
 * when it is not there or does not load. */
static double config_alpha(const char *csv_path)
{
    char *ini = sim_plot_beside(csv_path, ".csv", ".config.ini");
    mscsim_config *cfg = malloc(sizeof *cfg);
    mscsim_error err;
    double alpha = (double)NAN;
    if (ini && cfg && mscsim_config_load(ini, cfg, &err) == MSCSIM_OK)
        alpha = cfg->alpha;
    free(ini);
    free(cfg);
    return alpha;
}

/* Power, or the type I error when no selected point has a true effect (rejection_kind),
 * with alpha from the config beside the CSV as its line. */
static void measure_of(const sim_plot_table *t, const sim_selection *s, double target,
                       measure *m, sim_text *details)
{
    *m = (measure){.label = sim_plot_column_label(SIM_COL_POWER), .ref = target, .top = 1};
    int rk = t->at[SIM_COL_REJECTION_KIND];
    size_t nulls = 0, assurance = 0;
    for (size_t i = 0; rk >= 0 && i < s->count; i++) {
        nulls += strcmp(sim_plot_level(t, rk, s->row[i]), "type_i_error") == 0;
        assurance += strcmp(sim_plot_level(t, rk, s->row[i]), "assurance") == 0;
    }
    if (assurance > 0 && assurance == s->count) { /* a design prior: averaged over it */
        m->label = "Assurance";
        sim_text_add(&m->ref_title, "target assurance %g", target);
        return;
    }
    if (nulls < s->count) {
        if (nulls > 0)
            m->label = "Power (type I error where the true effect is 0)";
        sim_text_add(&m->ref_title, "target power %g", target);
        return;
    }
    m->null = 1;
    m->label = "Type I error";
    m->ref = config_alpha(t->path);
    if (isnan(m->ref))
        SIM_TEXT_ITEM(details, "no line at alpha: no loadable config beside the CSV");
    else
        sim_text_add(&m->ref_title, "alpha %g", m->ref);
    /* Rates near alpha are invisible on [0, 1]: the axis ends a quarter above them. */
    double top = isnan(m->ref) ? 0 : m->ref;
    for (size_t i = 0; i < s->count; i++)
        top = fmax(top, sim_plot_value(t, t->at[SIM_COL_POWER_HI], s->row[i]));
    m->top = top > 0 ? fmin(1, 1.25 * top) : 0.1;
}

/* What a results figure draws: x and line (or heat-map row) columns. */
typedef struct {
    int x_col, group_col, y_col; /* y_col: the heat map's second key, or -1 */
    int dots;                    /* a single n: one dot per analysis */
} layout;

/* Chooses the layout for nvary swept keys (the first two in vary), narrowing the
 * selection to what one figure shows; the heading gets the x (and y) description. */
static layout choose_layout(const sim_plot_table *t, sim_selection *s, int nvary,
                            const int vary[2], double *scratch, sim_text *by,
                            sim_text *details)
{
    int an = t->at[SIM_COL_ANALYSIS], nt = t->at[SIM_COL_N_TOTAL];
    layout l = {.x_col = nt, .group_col = an, .y_col = -1};
    if (nvary == 0 && sim_plot_distinct(t, s, nt, scratch) == 1) {
        l.dots = 1;
        sim_text_add(by, "analysis");
        SIM_TEXT_ITEM(details, "n = %.15g", sim_plot_value(t, nt, s->row[0]));
    } else if (nvary == 0) {
        sim_text_add(by, "total sample size");
    } else if (nvary == 1) {
        l.x_col = vary[0];
        sim_text_add(by, "%.100s", sim_plot_key_words(t->csv.col[l.x_col].spec.name));
        if (sim_plot_distinct(t, s, nt, scratch) > 1) {
            l.group_col = nt;
            sim_plot_narrow_to_first(t, s, an, "analysis ", 1, scratch, details);
        } else {
            sim_plot_narrow_to_first(t, s, nt, "n = ", 1, scratch, details);
        }
    } else {
        l.x_col = vary[0];
        l.y_col = vary[1];
        sim_text_add(by, "%.100s and %.100s", sim_plot_key_words(t->csv.col[l.x_col].spec.name),
                     sim_plot_key_words(t->csv.col[l.y_col].spec.name));
        sim_plot_narrow_to_first(t, s, an, "analysis ", 1, scratch, details);
        sim_plot_narrow_to_first(t, s, nt, "n = ", 1, scratch, details);
    }
    return l;
}

int sim_plot_results(sim_plot_table *t, FILE *gp, sim_selection *s, const mscsim_plot_options *opt,
                     double target, double *scratch)
{
    sim_text details = {0}, varying = {0}, heading = {0}, by = {0};
    sim_plot_outcome_words(t, s, &details, NULL);
    int vary[2] = {-1, -1};
    int nvary = sim_plot_describe_swept(t, s, scratch, &details, vary, &varying);
    if (nvary > 2)
        return sim_plot_fail(t, MSCSIM_ECONFIG, 0,
                             "%d swept keys take several values (%s); a plot shows at most two",
                             nvary, varying.s);
    layout l = choose_layout(t, s, nvary, vary, scratch, &by, &details);
    measure m;
    measure_of(t, s, target, &m, &details);
    int own_label = m.null || strcmp(m.label, "Assurance") == 0;
    sim_text_add(&heading, "%s by %s", own_label ? m.label : "Power", by.s);

    int nt = t->at[SIM_COL_N_TOTAL], x_col = l.x_col, y_col = l.y_col;
    axis ax = {0}, ay = {0};
    point *pt = malloc(s->count * sizeof *pt);
    int status = MSCSIM_OK;
    if (!pt || (x_col != nt && axis_build(t, s, x_col, y_col < 0, scratch, &ax)) ||
        (y_col >= 0 && axis_build(t, s, y_col, 0, scratch, &ay)))
        status = sim_plot_fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    for (size_t i = 0; !status && i < s->count; i++) {
        size_t r = s->row[i];
        double x = sim_plot_value(t, x_col, r);
        pt[i] = (point){.row = r,
                        .x = x_col == nt ? x : ax.pos[(size_t)x],
                        .group = y_col >= 0 ? ay.pos[(size_t)sim_plot_value(t, y_col, r)]
                                            : sim_plot_value(t, l.group_col, r)};
    }
    if (!status)
        qsort(pt, s->count, sizeof *pt, point_cmp);
    int gcol = y_col >= 0 ? y_col : l.group_col;
    for (size_t i = 1; !status && i < s->count; i++)
        if (pt[i].group == pt[i - 1].group && pt[i].x == pt[i - 1].x) {
            char b1[32], b2[32];
            status = sim_plot_fail(
                t, MSCSIM_ECONFIG, t->csv.row_line[pt[i].row],
                "the same point as line %ld (%s %.60s, %s %.60s): rows must differ "
                "in analysis, n_total or a swept key",
                t->csv.row_line[pt[i - 1].row], t->csv.col[gcol].spec.name,
                sim_plot_cell_text(t, gcol, pt[i].row, b1, sizeof b1), t->csv.col[x_col].spec.name,
                sim_plot_cell_text(t, x_col, pt[i].row, b2, sizeof b2));
        }
    if (!status) {
        sim_gp_title(gp, opt->title, heading.s, &details);
        if (l.dots)
            put_dot_plot(gp, t, s, &m);
        else if (y_col >= 0)
            put_heat_map(gp, t, pt, s->count, x_col, y_col, &ax, &ay, &m);
        else
            put_power_lines(gp, t, pt, s->count, l.group_col, x_col, x_col == nt ? NULL : &ax,
                            nvary == 0, &m);
    }
    axis_free(&ax);
    axis_free(&ay);
    free(pt);
    return status;
}
