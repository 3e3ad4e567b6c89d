/* The design as a planner reads it: in words, as a table of every setting with its notes,
 * and the draft sample-size justification. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "internal.h"
#include "mscsim/analysis.h"
#include "mscsim/model.h"
#include "mscsim/scale.h"
#include "mscsim/version.h"
#include "plot/plot_internal.h"
#include "report_internal.h"

/* ---- the notes of the config file the user wrote ---- */

/* A note on one key: the comment after its value, or the comment lines just above it. */
typedef struct {
    char section[64], key[64];
    char text[1024];
} key_note;

typedef struct {
    char head[8192]; /* the comment lines before the first section: a preset's sources */
    key_note *note;
    size_t count;
} source_notes;

/* The comment of a line after its value: from a '#' or ';' that follows a blank. */
static const char *trailing_comment(const char *line)
{
    for (const char *p = line + 1; *p; p++)
        if ((*p == '#' || *p == ';') && (p[-1] == ' ' || p[-1] == '\t'))
            return p;
    return NULL;
}

static void strip_comment_mark(char *s)
{
    char *p = s;
    while (*p == '#' || *p == ';' || *p == ' ' || *p == '\t')
        p++;
    memmove(s, p, strlen(p) + 1);
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

/* Reads path's comments; a file that cannot be read has none (the report shows the
 * resolved config either way). */
static void read_notes(const char *path, source_notes *sn)
{
    memset(sn, 0, sizeof *sn);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return;
    char line[2048], section[64] = "", above[1024] = "";
    size_t cap = 0;
    int in_head = 1;
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == ';') {
            char text[2048];
            snprintf(text, sizeof text, "%s", p);
            strip_comment_mark(text);
            if (in_head) {
                sim_append(sn->head, sizeof sn->head, text);
                sim_append(sn->head, sizeof sn->head, "\n");
            } else if (text[0]) {
                if (above[0])
                    sim_append(above, sizeof above, " ");
                sim_append(above, sizeof above, text);
            }
            continue;
        }
        if (*p == '[') {
            in_head = 0;
            char *close = strchr(p, ']');
            snprintf(section, sizeof section, "%.*s", close ? (int)(close - p - 1) : 0, p + 1);
            above[0] = '\0';
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq || line != p) { /* A continuation line or a blank: no key of its own. */
            if (!eq && *p == '\n')
                above[0] = '\0';
            continue;
        }
        const char *c = trailing_comment(eq);
        if (!c && !above[0])
            continue;
        if (sn->count == cap) {
            cap = cap ? 2 * cap : 32;
            key_note *grown = realloc(sn->note, cap * sizeof *grown);
            if (!grown)
                break;
            sn->note = grown;
        }
        key_note *k = &sn->note[sn->count++];
        snprintf(k->section, sizeof k->section, "%s", section);
        char *end = eq;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        snprintf(k->key, sizeof k->key, "%.*s", (int)(end - p), p);
        snprintf(k->text, sizeof k->text, "%s", above);
        if (c) {
            char text[1024];
            snprintf(text, sizeof text, "%s", c);
            strip_comment_mark(text);
            if (k->text[0])
                sim_append(k->text, sizeof k->text, " ");
            sim_append(k->text, sizeof k->text, text);
        }
        above[0] = '\0';
    }
    fclose(f);
}

static const char *note_of(const source_notes *sn, const char *section, const char *key)
{
    for (size_t i = 0; i < sn->count; i++)
        if (strcmp(sn->note[i].section, section) == 0 && strcmp(sn->note[i].key, key) == 0)
            return sn->note[i].text;
    return NULL;
}

/* ---- the design in words ---- */

/* A registry description as a clause: without its final period. */
static void clause(char *buf, size_t len, const char *description)
{
    snprintf(buf, len, "%s", description ? description : "");
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '.')
        buf[n - 1] = '\0';
}

/* A setting's value for the prose: every key is listed with its default, so "not set" is
 * never expected, but the text must not pass a null pointer to %s. */
static const char *setting(const sim_report_config *c, const char *section, const char *key)
{
    const sim_report_setting *s = sim_report_setting_find(c, section, key);
    return s ? s->value : "not set";
}

/* "two-sided" or "one-sided (MSC better)". */
static const char *sides_words(const mscsim_config *cfg)
{
    return cfg->sides == 2 ? "two-sided" : "one-sided (MSC better)";
}

/* The [msc] settings a planner reads as the effect: those set in the config, but for
 * dropout and mortality, told apart. */
