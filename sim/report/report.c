/* _POSIX_C_SOURCE: open_memstream. */
#define _POSIX_C_SOURCE 200809L
/* The report: its sections in order, from the files of one run (mscsim/report.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "internal.h"
#include "mscsim/version.h"
#include "report_internal.h"

/* Share of failed trials, coverage and floor/ceiling shares beyond which a row is flagged
 * at the top (the thresholds of the run's own warnings). */
#define FAILURE_SHARE 0.01
#define LOW_COVERAGE 0.93
#define FLOOR_CEILING_SHARE 0.5
/* Warnings listed one by one before the rest are counted. */
#define MAX_LISTED_WARNINGS 24

/* The results columns every results CSV has, shown in the main table (or not at all);
 * any other column belongs to a feature's section or to "other columns". */
static const char *const base_columns[] = {
    "scenario",   "analysis",        "n_total",        "n_control",     "n_msc",
    "reps",       "rejections",      "power",          "power_lo",      "power_hi",
    "true_effect", "mean_estimate",  "bias",           "empirical_se",  "mean_se",
    "rmse",       "coverage",        "mean_n_analysed", "failures",     "true_effect_mcse",
    "mean_deaths", "floor_share",    "ceiling_share",  "recovery_slope", "missing_control",
    "missing_msc", "rejection_kind", "analytic_power", "model",         "scale",
    "endpoint",   "missing",         "warnings"};
/* The design labels every file ends with (the design table names them already). */
static const char *const design_columns[] = {"model", "scale", "endpoint", "missing"};
/* The columns of group-sequential designs (interim looks) and of a design prior. */
static const char *const interim_columns[] = {"expected_n", "expected_n_analysed",
                                              "expected_months", "stop_efficacy",
                                              "stop_futility"};
static const char *const prior_columns[] = {"prior_p_benefit", "p_success_and_benefit",
                                            "p_success_given_no_benefit",
                                            "mean_true_effect_success"};

