/* Clinical names in the figures: outcomes, swept keys and what an analysis estimates. */
#include <string.h>

#include "internal.h"
#include "mscsim/config.h"
#include "mscsim/model.h"
#include "mscsim/analysis.h"
#include "mscsim/scale.h"
#include "plot_internal.h"

typedef struct {
    const char *code, *words;
} label;

static const label endpoint_names[] = {
    {"change", "change from baseline"},
    {"final", "final score"},
    {"ratio", "improvement rate"},
    {"responder", "responders"},
};

static const char *find_words(const label *table, size_t count, const char *code)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].words;
    return NULL;
}

/* The one place a swept key's label is looked up: the key's own row (its model's file, or
 * the generic key table), or NULL for none. */
static const char *key_label(const char *key)
{
    return mscsim_config_key_label(key);
}

const char *sim_plot_key_words(const char *key)
{
    const char *words = key_label(key);
    return words ? words : key;
}

/* The text of a text column if it has one value over the selection, else NULL. */
static const char *uniform_text(const sim_plot_table *t, const sim_selection *s, int c)
{
    if (c < 0)
        return NULL;
    double v = sim_plot_value(t, c, s->row[0]);
    for (size_t i = 1; i < s->count; i++)
        if (sim_plot_value(t, c, s->row[i]) != v)
            return NULL;
    return sim_plot_level(t, c, s->row[0]);
}

/* 1 when the model called name scores a yes/no event (asked of the model registry). */
static int binary_model(const char *name)
{
    const mscsim_model_type *m = name ? mscsim_model_find(name) : NULL;
    return m && m->outcome == MSCSIM_OUTCOME_BINARY;
}

/* A 0/1 outcome: a binary model's favourable outcome, or a scale's responders. */
static int binary_outcome(const sim_plot_table *t, const sim_selection *s)
{
    const char *endpoint = uniform_text(t, s, t->at[SIM_COL_ENDPOINT]);
    return binary_model(uniform_text(t, s, t->at[SIM_COL_MODEL])) ||
           (endpoint && strcmp(endpoint, "responder") == 0);
}

int sim_plot_outcome_words(const sim_plot_table *t, const sim_selection *s, sim_text *out,
                           int *points)
{
    const char *scale = uniform_text(t, s, t->at[SIM_COL_SCALE]);
    const char *endpoint = uniform_text(t, s, t->at[SIM_COL_ENDPOINT]);
    const char *model = uniform_text(t, s, t->at[SIM_COL_MODEL]);
    if (points)
        *points = 0;
    /* A binary model's outcome is a yes/no event, whatever its nominal endpoint. */
    if (binary_model(model)) {
        sim_text_add(out, "proportion with the favourable outcome");
        return 1;
    }
    if (!scale || !endpoint)
        return 0;
    const char *end_words = find_words(endpoint_names, SIM_ARRAY_LEN(endpoint_names), endpoint);
    if (!end_words)
        end_words = endpoint;
    /* An unbounded outcome (scale none) has no name beyond its endpoint. */
    if (strcmp(scale, "none") == 0) {
        sim_text_add(out, "%.60s", end_words);
        return 1;
    }
    const char *in = strcmp(endpoint, "responder") == 0 ? "on" : "in";
    const char *scale_words = mscsim_scale_label(scale);
    sim_text_add(out, "%.60s %s %.60s", end_words, in, scale_words ? scale_words : scale);
    if (points)
        *points = strcmp(endpoint, "change") == 0 || strcmp(endpoint, "final") == 0;
    return 1;
}

/* What an analysis estimates, from the analysis registry; a mean difference of a 0/1
 * endpoint (the binary-only analyses) is a risk difference. -1 for an unknown name. */
typedef enum { EST_MEAN_DIFF, EST_LOG_OR, EST_SUPERIORITY, EST_RISK_DIFF } estimand;

static int estimand_of(const char *analysis)
{
    const mscsim_analysis_type *a = mscsim_analysis_find(analysis);
    if (!a)
        return -1;
    switch (a->estimand) {
    case MSCSIM_ESTIMAND_LOG_ODDS_RATIO:
        return EST_LOG_OR;
    case MSCSIM_ESTIMAND_SUPERIORITY:
        return EST_SUPERIORITY;
    default:
        return a->outcomes == MSCSIM_OUTCOME_BINARY ? EST_RISK_DIFF : EST_MEAN_DIFF;
    }
}

void sim_plot_estimate_label(const sim_plot_table *t, const sim_selection *s, sim_text *out)
{
    static const char *const est_words[] = {
        [EST_MEAN_DIFF] = "mean difference",
        [EST_LOG_OR] = "log common odds ratio",
        [EST_SUPERIORITY] = "P(superiority) \xe2\x88\x92 1/2", /* U+2212 minus sign */
        [EST_RISK_DIFF] = "risk difference (MSC \xe2\x88\x92 control)",
    };
    sim_text outcome = {0};
    int points = 0;
    int known = sim_plot_outcome_words(t, s, &outcome, &points);
    const char *analysis = sim_plot_level(t, t->at[SIM_COL_ANALYSIS], s->row[0]);
    int est = estimand_of(analysis);
    /* A mean difference of a 0/1 outcome is a difference of proportions. */
    if (est == EST_MEAN_DIFF && binary_outcome(t, s))
        est = EST_RISK_DIFF;
    sim_text_add(out, "Estimated MSC effect");
    if (est == EST_MEAN_DIFF && known)
        sim_text_add(out, ": %s%s", outcome.s, points ? " (points)" : "");
    else if (est >= 0)
        sim_text_add(out, ": %s%s%s", est_words[est], known ? ", " : "", outcome.s);
    else if (known)
        sim_text_add(out, ": %s", outcome.s);
}