static void msc_effect_words(const sim_report_config *c, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->count; i++) {
        const sim_report_setting *s = &c->set[i];
        if (strcmp(s->section, "msc") != 0 || s->is_default || strcmp(s->key, "dropout") == 0 ||
            strcmp(s->key, "mortality") == 0)
            continue;
        /* "mean = 16.5 (control 10)": an arm's parameter beside the control's. */
        const sim_report_setting *ctl = sim_report_setting_find(c, "control", s->key);
        sim_append(buf, len, buf[0] ? ", " : "");
        sim_append(buf, len, s->key);
        sim_append(buf, len, " = ");
        sim_append(buf, len, s->value);
        if (ctl) {
            sim_append(buf, len, " (control ");
            sim_append(buf, len, ctl->value);
            sim_append(buf, len, ")");
        }
    }
}

static void design_words(FILE *out, const sim_report_config *c)
{
    const mscsim_config *cfg = &c->cfg;
    char buf[4096];
    fputs("<p>", out);
    sim_html_printf(out, "A two-arm randomized trial of rehabilitation alone (control) against "
                         "MSC plus rehabilitation, allocated %d:%d (control:MSC), simulated at "
                         "a total of ",
                    cfg->alloc[0], cfg->alloc[1]);
    for (int i = 0; i < cfg->n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(cfg, cfg->n[i], sizes);
        sim_html_printf(out, "%s%ld (%ld + %ld)",
                        i == 0 ? "" : i == cfg->n_count - 1 ? " and " : ", ", cfg->n[i],
                        sizes[0], sizes[1]);
    }
    sim_html_printf(out, " patients. ");
    mscsim_scale sc;
    mscsim_error err;
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    const char *outcome = model && model->outcome == MSCSIM_OUTCOME_BINARY
                              ? "the favourable binary outcome"
                              : "the score";
    if (mscsim_scale_from_config(cfg, &sc, &err) == MSCSIM_OK && sc.label &&
        mscsim_scale_bounded(&sc))
        outcome = sc.label;
    int primary = mscsim_config_primary_index(cfg);
    char endpoint[64]; /* auto resolved for the model */
    if (mscsim_config_format(cfg, "analysis", "endpoint", endpoint, sizeof endpoint))
        snprintf(endpoint, sizeof endpoint, "auto");
    sim_html_printf(out, "Outcome: %s at day %g after randomization", outcome,
                    cfg->visits[primary]);
    if (cfg->visit_count > 1) {
        buf[0] = '\0';
        for (int v = 0; v < cfg->visit_count; v++) {
            char day[32];
            snprintf(day, sizeof day, "%s%g", v ? ", " : "", cfg->visits[v]);
            sim_append(buf, sizeof buf, day);
        }
        sim_html_printf(out, " (visits on days %s)", buf);
    }
    if (mscsim_scale_from_config(cfg, &sc, &err) == MSCSIM_OK && mscsim_scale_bounded(&sc))
        sim_html_printf(out, ", scored %g to %g, %s is better", sc.min, sc.max,
                        sc.higher_is_better ? "higher" : "lower");
    sim_html_printf(out, "; endpoint: %s (positive = MSC better). ", endpoint);
    clause(buf, sizeof buf, model ? model->description : NULL);
    sim_html_printf(out, "Outcome model: %s%s%s. ", cfg->model, buf[0] ? ", " : "", buf);
    msc_effect_words(c, buf, sizeof buf);
    if (buf[0])
        sim_html_printf(out, "MSC effect as configured: %s. ", buf);
    const mscsim_arm_config *ctl = &cfg->arm[MSCSIM_ARM_CONTROL], *msc = &cfg->arm[MSCSIM_ARM_MSC];
    sim_html_printf(out, "Dropout: %g %% control, %g %% MSC (%s)", 100 * ctl->dropout,
                    100 * msc->dropout, setting(c, "dropout", "mechanism"));
    if (ctl->mortality > 0 || msc->mortality > 0)
        sim_html_printf(out, "; deaths by the primary visit: %g %% control, %g %% MSC",
                        100 * ctl->mortality, 100 * msc->mortality);
    sim_html_printf(out, "; missing outcomes handled by %s. ", setting(c, "analysis", "missing"));
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names);
    sim_html_printf(out, "Analysis%s, %s at alpha %g: ", analyses > 1 ? "es" : "",
                    sides_words(cfg), cfg->alpha);
    for (int k = 0; k < analyses; k++) {
        const mscsim_analysis_type *a = mscsim_analysis_find(names[k]);
        clause(buf, sizeof buf, a ? a->description : NULL);
        sim_html_printf(out, "%s%s (%s)", k ? "; " : "", names[k], buf);
    }
    sim_html_printf(out, ". Each size is simulated %ld times (seed %llu).", cfg->reps,
                    (unsigned long long)cfg->seed);
    if (cfg->sweep_count) {
        sim_html_printf(out, " Sensitivity grid of %zu points:", mscsim_sweep_points(cfg));
        for (int k = 0; k < cfg->sweep_count; k++) {
            buf[0] = '\0';
            for (int v = 0; v < cfg->sweep[k].value_count; v++) {
                sim_append(buf, sizeof buf, v ? ", " : "");
                sim_append(buf, sizeof buf, cfg->sweep[k].values[v]);
            }
            sim_html_printf(out, "%s %s = %s", k ? ";" : "", cfg->sweep[k].name, buf);
        }
        sim_html_printf(out, ".");
    }
    fputs("</p>\n", out);
}