static int in_list(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* A swept key's column: its name holds a dot (section.key). */
static int is_swept(const char *name)
{
    return strchr(name, '.') != NULL;
}

typedef struct {
    const mscsim_report_input *in;
    FILE *out;
    sim_report_config config;
    sim_report_table results, answer, looks;
    int has_answer, has_looks;
    const char *analysis; /* the primary analysis */
    double target;
    size_t chosen_row; /* the results row of the chosen n (SIZE_MAX: none) */
    sim_report_choice choice;
    int from_samplesize;
    /* The rejection_kind every results row shares ("power", "type_i_error", "assurance"),
     * or NULL when they differ. */
    const char *kind;
} report;

/* The words of a rejection_kind for a column header. */
static const char *kind_words(const char *kind)
{
    return strcmp(kind, "type_i_error") == 0 ? "type I error"
           : strcmp(kind, "assurance") == 0  ? "assurance"
                                             : "power";
}

/* 1 when every results row is of a null design (its power is the type I error). */
static int null_design(const report *r)
{
    return r->kind && strcmp(r->kind, "type_i_error") == 0;
}

/* A file as the page names it: its base name for the report's own temporaries. */
static const char *shown(const report *r, const char *path)
{
    const char *slash = strrchr(path, '/');
    return r->in->origin && slash ? slash + 1 : path;
}

static const char *cell(const sim_report_table *t, const char *name, size_t row)
{
    const char *s = sim_report_text(t, sim_report_col(t, name), row);
    return s ? s : "";
}

/* ---- the page's frame ---- */

static const char style[] =
    "body{font-family:sans-serif;font-size:10.5pt;line-height:1.4;color:#111;margin:0 auto;"
    "max-width:190mm;padding:8mm 10mm}\n"
    "h1{font-size:17pt;margin:0 0 2mm}h2{font-size:13pt;margin:7mm 0 2mm;border-bottom:1px "
    "solid #999}h3{font-size:11pt;margin:4mm 0 1mm}\n"
    "table{border-collapse:collapse;font-size:8.5pt;margin:2mm 0;width:100%}\n"
    "th,td{border:1px solid #bbb;padding:1px 3px;text-align:left;vertical-align:top}\n"
    "th{background:#eee;font-weight:600}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "td.value{overflow-wrap:break-word;max-width:50mm}tr.default td{color:#666}\n"
    "td.nw{white-space:nowrap}#results,#looks{font-size:7.5pt}\n"
    "#results td,#results th,#looks td,#looks th{padding:1px 2px}\n"
    "figure{margin:3mm 0;page-break-inside:avoid;break-inside:avoid}\n"
    "figure svg{width:100%;height:auto;display:block}\n"
    "figcaption{font-size:9pt;color:#333}\n"
    "pre{font-size:8pt;background:#f6f6f6;padding:2mm;white-space:pre-wrap;"
    "overflow-wrap:anywhere}\n"
    ".warnings{border:2px solid #b00;background:#fff3f3;padding:1mm 4mm;margin:3mm 0}\n"
    ".ok{border:1px solid #595;background:#f3fff3;padding:1mm 4mm;margin:3mm 0}\n"
    ".draft{border-left:4px solid #357;padding-left:3mm;background:#f4f7fb}\n"
    ".meta{color:#444;font-size:9pt}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:9.5pt}h2{break-after:avoid}"
    "tr{break-inside:avoid}details>summary{display:none}}\n";

static void begin_page(report *r)
{
    FILE *out = r->out;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
    sim_html_printf(out, "mscsim report: %s", r->config.cfg.name);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    sim_html_printf(out, "Sample size and power: %s", r->config.cfg.name);
    fputs("</h1>\n<p class=\"meta\">", out);
    if (r->in->origin)
        sim_html_printf(out, "A planner's report by mscsim %s, from %s.", MSCSIM_VERSION_STRING,
                        r->in->origin);
    else
        sim_html_printf(out, "A planner's report by mscsim %s, from %s and its resolved config "
                             "%s.",
                        MSCSIM_VERSION_STRING, r->in->results_path, r->in->config_path);
    fputs(" Every number below comes from the simulation files named here; the "
          "justification paragraph is a draft for the planner to edit.</p>\n",
          out);
}

/* ---- warnings ---- */

typedef struct {
    FILE *out;
    int count;
} warning_list;

/* Lists one warning about results row `row`; msg is the run's or the report's words. */
static void warn(warning_list *w, const sim_report_table *t, size_t row, const char *msg)
{
    if (++w->count > MAX_LISTED_WARNINGS)
        return;
    if (w->count == 1)
        fputs("<div class=\"warnings\"><h2>Warnings</h2>\n<ul>\n", w->out);
    fputs("<li>", w->out);
    const char *scenario = cell(t, "scenario", row);
    if (strcmp(scenario, "1") != 0)
        sim_html_printf(w->out, "scenario %s, ", scenario);
    sim_html_printf(w->out, "n = %s, %s: %s", cell(t, "n_total", row), cell(t, "analysis", row),
                    msg);
    fputs("</li>\n", w->out);
}

static void warnings(report *r)
{
    const sim_report_table *t = &r->results;
    warning_list w = {r->out, 0};
    double alpha = r->config.cfg.alpha;
    char msg[768];
    for (size_t i = 0; i < t->csv.nrow; i++) {
        double reps = sim_report_value(t, "reps", i);
        double failures = sim_report_value(t, "failures", i);
        double coverage = sim_report_value(t, "coverage", i);
        double floor_share = sim_report_value(t, "floor_share", i);
        double ceiling_share = sim_report_value(t, "ceiling_share", i);
        if (failures > FAILURE_SHARE * reps) {
            snprintf(msg, sizeof msg,
                     "%.1f %% of the simulated trials could not be analysed (they count as not "
                     "rejecting, which lowers the power)",
                     100 * failures / reps);
            warn(&w, t, i, msg);
        }
        /* Below 0.93, and beyond the Monte Carlo error of a true 0.95 (2 SE), so a few
         * hundred trials do not raise it by chance. */
        double computed = reps - failures;
        if (coverage < LOW_COVERAGE && computed > 0 &&
            coverage < 0.95 - 2 * sqrt(0.95 * 0.05 / computed)) {
            snprintf(msg, sizeof msg,
                     "coverage of the 95 %% confidence interval is %.3f, below %.2f and beyond "
                     "the Monte Carlo error of 0.95: the interval (or the estimate) is not to "
                     "be trusted here",
                     coverage, LOW_COVERAGE);
            warn(&w, t, i, msg);
        }
        if (floor_share > FLOOR_CEILING_SHARE) {
            snprintf(msg, sizeof msg, "%.0f %% of primary scores are at the scale's floor",
                     100 * floor_share);
            warn(&w, t, i, msg);
        }
        if (ceiling_share > FLOOR_CEILING_SHARE) {
            snprintf(msg, sizeof msg, "%.0f %% of primary scores are at the scale's ceiling",
                     100 * ceiling_share);
            warn(&w, t, i, msg);
        }
        if (strcmp(cell(t, "rejection_kind", i), "type_i_error") == 0 &&
            sim_report_value(t, "power_lo", i) > alpha) {
            snprintf(msg, sizeof msg, "the type I error's 95 %% interval lies above alpha = %g",
                     alpha);
            warn(&w, t, i, msg);
        }
        if (isnan(sim_report_value(t, "power", i)))
            warn(&w, t, i, "no power could be estimated");
        const char *text = cell(t, "warnings", i);
        if (text[0] && strcmp(text, "NA") != 0)
            warn(&w, t, i, text);
    }
    if (w.count > MAX_LISTED_WARNINGS)
        fprintf(r->out, "<li>and %d more</li>\n", w.count - MAX_LISTED_WARNINGS);
    if (w.count)
        fputs("</ul>\n</div>\n", r->out);
    else
        fputs("<div class=\"ok\">No warnings: no results row has more than 1 % failed "
              "analyses, coverage below 0.93 (beyond its Monte Carlo error), a floor or ceiling "
              "share above 0.5, or a type I error above alpha.</div>\n",
              r->out);
}

/* ---- the results tables ---- */

static void num_cell(FILE *out, double v, int decimals)
{
    char buf[64];
    fprintf(out, "<td class=\"num\">%s</td>", sim_html_num(buf, sizeof buf, v, decimals));
}

/* The analysis and "n (control + msc)" cells of row i of a results or answer table. */
static void analysis_n_cells(FILE *out, const sim_report_table *t, size_t i)
{
    fputs("<td>", out);
    sim_html_text(out, cell(t, "analysis", i));
    fputs("</td><td class=\"num nw\">", out);
    sim_html_printf(out, "%s (%s + %s)", cell(t, "n_total", i), cell(t, "n_control", i),
                    cell(t, "n_msc", i));
    fputs("</td>", out);
}

/* A power's 95 % interval cell, from the row's power_lo and power_hi. */
static void interval_cell(FILE *out, const sim_report_table *t, size_t i)
{
    char lo[64], hi[64];
    fprintf(out, "<td class=\"num nw interval\">%s&ndash;%s</td>",
            sim_html_num(lo, sizeof lo, sim_report_value(t, "power_lo", i), 4),
            sim_html_num(hi, sizeof hi, sim_report_value(t, "power_hi", i), 4));
}

/* The leading cells of a row: scenario and swept values (with a sweep), analysis, n. */
static void row_head(report *r, const sim_report_table *t, size_t i)
{
    FILE *out = r->out;
    fprintf(out, "<tr data-scenario=\"");
    sim_html_text(out, cell(t, "scenario", i));
    fprintf(out, "\" data-analysis=\"");
    sim_html_text(out, cell(t, "analysis", i));
    fprintf(out, "\" data-n=\"");
    sim_html_text(out, cell(t, "n_total", i));
    fputs("\">", out);
    if (r->config.cfg.sweep_count) {
        fputs("<td>", out);
        sim_html_text(out, cell(t, "scenario", i));
        fputs("</td>", out);
        for (size_t c = 0; c < t->csv.nheader; c++)
            if (is_swept(t->csv.header[c])) {
                fputs("<td>", out);
                sim_html_text(out, sim_report_text(t, (int)c, i));
                fputs("</td>", out);
            }
    }
    analysis_n_cells(out, t, i);
}

static void table_head(report *r, const sim_report_table *t, const char *id, const char *rest)
{
    fprintf(r->out, "<table id=\"%s\">\n<thead><tr>", id);
    if (r->config.cfg.sweep_count) {
        fputs("<th>scenario</th>", r->out);
        for (size_t c = 0; c < t->csv.nheader; c++)
            if (is_swept(t->csv.header[c])) {
                fputs("<th>", r->out);
                sim_html_text(r->out, t->csv.header[c]);
                fputs("</th>", r->out);
            }
    }
    fprintf(r->out, "<th>analysis</th><th>n (control + MSC)</th>%s</tr></thead>\n<tbody>\n",
            rest);
}

static void results_table(report *r)
{
    const sim_report_table *t = &r->results;
    FILE *out = r->out;
    char head[512];
    snprintf(head, sizeof head,
             "<th>trials</th><th>%s</th><th>95 %% MC interval</th><th>analytic power</th>"
             "<th>true effect</th><th>bias</th><th>SE: empirical / mean</th>"
             "<th>coverage</th><th>failed trials</th><th>missing, control / MSC</th>",
             r->kind ? kind_words(r->kind) : "power (or as marked)");
    table_head(r, t, "results", head);
    for (size_t i = 0; i < t->csv.nrow; i++) {
        row_head(r, t, i);
        char lo[64], hi[64];
        fprintf(out, "<td class=\"num\">%s</td>", cell(t, "reps", i));
        /* Rows of different kinds (a null grid point in a sweep) say which they are. */
        const char *kind = cell(t, "rejection_kind", i);
        fprintf(out, "<td class=\"num power\">%s%s%s%s</td>",
                sim_html_num(lo, sizeof lo, sim_report_value(t, "power", i), 4),
                r->kind ? "" : " (", r->kind ? "" : kind_words(kind), r->kind ? "" : ")");
        interval_cell(out, t, i);
        num_cell(out, sim_report_value(t, "analytic_power", i), 4);
        num_cell(out, sim_report_value(t, "true_effect", i), 4);
        num_cell(out, sim_report_value(t, "bias", i), 4);
        fprintf(out, "<td class=\"num\">%s / %s</td>",
                sim_html_num(lo, sizeof lo, sim_report_value(t, "empirical_se", i), 4),
                sim_html_num(hi, sizeof hi, sim_report_value(t, "mean_se", i), 4));
        num_cell(out, sim_report_value(t, "coverage", i), 3);
        fprintf(out, "<td class=\"num\">%s</td>", cell(t, "failures", i));
        fprintf(out, "<td class=\"num\">%s / %s</td></tr>\n",
                sim_html_num(lo, sizeof lo, sim_report_value(t, "missing_control", i), 2),
                sim_html_num(hi, sizeof hi, sim_report_value(t, "missing_msc", i), 2));
    }
    fputs("</tbody>\n</table>\n", out);
}

/* A table of the given columns of t (those present), after the row's head; returns how
 * many columns it showed (0: no table). */
static int columns_table(report *r, const sim_report_table *t, const char *id,
                         const char *const *names, size_t count)
{
    /* A column NA in every row (futility_z without futility) says nothing: left out. */
    /* A column of whole numbers only (looks, patients) is shown without decimals. */
    int shown[64], whole[64], n = 0;
    for (size_t c = 0; c < t->csv.nheader && n < 64; c++) {
        int informative = 0, integral = 1;
        for (size_t i = 0; i < t->csv.nrow; i++) {
            const char *v = sim_report_text(t, (int)c, i);
            double x = sim_report_num(t, (int)c, i);
            informative |= v[0] && strcmp(v, "NA") != 0;
            integral &= isnan(x) || (x == floor(x) && fabs(x) < 1e9);
        }
        if (informative && in_list(t->csv.header[c], names, count)) {
            whole[n] = integral;
            shown[n++] = (int)c;
        }
    }
    if (!n)
        return 0;
    char rest[4096] = "";
    for (int k = 0; k < n; k++) {
        /* Long column names may break after their underscores. */
        sim_append(rest, sizeof rest, "<th>");
        for (const char *p = t->csv.header[shown[k]]; *p; p++) {
            char one[2] = {*p, '\0'};
            sim_append(rest, sizeof rest, one);
            if (*p == '_')
                sim_append(rest, sizeof rest, "<wbr>");
        }
        sim_append(rest, sizeof rest, "</th>");
    }
    table_head(r, t, id, rest);
    for (size_t i = 0; i < t->csv.nrow; i++) {
        row_head(r, t, i);
        for (int k = 0; k < n; k++) {
            double v = sim_report_num(t, shown[k], i);
            if (isnan(v)) {
                fputs("<td>", r->out);
                sim_html_text(r->out, sim_report_text(t, shown[k], i));
                fputs("</td>", r->out);
            } else {
                num_cell(r->out, v, whole[k] ? 0 : 4);
            }
        }
        fputs("</tr>\n", r->out);
    }
    fputs("</tbody>\n</table>\n", r->out);
    return n;
}

/* ---- choosing the n the report is about ---- */

/* The answer row of the primary analysis in scenario 1, or SIZE_MAX. */
static size_t answer_row(const report *r)
{
    for (size_t i = 0; r->has_answer && i < r->answer.csv.nrow; i++)
        if (strcmp(cell(&r->answer, "analysis", i), r->analysis) == 0 &&
            strcmp(cell(&r->answer, "scenario", i), "1") == 0)
            return i;
    return SIZE_MAX;
}

/* The results row of the primary analysis, scenario 1 and total n, or SIZE_MAX. */
static size_t results_row(const report *r, double n)
{
    const sim_report_table *t = &r->results;
    for (size_t i = 0; i < t->csv.nrow; i++)
        if (strcmp(cell(t, "analysis", i), r->analysis) == 0 &&
            strcmp(cell(t, "scenario", i), "1") == 0 && sim_report_value(t, "n_total", i) == n)
            return i;
    return SIZE_MAX;
}

/* The sample-size answer when there is one, else the smallest simulated n whose power
 * reaches the target, else the largest n; fills r->choice. */
static void choose_n(report *r)
{
    const sim_report_table *t = &r->results;
    sim_report_choice *ch = &r->choice;
    memset(ch, 0, sizeof *ch);
    ch->results_path = r->in->results_path;
    ch->analysis = r->analysis;
    ch->target = r->target;
    size_t a = answer_row(r);
    double best = NAN, largest = NAN;
    for (size_t i = 0; i < t->csv.nrow; i++) {
        if (strcmp(cell(t, "analysis", i), r->analysis) != 0 ||
            strcmp(cell(t, "scenario", i), "1") != 0)
            continue;
        double n = sim_report_value(t, "n_total", i);
        if (sim_report_value(t, "power", i) >= r->target && !(n >= best))
            best = n;
        if (!(n <= largest))
            largest = n;
    }
    double n = a != SIZE_MAX ? sim_report_value(&r->answer, "n_total", a)
               : !isnan(best) ? best
                              : largest;
    r->from_samplesize = a != SIZE_MAX;
    r->chosen_row = results_row(r, n);
    const sim_report_table *src = a != SIZE_MAX ? &r->answer : t;
    size_t row = a != SIZE_MAX ? a : r->chosen_row;
    ch->n_total = (long)n;
    ch->n_control = (long)sim_report_value(src, "n_control", row);
    ch->n_msc = (long)sim_report_value(src, "n_msc", row);
    ch->power = sim_report_value(src, "power", row);
    ch->power_lo = sim_report_value(src, "power_lo", row);
    ch->power_hi = sim_report_value(src, "power_hi", row);
    ch->reps = sim_report_value(src, "reps", row);
    ch->from_samplesize = r->from_samplesize;
    if (a != SIZE_MAX)
        ch->trials = (long)sim_report_value(&r->answer, "trials", a);
    size_t c = r->chosen_row;
    ch->true_effect = c != SIZE_MAX ? sim_report_value(t, "true_effect", c) : (double)NAN;
    ch->empirical_se = c != SIZE_MAX ? sim_report_value(t, "empirical_se", c) : (double)NAN;
    ch->analytic_power = c != SIZE_MAX ? sim_report_value(t, "analytic_power", c) : (double)NAN;
}

/* ---- the sections ---- */

static int power_section(report *r, mscsim_error *err)
{
    FILE *out = r->out;
    fputs("<h2 id=\"sec-power\">2. Power against sample size</h2>\n", out);
    const mscsim_config *cfg = &r->config.cfg;
    mscsim_plot_options opt = {.target = r->target, .scenario = cfg->sweep_count ? "1" : NULL};
    char caption[512];
    if (null_design(r))
        snprintf(caption, sizeof caption,
                 "Figure 1. With no true effect, the simulated type I error against the total "
                 "number randomized%s: 95 %% Monte Carlo (Wilson) interval as a band, alpha = %g "
                 "as a line.",
                 cfg->sweep_count ? " in scenario 1 of the sweep" : "", cfg->alpha);
    else
        snprintf(caption, sizeof caption,
                 "Figure 1. Simulated power against the total number randomized%s: 95 %% Monte "
                 "Carlo (Wilson) interval as a band, the closed-form power dashed where one "
                 "exists, the target %g as a line.",
                 cfg->sweep_count ? " in scenario 1 of the sweep" : "", r->target);
    int status = sim_html_figure(out, r->in->scratch_dir, "power", r->in->results_path, &opt,
                                 caption, err);
    if (status)
        return status;
    fputs("<p>Every results row: power with its 95 % Monte Carlo interval, the closed-form "
          "power (NA where none exists), and the bias, precision and coverage of the effect "
          "estimate; failures are trials whose analysis could not be computed (counted as not "
          "rejecting); missing is the realised share of patients without an analysed "
          "outcome.</p>\n",
          out);
    results_table(r);
    fputs("<h3>Sample size</h3>\n", out);
    size_t a = answer_row(r);
    if (r->has_answer) {
        sim_html_printf(out, "Sample-size search for a target power of %s (%s):",
                        cell(&r->answer, "target", 0), shown(r, r->in->samplesize_path));
        fputs("<table id=\"samplesize\">\n<thead><tr><th>scenario</th><th>analysis</th>"
              "<th>n (control + MSC)</th><th>power</th><th>95 % MC interval</th><th>trials "
              "per confirmation</th><th>one block below</th><th>its power</th><th>formula's "
              "n</th><th>trials in all</th></tr></thead>\n<tbody>\n",
              out);
        for (size_t i = 0; i < r->answer.csv.nrow; i++) {
            const sim_report_table *t = &r->answer;
            fputs("<tr><td>", out);
            sim_html_text(out, cell(t, "scenario", i));
            fputs("</td>", out);
            analysis_n_cells(out, t, i);
            num_cell(out, sim_report_value(t, "power", i), 4);
            interval_cell(out, t, i);
            fprintf(out, "<td class=\"num\">%s</td><td class=\"num\">", cell(t, "reps", i));
            sim_html_text(out, cell(t, "n_total_below", i));
            fputs("</td>", out);
            num_cell(out, sim_report_value(t, "power_below", i), 4);
            fputs("<td class=\"num\">", out);
            sim_html_text(out, cell(t, "analytic_n", i));
            fputs("</td><td class=\"num\">", out);
            sim_html_text(out, cell(t, "trials", i));
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody>\n</table>\n", out);
        if (a != SIZE_MAX && r->in->origin && r->chosen_row != SIZE_MAX)
            sim_html_printf(out, "The report's run simulated the answer, n = %ld, with the "
                                 "config's sizes: it is in the results above.",
                            r->choice.n_total);
        if (r->in->trace_path) {
            mscsim_plot_options topt = {.analysis = r->analysis};
            status = sim_html_figure(out, r->in->scratch_dir, "trace", r->in->trace_path, &topt,
                                     "Figure 2. The sample-size search: every candidate n with "
                                     "its power and 95 % interval, then the confirmation at the "
                                     "answer and one block below with independent trials.",
                                     err);
            if (status)
                return status;
        }
    } else {
        fputs("<p>No sample-size search was run for this report (mscsim report --target P runs "
              "one).</p>\n",
              out);
    }
    char pw[64];
    if (null_design(r)) {
        fputs("<p>The true effect is 0 in this design: its rows are the type I error of the "
              "analysis, and no size is chosen for power.</p>\n",
              out);
    } else if (a == SIZE_MAX && r->chosen_row != SIZE_MAX) {
        const char *how = r->choice.power >= r->target
                              ? "the smallest simulated size whose power reaches the target"
                              : "no simulated size reaches the target; the largest is used";
        sim_html_printf(out, "The report's chosen size for %s is n = %ld (%s: power %s).",
                        r->analysis, r->choice.n_total, how,
                        sim_html_num(pw, sizeof pw, r->choice.power, 4));
    }
    return MSCSIM_OK;
}

/* The prior and decision settings of the resolved config, listed. */
static void prior_settings(report *r)
{
    int any = 0;
    for (size_t i = 0; i < r->config.count; i++) {
        const sim_report_setting *s = &r->config.set[i];
        if (strcmp(s->section, "prior") != 0 && strcmp(s->section, "decision") != 0)
            continue;
        fputs(any++ ? ", " : "<p>Design prior and decision rule: ", r->out);
        sim_html_printf(r->out, "[%s] %s = %s", s->section, s->key, s->value);
    }
    if (any)
        fputs(".</p>\n", r->out);
}

static int sensitivity_section(report *r, mscsim_error *err)
{
    FILE *out = r->out;
    const mscsim_config *cfg = &r->config.cfg;
    const sim_report_table *t = &r->results;
    /* Every results CSV has the interim columns (NA or n_total without looks): a design has
     * looks when a row has a stopping probability, or a looks file lies beside it. */
    int interim = 0, assurance = 0;
    for (size_t i = 0; i < t->csv.nrow; i++) {
        interim |= !isnan(sim_report_value(t, "stop_efficacy", i)) ||
                   !isnan(sim_report_value(t, "stop_futility", i));
        assurance |= strcmp(cell(t, "rejection_kind", i), "assurance") == 0;
    }
    fputs("<h2 id=\"sec-sensitivity\">3. Sensitivity</h2>\n", out);
    if (!cfg->sweep_count && !interim && !r->has_looks && !assurance)
        fputs("<p>The config has no [sweep], interim looks or design prior: power is for the "
              "single set of assumptions above.</p>\n",
              out);
    if (cfg->sweep_count) {
        int varying = 0;
        for (int k = 0; k < cfg->sweep_count; k++)
            varying += cfg->sweep[k].value_count > 1;
        if (varying <= 2) {
            mscsim_plot_options opt = {.target = r->target, .analysis = r->analysis};
            if (varying == 2 && r->chosen_row != SIZE_MAX)
                opt.n_total = r->choice.n_total;
            char caption[512];
            snprintf(caption, sizeof caption,
                     "Figure 3. Power of %s over the sweep's grid%s.", r->analysis,
                     varying == 2 ? " (a heat map at one n, with the target's contour)"
                                  : ", one line per n, with 95 % intervals");
            int status = sim_html_figure(out, r->in->scratch_dir, "sweep", r->in->results_path,
                                         &opt, caption, err);
            if (status)
                return status;
        } else {
            fputs("<p>More than two swept keys vary: no figure; the results table lists every "
                  "grid point.</p>\n",
                  out);
        }
    }
    if (interim || r->has_looks) {
        fputs("<h3>Interim looks</h3>\n<p>Group-sequential design: power is the probability "
              "of rejecting at any look; expected sample sizes and the probabilities of "
              "stopping early for efficacy or futility:</p>\n",
              out);
        columns_table(r, t, "interim", interim_columns, SIM_ARRAY_LEN(interim_columns));
        if (r->has_looks) {
            const sim_report_table *l = &r->looks;
            sim_html_printf(out, "Boundaries and stopping at each look (%s):",
                            shown(r, r->in->looks_path));
            const char *names[SIM_CSV_MAX_FIELDS > 64 ? 64 : SIM_CSV_MAX_FIELDS];
            size_t count = 0;
            for (size_t c = 0; c < l->csv.nheader && count < 64; c++)
                if (!is_swept(l->csv.header[c]) && strcmp(l->csv.header[c], "scenario") &&
                    strcmp(l->csv.header[c], "analysis") && strcmp(l->csv.header[c], "n_total") &&
                    strcmp(l->csv.header[c], "n_control") && strcmp(l->csv.header[c], "n_msc") &&
                    strcmp(l->csv.header[c], "reps") &&
                    !in_list(l->csv.header[c], design_columns, SIM_ARRAY_LEN(design_columns)))
                    names[count++] = l->csv.header[c];
            columns_table(r, l, "looks", names, count);
        }
    }
    if (assurance) {
        fputs("<h3>Assurance</h3>\n<p>Rows marked assurance simulate each trial with its own "
              "parameter values drawn from the design prior: their power is the assurance, the "
              "probability of success averaged over what is known of the effect.</p>\n",
              out);
        prior_settings(r);
        columns_table(r, t, "assurance", prior_columns, SIM_ARRAY_LEN(prior_columns));
    }
    /* Columns no section above explains (a feature this report does not know yet). */
    const char *other[64];
    size_t count = 0;
    for (size_t c = 0; c < t->csv.nheader && count < 64; c++) {
        const char *h = t->csv.header[c];
        if (!is_swept(h) && !in_list(h, base_columns, SIM_ARRAY_LEN(base_columns)) &&
            !in_list(h, interim_columns, SIM_ARRAY_LEN(interim_columns)) &&
            !in_list(h, prior_columns, SIM_ARRAY_LEN(prior_columns)))
            other[count++] = h;
    }
    if (count) {
        fputs("<h3>Other results columns</h3>\n", out);
        columns_table(r, t, "other", other, count);
    }
    return MSCSIM_OK;
}

static int distribution_section(report *r, mscsim_error *err)
{
    FILE *out = r->out;
    fputs("<h2 id=\"sec-distribution\">4. Sampling distribution of the estimate</h2>\n", out);
    if (!r->in->replicates_path) {
        fputs("<p>No replicates file was given (mscsim report --from RESULTS.csv --replicates "
              "FILE, with the replicates of the same run): no figure.</p>\n",
              out);
        return MSCSIM_OK;
    }
    if (r->chosen_row == SIZE_MAX) {
        sim_html_printf(out, "The chosen n = %ld was not simulated in %s: no figure.",
                        r->choice.n_total, shown(r, r->in->results_path));
        return MSCSIM_OK;
    }
    mscsim_plot_options opt = {.analysis = r->analysis,
                               .n_total = r->choice.n_total,
                               .scenario = r->config.cfg.sweep_count ? "1" : NULL};
    char caption[512], b1[64], b2[64], b3[64];
    const sim_report_table *t = &r->results;
    size_t c = r->chosen_row;
    snprintf(caption, sizeof caption,
             "Figure 4. The estimates of %s over %s simulated trials at n = %ld, the true effect "
             "%s marked; mean estimate %s, standard deviation %s.",
             r->analysis, cell(t, "reps", c), r->choice.n_total,
             sim_html_num(b1, sizeof b1, sim_report_value(t, "true_effect", c), 4),
             sim_html_num(b2, sizeof b2, sim_report_value(t, "mean_estimate", c), 4),
             sim_html_num(b3, sizeof b3, sim_report_value(t, "empirical_se", c), 4));
    return sim_html_figure(out, r->in->scratch_dir, "estimates", r->in->replicates_path, &opt,
                           caption, err);
}

static void reproducibility_section(report *r)
{
    FILE *out = r->out;
    const mscsim_config *cfg = &r->config.cfg;
    fputs("<h2 id=\"sec-reproducibility\">6. Reproducibility</h2>\n<p>", out);
    sim_html_printf(out, "mscsim %s; seed %llu; %ld trials per size and grid point. Each trial "
                         "draws from its own random stream of (seed, scenario, n, trial), so "
                         "the same config and seed give the same numbers on any machine and "
                         "any number of threads. ",
                    MSCSIM_VERSION_STRING, (unsigned long long)cfg->seed, cfg->reps);
    fputs("Saved as a file, the resolved config below reruns to the same results "
          "(<code>mscsim run FILE</code>).</p>\n",
          out);
    if (r->in->command) {
        fputs("<p>The command that made this report:</p>\n<pre class=\"command\">", out);
        sim_html_text(out, r->in->command);
        fputs("</pre>\n", out);
    }
    fputs("<h3>Resolved config</h3>\n<pre class=\"config\">", out);
    sim_html_text(out, r->config.text);
    fputs("</pre>\n", out);
}

/* ---- entry points ---- */

static int read_optional(const char *path, sim_report_table *t, int *has, mscsim_error *err)
{
    *has = 0;
    if (!path)
        return MSCSIM_OK;
    int status = sim_report_table_read(t, path, err);
    *has = status == MSCSIM_OK;
    return status;
}

/* The optional files must be of the same design: their analyses among the config's. */
static int check_answer(const report *r, mscsim_error *err)
{
    const sim_report_table *t = &r->answer;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(&r->config.cfg, names);
    if (sim_report_col(t, "n_total_below") < 0 || sim_report_col(t, "analysis") < 0) {
        sim_error_set(err, MSCSIM_ECONFIG, "not a sample-size answer of mscsim samplesize");
        sim_error_locate(err, t->path, 1, NULL, NULL);
        return MSCSIM_ECONFIG;
    }
    for (size_t i = 0; i < t->csv.nrow; i++) {
        int found = 0;
        for (int k = 0; k < analyses; k++)
            found |= strcmp(cell(t, "analysis", i), names[k]) == 0;
        if (!found) {
            sim_error_set(err, MSCSIM_ECONFIG, "analysis '%s' is not among the analyses of %s",
                          cell(t, "analysis", i), r->config.cfg.path);
            sim_error_locate(err, t->path, (int)t->csv.row_line[i], NULL, NULL);
            return MSCSIM_ECONFIG;
        }
    }
    return MSCSIM_OK;
}

static int write_report(report *r, mscsim_error *err)
{
    const mscsim_report_input *in = r->in;
    int status = sim_report_config_read(&r->config, in->config_path, err);
    if (!status)
        status = sim_report_table_read(&r->results, in->results_path, err);
    if (!status)
        status = sim_report_check_results(&r->results, &r->config, err);
    if (!status)
        status = read_optional(in->samplesize_path, &r->answer, &r->has_answer, err);
    if (!status && r->has_answer)
        status = check_answer(r, err);
    if (!status)
        status = read_optional(in->looks_path, &r->looks, &r->has_looks, err);
    if (status)
        return status;
    r->analysis = in->analysis ? in->analysis : cell(&r->results, "analysis", 0);
    int found = 0;
    for (size_t i = 0; i < r->results.csv.nrow; i++)
        found |= strcmp(cell(&r->results, "analysis", i), r->analysis) == 0;
    if (!found) {
        sim_error_set(err, MSCSIM_ECONFIG, "analysis '%s' is not in the results", r->analysis);
        sim_error_locate(err, in->results_path, 0, NULL, NULL);
        return MSCSIM_ECONFIG;
    }
    choose_n(r);
    r->kind = cell(&r->results, "rejection_kind", 0);
    for (size_t i = 1; r->kind && i < r->results.csv.nrow; i++)
        if (strcmp(cell(&r->results, "rejection_kind", i), r->kind) != 0)
            r->kind = NULL;

    begin_page(r);
    warnings(r);
    fputs("<h2 id=\"sec-design\">1. The design</h2>\n", r->out);
    sim_report_design(r->out, &r->config, in->source_path);
    status = power_section(r, err);
    if (!status)
        status = sensitivity_section(r, err);
    if (!status)
        status = distribution_section(r, err);
    if (status)
        return status;
    fputs("<h2 id=\"sec-justification\">5. Draft sample size justification</h2>\n<p class=\"meta\">To be checked and "
          "edited by the planner before it goes into a protocol.</p>\n",
          r->out);
    if (null_design(r))
        fputs("<p>Not for a null design: with no true effect there is no power to justify a "
              "size by; the results above are the analysis' type I error.</p>\n",
              r->out);
    else if (r->choice.n_total > 0 && !isnan(r->choice.power))
        sim_report_justification(r->out, &r->config, &r->choice);
    reproducibility_section(r);
    fputs("</body>\n</html>\n", r->out);
    if (ferror(r->out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the report");
    return MSCSIM_OK;
}

SIM_API int mscsim_report_write(const mscsim_report_input *in, FILE *out, mscsim_error *err)
{
    if (!in || !in->results_path || !in->config_path || !in->scratch_dir || !out)
        return sim_error_set(err, MSCSIM_EINVAL,
                             "a report needs a results CSV, its resolved config and a scratch "
                             "folder");
    if (in->target != 0 && !(in->target > 0 && in->target < 1))
        return sim_error_set(err, MSCSIM_EINVAL, "target power %g is not in (0, 1)", in->target);
    report r;
    memset(&r, 0, sizeof r);
    r.in = in;
    r.out = out;
    r.target = in->target ? in->target : 0.8;
    int status = write_report(&r, err);
    sim_report_table_free(&r.results);
    sim_report_table_free(&r.answer);
    sim_report_table_free(&r.looks);
    sim_report_config_free(&r.config);
    return status;
}

SIM_API int mscsim_report_answer_n(const char *samplesize_path, const char *analysis, long *n,
                                   mscsim_error *err)
{
    sim_report_table t;
    int status = sim_report_table_read(&t, samplesize_path, err);
    for (size_t i = 0; !status && i < t.csv.nrow; i++) {
        double v = sim_report_value(&t, "n_total", i);
        if ((!analysis || strcmp(cell(&t, "analysis", i), analysis) == 0) &&
            strcmp(cell(&t, "scenario", i), "1") == 0 && v >= 1) {
            *n = (long)v;
            sim_report_table_free(&t);
            return MSCSIM_OK;
        }
    }
    sim_report_table_free(&t);
    if (status)
        return status;
    sim_error_set(err, MSCSIM_ECONFIG, "no sample-size answer for scenario 1%s%s",
                  analysis ? " and analysis " : "", analysis ? analysis : "");
    sim_error_locate(err, samplesize_path, 0, NULL, NULL);
    return MSCSIM_ECONFIG;
}

/* The resolved config of cfg, in memory (malloc'ed), or NULL. */
static char *resolved_text(const mscsim_config *cfg, mscsim_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    int status = mscsim_config_write(cfg, f, err);
    fclose(f);
    if (status) {
        free(text);
        return NULL;
    }
    return text;
}

/* The next setting line of text from *p on (both texts come from one writer, so a long
 * list wraps the same way in both), skipping comments, blank lines and [simulation]
 * threads; *p is left at the line and section tracks its section. Returns the line's
 * length, 0 at the end. */
static size_t next_setting(const char **p, char *section, size_t section_len)
{
    while (**p) {
        const char *start = *p, *end = strchr(start, '\n');
        if (!end)
            end = start + strlen(start);
        *p = *end ? end + 1 : end;
        if (*start == '[') {
            snprintf(section, section_len, "%.*s", (int)(end - start), start);
            continue;
        }
        if (*start == '#' || start == end ||
            (strcmp(section, "[simulation]") == 0 && strncmp(start, "threads =", 9) == 0))
            continue;
        *p = start; /* The caller reads the line, then moves past it. */
        return (size_t)(end - start);
    }
    return 0;
}

SIM_API int mscsim_report_check_config(const mscsim_config *cfg, const char *resolved_path,
                                       mscsim_error *err)
{
    mscsim_config loaded;
    int status = mscsim_config_load(resolved_path, &loaded, err);
    if (status)
        return status;
    char *mine = resolved_text(cfg, err);
    char *other = resolved_text(&loaded, err);
    if (!mine || !other) {
        free(mine);
        free(other);
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    }
    const char *a = mine, *b = other;
    char sa[64] = "", sb[64] = "";
    status = MSCSIM_OK;
    for (;;) {
        size_t na = next_setting(&a, sa, sizeof sa);
        size_t nb = next_setting(&b, sb, sizeof sb);
        if (!na && !nb)
            break;
        /* The "; default" mark aside: a value set to its default is the same design. */
        size_t ca = na, cb = nb;
        const char *mark_a = na ? strstr(a, "  ; default") : NULL;
        const char *mark_b = nb ? strstr(b, "  ; default") : NULL;
        if (mark_a && mark_a < a + na)
            ca = (size_t)(mark_a - a);
        if (mark_b && mark_b < b + nb)
            cb = (size_t)(mark_b - b);
        if (na && nb && ca == cb && strcmp(sa, sb) == 0 && strncmp(a, b, ca) == 0) {
            a += na;
            b += nb;
            continue;
        }
        sim_error_set(err, MSCSIM_ECONFIG,
                      "the results were computed from another design: %s %.*s there, %s %.*s "
                      "in %s",
                      nb ? sb : "", nb ? (int)cb : 6, nb ? b : "(none)", na ? sa : "",
                      na ? (int)ca : 6, na ? a : "(none)", cfg->path);
        sim_error_locate(err, resolved_path, 0, NULL, NULL);
        status = MSCSIM_ECONFIG;
        break;
    }
    free(mine);
    free(other);
    return status;
}