/* The help text of section.key (a swept key: its label), or "". */
static const char *key_help(const char *section, const char *key)
{
    size_t index;
    if (strcmp(section, "sweep") == 0) {
        const char *label = mscsim_config_key_label(key);
        return label ? label : "swept key";
    }
    const sim_key *k = sim_key_find(section, key, 0, &index);
    return k && k->help ? k->help : "";
}

void sim_report_design(FILE *out, const sim_report_config *c, const char *source_path)
{
    design_words(out, c);
    source_notes sn;
    read_notes(source_path, &sn);
    int notes = 0;
    for (size_t i = 0; i < c->count; i++)
        notes |= note_of(&sn, c->set[i].section, c->set[i].key) != NULL;
    fprintf(out, "<p>Every setting of the design (greyed: left at its default):</p>\n"
                 "<table class=\"settings\">\n<thead><tr><th>setting</th><th>value</th>"
                 "<th>default</th><th>meaning</th>%s</tr></thead>\n<tbody>\n",
            notes ? "<th>note in the config (source)</th>" : "");
    for (size_t i = 0; i < c->count; i++) {
        const sim_report_setting *s = &c->set[i];
        const char *note = note_of(&sn, s->section, s->key);
        fprintf(out, "<tr%s><td>", s->is_default ? " class=\"default\"" : "");
        sim_html_printf(out, "[%s] %s", s->section, s->key);
        fputs("</td><td class=\"value\">", out);
        sim_html_text(out, s->value);
        fprintf(out, "</td><td>%s</td><td>", s->is_default ? "yes" : "no");
        sim_html_text(out, key_help(s->section, s->key));
        if (notes) {
            fputs("</td><td>", out);
            sim_html_text(out, note ? note : "");
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    if (sn.head[0]) {
        fputs("<p>The config file's own notes (for a preset, its sources in configs/EVIDENCE.md "
              "of the mscsim repository, with each figure's status: V verified, U unverified, "
              "A assumption):</p>\n<pre class=\"notes\">",
              out);
        sim_html_text(out, sn.head);
        fputs("</pre>\n", out);
    }
    free(sn.note);
}

/* ---- the justification paragraph ---- */

void sim_report_justification(FILE *out, const sim_report_config *c, const sim_report_choice *ch)
{
    const mscsim_config *cfg = &c->cfg;
    char a[64], b[64], d[64], effect[512], estimand[512];
    msc_effect_words(c, effect, sizeof effect);
    sim_report_estimand_words(ch->results_path, ch->analysis, estimand, sizeof estimand);
    const mscsim_analysis_type *an = mscsim_analysis_find(ch->analysis);
    char an_words[512], model_words[512];
    clause(an_words, sizeof an_words, an ? an->description : NULL);
    fputs("<p class=\"draft\">", out);
    sim_html_printf(out, "A total of %ld patients (%ld allocated to rehabilitation alone and %ld "
                         "to MSC plus rehabilitation, %d:%d) gives an estimated power of %s "
                         "(95 %% Monte Carlo interval %s to %s) ",
                    ch->n_total, ch->n_control, ch->n_msc, cfg->alloc[0], cfg->alloc[1],
                    sim_html_pct(a, sizeof a, ch->power), sim_html_pct(b, sizeof b, ch->power_lo),
                    sim_html_pct(d, sizeof d, ch->power_hi));
    /* A risk difference's words already say which arm is subtracted. */
    sim_html_printf(out, "to detect a true difference of %s in the %s%s",
                    sim_html_num(a, sizeof a, ch->true_effect, 4), estimand,
                    strstr(estimand, "MSC") ? "" : " (MSC minus control)");
    if (effect[0])
        sim_html_printf(out, ", the effect of the assumed MSC settings %s", effect);
    sim_html_printf(out, ", with %s (%s) at a %s significance level of %g. ", ch->analysis,
                    an_words, sides_words(cfg), cfg->alpha);
    const sim_report_setting *sd_c = sim_report_setting_find(c, "control", "sd");
    const sim_report_setting *sd_m = sim_report_setting_find(c, "msc", "sd");
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    clause(model_words, sizeof model_words, model ? model->description : NULL);
    if (sd_c && sd_m)
        sim_html_printf(out, "The standard deviation of the outcome is taken as %s (control) "
                             "and %s (MSC). ",
                        sd_c->value, sd_m->value);
    else
        sim_html_printf(out, "The outcome's distribution is that of the %s model (%s), with "
                             "every assumption listed in the design table; at this size the "
                             "estimate's standard deviation over simulated trials is %s. ",
                        cfg->model, model_words, sim_html_num(a, sizeof a, ch->empirical_se, 4));
    sim_html_printf(out, "The calculation allows for %g %% dropout in the control arm and %g %% "
                         "in the MSC arm (%s), ",
                    100 * cfg->arm[0].dropout, 100 * cfg->arm[1].dropout,
                    setting(c, "dropout", "mechanism"));
    if (cfg->arm[0].mortality > 0 || cfg->arm[1].mortality > 0)
        sim_html_printf(out, "%g %% and %g %% deaths by the primary visit, ",
                        100 * cfg->arm[0].mortality, 100 * cfg->arm[1].mortality);
    sim_html_printf(out, "missing outcomes handled by %s. ", setting(c, "analysis", "missing"));
    if (ch->from_samplesize)
        sim_html_printf(out, "%ld is the smallest total size, in whole allocation blocks, whose "
                             "power reaches the target of %g: found by a simulation search over "
                             "nested trials and confirmed with %.0f independent simulated trials "
                             "at %ld and one block below (%ld trials in all). ",
                        ch->n_total, ch->target, ch->reps, ch->n_total, ch->trials);
    else
        sim_html_printf(out, "Power was estimated from %.0f simulated trials at this size. ",
                        ch->reps);
    double mcse = sqrt(ch->power * (1 - ch->power) / ch->reps);
    sim_html_printf(out, "Trials were simulated patient by patient and analysed as planned with "
                         "mscsim %s (seed %llu); the Monte Carlo standard error of the power is "
                         "%s.",
                    MSCSIM_VERSION_STRING, (unsigned long long)cfg->seed,
                    sim_html_num(a, sizeof a, mcse, 4));
    if (!isnan(ch->analytic_power))
        sim_html_printf(out, " The closed-form power of this analysis, which ignores what the "
                             "simulation adds, is %s.",
                        sim_html_pct(a, sizeof a, ch->analytic_power));
    fputs("</p>\n", out);
}

/* ---- what the analysis estimates, in the figures' words ---- */

void sim_report_estimand_words(const char *results_path, const char *analysis, char *buf,
                               size_t len)
{
    /* The label the figures give the estimate, for the rows of this analysis. */
    static const char prefix[] = "Estimated MSC effect";
    mscsim_error err;
    sim_plot_table t = {.path = results_path, .err = &err};
    sim_selection sel = {0};
    snprintf(buf, len, "estimate of %s", analysis);
    if (sim_plot_read(&t) == MSCSIM_OK && t.at[SIM_COL_ANALYSIS] >= 0 &&
        (sel.row = malloc(t.csv.nrow * sizeof *sel.row)) != NULL) {
        const sim_csv_kept *col = &t.csv.col[t.at[SIM_COL_ANALYSIS]];
        for (size_t r = 0; r < t.csv.nrow; r++)
            if (strcmp(col->level[(size_t)sim_plot_value(&t, t.at[SIM_COL_ANALYSIS], r)],
                       analysis) == 0)
                sel.row[sel.count++] = r;
        if (sel.count) {
            sim_text label = {0};
            sim_plot_estimate_label(&t, &sel, &label);
            const char *words = label.s + strlen(prefix);
            if (strncmp(label.s, prefix, strlen(prefix)) == 0 && words[0] == ':')
                snprintf(buf, len, "%s", words + 2);
        }
    }
    free(sel.row);
    sim_plot_table_free(&t);
}
